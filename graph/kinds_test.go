package graph_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/treatygraph/treatygraph/graph/model"
	"github.com/treatygraph/treatygraph/internal/kg"
)

// TestStintChangeKindsAreMembershipChangeKinds checks that every change the domain lists is
// a value of the public enum, and the other way round, since the resolver converts one to
// the other by name.
func TestStintChangeKindsAreMembershipChangeKinds(t *testing.T) {
	var names []string
	for _, k := range kg.StintChangeKinds {
		assert.True(t, model.MembershipChangeKind(k).IsValid(), "%s is no MembershipChangeKind", k)
		names = append(names, string(k))
	}
	var public []string
	for _, k := range model.AllMembershipChangeKind {
		public = append(public, string(k))
	}
	assert.ElementsMatch(t, public, names)
}
