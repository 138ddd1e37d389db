package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// ActorsBySlugs loads states and organizations by slug; missing slugs are absent.
func (s *Store) ActorsBySlugs(ctx context.Context, slugs []string) (map[string]kg.Actor, error) {
	rows, err := s.query(ctx, "SELECT slug, kind, data FROM actors WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]kg.Actor, len(slugs))
	for rows.Next() {
		a, slug, err := scanActor(rows)
		if err != nil {
			return nil, err
		}
		out[slug] = a
	}
	return out, rows.Err()
}

func scanActor(rows *sql.Rows) (kg.Actor, string, error) {
	var slug, kind, data string
	if err := rows.Scan(&slug, &kind, &data); err != nil {
		return nil, "", fmt.Errorf("scan actor: %w", err)
	}
	var a kg.Actor
	if kind == kg.KindState {
		a = &kg.State{}
	} else {
		a = &kg.Organization{}
	}
	if err := json.Unmarshal([]byte(data), a); err != nil {
		return nil, "", fmt.Errorf("decode actor %s: %w", slug, err)
	}
	return a, slug, nil
}

// ActorSlugByCode finds the slug of the actor with the given ISO code, acronym or COW key.
// column is one of iso2, iso3, acronym or cow_key; matching ignores case. It returns "" when
// none matches.
func (s *Store) ActorSlugByCode(ctx context.Context, column, code string) (string, error) {
	var q string
	switch column {
	case "iso2", "iso3", "acronym", "cow_key":
		q = "SELECT slug FROM actors WHERE " + column + " = ? COLLATE NOCASE"
	default:
		return "", fmt.Errorf("actor code: unknown column %q", column)
	}
	rows, err := s.query(ctx, q, code)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var slug string
	if rows.Next() {
		if err := rows.Scan(&slug); err != nil {
			return "", err
		}
	}
	return slug, rows.Err()
}

// StateSlugByCowCode finds the slug of the state with the given Correlates of War country
// code; "" when none has it.
func (s *Store) StateSlugByCowCode(ctx context.Context, code int) (string, error) {
	rows, err := s.query(ctx, "SELECT slug FROM actors WHERE cow_code = ?", code)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var slug string
	if rows.Next() {
		if err := rows.Scan(&slug); err != nil {
			return "", err
		}
	}
	return slug, rows.Err()
}

// ListDisputes pages through the stints whose sources disagree, by start and slug.
func (s *Store) ListDisputes(ctx context.Context, first int, after *Cursor) (Page[*kg.Membership], error) {
	cols, sig := ordering(nil, nil, nil, "m.lo", "m.slug")
	return listPage(ctx, s, "'Membership'", "memberships m", cond{sql: "m.disputed = 1"}, cols, "Dispute/"+sig, first, after, decodeJSON[kg.Membership])
}

// CountDisputes counts the stints whose sources disagree.
func (s *Store) CountDisputes(ctx context.Context) (int, error) {
	return s.count(ctx, "SELECT COUNT(*) FROM memberships m WHERE m.disputed = 1")
}

// MembershipsByOrganizations loads every stint in each of the given organizations, in order
// of start.
func (s *Store) MembershipsByOrganizations(ctx context.Context, orgs []string) (map[string][]*kg.Membership, error) {
	return scanGrouped[kg.Membership](s.query(ctx, `SELECT organization, data FROM memberships
		WHERE organization IN (SELECT value FROM json_each(?)) ORDER BY organization, lo, slug`, keysJSON(orgs)))
}

// MembershipsByMembers loads every stint of each of the given actors, in order of start.
func (s *Store) MembershipsByMembers(ctx context.Context, members []string) (map[string][]*kg.Membership, error) {
	return scanGrouped[kg.Membership](s.query(ctx, `SELECT member, data FROM memberships
		WHERE member IN (SELECT value FROM json_each(?)) ORDER BY member, lo, slug`, keysJSON(members)))
}

// MembershipsBySlugs loads stints by slug.
func (s *Store) MembershipsBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Membership, error) {
	return scanKeyed[kg.Membership](s.query(ctx, "SELECT slug, data FROM memberships WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

// PlacesBySlugs loads places by slug.
func (s *Store) PlacesBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Place, error) {
	return scanKeyed[kg.Place](s.query(ctx, "SELECT slug, data FROM places WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

// PeopleBySlugs loads people by slug.
func (s *Store) PeopleBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Person, error) {
	return scanKeyed[kg.Person](s.query(ctx, "SELECT slug, data FROM people WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

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

// FiguresByStates loads each state's personnel figures, oldest first.
func (s *Store) FiguresByStates(ctx context.Context, states []string) (map[string][]*kg.MilitaryStrength, error) {
	return scanGrouped[kg.MilitaryStrength](s.query(ctx, `SELECT state, data FROM figures
		WHERE state IN (SELECT value FROM json_each(?)) ORDER BY state, year, slug`, keysJSON(states)))
}

// FiguresBySlugs loads personnel figures by slug.
func (s *Store) FiguresBySlugs(ctx context.Context, slugs []string) (map[string]*kg.MilitaryStrength, error) {
	return scanKeyed[kg.MilitaryStrength](s.query(ctx, "SELECT slug, data FROM figures WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

// ProvisionsByOrganizations loads each organization's provisions.
func (s *Store) ProvisionsByOrganizations(ctx context.Context, orgs []string) (map[string][]*kg.Provision, error) {
	return scanGrouped[kg.Provision](s.query(ctx, `SELECT organization, data FROM provisions
		WHERE organization IN (SELECT value FROM json_each(?)) ORDER BY organization, ord`, keysJSON(orgs)))
}

// ProvisionsBySlugs loads provisions by slug.
func (s *Store) ProvisionsBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Provision, error) {
	return scanKeyed[kg.Provision](s.query(ctx, "SELECT slug, data FROM provisions WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

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

// DocumentsBySlugs loads documents by slug.
func (s *Store) DocumentsBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Document, error) {
	return scanKeyed[kg.Document](s.query(ctx, "SELECT slug, data FROM documents WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

// Documents lists every document in seed order.
func (s *Store) Documents(ctx context.Context) ([]*kg.Document, error) {
	return scanList[kg.Document](s.query(ctx, "SELECT slug, data FROM documents ORDER BY ord"))
}

// OrganizationsByParents loads the bodies of each organization, in order of name.
func (s *Store) OrganizationsByParents(ctx context.Context, parents []string) (map[string][]*kg.Organization, error) {
	return scanGrouped[kg.Organization](s.query(ctx, `SELECT parent, data FROM actors
		WHERE parent IN (SELECT value FROM json_each(?)) ORDER BY parent, name`, keysJSON(parents)))
}
