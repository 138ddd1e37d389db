package sqlite

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// QuotesBySlugs loads quotes by slug.
func (s *Store) QuotesBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Quote, error) {
	return scanKeyed[kg.Quote](s.query(ctx, "SELECT slug, data FROM quotes WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

// QuotesBySpeakers loads the quotes of each person.
func (s *Store) QuotesBySpeakers(ctx context.Context, people []string) (map[string][]*kg.Quote, error) {
	return scanGrouped[kg.Quote](s.query(ctx, `SELECT speaker, data FROM quotes
		WHERE speaker IN (SELECT value FROM json_each(?)) ORDER BY speaker, ord`, keysJSON(people)))
}

// QuotesByEvents loads the quotes said during each event.
func (s *Store) QuotesByEvents(ctx context.Context, events []string) (map[string][]*kg.Quote, error) {
	return scanGrouped[kg.Quote](s.query(ctx, `SELECT event, data FROM quotes
		WHERE event IN (SELECT value FROM json_each(?)) ORDER BY event, ord`, keysJSON(events)))
}
