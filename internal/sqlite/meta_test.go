package sqlite

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLargestStintListIsCountedAtBuild: the count build keeps in meta is the one the stints
// give, and a database without it is counted at open.
func TestLargestStintListIsCountedAtBuild(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	var live int
	require.NoError(t, s.db.QueryRowContext(ctx, "SELECT MAX(n) FROM ("+largestStintListSQL+")").Scan(&live))
	require.Positive(t, live)
	kept, err := s.LargestStintList(ctx)
	require.NoError(t, err)
	assert.Equal(t, live, kept)

	without, err := Open(alter(t, "DELETE FROM meta WHERE key = 'largest_stint_list'"), 1)
	require.NoError(t, err)
	defer without.Close()
	counted, err := without.LargestStintList(ctx)
	require.NoError(t, err)
	assert.Equal(t, live, counted)
}
