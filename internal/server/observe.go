package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/treatygraph/treatygraph/internal/lru"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// Observability: one access log line per request through log/slog, Prometheus metrics at
// /metrics, and the health checks /healthz and /readyz.

// requestInfo is what the GraphQL layer learns about a request, for its log line and metrics.
type requestInfo struct {
	mu        sync.Mutex
	analysed  bool // the operation was parsed, validated and costed
	operation string
	cost      int
	cached    bool // answered from the response cache
	kept      *keptAnswer
	keep      func(body []byte) *keptAnswer // keeps the answer written, when it may be kept
	codes     []string                      // extensions.code of the response's errors
	// admitted: the budget admitted the request (budget.admit) and counts in held the bytes
	// of its answer not yet written (budget.hold). Set before the handler runs.
	admitted bool
	held     atomic.Int64
	// statements counts the SQL statements the request runs (sqlite.WithCounter).
	statements atomic.Int64
	// writer is the request's ResponseWriter as observe sees it, allocated with the rest.
	writer statusWriter
	// doc is the document validated for this request and not kept (docCache), its text query.
	doc   *ast.QueryDocument
	query string
}

// setDocument keeps doc, validated for query, for the request.
func (i *requestInfo) setDocument(query string, doc *ast.QueryDocument) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.doc, i.query = doc, query
}

// document is the document validated for query in this request (setDocument), if any.
func (i *requestInfo) document(query string) *ast.QueryDocument {
	if i == nil {
		return nil
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.doc != nil && i.query == query {
		return i.doc
	}
	return nil
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

func (i *requestInfo) setOperation(name string, cost int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.analysed, i.operation, i.cost = true, name, cost
}

// setKept records that the answer is the kept one k.
func (i *requestInfo) setKept(k *keptAnswer) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.cached, i.kept = true, k
}

// setKeep records how to keep the answer once it is written.
func (i *requestInfo) setKeep(keep func(body []byte) *keptAnswer) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.keep = keep
}

// answerKept returns the kept answer that answers the request, or how to keep the answer
// written (each nil when there is none).
func (i *requestInfo) answerKept() (*keptAnswer, func(body []byte) *keptAnswer) {
	if i == nil {
		return nil, nil
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.kept, i.keep
}

func (i *requestInfo) addCodes(codes []string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.codes = append(i.codes, codes...)
}

// metrics are the Prometheus series of one handler, in a registry of its own so that tests
// can build many handlers.
type metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	cost       prometheus.Histogram
	errorCodes *prometheus.CounterVec
}

// cacheStats names a cache and how to read its figures, for the metrics.
type cacheStats struct {
	name  string
	stats func() lru.Stats
}

// newMetrics registers the metrics of a server over store whose cost limit is maxCost, with
// the figures of its caches.
func newMetrics(store *sqlite.Store, maxCost int, caches ...cacheStats) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "treatygraph_http_requests_total",
			Help: "HTTP requests answered, by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "treatygraph_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		cost: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "treatygraph_graphql_query_cost",
			Help:    "Computed cost of the GraphQL operations received (see extensions.cost).",
			Buckets: costBuckets(maxCost),
		}),
		errorCodes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "treatygraph_graphql_errors_total",
			Help: "Errors in GraphQL responses, by extensions.code.",
		}, []string{"code"}),
	}
	dataset := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "treatygraph_dataset_info",
		Help:        "Always 1; its label is the dataset version, the hash of the seeds the database was built from.",
		ConstLabels: prometheus.Labels{"version": store.Version()},
	})
	dataset.Set(1)
	m.registry.MustRegister(m.requests, m.duration, m.cost, m.errorCodes, dataset,
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "treatygraph_sql_statements_total",
			Help: "SQL statements the store has run since it was opened.",
		}, func() float64 { return float64(store.Statements()) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	for _, c := range caches {
		labels := prometheus.Labels{"cache": c.name}
		m.registry.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "treatygraph_cache_hits_total",
				Help: "Lookups a cache answered.", ConstLabels: labels},
				func() float64 { return float64(c.stats().Hits) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "treatygraph_cache_misses_total",
				Help: "Lookups a cache could not answer.", ConstLabels: labels},
				func() float64 { return float64(c.stats().Misses) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "treatygraph_cache_evictions_total",
				Help: "Entries a cache dropped to make room.", ConstLabels: labels},
				func() float64 { return float64(c.stats().Evictions) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "treatygraph_cache_size",
				Help: "What a cache holds: bytes for answers, records for records.", ConstLabels: labels},
				func() float64 { return float64(c.stats().Size) }),
		)
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// statusWriter remembers the status code and size written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe writes one log line per request and records its metrics. The route is the
// pattern the mux matched, so that arbitrary paths do not make new series.
func observe(logger *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{}
		sw := &info.writer
		sw.ResponseWriter = w
		ctx := sqlite.WithCounter(context.WithValue(r.Context(), infoKey{}, info), &info.statements)
		r = r.WithContext(ctx)
		next.ServeHTTP(sw, r)
		elapsed := time.Since(start)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := r.Pattern // set by the mux on this request
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(route).Observe(elapsed.Seconds())

		attrs := []slog.Attr{
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("duration", elapsed), slog.Int("bytes", sw.bytes),
			slog.Int64("sql", info.statements.Load()),
		}
		info.mu.Lock()
		if info.analysed {
			m.cost.Observe(float64(info.cost))
			attrs = append(attrs, slog.String("operation", info.operation), slog.Int("cost", info.cost))
		}
		if info.cached {
			attrs = append(attrs, slog.Bool("cached", true))
		}
		for _, code := range info.codes {
			m.errorCodes.WithLabelValues(code).Inc()
		}
		if len(info.codes) > 0 {
			attrs = append(attrs, slog.Any("errors", slices.Compact(slices.Sorted(slices.Values(info.codes)))))
		}
		info.mu.Unlock()
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// recoverPanics answers 500 when a handler panics, logging the panic, instead of dropping
// the connection. Panics in resolvers are recovered by gqlgen and never reach here.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.ErrorContext(r.Context(), "panic while serving", "path", r.URL.Path,
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// healthz answers whether the process serves and its database answers, through the store's
// health connection: never waiting for the pool that requests may all hold.
func healthz(store *sqlite.Store) http.HandlerFunc {
	return probe(store, probeAnswer{ok: "ok", unavailable: "database unavailable"})
}

// ReadyTimeout bounds the query /readyz and /healthz send to the store.
const ReadyTimeout = 2 * time.Second

// readyz answers whether the server can answer queries: whether the store answers within
// ReadyTimeout, through its health connection (not the pool).
func readyz(store *sqlite.Store) http.HandlerFunc {
	return probe(store, probeAnswer{ok: "ready", unavailable: "not ready: database unavailable", noStore: true})
}

// probeAnswer is what a health check answers: ok and the dataset version when the store
// answers, unavailable with a 503 when it does not; noStore forbids caches to keep either.
type probeAnswer struct {
	ok, unavailable string
	noStore         bool
}

// probe checks the store within ReadyTimeout through its health connection and answers as a
// says.
func probe(store *sqlite.Store, a probeAnswer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
		defer cancel()
		if a.noStore {
			w.Header().Set("Cache-Control", "no-store")
		}
		if err := store.Check(ctx); err != nil {
			http.Error(w, a.unavailable, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%s %s\n", a.ok, store.Version())
	}
}

// errorCodes lists the extensions.code of a response's errors.
func errorCodes(resp *graphql.Response) []string {
	var codes []string
	for _, e := range resp.Errors {
		if code, ok := e.Extensions["code"].(string); ok {
			codes = append(codes, code)
		} else {
			codes = append(codes, "NONE")
		}
	}
	return codes
}

// costBuckets are the buckets of the cost histogram: powers of ten and a few steps between,
// below maxCost, and maxCost itself, the most a query that ran may have cost.
func costBuckets(maxCost int) []float64 {
	var buckets []float64
	for _, b := range []int{1, 10, 100, 1000, 5000, 10000, 25000, 50000} {
		if b < maxCost {
			buckets = append(buckets, float64(b))
		}
	}
	return append(buckets, float64(maxCost))
}
