// Command soak runs treatygraph's real HTTP handler on a loopback port and sends it a mixed
// load for a fixed time from a few concurrent clients, then reports how many requests it
// answered, how many failed (there must be none), latency percentiles, and samples of the
// process's memory over the run, which must stay flat. It stops by itself and exits 1 on
// any failed request or when memory grew.
//
//	go run ./cmd/soak -duration 60s
//
// The load mixes the canonical queries of internal/workload over POST and GET, GET
// revalidations answered 304, automatic persisted queries sent by hash, queries never seen
// before (which fill and churn the server's caches), refusals the server must give (too
// deep, too costly, a form post, a batch, a page too large) and health checks. A refusal that
// comes as expected counts as a success.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/treatygraph/treatygraph/internal/procstat"
	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/workload"
)

// MaxDuration bounds a run, whatever -duration says.
const MaxDuration = time.Hour

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	duration  time.Duration
	clients   int
	sample    time.Duration
	maxGrowth float64
	verbose   bool
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "how long to send load (at most 1h)")
	fs.IntVar(&o.clients, "clients", 4, "concurrent clients")
	fs.DurationVar(&o.sample, "sample", 5*time.Second, "how often to sample memory")
	fs.Float64Var(&o.maxGrowth, "max-growth", 0.25, "the most the median live heap under load may grow from the first half of the run after warm-up to the second, as a fraction (growth under 32 MiB always passes: requests in flight are live too)")
	fs.BoolVar(&o.verbose, "v", false, "write the server's access log to stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.duration <= 0 || o.duration > MaxDuration || o.clients < 1 || o.sample <= 0 {
		fmt.Fprintf(stderr, "soak: want 0 < -duration <= %s, -clients >= 1, -sample > 0\n", MaxDuration)
		return 2
	}
	ok, err := soak(o, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "soak: %v\n", err)
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}

// soak runs the server and the load and reports; ok is false when a request failed or
// memory grew.
func soak(o options, stdout, stderr io.Writer) (ok bool, err error) {
	root, err := workload.Root()
	if err != nil {
		return false, err
	}
	g, err := workload.Seeds(root)
	if err != nil {
		return false, err
	}
	dir, err := os.MkdirTemp("", "treatygraph-soak-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "graph.db")
	if err := sqlite.Build(context.Background(), g, path); err != nil {
		return false, err
	}
	store, err := sqlite.Open(path, 8)
	if err != nil {
		return false, err
	}
	defer store.Close()

	base, stop, err := serveLoopback(store, o, stderr)
	if err != nil {
		return false, err
	}
	defer stop()
	fmt.Fprintf(stdout, "soak: %s for %s with %d clients, dataset %s\n", base, o.duration, o.clients, store.Version())

	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: o.clients * 2, MaxIdleConnsPerHost: o.clients * 2, IdleConnTimeout: time.Minute},
	}
	mix, err := newMix(base)
	if err != nil {
		return false, err
	}
	// Fill the caches first, then register the persisted queries of the load: they are used
	// many times a second, so the LRU keeps them however many unseen queries pass.
	if err := mix.fill(client); err != nil {
		return false, fmt.Errorf("filling the caches: %w", err)
	}
	sent, err := mix.fillAnswers(client)
	if err != nil {
		return false, fmt.Errorf("filling the kept answers: %w", err)
	}
	fmt.Fprintf(stdout, "soak: %d unseen queries filled the kept answers to their bound\n", sent)
	if err := mix.register(client); err != nil {
		return false, fmt.Errorf("registering persisted queries: %w", err)
	}

	var st stats
	st.init()
	startStatements := store.Statements()
	samples, elapsed := load(o, client, mix, &st)
	return report(stdout, o, &st, samples, elapsed, store.Statements()-startStatements), nil
}

// serveLoopback serves store on a port of the loopback interface; it returns the server's
// base URL and stop, which closes it. Its access log goes to stderr when o.verbose.
func serveLoopback(store *sqlite.Store, o options, stderr io.Writer) (base string, stop func() error, err error) {
	logOut := io.Discard
	if o.verbose {
		logOut = stderr
	}
	handler := server.New(server.Config{Store: store, Logger: slog.New(slog.NewTextHandler(logOut, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0") // loopback only
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), srv.Close, nil
}

// load sends the mix from o.clients clients for o.duration, counting the answers in st, and
// samples memory before, every o.sample and after.
func load(o options, client *http.Client, mix *mix, st *stats) (samples []memSample, elapsed time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()

	start := time.Now()
	samples = append(samples, sampleMemory(0, client, mix.base))
	var wg sync.WaitGroup
	for i := range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			for ctx.Err() == nil {
				mix.send(client, rng, st)
			}
		}()
	}
	ticker := time.NewTicker(o.sample)
	for done := false; !done; {
		select {
		case <-ticker.C:
			samples = append(samples, sampleMemory(time.Since(start), client, mix.base))
		case <-ctx.Done():
			done = true
		}
	}
	ticker.Stop()
	wg.Wait()
	elapsed = time.Since(start)
	// The clients' idle connections close, and the goroutines that served them (on both
	// sides) end soon after, not at once: give them up to two seconds, so that what is
	// counted after the load is what outlives it.
	client.CloseIdleConnections()
	for deadline := time.Now().Add(2 * time.Second); runtime.NumGoroutine() > samples[0].goroutines && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	samples = append(samples, sampleMemory(elapsed, client, mix.base))

	return samples, elapsed
}

// mix is the requests the clients send, each with what a correct answer looks like.
type mix struct {
	base     string
	requests []request
	total    int          // sum of weights
	unique   atomic.Int64 // numbers the unseen queries
}

type request struct {
	kind   string
	weight int
	// build makes the request; state is per-kind data such as a remembered ETag.
	build func() (*http.Request, error)
	// check says what is wrong with the answer to req, or "" when it is right.
	check func(req *http.Request, status int, header http.Header, body []byte) string
}

// newMix makes the kinds of request the soak sends to the server at base, with their weights.
func newMix(base string) (*mix, error) {
	m := &mix{base: base}
	endpoint := base + "/graphql"
	for _, q := range workload.Canonical() {
		if err := m.addQuery(endpoint, q); err != nil {
			return nil, err
		}
	}

	// Queries never seen before, so that the caches of parsed documents and persisted queries
	// churn: memory must stay flat all the same.
	m.add(request{kind: "POST unseen query", weight: 3, build: m.unseen, check: wantData})

	m.addRefusals(endpoint)
	m.addHealth(base)
	return m, nil
}

// addQuery adds the ways of asking q: POST, GET, GET revalidated and automatic persisted query.
func (m *mix) addQuery(endpoint string, q workload.Query) error {
	m.add(request{kind: "POST " + q.Name, weight: 6, build: func() (*http.Request, error) {
		return jsonPost(endpoint, q.Body())
	}, check: wantData})

	params := url.Values{"query": {q.Text}}
	if q.Vars != nil {
		vars, err := json.Marshal(q.Vars)
		if err != nil {
			return err
		}
		params.Set("variables", string(vars))
	}
	getURL := endpoint + "?" + params.Encode()
	m.add(request{kind: "GET " + q.Name, weight: 2, build: func() (*http.Request, error) {
		return http.NewRequest(http.MethodGet, getURL, nil)
	}, check: func(req *http.Request, status int, h http.Header, body []byte) string {
		if h.Get("ETag") == "" || !strings.HasPrefix(h.Get("Cache-Control"), "public") {
			return "a GET answer without ETag or public Cache-Control"
		}
		return wantData(req, status, h, body)
	}})

	// Revalidation: the ETag is learned once, then every request must get 304.
	var etag atomic.Value
	m.add(request{kind: "GET 304 " + q.Name, weight: 2, build: func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, getURL, nil)
		if e, ok := etag.Load().(string); ok && err == nil {
			req.Header.Set("If-None-Match", e)
		}
		return req, err
	}, check: func(req *http.Request, status int, h http.Header, body []byte) string {
		if req.Header.Get("If-None-Match") == "" {
			if h.Get("ETag") == "" {
				return "a GET answer without ETag"
			}
			etag.CompareAndSwap(nil, h.Get("ETag"))
			return wantData(req, status, h, body)
		}
		if status != http.StatusNotModified || len(body) > 0 {
			return fmt.Sprintf("a revalidation answered %d with %d bytes, want 304 and no body", status, len(body))
		}
		return ""
	}})

	hash := sha256.Sum256([]byte(q.Text))
	apq, err := json.Marshal(map[string]any{"variables": q.Vars, "extensions": map[string]any{
		"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(hash[:])}}})
	if err != nil {
		return err
	}
	m.add(request{kind: "APQ " + q.Name, weight: 2, build: func() (*http.Request, error) {
		return jsonPost(endpoint, apq)
	}, check: wantData})
	return nil
}

// addRefusals adds requests the server must refuse, each with the status and code it must
// answer.
func (m *mix) addRefusals(endpoint string) {
	deep := `{ state(slug: "armenia") { memberships { organization { members { member { memberships { organization { members { member { memberships { role } } } } } } } } } } }`
	refusals := []struct {
		kind, contentType, body string
		status                  int
		code                    string
	}{
		{"refused: too deep", "application/json", mustJSON(map[string]string{"query": deep}), 200, server.CodeDepthLimitExceeded},
		{"refused: too costly", "application/json", mustJSON(map[string]string{"query": `{ organizations(first: 100) { nodes { members { member { memberships { role } } } } } }`}), 200, server.CodeComplexityLimitExceeded},
		{"refused: form post", "application/x-www-form-urlencoded", "query=%7B__typename%7D", 415, server.CodeUnsupportedMediaType},
		{"refused: batch", "application/json", `[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`, 400, server.CodeBatchingNotSupported},
		{"refused: first over 100", "application/json", mustJSON(map[string]string{"query": `{ states(first: 500) { totalCount } }`}), 200, "BAD_USER_INPUT"},
	}
	for _, r := range refusals {
		r := r
		m.add(request{kind: r.kind, weight: 1, build: func() (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(r.body))
			if err == nil {
				req.Header.Set("Content-Type", r.contentType)
			}
			return req, err
		}, check: func(_ *http.Request, status int, _ http.Header, body []byte) string {
			if status != r.status {
				return fmt.Sprintf("status %d, want %d", status, r.status)
			}
			var resp gqlResponse
			if err := json.Unmarshal(body, &resp); err != nil || len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != r.code {
				return fmt.Sprintf("want an error with code %s, got %.200s", r.code, body)
			}
			return ""
		}})
	}
}

// addHealth adds the health checks.
func (m *mix) addHealth(base string) {
	for _, p := range []string{"/healthz", "/readyz"} {
		target := base + p
		m.add(request{kind: "GET " + p, weight: 1, build: func() (*http.Request, error) {
			return http.NewRequest(http.MethodGet, target, nil)
		}, check: func(_ *http.Request, status int, _ http.Header, _ []byte) string {
			if status != http.StatusOK {
				return fmt.Sprintf("status %d", status)
			}
			return ""
		}})
	}
}

// unseen makes a persisted query with a text no request had before.
func (m *mix) unseen() (*http.Request, error) {
	n := m.unique.Add(1)
	q := fmt.Sprintf(`query Unseen%d { a%d: state(slug: "armenia") { name memberships { role organization { acronym } } } }`, n, n)
	hash := sha256.Sum256([]byte(q))
	return jsonPost(m.base+"/graphql", []byte(mustJSON(map[string]any{"query": q, "extensions": map[string]any{
		"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(hash[:])}}})))
}

// fill sends as many unseen queries as the server's caches hold, so that the load starts
// with them full, as a server that has run for a while has them.
func (m *mix) fill(client *http.Client) error {
	for range max(server.QueryCacheEntries, server.APQCacheEntries) {
		req, err := m.unseen()
		if err != nil {
			return err
		}
		status, h, b, err := do(client, req)
		if err != nil {
			return err
		}
		if problem := wantData(req, status, h, b); problem != "" {
			return errors.New(problem)
		}
	}
	return nil
}

// maxFill bounds the unseen queries fillAnswers sends.
const maxFill = 200_000

// fillAnswers sends unseen queries until the kept answers are at their bound in bytes (the
// cache has dropped one to make room), so that the answers the load adds replace others
// rather than grow the heap: a cache filling is not a leak. It returns how many it sent.
func (m *mix) fillAnswers(client *http.Client) (int, error) {
	for sent := 0; sent < maxFill; sent++ {
		if sent%100 == 0 {
			c, err := cacheFigures(client, m.base)
			if err != nil {
				return sent, err
			}
			if c.evictions["responses"] > 0 {
				return sent, nil
			}
		}
		req, err := m.unseen()
		if err != nil {
			return sent, err
		}
		status, h, b, err := do(client, req)
		if err != nil {
			return sent, err
		}
		if problem := wantData(req, status, h, b); problem != "" {
			return sent, errors.New(problem)
		}
	}
	return maxFill, fmt.Errorf("the kept answers were not full after %d unseen queries", maxFill)
}

// caches is what the server's caches hold, by name, as its metrics say.
type caches struct {
	size, evictions map[string]float64
}

// cacheFigures reads the caches' sizes and evictions from the server's /metrics.
func cacheFigures(client *http.Client, base string) (caches, error) {
	c := caches{size: map[string]float64{}, evictions: map[string]float64{}}
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		return c, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return c, err
	}
	if resp.StatusCode != http.StatusOK {
		return c, fmt.Errorf("/metrics: %s", resp.Status)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		for metric, into := range map[string]map[string]float64{"treatygraph_cache_size": c.size, "treatygraph_cache_evictions_total": c.evictions} {
			rest, ok := strings.CutPrefix(line, metric+`{cache="`)
			if !ok {
				continue
			}
			name, value, ok := strings.Cut(rest, `"} `)
			if !ok {
				continue
			}
			if v, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
				into[name] = v
			}
		}
	}
	if _, ok := c.size["responses"]; !ok {
		return c, errors.New("/metrics has no treatygraph_cache_size for the kept answers")
	}
	return c, nil
}

func (m *mix) add(r request) {
	m.requests = append(m.requests, r)
	m.total += r.weight
}

// register sends each persisted query with its text once, as a client does after
// PERSISTED_QUERY_NOT_FOUND, so that the hash-only requests of the load find it.
func (m *mix) register(client *http.Client) error {
	for _, q := range workload.Canonical() {
		hash := sha256.Sum256([]byte(q.Text))
		body := mustJSON(map[string]any{"query": q.Text, "variables": q.Vars, "extensions": map[string]any{
			"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(hash[:])}}})
		req, err := jsonPost(m.base+"/graphql", []byte(body))
		if err != nil {
			return err
		}
		status, h, b, err := do(client, req)
		if err != nil {
			return err
		}
		if problem := wantData(req, status, h, b); problem != "" {
			return fmt.Errorf("%s: %s", q.Name, problem)
		}
	}
	return nil
}

// send picks a request by weight, sends it and records the outcome.
func (m *mix) send(client *http.Client, rng *rand.Rand, st *stats) {
	n := rng.IntN(m.total)
	var r request
	for _, r = range m.requests {
		if n < r.weight {
			break
		}
		n -= r.weight
	}
	req, err := r.build()
	if err != nil {
		st.fail(r.kind, err.Error())
		return
	}
	start := time.Now()
	status, h, body, err := do(client, req)
	elapsed := time.Since(start)
	switch {
	case err != nil:
		st.fail(r.kind, err.Error())
	case status >= 500:
		st.fail(r.kind, fmt.Sprintf("status %d: %.200s", status, body))
	default:
		if problem := r.check(req, status, h, body); problem != "" {
			st.fail(r.kind, problem)
		} else {
			st.ok(r.kind, elapsed)
		}
	}
}

func jsonPost(target string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

func do(client *http.Client, req *http.Request) (int, http.Header, []byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body, err
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// wantData checks a successful GraphQL answer: 200, data, no errors.
func wantData(_ *http.Request, status int, _ http.Header, body []byte) string {
	if status != http.StatusOK {
		return fmt.Sprintf("status %d: %.200s", status, body)
	}
	var resp gqlResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return "the answer is not JSON: " + err.Error()
	}
	if len(resp.Errors) > 0 {
		return "errors: " + resp.Errors[0].Message
	}
	if d := strings.TrimSpace(string(resp.Data)); d == "" || d == "null" {
		return "no data"
	}
	return ""
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// stats counts outcomes; latencies go into a fixed histogram so that the load generator's
// own memory stays flat, as the server's must.
type stats struct {
	mu       sync.Mutex
	byKind   map[string]int
	failures map[string][]string // kind → the first few problems
	failed   int
	hist     latencyHistogram
}

func (s *stats) init() {
	s.byKind = map[string]int{}
	s.failures = map[string][]string{}
}

func (s *stats) ok(kind string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byKind[kind]++
	s.hist.add(d)
}

func (s *stats) fail(kind, problem string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byKind[kind]++
	s.failed++
	if len(s.failures[kind]) < 3 {
		s.failures[kind] = append(s.failures[kind], problem)
	}
}

// latencyHistogram has buckets growing by 5% from 10µs to past a minute.
type latencyHistogram struct {
	counts [400]int
	n      int
	max    time.Duration
}

const histBase, histGrowth = 10 * time.Microsecond, 1.05

func (h *latencyHistogram) add(d time.Duration) {
	i := 0
	if d > histBase {
		i = int(math.Ceil(math.Log(float64(d)/float64(histBase)) / math.Log(histGrowth)))
	}
	h.counts[min(i, len(h.counts)-1)]++
	h.n++
	h.max = max(h.max, d)
}

// quantile is the upper bound of the bucket holding the q-th latency.
func (h *latencyHistogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int(math.Ceil(q * float64(h.n)))
	seen := 0
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(float64(histBase)*math.Pow(histGrowth, float64(i))), h.max)
		}
	}
	return h.max
}

// memSample is the process's memory at one moment.
type memSample struct {
	at         time.Duration
	heapLive   uint64 // HeapAlloc right after a collection: what is really kept
	heapAlloc  uint64 // HeapAlloc before it
	sys        uint64
	rss        uint64
	goroutines int
	answers    float64 // bytes the kept answers hold, as the server's metrics say (-1 unread)
	records    float64 // records the record cache holds
}

func sampleMemory(at time.Duration, client *http.Client, base string) memSample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := memSample{at: at, heapAlloc: ms.HeapAlloc, goroutines: runtime.NumGoroutine(), rss: rss()}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	s.heapLive, s.sys = ms.HeapAlloc, ms.Sys
	s.answers, s.records = -1, -1
	if c, err := cacheFigures(client, base); err == nil {
		s.answers, s.records = c.size["responses"], c.size["records"]
	}
	return s
}

// rss reads the resident set size from /proc (0 where there is none).
func rss() uint64 {
	n, _ := procstat.Memory(0, "VmRSS")
	return n
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// report prints the figures and says whether the run passed.
func report(w io.Writer, o options, st *stats, samples []memSample, elapsed time.Duration, statements int64) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	total := 0
	kinds := make([]string, 0, len(st.byKind))
	for k, n := range st.byKind {
		kinds = append(kinds, k)
		total += n
	}
	sort.Strings(kinds)

	fmt.Fprintf(w, "\nrequests: %d in %s (%.0f/s), failures: %d, SQL statements: %d (%.1f per request)\n",
		total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), st.failed, statements, float64(statements)/float64(max(total, 1)))
	fmt.Fprintf(w, "latency: p50 %s  p90 %s  p99 %s  max %s\n",
		st.hist.quantile(.50).Round(time.Microsecond), st.hist.quantile(.90).Round(time.Microsecond),
		st.hist.quantile(.99).Round(time.Microsecond), st.hist.max.Round(time.Microsecond))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nkind\trequests\tfailed\t")
	for _, k := range kinds {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", k, st.byKind[k], len(st.failures[k]))
	}
	_ = tw.Flush()

	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nat\tlive heap\theap\tsys\tRSS\tgoroutines\tkept answers\tkept records\t")
	for _, s := range samples {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%.0f\t\n", s.at.Round(time.Second), mib(s.heapLive), mib(s.heapAlloc), mib(s.sys), mib(s.rss), s.goroutines, mib(uint64(max(s.answers, 0))), s.records)
	}
	_ = tw.Flush()

	ok := true
	if st.failed > 0 {
		ok = false
		fmt.Fprintf(w, "\nFAIL: %d requests failed:\n", st.failed)
		for _, k := range kinds {
			for _, p := range st.failures[k] {
				fmt.Fprintf(w, "  %s: %s\n", k, p)
			}
		}
	}
	// Memory: the median live heap (measured right after a collection) of the samples under
	// load in the first half after warm-up (a fifth of the run: pools grown; the caches were
	// filled before the run) against the second half. A leak of a few hundred bytes a request shows as growth.
	first, second, err := halves(samples, o.duration/5)
	if err != nil {
		fmt.Fprintf(w, "\nmemory: %v\n", err)
	} else {
		growth := float64(second)/float64(first) - 1
		fmt.Fprintf(w, "\nlive heap under load (median): %s in the first half after warm-up, %s in the second (%+.1f%%)\n",
			mib(first), mib(second), 100*growth)
		// A request in flight at a sample is live too: the three-hop query over the COW
		// dataset holds some 15 MB while it runs, so the floor is wider than one of them.
		if growth > o.maxGrowth && second-first > inFlightFloor {
			ok = false
			fmt.Fprintf(w, "FAIL: the live heap grew by more than %.0f%% (and %s) under the same load\n", 100*o.maxGrowth, mib(inFlightFloor))
		}
	}
	startS, end := samples[0], samples[len(samples)-1]
	// After the load nothing is in flight: what is live then is what the server keeps.
	if first > 0 && end.heapLive > first+(first>>1) && end.heapLive > startS.heapLive+(4<<20) {
		ok = false
		fmt.Fprintf(w, "FAIL: after the load the live heap is %s, more than under it (%s)\n", mib(end.heapLive), mib(first))
	}
	fmt.Fprintf(w, "RSS: %s at start, %s at the end; after the load: live heap %s, %d goroutines (%d at start)\n",
		mib(startS.rss), mib(end.rss), mib(end.heapLive), end.goroutines, startS.goroutines)
	if end.goroutines > startS.goroutines+10 {
		ok = false
		fmt.Fprintf(w, "FAIL: %d goroutines outlive the load\n", end.goroutines-startS.goroutines)
	}
	if ok {
		fmt.Fprintln(w, "PASS")
	}
	return ok
}

// halves returns the median live heap of the samples taken under load after warmup, in the
// first half of them and in the second.
func halves(samples []memSample, warmup time.Duration) (first, second uint64, err error) {
	var loaded []uint64
	for _, s := range samples[:len(samples)-1] { // the last sample is taken after the load
		if s.at >= warmup {
			loaded = append(loaded, s.heapLive)
		}
	}
	if len(loaded) < 4 {
		return 0, 0, errors.New("too few samples under load to judge; lower -sample or raise -duration")
	}
	mid := len(loaded) / 2
	return median(loaded[:mid]), median(loaded[mid:]), nil
}

func median(xs []uint64) uint64 {
	s := append([]uint64(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// inFlightFloor is the growth of the live heap under load that always passes: requests in
// flight at a sample are live too.
const inFlightFloor = 32 << 20
