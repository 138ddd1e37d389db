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
	"sync/atomic"
	"testing"

	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/workload"
)

// BenchmarkCanonical runs each canonical query through the whole HTTP handler (routing,
// CORS, access log, GraphQL, loaders, SQLite) on the seeds, and reports beside time and
// allocations the SQL statements each request runs (sql/op) and the processor time the
// process spent on it (cpu-ns/op).
//
// TREATYGRAPH_BENCH_SCALE runs it on larger graphs too, e.g. "1,100,1000": the seeds scaled
// with internal/synth. Their databases are kept in TREATYGRAPH_BENCH_DIR (by default a
// folder in the system's temporary directory) and reused while the seeds, the build code and
// the generator are unchanged; building scale 1000 takes minutes the first time.
//
//	go test ./graph -run '^$' -bench Canonical -benchtime 2s
//	TREATYGRAPH_BENCH_SCALE=1,100,1000 go test ./graph -run '^$' -bench Canonical
func BenchmarkCanonical(b *testing.B) {
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
		h := server.New(server.Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		for _, q := range workload.Canonical() {
			b.Run(fmt.Sprintf("%s/scale=%d", q.Name, scale), func(b *testing.B) { benchQuery(b, h, q) })
		}
		_ = store.Close()
	}
}

func benchQuery(b *testing.B, h http.Handler, q workload.Query) {
	body := q.Body()
	// One checked request first: a benchmark of an error would measure nothing useful.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, newRequest(body, nil))
	var resp struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &resp) != nil || len(resp.Errors) > 0 {
		b.Fatalf("%s: status %d: %s", q.Name, rec.Code, rec.Body.String())
	}

	var statements atomic.Int64
	w := &discardWriter{}
	b.ReportAllocs()
	b.SetBytes(int64(rec.Body.Len()))
	cpu := workload.CPUTime()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, newRequest(body, &statements))
		if w.status != http.StatusOK {
			b.Fatalf("%s: status %d", q.Name, w.status)
		}
	}
	b.ReportMetric(float64(statements.Load())/float64(b.N), "sql/op")
	// Processor time of the whole process (garbage collection included) per request: unlike
	// ns/op, it hardly moves when other processes share the machine.
	if used := workload.CPUTime() - cpu; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
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
