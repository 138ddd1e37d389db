package synth

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSplitKeepsEveryRecordOnceUnderTheLimit checks that a kind's YAML is cut between its
// records, each part under the limit and a document of the same kind, the parts together
// every record once, in order.
func TestSplitKeepsEveryRecordOnceUnderTheLimit(t *testing.T) {
	var body bytes.Buffer
	body.WriteString("memberships:\n")
	for i := range 50 {
		fmt.Fprintf(&body, "  - slug: \"m-%d\"\n    member: \"a\"\n    explanations:\n      - \"x\"\n    source:\n      notes: [1, 2]\n", i)
	}
	whole := body.Bytes()
	parts, err := split(whole, 0)
	require.NoError(t, err)
	assert.Equal(t, [][]byte{whole}, parts, "no limit: one part")
	parts, err = split(whole, int64(len(whole)))
	require.NoError(t, err)
	assert.Len(t, parts, 1, "a body at the limit is one part")

	parts, err = split(whole, 500)
	require.NoError(t, err)
	require.Greater(t, len(parts), 1)
	var joined []byte
	for _, p := range parts {
		assert.LessOrEqual(t, len(p), 500)
		require.True(t, bytes.HasPrefix(p, []byte("memberships:\n  - slug: ")), "%s", p)
		joined = append(joined, bytes.TrimPrefix(p, []byte("memberships:\n"))...)
	}
	assert.Equal(t, string(whole), "memberships:\n"+string(joined), "every record once, in order")

	_, err = split(whole, 40)
	assert.ErrorContains(t, err, "larger than the largest file")
}

func TestIsSeedFile(t *testing.T) {
	for name, want := range map[string]bool{
		"memberships.yaml": true, "memberships-001.yaml": true, "events-012.yaml": true,
		"memberships-1.yaml": false, "other-001.yaml": false, "notes.yaml": false, "sub/memberships.yaml": false,
	} {
		assert.Equal(t, want, IsSeedFile(name), name)
	}
}
