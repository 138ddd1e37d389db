// Command loadgen sends HTTP requests to a list of URLs from C clients at once for a while and
// prints the throughput, latency percentiles and, for the server processes named with -pids,
// the processor time they spent per request, as one row of a Markdown table.
//
//	go run ./deploy/loadgen -c 16 -d 5s -pids 1234,5678 URL...
//
// Each client sends its next request as soon as the last is answered, going round the URLs.
// With -method POST, a URL's query string (query, variables, operationName) is sent as the
// JSON body of a POST to the URL's path instead, as GraphQL clients do. Any answer other than
// 200 (304 with -revalidate), or a GraphQL answer with errors, counts as an error, and makes
// loadgen exit 1.
//
// On a shared machine the request rate moves from one run to the next with what else runs,
// while the processor time per request does not move much: it is the figure to compare. It is
// read from /proc/PID/stat (utime and stime) of each process named and of its children (nginx's
// workers), before and after the measured period.
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
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/treatygraph/treatygraph/internal/procstat"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

type config struct {
	clients    int
	duration   time.Duration
	warmup     time.Duration
	method     string
	accept     string
	label      string
	pids       []int
	clkTck     int
	revalidate bool
	header     bool
	urls       []string
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	var c config
	fs.IntVar(&c.clients, "c", 16, "clients sending at once")
	fs.DurationVar(&c.duration, "d", 5*time.Second, "how long to measure")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "how long to send before measuring")
	fs.StringVar(&c.method, "method", http.MethodGet, "GET, or POST to send each URL's query string as a JSON body")
	fs.StringVar(&c.accept, "accept", "application/json", "the Accept header of every request")
	fs.StringVar(&c.label, "label", "", "the first cell of the row (default: the method and first URL's host)")
	pids := fs.String("pids", "", "comma-separated process IDs whose processor time (children included) is measured")
	fs.IntVar(&c.clkTck, "clk-tck", procstat.ClockTicks, "clock ticks per second of /proc/PID/stat (getconf CLK_TCK)")
	fs.BoolVar(&c.revalidate, "revalidate", false, "send If-None-Match with the ETag of the URL's first answer; 304 counts as success")
	fs.BoolVar(&c.header, "header", false, "print the table's header before the row")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.urls = fs.Args()
	switch {
	case len(c.urls) == 0:
		return c, errors.New("no URL given")
	case c.clients < 1:
		return c, errors.New("-c must be 1 or more")
	case c.duration <= 0:
		return c, errors.New("-d must be positive")
	case c.method != http.MethodGet && c.method != http.MethodPost:
		return c, fmt.Errorf("-method %s: want GET or POST", c.method)
	case c.revalidate && c.method != http.MethodGet:
		return c, errors.New("-revalidate needs -method GET")
	}
	for _, u := range c.urls {
		if p, err := url.Parse(u); err != nil || p.Host == "" {
			return c, fmt.Errorf("not a URL: %q", u)
		}
	}
	if *pids != "" {
		for f := range strings.SplitSeq(*pids, ",") {
			pid, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || pid <= 0 {
				return c, fmt.Errorf("-pids: %q is not a process ID", f)
			}
			c.pids = append(c.pids, pid)
		}
	}
	if c.label == "" {
		p, _ := url.Parse(c.urls[0])
		c.label = c.method + " " + p.Host
	}
	return c, nil
}

// request is one prepared request: what to send again and again.
type request struct {
	method, url string
	body        []byte
	etag        string
}

func prepare(c config) ([]request, error) {
	out := make([]request, 0, len(c.urls))
	for _, raw := range c.urls {
		if c.method == http.MethodGet {
			out = append(out, request{method: http.MethodGet, url: raw})
			continue
		}
		u, _ := url.Parse(raw)
		q := u.Query()
		body := map[string]any{"query": q.Get("query")}
		if op := q.Get("operationName"); op != "" {
			body["operationName"] = op
		}
		if v := q.Get("variables"); v != "" {
			body["variables"] = json.RawMessage(v)
		}
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s: variables: %w", raw, err)
		}
		u.RawQuery = ""
		out = append(out, request{method: http.MethodPost, url: u.String(), body: b})
	}
	return out, nil
}

// result is what one client saw while measuring.
type result struct {
	latencies []time.Duration
	errors    int
	firstErr  string
	cache     map[string]int
}

// run measures the server as args say and writes one row of the table to stdout.
func run(args []string, stdout io.Writer) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	reqs, err := prepare(c)
	if err != nil {
		return err
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        c.clients * 2,
			MaxIdleConnsPerHost: c.clients * 2,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
	if c.revalidate {
		if err := fetchETags(client, c, reqs); err != nil {
			return err
		}
	}
	m, err := measure(client, c, reqs)
	if err != nil {
		return err
	}
	return m.report(stdout, c)
}

// fetchETags asks once for every request and keeps the ETag of its answer, to send back in
// If-None-Match.
func fetchETags(client *http.Client, c config, reqs []request) error {
	for i := range reqs {
		res := send(client, c, reqs[i], nil)
		if res.err != "" {
			return fmt.Errorf("%s: %s", reqs[i].url, res.err)
		}
		if reqs[i].etag = res.etag; reqs[i].etag == "" {
			return fmt.Errorf("%s: the answer has no ETag", reqs[i].url)
		}
	}
	return nil
}

// window is the span of the measurement, which the clients consult after every request.
type window struct {
	mu        sync.Mutex
	measuring bool
	end       time.Time
}

// counts reports whether a request answered at end falls in the measurement.
func (w *window) counts(end time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.measuring && end.Before(w.end)
}

// open starts the measurement, to last d, and returns its start.
func (w *window) open(d time.Duration) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.measuring = true
	start := time.Now()
	w.end = start.Add(d)
	return start
}

// measurement is what all the clients saw, with the server's processor time meanwhile.
type measurement struct {
	latencies     []time.Duration // sorted
	errors        int
	firstErr      string
	cache         map[string]int
	before, after int64 // clock ticks of the server processes
	elapsed       time.Duration
}

// measure warms up, then measures: the clients keep sending throughout, and record only what
// they send after the measurement began and before it ended.
func measure(client *http.Client, c config, reqs []request) (*measurement, error) {
	var w window
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	results := make([]result, c.clients)
	var wg sync.WaitGroup
	for i := range c.clients {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = drive(ctx, client, c, reqs, i, &w)
		}(i)
	}
	time.Sleep(c.warmup)
	before, err := cpuTicks(c.pids)
	if err != nil {
		stop()
		wg.Wait()
		return nil, err
	}
	start := w.open(c.duration)
	time.Sleep(c.duration)
	after, err := cpuTicks(c.pids)
	elapsed := time.Since(start)
	stop()
	wg.Wait()
	if err != nil {
		return nil, err
	}
	m := merge(results)
	m.before, m.after, m.elapsed = before, after, elapsed
	return m, nil
}

// drive is client i: it sends the requests in turn, starting at the i-th, until ctx ends,
// and records what falls in w.
func drive(ctx context.Context, client *http.Client, c config, reqs []request, i int, w *window) result {
	r := result{cache: map[string]int{}}
	buf := new(bytes.Buffer)
	for n := i; ctx.Err() == nil; n++ {
		req := reqs[n%len(reqs)]
		start := time.Now()
		res := send(client, c, req, buf)
		end := time.Now()
		if !w.counts(end) {
			continue
		}
		if res.err != "" {
			if ctx.Err() != nil {
				continue // the run ended while the request was on its way
			}
			r.errors++
			if r.firstErr == "" {
				r.firstErr = req.url + ": " + res.err
			}
			continue
		}
		r.latencies = append(r.latencies, end.Sub(start))
		if res.cache != "" {
			r.cache[res.cache]++
		}
	}
	return r
}

// merge adds up what the clients saw.
func merge(results []result) *measurement {
	m := &measurement{cache: map[string]int{}}
	for _, r := range results {
		m.latencies = append(m.latencies, r.latencies...)
		m.errors += r.errors
		if m.firstErr == "" {
			m.firstErr = r.firstErr
		}
		for k, v := range r.cache {
			m.cache[k] += v
		}
	}
	slices.Sort(m.latencies)
	return m
}

// report writes the row of the table (after its header when c.header) and fails when a
// request failed or none was answered.
func (m *measurement) report(stdout io.Writer, c config) error {
	all, errs := m.latencies, m.errors
	n := len(all)
	if c.header {
		fmt.Fprintln(stdout, "| requests | clients | req/s | p50 | p99 | server CPU per request | X-Cache-Status | errors |")
		fmt.Fprintln(stdout, "|---|--:|--:|--:|--:|--:|---|--:|")
	}
	cpu := "n/a"
	// A child that ended while measuring takes its ticks with it: the sum may then fall, and
	// no figure is better than a wrong one.
	if len(c.pids) > 0 && n > 0 && m.after >= m.before {
		cpuSec := float64(m.after-m.before) / float64(c.clkTck)
		cpu = fmt.Sprintf("%.0f µs", cpuSec/float64(n)*1e6)
	}
	fmt.Fprintf(stdout, "| %s | %d | %.0f | %s | %s | %s | %s | %d |\n", c.label, c.clients,
		float64(n)/m.elapsed.Seconds(), percentile(all, 0.50), percentile(all, 0.99), cpu, cacheShares(m.cache, n), errs)
	if errs > 0 {
		return fmt.Errorf("%d requests failed, the first: %s", errs, m.firstErr)
	}
	if n == 0 {
		return errors.New("no request was answered while measuring")
	}
	return nil
}

type outcome struct {
	err   string // "" when the answer is as expected
	etag  string
	cache string // X-Cache-Status
}

func send(client *http.Client, c config, r request, buf *bytes.Buffer) outcome {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequest(r.method, r.url, body)
	if err != nil {
		return outcome{err: err.Error()}
	}
	req.Header.Set("Accept", c.accept)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.etag != "" {
		req.Header.Set("If-None-Match", r.etag)
	}
	resp, err := client.Do(req)
	if err != nil {
		return outcome{err: err.Error()}
	}
	defer resp.Body.Close()
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return outcome{err: "reading the answer: " + err.Error()}
	}
	o := outcome{etag: resp.Header.Get("ETag"), cache: resp.Header.Get("X-Cache-Status")}
	switch {
	case resp.StatusCode == http.StatusNotModified && r.etag != "":
	case resp.StatusCode != http.StatusOK:
		o.err = fmt.Sprintf("status %d: %.200s", resp.StatusCode, buf.Bytes())
	case strings.Contains(resp.Header.Get("Content-Type"), "json") && bytes.Contains(buf.Bytes(), []byte(`"errors":`)):
		o.err = fmt.Sprintf("a GraphQL answer with errors: %.200s", buf.Bytes())
	}
	return o
}

func percentile(sorted []time.Duration, p float64) string {
	if len(sorted) == 0 {
		return "-"
	}
	d := sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// cacheShares describes the X-Cache-Status values seen, as shares of the answers or, under
// 1%, as counts: "HIT 99.8%, UPDATING 12, REVALIDATED 5".
func cacheShares(counts map[string]int, total int) string {
	if len(counts) == 0 || total == 0 {
		return "-"
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return counts[b] - counts[a] })
	parts := make([]string, len(keys))
	for i, k := range keys {
		if share := 100 * float64(counts[k]) / float64(total); share >= 1 {
			parts[i] = fmt.Sprintf("%s %.1f%%", k, share)
		} else {
			parts[i] = fmt.Sprintf("%s %d", k, counts[k])
		}
	}
	return strings.Join(parts, ", ")
}

// cpuTicks is the processor time, user and system, in clock ticks, that the processes have
// used, with their children's (those alive now: nginx's workers).
func cpuTicks(pids []int) (int64, error) {
	if len(pids) == 0 {
		return 0, nil
	}
	procs, err := procstat.All()
	if err != nil {
		return 0, err
	}
	want := map[int]bool{}
	for _, p := range pids {
		if _, ok := procs[p]; !ok {
			return 0, fmt.Errorf("no process %d", p)
		}
		want[p] = true
	}
	// Add descendants until nothing new is found.
	for grew := true; grew; {
		grew = false
		for pid, st := range procs {
			if !want[pid] && want[st.PPID] {
				want[pid] = true
				grew = true
			}
		}
	}
	var total int64
	for pid := range want {
		total += procs[pid].Ticks
	}
	return total, nil
}
