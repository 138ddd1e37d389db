package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
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
	return scanKeyed[kg.Citation](s.query(ctx, `SELECT j.value, c.data FROM json_each(?) j
		JOIN citations c ON c.document = substr(j.value, 1, instr(j.value, '/') - 1)
			AND c.number = CAST(substr(j.value, instr(j.value, '/') + 1) AS INTEGER)`, keysJSON(keys)))
}

// docCitationsOrder names the ordering of one document's footnotes, for its cursors.
const docCitationsOrder = "DocumentCitations/NUMBER"

// CitationsByDocuments pages, for each document, through its footnotes in number order.
func (s *Store) CitationsByDocuments(ctx context.Context, docs []string, first int, after *paging.Cursor) (map[string]paging.Page[*kg.Citation], error) {
	if err := after.Check(docCitationsOrder, 1); err != nil {
		return nil, err
	}
	sortV := after.Args(1)[0]
	rows, err := s.query(ctx, `SELECT document, number, data FROM (
			SELECT document, number, data, ROW_NUMBER() OVER (PARTITION BY document ORDER BY number) AS rn
			FROM citations WHERE document IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR number > ?2))
		WHERE rn <= ?3 ORDER BY document, number`, keysJSON(docs), sortV, first+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := map[string][]*kg.Citation{}
	cursors := map[string][]paging.Cursor{}
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
		cursors[doc] = append(cursors[doc], paging.Cursor{Order: docCitationsOrder, Values: []any{n}})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]paging.Page[*kg.Citation], len(docs))
	for _, d := range docs {
		out[d] = paging.Trim(items[d], cursors[d], first)
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

// FactsByCitations loads, for each footnote key ("csto-article/6"), the refs of the facts it
// supports.
func (s *Store) FactsByCitations(ctx context.Context, keys []string) (map[string][]kg.Ref, error) {
	rows, err := s.query(ctx, `SELECT j.value AS k, fc.fact FROM json_each(?) j
		JOIN fact_citations fc ON fc.document = substr(j.value, 1, instr(j.value, '/') - 1)
			AND fc.number = CAST(substr(j.value, instr(j.value, '/') + 1) AS INTEGER)
		ORDER BY k, fc.fact`, keysJSON(keys))
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
