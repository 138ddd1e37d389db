package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/procstat"

	"github.com/treatygraph/treatygraph/internal/testgate"
)

// The slow part of the attack suite: each case runs the treatygraph binary as a process of
// its own on loopback and measures its memory from /proc. It runs when TREATYGRAPH_ATTACK is
// set, as .ci/run does; TREATYGRAPH_ATTACK_SCALE (default 200) sets the size of the generated
// graph of the pool-starvation case.
//
// Each case, and what it guards:
//   - ProcessErrorEchoMemory: 8 clients sending 100 aliases whose errors would quote a value
//     of 900 KiB (an answer of 90 MB before errors quoted a short prefix): each answer stays
//     under 100 KiB and the server's peak memory grows by less than 300 MiB.
//   - ProcessStalledReaders: 10 clients that ask for the largest answer, or the echo above,
//     and never read it: the server's memory grows by less than 300 MiB and other clients
//     are still answered.
//   - ProcessPoolStarvation: 8 clients sending, again and again, the dearest request the cost
//     limit admits, each request different so that every one runs its SQL (the statements
//     counted in /metrics show it): a one-row lookup beside them is answered, its median
//     under a second (it once waited seconds in line behind them for room in the costs in
//     flight), /readyz answers 200, and a dear request is answered or, when its time runs
//     out waiting for room, answered TIMEOUT.

func attackSuite(t *testing.T) {
	t.Helper()
	testgate.Attack(t)
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Fatal("the attack suite measures memory from /proc and needs Linux")
	}
}

// binary builds the treatygraph command into the test's temporary directory.
func binary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "treatygraph")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// process is a treatygraph server process on loopback.
type process struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
}

var servingURL = regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)/`)

// startProcess runs `treatygraph serve -addr 127.0.0.1:0` with more arguments and waits until
// it listens.
func startProcess(t *testing.T, args ...string) *process {
	t.Helper()
	bin := binary(t)
	p := &process{log: &syncBuffer{}}
	p.cmd = exec.Command(bin, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Env = append(os.Environ(), "PORT=")
	stderr, err := p.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(p.log, line)
			if m := servingURL.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		p.base = "http://" + a
	case <-time.After(3 * time.Minute):
		t.Fatalf("the server did not listen in time; its log:\n%s", p.log.String())
	}
	return p
}

// status reads a field of /proc/PID/status in bytes (VmRSS: resident now, VmHWM: peak).
func (p *process) status(t *testing.T, field string) int64 {
	t.Helper()
	n, err := procstat.Memory(p.cmd.Process.Pid, field)
	require.NoError(t, err)
	return int64(n)
}

// post sends a GraphQL request and returns the status, the answer's size and its codes.
func (p *process) post(t *testing.T, body []byte) (int, int, []string) {
	t.Helper()
	resp, err := (&http.Client{Timeout: time.Minute}).Post(p.base+"/graphql", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var r gqlResponse
	_ = json.Unmarshal(raw, &r)
	var codes []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		codes = append(codes, c)
	}
	return resp.StatusCode, len(raw), codes
}

// echoAttack is 100 aliases of a field whose error quotes its argument, with a variable of
// 900 KiB: before errors quoted a short prefix, its answer held 90 MB.
func echoAttack(t *testing.T) []byte {
	var q strings.Builder
	q.WriteString("query($v: Date) { ")
	for i := range 100 {
		fmt.Fprintf(&q, "a%d: events(from: $v) { totalCount } ", i)
	}
	q.WriteString("}")
	body, err := json.Marshal(map[string]any{"query": q.String(), "variables": map[string]any{"v": strings.Repeat("x", 900<<10)}})
	require.NoError(t, err)
	return body
}

const mib = 1 << 20

func TestAttackProcessErrorEchoMemory(t *testing.T) {
	attackSuite(t)
	p := startProcess(t)
	body := echoAttack(t)
	p.post(t, body) // warm up
	before := p.status(t, "VmRSS")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				status, size, codes := p.post(t, body)
				assert.Equal(t, http.StatusOK, status)
				assert.Less(t, size, 100<<10, "an answer of %d bytes", size)
				assert.Contains(t, codes, "BAD_USER_INPUT")
			}
		}()
	}
	wg.Wait()
	peak := p.status(t, "VmHWM")
	t.Logf("8 clients × 3 requests of 100 aliases quoting a 900 KiB value: RSS %d MiB before, peak %d MiB", before/mib, peak/mib)
	assert.Less(t, peak-before, int64(300*mib))
}

func TestAttackProcessStalledReaders(t *testing.T) {
	attackSuite(t)
	// The large answer takes a few seconds on a busy machine: a timeout of 10 s lets it through.
	const timeout = 10 * time.Second
	p := startProcess(t, "-timeout", timeout.String())
	// About the largest answer the server builds from the embedded seeds within the cost and
	// answer limits: the UN's members, each with every stint it has in the COW dataset.
	large, err := json.Marshal(map[string]any{"query": `{ organization(cowKey: "UN") { members { role start { iso } end { iso }
		member { ... on State { name cowCode iso3 memberships { role start { iso } end { iso }
		organization { name cowKey founded { iso } } } } } } } }`})
	require.NoError(t, err)
	status, size, codes := p.post(t, large)
	require.Equal(t, http.StatusOK, status)
	require.Empty(t, codes, "the large answer must be answered, not refused")
	require.Greater(t, size, 3<<20, "the large answer holds over 3 MiB")
	t.Logf("the answer holds %d KiB (%v)", size>>10, codes)
	before := p.status(t, "VmRSS")

	addr := strings.TrimPrefix(p.base, "http://")
	var conns []net.Conn
	for _, body := range [][]byte{large, echoAttack(t)} {
		for range 5 {
			c, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			conns = append(conns, c)
			fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
			_, err = c.Write(body)
			require.NoError(t, err)
			// and never read
		}
	}
	time.Sleep(2 * time.Second)
	stalled := p.status(t, "VmRSS")
	t.Logf("10 stalled readers: RSS %d MiB before, %d MiB with them", before/mib, stalled/mib)
	assert.Less(t, stalled-before, int64(300*mib))

	// Others are still answered, and the stalled answers are given up after the deadline.
	status, _, codes = p.post(t, []byte(`{"query":"{ states(first: 1) { totalCount } }"}`))
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, codes)
	time.Sleep(timeout + 2*time.Second + time.Second) // -timeout and WriteGrace
	for _, c := range conns {
		_ = c.Close()
	}
	after := p.status(t, "VmRSS")
	t.Logf("after the deadline: RSS %d MiB", after/mib)
}

func TestAttackProcessPoolStarvation(t *testing.T) {
	attackSuite(t)
	scale := 200
	if s := os.Getenv("TREATYGRAPH_ATTACK_SCALE"); s != "" {
		var err error
		scale, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	bin := binary(t)
	dir := t.TempDir()
	out, err := exec.Command(bin, "generate", "-curated", "-scale", strconv.Itoa(scale), "-o", filepath.Join(dir, "seeds")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(bin, "build", "-seeds", filepath.Join(dir, "seeds"), "-o", filepath.Join(dir, "graph.db")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	// No records kept: the one-row lookup below reads its row through the pool, as a lookup
	// of a row no request has read before does.
	p := startProcess(t, "-db", filepath.Join(dir, "graph.db"), "-record-cache", "0")

	// The dearest request of this kind the cost limit admits: as many aliases of a filtered
	// totalCount, each a scan of the events, as fit. Each request's filters differ from every
	// other's (r numbers the requests), so no answer kept is ever reused: every request runs.
	var requests atomic.Int64
	heavy := func(n int) []byte {
		r := requests.Add(1)
		var q strings.Builder
		q.WriteString("{ ")
		for i := range n {
			fmt.Fprintf(&q, `a%d: events(filter: {title: {contains: "zz%d-%d"}}) { totalCount } `, i, r, i)
		}
		q.WriteString("}")
		b, _ := json.Marshal(map[string]any{"query": q.String()})
		return b
	}
	n := 100
	for ; n > 1; n-- {
		if _, _, codes := p.post(t, heavy(n)); !contains(codes, "COMPLEXITY_LIMIT_EXCEEDED") {
			break
		}
	}
	start := time.Now()
	_, _, codes := p.post(t, heavy(n))
	require.Empty(t, codes)
	alone := time.Since(start)
	t.Logf("%d aliases admitted, %s alone", n, alone)

	statementsBefore := p.metric(t, "treatygraph_sql_statements_total")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var answered atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Eight at once are more than the costs in flight admit (two of the
				// dearest): the others wait for room, and those whose time runs out first
				// are answered TIMEOUT, nothing else.
				status, _, codes := p.post(t, heavy(n))
				assert.Equal(t, http.StatusOK, status)
				if len(codes) == 0 {
					answered.Add(1)
				} else {
					assert.Equal(t, []string{"TIMEOUT"}, codes)
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	var took []time.Duration
	for i := range 20 {
		// A fresh alias each time: the lookup is never an answer kept.
		lookup := fmt.Sprintf(`{"query":"{ l%d: state(slug: \"armenia\") { name } }"}`, i)
		start := time.Now()
		status, _, codes := p.post(t, []byte(lookup))
		took = append(took, time.Since(start))
		assert.Equal(t, http.StatusOK, status)
		assert.Empty(t, codes, "a one-row lookup beside 8 of the dearest requests")
		resp, err := http.Get(p.base + "/readyz")
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "/readyz beside 8 of the dearest requests")
	}
	close(stop)
	wg.Wait()
	// The load reached the pool: each answered dear request ran a statement per alias.
	ran := p.metric(t, "treatygraph_sql_statements_total") - statementsBefore
	assert.GreaterOrEqual(t, ran, float64(answered.Load())*float64(n), "%d dear requests answered", answered.Load())
	assert.Positive(t, answered.Load(), "no dear request was answered while the lookups ran")
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	assert.Less(t, took[len(took)/2], time.Second, "the median one-row lookup beside 8 dear requests: it must not wait for them")
	t.Logf("one-row lookup beside 8 dear requests (%d answered, %.0f statements) at %d× the seeds: p50 %s, max %s",
		answered.Load(), ran, scale, took[len(took)/2], took[len(took)-1])
}

// metric reads a counter or gauge without labels from the process's /metrics.
func (p *process) metric(t *testing.T, name string) float64 {
	t.Helper()
	resp, err := http.Get(p.base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err, "%s", sc.Text())
			return f
		}
	}
	require.NoError(t, sc.Err())
	t.Fatalf("no %s in /metrics", name)
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
