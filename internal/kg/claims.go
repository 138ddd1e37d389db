package kg

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// MembershipClaim is what one source says about a stint: its role and dates, and where the
// source states it.
type MembershipClaim struct {
	Role      MembershipRole
	Start     *PartialDate
	End       *PartialDate
	EndReason *MembershipEnd
	// StartRange and EndRange are the earliest and latest year a boundary may be, when the
	// source says its date is approximate; nil when the date is as exact as it is written.
	StartRange *YearRange
	EndRange   *YearRange
	// StartBounds and EndBounds bound a start or end the source does not date.
	StartBounds *DateBounds
	EndBounds   *DateBounds
	// Accuracy is the source's own word on how exact its dates are, when it gives one.
	Accuracy *string
	// UnknownYears are the years inside the claim's span for which its dataset has no data.
	UnknownYears []int
	// RoleUnstated says the source does not name the role (Role is the project's reading);
	// the claim's role then disputes no other claim's.
	RoleUnstated bool
	// Years is how many years a year-by-year source records in the stint; nil for others.
	Years *int
	// AsOf is the last date the source observes: an open End means "still so then". Nil when
	// the source does not say (the time of writing).
	AsOf   *PartialDate
	Note   *string
	Source Source
}

// YearRange is the earliest and latest year an approximate date may be.
type YearRange struct {
	Earliest int
	Latest   int
}

// Period is the claim's span.
func (c *MembershipClaim) Period() Period { return Period{c.Start, c.End} }

// Span is what the claim states about when the stint held.
func (c *MembershipClaim) Span() Span {
	return SpanOf(Boundary{c.Start, c.StartRange, c.StartBounds}, Boundary{c.End, c.EndRange, c.EndBounds}, c.AsOf, c.UnknownYears)
}

// widened is the span of days a boundary may fall on: the whole period its date names, or
// the whole of the years of its range when the source says the date is approximate.
func widened(d *PartialDate, r *YearRange) (lo, hi int) {
	lo, hi = d.First(), d.Last()
	if r != nil {
		lo = min(lo, PartialDate{Year: r.Earliest}.First())
		hi = max(hi, PartialDate{Year: r.Latest}.Last())
	}
	return lo, hi
}

// overlapDays measures how much two periods overlap, in days counted roughly (31 to a
// month); 0 or less when they do not.
func overlapDays(p, q Period) int {
	day := func(n int) int { return n/10000*372 + n/100%100*31 + n%100 }
	lo := max(p.Lo(), q.Lo())
	hi := min(p.Hi(), q.Hi())
	if lo > hi {
		return 0
	}
	return day(hi) - day(lo) + 1
}

// MatchStints pairs the stints two sources state for one member in one organization. Two
// stints are the same stint when their periods overlap (each date taken as the whole period
// it names, an open end open); when a stint overlaps several of the other source's, it is
// paired with the one it overlaps most, and each stint is paired at most once, so that each
// source has at most one claim per stint. It returns, for each stint of a, the index of its
// partner in b or -1.
func MatchStints(a, b []Period) []int {
	type pair struct{ i, j, days int }
	var pairs []pair
	for i := range a {
		for j := range b {
			if d := overlapDays(a[i], b[j]); d > 0 {
				pairs = append(pairs, pair{i, j, d})
			}
		}
	}
	sort.SliceStable(pairs, func(x, y int) bool {
		if pairs[x].days != pairs[y].days {
			return pairs[x].days > pairs[y].days
		}
		if pairs[x].i != pairs[y].i {
			return pairs[x].i < pairs[y].i
		}
		return pairs[x].j < pairs[y].j
	})
	out := make([]int, len(a))
	for i := range out {
		out[i] = -1
	}
	taken := make([]bool, len(b))
	for _, p := range pairs {
		if out[p.i] == -1 && !taken[p.j] {
			out[p.i] = p.j
			taken[p.j] = true
		}
	}
	return out
}

// MatchClaims pairs the stints two sources state for one member in one organization, as
// MatchStints does, with two refinements for sources that look at different times: an open
// end counts only as far as its source looked (AsOf), not forever, and of the pairs that
// overlap, those in the same role are made first. Each stint is given as its claim.
func MatchClaims(a, b []MembershipClaim) []int {
	type pair struct{ i, j, days int }
	var pairs []pair
	seen := func(c *MembershipClaim) Period {
		p := c.Period()
		if p.End == nil && c.EndBounds == nil && c.AsOf != nil {
			p.End = c.AsOf
		}
		return p
	}
	for i := range a {
		for j := range b {
			if d := overlapDays(seen(&a[i]), seen(&b[j])); d > 0 {
				pairs = append(pairs, pair{i, j, d})
			}
		}
	}
	sort.SliceStable(pairs, func(x, y int) bool {
		px, py := pairs[x], pairs[y]
		sx, sy := a[px.i].Role == b[px.j].Role, a[py.i].Role == b[py.j].Role
		if sx != sy {
			return sx
		}
		if px.days != py.days {
			return px.days > py.days
		}
		if px.i != py.i {
			return px.i < py.i
		}
		return px.j < py.j
	})
	out := make([]int, len(a))
	for i := range out {
		out[i] = -1
	}
	taken := make([]bool, len(b))
	for _, p := range pairs {
		if out[p.i] == -1 && !taken[p.j] {
			out[p.i] = p.j
			taken[p.j] = true
		}
	}
	return out
}

// precisionRank orders date precisions, finer higher; a missing date ranks lowest.
func precisionRank(d *PartialDate) int {
	if d == nil {
		return 0
	}
	switch d.Precision() {
	case PrecisionDay:
		return 3
	case PrecisionMonth:
		return 2
	}
	return 1
}

// PreferClaims orders claims so that the preferred one comes first: the claim whose start
// is the most precise (a day before a month before a year before none), then whose end is,
// and among equals the one given first (the documents' order, curated text before datasets).
func PreferClaims(cs []MembershipClaim) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := &cs[i], &cs[j]
		if ra, rb := precisionRank(a.Start), precisionRank(b.Start); ra != rb {
			return ra > rb
		}
		return precisionRank(a.End) > precisionRank(b.End)
	})
}

// DisagreementAspect is what two claims of one stint disagree on. Its values are the names
// of the public API's DisagreementAspect enum.
type DisagreementAspect string

// The aspects.
const (
	AspectRole  DisagreementAspect = "ROLE"
	AspectStart DisagreementAspect = "START"
	AspectEnd   DisagreementAspect = "END"
)

// DisagreementAspects lists every DisagreementAspect value.
var DisagreementAspects = []DisagreementAspect{AspectRole, AspectStart, AspectEnd}

// UnmarshalGQL reads an enum value.
func (a *DisagreementAspect) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, a, DisagreementAspects)
}

// MarshalGQL writes an enum value.
func (a DisagreementAspect) MarshalGQL(w io.Writer) { marshalEnum(w, string(a)) }

// Disagreement is one aspect on which the claims of a stint disagree, with each claim's
// value and, where the project knows it, why.
type Disagreement struct {
	Aspect      DisagreementAspect
	Values      []ClaimValue
	Explanation *string
}

// ClaimValue is the value one source gives for an aspect: a role name, or a date at its own
// precision ("1992-05-15", "2002 (between 1997 and 2007)", "still so in 2014").
type ClaimValue struct {
	Source Source
	Value  string
}

// Disagreements lists how the claims of one stint disagree beyond their precision, comparing
// every pair of claims, the preferred (first) one's pairs first:
//   - their roles differ;
//   - both give a start, and the starts (each the whole period its date names, widened to
//     the years of its range when the source calls it approximate) do not overlap;
//   - both give an end and the ends, taken the same way, do not overlap;
//   - one claim's stint is still open when its source ends (AsOf, or the time of writing
//     when the source gives none) while the other's ended before that.
//
// A claim without a start says nothing about the start and so never disagrees on it; nor
// does a claim whose end the source leaves undated (EndBounds) on the end.
func Disagreements(cs []MembershipClaim) []string {
	lines, _ := disagree(cs, nil)
	return lines
}

// Disputes lists the same disagreements as Disagreements, one per aspect, each with every
// claim's value for it and the explanation the project gives for that aspect, if any.
func Disputes(cs []MembershipClaim, explanations map[DisagreementAspect]string) []Disagreement {
	_, out := disagree(cs, explanations)
	return out
}

func disagree(cs []MembershipClaim, explanations map[DisagreementAspect]string) ([]string, []Disagreement) {
	if len(cs) < 2 {
		return nil, nil
	}
	var out []string
	found := map[DisagreementAspect]bool{}
	// Every pair of claims, the preferred one's first: two sources that both differ from the
	// preferred one may also differ from each other.
	type pair struct{ p, c *MembershipClaim }
	var pairs []pair
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			pairs = append(pairs, pair{&cs[i], &cs[j]})
		}
	}
	for _, pc := range pairs {
		p, c := pc.p, pc.c
		pd, cd := p.Source.DocumentSlug, c.Source.DocumentSlug
		if p.Role != c.Role && !p.RoleUnstated && !c.RoleUnstated {
			found[AspectRole] = true
			out = append(out, fmt.Sprintf("role: %s says %s, %s says %s", pd, p.Role, cd, c.Role))
		}
		if p.Start != nil && c.Start != nil {
			plo, phi := widened(p.Start, p.StartRange)
			clo, chi := widened(c.Start, c.StartRange)
			if plo > chi || clo > phi {
				found[AspectStart] = true
				out = append(out, fmt.Sprintf("start: %s says %s, %s says %s", pd, describe(p.Start, p.StartRange), cd, describe(c.Start, c.StartRange)))
			}
		}
		if endsDisagree(p, c) {
			found[AspectEnd] = true
			out = append(out, fmt.Sprintf("end: %s says %s, %s says %s", pd, describeEnd(p), cd, describeEnd(c)))
		}
	}
	var ds []Disagreement
	for _, a := range DisagreementAspects {
		if !found[a] {
			continue
		}
		d := Disagreement{Aspect: a}
		for i := range cs {
			c := &cs[i]
			var v string
			switch a {
			case AspectRole:
				if c.RoleUnstated {
					continue
				}
				v = string(c.Role)
			case AspectStart:
				if c.Start == nil {
					continue
				}
				v = describe(c.Start, c.StartRange)
			case AspectEnd:
				if c.End == nil && c.EndBounds != nil {
					continue
				}
				v = describeEnd(c)
			}
			d.Values = append(d.Values, ClaimValue{Source: c.Source, Value: v})
		}
		if e, ok := explanations[a]; ok {
			d.Explanation = &e
		}
		ds = append(ds, d)
	}
	return out, ds
}

func endsDisagree(p, c *MembershipClaim) bool {
	switch {
	case (p.End == nil && p.EndBounds != nil) || (c.End == nil && c.EndBounds != nil):
		return false // a source that does not date the end says nothing against another's
	case p.End == nil && c.End == nil:
		return false
	case p.End != nil && c.End != nil:
		plo, phi := widened(p.End, p.EndRange)
		clo, chi := widened(c.End, c.EndRange)
		return plo > chi || clo > phi
	case p.End == nil:
		return endedBefore(c, p.AsOf)
	default:
		return endedBefore(p, c.AsOf)
	}
}

// endedBefore reports whether a claim's stint surely ended before asOf, the last date a
// source with an open stint observed (nil: its time of writing, after any end stated here).
func endedBefore(ended *MembershipClaim, asOf *PartialDate) bool {
	if asOf == nil {
		return true
	}
	_, hi := widened(ended.End, ended.EndRange)
	return hi < asOf.First()
}

func describe(d *PartialDate, r *YearRange) string {
	if r != nil && (r.Earliest != d.Year || r.Latest != d.Year) {
		return fmt.Sprintf("%s (between %d and %d)", d.ISO(), r.Earliest, r.Latest)
	}
	return d.ISO()
}

func describeEnd(c *MembershipClaim) string {
	if c.End == nil {
		if c.AsOf != nil {
			return "still so in " + c.AsOf.ISO()
		}
		return "no end"
	}
	return describe(c.End, c.EndRange)
}

// Reconcile sets a stint's own role, dates and source from its preferred claim and marks it
// disputed when its claims disagree. The claims are put in order of preference.
func (m *Membership) Reconcile() {
	if len(m.Claims) == 0 {
		m.Span = SpanOf(Boundary{m.Start, nil, m.StartBounds}, Boundary{m.End, nil, m.EndBounds}, m.AsOf, nil)
		return
	}
	PreferClaims(m.Claims)
	c := m.Claims[0]
	m.Role, m.Start, m.End, m.EndReason, m.Source = c.Role, c.Start, c.End, c.EndReason, c.Source
	m.Disagreements, m.Disputes = disagree(m.Claims, m.Explanations)
	m.Disputed = len(m.Disagreements) > 0
	m.DisputedPairs = DisputedPairs(m.Claims)
	spans := make([]Span, len(m.Claims))
	for i := range m.Claims {
		spans[i] = m.Claims[i].Span()
	}
	m.Span = Merge(spans)
}

// Claim returns the claim of the given document, or nil.
func (m *Membership) Claim(document string) *MembershipClaim {
	for i := range m.Claims {
		if m.Claims[i].Source.DocumentSlug == document {
			return &m.Claims[i]
		}
	}
	return nil
}

// AsStated returns the stint as one document states it: a copy whose role, dates, end reason
// and source are that document's claim; false when the document does not state the stint.
func (m *Membership) AsStated(document string) (*Membership, bool) {
	c := m.Claim(document)
	if c == nil {
		return nil, false
	}
	v := *m
	v.Role, v.Start, v.End, v.EndReason, v.Source = c.Role, c.Start, c.End, c.EndReason, c.Source
	v.Span = c.Span()
	return &v, true
}

// StintsAsStated keeps the stints a document states, each as it states them; with an empty
// document it returns the stints unchanged.
func StintsAsStated(ms []*Membership, document string) []*Membership {
	if document == "" {
		return ms
	}
	out := make([]*Membership, 0, len(ms))
	for _, m := range ms {
		if v, ok := m.AsStated(document); ok {
			out = append(out, v)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Period().Lo() < out[j].Period().Lo() })
	return out
}

// DisputedPairs lists the pairs of sources whose claims of one stint disagree, compared two
// by two by the rules of Disagreements (not only against the preferred claim), each as
// PairKey writes it, in order, once.
func DisputedPairs(cs []MembershipClaim) []string {
	var out []string
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			lines, _ := disagree([]MembershipClaim{cs[i], cs[j]}, nil)
			if len(lines) == 0 {
				continue
			}
			k := PairKey(cs[i].Source.DocumentSlug, cs[j].Source.DocumentSlug)
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// PairKey names a pair of documents the same whichever comes first: "a|b" with a <= b.
func PairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}

// DisputedBetween reports whether the stint's claims disagree between the given documents:
// between the two when two are given, between the one and any other when one is given.
func (m *Membership) DisputedBetween(docs []string) bool {
	switch len(docs) {
	case 1:
		return slices.ContainsFunc(m.DisputedPairs, func(k string) bool {
			a, b, _ := strings.Cut(k, "|")
			return a == docs[0] || b == docs[0]
		})
	case 2:
		return slices.Contains(m.DisputedPairs, PairKey(docs[0], docs[1]))
	}
	return m.Disputed
}
