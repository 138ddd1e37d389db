package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
)

// EventsBySlugs loads events by slug.
func (s *Store) EventsBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Event, error) {
	return scanKeyed[kg.Event](s.query(ctx, "SELECT slug, data FROM events WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

// eventsOfOrder names the ordering of the events of one node, for its cursors.
const eventsOfOrder = "EventsOf/DATE"

// EventsInvolving pages, for each of several node refs at once, through the events that
// involve it, in date order.
func (s *Store) EventsInvolving(ctx context.Context, refs []string, first int, after *paging.Cursor) (map[string]paging.Page[*kg.Event], error) {
	if err := after.Check(eventsOfOrder, 2); err != nil {
		return nil, err
	}
	a := after.Args(2)
	sortV, key := a[0], a[1]
	rows, err := s.query(ctx, `SELECT ref, slug, data, lo FROM (
			SELECT i.ref, e.slug, e.data, i.lo,
				ROW_NUMBER() OVER (PARTITION BY i.ref ORDER BY i.lo, i.event) AS rn
			FROM involvement i JOIN events e ON e.slug = i.event
			WHERE i.ref IN (SELECT value FROM json_each(?1))
				AND (?2 IS NULL OR (i.lo, i.event) > (?2, ?3)))
		WHERE rn <= ?4 ORDER BY ref, rn`, keysJSON(refs), sortV, key, first+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := map[string][]*kg.Event{}
	cursors := map[string][]paging.Cursor{}
	for rows.Next() {
		var ref, slug, data string
		var lo int64
		if err := rows.Scan(&ref, &slug, &data, &lo); err != nil {
			return nil, err
		}
		e := &kg.Event{}
		if err := json.Unmarshal([]byte(data), e); err != nil {
			return nil, fmt.Errorf("decode event %s: %w", slug, err)
		}
		items[ref] = append(items[ref], e)
		cursors[ref] = append(cursors[ref], paging.Cursor{Order: eventsOfOrder, Values: []any{lo, slug}})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]paging.Page[*kg.Event], len(refs))
	for _, r := range refs {
		out[r] = paging.Trim(items[r], cursors[r], first)
	}
	return out, nil
}

// CountEventsInvolving counts, for each node ref, the events that involve it.
func (s *Store) CountEventsInvolving(ctx context.Context, refs []string) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT ref, COUNT(*) FROM involvement
		WHERE ref IN (SELECT value FROM json_each(?)) GROUP BY ref`, keysJSON(refs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]int, len(refs))
	for rows.Next() {
		var ref string
		var n int
		if err := rows.Scan(&ref, &n); err != nil {
			return nil, err
		}
		out[ref] = n
	}
	return out, rows.Err()
}
