package export

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/testdb"
	"github.com/treatygraph/treatygraph/internal/testgate"
)

// The exports are checked against the project's own seeds, so that the counts a notebook
// user sees are the seeds' counts.
const seedDir = "../../seeds"

type fixture struct {
	seeds *kg.Graph
	store *sqlite.Store
	path  string
}

// built is the database of the seeds that the tests of several packages share (see
// testdb), opened once per test binary beside the seeds it was built from: it is opened
// read-only and no test changes it, so every test may share it.
var built struct {
	once sync.Once
	f    fixture
	err  error
}

// open returns the shared database of the project's seeds, and the seeds.
func open(t *testing.T) fixture {
	t.Helper()
	path := testdb.Seeds(t)
	built.once.Do(func() {
		g, err := seed.Load(os.DirFS(seedDir), seedDir)
		if built.err = err; err != nil {
			return
		}
		store, err := sqlite.Open(path, 2)
		built.err = err
		built.f = fixture{seeds: g, store: store, path: path}
	})
	require.NoError(t, built.err)
	return built.f
}

// loaded returns Load's answer for the shared database, read once per test binary and kept
// with the store, where every Handler over it finds it (see storeData): nothing writes to it.
func loaded(t *testing.T) *Data {
	t.Helper()
	d, err := storeData(context.Background(), open(t).store)
	require.NoError(t, err)
	return d
}

// loadedHandler is Handler over the shared database, whose data the tests read once (see
// loaded), so that a test of what it serves does not read the whole graph again.
func loadedHandler(t *testing.T, maxAge time.Duration) http.Handler {
	t.Helper()
	return Handler(open(t).store, nil, maxAge)
}

func TestMain(m *testing.M) {
	testgate.CollectAsServeDoes()
	code := m.Run()
	if built.f.store != nil {
		_ = built.f.store.Close()
	}
	os.Exit(code)
}

func TestReadGraphGivesBackTheSeeds(t *testing.T) {
	f := open(t)
	g, err := f.store.ReadGraph(context.Background())
	require.NoError(t, err)
	assert.Equal(t, f.seeds.Version, g.Version)
	assert.ElementsMatch(t, f.seeds.Documents, g.Documents)
	assert.ElementsMatch(t, f.seeds.Citations, g.Citations)
	assert.ElementsMatch(t, f.seeds.States, g.States)
	assert.ElementsMatch(t, f.seeds.Organizations, g.Organizations)
	assert.ElementsMatch(t, f.seeds.Places, g.Places)
	assert.ElementsMatch(t, f.seeds.People, g.People)
	assert.ElementsMatch(t, f.seeds.Positions, g.Positions)
	// The stints are too many for ElementsMatch's pairwise search: both lists in the order of
	// their (unique) slugs, compared element by element, is the same check.
	bySlug := func(ms []*kg.Membership) []*kg.Membership {
		ms = slices.Clone(ms)
		slices.SortFunc(ms, func(a, b *kg.Membership) int { return strings.Compare(a.Slug, b.Slug) })
		return ms
	}
	assert.Equal(t, bySlug(f.seeds.Memberships), bySlug(g.Memberships))
	assert.ElementsMatch(t, f.seeds.Events, g.Events)
	assert.ElementsMatch(t, f.seeds.Quotes, g.Quotes)
	assert.ElementsMatch(t, f.seeds.Figures, g.Figures)
	assert.ElementsMatch(t, f.seeds.Provisions, g.Provisions)
}

func TestLinksAreTheEdgesOnce(t *testing.T) {
	f := open(t)
	links, err := f.store.Links(context.Background())
	require.NoError(t, err)

	db, err := sql.Open("sqlite", "file:"+f.path+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	var rows int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM edges").Scan(&rows))
	assert.Equal(t, rows, 2*len(links), "the edges table holds each link both ways")

	var armenia *sqlite.Edge
	for i, l := range links {
		if l.Fact != nil && *l.Fact == (kg.Ref{Kind: kg.KindMembership, Key: "armenia-csto-1994"}) {
			armenia = &links[i]
		}
	}
	require.NotNil(t, armenia, "Armenia's CSTO membership is a link")
	assert.Equal(t, kg.Ref{Kind: kg.KindState, Key: "armenia"}, armenia.From, "links keep the direction they were written in")
	assert.Equal(t, "member of", armenia.Relation)
	assert.Equal(t, "has member", armenia.Inverse)
}

func graphJSON(t *testing.T) (map[string]any, *NodeLink) {
	t.Helper()
	d := loaded(t)
	var buf bytes.Buffer
	require.NoError(t, d.Write(&buf, GraphFile))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &raw))
	var nl NodeLink
	require.NoError(t, json.Unmarshal(buf.Bytes(), &nl))
	return raw, &nl
}

func TestGraphJSONIsNodeLink(t *testing.T) {
	f := open(t)
	raw, nl := graphJSON(t)

	// The keys NetworkX's node_link_graph reads.
	assert.Equal(t, false, raw["directed"])
	assert.Equal(t, true, raw["multigraph"])
	for _, k := range []string{"graph", "nodes", "links"} {
		assert.Contains(t, raw, k)
	}
	assert.NotContains(t, raw, "edges", "the links are listed once")
	assert.Equal(t, f.seeds.Version, nl.Graph.Version)
	require.Len(t, nl.Graph.Sources, len(f.seeds.Documents))
	assert.NotNil(t, nl.Graph.Sources[0].Licence, "the licence of the source travels with the data")

	g := f.seeds
	wantNodes := len(g.States) + len(g.Organizations) + len(g.Places) + len(g.People) +
		len(g.Events) + len(g.Quotes) + len(g.Figures) + len(g.Provisions)
	assert.Len(t, nl.Nodes, wantNodes)
	ids := map[string]Node{}
	for _, n := range nl.Nodes {
		_, seen := ids[n.ID]
		assert.False(t, seen, "node ids are unique: %s", n.ID)
		assert.NotEmpty(t, n.Name, n.ID)
		assert.Equal(t, kg.NodeID(n.Kind, n.Slug), n.ID, "the ID is the API's")
		ids[n.ID] = n
	}

	// Each link once, each end a node, each key unique between its two nodes.
	keys := map[[3]string]bool{}
	attributes := map[string]int{}
	for _, l := range nl.Links {
		for _, end := range []string{l.Source, l.Target} {
			_, ok := ids[end]
			assert.True(t, ok, "link %s %q %s: no node %s", l.Source, l.Relation, l.Target, end)
		}
		assert.Equal(t, l.Source, l.From)
		pair := [3]string{min(l.Source, l.Target), max(l.Source, l.Target), l.Key}
		assert.False(t, keys[pair], "key %q repeats between %s and %s", l.Key, l.Source, l.Target)
		keys[pair] = true
		assert.NotNil(t, l.Citations)
		// Every link has the fact that states it: a record of its own, or for an attribute
		// of a node (a place's state, an organization's headquarters), that node's record.
		if assert.NotNil(t, l.Fact, "link %s %q %s has no fact", l.Source, l.Relation, l.Target) {
			assert.NotNil(t, l.FactKind)
			switch l.Relation {
			case "located in", "body of", "headquartered in":
				attributes[l.Relation]++
				assert.Equal(t, l.From, *l.Fact, "an attribute's fact is its node's record: %+v", l)
				assert.Equal(t, ids[l.From].Kind, *l.FactKind)
				assert.Nil(t, l.Start, "an attribute link has no dates: %+v", l)
			}
		}
	}
	for _, rel := range []string{"located in", "headquartered in"} {
		assert.NotZero(t, attributes[rel], "no %q links", rel)
	}
	links, err := f.store.Links(context.Background())
	require.NoError(t, err)
	assert.Len(t, nl.Links, len(links))

	// A membership link carries its fact, its dates at their precision and its footnotes.
	uz := kg.NodeID(kg.KindState, "uzbekistan")
	csto := kg.NodeID(kg.KindOrganization, "csto")
	article := map[string]bool{}
	for slug := range articleStints(f.seeds) {
		article[kg.NodeID(kg.KindMembership, slug)] = true
	}
	var stints []Link
	for _, l := range nl.Links {
		if l.Source == uz && l.Target == csto && l.FactKind != nil && *l.FactKind == kg.KindMembership && article[*l.Fact] {
			stints = append(stints, l)
		}
	}
	require.Len(t, stints, 2, "Uzbekistan's two stints in the CSTO are two links")
	var second *Link
	for i := range stints {
		if stints[i].Start != nil && *stints[i].Start == "2006-06-23" {
			second = &stints[i]
		}
	}
	require.NotNil(t, second)
	assert.Equal(t, "member of", second.Relation)
	require.NotNil(t, second.End)
	assert.Equal(t, "2012-06-28", *second.End)
	// The sources disagree on its start (the article's day, the dataset's 2002); the
	// Factbook bounds it only from above (not after 2007, its first list that names the
	// CSTO), which says nothing of how early: the start lies between 2002 and the article's
	// day. Their ends (2011, 2012-06-28, 2013) disagree too: it certainly lasted up to the
	// earliest, and at most to the latest.
	require.NotNil(t, second.StartEarliest)
	assert.Equal(t, "2002-01-01", *second.StartEarliest, "the earliest start a source bounding it allows")
	require.NotNil(t, second.StartLatest)
	assert.Equal(t, "2006-06-23", *second.StartLatest)
	require.NotNil(t, second.EndEarliest)
	assert.Equal(t, "2011-12-31", *second.EndEarliest)
	require.NotNil(t, second.EndLatest)
	assert.Equal(t, "2013-12-31", *second.EndLatest)
	assert.Nil(t, second.OpenAsOf, "the stint ended")
	assert.Equal(t, []int{8}, second.Citations)
	require.NotNil(t, second.Document)
	assert.Equal(t, "csto-article", *second.Document)
	require.NotNil(t, second.Fact)
	assert.Equal(t, *second.Fact, second.Key)
	assert.Equal(t, "Uzbekistan", ids[uz].Name)
	assert.Equal(t, "CSTO", ids[csto].Acronym)
}

// articleStints returns the slugs of the stints the article states: those with a claim of
// its own among their sources'.
func articleStints(g *kg.Graph) map[string]bool {
	out := map[string]bool{}
	for _, m := range g.Memberships {
		if m.Claim("csto-article") != nil {
			out[m.Slug] = true
		}
	}
	return out
}

func readCSV(t *testing.T, kind string) [][]string {
	t.Helper()
	d := loaded(t)
	var buf bytes.Buffer
	require.NoError(t, d.Write(&buf, kind+".csv"))
	assert.True(t, strings.HasSuffix(buf.String(), "\r\n"), "RFC 4180 line ends")
	r := csv.NewReader(&buf)
	rows, err := r.ReadAll()
	require.NoError(t, err, "every row has the header's number of fields")
	require.NotEmpty(t, rows)
	assert.Equal(t, Headers[kind], rows[0])
	return rows
}

// column returns the values of the named column, by header.
func column(rows [][]string, name string) []string {
	i := -1
	for j, h := range rows[0] {
		if h == name {
			i = j
		}
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

func TestCSVTables(t *testing.T) {
	f := open(t)
	t.Run("memberships", func(t *testing.T) {
		rows := readCSV(t, "memberships")
		assert.Len(t, rows, 1+len(f.seeds.Memberships))
		article := articleStints(f.seeds)
		var uz [][]string
		for _, r := range rows[1:] {
			if r[2] == "uzbekistan" && r[5] == "csto" && article[r[1]] {
				uz = append(uz, r)
			}
		}
		require.Len(t, uz, 2, "the article's two stints of Uzbekistan in the CSTO")
		assert.Equal(t, []string{"Uzbekistan", "Collective Security Treaty Organization", "MEMBER", "1994", "1999", "WITHDRAWN"},
			[]string{uz[0][4], uz[0][6], uz[0][7], uz[0][8], uz[0][9], uz[0][10]})
		assert.Equal(t, []string{"2006-06-23", "2012-06-28", "SUSPENDED", "8"},
			[]string{uz[1][8], uz[1][9], uz[1][10], uz[1][14]})
		assert.Equal(t, kg.NodeID(kg.KindMembership, uz[1][1]), uz[1][0])
		for _, start := range column(rows, "start") {
			if start != "" {
				_, err := kg.ParseDate(start)
				assert.NoError(t, err, "dates are ISO at their precision")
			}
		}

		// What the sources together state about when Uzbekistan's second stint held: it
		// began by the article's day, and the Factbook, bounding its start only from above,
		// leaves it open before that; it certainly lasted to the end of 2011, the dataset's
		// end, and at most to 2013, the Factbook's.
		certainty := func(r []string) []string {
			var out []string
			for _, c := range []string{"start_earliest", "start_latest", "end_earliest", "end_latest", "open_as_of", "unknown_years"} {
				out = append(out, r[columnIndex(rows[0], c)])
			}
			return out
		}
		assert.Equal(t, []string{"2002-01-01", "2006-06-23", "2011-12-31", "2013-12-31", "", ""}, certainty(uz[1]))
		for _, r := range rows[1:] {
			c := certainty(r)
			for _, d := range c[:4] {
				if d != "" {
					p, err := kg.ParseDate(d)
					if assert.NoError(t, err, "%s: bounds are ISO days", r[1]) {
						assert.Equal(t, kg.PrecisionDay, p.Precision(), r[1])
						assert.Less(t, p.Year, 2100, "%s: an open end is empty, not a sentinel", r[1])
					}
				}
			}
			if c[0] != "" && c[1] != "" {
				assert.LessOrEqual(t, c[0], c[1], "%s: the start's earliest day is not after its latest", r[1])
			}
			if c[4] != "" {
				assert.Empty(t, c[3], "%s: an end open as of a date has no latest day", r[1])
			}
			for _, y := range strings.Split(c[5], ";") {
				if y != "" {
					_, err := strconv.Atoi(y)
					assert.NoError(t, err, "%s: unknown years are years joined with ;", r[1])
				}
			}
		}
	})
	t.Run("events", func(t *testing.T) {
		rows := readCSV(t, "events")
		assert.Len(t, rows, 1+len(f.seeds.Events))
		dates := column(rows, "date")
		for i := 1; i < len(dates); i++ {
			a, b := kg.MustDate(dates[i-1]), kg.MustDate(dates[i])
			assert.LessOrEqual(t, a.First(), b.First(), "events in date order")
		}
		var multi bool
		for _, c := range column(rows, "citations") {
			multi = multi || strings.Contains(c, ";")
		}
		assert.True(t, multi, "several footnotes are joined with ;")
		assert.Contains(t, strings.Join(column(rows, "quantities"), "\n"), "troops: at least 10000 personnel")
	})
	t.Run("figures", func(t *testing.T) {
		rows := readCSV(t, "figures")
		assert.Len(t, rows, 1+len(f.seeds.Figures))
		assert.Contains(t, column(rows, "state_name"), "Russia")
		assert.Contains(t, column(rows, "per_thousand_total"), "85.1")
		for _, n := range column(rows, "notes") {
			if strings.Contains(n, "Artsakh") {
				assert.Contains(t, n, "\n", "several notes are kept apart by line breaks")
			}
		}
	})
}

func TestWriteUnknown(t *testing.T) {
	d := loaded(t)
	for _, name := range []string{"people.csv", "graph.xml", "memberships", ""} {
		err := d.Write(io.Discard, name)
		assert.ErrorIs(t, err, ErrUnknown, name)
	}
}

func TestWriteDir(t *testing.T) {
	f := open(t)
	dir := filepath.Join(t.TempDir(), "out")
	files, err := WriteDir(context.Background(), f.store, dir)
	require.NoError(t, err)
	require.Len(t, files, 4)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"graph.json", "memberships.csv", "events.csv", "figures.csv"}, names, "no temporary files left")

	// The files are the ones the server offers (its handler over the same database, with the
	// data Load read from it once for this package's tests: see loadedHandler).
	srv := httptest.NewServer(loadedHandler(t, 0))
	defer srv.Close()
	for _, name := range names {
		want, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		resp, err := http.Get(srv.URL + Prefix + name)
		require.NoError(t, err)
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, string(want), string(got), name)
	}
}

func TestHandler(t *testing.T) {
	f := open(t)
	mux := http.NewServeMux()
	mux.Handle("GET "+Prefix, loadedHandler(t, 0))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	do := func(method, path string, header map[string]string) (*http.Response, string) {
		req, err := http.NewRequest(method, srv.URL+path, nil)
		require.NoError(t, err)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	tests := []struct {
		path, contentType string
		rows              int
	}{
		{"/export/graph.json", "application/json", 0},
		{"/export/memberships.csv", "text/csv; charset=utf-8; header=present", len(f.seeds.Memberships)},
		{"/export/events.csv", "text/csv; charset=utf-8; header=present", len(f.seeds.Events)},
		{"/export/figures.csv", "text/csv; charset=utf-8; header=present", len(f.seeds.Figures)},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := do(http.MethodGet, tt.path, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			assert.Equal(t, tt.contentType, resp.Header.Get("Content-Type"))
			assert.Equal(t, "public, max-age=300", resp.Header.Get("Cache-Control"))
			etag := resp.Header.Get("ETag")
			assert.Contains(t, etag, f.store.Version())
			full := body
			if tt.rows > 0 {
				rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
				require.NoError(t, err)
				assert.Len(t, rows, 1+tt.rows)
				assert.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
			} else {
				assert.True(t, json.Valid([]byte(body)))
			}

			resp, body = do(http.MethodGet, tt.path, map[string]string{"If-None-Match": etag})
			assert.Equal(t, http.StatusNotModified, resp.StatusCode)
			assert.Empty(t, body)

			resp, body = do(http.MethodGet, tt.path, map[string]string{"If-None-Match": "*"})
			assert.Equal(t, http.StatusNotModified, resp.StatusCode, "* matches an export that exists")
			assert.Empty(t, body)

			resp, body = do(http.MethodGet, tt.path, map[string]string{"Range": "bytes=0-9"})
			assert.Equal(t, http.StatusPartialContent, resp.StatusCode)
			assert.Equal(t, full[:10], body)

			resp, body = do(http.MethodHead, tt.path, nil)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Empty(t, body)
			assert.Equal(t, strconv.Itoa(len(full)), resp.Header.Get("Content-Length"))
		})
	}

	for _, p := range []string{"/export/people.csv", "/export/graph.xml", "/export/", "/export/memberships"} {
		resp, body := do(http.MethodGet, p, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, p)
		assert.Contains(t, body, "the exports are /export/graph.json, /export/memberships.csv, /export/events.csv, /export/figures.csv", p)
	}
}
