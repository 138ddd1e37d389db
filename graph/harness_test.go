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

	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
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

// newAPI builds g into a database in a temporary directory and serves it.
func newAPI(t testing.TB, g *kg.Graph) *api {
	t.Helper()
	path := filepath.Join(t.TempDir(), "graph.db")
	require.NoError(t, sqlite.Build(context.Background(), g, path))
	store, err := sqlite.Open(path, 4)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &api{store: store, handler: server.NewGraphQL(store, logger)}
}

var (
	realOnce sync.Once
	realAPI  *api
	realErr  error
	realDir  string
)

// real serves the project's seeds; shared by the tests of this package and built once.
func real(t testing.TB) *api {
	g := seeds(t)
	realOnce.Do(func() {
		if realDir, realErr = os.MkdirTemp("", "treatygraph-graph-test-"); realErr != nil {
			return
		}
		path := filepath.Join(realDir, "graph.db")
		if realErr = sqlite.Build(context.Background(), g, path); realErr != nil {
			return
		}
		store, err := sqlite.Open(path, 4)
		if realErr = err; err != nil {
			return
		}
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		realAPI = &api{store: store, handler: server.NewGraphQL(store, logger)}
	})
	require.NoError(t, realErr)
	return realAPI
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

var (
	curatedOnce sync.Once
	curatedAPI  *api
	curatedErr  error
	curatedDir  string
)

// curated serves the hand-curated seeds alone, without the facts of published datasets: the
// same shape as the real graph with a few hundredths of its stints, for tests that compare
// a small graph with a large one. Built once.
func curated(t testing.TB) *api {
	g := curatedGraph(t)
	curatedOnce.Do(func() {
		if curatedDir, curatedErr = os.MkdirTemp("", "treatygraph-graph-test-"); curatedErr != nil {
			return
		}
		path := filepath.Join(curatedDir, "graph.db")
		if curatedErr = sqlite.Build(context.Background(), g, path); curatedErr != nil {
			return
		}
		store, err := sqlite.Open(path, 4)
		if curatedErr = err; err != nil {
			return
		}
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		curatedAPI = &api{store: store, handler: server.NewGraphQL(store, logger)}
	})
	require.NoError(t, curatedErr)
	return curatedAPI
}

func TestMain(m *testing.M) {
	code := m.Run()
	if curatedAPI != nil {
		_ = curatedAPI.store.Close()
	}
	if curatedDir != "" {
		_ = os.RemoveAll(curatedDir)
	}
	if realAPI != nil {
		_ = realAPI.store.Close()
	}
	if realDir != "" {
		_ = os.RemoveAll(realDir)
	}
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
	Statements int64  `json:"-"`
	Raw        []byte `json:"-"`
	Status     int    `json:"-"`
}

// do posts a query with variables and returns the decoded response.
func (a *api) do(t testing.TB, query string, vars map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	var n atomic.Int64
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req = req.WithContext(sqlite.WithCounter(req.Context(), &n))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	var r response
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &r), rec.Body.String())
	r.Statements = n.Load()
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
