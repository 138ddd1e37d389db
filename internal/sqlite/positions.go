package sqlite

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// PositionsByPeople loads the posts each person held.
func (s *Store) PositionsByPeople(ctx context.Context, people []string) (map[string][]*kg.Position, error) {
	return scanGrouped[kg.Position](s.query(ctx, `SELECT person, data FROM positions
		WHERE person IN (SELECT value FROM json_each(?)) ORDER BY person, ord`, keysJSON(people)))
}

// PositionsByActors loads the posts held in each state or organization.
func (s *Store) PositionsByActors(ctx context.Context, actors []string) (map[string][]*kg.Position, error) {
	return scanGrouped[kg.Position](s.query(ctx, `SELECT of_actor, data FROM positions
		WHERE of_actor IN (SELECT value FROM json_each(?)) ORDER BY of_actor, ord`, keysJSON(actors)))
}

// PositionsBySlugs loads posts by slug.
func (s *Store) PositionsBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Position, error) {
	return scanKeyed[kg.Position](s.query(ctx, "SELECT slug, data FROM positions WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}
