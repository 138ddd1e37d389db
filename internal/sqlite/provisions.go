package sqlite

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// ProvisionsByOrganizations loads each organization's provisions.
func (s *Store) ProvisionsByOrganizations(ctx context.Context, orgs []string) (map[string][]*kg.Provision, error) {
	return scanGrouped[kg.Provision](s.query(ctx, `SELECT organization, data FROM provisions
		WHERE organization IN (SELECT value FROM json_each(?)) ORDER BY organization, ord`, keysJSON(orgs)))
}

// ProvisionsBySlugs loads provisions by slug.
func (s *Store) ProvisionsBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Provision, error) {
	return scanKeyed[kg.Provision](s.query(ctx, "SELECT slug, data FROM provisions WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}
