package deploy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/testgate"
)

// maxAge is the replicas' -cache-max-age in the test: how long nginx reuses an answer before
// revalidating it, and so about how long an answer of an old dataset can be served.
const maxAge = 2 * time.Second

// expired is how long after an answer nginx no longer takes it for fresh: it counts in whole
// seconds and takes an entry for fresh through the last second of its max-age.
const expired = maxAge + 1500*time.Millisecond

// TestNginxCache runs two replicas and nginx with nginx.conf on loopback and checks that GET
// answers, exports and timelines are cached, that answers past their max-age are revalidated
// by their ETag, that POST and error answers are not cached and are balanced over the
// replicas, that a cached answer is still served when every replica is stopped, and that once
// the replicas serve a new dataset the cached answer is replaced within the revalidation
// window rather than served until it expires.
func TestNginxCache(t *testing.T) {
	testgate.Slow(t, "builds the binary and runs nginx with two replicas")
	nginxBin := findNginx(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)

	// Two datasets: the embedded seeds, and a synthetic graph twice the size of the curated
	// seeds, of another dataset version.
	oldDB := filepath.Join(dir, "old.db")
	runCmd(t, bin, "build", "-o", oldDB)
	seeds2 := filepath.Join(dir, "seeds2")
	runCmd(t, bin, "generate", "-curated", "-scale", "2", "-o", seeds2)
	newDB := filepath.Join(dir, "new.db")
	runCmd(t, bin, "build", "-seeds", seeds2, "-o", newDB)

	replicas := []*replica{startReplica(t, bin, oldDB, "127.0.0.1:0"), startReplica(t, bin, oldDB, "127.0.0.1:0")}
	ngx := startNginx(t, nginxBin, filepath.Join(dir, "nginx"), replicaAddrs(replicas))

	const query = `{ states(first: 3) { totalCount nodes { name } } }`
	target := ngx.base + "/graphql?query=" + url.QueryEscape(query)

	// First answer from a replica, then from the cache.
	first := get(t, target)
	require.Equal(t, http.StatusOK, first.status, first.body)
	oldVersion := datasetVersion(t, first.body)
	require.NotEmpty(t, oldVersion)
	assert.Contains(t, first.header.Get("Cache-Control"), "max-age=2", "the replicas' -cache-max-age")
	assert.NotEmpty(t, first.header.Get("ETag"))
	assert.Equal(t, "MISS", first.cache)
	hit := getUntil(t, target, 5, func(a answer) bool { return a.cache == "HIT" })
	assert.Equal(t, first.body, hit.body)

	// The exports and the timelines are cached the same way; GraphiQL is not.
	for _, path := range []string{"/export/figures.csv", "/timeline/organization/csto.svg"} {
		a := get(t, ngx.base+path)
		require.Equal(t, http.StatusOK, a.status, "%s: %s", path, a.body)
		assert.Equal(t, "MISS", a.cache, path)
		b := getUntil(t, ngx.base+path, 5, func(a answer) bool { return a.cache == "HIT" })
		assert.Equal(t, a.body, b.body, path)
	}
	// Compressed answers pass through the cache as they are, kept apart from plain ones: a
	// client that accepts gzip gets gzip, one that does not never gets the bytes kept for it.
	withEncoding := func(u, enc string) answer {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Encoding", enc) // set by hand: the client then decodes nothing
		return do(t, req)
	}
	csv := ngx.base + "/export/figures.csv"
	gz := withEncoding(csv, "gzip")
	require.Equal(t, http.StatusOK, gz.status)
	assert.Equal(t, "gzip", gz.header.Get("Content-Encoding"), "a compressed answer through nginx")
	for range 2 {
		plain := withEncoding(csv, "identity")
		require.Equal(t, http.StatusOK, plain.status)
		assert.Empty(t, plain.header.Get("Content-Encoding"), "a plain answer for a client that accepts no gzip")
		assert.Contains(t, plain.body, ",", "CSV")
	}
	hitGz := withEncoding(csv, "gzip")
	assert.Equal(t, "gzip", hitGz.header.Get("Content-Encoding"))
	assert.Equal(t, "HIT", hitGz.cache, "the compressed answer kept for gzip")
	// A browser (br preferred on a tie) gets br, kept apart from the answers of clients that
	// take gzip and zstd but not br, or refuse it.
	const browser = "gzip, deflate, br, zstd"
	br := withEncoding(csv, browser)
	require.Equal(t, http.StatusOK, br.status)
	assert.Equal(t, "br", br.header.Get("Content-Encoding"), "a br answer through nginx")
	for enc, want := range map[string]string{"gzip": "gzip", "gzip, br;q=0": "gzip", "gzip, deflate, zstd": "zstd", "gzip, deflate, zstd, br;q=0": "zstd"} {
		a := withEncoding(csv, enc)
		assert.Equal(t, want, a.header.Get("Content-Encoding"), "Accept-Encoding: %s", enc)
	}
	hitBr := withEncoding(csv, browser)
	assert.Equal(t, "br", hitBr.header.Get("Content-Encoding"))
	assert.Equal(t, "HIT", hitBr.cache, "the br answer kept for br")
	assert.Equal(t, br.body, hitBr.body)
	// The cache key reduces Accept-Encoding to the encodings the service distinguishes, br
	// among them (and br;q=0 is no br).
	keys := cacheKeys(t, filepath.Join(ngx.prefix, "cache"))
	for _, enc := range []string{"gzipzstdbr", "gzipzstd", "gzip"} {
		assert.True(t, slices.ContainsFunc(keys, func(k string) bool {
			return strings.HasPrefix(k, "/export/figures.csv|") && strings.HasSuffix(k, "|"+enc)
		}), "a key for %s among %q", enc, keys)
	}

	page := get(t, ngx.base+"/")
	require.Equal(t, http.StatusOK, page.status)
	assert.Empty(t, page.cache, "GraphiQL must not go through the cache")

	// Past its max-age the entry is revalidated with If-None-Match: the replica, of the same
	// dataset, answers 304 and nginx serves what it holds.
	time.Sleep(expired)
	revalidated := get(t, target)
	require.Equal(t, http.StatusOK, revalidated.status, revalidated.body)
	assert.Equal(t, "REVALIDATED", revalidated.cache)
	assert.Equal(t, first.body, revalidated.body)

	// Errors are no-store, and POST is never looked up in the cache: both reach a replica
	// every time.
	bad := ngx.base + "/graphql?query=" + url.QueryEscape(`{ noSuchField }`)
	for range 2 {
		a := get(t, bad)
		assert.Contains(t, a.body, `"errors"`)
		assert.Equal(t, "no-store", a.header.Get("Cache-Control"))
		assert.Equal(t, "MISS", a.cache, "an answer with errors must not be cached")
	}
	posted := post(t, ngx.base+"/graphql", query)
	require.Equal(t, http.StatusOK, posted.status, posted.body)
	assert.Empty(t, posted.cache, "POST must not go through the cache")

	// nginx balances the requests it passes on over the replicas.
	servedPOST := func(r *replica) bool { return strings.Contains(r.log.String(), "method=POST path=/graphql") }
	for i := 0; i < 20 && !(servedPOST(replicas[0]) && servedPOST(replicas[1])); i++ {
		post(t, ngx.base+"/graphql", query)
	}
	for i, r := range replicas {
		assert.True(t, servedPOST(r), "replica %d answered no POST: %s", i, r.log.String())
	}

	// Every replica stopped: the cached answer is still served, fresh (HIT) at first and, once
	// older than its max-age, as a stale one since no replica can revalidate it.
	for _, r := range replicas {
		r.stop(t)
	}
	down := get(t, target)
	require.Equal(t, http.StatusOK, down.status, down.body)
	assert.Contains(t, []string{"HIT", "STALE"}, down.cache)
	assert.Equal(t, first.body, down.body)
	time.Sleep(expired) // now it can only be stale
	stale := get(t, target)
	require.Equal(t, http.StatusOK, stale.status, stale.body)
	assert.Equal(t, "STALE", stale.cache)
	assert.Equal(t, first.body, stale.body)
	// What was never cached cannot be answered: this proves the answers above came from nginx.
	uncached := get(t, ngx.base+"/graphql?query="+url.QueryEscape(`{ states(first: 4) { totalCount } }`))
	assert.Equal(t, http.StatusBadGateway, uncached.status, uncached.body)
	uncachedPost := post(t, ngx.base+"/graphql", query)
	assert.Equal(t, http.StatusBadGateway, uncachedPost.status, uncachedPost.body)

	// Replicas of a new dataset on the same addresses (elsewhere if an address was taken in
	// the meantime, and nginx is told so): the cached answer is revalidated, its ETag no longer
	// matches, and the new answer replaces it.
	var moved bool
	for i, r := range replicas {
		replicas[i] = startReplicaAt(t, bin, newDB, r.addr)
		moved = moved || replicas[i].addr != r.addr
	}
	if moved {
		ngx.reload(t, replicaAddrs(replicas))
	}
	switched := time.Now()
	fresh := getUntil(t, target, 0, func(a answer) bool {
		return a.status == http.StatusOK && datasetVersion(t, a.body) != oldVersion
	})
	t.Logf("the new dataset was served %v after its replicas were ready (X-Cache-Status %s)",
		time.Since(switched).Round(10*time.Millisecond), fresh.cache)
	newVersion := datasetVersion(t, fresh.body)
	require.NotEqual(t, oldVersion, newVersion)
	require.Equal(t, newVersion, replicas[0].version(t), "the answer is the new replicas'")
	assert.NotEqual(t, first.header.Get("ETag"), fresh.header.Get("ETag"))
	// And the new answer is what the cache now holds.
	again := getUntil(t, target, 5, func(a answer) bool { return a.cache == "HIT" })
	assert.Equal(t, fresh.body, again.body)
}

// findNginx returns the nginx binary, or skips the test when there is none, unless
// TREATYGRAPH_REQUIRE_NGINX is set (as CI sets it).
func findNginx(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	if os.Getenv("TREATYGRAPH_REQUIRE_NGINX") != "" {
		t.Fatal("nginx is not installed, and TREATYGRAPH_REQUIRE_NGINX is set (Debian: apt-get install nginx)")
	}
	t.Skip("nginx is not installed (Debian: apt-get install nginx); TREATYGRAPH_REQUIRE_NGINX=1 makes this a failure")
	return ""
}

func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "treatygraph")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = ".." // the module's root, where package main is
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

func runCmd(t *testing.T, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	require.NoError(t, err, "treatygraph %s: %s", strings.Join(args, " "), out)
}

// replica is a `treatygraph serve` process.
type replica struct {
	cmd  *exec.Cmd
	addr string
	log  *syncBuffer
	done chan struct{} // closed when the process has exited
}

var servingURL = regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)/`)

// startReplica starts a replica serving db on addr (port 0 for any) and waits until it is
// ready.
func startReplica(t *testing.T, bin, db, addr string) *replica {
	t.Helper()
	r, err := tryReplica(t, bin, db, addr)
	require.NoError(t, err)
	return r
}

// startReplicaAt starts a replica on addr, or on another port if addr is taken.
func startReplicaAt(t *testing.T, bin, db, addr string) *replica {
	t.Helper()
	r, err := tryReplica(t, bin, db, addr)
	if err != nil {
		t.Logf("%v; on another port", err)
		return startReplica(t, bin, db, "127.0.0.1:0")
	}
	return r
}

func tryReplica(t *testing.T, bin, db, addr string) (*replica, error) {
	t.Helper()
	r := &replica{log: &syncBuffer{}, done: make(chan struct{})}
	r.cmd = exec.Command(bin, "serve", "-db", db, "-addr", addr, "-cache-max-age", maxAge.String())
	r.cmd.Env = append(os.Environ(), "PORT=")
	stderr, err := r.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, r.cmd.Start())
	t.Cleanup(func() { r.stop(t) })
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(r.log, sc.Text())
			if m := servingURL.FindStringSubmatch(sc.Text()); m != nil {
				listening <- m[1]
			}
		}
		_ = r.cmd.Wait()
		close(r.done)
	}()
	select {
	case r.addr = <-listening:
	case <-r.done:
		return nil, fmt.Errorf("the replica on %s exited: %s", addr, r.log.String())
	case <-time.After(time.Minute):
		return nil, fmt.Errorf("the replica on %s did not listen within a minute: %s", addr, r.log.String())
	}
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := quickClient.Get("http://" + r.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r, nil
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the replica on %s was not ready within a minute: %s", r.addr, r.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the replica and waits for it to exit.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	select {
	case <-r.done:
		return
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(15 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.done
	}
}

// version asks the replica directly for its dataset version (/healthz says "ok VERSION").
func (r *replica) version(t *testing.T) string {
	t.Helper()
	resp, err := httpClient.Get("http://" + r.addr + "/healthz")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	v, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "ok ")
	require.True(t, ok, "/healthz: %s", b)
	return v
}

func replicaAddrs(rs []*replica) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.addr
	}
	return out
}

// nginxProcess is nginx run in the foreground with its own prefix directory.
type nginxProcess struct {
	cmd      *exec.Cmd
	prefix   string
	listen   string
	base     string
	done     chan struct{}
	exitErr  error
	output   *syncBuffer
	template string
}

// startNginx renders nginx.conf for the replicas at addrs into prefix and starts nginx on a
// free loopback port.
func startNginx(t *testing.T, bin, prefix string, addrs []string) *nginxProcess {
	t.Helper()
	tmpl, err := os.ReadFile("nginx.conf")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(prefix, "tmp"), 0o755))
	var lastErr error
	for range 3 { // the port chosen may be taken by the time nginx binds it
		n := &nginxProcess{prefix: prefix, listen: freeAddr(t), output: &syncBuffer{}, done: make(chan struct{}), template: string(tmpl)}
		n.base = "http://" + n.listen
		n.render(t, addrs)
		n.cmd = exec.Command(bin, "-p", prefix, "-c", filepath.Join(prefix, "nginx.conf"),
			"-e", filepath.Join(prefix, "error.log"), "-g", "daemon off;")
		n.cmd.Stdout, n.cmd.Stderr = n.output, n.output
		// Its own process group, so that its workers can be killed with it if it hangs.
		n.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		require.NoError(t, n.cmd.Start())
		go func() {
			n.exitErr = n.cmd.Wait()
			close(n.done)
		}()
		t.Cleanup(func() { n.stop() })
		if lastErr = n.waitHealthy(); lastErr == nil {
			return n
		}
		n.stop()
	}
	t.Fatalf("nginx did not start: %v", lastErr)
	return nil
}

func (n *nginxProcess) render(t *testing.T, addrs []string) {
	t.Helper()
	var servers strings.Builder
	for _, a := range addrs {
		fmt.Fprintf(&servers, "server %s max_fails=1 fail_timeout=2s; ", a)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // the workers must reach the test's private temporary directory
	}
	conf := strings.NewReplacer("@PREFIX@", n.prefix, "@LISTEN@", n.listen, "@USER@", user,
		"@SERVERS@", servers.String()).Replace(n.template)
	require.NotContains(t, conf, "@", "a placeholder of nginx.conf is left")
	require.NoError(t, os.WriteFile(filepath.Join(n.prefix, "nginx.conf"), []byte(conf), 0o644))
}

// waitHealthy waits until nginx answers /healthz through a replica, for at most a minute.
func (n *nginxProcess) waitHealthy() error {
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case <-n.done:
			return fmt.Errorf("nginx exited (%v): %s%s", n.exitErr, n.output.String(), n.errorLog())
		default:
		}
		resp, err := quickClient.Get(n.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nginx did not answer /healthz within a minute: %v; %s", err, n.errorLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// reload points nginx at other replicas (SIGHUP re-reads the configuration).
func (n *nginxProcess) reload(t *testing.T, addrs []string) {
	t.Helper()
	n.render(t, addrs)
	require.NoError(t, n.cmd.Process.Signal(syscall.SIGHUP))
}

func (n *nginxProcess) errorLog() string {
	b, _ := os.ReadFile(filepath.Join(n.prefix, "error.log"))
	return string(b)
}

// stop asks nginx to stop (SIGTERM, fast shutdown) and kills its process group if it has not
// within 15 seconds.
func (n *nginxProcess) stop() {
	select {
	case <-n.done:
		return
	default:
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL)
		<-n.done
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

var (
	httpClient  = &http.Client{Timeout: 20 * time.Second}
	quickClient = &http.Client{Timeout: 2 * time.Second} // for polling
)

// answer is an HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   string
	cache  string // X-Cache-Status
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	req.Header.Set("Accept", "application/json")
	resp, err := httpClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b), cache: resp.Header.Get("X-Cache-Status")}
}

func get(t *testing.T, u string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	return do(t, req)
}

func post(t *testing.T, u, query string) answer {
	t.Helper()
	body, err := json.Marshal(map[string]string{"query": query})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

// getUntil GETs u until an answer satisfies ok: at most tries times, or, with tries 0, for at
// most 30 seconds (many times the revalidation window, for a loaded machine).
// cacheKeys lists the keys of the entries nginx keeps under dir (each file's "KEY: " line).
func cacheKeys(t *testing.T, dir string) []string {
	t.Helper()
	var keys []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, rest, ok := bytes.Cut(b, []byte("\nKEY: ")); ok {
			key, _, _ := bytes.Cut(rest, []byte("\n"))
			keys = append(keys, string(key))
		}
		return nil
	}))
	return keys
}

func getUntil(t *testing.T, u string, tries int, ok func(answer) bool) answer {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last answer
	for i := 1; ; i++ {
		last = get(t, u)
		if ok(last) {
			return last
		}
		if (tries > 0 && i >= tries) || (tries == 0 && time.Now().After(deadline)) {
			t.Fatalf("after %d requests, the last answer is still not the one expected: %d, X-Cache-Status %q: %.300s",
				i, last.status, last.cache, last.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// datasetVersion is extensions.datasetVersion of a GraphQL answer.
func datasetVersion(t *testing.T, body string) string {
	t.Helper()
	var a struct {
		Extensions struct {
			DatasetVersion string `json:"datasetVersion"`
		} `json:"extensions"`
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("not a GraphQL answer: %v: %.300s", err, body)
	}
	return a.Extensions.DatasetVersion
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
