package export

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// TestGraphJSONLinksKey checks that graph.json lists its links once, under "links" unless
// ?links=edges asks for NetworkX 3.6's key, and that the two are told apart by caches.
func TestGraphJSONLinksKey(t *testing.T) {
	h := loadedHandler(t, 0)
	get := func(target string) (*httptest.ResponseRecorder, map[string]json.RawMessage) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		var top map[string]json.RawMessage
		if rec.Code == http.StatusOK {
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &top))
		}
		return rec, top
	}

	def, links := get("/export/graph.json")
	require.Equal(t, http.StatusOK, def.Code)
	assert.Contains(t, links, "links")
	assert.NotContains(t, links, "edges")

	same, again := get("/export/graph.json?links=links")
	assert.Equal(t, def.Header().Get("ETag"), same.Header().Get("ETag"))
	assert.Equal(t, links["links"], again["links"])

	alt, edges := get("/export/graph.json?links=edges")
	require.Equal(t, http.StatusOK, alt.Code)
	assert.Contains(t, edges, "edges")
	assert.NotContains(t, edges, "links")
	assert.JSONEq(t, string(links["links"]), string(edges["edges"]), "the same links under another key")
	assert.NotEqual(t, def.Header().Get("ETag"), alt.Header().Get("ETag"), "each variant has its own ETag")

	// A long value is quoted to its first kg.DefaultQuotePrefix characters, never split inside one.
	arcs := strings.Repeat("дуга-", 20)
	bad, _ := get("/export/graph.json?links=" + url.QueryEscape(arcs))
	assert.Equal(t, http.StatusBadRequest, bad.Code)
	assert.Contains(t, bad.Body.String(), `links="`+string([]rune(arcs)[:kg.DefaultQuotePrefix])+`"…`)
	assert.True(t, utf8.ValidString(bad.Body.String()))
	assert.Contains(t, bad.Body.String(), "want links=links (the default) or links=edges")
}

// TestExportMaxAge checks that the exports carry the max-age they are given.
func TestExportMaxAge(t *testing.T) {
	for _, tc := range []struct {
		maxAge time.Duration
		want   string
	}{
		{0, "public, max-age=300"},
		{time.Hour, "public, max-age=3600"},
		{90 * time.Second, "public, max-age=90"},
	} {
		rec := httptest.NewRecorder()
		loadedHandler(t, tc.maxAge).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/events.csv", nil))
		assert.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, tc.want, rec.Header().Get("Cache-Control"), "max-age %s", tc.maxAge)
	}
}
