package server

import (
	"bufio"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// The attack suite: requests a hostile client may send, each answered with a bounded,
// coded client error. The cases that need a separate server process, the 200-times database
// or many seconds run in attack_slow_test.go when TREATYGRAPH_ATTACK is set.
//
// Each case, and what it guards:
//   - ErrorsQuoteAShortPrefix: a value of 900 KiB, quoted by the errors of 100 aliases, is
//     quoted by its first characters only; the answer stays under 100 KiB, never INTERNAL.
//   - ErrorBytesAndAnswerBytesAreCapped: errors past their byte bound are counted in one
//     TOO_MANY_ERRORS; an answer past its bound is one RESPONSE_TOO_LARGE.
//   - NonScalarLiteralsAndLooseVariables: an object, a string, a fraction or a number out of
//     range where Int or String is expected is a coded client error, not INTERNAL.
//   - IfNoneMatchStarOnlyForCacheableAnswers: `If-None-Match: *` gets no 304 for an answer
//     with errors, which is never cached.
//   - ETagChangesWithTheDatabaseBuild: a database of another build never revalidates an
//     answer of the previous one.
//   - DocumentCacheIsBoundedByMemory: documents that parse into many nodes cannot grow the
//     document cache past its memory budget.
//   - HeadIsRefusedWithAllow: HEAD on /graphql is 405 with the Allow header.
//   - ContentLengthAndTransferEncodingTogetherAreRefused: a body framed two ways (request
//     smuggling) is refused with 400.
//   - OneRequestHoldsOneConnection: one request, however wide, holds one database connection.
//   - OverloadIsRefusedWith503: requests past MaxInFlight, or past the bytes of unwritten
//     answers, are answered 503 with Retry-After, and release what they counted.
//   - TrustedDocumentsModeServesNoGraphiQL: with trusted documents only, GraphiQL is not
//     served; the exports are.

// aliases repeats a field n times under aliases a0, a1 ...
func aliases(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}

func TestAttackErrorsQuoteAShortPrefix(t *testing.T) {
	k := newKit(t, Config{})
	huge := strings.Repeat("x", 900<<10) // the body stays under DefaultMaxBodyBytes
	missing := kg.Ref{Kind: kg.KindState, Key: huge[:600<<10]}.ID()
	cases := []struct {
		name, query string
		vars        map[string]any
	}{
		{"date", `query($v: Date) { ` + aliases(100, `events(from: $v) { totalCount }`) + `}`, map[string]any{"v": huge}},
		{"membershipChanges", `query($v: String!) { ` + aliases(100, `membershipChanges(organization: $v) { kind }`) + `}`, map[string]any{"v": huge}},
		{"neighborhood", `query($v: ID!) { ` + aliases(100, `neighborhood(id: $v) { truncated }`) + `}`, map[string]any{"v": missing}},
		{"path", `query($v: ID!) { ` + aliases(100, `path(from: $v, to: $v) { length }`) + `}`, map[string]any{"v": missing}},
		{"search", `query($v: String!) { ` + aliases(100, `search(text: $v) { field }`) + `}`, map[string]any{"v": strings.Repeat("-", 150)}},
		{"enum", `query($v: [NodeKind!]) { search(text: "kaz", kinds: $v) { field } }`, map[string]any{"v": []any{huge}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := k.query(c.query, c.vars)
			require.Less(t, a.Status, 500, "%.300s", a.Raw)
			require.NotEqual(t, http.StatusRequestEntityTooLarge, a.Status)
			require.NotEmpty(t, a.Errors, "%.300s", a.Raw)
			for _, e := range a.Errors {
				assert.LessOrEqual(t, len(e.Message), 300, "an error quotes too much: %.400s", e.Message)
				assert.NotEqual(t, kg.Internal, e.Extensions["code"])
			}
			assert.Less(t, len(a.Raw), 100<<10, "the answer holds %d bytes", len(a.Raw))
		})
	}
	t.Run("GET", func(t *testing.T) {
		a := k.get(url.Values{"query": {`query($v: Date) { ` + aliases(100, `events(from: $v) { totalCount }`) + `}`},
			"variables": {`{"v": "` + strings.Repeat("y", 300<<10) + `"}`}})
		require.NotEmpty(t, a.Errors)
		assert.Less(t, len(a.Raw), 100<<10, "the answer holds %d bytes", len(a.Raw))
	})
}

func TestAttackErrorBytesAndAnswerBytesAreCapped(t *testing.T) {
	k := newKit(t, Config{MaxErrorBytes: 2 << 10, MaxResponseBytes: 8 << 10})
	a := k.query(`{ `+aliases(100, `events(from: "1994-13") { totalCount }`)+`}`, nil)
	assert.Less(t, len(a.Raw), 4<<10, "%d bytes of errors", len(a.Raw))
	assert.Contains(t, a.codes(), CodeTooManyErrors)

	a = k.query(`{ `+aliases(60, `states(first: 100) { nodes { name } }`)+`}`, nil)
	assert.Equal(t, []string{CodeResponseTooLarge}, a.codes(), "%.300s", a.Raw)
	assert.Less(t, len(a.Raw), 1<<10)
	assert.Contains(t, a.firstError(), "8 KiB")

	ok := k.query(`{ states(first: 3) { nodes { name } } }`, nil)
	assert.Empty(t, ok.Errors)
}

func TestAttackNonScalarLiteralsAndLooseVariables(t *testing.T) {
	k := newKit(t, Config{})
	cases := []struct {
		name, query string
		vars        map[string]any
		want        string // in the message
	}{
		{"object for Int", `{ search(text: "kaz", first: {}) { field } }`, nil, "Int"},
		{"object for String", `{ search(text: {a: 1}) { field } }`, nil, "String"},
		{"object default for Int", `query($n: Int = {}) { search(text: "kaz", first: $n) { field } }`, nil, "Int"},
		{"string for Int", `query($n: Int) { search(text: "kaz", first: $n) { field } }`, map[string]any{"n": "5"}, `"5"`},
		{"fraction for Int", `query($n: Int) { search(text: "kaz", first: $n) { field } }`, map[string]any{"n": 2.5}, "2.5"},
		{"object for Int", `query($n: Int) { search(text: "kaz", first: $n) { field } }`, map[string]any{"n": map[string]any{}}, "object"},
		{"string for Int in a filter", `query($f: MilitaryStrengthFilter) { militaryStrengths(filter: $f) { total } }`,
			map[string]any{"f": map[string]any{"year": map[string]any{"eq": "1994"}}}, `"1994"`},
		{"too large for Int", `query($n: Int) { search(text: "kaz", first: $n) { field } }`, map[string]any{"n": 1 << 40}, "1099511627776"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := k.query(c.query, c.vars)
			require.NotEmpty(t, a.Errors, "accepted: %.300s", a.Raw)
			assert.NotEqual(t, kg.Internal, a.Errors[0].Extensions["code"], "%.300s", a.Raw)
			assert.NotEmpty(t, a.Errors[0].Extensions["code"])
			assert.Contains(t, a.firstError(), c.want)
			assert.NotContains(t, a.firstError(), "value 0")
		})
	}
	ok := k.query(`query($n: Int) { search(text: "kaz", first: $n) { field } }`, map[string]any{"n": 2})
	assert.Empty(t, ok.Errors, "%.300s", ok.Raw)
}

func TestAttackIfNoneMatchStarOnlyForCacheableAnswers(t *testing.T) {
	k := newKit(t, Config{})
	for _, q := range []string{`{ nope }`, `{ node(id: "bad") { id } }`} {
		a := k.get(url.Values{"query": {q}}, "If-None-Match", "*")
		assert.NotEqual(t, http.StatusNotModified, a.Status, "%s", q)
		assert.NotContains(t, a.Header.Get("Cache-Control"), "public", "%s", q)
		assert.NotEmpty(t, a.Errors, "%s", q)
	}
	a := k.get(url.Values{"query": {`{ states(first: 1) { totalCount } }`}}, "If-None-Match", "*")
	assert.Equal(t, http.StatusNotModified, a.Status)
	assert.NotEmpty(t, a.Header.Get("ETag"))
}

func TestAttackETagChangesWithTheDatabaseBuild(t *testing.T) {
	params := url.Values{"query": {`{ states(first: 2) { nodes { name } } }`}}
	etagOf := func(build string) string {
		_, path := openSeedStore(t)
		if build != "" {
			// A copy of the database sealed for another build: its build ID in the meta
			// table and its first 32 bits in the header (see sqlite's seal.go).
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			path = filepath.Join(t.TempDir(), "other-build.db")
			require.NoError(t, os.WriteFile(path, b, 0o644))
			db, err := sql.Open("sqlite", "file:"+path)
			require.NoError(t, err)
			fingerprint, err := strconv.ParseUint(build[:8], 16, 32)
			require.NoError(t, err)
			for _, stmt := range []string{"UPDATE meta SET value = '" + build + "' WHERE key = 'build'",
				fmt.Sprintf("PRAGMA application_id = %d", int32(uint32(fingerprint)))} {
				_, err = db.Exec(stmt)
				require.NoError(t, err)
			}
			require.NoError(t, db.Close())
		}
		store, err := sqlite.Open(path, 1)
		require.NoError(t, err)
		t.Cleanup(func() { _ = store.Close() })
		k := &kit{t: t, store: store, handler: New(Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})}
		a := k.get(params)
		require.Equal(t, http.StatusOK, a.Status)
		return a.Header.Get("ETag")
	}
	same := etagOf("")
	assert.Equal(t, same, etagOf(""), "the same build must give the same ETag")
	assert.NotEqual(t, same, etagOf("0123456789abcdef"), "a database of another build must not revalidate")
}

// heapAfterGC is the live heap of this process, the server's.
func heapAfterGC() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func TestAttackDocumentCacheIsBoundedByMemory(t *testing.T) {
	const budget = 16 << 20
	k := newKit(t, Config{QueryCacheBytes: budget})
	// A list literal of small numbers is the document that holds the most memory per byte
	// of text once parsed: each value is a node of about 200 bytes.
	values := strings.Repeat("1 ", 7_800)
	before := heapAfterGC()
	const documents = 64 // unbounded, they would hold about 100 MiB: three times the limit below
	for i := range documents {
		q := fmt.Sprintf(`query Q%d { militaryStrengths(filter: {year: {in: [%s]}}) { total } }`, i, values)
		require.Less(t, len(q), MaxCachedQueryBytes)
		a := k.query(q, nil)
		require.NotEmpty(t, a.Errors, "the filter takes at most 100 values: %.200s", a.Raw)
		require.Equal(t, "BAD_USER_INPUT", a.Errors[0].Extensions["code"], "%.200s", a.Raw) // valid, so cached
	}
	grown := heapAfterGC() - before
	runtime.KeepAlive(k)
	t.Logf("the heap grew by %d MiB for %d documents of %d bytes", grown>>20, documents, len(values))
	assert.Less(t, grown, int64(2*budget), "the document cache holds more than its budget")
}

func TestAttackHeadIsRefusedWithAllow(t *testing.T) {
	k := newKit(t, Config{})
	a := k.do(httptest.NewRequest(http.MethodHead, "/graphql?query={__typename}", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, a.Status)
	assert.Equal(t, "GET, POST, OPTIONS", a.Header.Get("Allow"))
}

// rawHTTP sends a request as written to a server on loopback and returns the status line.
func rawHTTP(t *testing.T, h http.Handler, request string) string {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = io.WriteString(conn, request)
	require.NoError(t, err)
	line, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err)
	return strings.TrimSpace(line)
}

func TestAttackContentLengthAndTransferEncodingTogetherAreRefused(t *testing.T) {
	k := newKit(t, Config{})
	body := `{"query":"{ __typename }"}`
	both := "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
		"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" +
		fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	assert.Equal(t, "HTTP/1.1 400 Bad Request", rawHTTP(t, k.handler, both))

	plain := "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
	assert.Equal(t, "HTTP/1.1 200 OK", rawHTTP(t, k.handler, plain))
}

func TestAttackOneRequestHoldsOneConnection(t *testing.T) {
	_, path := openSeedStore(t)
	wide, err := sqlite.Open(path, 8)
	require.NoError(t, err)
	t.Cleanup(func() { _ = wide.Close() })
	k := &kit{t: t, store: wide, handler: New(Config{Store: wide, Logger: slog.New(slog.DiscardHandler), Timeout: time.Minute})}

	stop := make(chan struct{})
	most := make(chan int)
	go func() {
		m := 0
		for {
			select {
			case <-stop:
				most <- m
				return
			default:
				m = max(m, wide.InUse())
				runtime.Gosched()
			}
		}
	}()
	for range 2 {
		a := k.query(`{ `+aliases(20, `search(text: "a", first: 50) { field }`)+` }`, nil)
		require.Empty(t, a.Errors, "%.300s", a.Raw)
	}
	close(stop)
	held := <-most
	t.Logf("one request held at most %d connections", held)
	assert.LessOrEqual(t, held, 1, "one request, whose resolvers run one at a time, held more than one connection")

}

func TestAttackOverloadIsRefusedWith503(t *testing.T) {
	b := newBudget(Config{MaxInFlight: 2, MaxBufferedBytes: 1 << 20})
	release := make(chan struct{})
	started := make(chan struct{})
	h := b.admit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("hold") != "" {
			b.hold(r.Context(), 2<<20) // an answer a slow reader has not taken yet
		}
		started <- struct{}{}
		<-release
	}))
	serve := func(target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, target, nil))
		return rec
	}
	done := make(chan struct{})
	for range 2 {
		go func() { serve("/graphql"); done <- struct{}{} }()
		<-started
	}
	rec := serve("/graphql")
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "a third request beside two in flight")
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
	assert.Contains(t, rec.Body.String(), CodeOverloaded)
	close(release)
	<-done
	<-done

	release = make(chan struct{})
	go func() { serve("/graphql?hold=1"); done <- struct{}{} }()
	<-started
	rec = serve("/graphql")
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "unwritten answers hold more than the budget")
	close(release)
	<-done
	release = make(chan struct{})
	go func() { serve("/graphql"); done <- struct{}{} }()
	<-started // admitted again once the held answer is gone
	close(release)
	<-done
	assert.Zero(t, b.buffered.Load(), "a request's bytes are released when it ends")
	assert.Zero(t, b.inFlight.Load())
}

func TestAttackTrustedDocumentsModeServesNoGraphiQL(t *testing.T) {
	trusted, err := LoadTrustedDocuments(writeTrusted(t, map[string]string{sha256Hex(`{ __typename }`): `{ __typename }`}), Config{})
	require.NoError(t, err)
	k := newKit(t, Config{TrustedDocuments: trusted})
	assert.Equal(t, http.StatusNotFound, k.do(httptest.NewRequest(http.MethodGet, "/", nil)).Status)
	assert.Equal(t, http.StatusNotFound, k.do(httptest.NewRequest(http.MethodGet, GraphiQLAssetPrefix+"graphiql.min.js", nil)).Status)
	exp := k.do(httptest.NewRequest(http.MethodGet, "/export/figures.csv", nil)) // the smallest
	assert.Equal(t, http.StatusOK, exp.Status, "the exports stay: they are not documents clients write")

	open := newKit(t, Config{})
	assert.Equal(t, http.StatusOK, open.do(httptest.NewRequest(http.MethodGet, "/", nil)).Status)
}
