package kg

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testHorizon is the last date the sources of the stints made by stint observe.
var testHorizon = MustDate("2020")

// stint makes a stint of member in org, as a source that looked last in 2020 states it; ""
// leaves a date open.
func stint(slug, member, org string, role MembershipRole, start, end string) *Membership {
	m := &Membership{Slug: slug, MemberSlug: member, OrganizationSlug: org, Role: role, Start: dp(start), End: dp(end), AsOf: &testHorizon}
	m.Reconcile()
	return m
}

func ended(m *Membership, why MembershipEnd) *Membership {
	m.EndReason = &why
	return m
}

func slugs(ms []*Membership) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Slug)
	}
	return out
}

func strp(s string) *string { return &s }

func TestCheckRange(t *testing.T) {
	d := func(s string) *Date { return &Date{MustDate(s)} }
	for _, tc := range []struct {
		name string
		r    *DateRange
		want string
	}{
		{"no range", nil, ""},
		{"open start", &DateRange{To: d("1990")}, ""},
		{"open end", &DateRange{From: d("1990")}, ""},
		{"equal dates", &DateRange{From: d("1990-05-01"), To: d("1990-05-01")}, ""},
		{"a day inside the year it starts", &DateRange{From: d("1990"), To: d("1990-01-01")}, ""},
		{"the month before the day it starts", &DateRange{From: d("1990-05-02"), To: d("1990-04")}, "during: to (1990-04) is before from (1990-05-02)"},
		{"reversed years", &DateRange{From: d("2000"), To: d("1990")}, "during: to (1990) is before from (2000)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRange("during", tc.r)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestSelectStints(t *testing.T) {
	ms := []*Membership{
		stint("open", "armenia", "csto", RoleMember, "", ""),
		stint("nineties", "armenia", "csto", RoleMember, "1992-05-15", "1999"),
		stint("observer", "armenia", "sco", RoleObserver, "2005-07", "2015-07-10"),
		stint("running", "armenia", "cis", RoleMember, "1991-12-21", ""),
	}
	eq := MembershipRole(RoleObserver)
	at := func(s string) *PartialDate { return dp(s) }
	during := func(a, b string) *Period { p := period(a, b); return &p }
	for _, tc := range []struct {
		name            string
		q               StintQuery
		known, possible []string
	}{
		{"the zero query keeps all", StintQuery{}, []string{"open", "nineties", "observer", "running"}, []string{"open", "nineties", "observer", "running"}},
		{"at a year: a stint starting within it covers it; an undated one only may", StintQuery{At: at("1992")}, []string{"nineties", "running"}, []string{"open", "nineties", "running"}},
		{"at a day before a day-precision start", StintQuery{At: at("1992-05-14")}, []string{"running"}, []string{"open", "running"}},
		{"at the start day itself", StintQuery{At: at("1992-05-15")}, []string{"nineties", "running"}, []string{"open", "nineties", "running"}},
		{"at a month inside a year-precision end: may", StintQuery{At: at("1999-12")}, []string{"running"}, []string{"open", "nineties", "running"}},
		{"at a day inside a month-precision start: may", StintQuery{At: at("2005-07-01")}, []string{"running"}, []string{"open", "observer", "running"}},
		{"at the horizon an undated stint drawn as current holds", StintQuery{At: at("2020")}, []string{"open", "running"}, []string{"open", "running"}},
		{"an open end past the horizon may run on", StintQuery{At: at("2100")}, []string{}, []string{"open", "running"}},
		{"roles", StintQuery{Roles: []MembershipRole{RoleObserver, RolePartner}}, []string{"observer"}, []string{"observer"}},
		{"during shares one day only if the year-precision end may", StintQuery{During: during("1999-12-31", "2000")}, []string{"running"}, []string{"open", "nineties", "running"}},
		{"during with an open start", StintQuery{During: during("", "1991-12-20")}, []string{}, []string{"open"}},
		{"organization", StintQuery{Organization: strp("csto")}, []string{"open", "nineties"}, []string{"open", "nineties"}},
		{"an empty organization matches none", StintQuery{Organization: strp("")}, []string{}, []string{}},
		{"filter", StintQuery{Filter: &MembershipFilter{Role: &MembershipRoleFilter{Eq: &eq}}}, []string{"observer"}, []string{"observer"}},
		{"all together", StintQuery{At: at("2010"), Roles: []MembershipRole{RoleMember}, During: during("2009", "2011")}, []string{"running"}, []string{"open", "running"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.known, slugs(SelectStints(ms, tc.q)), "KNOWN (the default)")
			tc.q.Certainty = Known
			assert.Equal(t, tc.known, slugs(SelectStints(ms, tc.q)), "KNOWN")
			tc.q.Certainty = Possible
			assert.Equal(t, tc.possible, slugs(SelectStints(ms, tc.q)), "POSSIBLE")
		})
	}
	assert.NotNil(t, SelectStints(nil, StintQuery{}), "never nil")
}

func TestOrganizationSlugs(t *testing.T) {
	ms := []*Membership{
		stint("a", "armenia", "csto", RoleMember, "1994", "1999"),
		stint("b", "armenia", "cis", RoleMember, "1991", ""),
		stint("c", "armenia", "csto", RoleMember, "2002", ""),
	}
	assert.Equal(t, []string{"csto", "cis"}, OrganizationSlugs(ms))
	assert.Empty(t, OrganizationSlugs(nil))
}

func TestHeldPositions(t *testing.T) {
	pos := func(slug, start, end string) *Position {
		return &Position{Slug: slug, Start: dp(start), End: dp(end), AsOf: &testHorizon}
	}
	ps := []*Position{pos("undated", "", ""), pos("first", "1991-12-10", "2019-03-20"), pos("second", "2019-03", "")}
	during := func(a, b string) *Period { p := period(a, b); return &p }
	for _, tc := range []struct {
		name            string
		at              *PartialDate
		during          *Period
		known, possible []string
	}{
		{"no bounds", nil, nil, []string{"undated", "first", "second"}, []string{"undated", "first", "second"}},
		{"a year held by both; the undated post only may", dp("2019"), nil, []string{"first", "second"}, []string{"undated", "first", "second"}},
		{"the day the first ended; the second's month-precision start may", dp("2019-03-20"), nil, []string{"first"}, []string{"undated", "first", "second"}},
		{"the day after", dp("2019-03-21"), nil, nil, []string{"undated", "second"}},
		{"before either", dp("1990"), nil, nil, []string{"undated"}},
		{"during, open end: both still held at the horizon", nil, during("2020", ""), []string{"undated", "second"}, []string{"undated", "second"}},
		{"during, open start", nil, during("", "1991-12-09"), nil, []string{"undated"}},
		{"at and during", dp("2000"), during("1995", "2005"), []string{"first"}, []string{"undated", "first"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for want, exp := range map[Certainty][]string{Known: tc.known, Possible: tc.possible} {
				var got []string
				for _, p := range HeldPositions(ps, tc.at, tc.during, want) {
					got = append(got, p.Slug)
				}
				assert.Equal(t, exp, got, want)
			}
		})
	}
	assert.NotNil(t, HeldPositions(nil, nil, nil, Known), "never nil")
}

func TestSameTime(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"2006", "2006-06-23", true},
		{"2006-06", "2006-06-23", true},
		{"2006-06-23", "2006-06-23", true},
		{"2006-06-22", "2006-06-23", false},
		{"2006-05", "2006-06", false},
		{"2005", "2006-01-01", false},
		{"", "2006", false},
		{"2006", "", false},
		{"", "", false},
	} {
		assert.Equal(t, tc.want, SameTime(dp(tc.a), dp(tc.b)), "%q %q", tc.a, tc.b)
		assert.Equal(t, tc.want, SameTime(dp(tc.b), dp(tc.a)), "%q %q", tc.b, tc.a)
	}
}

func TestIntersect(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b Period
		want Period
	}{
		{"later start, earlier end", period("1992", "2010"), period("1995-03", "2012"), period("1995-03", "2010")},
		{"both open", period("", ""), period("", ""), period("", "")},
		{"an open start yields", period("", "2000"), period("1994", ""), period("1994", "2000")},
		{"equal starts keep the first's precision", period("1994", ""), period("1994-01-01", ""), period("1994", "")},
		{"a day-precision start inside a year is later", period("1994", ""), period("1994-05-15", ""), period("1994-05-15", "")},
		{"a month-precision end inside a year is earlier", period("", "1999"), period("", "1999-06"), period("", "1999-06")},
		{"equal ends keep the first's precision", period("", "1999-12-31"), period("", "1999"), period("", "1999-12-31")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.a.Intersect(tc.b))
		})
	}
}

// change is a change as the tests compare it.
type change struct {
	Kind  StintChangeKind
	Date  string
	Stint string
	Prev  MembershipRole
}

func changes(cs []StintChange) []change {
	out := []change{}
	for _, c := range cs {
		v := change{Kind: c.Kind, Date: c.Date.ISO(), Stint: c.Membership.Slug}
		if c.PreviousRole != nil {
			v.Prev = *c.PreviousRole
		}
		out = append(out, v)
	}
	return out
}

func TestStintChanges(t *testing.T) {
	all := period("", "")
	for _, tc := range []struct {
		name   string
		stints []*Membership
		window Period
		want   []change
	}{
		{
			name:   "a running stint joins and never ends",
			stints: []*Membership{stint("a", "armenia", "csto", RoleMember, "1994", "")},
			window: all,
			want:   []change{{ChangeJoined, "1994", "a", ""}},
		},
		{
			name:   "an undated stint makes no change",
			stints: []*Membership{stint("a", "armenia", "csto", RoleMember, "", "")},
			window: all,
			want:   []change{},
		},
		{
			name: "each end reason has its kind; none is ENDED",
			stints: []*Membership{
				ended(stint("w", "a", "o", RoleMember, "", "2001"), EndWithdrawn),
				ended(stint("s", "b", "o", RoleMember, "", "2002"), EndSuspended),
				ended(stint("n", "c", "o", RoleMember, "", "2003"), EndNotRenewed),
				ended(stint("x", "d", "o", RoleMember, "", "2004"), EndExpelled),
				ended(stint("d", "e", "o", RoleMember, "", "2005"), EndDissolved),
				stint("e", "f", "o", RoleMember, "", "2006"),
			},
			window: all,
			want: []change{{ChangeLeft, "2001", "w", ""}, {ChangeSuspended, "2002", "s", ""}, {ChangeNotRenewed, "2003", "n", ""},
				{ChangeExpelled, "2004", "x", ""}, {ChangeDissolved, "2005", "d", ""}, {ChangeEnded, "2006", "e", ""}},
		},
		{
			name: "an observer who becomes a member in the same year changes role once",
			stints: []*Membership{
				stint("obs", "iran", "sco", RoleObserver, "2005", "2023"),
				stint("mem", "iran", "sco", RoleMember, "2023-07-04", ""),
			},
			window: all,
			want:   []change{{ChangeJoined, "2005", "obs", ""}, {ChangeRoleChanged, "2023-07-04", "mem", RoleObserver}},
		},
		{
			name: "a gap between roles is a leaving and a joining",
			stints: []*Membership{
				ended(stint("obs", "iran", "sco", RoleObserver, "2005", "2020-05"), EndWithdrawn),
				stint("mem", "iran", "sco", RoleMember, "2020-06", ""),
			},
			window: all,
			want:   []change{{ChangeJoined, "2005", "obs", ""}, {ChangeLeft, "2020-05", "obs", ""}, {ChangeJoined, "2020-06", "mem", ""}},
		},
		{
			name: "a return in the same role is no role change",
			stints: []*Membership{
				ended(stint("first", "uzbekistan", "csto", RoleMember, "1994", "1999"), EndWithdrawn),
				ended(stint("second", "uzbekistan", "csto", RoleMember, "1999", "2012-06-28"), EndSuspended),
			},
			window: all,
			// Equal dates of one member keep the order of the stints.
			want: []change{{ChangeJoined, "1994", "first", ""}, {ChangeLeft, "1999", "first", ""}, {ChangeJoined, "1999", "second", ""},
				{ChangeSuspended, "2012-06-28", "second", ""}},
		},
		{
			name: "another member's end at the same time is not a role change",
			stints: []*Membership{
				stint("a", "armenia", "csto", RoleObserver, "", "2000"),
				stint("b", "belarus", "csto", RoleMember, "2000", ""),
			},
			window: all,
			want:   []change{{ChangeEnded, "2000", "a", ""}, {ChangeJoined, "2000", "b", ""}},
		},
		{
			name: "equal dates order by member; a year sorts before a day in it",
			stints: []*Membership{
				stint("z", "zambia", "o", RoleMember, "2000-01-01", ""),
				stint("b", "belarus", "o", RoleMember, "2000-01-01", ""),
				stint("y", "yemen", "o", RoleMember, "2000", ""),
			},
			window: all,
			want:   []change{{ChangeJoined, "2000-01-01", "b", ""}, {ChangeJoined, "2000-01-01", "z", ""}, {ChangeJoined, "2000", "y", ""}},
		},
		{
			name: "the window keeps changes that share a day with it, at any precision",
			stints: []*Membership{
				stint("early", "a", "o", RoleMember, "1999-12-31", "2005"),
				stint("late", "b", "o", RoleMember, "2010", "2010-01-01"),
			},
			window: period("2000-01", "2009-12-31"),
			want:   []change{{ChangeEnded, "2005", "early", ""}},
		},
		{
			name: "a year-precision window includes a day inside it",
			stints: []*Membership{
				stint("a", "a", "o", RoleMember, "1999-12-31", "2010-01-01"),
			},
			window: period("1999", "2010"),
			want:   []change{{ChangeJoined, "1999-12-31", "a", ""}, {ChangeEnded, "2010-01-01", "a", ""}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, changes(StintChanges(tc.stints, tc.window)))
		})
	}
}

func TestStintChangeKindsAreAllNamed(t *testing.T) {
	named := map[StintChangeKind]bool{}
	for _, k := range endChanges {
		named[k] = true
	}
	for _, e := range MembershipEnds {
		assert.NotEmpty(t, endChanges[e], "end reason %s has no change", e)
	}
	for k := range named {
		assert.Contains(t, StintChangeKinds, k)
	}
}

func TestShareStints(t *testing.T) {
	// Armenia and Russia in two organizations; Armenia's CSTO stint was suspended for a time.
	armenia := []*Membership{
		stint("am-cis", "armenia", "cis", RoleMember, "1991-12-21", ""),
		ended(stint("am-csto-1", "armenia", "csto", RoleMember, "1994", "2024-02"), EndSuspended),
		stint("am-csto-2", "armenia", "csto", RoleObserver, "2025", ""),
		stint("am-eaeu", "armenia", "eaeu", RoleMember, "2015-01-02", ""),
	}
	russia := []*Membership{
		stint("ru-csto", "russia", "csto", RoleMember, "1994", ""),
		stint("ru-cis", "russia", "cis", RoleMember, "1991-12-08", ""),
		stint("ru-guam", "russia", "guam", RoleObserver, "", "1999"),
	}
	// Sources that looked last in 2026 state these stints.
	h := MustDate("2026")
	for _, m := range append(slices.Clone(armenia), russia...) {
		m.AsOf = &h
		m.Reconcile()
	}
	type shared struct {
		Org     string
		A, B    []string
		Periods []string
	}
	got := func(ss []*SharedStints) []shared {
		out := []shared{}
		for _, s := range ss {
			v := shared{Org: s.OrganizationSlug, A: slugs(s.A), B: slugs(s.B)}
			for _, p := range s.Periods {
				iso := func(d *PartialDate) string {
					if d == nil {
						return "…"
					}
					return d.ISO()
				}
				v.Periods = append(v.Periods, iso(p.Start)+"/"+iso(p.End))
			}
			out = append(out, v)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		a, b []*Membership
		q    StintQuery
		want []shared
	}{
		{
			name: "every overlap, in the order of a's stints, periods oldest first",
			a:    armenia, b: russia,
			want: []shared{
				{"cis", []string{"am-cis"}, []string{"ru-cis"}, []string{"1991-12-21/…"}},
				{"csto", []string{"am-csto-1", "am-csto-2"}, []string{"ru-csto"}, []string{"1994/2024-02", "2025/…"}},
			},
		},
		{
			name: "at a date",
			a:    armenia, b: russia, q: StintQuery{At: dp("2024-06")},
			want: []shared{{"cis", []string{"am-cis"}, []string{"ru-cis"}, []string{"1991-12-21/…"}}},
		},
		{
			name: "roles apply to both",
			a:    armenia, b: russia, q: StintQuery{Roles: []MembershipRole{RoleObserver}},
			want: []shared{},
		},
		{
			name: "one organization",
			a:    armenia, b: russia, q: StintQuery{Organization: strp("csto")},
			want: []shared{{"csto", []string{"am-csto-1", "am-csto-2"}, []string{"ru-csto"}, []string{"1994/2024-02", "2025/…"}}},
		},
		{
			name: "stints that touch on the same year overlap",
			a:    []*Membership{stint("x", "a", "o", RoleMember, "", "2000")},
			b:    []*Membership{stint("y", "b", "o", RoleMember, "2000-12-31", "")},
			want: []shared{{"o", []string{"x"}, []string{"y"}, []string{"2000-12-31/2000"}}},
		},
		{
			name: "two stints of one year each both hold in that year",
			a:    []*Membership{stint("x", "a", "o", RoleMember, "2001", "2001")},
			b:    []*Membership{stint("y", "b", "o", RoleMember, "2001", "2001")},
			want: []shared{{"o", []string{"x"}, []string{"y"}, []string{"2001/2001"}}},
		},
		{
			name: "an open stint past its source's horizon may overlap, not certainly",
			a:    []*Membership{stint("x", "a", "o", RoleMember, "2022", "")},
			b:    []*Membership{stint("y", "b", "o", RoleMember, "1990", "")},
			want: []shared{},
		},
		{
			name: "stints a day apart do not",
			a:    []*Membership{stint("x", "a", "o", RoleMember, "", "2000-12-30")},
			b:    []*Membership{stint("y", "b", "o", RoleMember, "2000-12-31", "")},
			want: []shared{},
		},
		{
			name: "nothing shared",
			a:    nil, b: russia,
			want: []shared{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, got(ShareStints(tc.a, tc.b, tc.q)))
		})
	}
}

func TestSelectDisputedStintsAsStated(t *testing.T) {
	// One stint, two sources that disagree on its dates; the article is preferred.
	m := stint("uz-csto", "uzbekistan", "csto", RoleMember, "", "")
	m.Claims = []MembershipClaim{
		{Role: RoleMember, Start: dp("1994-04-20"), End: dp("1999-04"), Source: Source{DocumentSlug: "article"}},
		{Role: RoleMember, Start: dp("1992"), End: dp("2000"), Source: Source{DocumentSlug: "dataset"}},
	}
	m.Reconcile()
	require.True(t, m.Disputed)
	ms := []*Membership{m}
	for _, tc := range []struct {
		name, document string
		at             string
		want           []string
	}{
		{"the preferred claim decides without a source", "", "1999-06", []string{}},
		{"the preferred claim covers its own dates", "", "1999-04-30", []string{"uz-csto"}},
		{"as the dataset states it", "dataset", "1999-06", []string{"uz-csto"}},
		{"as the dataset states it, before the article's start", "dataset", "1993", []string{"uz-csto"}},
		{"as the article states it", "article", "1993", []string{}},
		{"a document that does not state it", "elsewhere", "1995", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, slugs(SelectStints(StintsAsStated(ms, tc.document), StintQuery{At: dp(tc.at)})))
		})
	}
}
