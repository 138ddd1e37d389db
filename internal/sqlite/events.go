package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// EventFilter narrows a list of events. Zero values do not filter.
type EventFilter struct {
	// From and To keep the events whose dates overlap the period from From to To.
	From, To *kg.PartialDate
	Kinds    []kg.EventKind
	// Involving is a node ref ("State:armenia", "Person:...", "Place:...") the event involves.
	Involving string
}

func (f EventFilter) args() (from, to, kinds, involving any) {
	if f.From != nil {
		from = f.From.First()
	}
	if f.To != nil {
		to = f.To.Last()
	}
	if len(f.Kinds) > 0 {
		kinds = keysJSON(f.Kinds)
	}
	if f.Involving != "" {
		involving = f.Involving
	}
	return
}

const eventWhere = `(?1 IS NULL OR e.hi >= ?1) AND (?2 IS NULL OR e.lo <= ?2)
	AND (?3 IS NULL OR e.kind IN (SELECT value FROM json_each(?3)))
	AND (?4 IS NULL OR e.slug IN (SELECT event FROM involvement WHERE ref = ?4))`

// ListEvents pages through the events that match f, in date order.
func (s *Store) ListEvents(ctx context.Context, f EventFilter, first int, after *Cursor) (Page[*kg.Event], error) {
	from, to, kinds, involving := f.args()
	sortV, key := after.args()
	rows, err := s.query(ctx, `SELECT e.slug, e.data, e.lo FROM events e WHERE `+eventWhere+`
		AND (?5 IS NULL OR (e.lo, e.slug) > (?5, ?6)) ORDER BY e.lo, e.slug LIMIT ?7`,
		from, to, kinds, involving, sortV, key, first+1)
	if err != nil {
		return Page[*kg.Event]{}, err
	}
	defer rows.Close()
	var items []*kg.Event
	var cursors []Cursor
	for rows.Next() {
		var slug, data string
		var lo int64
		if err := rows.Scan(&slug, &data, &lo); err != nil {
			return Page[*kg.Event]{}, err
		}
		e := &kg.Event{}
		if err := json.Unmarshal([]byte(data), e); err != nil {
			return Page[*kg.Event]{}, fmt.Errorf("decode event %s: %w", slug, err)
		}
		items = append(items, e)
		cursors = append(cursors, Cursor{Sort: lo, Key: slug})
	}
	if err := rows.Err(); err != nil {
		return Page[*kg.Event]{}, err
	}
	return trim(items, cursors, first), nil
}

// CountEvents counts the events that match f.
func (s *Store) CountEvents(ctx context.Context, f EventFilter) (int, error) {
	from, to, kinds, involving := f.args()
	return s.count(ctx, "SELECT COUNT(*) FROM events e WHERE "+eventWhere, from, to, kinds, involving)
}

// EventsBySlugs loads events by slug.
func (s *Store) EventsBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Event, error) {
	return scanKeyed[kg.Event](s.query(ctx, "SELECT slug, data FROM events WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}

// EventsInvolving pages, for each of several node refs at once, through the events that
// involve it, in date order.
func (s *Store) EventsInvolving(ctx context.Context, refs []string, first int, after *Cursor) (map[string]Page[*kg.Event], error) {
	sortV, key := after.args()
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
	cursors := map[string][]Cursor{}
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
		cursors[ref] = append(cursors[ref], Cursor{Sort: lo, Key: slug})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]Page[*kg.Event], len(refs))
	for _, r := range refs {
		out[r] = trim(items[r], cursors[r], first)
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
