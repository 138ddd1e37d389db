package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// ReadGraph reads every record of the database back into a graph, for exports: documents in
// seed order, footnotes by document and number, states and organizations by name, places
// and memberships by organization and start, events by date, and the rest in seed order.
// It runs one statement per table.
func (s *Store) ReadGraph(ctx context.Context) (*kg.Graph, error) {
	g := &kg.Graph{Version: s.version}
	var err error
	g.Documents, err = readList[kg.Document](ctx, s, err, "SELECT slug, data FROM documents ORDER BY ord")
	g.Citations, err = readList[kg.Citation](ctx, s, err, "SELECT document || '/' || number, data FROM citations ORDER BY document, number")
	g.States, err = readList[kg.State](ctx, s, err, "SELECT slug, data FROM actors WHERE kind = 'State' ORDER BY name, slug")
	g.Organizations, err = readList[kg.Organization](ctx, s, err, "SELECT slug, data FROM actors WHERE kind = 'Organization' ORDER BY name, slug")
	g.Places, err = readList[kg.Place](ctx, s, err, "SELECT slug, data FROM places ORDER BY slug")
	g.People, err = readList[kg.Person](ctx, s, err, "SELECT slug, data FROM people ORDER BY name, slug")
	g.Positions, err = readList[kg.Position](ctx, s, err, "SELECT slug, data FROM positions ORDER BY ord")
	g.Memberships, err = readList[kg.Membership](ctx, s, err, "SELECT slug, data FROM memberships ORDER BY organization, lo, slug")
	g.Events, err = readList[kg.Event](ctx, s, err, "SELECT slug, data FROM events ORDER BY lo, slug")
	g.Quotes, err = readList[kg.Quote](ctx, s, err, "SELECT slug, data FROM quotes ORDER BY ord")
	g.Figures, err = readList[kg.MilitaryStrength](ctx, s, err, "SELECT slug, data FROM figures ORDER BY state, year")
	g.Provisions, err = readList[kg.Provision](ctx, s, err, "SELECT slug, data FROM provisions ORDER BY ord")
	if err != nil {
		return nil, fmt.Errorf("read graph: %w", err)
	}
	return g, nil
}

// readList runs q, which selects (key, data JSON), unless an earlier step failed.
func readList[T any](ctx context.Context, s *Store, prev error, q string) ([]*T, error) {
	if prev != nil {
		return nil, prev
	}
	return scanList[T](s.query(ctx, q))
}

// Links lists every link of the graph once, in the direction it was written ("member of",
// from the state to the organization), in the order the build wrote them. The edges table
// holds each link twice, once each way; the second copy of each is left out.
func (s *Store) Links(ctx context.Context) ([]Edge, error) {
	rows, err := s.query(ctx, "SELECT a, b, relation, inverse, fact, cite, lo, hi FROM edges ORDER BY rowid")
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	defer rows.Close()
	type sig struct {
		a, b, rel, inv string
		fact, cite     sql.NullString
		lo, hi         int
	}
	// pending counts the links written one way whose other way is still to come.
	pending := map[sig]int{}
	var out []Edge
	for rows.Next() {
		var k sig
		if err := rows.Scan(&k.a, &k.b, &k.rel, &k.inv, &k.fact, &k.cite, &k.lo, &k.hi); err != nil {
			return nil, fmt.Errorf("links: scan: %w", err)
		}
		reverse := sig{k.b, k.a, k.inv, k.rel, k.fact, k.cite, k.lo, k.hi}
		if pending[reverse] > 0 {
			pending[reverse]--
			continue
		}
		pending[k]++
		from, ok1 := kg.ParseRef(k.a)
		to, ok2 := kg.ParseRef(k.b)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("links: malformed node ref %q or %q", k.a, k.b)
		}
		e := Edge{From: from, To: to, Relation: k.rel, Inverse: k.inv}
		if r, ok := kg.ParseRef(k.fact.String); ok {
			e.Fact = &r
		}
		if r, ok := kg.ParseRef(k.cite.String); ok {
			e.Cite = &r
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
