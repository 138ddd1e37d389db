package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// TestSearchExactFirst checks that a name or alias that is the text asked for, an acronym
// among them, comes first even when more texts than a search reads begin with it and rank
// higher as prefix matches, and that its score stays the highest.
func TestSearchExactFirst(t *testing.T) {
	g := loadFixture(t)
	acr := "UN"
	g.Organizations = append(g.Organizations, &kg.Organization{Slug: "world-body", Name: "World Body", Acronym: &acr, Aliases: []string{}})
	for i := range 60 {
		g.Organizations = append(g.Organizations, &kg.Organization{Slug: fmt.Sprintf("un-un-%d", i),
			Name: fmt.Sprintf("Un Un Un Union %d", i), Aliases: []string{fmt.Sprintf("Un Un %d", i)}})
	}
	path := filepath.Join(t.TempDir(), "treatygraph.db")
	require.NoError(t, Build(context.Background(), g, path))
	s, err := Open(path, 2)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()

	for _, q := range []string{"UN", "un", " Un "} {
		hits, err := s.Search(ctx, q, nil, 3)
		require.NoError(t, err, q)
		require.Len(t, hits, 3, q)
		assert.Equal(t, ref(kg.KindOrganization, "world-body"), hits[0].Ref, q)
		assert.Equal(t, "alias", hits[0].Field, q)
		assert.Greater(t, hits[0].Score, hits[1].Score, q)
		for i := 2; i < len(hits); i++ {
			assert.GreaterOrEqual(t, hits[i-1].Score, hits[i].Score, "%s: best first", q)
		}
	}
	// The kinds still apply to the exact hits.
	hits, err := s.Search(ctx, "UN", []string{kg.KindState}, 3)
	require.NoError(t, err)
	assert.NotContains(t, hitRefs(hits), ref(kg.KindOrganization, "world-body"))

	// Several words, exact in any case; a longer text that begins with them is no exact hit.
	hits, err = s.Search(ctx, "world body", nil, 3)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, ref(kg.KindOrganization, "world-body"), hits[0].Ref)
	hits, err = s.Search(ctx, "un un un union 7", nil, 3)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, ref(kg.KindOrganization, "un-un-7"), hits[0].Ref)
	hits, err = s.Search(ctx, "un un", nil, 3)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.NotEqual(t, ref(kg.KindOrganization, "world-body"), hits[0].Ref, "UN is no exact hit for \"un un\"")
}
