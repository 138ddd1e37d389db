package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/treatygraph/treatygraph/graph/model"
	"github.com/treatygraph/treatygraph/internal/docarg"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// Paging limits, as in the Relay connections of the public API. The page limit is
// Resolver.MaxFirst, DefaultMaxFirst unless the server sets another.
const (
	DefaultFirst    = 20
	DefaultMaxFirst = 100
	DefaultHops     = 4
	MaxHops         = 6
)

// pageArgs checks first and after and returns the page size and the decoded cursor.
func (r *Resolver) pageArgs(first *int, after *string) (int, *paging.Cursor, error) {
	n := DefaultFirst
	if first != nil {
		n = *first
		if n < 0 {
			return 0, nil, kg.Errorf(kg.BadUserInput, "first must not be negative, got %d", n)
		}
		if limit := r.maxFirst(); n > limit {
			return 0, nil, kg.Errorf(kg.BadUserInput, "first must be at most %d, got %d", limit, n)
		}
	}
	if after == nil {
		return n, nil, nil
	}
	c, err := paging.DecodeCursor(*after)
	return n, c, err
}

// exactlyOne checks that exactly one of the named natural keys was given.
func exactlyOne(field string, keys map[string]*string, order ...string) (string, string, error) {
	var given []string
	for _, k := range order {
		if keys[k] != nil {
			given = append(given, k)
		}
	}
	if len(given) != 1 {
		what := "none"
		if len(given) > 1 {
			what = strings.Join(given, " and ")
		}
		return "", "", kg.Errorf(kg.BadUserInput, "%s: give exactly one of %s (got %s)", field, strings.Join(order, ", "), what)
	}
	return given[0], *keys[given[0]], nil
}

// nodeKinds maps the NodeKind enum of search to the kinds inside refs.
var nodeKinds = map[model.NodeKind]string{
	model.NodeKindState: kg.KindState, model.NodeKindOrganization: kg.KindOrganization,
	model.NodeKindEvent: kg.KindEvent, model.NodeKindPlace: kg.KindPlace, model.NodeKindPerson: kg.KindPerson,
	model.NodeKindQuote: kg.KindQuote, model.NodeKindProvision: kg.KindProvision,
	model.NodeKindDocument: kg.KindDocument, model.NodeKindCitation: kg.KindCitation,
}

// loadNodes fetches nodes of any kind by ref, in order; nil where a ref names no node. It runs
// at most one statement per kind present.
func loadNodes(ctx context.Context, refs []kg.Ref) ([]kg.Node, error) {
	byKind := map[string][]string{}
	for _, r := range refs {
		kind := r.Kind
		if kind == kg.KindOrganization {
			kind = kg.KindState // states and organizations are both actors, read in one statement
		}
		byKind[kind] = append(byKind[kind], r.Key)
	}
	found := map[kg.Ref]kg.Node{}
	for kind, keys := range byKind {
		var err error
		switch kind {
		case kg.KindState, kg.KindOrganization:
			err = collect(ctx, actorsL, keys, found, func(a kg.Actor) (kg.Node, bool) { return a, a != nil })
		case kg.KindPlace:
			err = collect(ctx, placesL, keys, found, isNode[*kg.Place])
		case kg.KindPerson:
			err = collect(ctx, peopleL, keys, found, isNode[*kg.Person])
		case kg.KindEvent:
			err = collect(ctx, eventsL, keys, found, isNode[*kg.Event])
		case kg.KindQuote:
			err = collect(ctx, quotesL, keys, found, isNode[*kg.Quote])
		case kg.KindPosition:
			err = collect(ctx, positionsL, keys, found, isNode[*kg.Position])
		case kg.KindMembership:
			err = collect(ctx, membershipsL, keys, found, isNode[*kg.Membership])
		case kg.KindMilitaryStrength:
			err = collect(ctx, figuresL, keys, found, isNode[*kg.MilitaryStrength])
		case kg.KindProvision:
			err = collect(ctx, provisionsL, keys, found, isNode[*kg.Provision])
		case kg.KindDocument:
			err = collect(ctx, documentsL, keys, found, isNode[*kg.Document])
		case kg.KindCitation:
			err = collect(ctx, citationsL, keys, found, isNode[*kg.Citation])
		default:
			err = fmt.Errorf("load nodes: unknown kind %q", kind)
		}
		if err != nil {
			return nil, err
		}
	}
	out := make([]kg.Node, len(refs))
	for i, r := range refs {
		out[i] = found[r]
	}
	return out, nil
}

func isNode[T interface {
	kg.Node
	comparable
}](v T) (kg.Node, bool) {
	var zero T
	return v, v != zero
}

func collect[V any](ctx context.Context, b loader[V], keys []string, found map[kg.Ref]kg.Node, node func(V) (kg.Node, bool)) error {
	vs, err := b.loadManyWithin(ctx, keys...)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if n, ok := node(v); ok {
			found[n.NodeRef()] = n
		}
	}
	return nil
}

// eventsOf pages through the events that involve a node, batched across siblings.
func (r *Resolver) eventsOf(ctx context.Context, ref kg.Ref, first *int, after *string) (*model.EventConnection, error) {
	n, cur, err := r.pageArgs(first, after)
	if err != nil {
		return nil, err
	}
	key := ref.String()
	page, err := eventsOfL.load(ctx, key, n, cur)
	if err != nil {
		return nil, err
	}
	// The count is loaded with this resolver's context, so that it is batched with the
	// counts of this field's siblings.
	return model.NewConnection(page, cur != nil, func(context.Context) (int, error) {
		return eventCountsL.load(ctx, key)
	}), nil
}

// citationsOf loads the footnotes supporting a fact, batched across siblings.
func citationsOf(ctx context.Context, n kg.Node) ([]*kg.Citation, error) {
	cs, err := citationsOfL.load(ctx, n.NodeRef().String())
	if err != nil {
		return nil, err
	}
	if cs == nil {
		cs = []*kg.Citation{}
	}
	return cs, nil
}

// list returns a loaded child list, never nil.
func list[T any](ctx context.Context, b loader[[]T], key string) ([]T, error) {
	vs, err := b.load(ctx, key)
	if err != nil {
		return nil, err
	}
	if vs == nil {
		vs = []T{}
	}
	return vs, nil
}

// single returns a loaded child, nil when key is empty or names nothing.
func single[T any](ctx context.Context, b loader[T], key string) (T, error) {
	var zero T
	if key == "" {
		return zero, nil
	}
	return b.load(ctx, key)
}

// asState returns the actor as a State, or nil when it is not one.
func asState(a kg.Actor) *kg.State {
	s, _ := a.(*kg.State)
	return s
}

// asOrganization returns the actor as an Organization, or nil when it is not one.
func asOrganization(a kg.Actor) *kg.Organization {
	o, _ := a.(*kg.Organization)
	return o
}

// listArgs checks the common arguments of a root list: its filter, page and ordering.
func (r *Resolver) listArgs(name string, filter any, first *int, after *string, order func() ([]kg.OrderKey, error)) (int, *paging.Cursor, []kg.OrderKey, error) {
	if err := kg.CheckFilter(name+": filter", filter); err != nil {
		return 0, nil, nil, err
	}
	n, cur, err := r.pageArgs(first, after)
	if err != nil {
		return 0, nil, nil, err
	}
	keys, err := order()
	if err != nil {
		return 0, nil, nil, err
	}
	return n, cur, keys, nil
}

func orderOf[F ~string](n int, at func(i int) (F, kg.OrderDirection)) func() ([]kg.OrderKey, error) {
	return func() ([]kg.OrderKey, error) {
		fields := make([]F, n)
		dirs := make([]kg.OrderDirection, n)
		for i := range fields {
			fields[i], dirs[i] = at(i)
		}
		return kg.OrderKeys(fields, dirs)
	}
}

func stateOrder(o []*kg.StateOrder) func() ([]kg.OrderKey, error) {
	return orderOf(len(o), func(i int) (kg.StateOrderField, kg.OrderDirection) { return o[i].Field, o[i].Direction })
}

func organizationOrder(o []*kg.OrganizationOrder) func() ([]kg.OrderKey, error) {
	return orderOf(len(o), func(i int) (kg.OrganizationOrderField, kg.OrderDirection) { return o[i].Field, o[i].Direction })
}

func personOrder(o []*kg.PersonOrder) func() ([]kg.OrderKey, error) {
	return orderOf(len(o), func(i int) (kg.PersonOrderField, kg.OrderDirection) { return o[i].Field, o[i].Direction })
}

func eventOrder(o []*kg.EventOrder) func() ([]kg.OrderKey, error) {
	return orderOf(len(o), func(i int) (kg.EventOrderField, kg.OrderDirection) { return o[i].Field, o[i].Direction })
}

func citationOrder(o []*kg.CitationOrder) func() ([]kg.OrderKey, error) {
	return orderOf(len(o), func(i int) (kg.CitationOrderField, kg.OrderDirection) { return o[i].Field, o[i].Direction })
}

// eventQuery checks the arguments of an events list.
func eventQuery(from, to *kg.Date, kinds []kg.EventKind, involving *string, filter *kg.EventFilter) (sqlite.EventQuery, error) {
	q := sqlite.EventQuery{From: kg.DatePtr(from), To: kg.DatePtr(to), Kinds: kinds, Filter: filter}
	if from != nil && to != nil && to.Last() < from.First() {
		return q, kg.Errorf(kg.BadUserInput, "events: to (%s) is before from (%s)", to.ISO(), from.ISO())
	}
	if err := kg.CheckFilter("events: filter", filter); err != nil {
		return q, err
	}
	if involving != nil {
		ref, err := kg.DecodeID(*involving)
		if err != nil {
			return q, err
		}
		q.Involving = ref.String()
	}
	return q, nil
}

// checkStintArgs checks the arguments of a list of stints before anything is loaded.
func checkStintArgs(during *kg.DateRange, filter *kg.MembershipFilter) error {
	if err := kg.CheckFilter("filter", filter); err != nil {
		return err
	}
	if filter != nil && filter.During != nil {
		if err := kg.CheckRange("filter.during", filter.During); err != nil {
			return err
		}
	}
	return kg.CheckRange("during", during)
}

// stintsOf loads the stints of one actor with a loader and keeps those that match the
// arguments, which are checked before anything is loaded.
// With source, each stint is as that document states it, and stints it does not state are
// left out.
func stintsOf(ctx context.Context, ld loader[[]*kg.Membership], slug string, at *kg.Date, roles []kg.MembershipRole, during *kg.DateRange, filter *kg.MembershipFilter, source *string, certainty *kg.Certainty) ([]*kg.Membership, error) {
	if err := checkStintArgs(during, filter); err != nil {
		return nil, err
	}
	doc, err := sourceArg(ctx, storeFrom(ctx), "source", source)
	if err != nil {
		return nil, err
	}
	ms, err := list(ctx, ld, slug)
	if err != nil {
		return nil, err
	}
	return kg.SelectStints(kg.StintsAsStated(ms, doc), stintQuery(at, roles, during, filter, certainty)), nil
}

// stintQuery is the query of a list of stints' arguments.
func stintQuery(at *kg.Date, roles []kg.MembershipRole, during *kg.DateRange, filter *kg.MembershipFilter, certainty *kg.Certainty) kg.StintQuery {
	return kg.StintQuery{At: kg.DatePtr(at), Roles: roles, During: period(during), Filter: filter, Certainty: kg.CertaintyOr(certainty)}
}

// pointers lists pointers to the elements of s, never nil, for list fields of value types.
func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// nonNil is s, or an empty slice for nil, for a non-null list field.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// period is the period of an optional range argument.
func period(r *kg.DateRange) *kg.Period {
	if r == nil {
		return nil
	}
	p := r.Period()
	return &p
}

// sourceArg checks a source argument: nil for none, else the slug of a known document (see
// docarg.Check for the error otherwise).
func sourceArg(ctx context.Context, store *sqlite.Store, arg string, source *string) (string, error) {
	if source == nil {
		return "", nil
	}
	docs, err := store.DocumentSlugs(ctx)
	if err != nil {
		return "", err
	}
	if err := docarg.Check(arg, *source, docs); err != nil {
		return "", err
	}
	return *source, nil
}

// actorPair reads the IDs a and b of two states or organizations, the arguments a and b of
// field.
func actorPair(field, a, b string) (string, string, error) {
	sa, err := actorSlug(field+": a", a)
	if err != nil {
		return "", "", err
	}
	sb, err := actorSlug(field+": b", b)
	if err != nil {
		return "", "", err
	}
	return sa, sb, nil
}

// neighborhoodArgs checks the depth and maxNodes of neighborhood, each defaulted when nil.
func neighborhoodArgs(depth, maxNodes *int) (int, int, error) {
	d, limit := DefaultDepth, DefaultMaxNodes
	if depth != nil {
		if d = *depth; d < 1 || d > MaxDepth {
			return 0, 0, kg.Errorf(kg.BadUserInput, "neighborhood: depth must be between 1 and %d, got %d", MaxDepth, d)
		}
	}
	if maxNodes != nil {
		if limit = *maxNodes; limit < 1 || limit > MaxMaxNodes {
			return 0, 0, kg.Errorf(kg.BadUserInput, "neighborhood: maxNodes must be between 1 and %d, got %d", MaxMaxNodes, limit)
		}
	}
	return d, limit, nil
}

// hopsArg checks the maxHops of path, DefaultHops when nil.
func hopsArg(maxHops *int) (int, error) {
	if maxHops == nil {
		return DefaultHops, nil
	}
	if hops := *maxHops; hops < 1 || hops > MaxHops {
		return 0, kg.Errorf(kg.BadUserInput, "maxHops must be between 1 and %d, got %d", MaxHops, hops)
	}
	return *maxHops, nil
}

// loadNodeRef decodes id and checks that it names a node; a node not found is reported
// after prefix (e.g. "path: from ").
func loadNodeRef(ctx context.Context, prefix, id string) (kg.Ref, error) {
	ref, err := kg.DecodeID(id)
	if err != nil {
		return kg.Ref{}, err
	}
	found, err := loadNodes(ctx, []kg.Ref{ref})
	if err != nil {
		return kg.Ref{}, err
	}
	if found[0] == nil {
		return kg.Ref{}, kg.Errorf(kg.NotFound, "%s%s names no node", prefix, kg.QuoteInput(id))
	}
	return ref, nil
}

// maxCountYears bounds the years one count by year may span.
const maxCountYears = 300

// membershipCountQuery checks the arguments of membershipCounts but its source and makes
// its query: the groups, the filter, and with groupBy YEAR the years from and to.
func membershipCountQuery(groupBy []model.MembershipGroupBy, filter *kg.MembershipFilter, from, to *kg.Date) (sqlite.MembershipCountQuery, error) {
	if len(groupBy) == 0 {
		return sqlite.MembershipCountQuery{}, kg.Errorf(kg.BadUserInput, "membershipCounts: groupBy needs YEAR, ORGANIZATION, MEMBER and/or ROLE")
	}
	if err := kg.CheckFilter("membershipCounts: filter", filter); err != nil {
		return sqlite.MembershipCountQuery{}, err
	}
	if filter != nil && filter.During != nil {
		if err := kg.CheckRange("membershipCounts: filter.during", filter.During); err != nil {
			return sqlite.MembershipCountQuery{}, err
		}
	}
	q := sqlite.MembershipCountQuery{Filter: filter,
		ByYear: slices.Contains(groupBy, model.MembershipGroupByYear), ByOrganization: slices.Contains(groupBy, model.MembershipGroupByOrganization),
		ByMember: slices.Contains(groupBy, model.MembershipGroupByMember), ByRole: slices.Contains(groupBy, model.MembershipGroupByRole)}
	switch {
	case q.ByYear && (from == nil || to == nil):
		return q, kg.Errorf(kg.BadUserInput, "membershipCounts: groupBy YEAR needs from and to (the first and last year to count)")
	case !q.ByYear && (from != nil || to != nil):
		return q, kg.Errorf(kg.BadUserInput, "membershipCounts: from and to bound the years of groupBy YEAR; to keep stints of a period, use filter: {during: ...}")
	case q.ByYear && to.Year < from.Year:
		return q, kg.Errorf(kg.BadUserInput, "membershipCounts: to (%s) is before from (%s)", to.ISO(), from.ISO())
	case q.ByYear && to.Year-from.Year >= maxCountYears:
		return q, kg.Errorf(kg.BadUserInput, "membershipCounts: from %d to %d spans more than %d years", from.Year, to.Year, maxCountYears)
	}
	if q.ByYear {
		q.From, q.To = from.Year, to.Year
	}
	return q, nil
}

// searchKinds maps the kinds of search to the kinds inside refs; nil for none.
func searchKinds(kinds []model.NodeKind) []string {
	var ks []string
	for _, k := range kinds {
		ks = append(ks, nodeKinds[k])
	}
	return ks
}

// searchHits loads the nodes of hits in one statement per kind, leaving out a hit whose node
// is gone.
func searchHits(ctx context.Context, hits []sqlite.Hit) ([]*model.SearchHit, error) {
	refs := make([]kg.Ref, len(hits))
	for i, h := range hits {
		refs[i] = h.Ref
	}
	nodes, err := loadNodes(ctx, refs)
	if err != nil {
		return nil, err
	}
	out := make([]*model.SearchHit, 0, len(hits))
	for i, h := range hits {
		if nodes[i] == nil {
			continue
		}
		snippet := h.Snippet
		out = append(out, &model.SearchHit{Node: nodes[i], Score: h.Score, Snippet: &snippet, Field: h.Field})
	}
	return out, nil
}
