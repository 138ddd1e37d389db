package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/graph"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/synth"
	"github.com/treatygraph/treatygraph/internal/testdb"
	"github.com/treatygraph/treatygraph/internal/testgate"
)

var (
	seedsOnce  sync.Once
	seedsGraph *kg.Graph
	seedsErr   error
)

// seeds loads the project's real seed set once per test binary.
func seeds(t testing.TB) *kg.Graph {
	seedsOnce.Do(func() { seedsGraph, seedsErr = seed.Load(os.DirFS("../seeds"), "seeds") })
	require.NoError(t, seedsErr)
	return seedsGraph
}

// api is a GraphQL endpoint over a freshly built database.
type api struct {
	store   *sqlite.Store
	handler http.Handler
}

// shared is an API over a database opened once per test binary: built from a graph into a
// directory removed when the tests end, or the database of the seeds that the tests of
// several packages share (see testdb).
type shared struct {
	once sync.Once
	api  *api
	err  error
	dir  string
}

func (s *shared) get(t testing.TB, graphOf func() *kg.Graph) *api {
	s.once.Do(func() {
		g := graphOf()
		if s.dir, s.err = os.MkdirTemp("", "treatygraph-graph-test-"); s.err != nil {
			return
		}
		path := filepath.Join(s.dir, "graph.db")
		if s.err = sqlite.Build(context.Background(), g, path); s.err != nil {
			return
		}
		s.open(path)
	})
	require.NoError(t, s.err)
	return s.api
}

// open serves the database at path.
func (s *shared) open(path string) {
	store, err := sqlite.Open(path, 4)
	if s.err = err; err != nil {
		return
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.api = &api{store: store, handler: newHandler(store, logger)}
}

func (s *shared) close() {
	if s.api != nil {
		_ = s.api.store.Close()
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

var realShared, curatedShared, tenfoldShared shared

// real serves the project's seeds, from the database the tests of several packages share.
func real(t testing.TB) *api {
	path := testdb.Seeds(t)
	realShared.once.Do(func() { realShared.open(path) })
	require.NoError(t, realShared.err)
	return realShared.api
}

var (
	curatedGraphOnce sync.Once
	curatedG         *kg.Graph
	curatedGErr      error
)

// curatedGraph loads the curated seeds alone, without the facts of published datasets, once.
func curatedGraph(t testing.TB) *kg.Graph {
	curatedGraphOnce.Do(func() { curatedG, curatedGErr = seed.LoadCurated(os.DirFS("../seeds"), "seeds") })
	require.NoError(t, curatedGErr)
	return curatedG
}

// curated serves the hand-curated seeds alone, without the facts of published datasets: the
// same shape as the real graph with a few hundredths of its stints, for tests that compare
// a small graph with a large one. Built once.
func curated(t testing.TB) *api {
	return curatedShared.get(t, func() *kg.Graph { return curatedGraph(t) })
}

// tenfold serves ten copies of the curated seeds, with the copies' CSTO stints in the CSTO
// (see joinedCopies), so that lists about the CSTO grow too: the large graph the tests that
// compare statements at two scales set beside curated. Built once.
func tenfold(t testing.TB) *api {
	return tenfoldShared.get(t, func() *kg.Graph { return joinedCopies(synth.Scale(curatedGraph(t), 10), "csto") })
}

// harnessTimeout is the time limit of a request in these tests, which check answers, not
// speed: the largest of them (every state's stints at twelve dates) must not time out on a
// machine busy with other work.
const harnessTimeout = 2 * time.Minute

func newHandler(store *sqlite.Store, logger *slog.Logger) http.Handler {
	return server.NewGraphQLWith(server.Config{Store: store, Logger: logger, Timeout: harnessTimeout})
}

func TestMain(m *testing.M) {
	testgate.CollectAsServeDoes()
	code := m.Run()
	realShared.close()
	curatedShared.close()
	tenfoldShared.close()
	os.Exit(code)
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	// Statements is how many SQL statements the request ran.
	Statements int64 `json:"-"`
	// Refetches lists the loaders that fetched twice at one level (see graph.BatchLog).
	Refetches []string `json:"-"`
	Raw       []byte   `json:"-"`
	Status    int      `json:"-"`
}

// do posts a query with variables and returns the decoded response.
func (a *api) do(t testing.TB, query string, vars map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	var n atomic.Int64
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	var batches graph.BatchLog
	req = req.WithContext(graph.WithBatchLog(sqlite.WithCounter(req.Context(), &n), &batches))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	var r response
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &r), rec.Body.String())
	r.Statements = n.Load()
	r.Refetches = batches.Refetches()
	r.Raw = rec.Body.Bytes()
	r.Status = rec.Code
	return r
}

// data runs a query that must succeed and decodes its data into v.
func (a *api) data(t testing.TB, query string, vars map[string]any, v any) {
	t.Helper()
	r := a.do(t, query, vars)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Empty(t, r.Errors, "query failed: %s", r.Raw)
	require.NoError(t, json.Unmarshal(r.Data, v))
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
