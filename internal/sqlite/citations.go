package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// CitationsByFacts loads, for each fact ref ("Membership:armenia-csto"), the footnotes that
// support it, in the order the seeds give them.
func (s *Store) CitationsByFacts(ctx context.Context, facts []string) (map[string][]*kg.Citation, error) {
	return scanGrouped[kg.Citation](s.query(ctx, `SELECT fc.fact, c.data FROM fact_citations fc
		JOIN citations c ON c.document = fc.document AND c.number = fc.number
		WHERE fc.fact IN (SELECT value FROM json_each(?)) ORDER BY fc.fact, fc.ord`, keysJSON(facts)))
}

// CitationsByKeys loads footnotes by key ("csto-article/6").
func (s *Store) CitationsByKeys(ctx context.Context, keys []string) (map[string]*kg.Citation, error) {
	return scanKeyed[kg.Citation](s.query(ctx, `SELECT document || '/' || number, data FROM citations
		WHERE document || '/' || number IN (SELECT value FROM json_each(?))`, keysJSON(keys)))
}

// CitationsByDocuments pages, for each document, through its footnotes in number order.
func (s *Store) CitationsByDocuments(ctx context.Context, docs []string, first int, after *Cursor) (map[string]Page[*kg.Citation], error) {
	sortV, _ := after.args()
	rows, err := s.query(ctx, `SELECT document, number, data FROM (
			SELECT document, number, data, ROW_NUMBER() OVER (PARTITION BY document ORDER BY number) AS rn
			FROM citations WHERE document IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR number > ?2))
		WHERE rn <= ?3 ORDER BY document, number`, keysJSON(docs), sortV, first+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := map[string][]*kg.Citation{}
	cursors := map[string][]Cursor{}
	for rows.Next() {
		var doc, data string
		var n int64
		if err := rows.Scan(&doc, &n, &data); err != nil {
			return nil, err
		}
		c := &kg.Citation{}
		if err := json.Unmarshal([]byte(data), c); err != nil {
			return nil, fmt.Errorf("decode citation %s/%d: %w", doc, n, err)
		}
		items[doc] = append(items[doc], c)
		cursors[doc] = append(cursors[doc], Cursor{Sort: n, Key: doc})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]Page[*kg.Citation], len(docs))
	for _, d := range docs {
		out[d] = trim(items[d], cursors[d], first)
	}
	return out, nil
}

// CountCitationsByDocuments counts each document's footnotes.
func (s *Store) CountCitationsByDocuments(ctx context.Context, docs []string) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT document, COUNT(*) FROM citations
		WHERE document IN (SELECT value FROM json_each(?)) GROUP BY document`, keysJSON(docs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var d string
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, err
		}
		out[d] = n
	}
	return out, rows.Err()
}

// ListCitations pages through every footnote, by document and number.
func (s *Store) ListCitations(ctx context.Context, first int, after *Cursor) (Page[*kg.Citation], error) {
	sortV, key := after.args()
	rows, err := s.query(ctx, `SELECT c.document, c.number, c.data FROM citations c JOIN documents d ON d.slug = c.document
		WHERE (?1 IS NULL OR (d.ord, c.number) > ((SELECT ord FROM documents WHERE slug = ?2), ?1))
		ORDER BY d.ord, c.number LIMIT ?3`, sortV, key, first+1)
	if err != nil {
		return Page[*kg.Citation]{}, err
	}
	defer rows.Close()
	var items []*kg.Citation
	var cursors []Cursor
	for rows.Next() {
		var doc, data string
		var n int64
		if err := rows.Scan(&doc, &n, &data); err != nil {
			return Page[*kg.Citation]{}, err
		}
		c := &kg.Citation{}
		if err := json.Unmarshal([]byte(data), c); err != nil {
			return Page[*kg.Citation]{}, fmt.Errorf("decode citation %s/%d: %w", doc, n, err)
		}
		items = append(items, c)
		cursors = append(cursors, Cursor{Sort: n, Key: doc})
	}
	if err := rows.Err(); err != nil {
		return Page[*kg.Citation]{}, err
	}
	return trim(items, cursors, first), nil
}

// CountCitations counts every footnote.
func (s *Store) CountCitations(ctx context.Context) (int, error) {
	return s.count(ctx, "SELECT COUNT(*) FROM citations")
}

// FactsByCitations loads, for each footnote key ("csto-article/6"), the refs of the facts it
// supports.
func (s *Store) FactsByCitations(ctx context.Context, keys []string) (map[string][]kg.Ref, error) {
	rows, err := s.query(ctx, `SELECT document || '/' || number AS k, fact FROM fact_citations
		WHERE k IN (SELECT value FROM json_each(?)) ORDER BY k, fact`, keysJSON(keys))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]kg.Ref{}
	for rows.Next() {
		var k, fact string
		if err := rows.Scan(&k, &fact); err != nil {
			return nil, err
		}
		if r, ok := kg.ParseRef(fact); ok {
			out[k] = append(out[k], r)
		}
	}
	return out, rows.Err()
}
