package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

func date(s string) *kg.PartialDate {
	d := kg.MustDate(s)
	return &d
}

// constructed is a small graph of one state in one organization, with a stint of each kind
// the certainty rule tells apart, each as its claims state it.
func constructed() *Data {
	stint := func(slug string, claims ...kg.MembershipClaim) *kg.Membership {
		for i := range claims {
			claims[i].Role = kg.RoleMember
			if claims[i].Source.DocumentSlug == "" {
				claims[i].Source.DocumentSlug = "doc"
			}
		}
		m := &kg.Membership{Slug: slug, MemberSlug: "ruritania", OrganizationSlug: "league", Claims: claims}
		m.Reconcile()
		return m
	}
	g := &kg.Graph{
		States:        []*kg.State{{Slug: "ruritania", Name: "Ruritania"}},
		Organizations: []*kg.Organization{{Slug: "league", Name: "League"}},
		Memberships: []*kg.Membership{
			stint("dated", kg.MembershipClaim{Start: date("1994"), End: date("1999-06")}),
			stint("open", kg.MembershipClaim{Start: date("2002"), AsOf: date("2014"), UnknownYears: []int{2005, 2003, 2004}}),
			stint("undated-start", kg.MembershipClaim{End: date("2001-03-15")}),
			stint("bounded", kg.MembershipClaim{StartBounds: &kg.DateBounds{NotBefore: date("2015")}, AsOf: date("2020-02-18")}),
			stint("approximate", kg.MembershipClaim{Start: date("1962"), StartRange: &kg.YearRange{Earliest: 1962, Latest: 1965}}),
			stint("merged",
				kg.MembershipClaim{Start: date("1994"), AsOf: date("2020-02-18"), Source: kg.Source{DocumentSlug: "article"}},
				kg.MembershipClaim{Start: date("2002"), AsOf: date("2014"), Source: kg.Source{DocumentSlug: "dataset"}}),
		},
	}
	g.People = []*kg.Person{{Slug: "rudolf", Name: "Rudolf"}}
	g.Positions = []*kg.Position{{Slug: "rudolf-secretary", Title: "Secretary General", PersonSlug: "rudolf", OfSlug: "league",
		StartBounds: &kg.DateBounds{NotBefore: date("2016")}, AsOf: date("2020-02-18"), Source: kg.Source{DocumentSlug: "doc"}}}
	state, org := kg.Ref{Kind: kg.KindState, Key: "ruritania"}, kg.Ref{Kind: kg.KindOrganization, Key: "league"}
	d := &Data{Graph: g}
	for _, m := range g.Memberships {
		ref := m.NodeRef()
		d.Links = append(d.Links, sqlite.Edge{From: state, To: org, Relation: "member of", Inverse: "has member", Fact: &ref, Cite: &ref})
	}
	post := g.Positions[0].NodeRef()
	d.Links = append(d.Links, sqlite.Edge{From: kg.Ref{Kind: kg.KindPerson, Key: "rudolf"}, To: org, Relation: "Secretary General of",
		Inverse: "has Secretary General", Fact: &post, Cite: &post})
	return d
}

// TestMembershipCSVCertainty checks the columns that say what the sources state about when
// each stint held: bounds as ISO days, empty where unbounded, the horizon of an open end, and
// the years without data.
func TestMembershipCSVCertainty(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, constructed().WriteCSV(&buf, "memberships"))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Equal(t, Headers["memberships"], rows[0])
	cols := []string{"slug", "start", "end", "start_earliest", "start_latest", "end_earliest", "end_latest", "open_as_of", "unknown_years"}
	got := map[string][]string{}
	for _, r := range rows[1:] {
		var vs []string
		for _, c := range cols {
			vs = append(vs, r[columnIndex(rows[0], c)])
		}
		got[vs[0]] = vs[1:]
	}
	for slug, want := range map[string][]string{
		"dated":         {"1994", "1999-06", "1994-01-01", "1994-12-31", "1999-06-01", "1999-06-30", "", ""},
		"open":          {"2002", "", "2002-01-01", "2002-12-31", "2014-01-01", "", "2014", "2003;2004;2005"},
		"undated-start": {"", "2001-03-15", "", "2001-03-15", "2001-03-15", "2001-03-15", "", ""},
		"bounded":       {"", "", "2015-01-01", "2020-02-18", "2020-02-18", "", "2020-02-18", ""},
		// A text that does not say when it last looked: its open end is unknown from the start.
		"approximate": {"1962", "", "1962-01-01", "1965-12-31", "1962-01-01", "", "", ""},
		// The article's 1994 and its horizon, past the dataset's 2002 and 2014.
		"merged": {"1994", "", "1994-01-01", "1994-12-31", "2020-02-18", "", "2020-02-18", ""},
	} {
		assert.Equal(t, want, got[slug], slug)
	}
}

func columnIndex(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	panic("no column " + name)
}

// TestGraphJSONCertainty checks that a membership link carries the same certainty as the
// CSV, null where unbounded.
func TestGraphJSONCertainty(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, constructed().WriteGraphJSON(&buf))
	var raw struct {
		Links []map[string]any `json:"links"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &raw))
	byFact := map[string]map[string]any{}
	for _, l := range raw.Links {
		byFact[l["fact"].(string)] = l
	}
	open := byFact[kg.NodeID(kg.KindMembership, "open")]
	require.NotNil(t, open)
	assert.Equal(t, "2002", open["start"])
	assert.Nil(t, open["end"])
	assert.Equal(t, "2002-01-01", open["startEarliest"])
	assert.Equal(t, "2002-12-31", open["startLatest"])
	assert.Equal(t, "2014-01-01", open["endEarliest"])
	assert.Nil(t, open["endLatest"], "an open end is unbounded, not 9999")
	assert.Equal(t, "2014", open["openAsOf"])
	assert.Equal(t, []any{2003.0, 2004.0, 2005.0}, open["unknownYears"])

	undated := byFact[kg.NodeID(kg.KindMembership, "undated-start")]
	require.NotNil(t, undated)
	assert.Nil(t, undated["startEarliest"], "an undated start is unknown, not 0000")
	assert.Equal(t, "2001-03-15", undated["startLatest"])
	assert.Nil(t, undated["openAsOf"])
	assert.Equal(t, []any{}, undated["unknownYears"])
	for _, k := range []string{"startEarliest", "startLatest", "endEarliest", "endLatest", "openAsOf", "unknownYears"} {
		assert.Contains(t, undated, k, "every link has the key")
	}

	post := byFact[kg.NodeID(kg.KindPosition, "rudolf-secretary")]
	require.NotNil(t, post, "a post's link carries its certainty too")
	assert.Nil(t, post["start"])
	assert.Equal(t, "2016-01-01", post["startEarliest"])
	assert.Equal(t, "2020-02-18", post["startLatest"])
	assert.Equal(t, "2020-02-18", post["endEarliest"])
	assert.Nil(t, post["endLatest"])
	assert.Equal(t, "2020-02-18", post["openAsOf"])
}

func TestPositionCertainty(t *testing.T) {
	c := positionCertainty(&kg.Position{Start: date("2016-11"), AsOf: date("2020-02-18")})
	assert.Equal(t, certainty{StartEarliest: "2016-11-01", StartLatest: "2016-11-30", EndEarliest: "2020-02-18", OpenAsOf: "2020-02-18", UnknownYears: []int{}}, c)
	c = positionCertainty(&kg.Position{End: date("2010"), EndBounds: nil})
	assert.Equal(t, certainty{StartLatest: "2010-12-31", EndEarliest: "2010-01-01", EndLatest: "2010-12-31", UnknownYears: []int{}}, c)
}
