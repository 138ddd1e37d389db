package kg_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
)

func TestNodeIDRoundTrip(t *testing.T) {
	require.Len(t, kg.NodeKinds, 12)
	seen := map[string]bool{}
	for _, kind := range kg.NodeKinds {
		key := "csto"
		if kind == kg.KindCitation {
			key = kg.CitationKey("csto-article", 6)
		}
		t.Run(kind, func(t *testing.T) {
			id := kg.NodeID(kind, key)
			assert.NotContains(t, id, kind, "the ID is opaque")
			assert.NotContains(t, id, "=", "no padding")
			assert.NotContains(t, id, "/", "URL-safe")
			assert.NotContains(t, id, "+", "URL-safe")
			assert.False(t, seen[id], "IDs differ by kind for the same key")
			seen[id] = true

			ref, err := kg.DecodeID(id)
			require.NoError(t, err)
			assert.Equal(t, kg.Ref{Kind: kind, Key: key}, ref)
			assert.Equal(t, id, ref.ID())
			assert.Equal(t, kind+":"+key, ref.String())

			parsed, ok := kg.ParseRef(ref.String())
			require.True(t, ok)
			assert.Equal(t, ref, parsed)
		})
	}
}

func TestNodeIDStable(t *testing.T) {
	// The ID depends on kind and key only, and is the unpadded URL-safe base64 of "Kind:key".
	assert.Equal(t, kg.NodeID(kg.KindState, "armenia"), kg.NodeID(kg.KindState, "armenia"))
	assert.Equal(t, base64.RawURLEncoding.EncodeToString([]byte("State:armenia")), kg.NodeID(kg.KindState, "armenia"))
	assert.NotEqual(t, kg.NodeID(kg.KindState, "armenia"), kg.NodeID(kg.KindState, "belarus"))
	// Keys may hold the separator: only the first colon splits kind from key.
	ref, err := kg.DecodeID(kg.NodeID(kg.KindEvent, "a:b"))
	require.NoError(t, err)
	assert.Equal(t, kg.Ref{Kind: kg.KindEvent, Key: "a:b"}, ref)
}

func TestDecodeIDRejects(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name string
		id   string
	}{
		{"empty", ""},
		{"not base64", "!!!not-an-id!!!"},
		{"padded std base64", base64.StdEncoding.EncodeToString([]byte("State:armenia"))},
		{"no separator", enc("Statearmenia")},
		{"unknown kind", enc("Country:armenia")},
		{"kind in wrong case", enc("state:armenia")},
		{"empty key", enc("State:")},
		{"empty kind", enc(":armenia")},
		{"slug alone", "armenia"},
		{"long garbage", strings.Repeat("%", 500)},
		{"long multi-byte", "x" + strings.Repeat("ё", 500)}, // a byte cut would split a character
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := kg.DecodeID(tt.id)
			require.Error(t, err)
			assert.Equal(t, kg.Ref{}, ref)
			var ke *kg.Error
			require.True(t, errors.As(err, &ke), "want a *kg.Error, got %T", err)
			assert.Equal(t, kg.BadUserInput, ke.Code)
			assert.Contains(t, ke.Message, "invalid ID")
			assert.Less(t, len(ke.Message), 200, "a long ID is truncated in the message")
			assert.NotContains(t, ke.Message, `\x`, "a character is never split into bytes quoted one by one")
		})
	}
}

func TestParseRefRejects(t *testing.T) {
	for _, s := range []string{"", "State", "State:", "Nation:x", ":x"} {
		_, ok := kg.ParseRef(s)
		assert.False(t, ok, "%q", s)
	}
}
