// Command load measures treatygraph under load on this machine: for each scale of the data
// it serves the real handler on a loopback port in a process of its own, drives each
// canonical query at each concurrency for a fixed time, and does the same against a handler
// that returns the same response bytes precomputed, the ceiling of this machine for that
// response. Besides throughput and latency it reads the server process's processor time and
// SQL statements over each measurement, which other load on a shared machine barely moves.
// It prints a Markdown table and stops by itself.
//
//	go run ./cmd/load [-scale 1,100,1000] [-duration 5s] [-concurrency 1,8,32] [-queries lookup,page] [-mode fresh,repeat,nocache]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/treatygraph/treatygraph/internal/procstat"
	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/workload"
)

func main() {
	var err error
	if len(os.Args) > 1 && os.Args[1] == serveChildFlag {
		err = serveChild(os.Args[2:])
	} else {
		err = run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// Modes of sending a query.
const (
	// modeFresh gives each request an alias no request had before, so that no answer kept
	// can answer it, while the records the server keeps decoded stay warm.
	modeFresh = "fresh"
	// modeRepeat sends the same request each time: answered from the answers kept.
	modeRepeat = "repeat"
	// modeNoCache sends fresh requests to a server keeping neither records nor answers.
	modeNoCache = "nocache"
)

var allModes = []string{modeFresh, modeRepeat, modeNoCache}

// queryHeader names the canonical query a request sends, for the ceiling to answer it
// whatever its alias.
const queryHeader = "X-Treatygraph-Load-Query"

type options struct {
	scales, concurrency []int
	queries             []workload.Query
	modes               []string
	duration, warmup    time.Duration
	conns               int
	rand                uint64
	dbDir               string
	serverProfile       string
	fair                int // clients of the dearest query beside a lookup (fair.go); 0: the table
	memoryLimit         int64
	gcPercent           int
}

// run parses the flags, builds or reuses the database of each scale and measures it,
// printing the table even when a measurement fails.
func run() error {
	o, flags, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, flags.timeout)
	defer cancel()

	stopProfile, err := startCPUProfile(flags.cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()

	cells := len(o.scales) * len(o.queries) * len(o.concurrency) * (len(o.modes) + 1)
	if o.fair > 0 {
		cells = 2 * len(admissionVariants())
	}
	fmt.Fprintf(os.Stderr, "load: %d measurements of %s each (about %s, plus building databases); GOMAXPROCS=%d\n",
		cells, o.duration, (time.Duration(cells) * (o.duration + o.warmup)).Round(time.Second), runtime.GOMAXPROCS(0))

	root, err := workload.Root()
	if err != nil {
		return err
	}
	base, err := workload.Seeds(root)
	if err != nil {
		return err
	}
	var rows []row
	var dbs []*workload.DB
	var notes []string
	for _, scale := range o.scales {
		db, err := workload.Database(ctx, root, base, scale, o.rand, o.dbDir)
		if err != nil {
			return fmt.Errorf("scale %d: %w", scale, err)
		}
		dbs = append(dbs, db)
		if db.Built > 0 {
			fmt.Fprintf(os.Stderr, "load: built scale %d in %s (%.1f MB)\n", scale, db.Built.Round(time.Millisecond), float64(db.Bytes)/(1<<20))
		} else {
			fmt.Fprintf(os.Stderr, "load: reusing scale %d (%.1f MB): %s\n", scale, float64(db.Bytes)/(1<<20), db.Path)
		}
		if o.fair > 0 {
			return measureFairness(ctx, o, db, o.fair, os.Stdout)
		}
		got, err := measureScale(ctx, o, db, &notes)
		rows = append(rows, got...)
		if err != nil {
			printTable(os.Stdout, rows, dbs, notes)
			return err
		}
	}
	printTable(os.Stdout, rows, dbs, notes)
	return nil
}

// runFlags are the flags that concern the whole run rather than its measurements.
type runFlags struct {
	timeout    time.Duration
	cpuprofile string
}

// parseFlags parses args; asked for help, it prints it and returns flag.ErrHelp.
func parseFlags(args []string) (options, runFlags, error) {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: go run ./cmd/load [-scale 1,100,1000] [-duration 5s] [-concurrency 1,8,32] [-queries lookup,page] [-mode fresh,repeat,nocache]\n\n"+
			"Serves each scale of the data on 127.0.0.1 with the real handler, in a process of its\n"+
			"own, and with a handler that returns the same responses precomputed, drives each\n"+
			"canonical query against both, and prints a Markdown table with the server process's\n"+
			"processor time per request. Run it from inside the repository.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	scales := fs.String("scale", "1,100,1000", "comma-separated scales of the data: 1 is the seeds, N is N times their size")
	conc := fs.String("concurrency", "1,8,32", "comma-separated numbers of clients sending requests at once")
	queries := fs.String("queries", "", "comma-separated canonical queries to run (default all: lookup,state,events,two-hop,three-hop,page,search,path,page-all)")
	modes := fs.String("mode", modeFresh+","+modeRepeat, "comma-separated ways of sending each query: "+
		"fresh (a new alias each request, so no answer kept applies; records stay warm), "+
		"repeat (the same request each time, answered from the answers kept), "+
		"nocache (fresh requests to a server keeping neither records nor answers)")
	duration := fs.Duration("duration", 5*time.Second, "how long to drive each query at each concurrency, for each handler")
	warmup := fs.Duration("warmup", 300*time.Millisecond, "unmeasured load before each measurement")
	conns := fs.Int("conns", 8, "most open database connections, as serve -conns")
	rnd := fs.Uint64("rand", 1, "seed of the synthetic copies")
	dbDir := fs.String("db-dir", filepath.Join(os.TempDir(), "treatygraph-bench"), "where databases of each scale are kept and reused between runs")
	var rf runFlags
	fs.DurationVar(&rf.timeout, "timeout", time.Hour, "stop everything after this long, whatever is left")
	fs.StringVar(&rf.cpuprofile, "cpuprofile", "", "write a CPU profile of the load tool itself (clients and ceiling) to this file")
	memoryLimit := fs.Int64("server-memory-limit", 0, "the servers' -memory-limit, `N` bytes (0: serve's default)")
	gcPercent := fs.Int("server-gc-percent", 0, "the servers' -gc-percent `N` (0: serve's default)")
	fair := fs.Int("fair", 0, "instead of the table, measure at the first scale a lookup alone and beside `N` clients sending the dearest admitted query, under each way of admitting operations")
	serverProfile := fs.String("server-cpuprofile", "", "write CPU profiles of the server processes to files named from this prefix: PREFIX-x<scale>-caches-<on|off>.pprof")
	if err := fs.Parse(args); err != nil {
		return options{}, rf, err
	}
	o := options{duration: *duration, warmup: *warmup, conns: *conns, rand: *rnd, dbDir: *dbDir, serverProfile: *serverProfile, fair: *fair,
		memoryLimit: *memoryLimit, gcPercent: *gcPercent}
	var err error
	if o.scales, err = workload.ParseInts(*scales); err != nil {
		return o, rf, fmt.Errorf("-scale: %w", err)
	}
	if o.concurrency, err = workload.ParseInts(*conc); err != nil {
		return o, rf, fmt.Errorf("-concurrency: %w", err)
	}
	if o.queries, err = workload.Select(*queries); err != nil {
		return o, rf, fmt.Errorf("-queries: %w", err)
	}
	if o.modes, err = parseModes(*modes); err != nil {
		return o, rf, fmt.Errorf("-mode: %w", err)
	}
	if o.duration <= 0 {
		return o, rf, errors.New("-duration must be positive")
	}
	return o, rf, nil
}

func parseModes(s string) ([]string, error) {
	var out []string
	for _, m := range strings.Split(s, ",") {
		m = strings.TrimSpace(m)
		if !slices.Contains(allModes, m) {
			return nil, fmt.Errorf("unknown mode %q (want fresh, repeat or nocache)", m)
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// row is one line of the table: one query sent one way at one scale and concurrency.
type row struct {
	query, mode   string
	scale, conc   int
	objects       int
	real, ceiling result
	// cpuPerReq is the server process's processor time per request; negative when it
	// could not be read.
	cpuPerReq        time.Duration
	statementsPerReq float64
	// ceilingCPUPerReq is the ceiling process's processor time per request; negative when
	// it could not be read.
	ceilingCPUPerReq time.Duration
}

// fresh numbers the aliases of fresh requests, over all clients and the whole run.
var fresh atomic.Int64

// measureScale serves one database and drives every query against it and its ceiling.
// Notes on what was left out are added to notes.
func measureScale(ctx context.Context, o options, db *workload.DB, notes *[]string) ([]row, error) {
	servers, stopServers, err := startServers(ctx, o, db)
	if err != nil {
		return nil, err
	}
	defer stopServers()
	defer func() {
		// The most memory each server process held: its resident set's high-water mark.
		for caches, srv := range servers {
			if hwm, err := procstat.Memory(srv.pid, "VmHWM"); err == nil {
				*notes = append(*notes, fmt.Sprintf("scale %d, caches %s: the server process's peak RSS was %.0f MB", db.Scale, onOff(caches), float64(hwm)/1e6))
			}
		}
	}()
	first := servers[modeUsesCaches(o.modes[0])]
	if _, err := procstat.CPU(first.pid); err != nil {
		fmt.Fprintf(os.Stderr, "load: the server's processor time cannot be read here (%v); its columns stay empty\n", err)
	}
	queries, answers, objects, err := fetchAnswers(first.url, o, db, notes)
	if err != nil {
		return nil, err
	}
	ceil, err := startCeiling(ctx, answers)
	if err != nil {
		return nil, err
	}
	defer ceil.stop()

	metricsClient := &http.Client{Timeout: 10 * time.Second}
	var rows []row
	for _, q := range queries {
		for _, c := range o.concurrency {
			first := len(rows)
			for _, mode := range o.modes {
				r, err := measureReal(ctx, o, db, servers[modeUsesCaches(mode)], metricsClient, q, mode, c)
				r.objects = objects[q.Name]
				rows = append(rows, r)
				if err != nil {
					return rows, err
				}
			}
			measured, cpu, err := measureCeiling(ctx, o, db, ceil, q, c)
			for i := first; i < len(rows); i++ {
				rows[i].ceiling, rows[i].ceilingCPUPerReq = measured, cpu
			}
			if err != nil {
				return rows, err
			}
		}
	}
	return rows, nil
}

// startServers starts a server process for each kind the modes need, one keeping records
// and answers and one keeping none, by that; stop stops them.
func startServers(ctx context.Context, o options, db *workload.DB) (servers map[bool]*child, stop func(), err error) {
	servers = map[bool]*child{}
	var started []*child
	stop = func() {
		for i := len(started) - 1; i >= 0; i-- {
			started[i].stop()
		}
	}
	for _, m := range o.modes {
		caches := m != modeNoCache
		if servers[caches] != nil {
			continue
		}
		cfg := childConfig{db: db.Path, conns: o.conns, caches: caches, memoryLimit: o.memoryLimit, gcPercent: o.gcPercent}
		if o.serverProfile != "" {
			cfg.cpuprofile = fmt.Sprintf("%s-x%d-caches-%s.pprof", o.serverProfile, db.Scale, onOff(caches))
		}
		c, err := startChild(ctx, cfg)
		if err != nil {
			stop()
			return nil, nil, err
		}
		started = append(started, c)
		servers[caches] = c
	}
	return servers, stop, nil
}

// fetchAnswers asks the server at url each query once, for the ceiling to answer with the
// bytes and headers the real handler gave, and counts the objects of each answer. A query
// the server refuses at this scale (a limit) is left out, and said so in notes.
func fetchAnswers(url string, o options, db *workload.DB, notes *[]string) ([]workload.Query, map[string]answer, map[string]int, error) {
	answers := map[string]answer{}
	objects := map[string]int{}
	var queries []workload.Query
	for _, q := range o.queries {
		a, err := fetch(url, q)
		var refused refusedError
		if errors.As(err, &refused) {
			fmt.Fprintf(os.Stderr, "load: scale %d: left out %v\n", db.Scale, err)
			*notes = append(*notes, fmt.Sprintf("At scale %d, %s is left out: the server refused it (%s).", db.Scale, q.Name, refused.message))
			continue
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("scale %d: %w", db.Scale, err)
		}
		queries = append(queries, q)
		answers[q.Name] = a
		if objects[q.Name], err = workload.Objects(a.body); err != nil {
			return nil, nil, nil, fmt.Errorf("scale %d: %s: %w", db.Scale, q.Name, err)
		}
	}
	return queries, answers, objects, nil
}

// measureReal drives q, sent as mode says, against srv with c clients, reading the server's
// processor time and SQL statements around it. The row is filled in even when the
// measurement failed.
func measureReal(ctx context.Context, o options, db *workload.DB, srv *child, metricsClient *http.Client, q workload.Query, mode string, c int) (row, error) {
	bodies := q.FreshBodies()
	body := func() []byte { return bodies(int(fresh.Add(1))) }
	if mode == modeRepeat {
		b := q.Body()
		body = func() []byte { return b }
	}
	r := row{query: q.Name, mode: mode, scale: db.Scale, conc: c, cpuPerReq: -1}
	sql0, sqlErr := statements(metricsClient, srv.metricsURL)
	cpu0, cpuErr := procstat.CPU(srv.pid)
	r.real = drive(ctx, srv.url, q.Name, body, c, o.warmup, o.duration)
	cpu1, cpuErr1 := procstat.CPU(srv.pid)
	sql1, sqlErr1 := statements(metricsClient, srv.metricsURL)
	if n := r.real.handled(); n > 0 {
		if cpuErr == nil && cpuErr1 == nil {
			r.cpuPerReq = (cpu1 - cpu0) / time.Duration(n)
		}
		if sqlErr == nil && sqlErr1 == nil {
			r.statementsPerReq = (sql1 - sql0) / float64(n)
		}
	}
	fmt.Fprintf(os.Stderr, "load: %-9s %-7s scale %-5d c=%-3d %8.0f req/s p99 %-9s | %s µs/req | %.1f sql/req\n",
		q.Name, mode, db.Scale, c, r.real.rate(), ms(r.real.pct(99)), micros(r.cpuPerReq, 1), r.statementsPerReq)
	if err := errors.Join(ctx.Err(), sqlErr, sqlErr1); err != nil {
		return r, err
	}
	if r.real.errors > 0 {
		return r, fmt.Errorf("%s (%s) at scale %d, concurrency %d: %d failed requests: %v",
			q.Name, mode, db.Scale, c, r.real.errors, r.real.firstErr)
	}
	return r, nil
}

// startCeiling starts the ceiling in a process of its own, serving answers, so that its
// processor time per request is read as the server's is.
func startCeiling(ctx context.Context, answers map[string]answer) (*child, error) {
	path, err := writeAnswers("", answers)
	if err != nil {
		return nil, err
	}
	defer os.Remove(path) // read by the time the process says it serves
	return startChild(ctx, childConfig{ceiling: path})
}

// measureCeiling drives q, fresh, against the ceiling process with c clients, and reads that
// process's processor time per request (negative when it cannot be read).
func measureCeiling(ctx context.Context, o options, db *workload.DB, ceil *child, q workload.Query, c int) (result, time.Duration, error) {
	bodies := q.FreshBodies()
	cpu0, cpuErr := procstat.CPU(ceil.pid)
	res := drive(ctx, ceil.url, q.Name, func() []byte { return bodies(int(fresh.Add(1))) }, c, o.warmup, o.duration)
	cpu1, cpuErr1 := procstat.CPU(ceil.pid)
	perReq := time.Duration(-1)
	if n := res.handled(); n > 0 && cpuErr == nil && cpuErr1 == nil {
		perReq = (cpu1 - cpu0) / time.Duration(n)
	}
	fmt.Fprintf(os.Stderr, "load: %-9s ceiling scale %-5d c=%-3d %8.0f req/s p99 %-9s | %s µs/req\n", q.Name, db.Scale, c, res.rate(), ms(res.pct(99)), micros(perReq, 1))
	if err := ctx.Err(); err != nil {
		return res, perReq, err
	}
	if res.errors > 0 {
		return res, perReq, fmt.Errorf("ceiling of %s at scale %d, concurrency %d: %d failed requests: %v",
			q.Name, db.Scale, c, res.errors, res.firstErr)
	}
	return res, perReq, nil
}

func modeUsesCaches(mode string) bool { return mode != modeNoCache }

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

type answer struct {
	header http.Header
	body   []byte
}

// fetch sends a query once and checks that it succeeds without GraphQL errors.
func fetch(url string, q workload.Query) (answer, error) {
	resp, err := http.Post(url, "application/json", bytes.NewReader(q.Body()))
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	var decoded struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &decoded) != nil {
		return answer{}, fmt.Errorf("query %s: status %d: %.500s", q.Name, resp.StatusCode, body)
	}
	if len(decoded.Errors) > 0 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(decoded.Errors[0], &e)
		return answer{}, refusedError{query: q.Name, message: e.Message}
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return answer{header: h, body: body}, nil
}

// refusedError is a GraphQL error in the answer to a canonical query, such as a limit.
type refusedError struct{ query, message string }

func (e refusedError) Error() string { return fmt.Sprintf("query %s: %s", e.query, e.message) }

// ceiling serves precomputed answers: it reads the request body, as the real handler must,
// and writes the response the real handler gave to the canonical query named in the
// request's queryHeader, whatever alias the body gives it.
func ceiling(answers map[string]answer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, io.LimitReader(r.Body, server.DefaultMaxBodyBytes)); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a, ok := answers[r.Header.Get(queryHeader)]
		if !ok {
			http.Error(w, "no precomputed answer for this request", http.StatusNotFound)
			return
		}
		for k, v := range a.header {
			w.Header()[k] = v
		}
		_, _ = w.Write(a.body)
	})
}

// result is what one run of load measured.
type result struct {
	// late counts requests answered after the time was up: not measured, but they ran.
	requests, warmups, late, errors int
	firstErr                        error
	elapsed                         time.Duration
	latencies                       []time.Duration // sorted
}

func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// handled counts every request the server answered during the run, measured or not.
func (r result) handled() int { return r.requests + r.warmups + r.late }

// spread is p99 over p50: how far the slowest requests are from the typical one.
func (r result) spread() float64 {
	if p50 := r.pct(50); p50 > 0 {
		return float64(r.pct(99)) / float64(p50)
	}
	return 0
}

// pct is the p-th percentile latency (nearest rank).
func (r result) pct(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(p/100*float64(len(r.latencies))+0.5) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

// latency writes the p-th percentile latency, or "–" when no request was measured.
func (r result) latency(p float64) string {
	if len(r.latencies) == 0 {
		return "–"
	}
	return ms(r.pct(p))
}

// drive sends bodies to url from c clients at once, each sending its next request when the
// last one is answered, for warmup unmeasured and then for d. Each request names the
// canonical query in queryHeader.
func drive(ctx context.Context, url, query string, body func() []byte, c int, warmup, d time.Duration) result {
	transport := &http.Transport{MaxIdleConnsPerHost: c, DisableCompression: true, ForceAttemptHTTP2: false}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	start := time.Now()
	measureFrom, end := start.Add(warmup), start.Add(warmup+d)
	var mu sync.Mutex
	var res result
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			warm, late, errs := 0, 0, 0
			var firstErr error
			for ctx.Err() == nil {
				b := body()
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				err := post(client, url, query, b)
				t1 := time.Now()
				switch {
				case err != nil:
					errs++
					if firstErr == nil {
						firstErr = err
					}
				case t0.Before(measureFrom):
					warm++
				case t1.After(end):
					late++
				default:
					lat = append(lat, t1.Sub(t0))
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.warmups += warm
			res.late += late
			res.errors += errs
			if res.firstErr == nil {
				res.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.requests = len(res.latencies)
	res.elapsed = d
	slices.Sort(res.latencies)
	return res
}

func post(client *http.Client, url, query string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(queryHeader, query)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	return err
}

func printTable(w io.Writer, rows []row, dbs []*workload.DB, left []string) {
	fmt.Fprintln(w, "| query | mode | scale | concurrency | objects | req/s | p50 | p90 | p99 | p99/p50 | cpu µs/req | cpu µs/object | sql/req | ceiling req/s | ceiling p99/p50 | ratio | ceiling cpu µs/req | cpu / (2 × ceiling + 60 µs) |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		ratio := 0.0
		if c := r.ceiling.rate(); c > 0 {
			ratio = r.real.rate() / c
		}
		spread, ceilingSpread := r.real.spread(), r.ceiling.spread()
		perObject := time.Duration(-1)
		if r.cpuPerReq >= 0 && r.objects > 0 {
			perObject = r.cpuPerReq / time.Duration(r.objects)
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %.0f | %s | %s | %s | %.1f | %s | %s | %.1f | %.0f | %.1f | %.2f | %s | %s |\n",
			r.query, r.mode, r.scale, r.conc, r.objects, r.real.rate(), r.real.latency(50), r.real.latency(90), r.real.latency(99),
			spread, micros(r.cpuPerReq, 0), micros(perObject, 2), r.statementsPerReq, r.ceiling.rate(), ceilingSpread, ratio,
			micros(r.ceilingCPUPerReq, 1), fixedCostRatio(r.cpuPerReq, r.ceilingCPUPerReq))
	}
	var notes []string
	for _, db := range dbs {
		how := "reused"
		if db.Built > 0 {
			how = "built in " + db.Built.Round(time.Millisecond).String()
		}
		notes = append(notes, fmt.Sprintf("scale %d: %.1f MB, %s", db.Scale, float64(db.Bytes)/(1<<20), how))
	}
	fmt.Fprintf(w, "\nDatabases: %s.\n", strings.Join(notes, "; "))
	for _, n := range left {
		fmt.Fprintf(w, "\n%s\n", n)
	}
}

// fixedCostAllowance is what a small request may cost beyond twice the ceiling's processor
// time: reading, parsing, validating and costing an operation, and running it.
const fixedCostAllowance = 60 * time.Microsecond

// fixedCostRatio writes cpu over twice the ceiling's processor time plus fixedCostAllowance:
// at most 1 when a request costs the server no more than that; "–" when either is unknown.
func fixedCostRatio(cpu, ceiling time.Duration) string {
	if cpu < 0 || ceiling < 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(cpu)/float64(2*ceiling+fixedCostAllowance))
}

// ms writes a latency in milliseconds with three significant figures or so.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	default:
		return fmt.Sprintf("%.2f ms", v)
	}
}

// micros writes a processor time in microseconds with the given decimals, or "–" for an
// unknown (negative) one.
func micros(d time.Duration, decimals int) string {
	if d < 0 {
		return "–"
	}
	return fmt.Sprintf("%.*f", decimals, float64(d)/float64(time.Microsecond))
}

// startCPUProfile writes a CPU profile to path until the returned function is called; with
// an empty path it does nothing.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
