package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
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

// Kept holds records decoded by earlier requests, by the name of the loader that reads them
// and their key, for a list to decode only the rows it meets for the first time. Values must
// be what that loader's By* read decodes from the same row, and nothing may change them.
type Kept interface {
	Get(loader, key string) (any, bool)
	Add(loader, key string, v any)
}

type keptKey struct{}

// WithKept returns a context whose lists read through k.
func WithKept(ctx context.Context, k Kept) context.Context {
	return context.WithValue(ctx, keptKey{}, k)
}

// listTable says what a list reads: the table aliased t in from, the SQL of a row's kind,
// and the loader and key SQL under which its records are kept decoded (see Kept).
type listTable struct{ from, kind, loader, key string }

// listPage runs one page of a filtered, ordered list: SELECT kind, key, data, the ordering
// values FROM from WHERE where, after the cursor. decode turns a row's kind and data into an
// item, unless the context's Kept holds the item of that key already.
func listPage[T any](ctx context.Context, s *Store, tbl listTable, where cond, cols []orderCol, sig string,
	first int, after *paging.Cursor, decode func(kind string, data []byte) (T, error)) (paging.Page[T], error) {
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
	t := strings.Fields(tbl.from)[1]
	q := "SELECT " + tbl.kind + ", " + tbl.key + ", " + t + ".data, " + strings.Join(exprs, ", ") + " FROM " + tbl.from +
		" WHERE " + w.sql + " ORDER BY " + strings.Join(orderBy, ", ") + " LIMIT ?"
	args := append(w.args, first+1)
	kept, _ := ctx.Value(keptKey{}).(Kept)
	listKey := ""
	if kept != nil {
		listKey = statementKey(q, args)
		if page, ok := keptPage[T](kept, tbl.loader, listKey, sig, first); ok {
			return page, nil
		}
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return paging.Page[T]{}, err
	}
	defer rows.Close()
	var items []T
	var cursors []paging.Cursor
	var listed []listRow
	var data sql.RawBytes // valid until the next row: decoded before it
	for rows.Next() {
		var r listRow
		r.vals = make([]any, len(cols))
		dest := []any{&r.kind, &r.key, &data}
		for i := range r.vals {
			dest = append(dest, &r.vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return paging.Page[T]{}, fmt.Errorf("scan: %w", err)
		}
		item, err := keptOrDecode(kept, tbl.loader, r.key, r.kind, data, decode)
		if err != nil {
			return paging.Page[T]{}, err
		}
		items = append(items, item)
		cursors = append(cursors, paging.Cursor{Order: sig, Values: r.vals})
		listed = append(listed, r)
	}
	if err := rows.Err(); err != nil {
		return paging.Page[T]{}, err
	}
	if kept != nil {
		kept.Add(listLoader, listKey, listed)
	}
	return paging.Trim(items, cursors, first), nil
}

// The names under which Kept holds what a statement read: the rows of a list page (a
// []listRow) and a count (an int), keyed by statementKey.
const (
	listLoader  = "sql:list"
	countLoader = "sql:count"
)

// listRow is a row of a list page as kept: its kind, key and ordering values.
type listRow struct {
	kind, key string
	vals      []any
}

// statementKey names the result of a statement: a SHA-256 of its SQL and its arguments with
// their types, so that a kept result holds 32 bytes of key however long its statement. The
// database does not change while it is open, so the same statement reads the same rows.
func statementKey(q string, args []any) string {
	h := sha256.New()
	_, _ = io.WriteString(h, q)
	for _, a := range args {
		fmt.Fprintf(h, "\x00%T:%v", a, a)
	}
	return string(h.Sum(nil))
}

// keptPage builds a page from the rows kept for the statement listKey and the items kept
// for their keys; false when either is not kept (or no longer), and the statement must run.
func keptPage[T any](kept Kept, loader, listKey, sig string, first int) (paging.Page[T], bool) {
	v, ok := kept.Get(listLoader, listKey)
	listed, _ := v.([]listRow)
	if !ok {
		return paging.Page[T]{}, false
	}
	items := make([]T, 0, len(listed))
	cursors := make([]paging.Cursor, 0, len(listed))
	for _, r := range listed {
		v, ok := kept.Get(loader, r.key)
		item, isT := v.(T)
		if !ok || !isT {
			return paging.Page[T]{}, false
		}
		items = append(items, item)
		cursors = append(cursors, paging.Cursor{Order: sig, Values: r.vals})
	}
	return paging.Trim(items, cursors, first), true
}

// keptOrDecode returns the item kept under loader and key, or decodes data and keeps it.
func keptOrDecode[T any](kept Kept, loader, key, kind string, data []byte, decode func(kind string, data []byte) (T, error)) (T, error) {
	if kept != nil {
		if v, ok := kept.Get(loader, key); ok {
			if item, ok := v.(T); ok {
				return item, nil
			}
		}
	}
	item, err := decode(kind, data)
	if err == nil && kept != nil {
		kept.Add(loader, key, item)
	}
	return item, err
}

func decodeJSON[T any](_ string, data []byte) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("decode %T: %w", v, err)
	}
	return v, nil
}

func decodeActor(kind string, data []byte) (kg.Actor, error) {
	var a kg.Actor = &kg.Organization{}
	if kind == kg.KindState {
		a = &kg.State{}
	}
	if err := json.Unmarshal(data, a); err != nil {
		return nil, fmt.Errorf("decode actor: %w", err)
	}
	return a, nil
}

// actorsTable is what the lists of states and organizations read.
var actorsTable = listTable{"actors a", "a.kind", "actors", "a.slug"}

var actorOrder = map[string]string{
	"NAME": "a.name", "SLUG": "a.slug", "ISO2": "COALESCE(a.iso2, '')", "ISO3": "COALESCE(a.iso3, '')",
	"RECOGNITION": "COALESCE(a.recognition, '')", "ACRONYM": "COALESCE(a.acronym, '')", "FOUNDED": "COALESCE(a.founded_lo, 0)",
}

var byName = []kg.OrderKey{{Field: "NAME"}}

// ListStates pages through the states that match f in the given order (name by default).
func (s *Store) ListStates(ctx context.Context, f *kg.StateFilter, order []kg.OrderKey, first int, after *paging.Cursor) (paging.Page[kg.Actor], error) {
	cols, sig := ordering(order, actorOrder, byName, "a.slug")
	return listPage(ctx, s, actorsTable, and(cond{sql: "a.kind = 'State'"}, stateCond("a", f)), cols, "State/"+sig, first, after, decodeActor)
}

// CountStates counts the states that match f.
func (s *Store) CountStates(ctx context.Context, f *kg.StateFilter) (int, error) {
	w := and(cond{sql: "a.kind = 'State'"}, stateCond("a", f))
	return s.count(ctx, "SELECT COUNT(*) FROM actors a WHERE "+w.sql, w.args...)
}

// ListOrganizations pages through the organizations that match f in the given order.
func (s *Store) ListOrganizations(ctx context.Context, f *kg.OrganizationFilter, order []kg.OrderKey, first int, after *paging.Cursor) (paging.Page[kg.Actor], error) {
	cols, sig := ordering(order, actorOrder, byName, "a.slug")
	return listPage(ctx, s, actorsTable, and(cond{sql: "a.kind = 'Organization'"}, organizationCond("a", f)), cols, "Organization/"+sig, first, after, decodeActor)
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
	return listPage(ctx, s, listTable{"people p", "'Person'", "people", "p.slug"}, personCond("p", f), cols, "Person/"+sig, first, after, decodeJSON[kg.Person])
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
	return listPage(ctx, s, listTable{"events e", "'Event'", "events", "e.slug"}, q.where(), cols, "Event/"+sig, first, after, decodeJSON[kg.Event])
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
	return listPage(ctx, s, listTable{"citations c JOIN documents d ON d.slug = c.document", "'Citation'", "citations", "c.document || '/' || c.number"}, citationCond("c", f), cols, "Citation/"+sig, first, after, decodeJSON[kg.Citation])
}

// CountCitations counts the footnotes that match f.
func (s *Store) CountCitations(ctx context.Context, f *kg.CitationFilter) (int, error) {
	w := citationCond("c", f)
	return s.count(ctx, "SELECT COUNT(*) FROM citations c WHERE "+w.sql, w.args...)
}

func (s *Store) count(ctx context.Context, q string, args ...any) (int, error) {
	kept, _ := ctx.Value(keptKey{}).(Kept)
	if kept == nil {
		return s.countNow(ctx, q, args...)
	}
	key := statementKey(q, args)
	if v, ok := kept.Get(countLoader, key); ok {
		if n, ok := v.(int); ok {
			return n, nil
		}
	}
	n, err := s.countNow(ctx, q, args...)
	if err == nil {
		kept.Add(countLoader, key, n)
	}
	return n, err
}

// countNow runs a statement that counts, whatever is kept.
func (s *Store) countNow(ctx context.Context, q string, args ...any) (int, error) {
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
