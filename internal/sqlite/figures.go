package sqlite

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// FiguresByStates loads each state's personnel figures, oldest first.
func (s *Store) FiguresByStates(ctx context.Context, states []string) (map[string][]*kg.MilitaryStrength, error) {
	return scanGrouped[kg.MilitaryStrength](s.query(ctx, `SELECT state, data FROM figures
		WHERE state IN (SELECT value FROM json_each(?)) ORDER BY state, year, slug`, keysJSON(states)))
}

// FiguresBySlugs loads personnel figures by slug.
func (s *Store) FiguresBySlugs(ctx context.Context, slugs []string) (map[string]*kg.MilitaryStrength, error) {
	return scanKeyed[kg.MilitaryStrength](s.query(ctx, "SELECT slug, data FROM figures WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}
