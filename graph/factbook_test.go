package graph_test

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/testgate"
)

// The World Factbook's lists of organizations, read here independently of the importer:
// participation.csv.gz with the standard library alone, each text cut into items by the
// simple rules below, each item mapped to an organization by the crosswalk and to a role by
// this file's own table. The API must serve exactly that: for every state and edition, the
// stints the Factbook states at that year; for every state, the Factbook's stints.

const wfbDoc = "cia-world-factbook"

// fbRawRow is one row of participation.csv.gz.
type fbRawRow struct {
	edition               int
	fips, iso2, typ, name string
	text                  string
}

func readRawParticipation(t *testing.T) []fbRawRow {
	t.Helper()
	f, err := os.Open("../seeds/cia-factbook-1990-2025/participation.csv.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	r := csv.NewReader(zr)
	header, err := r.Read()
	require.NoError(t, err)
	require.Equal(t, []string{"edition", "fips", "iso2", "entity_type", "name", "field", "text"}, header)
	var rows []fbRawRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows
		}
		require.NoError(t, err)
		ed, err := strconv.Atoi(rec[0])
		require.NoError(t, err)
		rows = append(rows, fbRawRow{ed, rec[1], rec[2], rec[3], rec[4], rec[6]})
	}
}

// fbEntryStates says which state the entries the archive left unmatched or filed under
// another entity's code name (COW codes; 0: no state), as the Factbook's editions show them.
var fbEntryStates = map[[2]string]int{
	{"SO", "Soviet Union"}: 365, {"YU", "Yugoslavia"}: 345, {"GE", "German Democratic Republic"}: 265,
	{"GM", "Germany, Federal Republic of"}: 260, {"LO", "Czechoslovakia"}: 315, {"YM", "Yemen Arab Republic"}: 678,
	{"YM", "Yemen, People's Democratic Republic of"}: 680, {"KA", "Kazakstan"}: 705, {"TU", "Turkey"}: 640,
	{"CA", "Cape Verde"}: 402, {"ST", "St. Kitts and Nevis"}: 60, {"ST", "St. Lucia"}: 56,
	{"ST", "St. Vincent and the Grenadines"}: 57, {"PA", "Pacific Islands, Trust Territory of the"}: 986,
	{"ST", "St. Helena"}: 0, {"ST", "St. Pierre and Miquelon"}: 0, {"MA", "Man, Isle of"}: 0, {"CO", "Cocos Islands"}: 0,
	{"WA", "Wake Atoll"}: 0, {"IZ", "Iraq - Saudi Arabia Neutral Zone"}: 0,
}

// fbRoles is this test's reading of the statuses; "" leaves the item out.
var fbRoles = func() map[string]string {
	out := map[string]string{}
	for role, statuses := range map[string][]string{
		"MEMBER": {"", "nonregional member", "nonregional members", "nonregional", "non-regional", "regional", "new member",
			"de facto member", "participating member", "participating", "permanent", "temporary", "non-permanent",
			"compliant country", "implementing country", "suspended", "temporarily suspended", "reinstated 2004",
			"chinese taipei", "taipei, china", "provisional", "inactive", "as of 8 january 1993", "2024",
			"excluded from formal participation since 1962", "nonparticipant", "has not participated since rift with ussr in 1961",
			"withdrew from active membership in 1986", "us suspended security obligations to nz on 11 august 1986",
			"cape verde assumed a nonpermanent seat on the security council on 1 january 1992",
			"with respect to interests of the netherlands antilles and suriname",
			"membership rights in iaea, icao, itu, who, wipo, and wmo suspended or restricted",
			"organization for the development of the senegal river valley"},
		"OBSERVER": {"observer", "oberver", "permanent observer", "associate observer", "observer affiliate",
			"observer but participates in certain commissions", "guest", "correspondent", "subscriber"},
		"ASSOCIATE": {"associate", "associate member", "associate members", "associated member", "associate affiliate",
			"member affiliate", "special", "special member"},
		"PARTNER": {"partner", "partners", "dialogue partner", "dialogue member", "sectoral dialogue partner", "associate partner",
			"enhanced engagement", "cooperating state", "cooperating country", "coopeating country", "cooperating",
			"special cooperation agreement", "free trade agreement", "free trade agreement pending resolution of fishing limits issue",
			"participant in some activities"},
		"PROSPECTIVE": {"applicant", "candidate country", "candidate", "candidates", "pending member", "accession state",
			"accession candidate", "acceding country", "signatory", "de facto", "membership pending tajikistan's ratification"},
		"": {"ngos", "national committees", "nonsignatory user", "signatory user", "subbureau", "sub-bureau", "has previously been a member of"},
	} {
		for _, s := range statuses {
			out[s] = role
		}
	}
	return out
}()

var fbStrength = map[string]int{"MEMBER": 5, "ASSOCIATE": 4, "OBSERVER": 3, "PARTNER": 2, "PROSPECTIVE": 1}

// fbRole reads an item's first status; ok is false for a status this file does not know.
func fbRole(status string) (string, bool) {
	s := strings.ToLower(status)
	if r, ok := fbRoles[s]; ok {
		return r, true
	}
	head, _, _ := strings.Cut(s, ",")
	r, ok := fbRoles[strings.TrimSpace(head)]
	return r, ok
}

// fbCut cuts s at the given separators where no parenthesis is open. A parenthesis that is
// never closed is taken to close before the next comma.
func fbCut(s string, seps string) []string {
	closes := map[int]bool{}
	var open []int
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '(':
			open = append(open, i)
		case s[i] == ')' && len(open) > 0:
			open = open[:len(open)-1]
		}
	}
	for _, o := range open {
		if j := strings.IndexByte(s[o:], ','); j >= 0 {
			closes[o+j] = true
		}
	}
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		if closes[i] {
			depth--
		}
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')':
			depth = max(depth-1, 0)
		case strings.IndexByte(seps, c) >= 0 && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

var (
	fbNote   = regexp.MustCompile(`(?i)(^|[^a-z])note\s*(:|-)`)
	fbItem   = regexp.MustCompile(`^([^()]+?)\s*((?:\([^()]*(?:\([^()]*\)[^()]*)*\)?\s*)*)$`)
	fbStatus = regexp.MustCompile(`\(([^()]*(?:\([^()]*\)[^()]*)*)\)?`)
)

// fbParse cuts a text into (name, first status) items, names with single spaces.
func fbParse(text string, known func(string) bool) [][2]string {
	var items [][2]string
	if strings.EqualFold(strings.TrimSpace(text), "none") {
		return nil
	}
	for _, part := range fbCut(text, ";|") {
		if loc := fbNote.FindStringIndex(part); loc != nil {
			part = part[:loc[0]]
		}
		if _, after, ok := strings.Cut(part, ":"); ok {
			part = after
		}
		for i, raw := range fbCut(part, ",") {
			raw = strings.Join(strings.Fields(raw), " ")
			if i == 0 {
				if k := strings.LastIndex(strings.ToLower(raw), "member of "); k >= 0 && known(strings.Fields(raw[k+len("member of "):] + " x")[0]) {
					raw = raw[k+len("member of "):]
				}
			}
			if strings.HasPrefix(raw, "(") && len(items) > 0 {
				// A status after a comma: the previous item's.
				if s := fbStatus.FindStringSubmatch(raw); s != nil && items[len(items)-1][1] == "" {
					items[len(items)-1][1] = strings.Join(strings.Fields(s[1]), " ")
				}
				continue
			}
			// "AG (observer) AsDB": an item whose comma the edition left out.
			for raw != "" {
				m := fbItem.FindStringSubmatch(raw)
				rest := ""
				if m == nil {
					if j := strings.LastIndex(raw, ") "); j >= 0 && known(strings.TrimSpace(raw[j+2:])) {
						raw, rest = raw[:j+1], strings.TrimSpace(raw[j+2:])
						m = fbItem.FindStringSubmatch(raw)
					}
				}
				if m != nil {
					st := ""
					if s := fbStatus.FindStringSubmatch(m[2]); s != nil {
						st = strings.Join(strings.Fields(s[1]), " ")
					}
					items = append(items, [2]string{m[1], st})
				}
				raw = rest
			}
		}
	}
	return items
}

// fbCrosswalkEntry is an entry of seeds/factbook-crosswalk.yaml.
type fbCrosswalkEntry struct {
	Abbreviation string
	From, To     *int
	Organization string
	CowKey       string `yaml:"cowKey"`
	New          *struct{ Slug string }
	Unmapped     bool
}

// fbExpected is what the raw lists say: for each state, its lists' editions, and for each
// state and edition the organizations it names with their roles.
type fbExpected struct {
	editions map[string]map[int]bool
	roles    map[string]map[int]map[string]string
}

func readFactbookExpectation(t *testing.T) fbExpected {
	t.Helper()
	api := real(t)
	// The graph's states by ISO code and COW code, and organizations by COW key.
	byIso, byCode, byKey := map[string]string{}, map[int]string{}, map[string]string{}
	var after *string
	for {
		var page struct {
			States struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				} `json:"pageInfo"`
				Nodes []struct {
					Slug    string
					Iso2    *string
					CowCode *int
				}
			}
		}
		api.data(t, `query P($after: String) { states(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { slug iso2 cowCode } } }`,
			map[string]any{"after": after}, &page)
		for _, s := range page.States.Nodes {
			if s.Iso2 != nil {
				byIso[*s.Iso2] = s.Slug
			}
			if s.CowCode != nil {
				byCode[*s.CowCode] = s.Slug
			}
		}
		if !page.States.PageInfo.HasNextPage {
			break
		}
		after = page.States.PageInfo.EndCursor
	}
	after = nil
	for {
		var page struct {
			Organizations struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				} `json:"pageInfo"`
				Nodes []struct {
					Slug   string
					CowKey *string `json:"cowKey"`
				}
			}
		}
		api.data(t, `query P($after: String) { organizations(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { slug cowKey } } }`,
			map[string]any{"after": after}, &page)
		for _, o := range page.Organizations.Nodes {
			if o.CowKey != nil {
				byKey[*o.CowKey] = o.Slug
			}
		}
		if !page.Organizations.PageInfo.HasNextPage {
			break
		}
		after = page.Organizations.PageInfo.EndCursor
	}

	data, err := os.ReadFile("../seeds/factbook-crosswalk.yaml")
	require.NoError(t, err)
	var cw struct {
		FactbookCrosswalk []fbCrosswalkEntry `yaml:"factbookCrosswalk"`
	}
	require.NoError(t, yaml.Unmarshal(data, &cw))
	require.NotEmpty(t, cw.FactbookCrosswalk)
	known := map[string]bool{}
	for _, e := range cw.FactbookCrosswalk {
		known[e.Abbreviation] = true
	}
	orgOf := func(name string, edition int) string {
		for _, e := range cw.FactbookCrosswalk {
			if e.Abbreviation != name || (e.From != nil && edition < *e.From) || (e.To != nil && edition > *e.To) {
				continue
			}
			switch {
			case e.Organization != "":
				return e.Organization
			case e.CowKey != "":
				require.NotEmpty(t, byKey[e.CowKey], "COW key %s", e.CowKey)
				return byKey[e.CowKey]
			case e.New != nil:
				return e.New.Slug
			}
		}
		return ""
	}

	want := fbExpected{editions: map[string]map[int]bool{}, roles: map[string]map[int]map[string]string{}}
	for _, r := range readRawParticipation(t) {
		state := ""
		if code, ok := fbEntryStates[[2]string{r.fips, r.name}]; ok {
			state = byCode[code]
		} else {
			switch {
			case r.fips == "YI":
				state = byCode[345]
			case r.fips == "KV":
				state = byCode[347]
			case r.typ == "sovereign" || r.typ == "freely_associated":
				state = byIso[r.iso2]
			}
		}
		if state == "" {
			continue
		}
		if want.editions[state] == nil {
			want.editions[state] = map[int]bool{}
			want.roles[state] = map[int]map[string]string{}
		}
		want.editions[state][r.edition] = true
		if want.roles[state][r.edition] == nil {
			want.roles[state][r.edition] = map[string]string{}
		}
		here := want.roles[state][r.edition]
		for _, it := range fbParse(r.text, func(s string) bool { return known[s] }) {
			org := orgOf(it[0], r.edition)
			if org == "" {
				continue
			}
			role, ok := fbRole(it[1])
			require.True(t, ok, "%d %s: status %q of %s", r.edition, r.name, it[1], it[0])
			if role == "" {
				continue
			}
			if fbStrength[role] > fbStrength[here[org]] {
				here[org] = role
			}
		}
	}
	return want
}

// TestFactbookAtEveryEditionEqualsTheLists asks, for every edition from 1990 to 2025, every
// state's stints as the Factbook states them at that year, and compares them with the raw
// lists: a state with a list that edition is in exactly the organizations its list names,
// in the roles it gives; a state without one is in none for certain (that edition is
// unknown for it).
func TestFactbookAtEveryEditionEqualsTheLists(t *testing.T) {
	testgate.Slow(t, "reads the whole Factbook")
	want := readFactbookExpectation(t)
	require.Greater(t, len(want.editions), 190, "the states the lists name")
	api := real(t)

	var doc struct {
		Document struct {
			CoversUntil struct{ Year int } `json:"coversUntil"`
		}
	}
	api.data(t, `{ document(slug: "cia-world-factbook") { coversUntil { year } } }`, nil, &doc)
	require.Equal(t, 2025, doc.Document.CoversUntil.Year)

	compared := 0
	for from := 1990; from <= 2025; from += 12 {
		var fields strings.Builder
		for y := from; y < from+12 && y <= 2025; y++ {
			fmt.Fprintf(&fields, " y%d: memberships(at: \"%d\", source: \"%s\") { role organization { slug } }", y, y, wfbDoc)
		}
		var after *string
		for {
			var page struct {
				States struct {
					PageInfo struct {
						HasNextPage bool
						EndCursor   *string
					} `json:"pageInfo"`
					Nodes []map[string]json.RawMessage
				}
			}
			api.data(t, `query P($after: String) { states(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
				nodes { slug`+fields.String()+` } } }`, map[string]any{"after": after}, &page)
			for _, n := range page.States.Nodes {
				var slug string
				require.NoError(t, json.Unmarshal(n["slug"], &slug))
				for y := from; y < from+12 && y <= 2025; y++ {
					var ms []struct {
						Role         string
						Organization struct{ Slug string }
					}
					require.NoError(t, json.Unmarshal(n[fmt.Sprintf("y%d", y)], &ms))
					got := map[string]string{}
					for _, m := range ms {
						assert.NotContains(t, got, m.Organization.Slug, "%s in %d: one stint per organization", slug, y)
						got[m.Organization.Slug] = m.Role
					}
					exp := want.roles[slug][y]
					if !want.editions[slug][y] {
						exp = nil
					}
					assert.Equal(t, sortedKeys(exp), sortedKeys(got), "%s, %d edition", slug, y)
					if want.editions[slug][y] {
						compared++
					}
				}
			}
			if !page.States.PageInfo.HasNextPage {
				break
			}
			after = page.States.PageInfo.EndCursor
		}
	}
	total := 0
	for _, eds := range want.editions {
		total += len(eds)
	}
	assert.Equal(t, total, compared, "every state-edition with a list is asked")
	assert.Greater(t, total, 6900)
}

// TestFactbookStintsEqualTheLists checks every state's stints as the Factbook states them
// against the raw lists, edition by edition: a stint's first edition (its start, or the
// year that bounds an undated start) and its last (its end) list the organization in the
// stint's role; so does every edition between them that is not one of its unknown years,
// and those editions are as many as its claim counts; an unknown year is an edition without
// the state's list, or a break inside a stint another source states whole (an edition that
// leaves the organization out or gives another role); an open stint is followed by no list
// up to 2025 that leaves it out; and every edition in which a list names an organization in
// a role is a known edition of exactly one stint of that role.
func TestFactbookStintsEqualTheLists(t *testing.T) {
	testgate.Slow(t, "reads the whole Factbook")
	want := readFactbookExpectation(t)
	api := real(t)
	type stint struct {
		org, role  string
		first, end int // end: 0 when open
		years      int
		unknown    []int
	}
	got := map[string][]stint{}
	var after *string
	for {
		var page struct {
			States struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				} `json:"pageInfo"`
				Nodes []struct {
					Slug        string
					Memberships []struct {
						Role         string
						Organization struct{ Slug string }
						Start        *struct{ Year int }
						End          *struct{ Year int }
						Claims       []fbClaim
					}
				}
			}
		}
		api.data(t, `query P($after: String) { states(first: 25, after: $after) { pageInfo { hasNextPage endCursor }
			nodes { slug memberships(source: "cia-world-factbook") { role organization { slug } start { year } end { year }
				claims { years unknownYears startBounds { notAfter { year } } source { document { slug } } } } } } }`, map[string]any{"after": after}, &page)
		for _, s := range page.States.Nodes {
			for _, m := range s.Memberships {
				i := slices.IndexFunc(m.Claims, func(c fbClaim) bool { return c.Source.Document.Slug == wfbDoc })
				require.GreaterOrEqual(t, i, 0)
				c := m.Claims[i]
				require.NotNil(t, c.Years)
				st := stint{org: m.Organization.Slug, role: m.Role, years: *c.Years, unknown: c.UnknownYears}
				switch {
				case m.Start != nil:
					st.first = m.Start.Year
				case c.StartBounds != nil:
					st.first = c.StartBounds.NotAfter.Year
				default:
					t.Errorf("%s in %s: a Factbook stint without a start or a bound on it", s.Slug, st.org)
				}
				if m.End != nil {
					st.end = m.End.Year
				}
				got[s.Slug] = append(got[s.Slug], st)
			}
		}
		if !page.States.PageInfo.HasNextPage {
			break
		}
		after = page.States.PageInfo.EndCursor
	}

	n := 0
	for state, eds := range want.editions {
		hi := 1990
		for y := range eds {
			hi = max(hi, y)
		}
		cell := func(org string, y int) string {
			if !eds[y] {
				return "?"
			}
			return want.roles[state][y][org]
		}
		known := map[string]int{} // "org role year": how many stints know it
		for _, st := range got[state] {
			what := fmt.Sprintf("%s in %s: %+v", state, st.org, st)
			unknown := map[int]bool{}
			for _, y := range st.unknown {
				unknown[y] = true
			}
			last := st.end
			if last == 0 {
				last = 2025
				for last > st.first && (unknown[last] || cell(st.org, last) != st.role) {
					last--
				}
				for y := last + 1; y <= 2025; y++ {
					assert.True(t, y > hi || !eds[y], "%s: open, yet the %d list leaves it out", what, y)
				}
			}
			assert.Equal(t, st.role, cell(st.org, st.first), "%s: its first edition", what)
			assert.Equal(t, st.role, cell(st.org, last), "%s: its last edition", what)
			years := 0
			for y := st.first; y <= last; y++ {
				if unknown[y] {
					assert.True(t, cell(st.org, y) == "?" || (y > st.first && y < last && cell(st.org, y) != st.role),
						"%s: unknown year %d is a break or has no list", what, y)
					continue
				}
				assert.Equal(t, st.role, cell(st.org, y), "%s: edition %d", what, y)
				known[fmt.Sprintf("%s %s %d", st.org, st.role, y)]++
				years++
			}
			assert.Equal(t, years, st.years, "%s: the editions it counts", what)
			for y := range unknown {
				if y < st.first || y > last {
					assert.Equal(t, "?", cell(st.org, y), "%s: unknown %d, before its start or after its end, has no list", what, y)
				}
			}
			n++
		}
		for y, orgs := range want.roles[state] {
			for org, role := range orgs {
				assert.Equal(t, 1, known[fmt.Sprintf("%s %s %d", org, role, y)], "%s: %s as %s in %d is known from one stint", state, org, role, y)
			}
		}
		total := 0
		for _, c := range known {
			total += c
		}
		listed := 0
		for _, orgs := range want.roles[state] {
			listed += len(orgs)
		}
		assert.Equal(t, listed, total, "%s: every known edition of a stint is one its lists give", state)
	}
	for state := range got {
		assert.NotNil(t, want.editions[state], "state %s has Factbook stints but no list", state)
	}
	assert.Greater(t, n, 10000, "stints compared")
}

// fbClaim is what the tests read of a claim.
type fbClaim struct {
	Years        *int
	UnknownYears []int                                  `json:"unknownYears"`
	StartBounds  *struct{ NotAfter struct{ Year int } } `json:"startBounds"`
	Source       struct{ Document struct{ Slug string } }
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+" "+v)
	}
	sort.Strings(out)
	return out
}
