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

// membershipChanges lists the joins, leaves and changes of role of an organization's members
// between from and to.
func (r *queryResolver) membershipChanges(ctx context.Context, organization string, from, to *kg.Date) ([]*model.MembershipChange, error) {
	slug, err := organizationSlug("membershipChanges: organization", organization)
	if err != nil {
		return nil, err
	}
	if err := kg.CheckRange("membershipChanges", &kg.DateRange{From: from, To: to}); err != nil {
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
	return membershipChangesOf(ctx, slug, kg.StintChanges(stints, kg.Period{Start: kg.DatePtr(from), End: kg.DatePtr(to)}))
}

// membershipChangesOf loads the organization, members and footnotes of the changes of the
// organization slug, one batch each for actors and footnotes.
func membershipChangesOf(ctx context.Context, slug string, changes []kg.StintChange) ([]*model.MembershipChange, error) {
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
	out := make([]*model.MembershipChange, len(changes))
	for i, c := range changes {
		m := c.Membership
		out[i] = &model.MembershipChange{Kind: model.MembershipChangeKind(c.Kind), Date: c.Date, Role: m.Role, PreviousRole: c.PreviousRole,
			Membership: m, Source: &m.Source, Organization: asOrganization(actors[0]), Member: actors[i+1], Citations: nonNilList(cites[i])}
	}
	return out, nil
}

func nonNilList[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// sharedOrganizations lists the organizations a and b were in together, by name.
func (r *queryResolver) sharedOrganizations(ctx context.Context, a, b string, at *kg.Date, organization *string, roles []kg.MembershipRole, source *string, certainty *kg.Certainty) ([]*model.SharedOrganization, error) {
	sa, sb, err := actorPair("sharedOrganizations", a, b)
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
	q := kg.StintQuery{At: kg.DatePtr(at), Roles: roles, Organization: organization, Certainty: kg.CertaintyOr(certainty)}
	return sharedOrganizationsOf(ctx, kg.ShareStints(kg.StintsAsStated(lists[0], doc), kg.StintsAsStated(lists[1], doc), q))
}

// sharedOrganizationsOf loads the organizations of shared in one batch and sorts them by name.
func sharedOrganizationsOf(ctx context.Context, shared []*kg.SharedStints) ([]*model.SharedOrganization, error) {
	slugs := make([]string, len(shared))
	for i, s := range shared {
		slugs[i] = s.OrganizationSlug
	}
	orgs, err := actorsL.loadMany(ctx, slugs...)
	if err != nil {
		return nil, err
	}
	out := make([]*model.SharedOrganization, len(shared))
	for i, s := range shared {
		out[i] = &model.SharedOrganization{Organization: asOrganization(orgs[i]), Periods: s.Periods, A: s.A, B: s.B}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Organization.Name < out[j].Organization.Name })
	return out, nil
}

// neighborhood loads the nodes within depth facts of a node, and the facts between them.
func (r *queryResolver) neighborhood(ctx context.Context, id string, depth *int, at *kg.Date, maxNodes *int) (*model.Neighborhood, error) {
	d, limit, err := neighborhoodArgs(depth, maxNodes)
	if err != nil {
		return nil, err
	}
	centre, err := loadNodeRef(ctx, "neighborhood: ", id)
	if err != nil {
		return nil, err
	}
	reach, err := r.Store.Neighborhood(ctx, centre, kg.DatePtr(at), d, limit)
	if err != nil {
		return nil, err
	}
	pathEdges, nodes, err := r.pathEdges(ctx, reach.Nodes, reach.Edges)
	if err != nil {
		return nil, err
	}
	return &model.Neighborhood{Nodes: nodes, Edges: pathEdges, Truncated: reach.Truncated}, nil
}

// pathEdges loads the nodes, facts and footnotes of a set of edges between known nodes, one
// statement per kind of node and one for all footnotes.
func (r *queryResolver) pathEdges(ctx context.Context, refs []kg.Ref, edges []sqlite.Edge) ([]*model.PathEdge, []kg.Node, error) {
	all, cites := edgeKeys(refs, edges)
	nodes, err := loadNodes(ctx, all)
	if err != nil {
		return nil, nil, err
	}
	citations, err := citationsOfL.loadMany(ctx, cites...)
	if err != nil {
		return nil, nil, err
	}
	return assembleEdges(refs, edges, nodes, citations), nodes[:len(refs)], nil
}

// edgeKeys lists what edges between refs need loaded: refs, then the facts of the edges that
// have one, and the facts whose footnotes they show.
func edgeKeys(refs []kg.Ref, edges []sqlite.Edge) (all []kg.Ref, cites []string) {
	all = append([]kg.Ref{}, refs...)
	for _, e := range edges {
		if e.Fact != nil {
			all = append(all, *e.Fact)
		}
		if e.Cite != nil {
			cites = append(cites, e.Cite.String())
		}
	}
	return all, cites
}

// assembleEdges makes the edges from what edgeKeys listed, loaded: nodes in its order and
// citations in the order of cites. An edge whose end is no node is left out.
func assembleEdges(refs []kg.Ref, edges []sqlite.Edge, nodes []kg.Node, citations [][]*kg.Citation) []*model.PathEdge {
	index := map[kg.Ref]int{}
	for i, ref := range refs {
		index[ref] = i
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
	return out
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

// membershipCounts counts stints by the groups of groupBy.
func (r *queryResolver) membershipCounts(ctx context.Context, groupBy []model.MembershipGroupBy, filter *kg.MembershipFilter, from, to *kg.Date, source *string, certainty *kg.Certainty) ([]*model.MembershipCount, error) {
	q, err := membershipCountQuery(groupBy, filter, from, to)
	if err != nil {
		return nil, err
	}
	q.Certainty = kg.CertaintyOr(certainty)
	if q.Source, err = sourceArg(ctx, r.Store, "membershipCounts: source", source); err != nil {
		return nil, err
	}
	groups, err := r.Store.CountMembershipsBy(ctx, q)
	if err != nil {
		return nil, err
	}
	return membershipCountsOf(ctx, groups)
}

// membershipCountsOf loads the organizations and members of the groups in one batch.
func membershipCountsOf(ctx context.Context, groups []sqlite.MembershipGroup) ([]*model.MembershipCount, error) {
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
		out[i] = &model.MembershipCount{Year: g.Year, Role: g.Role, Count: g.Count, Unknown: g.Unknown}
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
