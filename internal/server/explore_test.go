package server

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// exploreServer routes /explore and the assets as server.New does.
func exploreServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET "+GraphiQLAssetPrefix, GraphiQL())
	mux.Handle("GET "+ExplorePath, Explore())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestExplorePageServesEveryAssetItNames(t *testing.T) {
	srv := exploreServer(t)
	// Any ?id= gets the same page: the script reads it.
	for _, q := range []string{"", "?id=garbage", "?id=%3Cscript%3E&depth=9&at=x"} {
		resp, page := graphiqlGet(t, srv.URL+ExplorePath+q, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, q)
		assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
		assert.Equal(t, graphiqlCSP, resp.Header.Get("Content-Security-Policy"), "the same policy as GraphiQL")
		assert.NotContains(t, string(page), "<script>", "no inline script")
		assert.NotContains(t, string(page), "garbage")
	}

	_, page := graphiqlGet(t, srv.URL+ExplorePath, nil)
	assert.NotContains(t, string(page), "http:")
	assert.NotContains(t, string(page), "https:")
	assert.NotRegexp(t, graphiqlExternal, string(page))
	refs := graphiqlAttrURL.FindAllStringSubmatch(string(page), -1)
	var names []string
	for _, m := range refs {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "/") || ref == "#" {
			continue // the favicon, links to pages of this server, the timeline link the script fills in
		}
		require.True(t, strings.HasPrefix(ref, "graphiql/"), "a relative URL below graphiql/: %s", ref)
		name := strings.TrimPrefix(ref[:strings.Index(ref, "?")], "graphiql/")
		names = append(names, name)
		resp, body := graphiqlGet(t, srv.URL+"/"+ref, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, ref)
		assert.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"), ref)
		want, err := fs.ReadFile(graphiqlFiles, "graphiql/static/"+name)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, body), "%s served as embedded", ref)
	}
	assert.ElementsMatch(t, []string{"explore.css", "cytoscape.min.js", "explore.js", "licenses/cytoscape.txt"}, names)
}

func TestExploreOwnFilesNameNoURL(t *testing.T) {
	for _, own := range []string{"explore.js", "explore.css"} {
		b, err := fs.ReadFile(graphiqlFiles, "graphiql/static/"+own)
		require.NoError(t, err)
		assert.NotContains(t, string(b), "http", own)
		assert.NotContains(t, string(b), "innerHTML", "%s builds its DOM from text, never from markup", own)
	}
}

func TestExploreMethods(t *testing.T) {
	w := httptest.NewRecorder()
	Explore().ServeHTTP(w, httptest.NewRequest(http.MethodPost, ExplorePath, nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Equal(t, "GET, HEAD", w.Header().Get("Allow"))
}

// exploreQueries reads the stint queries of explore.js: the lines of its STINT fragment and
// of its STINTS and STINTS_AT queries, as the script joins them.
func exploreQueries(t *testing.T) (fragment []string, stints, stintsAt string) {
	t.Helper()
	b, err := fs.ReadFile(graphiqlFiles, "graphiql/static/explore.js")
	require.NoError(t, err)
	lines := func(name string) []string {
		m := regexp.MustCompile(`(?s)\n  var ` + name + ` = \[\n(.*?)\n  \]`).FindStringSubmatch(string(b))
		require.NotNil(t, m, "explore.js has no %s", name)
		var out []string
		for _, l := range regexp.MustCompile(`(?m)^\s*'([^'\\]*)',$`).FindAllStringSubmatch(m[1], -1) {
			out = append(out, l[1])
		}
		require.NotEmpty(t, out, name)
		return out
	}
	fragment = lines("STINT")
	return fragment, strings.Join(append(lines("STINTS"), fragment...), "\n"), strings.Join(append(lines("STINTS_AT"), fragment...), "\n")
}

// TestExploreStintQueries runs the explore page's stint queries against the seeds, for a
// state and an organization, with and without a date: every stint comes with every
// source's claim and what of its dates is known (ranges, bounds, the last date a source
// looked, years without data), and with a date, how sure it is that the stint covers it.
func TestExploreStintQueries(t *testing.T) {
	fragment, stints, stintsAt := exploreQueries(t)
	k := newKit(t, Config{})

	type claim struct {
		Start      *struct{ Iso string }   `json:"start"`
		StartRange *struct{ Earliest int } `json:"startRange"`
		AsOf       *struct{ Iso string }   `json:"asOf"`
		Unknown    []int                   `json:"unknownYears"`
		Source     struct {
			Document struct{ Slug string } `json:"document"`
		} `json:"source"`
	}
	type stint struct {
		ID       string  `json:"id"`
		Covers   *string `json:"covers"`
		Unknown  []int   `json:"unknownYears"`
		Claims   []claim `json:"claims"`
		Disputed bool    `json:"disputed"`
	}
	run := func(q string, vars map[string]any) []stint {
		t.Helper()
		a := k.query(q, vars)
		require.Empty(t, a.Errors, "%s\n%s", a.Raw, q)
		var data struct {
			Node struct {
				Memberships []stint `json:"memberships"`
				Members     []stint `json:"members"`
			} `json:"node"`
		}
		require.NoError(t, json.Unmarshal(a.Data, &data))
		return append(data.Node.Memberships, data.Node.Members...)
	}
	uz := kg.NodeID(kg.KindState, "uzbekistan")
	csto := kg.NodeID(kg.KindOrganization, "csto")

	all := run(stints, map[string]any{"id": uz})
	require.NotEmpty(t, all)
	var asOf, disputed bool
	for _, m := range all {
		require.NotEmpty(t, m.Claims, m.ID)
		assert.NotNil(t, m.Unknown, "%s: unknownYears is asked for", m.ID)
		assert.Nil(t, m.Covers, "no date, no covers")
		for _, c := range m.Claims {
			asOf = asOf || c.AsOf != nil
			assert.NotEmpty(t, c.Source.Document.Slug)
		}
		disputed = disputed || (m.Disputed && len(m.Claims) > 1)
	}
	assert.True(t, asOf, "the dataset's claims say when it last looked")
	assert.True(t, disputed, "Uzbekistan's second CSTO stint is disputed, with both sources' claims")
	assert.NotEmpty(t, run(stints, map[string]any{"id": csto}))

	// With a date: the stints that may cover it, each with how sure that is.
	on := run(stintsAt, map[string]any{"id": csto, "at": "2004"})
	require.NotEmpty(t, on)
	seen := map[string]bool{}
	for _, m := range on {
		require.NotNil(t, m.Covers, m.ID)
		seen[*m.Covers] = true
	}
	assert.True(t, seen["KNOWN"], "the founders certainly belonged in 2004")
	assert.True(t, seen["POSSIBLE"], "Uzbekistan's second stint may have begun by 2004 (the dataset), or not (the article)")
	assert.Less(t, len(on), len(run(stints, map[string]any{"id": csto})), "stints that cannot cover 2004 are left out")

	// Asking for the years without data is one line: without it the queries still run.
	var one []int
	for i, l := range fragment {
		if strings.Contains(l, "unknownYears") {
			one = append(one, i)
		}
	}
	require.Len(t, one, 1, "one line of the fragment asks for unknownYears")
	without := strings.Replace(stints, fragment[one[0]]+"\n", "", 1)
	assert.NotContains(t, without, "unknownYears")
	assert.NotEmpty(t, run(without, map[string]any{"id": uz}))
}

// TestExploreSaysWhatIsUnknown checks the words the page uses for dates it does not know:
// an undated start is "?", an open end is "still so" when the source last looked and
// unknown later, never "today".
func TestExploreSaysWhatIsUnknown(t *testing.T) {
	b, err := fs.ReadFile(graphiqlFiles, "graphiql/static/explore.js")
	require.NoError(t, err)
	js := string(b)
	assert.NotContains(t, js, "'today'")
	for _, words := range []string{"'since '", "'?'", "'still so '", "', later unknown'", "'no data '", "'not before '", "'end unknown'"} {
		assert.Contains(t, js, words)
	}
}

// TestExploreNeighborhoodQuery runs the explore page's neighbourhood query against the seeds
// with the most nodes the page asks for: the UN's 200-odd members come whole at depth 1, and
// depth 2 around Uzbekistan is answered within the server's limits, not refused.
func TestExploreNeighborhoodQuery(t *testing.T) {
	b, err := fs.ReadFile(graphiqlFiles, "graphiql/static/explore.js")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?s)\n  var NEIGHBORHOOD = \[\n(.*?)\n  \]\.join`).FindStringSubmatch(string(b))
	require.NotNil(t, m, "explore.js has no NEIGHBORHOOD")
	var lines []string
	for _, l := range regexp.MustCompile(`(?m)^\s*'([^'\\]*)',$`).FindAllStringSubmatch(m[1], -1) {
		lines = append(lines, l[1])
	}
	query := strings.Join(lines, "\n")
	mx := regexp.MustCompile(`\n  var MAX_NODES = (\d+);`).FindStringSubmatch(string(b))
	require.NotNil(t, mx, "explore.js has no MAX_NODES")
	k := newKit(t, Config{})
	type hood struct {
		Neighborhood struct {
			Truncated bool
			Nodes     []struct {
				Typename string `json:"__typename"`
				ID       string
			}
			Edges []struct{ Relation string }
		}
	}
	run := func(id string, depth int) hood {
		t.Helper()
		a := k.query(query, map[string]any{"id": id, "depth": depth, "max": json.Number(mx[1])})
		require.Empty(t, a.Errors, "%s", a.Raw)
		var h hood
		require.NoError(t, json.Unmarshal(a.Data, &h))
		return h
	}
	un := run(kg.NodeID(kg.KindOrganization, "united-nations"), 1)
	assert.False(t, un.Neighborhood.Truncated, "the UN's neighbours come whole")
	states := 0
	for _, n := range un.Neighborhood.Nodes {
		if n.Typename == "State" {
			states++
		}
	}
	assert.GreaterOrEqual(t, states, 190, "the UN's member states")
	uz := run(kg.NodeID(kg.KindState, "uzbekistan"), 2)
	assert.Greater(t, len(uz.Neighborhood.Nodes), len(run(kg.NodeID(kg.KindState, "uzbekistan"), 1).Neighborhood.Nodes))
}
