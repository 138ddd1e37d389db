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

// OrganizationsByParents loads the bodies of each organization, in order of name.
func (s *Store) OrganizationsByParents(ctx context.Context, parents []string) (map[string][]*kg.Organization, error) {
	return scanGrouped[kg.Organization](s.query(ctx, `SELECT parent, data FROM actors
		WHERE parent IN (SELECT value FROM json_each(?)) ORDER BY parent, name`, keysJSON(parents)))
}
