package kg

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMarshalEnumWritesJSONStrings(t *testing.T) {
	for _, s := range []string{"MEMBER", "UN_MEMBER", "year2", "", `a"b`, "a\\b", "é", "<&>", "tab\there"} {
		var b bytes.Buffer
		marshalEnum(&b, s)
		var back string
		if assert.NoError(t, json.Unmarshal(b.Bytes(), &back), "%q wrote %s", s, b.String()) {
			assert.Equal(t, s, back)
		}
	}
	var b bytes.Buffer
	b.Grow(64)
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		b.Reset()
		MembershipRole("OBSERVER").MarshalGQL(&b)
	}), "no allocation for a name")
}
