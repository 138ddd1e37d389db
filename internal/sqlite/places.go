package sqlite

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// PlacesBySlugs loads places by slug.
func (s *Store) PlacesBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Place, error) {
	return scanKeyed[kg.Place](s.query(ctx, "SELECT slug, data FROM places WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}
