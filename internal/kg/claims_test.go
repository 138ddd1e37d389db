package kg

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func dp(s string) *PartialDate {
	if s == "" {
		return nil
	}
	d := MustDate(s)
	return &d
}

func period(start, end string) Period { return Period{dp(start), dp(end)} }

func TestMatchStints(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []Period
		want []int
	}{
		{
			name: "Uzbekistan in the CSTO: the article's second stint is the dataset's one",
			a:    []Period{period("1994", "1999"), period("2006-06-23", "2012-06-28")},
			b:    []Period{period("2002", "2011")},
			want: []int{-1, 0},
		},
		{
			name: "an undated stint goes with the longest it overlaps",
			a:    []Period{period("", "")},
			b:    []Period{period("1991", "1999"), period("2000", "")},
			want: []int{1},
		},
		{
			name: "each stint is paired once, the largest overlaps first",
			a:    []Period{period("1990", "2000"), period("1995", "1996")},
			b:    []Period{period("1990", "2000")},
			want: []int{0, -1},
		},
		{
			name: "stints that do not overlap stay apart",
			a:    []Period{period("1990", "1994")},
			b:    []Period{period("1995", "2000")},
			want: []int{-1},
		},
		{
			name: "year-precision periods overlap within the year",
			a:    []Period{period("2002-10-07", "")},
			b:    []Period{period("2002", "2014")},
			want: []int{0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, MatchStints(tc.a, tc.b))
		})
	}
}

func claim(doc string, role MembershipRole, start, end string) MembershipClaim {
	return MembershipClaim{Role: role, Start: dp(start), End: dp(end), Source: Source{DocumentSlug: doc}}
}

func cowClaim(role MembershipRole, start, end string) MembershipClaim {
	c := claim("cow", role, start, end)
	c.AsOf = dp("2014")
	return c
}

func TestDisagreements(t *testing.T) {
	approx := cowClaim(RoleMember, "1950", "")
	approx.StartRange = &YearRange{1945, 1955}
	for _, tc := range []struct {
		name   string
		claims []MembershipClaim
		want   []string
	}{
		{
			name:   "Uzbekistan in the CSTO: start and end both differ",
			claims: []MembershipClaim{claim("article", RoleMember, "2006-06-23", "2012-06-28"), cowClaim(RoleMember, "2002", "2011")},
			want: []string{"start: article says 2006-06-23, cow says 2002",
				"end: article says 2012-06-28, cow says 2011"},
		},
		{
			name:   "a founding member counted from the organization's later start",
			claims: []MembershipClaim{claim("article", RoleMember, "1994", ""), cowClaim(RoleMember, "2002", "")},
			want:   []string{"start: article says 1994, cow says 2002"},
		},
		{
			name:   "a day within the year the other source gives agrees",
			claims: []MembershipClaim{claim("article", RoleMember, "2002-10-07", ""), cowClaim(RoleMember, "2002", "")},
		},
		{
			name:   "a source without dates says nothing against dates",
			claims: []MembershipClaim{cowClaim(RoleMember, "1991", ""), claim("article", RoleMember, "", "")},
		},
		{
			name:   "roles differ",
			claims: []MembershipClaim{cowClaim(RoleAssociate, "1991", ""), claim("article", RoleMember, "", "")},
			want:   []string{"role: cow says ASSOCIATE, article says MEMBER"},
		},
		{
			name:   "an approximate start agrees with any year in its range",
			claims: []MembershipClaim{claim("article", RoleMember, "1953-04", ""), approx},
		},
		{
			name:   "an approximate start disagrees outside its range",
			claims: []MembershipClaim{claim("article", RoleMember, "1958", ""), approx},
			want:   []string{"start: article says 1958, cow says 1950 (between 1945 and 1955)"},
		},
		{
			name:   "still so at the dataset's end, ended after it: no disagreement",
			claims: []MembershipClaim{claim("article", RoleMember, "2006", "2019"), cowClaim(RoleMember, "2006", "")},
		},
		{
			name:   "still so at the dataset's end, ended before it: disagreement",
			claims: []MembershipClaim{claim("article", RoleMember, "2006", "2012-06-28"), cowClaim(RoleMember, "2006", "")},
			want:   []string{"end: article says 2012-06-28, cow says still so in 2014"},
		},
		{
			name:   "still so when the text was written, ended in the dataset: disagreement",
			claims: []MembershipClaim{claim("article", RoleMember, "2006", ""), cowClaim(RoleMember, "2006", "2011")},
			want:   []string{"end: article says no end, cow says 2011"},
		},
		{
			name:   "one claim cannot disagree",
			claims: []MembershipClaim{claim("article", RoleMember, "2006", "")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Disagreements(tc.claims))
		})
	}
}

func TestReconcilePrefersTheMorePreciseClaim(t *testing.T) {
	m := &Membership{Claims: []MembershipClaim{cowClaim(RoleMember, "2002", "2011"), claim("article", RoleMember, "2006-06-23", "2012-06-28")}}
	m.Reconcile()
	assert.Equal(t, "article", m.Source.DocumentSlug, "a day is more precise than a year")
	assert.Equal(t, "2006-06-23", m.Start.ISO())
	assert.Equal(t, "2012-06-28", m.End.ISO())
	assert.True(t, m.Disputed)

	m = &Membership{Claims: []MembershipClaim{claim("article", RoleMember, "", ""), cowClaim(RoleAssociate, "1991", "")}}
	m.Reconcile()
	assert.Equal(t, "cow", m.Source.DocumentSlug, "a dated claim before an undated one")
	assert.Equal(t, RoleAssociate, m.Role)
	assert.Equal(t, "1991", m.Start.ISO())
	assert.Nil(t, m.End)

	m = &Membership{Claims: []MembershipClaim{claim("article", RoleMember, "1994", ""), cowClaim(RoleMember, "2002", "")}}
	m.Reconcile()
	assert.Equal(t, "article", m.Source.DocumentSlug, "among equals the first source given")

	v, ok := m.AsStated("cow")
	assert.True(t, ok)
	assert.Equal(t, "2002", v.Start.ISO())
	assert.Equal(t, "cow", v.Source.DocumentSlug)
	assert.Equal(t, "1994", m.Start.ISO(), "the stint itself is unchanged")
	_, ok = m.AsStated("elsewhere")
	assert.False(t, ok)
}

func TestMatchClaims(t *testing.T) {
	d := func(s string) *PartialDate { return dp(s) }
	claim := func(role MembershipRole, start, end, asOf string) MembershipClaim {
		return MembershipClaim{Role: role, Start: d(start), End: d(end), AsOf: d(asOf)}
	}
	for _, tc := range []struct {
		name string
		a, b []MembershipClaim
		want []int
	}{
		{
			name: "an observer who became a member: each source's stints pair by role",
			a:    []MembershipClaim{claim(RoleObserver, "2005", "2017-06-09", ""), claim(RoleMember, "2017-06-09", "", "2025-09-01")},
			b:    []MembershipClaim{claim(RoleObserver, "2006", "2021", ""), claim(RoleMember, "2022", "", "2025")},
			want: []int{0, 1},
		},
		{
			name: "an open end counts only as far as its source looked",
			a:    []MembershipClaim{claim(RoleMember, "1990", "", "2014")},
			b:    []MembershipClaim{claim(RoleMember, "2020", "", "2025")},
			want: []int{-1},
		},
		{
			name: "without another candidate, a stint in another role still pairs",
			a:    []MembershipClaim{claim(RoleMember, "1991", "", "2020")},
			b:    []MembershipClaim{claim(RoleAssociate, "2005", "", "2014")},
			want: []int{0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, MatchClaims(tc.a, tc.b))
		})
	}
}
