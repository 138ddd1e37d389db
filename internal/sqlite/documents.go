package sqlite

import (
	"context"
	"fmt"
	"sort"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// DocumentSlugs returns the slugs of every source document, sorted. The set is read once: the
// database does not change while it is open, and a cancelled first caller must not leave the
// error behind for the others.
func (s *Store) DocumentSlugs(ctx context.Context) ([]string, error) {
	s.docsOnce.Do(func() {
		rows, err := s.query(context.WithoutCancel(ctx), "SELECT slug FROM documents")
		if err != nil {
			s.docsErr = err
			return
		}
		defer rows.Close()
		for rows.Next() {
			var slug string
			if err := rows.Scan(&slug); err != nil {
				s.docsErr = err
				return
			}
			s.docs = append(s.docs, slug)
		}
		s.docsErr = rows.Err()
		sort.Strings(s.docs)
	})
	return s.docs, s.docsErr
}

// LargestStintList is the length of the longest list of stints one actor has, as a member or
// as an organization: the most items a list of an actor's stints can hold.
func (s *Store) LargestStintList(ctx context.Context) (int, error) {
	// Counted at build (meta), so that a server starts without reading every stint.
	n, err := s.count(ctx, `SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'largest_stint_list'),
		(SELECT MAX(n) FROM (`+largestStintListSQL+`)))`)
	if err != nil {
		return 0, fmt.Errorf("largest stint list: %w", err)
	}
	return n, nil
}

// largestStintListSQL counts the stints of each organization and of each member.
const largestStintListSQL = `SELECT COUNT(*) AS n FROM memberships GROUP BY organization
	UNION ALL SELECT COUNT(*) FROM memberships GROUP BY member`

// DocumentsBySlugs loads documents by slug.
func (s *Store) DocumentsBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Document, error) {
	return scanKeyed[kg.Document](s.query(ctx, "SELECT slug, data FROM documents WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

// Documents lists every document in seed order.
func (s *Store) Documents(ctx context.Context) ([]*kg.Document, error) {
	return scanList[kg.Document](s.query(ctx, "SELECT slug, data FROM documents ORDER BY ord"))
}
