package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// graphiqlServer routes / and the assets to GraphiQL as server.New does.
func graphiqlServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	h := GraphiQL()
	mux.Handle("GET /{$}", h)
	mux.Handle("GET "+GraphiQLAssetPrefix, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func graphiqlGet(t *testing.T, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	// A Transport of our own, so that Go does not ask for gzip and unpack it unseen.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

var graphiqlAttrURL = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

func TestGraphiQLPageServesEveryAssetItNames(t *testing.T) {
	srv := graphiqlServer(t)
	resp, page := graphiqlGet(t, srv.URL+"/", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "connect-src 'self'")
	assert.Contains(t, string(page), `<div id="graphiql" data-endpoint="graphql">`)

	wantTypes := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
	}
	refs := graphiqlAttrURL.FindAllStringSubmatch(string(page), -1)
	require.NotEmpty(t, refs)
	var scripts, styles int
	for _, m := range refs {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") {
			continue
		}
		t.Run(ref, func(t *testing.T) {
			require.True(t, strings.HasPrefix(ref, "graphiql/"), "a relative URL below graphiql/: %s", ref)
			resp, body := graphiqlGet(t, srv.URL+"/"+ref, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			name := strings.TrimPrefix(ref[:strings.Index(ref, "?")], "graphiql/")
			ext := path.Ext(name)
			assert.Equal(t, wantTypes[ext], resp.Header.Get("Content-Type"))
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"),
				"versioned URLs may be cached for good")
			want, err := fs.ReadFile(graphiqlFiles, "graphiql/static/"+name)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(want, body), "served as embedded")
		})
		switch {
		case strings.Contains(ref, ".js?"):
			scripts++
		case strings.Contains(ref, ".css?"):
			styles++
		}
	}
	assert.Equal(t, 5, scripts, "react, react-dom, graphiql, explorer, treatygraph.js")
	assert.Equal(t, 3, styles, "graphiql, explorer, treatygraph.css")
}

// graphiqlExternal matches what would make a browser reach another host: an absolute or
// protocol-relative URL in an attribute, a CSS url() or @import, or a known CDN's host.
var graphiqlExternal = regexp.MustCompile(`(?i)(?:src|href|action)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import|unpkg\.com|cdn\.jsdelivr\.net|esm\.sh/|cdnjs\.cloudflare\.com|googleapis\.com|gstatic\.com|cdn\.skypack\.dev`)

func TestGraphiQLReferencesNoOtherHost(t *testing.T) {
	srv := graphiqlServer(t)
	_, page := graphiqlGet(t, srv.URL+"/", nil)
	assert.NotContains(t, string(page), "http:")
	assert.NotContains(t, string(page), "https:")
	assert.NotRegexp(t, graphiqlExternal, string(page))

	// Our own files name no URL at all; the vendored bundles hold URLs only in strings
	// such as XML namespaces and links in error messages, never as something to load.
	for _, own := range []string{"treatygraph.js", "treatygraph.css"} {
		b, err := fs.ReadFile(graphiqlFiles, "graphiql/static/"+own)
		require.NoError(t, err)
		assert.NotContains(t, string(b), "http", own)
	}
	err := fs.WalkDir(graphiqlFiles, "graphiql/static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".txt") {
			return err
		}
		b, err := fs.ReadFile(graphiqlFiles, p)
		require.NoError(t, err)
		if loc := graphiqlExternal.FindIndex(b); loc != nil { // not assert.NotRegexp: it would print megabytes
			t.Errorf("%s references another host: %q", p, b[max(0, loc[0]-80):min(len(b), loc[1]+80)])
		}
		assert.NotContains(t, string(b), "sourceMappingURL", "%s names a source map that is not served", p)
		return nil
	})
	require.NoError(t, err)
}

func TestGraphiQLAssetsCompressAndRevalidate(t *testing.T) {
	srv := graphiqlServer(t)
	a := loadedGraphiQL().assets["graphiql.min.js"]
	require.NotNil(t, a)
	url := srv.URL + GraphiQLAssetPrefix + "graphiql.min.js?v=" + a.version

	resp, body := graphiqlGet(t, url, map[string]string{"Accept-Encoding": "gzip, br"})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
	assert.Equal(t, strconv.Itoa(len(body)), resp.Header.Get("Content-Length"))
	assert.Contains(t, resp.Header.Get("Vary"), "Accept-Encoding")
	assert.Less(t, len(body), len(a.body)/2, "the bundle compresses well")
	zr, err := gzip.NewReader(bytes.NewReader(body))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(a.body, plain))
	gzTag := resp.Header.Get("ETag")

	resp, body = graphiqlGet(t, url, map[string]string{"Accept-Encoding": "gzip;q=0"})
	assert.Empty(t, resp.Header.Get("Content-Encoding"))
	assert.True(t, bytes.Equal(a.body, body))
	plainTag := resp.Header.Get("ETag")
	assert.NotEqual(t, gzTag, plainTag, "each encoding has its own ETag")

	resp, body = graphiqlGet(t, url, map[string]string{"If-None-Match": plainTag})
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)
	assert.Empty(t, body)
	resp, _ = graphiqlGet(t, url, map[string]string{"If-None-Match": gzTag, "Accept-Encoding": "gzip"})
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Content-Encoding"), "a 304 has no body to encode")
	resp, _ = graphiqlGet(t, url, map[string]string{"If-None-Match": "*"})
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)

	// A range of the gzip representation is a range of its compressed bytes.
	resp, part := graphiqlGet(t, url, map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
	assert.Equal(t, http.StatusPartialContent, resp.StatusCode)
	assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
	assert.Equal(t, gzTag, resp.Header.Get("ETag"))
	assert.True(t, bytes.Equal(a.gzipBody()[:100], part))

	// Without the version, the file is still served, but must be revalidated.
	resp, _ = graphiqlGet(t, srv.URL+GraphiQLAssetPrefix+"graphiql.min.js", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))

	resp, _ = graphiqlGet(t, srv.URL+"/", nil)
	assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
}

func TestGraphiQLUnknownPaths(t *testing.T) {
	srv := graphiqlServer(t)
	for _, p := range []string{"graphiql/nope.js", "graphiql/", "graphiql/licenses", "graphiql/%2e%2e/graphiql.go"} {
		resp, _ := graphiqlGet(t, srv.URL+"/"+p, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, p)
	}
	rec := httptest.NewRecorder()
	GraphiQL().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
}

func TestGraphiQLServesLicences(t *testing.T) {
	srv := graphiqlServer(t)
	for _, name := range []string{"graphiql.txt", "graphiql-plugin-explorer.txt", "react.txt", "react-dom.txt", "THIRD-PARTY-NOTICES.txt"} {
		resp, body := graphiqlGet(t, srv.URL+GraphiQLAssetPrefix+"licenses/"+name, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, name)
		assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
		assert.Contains(t, string(body), "Permission is hereby granted", name)
	}
}

// The example tabs must stay valid as the schema changes.
func TestGraphiQLExamplesAreValidQueries(t *testing.T) {
	sdl, err := os.ReadFile("../../schema.graphqls")
	require.NoError(t, err)
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	require.Nil(t, gerr)

	examples, err := GraphiQLExamples()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(examples), 3)
	// GraphiQL 4 fills the variables editor from storage only, not from the first tab, on a
	// first visit: the first example must need none.
	assert.Empty(t, examples[0].Variables, "the first example takes no variables")
	for _, e := range examples {
		t.Run(e.Name, func(t *testing.T) {
			_, errs := gqlparser.LoadQueryWithRules(schema, e.Query, nil)
			assert.Empty(t, errs)
			if e.Variables != "" {
				var v map[string]any
				assert.NoError(t, json.Unmarshal([]byte(e.Variables), &v))
			}
		})
	}

	srv := graphiqlServer(t)
	_, page := graphiqlGet(t, srv.URL+"/", nil)
	m := regexp.MustCompile(`(?s)<script type="application/json" id="examples">(.*?)</script>`).FindSubmatch(page)
	require.NotNil(t, m, "the page carries the examples")
	var inPage []GraphiQLExample
	require.NoError(t, json.Unmarshal(m[1], &inPage))
	assert.Equal(t, examples, inPage)
	assert.Contains(t, inPage[0].Query, `organization(acronym: "CSTO")`)
}
