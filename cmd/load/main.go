// Command load measures treatygraph under load on this machine: for each scale of the data
// it serves the real handler on a loopback port, drives each canonical query at each
// concurrency for a fixed time, and does the same against a handler that returns the same
// response bytes precomputed, the ceiling of this machine for that response. It prints a
// Markdown table and stops by itself.
//
//	go run ./cmd/load [-scale 1,100,1000] [-duration 5s] [-concurrency 1,8,32] [-queries lookup,page]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/workload"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

type options struct {
	scales, concurrency []int
	queries             []workload.Query
	duration, warmup    time.Duration
	conns               int
	rand                uint64
	dbDir               string
}

func run() error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: go run ./cmd/load [-scale 1,100,1000] [-duration 5s] [-concurrency 1,8,32] [-queries lookup,page]\n\n"+
			"Serves each scale of the data on 127.0.0.1 with the real handler and with a handler that\n"+
			"returns the same responses precomputed, drives each canonical query against both, and\n"+
			"prints a Markdown table. Run it from inside the repository.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	scales := fs.String("scale", "1,100,1000", "comma-separated scales of the data: 1 is the seeds, N is N times their size")
	conc := fs.String("concurrency", "1,8,32", "comma-separated numbers of clients sending requests at once")
	queries := fs.String("queries", "", "comma-separated canonical queries to run (default all: lookup,two-hop,three-hop,page,search,path,page-all)")
	duration := fs.Duration("duration", 5*time.Second, "how long to drive each query at each concurrency, for each handler")
	warmup := fs.Duration("warmup", 300*time.Millisecond, "unmeasured load before each measurement")
	conns := fs.Int("conns", 8, "most open database connections, as serve -conns")
	rnd := fs.Uint64("rand", 1, "seed of the synthetic copies")
	dbDir := fs.String("db-dir", filepath.Join(os.TempDir(), "treatygraph-bench"), "where databases of each scale are kept and reused between runs")
	timeout := fs.Duration("timeout", time.Hour, "stop everything after this long, whatever is left")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run (server and clients) to this file")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	o := options{duration: *duration, warmup: *warmup, conns: *conns, rand: *rnd, dbDir: *dbDir}
	var err error
	if o.scales, err = workload.ParseInts(*scales); err != nil {
		return fmt.Errorf("-scale: %w", err)
	}
	if o.concurrency, err = workload.ParseInts(*conc); err != nil {
		return fmt.Errorf("-concurrency: %w", err)
	}
	if o.queries, err = workload.Select(*queries); err != nil {
		return fmt.Errorf("-queries: %w", err)
	}
	if o.duration <= 0 {
		return errors.New("-duration must be positive")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	cells := len(o.scales) * len(o.queries) * len(o.concurrency) * 2
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
		got, err := measureScale(ctx, o, db)
		rows = append(rows, got...)
		if err != nil {
			printTable(os.Stdout, rows, dbs)
			return err
		}
	}
	printTable(os.Stdout, rows, dbs)
	return nil
}

// row is one line of the table: one query at one scale and concurrency.
type row struct {
	query            string
	scale, conc      int
	real, ceiling    result
	statementsPerReq float64
	responseBytes    int
}

// measureScale serves one database and drives every query against it and its ceiling.
func measureScale(ctx context.Context, o options, db *workload.DB) ([]row, error) {
	store, err := sqlite.Open(db.Path, o.conns)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	realURL, stopReal, err := serve(server.New(server.Config{Store: store, Logger: logger}))
	if err != nil {
		return nil, err
	}
	defer stopReal()

	// The ceiling answers each request body with the bytes and headers the real handler gave.
	answers := map[string]answer{}
	for _, q := range o.queries {
		a, err := fetch(realURL, q)
		if err != nil {
			return nil, fmt.Errorf("scale %d: %w", db.Scale, err)
		}
		answers[string(q.Body())] = a
	}
	ceilURL, stopCeil, err := serve(ceiling(answers))
	if err != nil {
		return nil, err
	}
	defer stopCeil()

	var rows []row
	for _, q := range o.queries {
		body := q.Body()
		for _, c := range o.concurrency {
			r := row{query: q.Name, scale: db.Scale, conc: c, responseBytes: len(answers[string(body)].body)}
			before := store.Statements()
			r.real = drive(ctx, realURL, body, c, o.warmup, o.duration)
			if n := r.real.requests + r.real.warmups + r.real.late; n > 0 {
				r.statementsPerReq = float64(store.Statements()-before) / float64(n)
			}
			r.ceiling = drive(ctx, ceilURL, body, c, o.warmup, o.duration)
			fmt.Fprintf(os.Stderr, "load: %-9s scale %-5d c=%-3d %8.0f req/s p99 %-9s | ceiling %8.0f req/s | %.1f sql/op\n",
				q.Name, db.Scale, c, r.real.rate(), r.real.pct(99), r.ceiling.rate(), r.statementsPerReq)
			rows = append(rows, r)
			if err := ctx.Err(); err != nil {
				return rows, err
			}
			if r.real.errors > 0 || r.ceiling.errors > 0 {
				return rows, fmt.Errorf("%s at scale %d, concurrency %d: %d failed requests (real), %d (ceiling): %v",
					q.Name, db.Scale, c, r.real.errors, r.ceiling.errors, r.real.firstErr)
			}
		}
	}
	return rows, nil
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
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &decoded) != nil || len(decoded.Errors) > 0 {
		return answer{}, fmt.Errorf("query %s: status %d: %.500s", q.Name, resp.StatusCode, body)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return answer{header: h, body: body}, nil
}

// ceiling serves precomputed answers: it reads the request body, as the real handler must,
// and writes the response the real handler gave to that body.
func ceiling(answers map[string]answer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, server.DefaultMaxBodyBytes))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a, ok := answers[string(body)]
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

// serve serves h on a free loopback port and returns the URL of /graphql.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String() + "/graphql", stop, nil
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

// pct is the p-th percentile latency (nearest rank).
func (r result) pct(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(p/100*float64(len(r.latencies))+0.5) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

// drive sends body to url from c clients at once, each sending its next request when the
// last one is answered, for warmup unmeasured and then for d.
func drive(ctx context.Context, url string, body []byte, c int, warmup, d time.Duration) result {
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
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				err := post(client, url, body)
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

func post(client *http.Client, url string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
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

func printTable(w io.Writer, rows []row, dbs []*workload.DB) {
	fmt.Fprintln(w, "| query | scale | concurrency | req/s | p50 | p90 | p99 | ceiling req/s | ceiling p99 | ratio | sql/op |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		ratio := 0.0
		if c := r.ceiling.rate(); c > 0 {
			ratio = r.real.rate() / c
		}
		fmt.Fprintf(w, "| %s | %d | %d | %.0f | %s | %s | %s | %.0f | %s | %.2f | %.1f |\n",
			r.query, r.scale, r.conc, r.real.rate(), ms(r.real.pct(50)), ms(r.real.pct(90)), ms(r.real.pct(99)),
			r.ceiling.rate(), ms(r.ceiling.pct(99)), ratio, r.statementsPerReq)
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
