package graph_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSchemaDescription checks that introspection gives the schema's description, the text
// GraphiQL's Docs page opens on, and that it points at the entry points.
func TestSchemaDescription(t *testing.T) {
	var got struct {
		Schema struct{ Description *string } `json:"__schema"`
	}
	curated(t).data(t, `{ __schema { description } }`, nil, &got)
	if assert.NotNil(t, got.Schema.Description) {
		for _, want := range []string{"treatygraph", "Query", `organization(acronym: "CSTO")`, "search(", "extensions.code"} {
			assert.Contains(t, *got.Schema.Description, want)
		}
	}
}
