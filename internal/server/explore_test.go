package server

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
