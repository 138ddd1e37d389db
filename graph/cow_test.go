package graph_test

import (
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawRow is one row of the COW dataset's state_igo_year file.
type rawRow struct {
	igo            string
	state, year, s int
}

// readRawStateIGOYears reads seeds/cow-igo-v3/state_igo_year.csv.gz with nothing but the
// standard library, so that the tests below compare the API with the published file itself
// and not with the importer's reading of it.
func readRawStateIGOYears(t *testing.T) []rawRow {
	t.Helper()
	f, err := os.Open("../seeds/cow-igo-v3/state_igo_year.csv.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	r := csv.NewReader(zr)
	header, err := r.Read()
	require.NoError(t, err)
	require.Equal(t, []string{"ioname", "ccode", "year", "status"}, header)
	var rows []rawRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		n := func(s string) int {
			v, err := strconv.Atoi(s)
			require.NoError(t, err)
			return v
		}
		rows = append(rows, rawRow{rec[0], n(rec[1]), n(rec[2]), n(rec[3])})
	}
	return rows
}

var cowRoles = map[int]string{1: "MEMBER", 2: "ASSOCIATE", 3: "OBSERVER"}

// tally is, for one organization, how many stints and how many state-years it has per role.
type tally struct {
	Stints map[string]int
	Years  map[string]int
}

func newTally() *tally { return &tally{Stints: map[string]int{}, Years: map[string]int{}} }

// TestCOWStintsEqualTheDataset checks, for every IGO of the dataset, that the stints the API
// serves with source: "cow-igo-v3" are exactly the dataset's: as many stints per role as
// there are runs of consecutive years with one status, and as many state-years per role as
// the file has rows.
func TestCOWStintsEqualTheDataset(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole dataset")
	}
	rows := readRawStateIGOYears(t)
	require.Len(t, rows, 538965)
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.igo != b.igo {
			return a.igo < b.igo
		}
		if a.state != b.state {
			return a.state < b.state
		}
		return a.year < b.year
	})
	want := map[string]*tally{}
	for i, r := range rows {
		w := want[r.igo]
		if w == nil {
			w = newTally()
			want[r.igo] = w
		}
		role := cowRoles[r.s]
		require.NotEmpty(t, role, "status %d", r.s)
		w.Years[role]++
		if i == 0 || rows[i-1].igo != r.igo || rows[i-1].state != r.state || rows[i-1].year != r.year-1 || rows[i-1].s != r.s {
			w.Stints[role]++
		}
	}

	api := real(t)
	var doc struct {
		Document struct {
			CoversUntil struct{ Year int } `json:"coversUntil"`
		} `json:"document"`
	}
	api.data(t, `{ document(slug: "cow-igo-v3") { coversUntil { year } } }`, nil, &doc)
	last := doc.Document.CoversUntil.Year
	require.Equal(t, 2014, last)

	got := map[string]*tally{}
	cowOrgs := 0
	var after *string
	for {
		var page struct {
			Organizations struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				} `json:"pageInfo"`
				Nodes []struct {
					CowKey  *string `json:"cowKey"`
					Members []struct {
						Role   string
						Start  *struct{ Year int }
						End    *struct{ Year int }
						Claims []struct {
							Years  *int
							Source struct{ Document struct{ Slug string } }
						}
					}
				}
			}
		}
		api.data(t, `query Page($after: String) { organizations(first: 5, after: $after) {
			pageInfo { hasNextPage endCursor }
			nodes { cowKey members(source: "cow-igo-v3") { role start { year } end { year } claims { years source { document { slug } } } } } } }`,
			map[string]any{"after": after}, &page)
		for _, o := range page.Organizations.Nodes {
			if o.CowKey == nil {
				assert.Empty(t, o.Members, "an organization COW does not list has no COW stints")
				continue
			}
			cowOrgs++
			g := newTally()
			got[*o.CowKey] = g
			for _, m := range o.Members {
				require.NotNil(t, m.Start, "a COW stint always starts in a year")
				end := last
				if m.End != nil {
					end = m.End.Year
				}
				g.Stints[m.Role]++
				g.Years[m.Role] += end - m.Start.Year + 1
			}
		}
		if !page.Organizations.PageInfo.HasNextPage {
			break
		}
		after = page.Organizations.PageInfo.EndCursor
	}
	assert.Equal(t, 534, cowOrgs, "every IGO of the dataset is an organization")
	for key, w := range want {
		g := got[key]
		if !assert.NotNil(t, g, "IGO %s is missing", key) {
			continue
		}
		assert.Equal(t, w, g, "IGO %s: stints and state-years per role", key)
	}
	for key, g := range got {
		if want[key] == nil {
			assert.Empty(t, g.Stints, "IGO %s has no rows in the dataset, so no stints", key)
		}
	}
}

// TestRussiaIn2000AsCOWHasIt checks one state-year slice of the dataset exactly: Russia's
// statuses in 2000, read from the file, against state(cowCode: 365) with source and at.
func TestRussiaIn2000AsCOWHasIt(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole dataset")
	}
	var want []string
	for _, r := range readRawStateIGOYears(t) {
		if r.state == 365 && r.year == 2000 {
			want = append(want, fmt.Sprintf("%s %s", r.igo, cowRoles[r.s]))
		}
	}
	require.NotEmpty(t, want)
	var got struct {
		State struct {
			Name        string
			Memberships []struct {
				Role         string
				Organization struct{ CowKey string }
			}
		}
	}
	real(t).data(t, `{ state(cowCode: 365) { name memberships(at: "2000", source: "cow-igo-v3") { role organization { cowKey } } } }`, nil, &got)
	assert.Equal(t, "Russia", got.State.Name)
	var have []string
	for _, m := range got.State.Memberships {
		have = append(have, fmt.Sprintf("%s %s", m.Organization.CowKey, m.Role))
	}
	sort.Strings(want)
	sort.Strings(have)
	assert.Equal(t, want, have)
}

// runExample runs one of examples/queries on the real graph and decodes its data into v.
func runExample(t *testing.T, name string, v any) {
	t.Helper()
	q, err := os.ReadFile("../examples/queries/" + name + ".graphql")
	require.NoError(t, err)
	real(t).data(t, string(q), nil, v)
}

// postSoviet maps the COW codes of the fifteen post-Soviet states to their names.
var postSoviet = map[int]string{371: "Armenia", 373: "Azerbaijan", 370: "Belarus", 366: "Estonia", 372: "Georgia",
	705: "Kazakhstan", 703: "Kyrgyzstan", 367: "Latvia", 368: "Lithuania", 359: "Moldova", 365: "Russia",
	702: "Tajikistan", 701: "Turkmenistan", 369: "Ukraine", 704: "Uzbekistan"}

// TestResearchExamplesAgreeWithTheDataset checks the answers of the research examples against
// counts computed from the raw file.
func TestResearchExamplesAgreeWithTheDataset(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole dataset")
	}
	rows := readRawStateIGOYears(t)

	t.Run("Russia's memberships per year and status", func(t *testing.T) {
		want := map[string]int{}
		for _, r := range rows {
			if r.state == 365 && r.year >= 1991 && r.year <= 2014 {
				want[fmt.Sprintf("%d %s", r.year, cowRoles[r.s])]++
			}
		}
		var got struct {
			MembershipCounts []struct {
				Year  int
				Role  string
				Count int
			}
		}
		runExample(t, "10_russia_igos_per_year", &got)
		have := map[string]int{}
		for _, c := range got.MembershipCounts {
			have[fmt.Sprintf("%d %s", c.Year, c.Role)] = c.Count
		}
		assert.Equal(t, want, have)
	})

	t.Run("Kazakhstan and Russia's shared full memberships in 2010", func(t *testing.T) {
		full := map[int]map[string]bool{365: {}, 705: {}}
		for _, r := range rows {
			if r.year == 2010 && r.s == 1 && full[r.state] != nil {
				full[r.state][r.igo] = true
			}
		}
		var want []string
		for igo := range full[365] {
			if full[705][igo] {
				want = append(want, igo)
			}
		}
		var got struct {
			SharedOrganizations []struct{ Organization struct{ CowKey string } }
		}
		runExample(t, "11_kazakhstan_russia_shared_2010", &got)
		var have []string
		for _, s := range got.SharedOrganizations {
			have = append(have, s.Organization.CowKey)
		}
		sort.Strings(want)
		sort.Strings(have)
		assert.Equal(t, want, have)
	})

	t.Run("the post-Soviet states in 1995 and 2014", func(t *testing.T) {
		want := map[string]int{}
		for _, r := range rows {
			if name, ok := postSoviet[r.state]; ok && (r.year == 1995 || r.year == 2014) {
				want[fmt.Sprintf("%d %s %s", r.year, name, cowRoles[r.s])]++
			}
		}
		type count struct {
			Member struct{ Name string }
			Role   string
			Count  int
		}
		var got struct{ In1995, In2014 []count }
		runExample(t, "13_post_soviet_1995_2014", &got)
		have := map[string]int{}
		for year, cs := range map[int][]count{1995: got.In1995, 2014: got.In2014} {
			for _, c := range cs {
				have[fmt.Sprintf("%d %s %s", year, c.Member.Name, c.Role)] = c.Count
			}
		}
		assert.Equal(t, want, have)
	})

	t.Run("the SCO's stints as the dataset states them", func(t *testing.T) {
		var runs []string
		for i, r := range rows {
			if r.igo != "SCO" {
				continue
			}
			p := rows[i-1]
			if p.igo != "SCO" || p.state != r.state || p.year != r.year-1 || p.s != r.s {
				runs = append(runs, fmt.Sprintf("%d %s %d", r.state, cowRoles[r.s], r.year))
			}
		}
		var got struct {
			Sco struct {
				Members []struct {
					Claims []struct {
						Role   string
						Start  struct{ Iso string }
						Source struct{ Document struct{ Slug string } }
					}
				}
			}
		}
		runExample(t, "12_sco_cis_timelines", &got)
		var have []string
		var states struct {
			Sco struct {
				Members []struct{ Member struct{ CowCode int } }
			}
		}
		real(t).data(t, `{ sco: organization(cowKey: "SCO") { members { member { ... on State { cowCode } } } } }`, nil, &states)
		for i, m := range got.Sco.Members {
			for _, c := range m.Claims {
				if c.Source.Document.Slug == "cow-igo-v3" {
					have = append(have, fmt.Sprintf("%d %s %s", states.Sco.Members[i].Member.CowCode, c.Role, c.Start.Iso))
				}
			}
		}
		sort.Strings(runs)
		sort.Strings(have)
		assert.Equal(t, runs, have)
	})
}
