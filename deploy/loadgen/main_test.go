package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCacheShares(t *testing.T) {
	assert.Equal(t, "-", cacheShares(map[string]int{}, 0))
	assert.Equal(t, "HIT 99.5%, UPDATING 4, REVALIDATED 1", cacheShares(map[string]int{"HIT": 995, "UPDATING": 4, "REVALIDATED": 1}, 1000))
}

// TestRun sends GETs and POSTs to a GraphQL-like server and checks the row printed, and that
// an answer with errors fails the run.
func TestRun(t *testing.T) {
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"e"`)
		if r.Method == http.MethodPost {
			posts.Add(1)
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		}
		if r.Header.Get("If-None-Match") == `"e"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if strings.Contains(r.URL.RawQuery, "bad") {
			_, _ = w.Write([]byte(`{"errors":[{"message":"no"}]}`))
			return
		}
		w.Header().Set("X-Cache-Status", "HIT")
		_, _ = w.Write([]byte(`{"data":{}}`))
	}))
	defer srv.Close()
	good := srv.URL + "/graphql?query=%7Ba%7D&variables=%7B%22x%22%3A1%7D"
	for _, args := range [][]string{
		{"-c", "2", "-d", "200ms", "-warmup", "50ms", "-pids", strconv.Itoa(os.Getpid()), good},
		{"-c", "2", "-d", "200ms", "-warmup", "50ms", "-method", "POST", good},
		{"-c", "2", "-d", "200ms", "-warmup", "50ms", "-revalidate", good},
	} {
		var out strings.Builder
		require.NoError(t, run(args, &out), args)
		assert.Regexp(t, `^\| (GET|POST) 127\.0\.0\.1:\d+ \| 2 \| \d+ \| [\d.]+ ms \| [\d.]+ ms \| (n/a|\d+ µs) \| (HIT 100\.0%|-) \| 0 \|\n$`, out.String(), args)
	}
	assert.Positive(t, posts.Load())
	var out strings.Builder
	err := run([]string{"-c", "1", "-d", "100ms", "-warmup", "10ms", srv.URL + "/graphql?query=bad"}, &out)
	assert.ErrorContains(t, err, "a GraphQL answer with errors")
}

// TestReportGivesNoCPUFigureWhenTheTicksFell: a process that ended while measuring takes its
// ticks with it, and a negative CPU per request is never printed.
func TestReportGivesNoCPUFigureWhenTheTicksFell(t *testing.T) {
	c := config{label: "GET x", clients: 1, pids: []int{1}, clkTck: 100}
	for _, tc := range []struct {
		before, after int64
		want          string
	}{{100, 102, "| 10000 µs |"}, {100, 91, "| n/a |"}} {
		m := &measurement{latencies: []time.Duration{time.Millisecond, 2 * time.Millisecond}, cache: map[string]int{},
			before: tc.before, after: tc.after, elapsed: time.Second}
		var out strings.Builder
		require.NoError(t, m.report(&out, c))
		assert.Contains(t, out.String(), tc.want)
	}
}
