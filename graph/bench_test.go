package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"

	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/workload"
)

// BenchmarkCanonical runs each canonical query through the whole HTTP handler (routing,
// CORS, access log, GraphQL, loaders, SQLite) on the seeds, and reports beside time and
// allocations the SQL statements each request runs (sql/op), the processor time the process
// spent on it (cpu-ns/op), the objects of its answer (objects/op), and time and allocations
// per object (cpu-ns/object, allocs/object). Each query runs three ways:
//
//	cold    the server keeps nothing between requests: every request reads and decodes
//	        its records and runs in full
//	fresh   the server keeps decoded records (warm after the first request), and each
//	        request aliases its first field anew, so that no answer kept can answer it
//	repeat  the same request again and again: answered from the answers kept
//
// TREATYGRAPH_BENCH_SCALE runs it on larger graphs too, e.g. "1,100,1000": the seeds scaled
// with internal/synth. Their databases are kept in TREATYGRAPH_BENCH_DIR (by default a
// folder in the system's temporary directory) and reused while the seeds, the build code and
// the generator are unchanged; building scale 1000 takes minutes the first time.
//
//	go test ./graph -run '^$' -bench Canonical -benchtime 2s
//	TREATYGRAPH_BENCH_SCALE=1,100,1000 go test ./graph -run '^$' -bench Canonical
func BenchmarkCanonical(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(server.DefaultGCPercent)) // as serve runs
	scales, err := workload.ParseInts(envOr("TREATYGRAPH_BENCH_SCALE", "1"))
	if err != nil {
		b.Fatalf("TREATYGRAPH_BENCH_SCALE: %v", err)
	}
	dir := envOr("TREATYGRAPH_BENCH_DIR", filepath.Join(os.TempDir(), "treatygraph-bench"))
	root, err := workload.Root()
	if err != nil {
		b.Fatal(err)
	}
	base := seeds(b)
	for _, scale := range scales {
		db, err := workload.Database(context.Background(), root, base, scale, 1, dir)
		if err != nil {
			b.Fatal(err)
		}
		if db.Built > 0 {
			b.Logf("built scale %d in %s (%d MB): %s", scale, db.Built.Round(1e6), db.Bytes>>20, db.Path)
		}
		store, err := sqlite.Open(db.Path, 8)
		if err != nil {
			b.Fatal(err)
		}
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		cold := server.New(server.Config{Store: store, Logger: logger, RecordCache: -1, ResponseCacheBytes: -1})
		kept := server.New(server.Config{Store: store, Logger: logger})
		for _, q := range workload.Canonical() {
			// Bodies are made before the clock starts or without encoding JSON, so that the
			// figures are the server's.
			fresh, same := q.FreshBodies(), q.Body()
			b.Run(fmt.Sprintf("%s/scale=%d/cold", q.Name, scale), func(b *testing.B) { benchQuery(b, cold, q, fresh) })
			b.Run(fmt.Sprintf("%s/scale=%d/fresh", q.Name, scale), func(b *testing.B) { benchQuery(b, kept, q, fresh) })
			b.Run(fmt.Sprintf("%s/scale=%d/repeat", q.Name, scale), func(b *testing.B) {
				benchQuery(b, kept, q, func(int) []byte { return same })
			})
		}
		_ = store.Close()
	}
}

// fresh counts the requests of every benchmark, so that each gets a new alias.
var fresh atomic.Int64

func benchQuery(b *testing.B, h http.Handler, q workload.Query, body func(n int) []byte) {
	// One checked request first: a benchmark of an error would measure nothing useful.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, newRequest(body(int(fresh.Add(1))), nil))
	var resp struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &resp) != nil || len(resp.Errors) > 0 {
		b.Fatalf("%s: status %d: %s", q.Name, rec.Code, rec.Body.String())
	}
	objects, err := workload.Objects(rec.Body.Bytes())
	if err != nil || objects == 0 {
		b.Fatalf("%s: no objects in the answer (%v)", q.Name, err)
	}

	var statements atomic.Int64
	w := &discardWriter{}
	b.ReportAllocs()
	b.SetBytes(int64(rec.Body.Len()))
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	mallocs := mem.Mallocs
	cpu := workload.CPUTime()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, newRequest(body(int(fresh.Add(1))), &statements))
		if w.status != http.StatusOK {
			b.Fatalf("%s: status %d", q.Name, w.status)
		}
	}
	used := workload.CPUTime() - cpu
	runtime.ReadMemStats(&mem)
	n := float64(b.N)
	b.ReportMetric(float64(statements.Load())/n, "sql/op")
	b.ReportMetric(float64(objects), "objects/op")
	b.ReportMetric(float64(mem.Mallocs-mallocs)/n/float64(objects), "allocs/object")
	// Processor time of the whole process (garbage collection included) per request: unlike
	// ns/op, it hardly moves when other processes share the machine.
	if used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/n, "cpu-ns/op")
		b.ReportMetric(float64(used.Nanoseconds())/n/float64(objects), "cpu-ns/object")
	}
}

// newRequest is a POST /graphql with body, counting its SQL statements into n.
func newRequest(body []byte, n *atomic.Int64) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if n != nil {
		req = req.WithContext(sqlite.WithCounter(req.Context(), n))
	}
	return req
}

// discardWriter is a ResponseWriter that keeps only the status, so that the benchmark
// measures the handler rather than a recorder.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) reset() { w.header, w.status = http.Header{}, 0 }

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// BenchmarkFloor measures what every request costs before any query work, through the same
// handler as BenchmarkCanonical: a path that is not served (routing, CORS, the access log and
// metrics, a 404) and the smallest query asked again (`{ __typename }`, answered from the
// answers kept). They bound from below the processor time per object of small answers.
//
//	go test ./graph -run '^$' -bench Floor -benchtime 20000x
func BenchmarkFloor(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(server.DefaultGCPercent)) // as serve runs
	root, err := workload.Root()
	if err != nil {
		b.Fatal(err)
	}
	db, err := workload.Database(context.Background(), root, seeds(b), 1, 1, envOr("TREATYGRAPH_BENCH_DIR", filepath.Join(os.TempDir(), "treatygraph-bench")))
	if err != nil {
		b.Fatal(err)
	}
	store, err := sqlite.Open(db.Path, 8)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	h := server.New(server.Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	typename := []byte(`{"query":"{ __typename }"}`)
	for _, c := range []struct {
		name    string
		request func() *http.Request
		status  int
	}{
		{"not-found", func() *http.Request {
			req, _ := http.NewRequest(http.MethodGet, "/nowhere", nil)
			return req
		}, http.StatusNotFound},
		{"typename-repeat", func() *http.Request { return newRequest(typename, nil) }, http.StatusOK},
	} {
		b.Run(c.name, func(b *testing.B) {
			w := &discardWriter{}
			b.ReportAllocs()
			cpu := workload.CPUTime()
			for b.Loop() {
				w.reset()
				h.ServeHTTP(w, c.request())
				if w.status != c.status {
					b.Fatalf("status %d, want %d", w.status, c.status)
				}
			}
			b.ReportMetric(float64((workload.CPUTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}
