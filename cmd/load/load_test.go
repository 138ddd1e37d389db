package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/workload"
)

// TestMain lets the test binary be the server process, as the load tool is.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == serveChildFlag {
		if err := serveChild(os.Args[2:]); err != nil {
			os.Stderr.WriteString("load: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestMetricValue(t *testing.T) {
	text := `# HELP treatygraph_sql_statements_total SQL statements the store has run since it was opened.
# TYPE treatygraph_sql_statements_total counter
treatygraph_sql_statements_total_other 3
treatygraph_sql_statements_total{shard="a"} 5
treatygraph_sql_statements_total 1.234567e+06
treatygraph_cache_hits_total{cache="answers"} 7
`
	v, err := metricValue(strings.NewReader(text), "treatygraph_sql_statements_total")
	require.NoError(t, err)
	assert.Equal(t, 1234567.0, v)

	_, err = metricValue(strings.NewReader(text), "treatygraph_sql_rows_total")
	assert.Error(t, err)

	sum, err := metricSum(strings.NewReader(text), "treatygraph_sql_statements_total")
	require.NoError(t, err)
	assert.Equal(t, 1234572.0, sum, "labelled and unlabelled samples, not the longer name")
}

func TestCeilingAnswersFreshBodies(t *testing.T) {
	q := workload.Canonical()[0]
	want := answer{header: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{"data":{"node":{"id":"x"}}}`)}
	srv := httptest.NewServer(ceiling(map[string]answer{q.Name: want}))
	defer srv.Close()
	for _, body := range [][]byte{q.Body(), q.FreshBody(1), q.FreshBody(2)} {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(string(body)))
		require.NoError(t, err)
		req.Header.Set(queryHeader, q.Name)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, want.body, got)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	}
	resp, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(string(q.Body())))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "a request naming no query")
}

func TestParseModes(t *testing.T) {
	m, err := parseModes("fresh, repeat,fresh,nocache")
	require.NoError(t, err)
	assert.Equal(t, []string{modeFresh, modeRepeat, modeNoCache}, m)
	_, err = parseModes("fresh,warm")
	assert.Error(t, err)
}

func TestFetchTellsARefusalFromAFailure(t *testing.T) {
	q := workload.Canonical()[0]
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"errors":[{"message":"the query costs too much"}]}`)
	}))
	defer refuse.Close()
	_, err := fetch(refuse.URL, q)
	var refused refusedError
	require.ErrorAs(t, err, &refused)
	assert.Equal(t, "the query costs too much", refused.message)

	fail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer fail.Close()
	_, err = fetch(fail.URL, q)
	require.Error(t, err)
	assert.NotErrorAs(t, err, &refused)
}
