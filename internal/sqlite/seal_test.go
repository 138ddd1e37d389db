package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFileChecksumReadsTheRecordedSumAsItsPlaceholder checks the checksum on files whose
// recorded sum falls anywhere, across the reads' boundaries too, against a SHA-256 of the
// same bytes edited in memory.
func TestFileChecksumReadsTheRecordedSumAsItsPlaceholder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	body := make([]byte, 3<<20+123)
	for i := range body {
		body[i] = byte('a' + rng.IntN(26)) // no hex digit but a–f: no stray occurrence of a sum
	}
	recorded := strings.Repeat("0123456789", 7)[:sumWidth]
	want := func(b []byte, at int) string {
		b = append([]byte(nil), b...)
		clear(b[24:28])
		clear(b[92:96])
		copy(b[at:], sumPlaceholder)
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:])
	}
	for _, at := range []int{200, 1<<20 - 10, 1<<20 - sumWidth, 1<<20 + sumWidth - 1, 2<<20 - 1, len(body) - sumWidth} {
		b := append([]byte(nil), body...)
		copy(b[at:], recorded)
		path := filepath.Join(t.TempDir(), "f")
		require.NoError(t, os.WriteFile(path, b, 0o644))
		got, err := fileChecksum(context.Background(), path, recorded)
		require.NoError(t, err, "at %d", at)
		assert.Equal(t, want(b, at), got, "at %d", at)

		// The header's change counter does not count; any other byte does.
		b[25], b[94] = 'x', 'y'
		require.NoError(t, os.WriteFile(path, b, 0o644))
		again, err := fileChecksum(context.Background(), path, recorded)
		require.NoError(t, err)
		assert.Equal(t, got, again, "at %d", at)
		b[100]++ // clear of every place the sum is put
		require.NoError(t, os.WriteFile(path, b, 0o644))
		changed, err := fileChecksum(context.Background(), path, recorded)
		require.NoError(t, err)
		assert.NotEqual(t, got, changed, "at %d", at)
	}

	path := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(path, body, 0o644))
	_, err := fileChecksum(context.Background(), path, recorded)
	require.ErrorContains(t, err, "found 0 times")
	twice := append([]byte(nil), body...)
	copy(twice[1000:], recorded)
	copy(twice[2<<20:], recorded)
	require.NoError(t, os.WriteFile(path, twice, 0o644))
	_, err = fileChecksum(context.Background(), path, recorded)
	require.ErrorContains(t, err, "found 2 times")
}

// TestVerifyFindsTheRecordedChecksumChanged: the checksum's own bytes are checked too.
func TestVerifyFindsTheRecordedChecksumChanged(t *testing.T) {
	_, _, path := openFixture(t)
	s, err := Open(path, 1)
	require.NoError(t, err)
	var recorded string
	require.NoError(t, s.db.QueryRow("SELECT value FROM meta WHERE key = 'checksum'").Scan(&recorded))
	require.NoError(t, s.Verify(context.Background()))
	require.NoError(t, s.Close())

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	at := strings.Index(string(b), recorded)
	require.GreaterOrEqual(t, at, 0)
	b[at] ^= 0x01
	copyPath := filepath.Join(t.TempDir(), "changed.db")
	require.NoError(t, os.WriteFile(copyPath, b, 0o644))
	s, err = Open(copyPath, 1)
	require.NoError(t, err)
	defer s.Close()
	err = s.Verify(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "damaged")
}
