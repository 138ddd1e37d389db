package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncLog collects JSON log records written from the handler's goroutines.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// records returns the log records with the given message.
func (l *syncLog) records(t *testing.T, msg string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(l.b.String()), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func TestAccessLog(t *testing.T) {
	var logs syncLog
	k := newKit(t, Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	k.query(`query Members { organization(slug: "csto") { members { role } } }`, nil)
	k.query(`{ nope }`, nil)
	k.do(httptest.NewRequest(http.MethodGet, "/healthz", nil))

	recs := logs.records(t, "request")
	require.Len(t, recs, 3)
	ok := recs[0]
	assert.Equal(t, "POST", ok["method"])
	assert.Equal(t, "/graphql", ok["path"])
	assert.Equal(t, float64(200), ok["status"])
	assert.Greater(t, ok["duration"], float64(0))
	assert.Equal(t, "Members", ok["operation"])
	stints, err := k.store.LargestStintList(context.Background())
	require.NoError(t, err)
	assert.Equal(t, float64(1+1+stints), ok["cost"])
	assert.NotContains(t, ok, "errors")

	bad := recs[1]
	assert.Equal(t, float64(200), bad["status"])
	assert.Equal(t, []any{"GRAPHQL_VALIDATION_FAILED"}, bad["errors"])
	assert.NotContains(t, bad, "cost", "a query that did not validate was not costed")

	assert.Equal(t, "/healthz", recs[2]["path"])
}

func TestMetrics(t *testing.T) {
	k := newKit(t, Config{})
	k.query(`{ states { totalCount } }`, nil)
	k.query(`{ states(first: 101) { totalCount } }`, nil)
	k.do(httptest.NewRequest(http.MethodGet, "/nowhere/at/all", nil))

	a := k.do(httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, a.Status)
	for _, want := range []string{
		`treatygraph_http_requests_total{code="200",route="/graphql"} 2`,
		`treatygraph_http_requests_total{code="404",route="unmatched"} 1`,
		`treatygraph_http_request_duration_seconds_bucket{route="/graphql",le="+Inf"} 2`,
		`treatygraph_graphql_query_cost_count 2`,
		`treatygraph_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
		`treatygraph_dataset_info{version="` + k.store.Version() + `"} 1`,
		`treatygraph_sql_statements_total `,
		`go_goroutines `,
		`process_resident_memory_bytes `,
	} {
		assert.Contains(t, a.Raw, want)
	}
	assert.NotContains(t, a.Raw, "/nowhere", "unmatched paths must not make new series")
}

func TestHealthAndReadiness(t *testing.T) {
	k := newKit(t, Config{})
	a := k.do(httptest.NewRequest(http.MethodGet, "/healthz", nil))
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, "ok "+k.store.Version()+"\n", a.Raw)
	a = k.do(httptest.NewRequest(http.MethodGet, "/readyz", nil))
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, "ready "+k.store.Version()+"\n", a.Raw)

	require.NoError(t, k.store.Close())
	a = k.do(httptest.NewRequest(http.MethodGet, "/readyz", nil))
	assert.Equal(t, http.StatusServiceUnavailable, a.Status)
	assert.Contains(t, a.Raw, "not ready")
	a = k.do(httptest.NewRequest(http.MethodGet, "/healthz", nil))
	assert.Equal(t, http.StatusServiceUnavailable, a.Status)
}

func TestPanicsOutsideResolversAre500(t *testing.T) {
	var logs syncLog
	h := recoverPanics(slog.New(slog.NewJSONHandler(&logs, nil)), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`, rec.Body.String())
	recs := logs.records(t, "panic while serving")
	require.Len(t, recs, 1)
	assert.Equal(t, "boom", recs[0]["panic"])
}
