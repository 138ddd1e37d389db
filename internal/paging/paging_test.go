package paging

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
)

func TestCursor(t *testing.T) {
	for _, c := range []Cursor{
		{Order: "Event/DATE:false", Values: []any{int64(19940101), "armenia-csto-1994"}},
		{Order: "State/NAME:false", Values: []any{"Armenia", "armenia"}},
		{Order: "x", Values: []any{int64(0), ""}},
	} {
		enc := c.Encode()
		assert.NotContains(t, enc, "armenia", "opaque")
		got, err := DecodeCursor(enc)
		require.NoError(t, err)
		assert.Equal(t, c, *got)
	}

	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, bad := range []string{
		"",
		"!!!garbage!!!",
		"YWJj",                             // "abc"
		enc(`[1,"x"]`),                     // no prefix
		enc(`cursor:v2:`),                  // no body
		enc(`cursor:v2:{"a":1}`),           // not a list
		enc(`cursor:v2:["o"]`),             // too short
		enc(`cursor:v2:["o",[1],"y"]`),     // too long
		enc(`cursor:v2:[1,[1]]`),           // ordering not a string
		enc(`cursor:v2:["o",[true]]`),      // value neither number nor string
		enc(`cursor:v2:["o",[null]]`),      // no value
		enc(`cursor:v2:["o",[]]`),          // no values
		enc(`cursor:v1:[1,"x"]`),           // another version
		kg.NodeID(kg.KindState, "armenia"), // an ID is not a cursor
		"x" + strings.Repeat("курсор", 30), // long, two bytes a character: a byte cut would split one
	} {
		_, err := DecodeCursor(bad)
		require.Error(t, err, "%q", bad)
		var ke *kg.Error
		require.True(t, errors.As(err, &ke), "%q: want *kg.Error, got %T", bad, err)
		assert.Equal(t, kg.BadUserInput, ke.Code, "%q", bad)
		assert.Contains(t, ke.Message, "invalid cursor")
		assert.NotContains(t, ke.Message, `\x`, "a character is never split into bytes quoted one by one")
		assert.Less(t, len(ke.Message), 250, "a long cursor is cut in the message")
	}
}
