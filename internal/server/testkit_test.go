package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// kit is the whole handler over the project's seeds, for the tests of limits, transports,
// caching, persisted queries and observability.
type kit struct {
	t       testing.TB
	store   *sqlite.Store
	handler http.Handler
}

// newKit builds the seeds into a database under t.TempDir and serves it with cfg (its Store
// and Logger filled in when empty).
func newKit(t testing.TB, cfg Config) *kit {
	t.Helper()
	store, _ := openSeedStore(t)
	return newKitOn(t, store, cfg)
}

// newKitOn serves store with cfg, logging nothing unless cfg has a logger.
func newKitOn(t testing.TB, store *sqlite.Store, cfg Config) *kit {
	t.Helper()
	cfg.Store = store
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &kit{t: t, store: store, handler: New(cfg)}
}

type answer struct {
	Status int
	Header http.Header
	Raw    string
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Extensions map[string]any `json:"extensions"`
}

// ran reports whether the operation was executed: data is present and not null.
func (a answer) ran() bool {
	d := strings.TrimSpace(string(a.Data))
	return d != "" && d != "null"
}

// codes lists the extensions.code of the errors.
func (a answer) codes() []string {
	var out []string
	for _, e := range a.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// firstError is the first error's message, or "".
func (a answer) firstError() string {
	if len(a.Errors) == 0 {
		return ""
	}
	return a.Errors[0].Message
}

// do sends one request and decodes the answer; a body that is not JSON is kept in Raw only.
func (k *kit) do(req *http.Request) answer {
	k.t.Helper()
	rec := httptest.NewRecorder()
	k.handler.ServeHTTP(rec, req)
	a := answer{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.String()}
	if rec.Body.Len() > 0 && strings.HasPrefix(rec.Header().Get("Content-Type"), "application/") {
		require.NoError(k.t, json.Unmarshal(rec.Body.Bytes(), &a), "not a GraphQL response: %.500s", a.Raw)
	}
	return a
}

// post sends a JSON body.
func (k *kit) post(body any, header ...string) answer {
	k.t.Helper()
	var s string
	switch b := body.(type) {
	case string:
		s = b
	default:
		raw, err := json.Marshal(b)
		require.NoError(k.t, err)
		s = string(raw)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(s))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return k.do(req)
}

// query posts a query with variables (nil for none).
func (k *kit) query(q string, vars map[string]any) answer {
	k.t.Helper()
	body := map[string]any{"query": q}
	if vars != nil {
		body["variables"] = vars
	}
	return k.post(body)
}

// get sends GET /graphql with the given parameters, then header pairs.
func (k *kit) get(params url.Values, header ...string) answer {
	k.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/graphql?"+params.Encode(), nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return k.do(req)
}

// noSQL runs f and fails the test if the store ran any statement meanwhile.
func (k *kit) noSQL(what string, f func()) {
	k.t.Helper()
	before := k.store.Statements()
	f()
	require.Equal(k.t, before, k.store.Statements(), "%s ran SQL", what)
}

// assertVaries checks that a response has one Vary line and that it names name: caches such
// as nginx honour only the last of several lines.
func assertVaries(t testing.TB, h http.Header, name string) {
	t.Helper()
	lines := h.Values("Vary")
	if assert.Len(t, lines, 1, "one Vary line: %q", lines) {
		var names []string
		for v := range strings.SplitSeq(lines[0], ",") {
			names = append(names, strings.TrimSpace(v))
		}
		assert.Contains(t, names, name)
	}
}
