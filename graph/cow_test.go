package graph_test

import (
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/testgate"
)

// rawRow is one row of the COW dataset's state_igo_year file.
type rawRow struct {
	igo            string
	state, year, s int
}

// readRawStateIGOYears reads seeds/cow-igo-v3/state_igo_year.csv.gz with nothing but the
// standard library, so that the tests below compare the API with the published file itself
// and not with the importer's reading of it. The file is read once per test binary; each
// caller gets a copy of its own.
func readRawStateIGOYears(t *testing.T) []rawRow {
	t.Helper()
	rawOnce.Do(func() { rawRows, rawErr = readRawFile() })
	require.NoError(t, rawErr)
	return slices.Clone(rawRows)
}

var (
	rawOnce sync.Once
	rawRows []rawRow
	rawErr  error
)

func readRawFile() ([]rawRow, error) {
	f, err := os.Open("../seeds/cow-igo-v3/state_igo_year.csv.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(zr)
	header, err := r.Read()
	if err != nil {
		return nil, err
	}
	if !slices.Equal([]string{"ioname", "ccode", "year", "status"}, header) {
		return nil, fmt.Errorf("state_igo_year.csv: header %q", header)
	}
	var rows []rawRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		var v [3]int
		for i := range v {
			if v[i], err = strconv.Atoi(rec[i+1]); err != nil {
				return nil, fmt.Errorf("state_igo_year.csv line %d: %w", len(rows)+2, err)
			}
		}
		rows = append(rows, rawRow{rec[0], v[0], v[1], v[2]})
	}
}

var cowRoles = map[int]string{1: "MEMBER", 2: "ASSOCIATE", 3: "OBSERVER"}

// missing is the status of a cell for which COW has no data.
const missing = -9

// readRawFounding reads the founding year (sdate) of every IGO from seeds/cow-igo-v3/igos.csv
// with the standard library.
func readRawFounding(t *testing.T) map[string]int {
	t.Helper()
	f, err := os.Open("../seeds/cow-igo-v3/igos.csv")
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	require.NoError(t, err)
	require.Equal(t, []string{"ioname", "sdate"}, []string{header[0], header[4]})
	out := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		out[rec[0]], err = strconv.Atoi(rec[4])
		require.NoError(t, err)
	}
}

// readRawAccuracy reads seeds/cow-igo-v3/igo_years.csv with the standard library: the
// accuracy COW gives each IGO-year, keyed "IGO year".
func readRawAccuracy(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("../seeds/cow-igo-v3/igo_years.csv")
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	require.NoError(t, err)
	require.Equal(t, []string{"ioname", "year", "imputed", "accuracyofpre1965membershipdates"}, header)
	out := map[string]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		out[rec[0]+" "+rec[1]] = rec[3]
	}
}

// tally is, for one organization, how many stints and how many state-years it has per role.
type tally struct {
	Stints map[string]int
	Years  map[string]int
}

func newTally() *tally { return &tally{Stints: map[string]int{}, Years: map[string]int{}} }

// TestCOWStintsEqualTheDataset checks, for every IGO of the dataset, that the stints the API
// serves with source: "cow-igo-v3" are exactly the dataset's: as many stints per role as
// there are runs of years with one status (a run goes on across years COW has no data for,
// status -9, and ends at a year without a row or with another status), as many state-years
// per role as the file has rows with that status, every unknown year of a stint a -9 cell
// of its state, and a start range on every start in a year COW calls "Within 5 years" (its
// igo_years.csv, read here) and on none in an accurate year that no missing year precedes.
func TestCOWStintsEqualTheDataset(t *testing.T) {
	testgate.Slow(t, "reads the whole dataset")
	rows := readRawStateIGOYears(t)
	require.Len(t, rows, 677839)
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
	missingCell := map[string]bool{} // "IGO state year"
	// The last row with a status of the current (IGO, state), and whether nothing but
	// missing years followed it.
	var prevKnown *rawRow
	onlyMissing := true
	for i, r := range rows {
		if i == 0 || rows[i-1].igo != r.igo || rows[i-1].state != r.state {
			prevKnown, onlyMissing = nil, true
		}
		w := want[r.igo]
		if w == nil {
			w = newTally()
			want[r.igo] = w
		}
		gap := i > 0 && rows[i-1].igo == r.igo && rows[i-1].state == r.state && rows[i-1].year != r.year-1
		if gap {
			onlyMissing = false // a year without a row: not a member then
		}
		if r.s == missing {
			missingCell[fmt.Sprintf("%s %d %d", r.igo, r.state, r.year)] = true
			continue
		}
		role := cowRoles[r.s]
		require.NotEmpty(t, role, "status %d", r.s)
		w.Years[role]++
		if prevKnown == nil || prevKnown.s != r.s || !onlyMissing {
			w.Stints[role]++
		}
		prevKnown, onlyMissing = &rows[i], true
	}
	accuracy := readRawAccuracy(t)
	founded := readRawFounding(t)

	api := real(t)
	var doc struct {
		Document struct {
			CoversUntil struct{ Year int } `json:"coversUntil"`
		} `json:"document"`
	}
	api.data(t, `{ document(slug: "cow-igo-v3") { coversUntil { year } } }`, nil, &doc)
	require.Equal(t, 2014, doc.Document.CoversUntil.Year)

	type claim struct {
		Years        *int
		UnknownYears []int `json:"unknownYears"`
		StartRange   *struct{ Earliest int }
		Source       struct{ Document struct{ Slug string } }
	}
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
						Member struct{ CowCode int }
						Start  *struct{ Year int }
						Claims []claim
					}
				}
			}
		}
		api.data(t, `query Page($after: String) { organizations(first: 5, after: $after) {
			pageInfo { hasNextPage endCursor }
			nodes { cowKey members(source: "cow-igo-v3") { role member { ... on State { cowCode } } start { year }
				claims { years unknownYears startRange { earliest } source { document { slug } } } } } } }`,
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
				i := slices.IndexFunc(m.Claims, func(c claim) bool { return c.Source.Document.Slug == "cow-igo-v3" })
				require.GreaterOrEqual(t, i, 0, "as one source states it, a stint has that source's claim")
				c := m.Claims[i]
				require.NotNil(t, c.Years)
				g.Stints[m.Role]++
				g.Years[m.Role] += *c.Years
				for _, y := range c.UnknownYears {
					assert.True(t, missingCell[fmt.Sprintf("%s %d %d", *o.CowKey, m.Member.CowCode, y)],
						"%s, state %d: unknown year %d is a -9 cell", *o.CowKey, m.Member.CowCode, y)
				}
				start := m.Start.Year
				acc := accuracy[fmt.Sprintf("%s %d", *o.CowKey, start)]
				before := missingCell[fmt.Sprintf("%s %d %d", *o.CowKey, m.Member.CowCode, start-1)]
				switch {
				case start < 1965 && acc == "Within 5 years" && start-5 >= max(founded[*o.CowKey], 1816):
					// Five years back lies within the IGO's life and the data, so the range
					// cannot collapse onto the year.
					assert.NotNil(t, c.StartRange, "%s, state %d: a start in %d, a year within 5 years, has a range", *o.CowKey, m.Member.CowCode, start)
				case acc == "Completely accurate" && !before:
					assert.Nil(t, c.StartRange, "%s, state %d: a start in %d, an accurate year, is exact", *o.CowKey, m.Member.CowCode, start)
				}
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
		if r.state == 365 && r.year == 2000 && r.s != missing {
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
		want, wantUnknown := map[string]int{}, map[int]int{}
		for _, r := range rows {
			if r.state == 365 && r.year >= 1991 && r.year <= 2014 {
				if r.s == missing {
					wantUnknown[r.year]++
					continue
				}
				want[fmt.Sprintf("%d %s", r.year, cowRoles[r.s])]++
			}
		}
		var got struct {
			MembershipCounts []struct {
				Year    int
				Role    *string
				Count   int
				Unknown int
			}
		}
		runExample(t, "10_russia_igos_per_year", &got)
		have, haveUnknown := map[string]int{}, map[int]int{}
		for _, c := range got.MembershipCounts {
			if c.Role == nil {
				assert.Zero(t, c.Count, "a year without data counts as unknown, never as a stint")
			} else {
				have[fmt.Sprintf("%d %s", c.Year, *c.Role)] = c.Count
			}
			if c.Unknown > 0 {
				haveUnknown[c.Year] += c.Unknown
			}
		}
		assert.Equal(t, want, have)
		assert.Equal(t, wantUnknown, haveUnknown, "Russia's years without data, by year")
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
			if name, ok := postSoviet[r.state]; ok && (r.year == 1995 || r.year == 2014) && r.s != missing {
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

// TestCOWCountsKnownAndUnknown checks, for every IGO and every year from 1965 (when COW
// observed every year) to 2014, that membershipCounts with source "cow-igo-v3" counts as
// known exactly the states the file gives a status that year, and as unknown exactly those
// it has no data for (status -9): a year without data is neither member nor non-member.
func TestCOWCountsKnownAndUnknown(t *testing.T) {
	testgate.Slow(t, "reads the whole dataset")
	want := map[string][2]int{}
	for _, r := range readRawStateIGOYears(t) {
		if r.year < 1965 {
			continue
		}
		k := fmt.Sprintf("%s %d", r.igo, r.year)
		v := want[k]
		if r.s == missing {
			v[1]++
		} else {
			v[0]++
		}
		want[k] = v
	}
	var got struct {
		MembershipCounts []struct {
			Year         int
			Organization struct{ CowKey string }
			Count        int
			Unknown      int
		}
	}
	have := map[string][2]int{}
	// Fifteen years a query keeps each under the cost limit a client has.
	for from := 1965; from <= 2014; from += 15 {
		got.MembershipCounts = nil
		real(t).data(t, `query Counts($from: Date, $to: Date) { membershipCounts(groupBy: [YEAR, ORGANIZATION],
			from: $from, to: $to, source: "cow-igo-v3") { year organization { cowKey } count unknown } }`,
			map[string]any{"from": fmt.Sprint(from), "to": fmt.Sprint(min(from+14, 2014))}, &got)
		for _, c := range got.MembershipCounts {
			have[fmt.Sprintf("%s %d", c.Organization.CowKey, c.Year)] = [2]int{c.Count, c.Unknown}
		}
	}
	assert.Equal(t, want, have)
	assert.Equal(t, [2]int{0, 191}, have["AMCOW 2005"], "COW knows no member of AMCOW in 2005")
}
