package kg

import (
	"slices"
	"sort"
)

// CheckRange rejects a range that ends before it starts; name prefixes the message.
func CheckRange(name string, r *DateRange) error {
	if r != nil && r.From != nil && r.To != nil && r.To.Last() < r.From.First() {
		return Errorf(BadUserInput, "%s: to (%s) is before from (%s)", name, r.To.ISO(), r.From.ISO())
	}
	return nil
}

// StintQuery selects stints. Each field narrows the selection when given; the zero query
// keeps every stint.
type StintQuery struct {
	// At keeps the stints that cover the whole period the date names.
	At *PartialDate
	// Roles keeps the stints in one of the roles.
	Roles []MembershipRole
	// During keeps the stints that share at least one day with the period.
	During *Period
	// Organization keeps the stints in the organization with this slug.
	Organization *string
	// Filter keeps the stints it matches.
	Filter *MembershipFilter
	// Certainty is how sure At and During must be: Known (the zero value) keeps the stints
	// that certainly cover them, Possible also those that may.
	Certainty Certainty
}

// want is the certainty the query asks for.
func (q StintQuery) want() Certainty {
	if q.Certainty == "" {
		return Known
	}
	return q.Certainty
}

// Match reports whether the query keeps the stint.
func (q StintQuery) Match(m *Membership) bool {
	switch {
	case q.At != nil && !q.want().Admits(m.Covers(*q.At)):
		return false
	case len(q.Roles) > 0 && !slices.Contains(q.Roles, m.Role):
		return false
	case q.During != nil && !q.want().Admits(m.Span.CoversPeriod(*q.During)):
		return false
	case q.Organization != nil && m.OrganizationSlug != *q.Organization:
		return false
	}
	return q.Filter.MatchAs(m, q.want())
}

// SelectStints keeps the stints the query matches, in order; never nil.
func SelectStints(ms []*Membership, q StintQuery) []*Membership {
	out := []*Membership{}
	for _, m := range ms {
		if q.Match(m) {
			out = append(out, m)
		}
	}
	return out
}

// OrganizationSlugs lists the organizations of the stints, each once, in the order of their
// first stint.
func OrganizationSlugs(ms []*Membership) []string {
	var out []string
	for _, m := range ms {
		if !slices.Contains(out, m.OrganizationSlug) {
			out = append(out, m.OrganizationSlug)
		}
	}
	return out
}

// HeldPositions keeps the posts held on at and during the period (each when given), as
// sure as want asks (Known: certainly held; Possible: may have been held), in order; never
// nil. A post the sources do not date is held possibly, never certainly, within the bounds
// they set.
func HeldPositions(ps []*Position, at *PartialDate, during *Period, want Certainty) []*Position {
	out := []*Position{}
	for _, p := range ps {
		if at != nil && !want.Admits(p.Covers(*at)) {
			continue
		}
		if during != nil && !want.Admits(p.Span().CoversPeriod(*during)) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// SameTime reports whether two partial dates share a day, as a stint's end and the next
// one's start do when a member changes role: "2006" and "2006-06-23" do, and so do two equal
// dates. A missing date is at no time.
func SameTime(a, b *PartialDate) bool {
	return a != nil && b != nil && a.First() <= b.Last() && b.First() <= a.Last()
}

// Intersect is the period two overlapping periods share: the later start and the earlier
// end, each at the precision its source gives. An open end yields to a closed one.
func (p Period) Intersect(q Period) Period {
	out := p
	if q.Start != nil && (out.Start == nil || q.Start.First() > out.Start.First()) {
		out.Start = q.Start
	}
	if q.End != nil && (out.End == nil || q.End.Last() < out.End.Last()) {
		out.End = q.End
	}
	return out
}

// StintChangeKind is what changed in an organization's membership. Its values are the names
// of the public API's MembershipChangeKind.
type StintChangeKind string

// The kinds of change.
const (
	ChangeJoined      StintChangeKind = "JOINED"
	ChangeRoleChanged StintChangeKind = "ROLE_CHANGED"
	ChangeLeft        StintChangeKind = "LEFT"
	ChangeSuspended   StintChangeKind = "SUSPENDED"
	ChangeNotRenewed  StintChangeKind = "NOT_RENEWED"
	ChangeExpelled    StintChangeKind = "EXPELLED"
	ChangeDissolved   StintChangeKind = "DISSOLVED"
	ChangeEnded       StintChangeKind = "ENDED"
)

// StintChangeKinds lists every StintChangeKind value.
var StintChangeKinds = []StintChangeKind{ChangeJoined, ChangeRoleChanged, ChangeLeft, ChangeSuspended,
	ChangeNotRenewed, ChangeExpelled, ChangeDissolved, ChangeEnded}

// endChanges names the change that ends a stint for each stated reason.
var endChanges = map[MembershipEnd]StintChangeKind{
	EndWithdrawn: ChangeLeft, EndSuspended: ChangeSuspended, EndNotRenewed: ChangeNotRenewed,
	EndExpelled: ChangeExpelled, EndDissolved: ChangeDissolved,
}

// StintChange is a stint beginning or ending.
type StintChange struct {
	Kind StintChangeKind
	// Date is the stint's start or end, at the precision its source gives.
	Date *PartialDate
	// Membership is the stint that begins or ends.
	Membership *Membership
	// PreviousRole is, for ChangeRoleChanged, the role of the stint that ended.
	PreviousRole *MembershipRole
}

// StintChanges lists the changes the stints of one organization make within window, oldest
// first (by first day, then last day, then member slug).
//
// A stint's start is ChangeJoined, or ChangeRoleChanged when another stint of the same member
// in another role ends at the same time (SameTime); that stint's end is then not listed on
// its own. An end is named after its reason, ChangeEnded when none is given. Undated starts
// and ends, and open ends, make no change.
func StintChanges(stints []*Membership, window Period) []StintChange {
	var out []StintChange
	add := func(c StintChange) {
		if window.Overlaps(Period{Start: c.Date, End: c.Date}) {
			out = append(out, c)
		}
	}
	for _, m := range stints {
		if m.Start != nil {
			c := StintChange{Kind: ChangeJoined, Date: m.Start, Membership: m}
			for _, p := range stints {
				if p.MemberSlug == m.MemberSlug && p.Role != m.Role && SameTime(p.End, m.Start) {
					c.Kind, c.PreviousRole = ChangeRoleChanged, &p.Role
				}
			}
			add(c)
		}
		if m.End != nil {
			followed := slices.ContainsFunc(stints, func(n *Membership) bool {
				return n.MemberSlug == m.MemberSlug && n.Role != m.Role && SameTime(m.End, n.Start)
			})
			if followed {
				continue // listed as the next stint's ChangeRoleChanged
			}
			kind := ChangeEnded
			if m.EndReason != nil {
				kind = endChanges[*m.EndReason]
			}
			add(StintChange{Kind: kind, Date: m.End, Membership: m})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Date.First() != b.Date.First() {
			return a.Date.First() < b.Date.First()
		}
		if a.Date.Last() != b.Date.Last() {
			return a.Date.Last() < b.Date.Last()
		}
		return a.Membership.MemberSlug < b.Membership.MemberSlug
	})
	return out
}

// SharedStints is an organization in which two actors held overlapping stints.
type SharedStints struct {
	OrganizationSlug string
	// A and B are the stints of each actor that overlap one of the other's, in their order.
	A, B []*Membership
	// Periods are the overlaps of each such pair, oldest first.
	Periods []*Period
}

// ShareStints lists the organizations in which a stint of a and a stint of b, both kept by
// q, overlap (certainly, or possibly when q asks for Possible), in the order of a's stints.
func ShareStints(a, b []*Membership, q StintQuery) []*SharedStints {
	var out []*SharedStints
	byOrg := map[string]*SharedStints{}
	for _, ma := range a {
		if !q.Match(ma) {
			continue
		}
		for _, mb := range b {
			if ma.OrganizationSlug != mb.OrganizationSlug || !q.Match(mb) || !q.want().Admits(ma.Span.Overlaps(mb.Span)) {
				continue
			}
			s := byOrg[ma.OrganizationSlug]
			if s == nil {
				s = &SharedStints{OrganizationSlug: ma.OrganizationSlug, A: []*Membership{}, B: []*Membership{}, Periods: []*Period{}}
				byOrg[ma.OrganizationSlug] = s
				out = append(out, s)
			}
			if !slices.Contains(s.A, ma) {
				s.A = append(s.A, ma)
			}
			if !slices.Contains(s.B, mb) {
				s.B = append(s.B, mb)
			}
			p := ma.Period().Intersect(mb.Period())
			s.Periods = append(s.Periods, &p)
		}
	}
	for _, s := range out {
		sort.SliceStable(s.Periods, func(x, y int) bool { return s.Periods[x].Lo() < s.Periods[y].Lo() })
	}
	return out
}
