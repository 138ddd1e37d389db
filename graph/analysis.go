package graph

import (
	"context"
	"slices"
	"sort"

	"github.com/treatygraph/treatygraph/graph/model"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// Bounds of the graph-walking queries.
const (
	DefaultDepth    = 1
	MaxDepth        = 3
	DefaultMaxNodes = 200
	MaxMaxNodes     = 1000
)

// organizationSlug reads an organization given by slug or ID.
func organizationSlug(arg, value string) (string, error) {
	if ref, err := kg.DecodeID(value); err == nil {
		if ref.Kind != kg.KindOrganization {
			return "", kg.Errorf(kg.BadUserInput, "%s: %s is the ID of a %s, not of an organization", arg, kg.QuoteInput(value), ref.Kind)
		}
		return ref.Key, nil
	}
	return value, nil
}

// actorSlug reads the ID of a state or organization.
func actorSlug(arg, id string) (string, error) {
	ref, err := kg.DecodeID(id)
	if err != nil {
		return "", err
	}
	if ref.Kind != kg.KindState && ref.Kind != kg.KindOrganization {
		return "", kg.Errorf(kg.BadUserInput, "%s: %s is the ID of a %s, not of a state or organization", arg, kg.QuoteInput(id), ref.Kind)
	}
	return ref.Key, nil
}

var endKinds = map[kg.MembershipEnd]model.MembershipChangeKind{
	kg.EndWithdrawn: model.MembershipChangeKindLeft, kg.EndSuspended: model.MembershipChangeKindSuspended,
	kg.EndNotRenewed: model.MembershipChangeKindNotRenewed, kg.EndExpelled: model.MembershipChangeKindExpelled,
	kg.EndDissolved: model.MembershipChangeKindDissolved,
}

// sameTime reports whether two partial dates overlap, as a stint's end and the next one's
// start do when a member changes role.
func sameTime(a, b *kg.PartialDate) bool {
	return a != nil && b != nil && a.First() <= b.Last() && b.First() <= a.Last()
}

func (r *queryResolver) membershipChanges(ctx context.Context, organization string, from, to *kg.Date) ([]*model.MembershipChange, error) {
	slug, err := organizationSlug("membershipChanges: organization", organization)
	if err != nil {
		return nil, err
	}
	if err := checkRange("membershipChanges", &kg.DateRange{From: from, To: to}); err != nil {
		return nil, err
	}
	org, err := actorsL.load(ctx, slug)
	if err != nil {
		return nil, err
	}
	if asOrganization(org) == nil {
		return nil, kg.Errorf(kg.NotFound, "membershipChanges: no organization %s", kg.QuoteInput(organization))
	}
	stints, err := membersOfL.load(ctx, slug)
	if err != nil {
		return nil, err
	}
	window := kg.Period{Start: kg.DatePtr(from), End: kg.DatePtr(to)}
	var changes []*model.MembershipChange
	add := func(kind model.MembershipChangeKind, d *kg.PartialDate, m *kg.Membership, prev *kg.MembershipRole) {
		if !window.Overlaps(kg.Period{Start: d, End: d}) {
			return
		}
		changes = append(changes, &model.MembershipChange{Kind: kind, Date: d, Role: m.Role, PreviousRole: prev, Membership: m, Source: &m.Source})
	}
	for _, m := range stints {
		if m.Start != nil {
			kind, prev := model.MembershipChangeKindJoined, (*kg.MembershipRole)(nil)
			for _, p := range stints {
				if p.MemberSlug == m.MemberSlug && p.Role != m.Role && sameTime(p.End, m.Start) {
					kind, prev = model.MembershipChangeKindRoleChanged, &p.Role
				}
			}
			add(kind, m.Start, m, prev)
		}
		if m.End != nil {
			followed := slices.ContainsFunc(stints, func(n *kg.Membership) bool {
				return n.MemberSlug == m.MemberSlug && n.Role != m.Role && sameTime(m.End, n.Start)
			})
			if followed {
				continue // reported as the next stint's ROLE_CHANGED
			}
			kind := model.MembershipChangeKindEnded
			if m.EndReason != nil {
				kind = endKinds[*m.EndReason]
			}
			add(kind, m.End, m, nil)
		}
	}
	sort.SliceStable(changes, func(i, j int) bool {
		a, b := changes[i], changes[j]
		if a.Date.First() != b.Date.First() {
			return a.Date.First() < b.Date.First()
		}
		if a.Date.Last() != b.Date.Last() {
			return a.Date.Last() < b.Date.Last()
		}
		return a.Membership.MemberSlug < b.Membership.MemberSlug
	})
	slugs := []string{slug}
	facts := make([]string, len(changes))
	for i, c := range changes {
		slugs = append(slugs, c.Membership.MemberSlug)
		facts[i] = c.Membership.NodeRef().String()
	}
	actors, err := actorsL.loadMany(ctx, slugs...)
	if err != nil {
		return nil, err
	}
	cites, err := citationsOfL.loadMany(ctx, facts...)
	if err != nil {
		return nil, err
	}
	for i, c := range changes {
		c.Organization = asOrganization(actors[0])
		c.Member = actors[i+1]
		c.Citations = nonNilList(cites[i])
	}
	return nonNilList(changes), nil
}

func nonNilList[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// intersect is the period two overlapping periods share: the later start and the earlier
// end, each at the precision its source gives.
func intersect(a, b kg.Period) *kg.Period {
	p := &kg.Period{Start: a.Start, End: a.End}
	if b.Start != nil && (p.Start == nil || b.Start.First() > p.Start.First()) {
		p.Start = b.Start
	}
	if b.End != nil && (p.End == nil || b.End.Last() < p.End.Last()) {
		p.End = b.End
	}
	return p
}

func (r *queryResolver) sharedOrganizations(ctx context.Context, a, b string, at *kg.Date, organization *string, roles []kg.MembershipRole, source *string) ([]*model.SharedOrganization, error) {
	sa, err := actorSlug("sharedOrganizations: a", a)
	if err != nil {
		return nil, err
	}
	sb, err := actorSlug("sharedOrganizations: b", b)
	if err != nil {
		return nil, err
	}
	doc, err := sourceArg(ctx, r.Store, "sharedOrganizations: source", source)
	if err != nil {
		return nil, err
	}
	lists, err := membershipsOfL.loadMany(ctx, sa, sb)
	if err != nil {
		return nil, err
	}
	lists[0], lists[1] = kg.StintsAsStated(lists[0], doc), kg.StintsAsStated(lists[1], doc)
	keep := func(m *kg.Membership) bool {
		return (organization == nil || m.OrganizationSlug == *organization) && (at == nil || m.Period().Covers(at.PartialDate)) &&
			(len(roles) == 0 || slices.Contains(roles, m.Role))
	}
	var out []*model.SharedOrganization
	byOrg := map[string]*model.SharedOrganization{}
	for _, ma := range lists[0] {
		for _, mb := range lists[1] {
			if ma.OrganizationSlug != mb.OrganizationSlug || !keep(ma) || !keep(mb) || !ma.Period().Overlaps(mb.Period()) {
				continue
			}
			s := byOrg[ma.OrganizationSlug]
			if s == nil {
				s = &model.SharedOrganization{A: []*kg.Membership{}, B: []*kg.Membership{}, Periods: []*kg.Period{}}
				byOrg[ma.OrganizationSlug] = s
				out = append(out, s)
			}
			if !slices.Contains(s.A, ma) {
				s.A = append(s.A, ma)
			}
			if !slices.Contains(s.B, mb) {
				s.B = append(s.B, mb)
			}
			s.Periods = append(s.Periods, intersect(ma.Period(), mb.Period()))
		}
	}
	slugs := make([]string, len(out))
	for i, s := range out {
		slugs[i] = s.A[0].OrganizationSlug
		sort.SliceStable(s.Periods, func(x, y int) bool { return s.Periods[x].Lo() < s.Periods[y].Lo() })
	}
	orgs, err := actorsL.loadMany(ctx, slugs...)
	if err != nil {
		return nil, err
	}
	for i, s := range out {
		s.Organization = asOrganization(orgs[i])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Organization.Name < out[j].Organization.Name })
	return nonNilList(out), nil
}

func (r *queryResolver) neighborhood(ctx context.Context, id string, depth *int, at *kg.Date, maxNodes *int) (*model.Neighborhood, error) {
	d, limit := DefaultDepth, DefaultMaxNodes
	if depth != nil {
		if d = *depth; d < 1 || d > MaxDepth {
			return nil, kg.Errorf(kg.BadUserInput, "neighborhood: depth must be between 1 and %d, got %d", MaxDepth, d)
		}
	}
	if maxNodes != nil {
		if limit = *maxNodes; limit < 1 || limit > MaxMaxNodes {
			return nil, kg.Errorf(kg.BadUserInput, "neighborhood: maxNodes must be between 1 and %d, got %d", MaxMaxNodes, limit)
		}
	}
	centre, err := kg.DecodeID(id)
	if err != nil {
		return nil, err
	}
	found, err := loadNodes(ctx, []kg.Ref{centre})
	if err != nil {
		return nil, err
	}
	if found[0] == nil {
		return nil, kg.Errorf(kg.NotFound, "neighborhood: %s names no node", kg.QuoteInput(id))
	}
	reached := map[kg.Ref]bool{centre: true}
	order := []kg.Ref{centre}
	truncated := false
	var edges []sqlite.Edge
	seenEdge := map[[3]string]bool{}
	frontier := []kg.Ref{centre}
	for hop := 0; hop < d && len(frontier) > 0; hop++ {
		out, err := r.Store.Neighbors(ctx, frontier, kg.DatePtr(at))
		if err != nil {
			return nil, err
		}
		var next []kg.Ref
		for _, e := range out {
			if !reached[e.To] {
				if len(order) >= limit {
					truncated = true
					continue
				}
				reached[e.To] = true
				order = append(order, e.To)
				next = append(next, e.To)
			}
			a, b := e.From.String(), e.To.String()
			if b < a {
				a, b = b, a
			}
			fact := ""
			if e.Fact != nil {
				fact = e.Fact.String()
			}
			key := [3]string{a, b, fact}
			if !seenEdge[key] {
				seenEdge[key] = true
				edges = append(edges, e)
			}
		}
		frontier = next
	}
	pathEdges, nodes, err := r.pathEdges(ctx, order, edges)
	if err != nil {
		return nil, err
	}
	return &model.Neighborhood{Nodes: nodes, Edges: pathEdges, Truncated: truncated}, nil
}

// pathEdges loads the nodes, facts and footnotes of a set of edges between known nodes, one
// statement per kind of node and one for all footnotes.
func (r *queryResolver) pathEdges(ctx context.Context, refs []kg.Ref, edges []sqlite.Edge) ([]*model.PathEdge, []kg.Node, error) {
	index := map[kg.Ref]int{}
	for i, ref := range refs {
		index[ref] = i
	}
	all := append([]kg.Ref{}, refs...)
	var cites []string
	for _, e := range edges {
		if e.Fact != nil {
			all = append(all, *e.Fact)
		}
		if e.Cite != nil {
			cites = append(cites, e.Cite.String())
		}
	}
	nodes, err := loadNodes(ctx, all)
	if err != nil {
		return nil, nil, err
	}
	citations, err := citationsOfL.loadMany(ctx, cites...)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*model.PathEdge, 0, len(edges))
	fi, ci := len(refs), 0
	for _, e := range edges {
		pe := &model.PathEdge{From: nodes[index[e.From]], To: nodes[index[e.To]], Relation: e.Relation, Citations: []*kg.Citation{}}
		if e.Fact != nil {
			pe.Fact = nodes[fi]
			fi++
		}
		if e.Cite != nil {
			pe.Citations = nonNilList(citations[ci])
			ci++
		}
		if pe.From != nil && pe.To != nil {
			out = append(out, pe)
		}
	}
	return out, nodes[:len(refs)], nil
}

func (r *queryResolver) eventCounts(ctx context.Context, groupBy []model.EventGroupBy, from, to *kg.Date, filter *kg.EventFilter) ([]*model.EventCount, error) {
	if len(groupBy) == 0 {
		return nil, kg.Errorf(kg.BadUserInput, "eventCounts: groupBy needs YEAR, KIND or both")
	}
	q, err := eventQuery(from, to, nil, nil, filter)
	if err != nil {
		return nil, err
	}
	groups, err := r.Store.CountEventsBy(ctx, q, slices.Contains(groupBy, model.EventGroupByYear), slices.Contains(groupBy, model.EventGroupByKind))
	if err != nil {
		return nil, err
	}
	out := make([]*model.EventCount, len(groups))
	for i, g := range groups {
		out[i] = &model.EventCount{Year: g.Year, Kind: g.Kind, Count: g.Count}
	}
	return out, nil
}

// maxCountYears bounds the years one count by year may span.
const maxCountYears = 300

func (r *queryResolver) membershipCounts(ctx context.Context, groupBy []model.MembershipGroupBy, filter *kg.MembershipFilter, from, to *kg.Date, source *string) ([]*model.MembershipCount, error) {
	if len(groupBy) == 0 {
		return nil, kg.Errorf(kg.BadUserInput, "membershipCounts: groupBy needs YEAR, ORGANIZATION, MEMBER and/or ROLE")
	}
	if err := kg.CheckFilter("membershipCounts: filter", filter); err != nil {
		return nil, err
	}
	if filter != nil && filter.During != nil {
		if err := checkRange("membershipCounts: filter.during", filter.During); err != nil {
			return nil, err
		}
	}
	q := sqlite.MembershipCountQuery{Filter: filter,
		ByYear: slices.Contains(groupBy, model.MembershipGroupByYear), ByOrganization: slices.Contains(groupBy, model.MembershipGroupByOrganization),
		ByMember: slices.Contains(groupBy, model.MembershipGroupByMember), ByRole: slices.Contains(groupBy, model.MembershipGroupByRole)}
	switch {
	case q.ByYear && (from == nil || to == nil):
		return nil, kg.Errorf(kg.BadUserInput, "membershipCounts: groupBy YEAR needs from and to (the first and last year to count)")
	case !q.ByYear && (from != nil || to != nil):
		return nil, kg.Errorf(kg.BadUserInput, "membershipCounts: from and to bound the years of groupBy YEAR; to keep stints of a period, use filter: {during: ...}")
	case q.ByYear && to.Year < from.Year:
		return nil, kg.Errorf(kg.BadUserInput, "membershipCounts: to (%s) is before from (%s)", to.ISO(), from.ISO())
	case q.ByYear && to.Year-from.Year >= maxCountYears:
		return nil, kg.Errorf(kg.BadUserInput, "membershipCounts: from %d to %d spans more than %d years", from.Year, to.Year, maxCountYears)
	}
	if q.ByYear {
		q.From, q.To = from.Year, to.Year
	}
	var err error
	if q.Source, err = sourceArg(ctx, r.Store, "membershipCounts: source", source); err != nil {
		return nil, err
	}
	groups, err := r.Store.CountMembershipsBy(ctx, q)
	if err != nil {
		return nil, err
	}
	var slugs []string
	for _, g := range groups {
		if g.Organization != nil {
			slugs = append(slugs, *g.Organization)
		}
		if g.Member != nil {
			slugs = append(slugs, *g.Member)
		}
	}
	actors, err := actorsL.loadMany(ctx, slugs...)
	if err != nil {
		return nil, err
	}
	out := make([]*model.MembershipCount, len(groups))
	ai := 0
	for i, g := range groups {
		out[i] = &model.MembershipCount{Year: g.Year, Role: g.Role, Count: g.Count}
		if g.Organization != nil {
			out[i].Organization = asOrganization(actors[ai])
			ai++
		}
		if g.Member != nil {
			out[i].Member = actors[ai]
			ai++
		}
	}
	return out, nil
}

func stats(s sqlite.Stats) *model.NumberStats {
	return &model.NumberStats{Sum: s.Sum, Min: s.Min, Max: s.Max, Mean: s.Mean}
}

func (r *queryResolver) militaryStrengthStats(ctx context.Context, filter *kg.MilitaryStrengthFilter) (*model.MilitaryStrengthStats, error) {
	if err := kg.CheckFilter("militaryStrengthStats: filter", filter); err != nil {
		return nil, err
	}
	st, err := r.Store.MilitaryStrengthStats(ctx, filter)
	if err != nil {
		return nil, err
	}
	figures, err := r.Store.ListFigures(ctx, filter)
	if err != nil {
		return nil, err
	}
	return &model.MilitaryStrengthStats{Count: st.Count, Active: stats(st.Active), Reserve: stats(st.Reserve),
		Paramilitary: stats(st.Paramilitary), Total: stats(st.Total), Figures: seen(ctx, nonNilList(figures))}, nil
}

func (r *queryResolver) militaryStrengths(ctx context.Context, filter *kg.MilitaryStrengthFilter) ([]*kg.MilitaryStrength, error) {
	if err := kg.CheckFilter("militaryStrengths: filter", filter); err != nil {
		return nil, err
	}
	figures, err := r.Store.ListFigures(ctx, filter)
	return seen(ctx, nonNilList(figures)), err
}
