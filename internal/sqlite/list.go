package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
)

// orderCol is one key of an SQL ordering.
type orderCol struct {
	expr string
	desc bool
}

// ordering turns ordering keys into SQL columns from a table of field expressions, then adds
// the unique tie-break columns, so that every ordering is total and cursors stay valid.
func ordering(keys []kg.OrderKey, exprs map[string]string, def []kg.OrderKey, ties ...string) ([]orderCol, string) {
	if len(keys) == 0 {
		keys = def
	}
	var cols []orderCol
	var sig []string
	for _, k := range keys {
		cols = append(cols, orderCol{exprs[k.Field], k.Desc})
		sig = append(sig, fmt.Sprintf("%s:%v", k.Field, k.Desc))
	}
	for _, t := range ties {
		cols = append(cols, orderCol{expr: t})
	}
	return cols, strings.Join(sig, ",")
}

// keyset is the condition for rows after the cursor's values in the given ordering.
func keyset(cols []orderCol, after *paging.Cursor) cond {
	if after == nil {
		return always1
	}
	var alts []cond
	for i := range cols {
		var parts []string
		var args []any
		for j := 0; j < i; j++ {
			parts = append(parts, cols[j].expr+" = ?")
			args = append(args, after.Values[j])
		}
		op := " > ?"
		if cols[i].desc {
			op = " < ?"
		}
		parts = append(parts, cols[i].expr+op)
		args = append(args, after.Values[i])
		alts = append(alts, cond{strings.Join(parts, " AND "), args})
	}
	return or(alts...)
}

// listPage runs one page of a filtered, ordered list: SELECT kind, data, the ordering values
// FROM from WHERE where, after the cursor, where the table holding the records is aliased
// t. decode turns a row's kind and data into an item.
func listPage[T any](ctx context.Context, s *Store, kindCol, from string, where cond, cols []orderCol, sig string,
	first int, after *paging.Cursor, decode func(kind, data string) (T, error)) (paging.Page[T], error) {
	if err := after.Check(sig, len(cols)); err != nil {
		return paging.Page[T]{}, err
	}
	exprs := make([]string, len(cols))
	orderBy := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = c.expr
		orderBy[i] = c.expr
		if c.desc {
			orderBy[i] += " DESC"
		}
	}
	w := and(where, keyset(cols, after))
	t := strings.Fields(from)[1]
	q := "SELECT " + kindCol + ", " + t + ".data, " + strings.Join(exprs, ", ") + " FROM " + from +
		" WHERE " + w.sql + " ORDER BY " + strings.Join(orderBy, ", ") + " LIMIT ?"
	rows, err := s.query(ctx, q, append(w.args, first+1)...)
	if err != nil {
		return paging.Page[T]{}, err
	}
	defer rows.Close()
	var items []T
	var cursors []paging.Cursor
	for rows.Next() {
		var kind, data string
		vals := make([]any, len(cols))
		dest := []any{&kind, &data}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return paging.Page[T]{}, fmt.Errorf("scan: %w", err)
		}
		item, err := decode(kind, data)
		if err != nil {
			return paging.Page[T]{}, err
		}
		items = append(items, item)
		cursors = append(cursors, paging.Cursor{Order: sig, Values: vals})
	}
	if err := rows.Err(); err != nil {
		return paging.Page[T]{}, err
	}
	return paging.Trim(items, cursors, first), nil
}

func decodeJSON[T any](_ string, data string) (*T, error) {
	v := new(T)
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return nil, fmt.Errorf("decode %T: %w", v, err)
	}
	return v, nil
}

func decodeActor(kind, data string) (kg.Actor, error) {
	var a kg.Actor = &kg.Organization{}
	if kind == kg.KindState {
		a = &kg.State{}
	}
	if err := json.Unmarshal([]byte(data), a); err != nil {
		return nil, fmt.Errorf("decode actor: %w", err)
	}
	return a, nil
}

var actorOrder = map[string]string{
	"NAME": "a.name", "SLUG": "a.slug", "ISO2": "COALESCE(a.iso2, '')", "ISO3": "COALESCE(a.iso3, '')",
	"RECOGNITION": "COALESCE(a.recognition, '')", "ACRONYM": "COALESCE(a.acronym, '')", "FOUNDED": "COALESCE(a.founded_lo, 0)",
}

var byName = []kg.OrderKey{{Field: "NAME"}}

// ListStates pages through the states that match f in the given order (name by default).
func (s *Store) ListStates(ctx context.Context, f *kg.StateFilter, order []kg.OrderKey, first int, after *paging.Cursor) (paging.Page[kg.Actor], error) {
	cols, sig := ordering(order, actorOrder, byName, "a.slug")
	return listPage(ctx, s, "a.kind", "actors a", and(cond{sql: "a.kind = 'State'"}, stateCond("a", f)), cols, "State/"+sig, first, after, decodeActor)
}

// CountStates counts the states that match f.
func (s *Store) CountStates(ctx context.Context, f *kg.StateFilter) (int, error) {
	w := and(cond{sql: "a.kind = 'State'"}, stateCond("a", f))
	return s.count(ctx, "SELECT COUNT(*) FROM actors a WHERE "+w.sql, w.args...)
}

// ListOrganizations pages through the organizations that match f in the given order.
func (s *Store) ListOrganizations(ctx context.Context, f *kg.OrganizationFilter, order []kg.OrderKey, first int, after *paging.Cursor) (paging.Page[kg.Actor], error) {
	cols, sig := ordering(order, actorOrder, byName, "a.slug")
	return listPage(ctx, s, "a.kind", "actors a", and(cond{sql: "a.kind = 'Organization'"}, organizationCond("a", f)), cols, "Organization/"+sig, first, after, decodeActor)
}

// CountOrganizations counts the organizations that match f.
func (s *Store) CountOrganizations(ctx context.Context, f *kg.OrganizationFilter) (int, error) {
	w := and(cond{sql: "a.kind = 'Organization'"}, organizationCond("a", f))
	return s.count(ctx, "SELECT COUNT(*) FROM actors a WHERE "+w.sql, w.args...)
}

var personOrder = map[string]string{"NAME": "p.name", "SLUG": "p.slug"}

// ListPeople pages through the people that match f in the given order (name by default).
func (s *Store) ListPeople(ctx context.Context, f *kg.PersonFilter, order []kg.OrderKey, first int, after *paging.Cursor) (paging.Page[*kg.Person], error) {
	cols, sig := ordering(order, personOrder, byName, "p.slug")
	return listPage(ctx, s, "'Person'", "people p", personCond("p", f), cols, "Person/"+sig, first, after, decodeJSON[kg.Person])
}

// CountPeople counts the people that match f.
func (s *Store) CountPeople(ctx context.Context, f *kg.PersonFilter) (int, error) {
	w := personCond("p", f)
	return s.count(ctx, "SELECT COUNT(*) FROM people p WHERE "+w.sql, w.args...)
}

// EventQuery narrows a list of events: the arguments of Query.events and a filter.
type EventQuery struct {
	// From and To keep the events whose dates overlap the period from From to To.
	From, To *kg.PartialDate
	Kinds    []kg.EventKind
	// Involving is a node ref ("State:armenia", "Person:...", "Place:...") the event involves.
	Involving string
	Filter    *kg.EventFilter
}

func (q EventQuery) where() cond {
	var cs []cond
	if q.From != nil {
		// hi - lo never exceeds the longest event's span, so the bound on lo follows from the
		// one on hi; it lets the date index start near the first event that can match.
		cs = append(cs, cond{"e.hi >= ? AND e.lo >= ? - COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'max_event_span'), 99999999)",
			[]any{q.From.First(), q.From.First()}})
	}
	if q.To != nil {
		cs = append(cs, cond{"e.lo <= ?", []any{q.To.Last()}})
	}
	if len(q.Kinds) > 0 {
		cs = append(cs, cond{"e.kind IN (SELECT value FROM json_each(?))", []any{keysJSON(q.Kinds)}})
	}
	if q.Involving != "" {
		cs = append(cs, cond{"e.slug IN (SELECT event FROM involvement WHERE ref = ?)", []any{q.Involving}})
	}
	cs = append(cs, eventCond("e", q.Filter))
	return and(cs...)
}

var eventOrder = map[string]string{"DATE": "e.lo", "TITLE": "e.title", "KIND": "e.kind", "SLUG": "e.slug"}

// ListEvents pages through the events that match q, in date order unless order says
// otherwise.
func (s *Store) ListEvents(ctx context.Context, q EventQuery, order []kg.OrderKey, first int, after *paging.Cursor) (paging.Page[*kg.Event], error) {
	cols, sig := ordering(order, eventOrder, []kg.OrderKey{{Field: "DATE"}}, "e.slug")
	return listPage(ctx, s, "'Event'", "events e", q.where(), cols, "Event/"+sig, first, after, decodeJSON[kg.Event])
}

// CountEvents counts the events that match q.
func (s *Store) CountEvents(ctx context.Context, q EventQuery) (int, error) {
	w := q.where()
	return s.count(ctx, "SELECT COUNT(*) FROM events e WHERE "+w.sql, w.args...)
}

var citationOrder = map[string]string{"NUMBER": "c.number", "TITLE": "COALESCE(c.title, '')", "PUBLISHED": "COALESCE(c.published_lo, 0)"}

// ListCitations pages through the footnotes that match f, by document and number unless
// order says otherwise.
func (s *Store) ListCitations(ctx context.Context, f *kg.CitationFilter, order []kg.OrderKey, first int, after *paging.Cursor) (paging.Page[*kg.Citation], error) {
	cols, sig := ordering(order, citationOrder, nil, "d.ord", "c.number")
	return listPage(ctx, s, "'Citation'", "citations c JOIN documents d ON d.slug = c.document", citationCond("c", f), cols, "Citation/"+sig, first, after, decodeJSON[kg.Citation])
}

// CountCitations counts the footnotes that match f.
func (s *Store) CountCitations(ctx context.Context, f *kg.CitationFilter) (int, error) {
	w := citationCond("c", f)
	return s.count(ctx, "SELECT COUNT(*) FROM citations c WHERE "+w.sql, w.args...)
}

func (s *Store) count(ctx context.Context, q string, args ...any) (int, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return n, rows.Err()
}
