package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// logBuffer collects log output written from the handler's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// openSeedStore opens the database of the project's real seeds, built once per test binary
// (see seedDB). Each caller gets a store of its own, closed when the test ends (closing it
// twice is harmless).
func openSeedStore(t testing.TB) (*sqlite.Store, string) {
	t.Helper()
	path := seedDB(t)
	store, err := sqlite.Open(path, 2)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	return store, path
}

type gqlResult struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r gqlResult) executed() bool {
	d := strings.TrimSpace(string(r.Data))
	return d != "" && d != "null"
}

// sendRequest sends one request to h and returns the recorded response.
func sendRequest(h http.Handler, method, target, contentType, body string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func postQuery(h http.Handler, query string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"query": query})
	return sendRequest(h, http.MethodPost, "/graphql", "application/json", string(body), nil)
}

func decodeResult(t *testing.T, rec *httptest.ResponseRecorder) gqlResult {
	t.Helper()
	var r gqlResult
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &r), "not a GraphQL response: %.500s", rec.Body.String())
	return r
}

// TestInternalErrorsAreMasked makes every query fail inside the store by closing it, and
// checks that clients see a bare "internal error" while the log keeps the real cause.
func TestInternalErrorsAreMasked(t *testing.T) {
	store, path := openSeedStore(t)
	var logs logBuffer
	h := New(Config{Store: store, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, store.Close())

	for _, q := range []string{
		`{ states { totalCount nodes { name } } }`,
		`{ organization(acronym: "CSTO") { name members { member { name } } } }`,
		`{ search(text: "Moscow") { score } }`,
	} {
		rec := postQuery(h, q)
		body := rec.Body.String()
		assert.Equal(t, http.StatusOK, rec.Code, "%s", body)
		r := decodeResult(t, rec)
		if assert.NotEmpty(t, r.Errors, "%s: %s", q, body) {
			for _, e := range r.Errors {
				assert.Equal(t, "internal error", e.Message, "%s: %s", q, body)
				assert.Equal(t, "INTERNAL", e.Extensions["code"], "%s: %s", q, body)
			}
		}
		lower := strings.ToLower(body)
		for _, leak := range []string{"sql", "database", "closed", ".go", filepath.Dir(path), "graph.db", "/"} {
			assert.NotContains(t, lower, strings.ToLower(leak), "%s: response leaks %q: %s", q, leak, body)
		}
	}
	assert.Contains(t, logs.String(), "database is closed", "the real cause must be logged")

	// Health checks report the dead database instead of "ok".
	rec := sendRequest(h, http.MethodGet, "/healthz", "", "", nil)
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "%s", rec.Body.String())
	assert.NotContains(t, rec.Body.String(), "ok")
}

// TestUserErrorsAreShown checks that errors meant for the client keep their message and code.
func TestUserErrorsAreShown(t *testing.T) {
	store, _ := openSeedStore(t)
	h := New(Config{Store: store, Logger: slog.New(slog.DiscardHandler)})
	rec := postQuery(h, `{ organization(acronym: "CSTO") { members(at: "1996-13-45") { role } } }`)
	r := decodeResult(t, rec)
	require.Len(t, r.Errors, 1, "%s", rec.Body.String())
	assert.Contains(t, r.Errors[0].Message, `"1996-13-45"`)
	assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"])
}

// TestOnlyJSONAndGETAreExecuted refuses request bodies a browser can send cross-site without
// a preflight (form posts, plain text): a query must never run from them.
func TestOnlyJSONAndGETAreExecuted(t *testing.T) {
	store, _ := openSeedStore(t)
	h := New(Config{Store: store, Logger: slog.New(slog.DiscardHandler)})
	query := `{ states { totalCount } }`

	for _, tc := range []struct {
		name, contentType, body string
	}{
		{"form", "application/x-www-form-urlencoded", url.Values{"query": {query}}.Encode()},
		{"multipart", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\n" + query + "\r\n--x--\r\n"},
		{"plain text", "text/plain", fmt.Sprintf(`{"query":%q}`, query)},
		{"no content type", "", fmt.Sprintf(`{"query":%q}`, query)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := sendRequest(h, http.MethodPost, "/graphql", tc.contentType, tc.body, nil)
			assert.GreaterOrEqual(t, rec.Code, 400, "%s", rec.Body.String())
			assert.Less(t, rec.Code, 500, "%s", rec.Body.String())
			assert.NotContains(t, rec.Body.String(), "totalCount", "the query was executed")
		})
	}

	// The same query as JSON does run, so the refusals above are about the encoding only.
	rec := postQuery(h, query)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body.String())
	assert.True(t, decodeResult(t, rec).executed(), "%s", rec.Body.String())
}

// TestCORSRestrictedOrigins serves with a list of allowed origins: those are echoed back, with
// Vary: Origin so caches keep answers apart; any other origin gets no permission.
func TestCORSRestrictedOrigins(t *testing.T) {
	store, _ := openSeedStore(t)
	allowed := "https://notebook.example"
	h := New(Config{Store: store, Logger: slog.New(slog.DiscardHandler), CORSOrigins: []string{allowed, "https://other.example"}})
	query := `{"query":"{ states { totalCount } }"}`

	for _, tc := range []struct {
		name, origin, want string
	}{
		{"allowed origin", allowed, allowed},
		{"other allowed origin", "https://other.example", "https://other.example"},
		{"foreign origin", "https://evil.example", ""},
		{"lookalike origin", "https://notebook.example.evil.example", ""},
		{"no origin", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := http.Header{}
			if tc.origin != "" {
				hdr.Set("Origin", tc.origin)
			}
			rec := sendRequest(h, http.MethodPost, "/graphql", "application/json", query, hdr)
			assert.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, tc.want, rec.Header().Get("Access-Control-Allow-Origin"))
			assertVaries(t, rec.Header(), "Origin")
			assert.Empty(t, rec.Header().Get("Access-Control-Allow-Credentials"))

			hdr.Set("Access-Control-Request-Method", "POST")
			pre := sendRequest(h, http.MethodOptions, "/graphql", "", "", hdr)
			assert.Equal(t, http.StatusNoContent, pre.Code)
			assert.Equal(t, tc.want, pre.Header().Get("Access-Control-Allow-Origin"))
			assertVaries(t, pre.Header(), "Origin")
		})
	}

	// The default allows any origin; "*" needs no Vary.
	open := New(Config{Store: store, Logger: slog.New(slog.DiscardHandler)})
	rec := sendRequest(open, http.MethodPost, "/graphql", "application/json", query, http.Header{"Origin": {"https://evil.example"}})
	assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
}

// TestParserTokenLimit sends a query that is small in every way but its number of tokens
// (one field whose list argument holds many values): it is refused with a GraphQL error
// before being executed, not answered with a 500.
func TestParserTokenLimit(t *testing.T) {
	store, _ := openSeedStore(t)
	h := New(Config{Store: store, Logger: slog.New(slog.DiscardHandler)})

	ids := strings.TrimSuffix(strings.Repeat(`"x",`, 2*DefaultMaxParserTokens), ",")
	query := `{ nodes(ids: [` + ids + `]) { id } }`
	require.Less(t, len(query), DefaultMaxBodyBytes, "the query must fit the body limit to reach the parser")

	rec := postQuery(h, query)
	assert.Less(t, rec.Code, 500, "%.300s", rec.Body.String())
	r := decodeResult(t, rec)
	require.NotEmpty(t, r.Errors, "%.300s", rec.Body.String())
	assert.Contains(t, strings.ToLower(r.Errors[0].Message), "token")
	assert.False(t, r.executed(), "%.300s", rec.Body.String())
}

// TestBodyLimit refuses a body over DefaultMaxBodyBytes without executing it.
func TestBodyLimit(t *testing.T) {
	store, _ := openSeedStore(t)
	h := New(Config{Store: store, Logger: slog.New(slog.DiscardHandler)})
	query := `{ states { totalCount } }`
	rec := postQuery(h, query+strings.Repeat(" ", DefaultMaxBodyBytes))
	r := decodeResult(t, rec)
	assert.NotEmpty(t, r.Errors, "%.300s", rec.Body.String())
	assert.False(t, r.executed(), "a body over the limit was executed: %.300s", rec.Body.String())
}
