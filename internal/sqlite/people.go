package sqlite

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// PeopleBySlugs loads people by slug.
func (s *Store) PeopleBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Person, error) {
	return scanKeyed[kg.Person](s.query(ctx, "SELECT slug, data FROM people WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}
