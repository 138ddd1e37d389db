package sqlite

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
)

// ListDisputes pages through the stints whose sources disagree, by start and slug; with
// between (one or two document slugs), those whose claims disagree between the two, or
// between the one and any other.
func (s *Store) ListDisputes(ctx context.Context, between []string, first int, after *paging.Cursor) (paging.Page[*kg.Membership], error) {
	cols, sig := ordering(nil, nil, nil, "m.lo", "m.slug")
	return listPage(ctx, s, listTable{"memberships m", "'Membership'", "memberships", "m.slug"}, disputesCond(between), cols, "Dispute/"+sig, first, after, decodeJSON[kg.Membership])
}

// CountDisputes counts the stints ListDisputes pages through.
func (s *Store) CountDisputes(ctx context.Context, between []string) (int, error) {
	w := disputesCond(between)
	return s.count(ctx, "SELECT COUNT(*) FROM memberships m WHERE "+w.sql, w.args...)
}

func disputesCond(between []string) cond {
	w := cond{sql: "m.disputed = 1"}
	if len(between) > 0 {
		w = and(w, disputedBetweenCond("m", between))
	}
	return w
}

// MembershipsByOrganizations loads every stint in each of the given organizations, in order
// of start.
func (s *Store) MembershipsByOrganizations(ctx context.Context, orgs []string) (map[string][]*kg.Membership, error) {
	return scanGrouped[kg.Membership](s.query(ctx, `SELECT organization, data FROM memberships
		WHERE organization IN (SELECT value FROM json_each(?)) ORDER BY organization, lo, slug`, keysJSON(orgs)))
}

// MembershipsByMembers loads every stint of each of the given actors, in order of start.
func (s *Store) MembershipsByMembers(ctx context.Context, members []string) (map[string][]*kg.Membership, error) {
	return scanGrouped[kg.Membership](s.query(ctx, `SELECT member, data FROM memberships
		WHERE member IN (SELECT value FROM json_each(?)) ORDER BY member, lo, slug`, keysJSON(members)))
}

// MembershipsBySlugs loads stints by slug.
func (s *Store) MembershipsBySlugs(ctx context.Context, slugs []string) (map[string]*kg.Membership, error) {
	return scanKeyed[kg.Membership](s.query(ctx, "SELECT slug, data FROM memberships WHERE slug IN (SELECT value FROM json_each(?))", keysJSON(slugs)))
}
