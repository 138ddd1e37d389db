package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/testgate"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines to write while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// gqlResponse is a GraphQL response as a client sees it.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// hasData reports whether the response carries a non-null data object.
func (r gqlResponse) hasData() bool {
	d := strings.TrimSpace(string(r.Data))
	return d != "" && d != "null"
}

// liveServer is a real treatygraph server listening on loopback.
type liveServer struct {
	base   string
	client *http.Client
}

func (s *liveServer) do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := s.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// post sends a JSON GraphQL request and decodes the answer.
func (s *liveServer) post(t *testing.T, query string) (int, gqlResponse, []byte) {
	t.Helper()
	payload, err := json.Marshal(map[string]any{"query": query})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, s.base+"/graphql", bytes.NewReader(payload))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, body := s.do(t, req)
	var r gqlResponse
	require.NoError(t, json.Unmarshal(body, &r), "response is not JSON: %s", body)
	return resp.StatusCode, r, body
}

// get sends a GraphQL query as GET /graphql?query=... and decodes the answer.
func (s *liveServer) get(t *testing.T, query string) (int, gqlResponse, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+"/graphql?"+url.Values{"query": {query}}.Encode(), nil)
	require.NoError(t, err)
	resp, body := s.do(t, req)
	var r gqlResponse
	require.NoError(t, json.Unmarshal(body, &r), "response is not JSON: %s", body)
	return resp.StatusCode, r, body
}

// memberNames runs a members query and returns the members' names.
func (s *liveServer) memberNames(t *testing.T, at string) []string {
	t.Helper()
	status, r, body := s.post(t, `{ organization(acronym: "CSTO") { members(at: "`+at+`", roles: [MEMBER]) { member { name } } } }`)
	require.Equal(t, http.StatusOK, status, "%s", body)
	require.Empty(t, r.Errors, "%s", body)
	var data struct {
		Organization struct {
			Members []struct{ Member struct{ Name string } }
		}
	}
	require.NoError(t, json.Unmarshal(r.Data, &data))
	var names []string
	for _, m := range data.Organization.Members {
		names = append(names, m.Member.Name)
	}
	return names
}

// TestServeEndToEnd starts the real serve command on a loopback port, with the database of
// the embedded seeds that the build command wrote (sharedSeedsDB), talks to it over HTTP as
// a client would, then stops it and checks it shut down cleanly without any panic in its
// log. Serve building its database at start is TestServeBuildsItsDatabaseAtStart's.
func TestServeEndToEnd(t *testing.T) {
	s, stop := startServe(t, "-db", sharedSeedsDB(t))

	t.Run("members on a date", func(t *testing.T) {
		assert.ElementsMatch(t,
			[]string{"Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"},
			s.memberNames(t, "2005-06-01"))
		assert.Contains(t, s.memberNames(t, "2010-01-01"), "Uzbekistan")
	})

	t.Run("GET query", func(t *testing.T) {
		status, r, body := s.get(t, `{ organization(acronym: "CSTO") { acronym } }`)
		require.Equal(t, http.StatusOK, status, "%s", body)
		require.Empty(t, r.Errors, "%s", body)
		assert.JSONEq(t, `{"organization":{"acronym":"CSTO"}}`, string(r.Data))
	})

	t.Run("GET refuses anything but a valid query", func(t *testing.T) {
		for _, q := range []string{
			`mutation { organization(acronym: "CSTO") { acronym } }`,
			`subscription { organization(acronym: "CSTO") { acronym } }`,
			`{ organization(acronym: "CSTO") { acronym }`,
		} {
			// A well-formed request that cannot run answers 200 to application/json clients
			// (GraphQL over HTTP); the errors say why.
			status, r, body := s.get(t, q)
			assert.Equal(t, http.StatusOK, status, "GET %q: %s", q, body)
			assert.NotEmpty(t, r.Errors, "GET %q: %s", q, body)
			assert.False(t, r.hasData(), "GET %q was executed: %s", q, body)
		}
	})

	t.Run("impossible date", func(t *testing.T) {
		_, r, body := s.post(t, `{ organization(acronym: "CSTO") { members(at: "1996-13-45") { member { name } } } }`)
		require.Len(t, r.Errors, 1, "%s", body)
		assert.Contains(t, r.Errors[0].Message, "1996-13-45")
		assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"], "%s", body)
	})

	t.Run("unknown slug is null, not an error", func(t *testing.T) {
		status, r, body := s.post(t, `{ state(slug: "atlantis") { name } }`)
		assert.Equal(t, http.StatusOK, status, "%s", body)
		assert.Empty(t, r.Errors, "%s", body)
		assert.JSONEq(t, `{"state":null}`, string(r.Data))
	})

	t.Run("two keys at once", func(t *testing.T) {
		_, r, body := s.post(t, `{ state(iso2: "AM", slug: "armenia") { name } }`)
		require.Len(t, r.Errors, 1, "%s", body)
		assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"], "%s", body)
		assert.Contains(t, r.Errors[0].Message, "slug")
		assert.Contains(t, r.Errors[0].Message, "iso2")
	})

	t.Run("page size over the cap", func(t *testing.T) {
		_, r, body := s.post(t, `{ states(first: 101) { totalCount } }`)
		require.Len(t, r.Errors, 1, "%s", body)
		assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"], "%s", body)
		assert.Contains(t, r.Errors[0].Message, "100")
	})

	t.Run("GraphiQL", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, s.base+"/", nil)
		require.NoError(t, err)
		resp, body := s.do(t, req)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
		assert.Contains(t, strings.ToLower(string(body)), "graphiql")
	})

	t.Run("unknown path", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, s.base+"/nope", nil)
		require.NoError(t, err)
		resp, _ := s.do(t, req)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})

	t.Run("health", func(t *testing.T) {
		g, err := loadSeeds("", seed.DefaultLimits())
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodGet, s.base+"/healthz", nil)
		require.NoError(t, err)
		resp, body := s.do(t, req)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "ok "+g.Version, strings.TrimSpace(string(body)))
	})

	t.Run("CORS preflight", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodOptions, s.base+"/graphql", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", "https://notebook.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, _ := s.do(t, req)
		assert.Equal(t, http.StatusNoContent, resp.StatusCode)
		assert.NotEmpty(t, resp.Header.Get("Access-Control-Allow-Origin"))
		assert.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "POST")
		assert.Contains(t, strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")), "content-type")
	})

	t.Run("body over the limit", func(t *testing.T) {
		// A valid query padded with whitespace to just over the limit: only its size is wrong.
		query := `{ states { totalCount } }`
		query += strings.Repeat(" ", server.DefaultMaxBodyBytes+1024-len(query))
		status, r, body := s.post(t, query)
		assert.False(t, status == http.StatusOK && r.hasData(), "a %d-byte body was executed: %.300s", len(query), body)
		assert.NotEmpty(t, r.Errors, "%.300s", body)
		assert.False(t, r.hasData(), "%.300s", body)
	})

	t.Run("body under the limit", func(t *testing.T) {
		query := `{ states { totalCount } }`
		query += strings.Repeat(" ", server.DefaultMaxBodyBytes-1024-len(query))
		status, r, body := s.post(t, query)
		assert.Equal(t, http.StatusOK, status, "%.300s", body)
		assert.Empty(t, r.Errors, "%.300s", body)
		assert.True(t, r.hasData(), "%.300s", body)
	})

	log := stop()
	assert.Contains(t, log, "shutting down")
	assert.NotContains(t, strings.ToLower(log), "panic", "server log:\n%s", log)
}

// TestServeBuildsItsDatabaseAtStart starts serve without -db, with -seeds naming a small
// seed set (the curated seeds, written by generate): it builds the database at start and
// serves those seeds, whose version /healthz reports, until stopped.
func TestServeBuildsItsDatabaseAtStart(t *testing.T) {
	seeds := filepath.Join(t.TempDir(), "seeds")
	code, _, stderr := runCLI(t, "generate", "-curated", "-scale", "1", "-o", seeds)
	require.Equal(t, 0, code, stderr)
	g, err := loadSeeds(seeds, seed.DefaultLimits())
	require.NoError(t, err)
	embedded, err := loadSeeds("", seed.DefaultLimits())
	require.NoError(t, err)
	require.NotEqual(t, embedded.Version, g.Version, "the small seed set is another dataset")
	serveBuildsItsDatabaseAtStart(t, g.Version, "-seeds", seeds)
}

// TestServeBuildsTheEmbeddedSeedsAtStart is TestServeBuildsItsDatabaseAtStart with neither
// -db nor -seeds: serve builds the embedded seeds, as the README's quick start runs it.
func TestServeBuildsTheEmbeddedSeedsAtStart(t *testing.T) {
	testgate.Slow(t, "builds the whole embedded dataset at start")
	g, err := loadSeeds("", seed.DefaultLimits())
	require.NoError(t, err)
	serveBuildsItsDatabaseAtStart(t, g.Version)
}

// serveBuildsItsDatabaseAtStart starts serve with args, which give it no database, and checks
// that it built one of the seeds of version at start, serves them and shuts down cleanly.
func serveBuildsItsDatabaseAtStart(t *testing.T, version string, args ...string) {
	s, stop := startServe(t, args...)
	req, err := http.NewRequest(http.MethodGet, s.base+"/healthz", nil)
	require.NoError(t, err)
	resp, body := s.do(t, req)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "ok "+version, strings.TrimSpace(string(body)))
	assert.ElementsMatch(t,
		[]string{"Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"},
		s.memberNames(t, "2005-06-01"))

	log := stop()
	assert.Contains(t, log, "built database from seeds")
	assert.Contains(t, log, "version="+version)
	assert.Contains(t, log, "shutting down")
	assert.NotContains(t, strings.ToLower(log), "panic", "server log:\n%s", log)
}

// startServe starts the real serve command with args on a loopback port (with neither -db
// nor -seeds, it builds the embedded seeds first). stop stops it, checks that it shut down
// cleanly and returns its log.
func startServe(t *testing.T, args ...string) (s *liveServer, stop func() string) {
	t.Helper()
	t.Setenv("PORT", "") // a PORT in the environment would override -addr
	// serve sets the process's garbage collector (-gc-percent, -memory-limit): the tests that
	// follow get back this binary's own settings.
	gcPercent := debug.SetGCPercent(testgate.GCPercent)
	debug.SetGCPercent(gcPercent)
	memoryLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(gcPercent)
		debug.SetMemoryLimit(memoryLimit)
	})

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var logs syncBuffer
	ready := make(chan string, 1)
	cmd := &serveCommand{stdout: io.Discard, stderr: &logs, ready: ready}
	done := make(chan error, 1)
	go func() { done <- cmd.Run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...)) }()

	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve stopped before listening: %v\nlog:\n%s", err, logs.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("serve did not start listening in time\nlog:\n%s", logs.String())
	}
	require.True(t, strings.HasPrefix(addr, "127.0.0.1:"), "listening on %s, want loopback", addr)
	s = &liveServer{base: "http://" + addr, client: &http.Client{Timeout: 30 * time.Second}}
	return s, func() string {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err, "serve should shut down cleanly")
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not return after its context was cancelled")
		}
		return logs.String()
	}
}

// TestServeLimitFlags starts serve with lower limits than the defaults and checks that a
// client meets them.
func TestServeLimitFlags(t *testing.T) {
	s, stop := startServe(t, "-db", sharedSeedsDB(t), "-max-depth", "3", "-max-cost", "50", "-max-first", "5", "-max-errors", "1",
		"-max-body-bytes", "4096", "-max-directives", "1", "-max-selection-fields", "3")
	defer stop()
	for _, tc := range []struct{ query, code, message string }{
		{`{ state(slug: "armenia") { memberships { organization { name } } } }`, "DEPTH_LIMIT_EXCEEDED", "limit of 3"},
		{`{ states(first: 40) { nodes { name } } }`, "BAD_USER_INPUT", "first must be at most 5, got 40"},
		{`{ state(slug: "armenia") { memberships { role } } }`, "COMPLEXITY_LIMIT_EXCEEDED", "limit of 50"},
		{`{ __typename @include(if: true) @skip(if: false) }`, "DIRECTIVE_LIMIT_EXCEEDED", "limit of 1"},
		{`{ a: __typename b: __typename c: __typename d: __typename }`, "SELECTION_LIMIT_EXCEEDED", "limit of 3"},
	} {
		_, r, body := s.post(t, tc.query)
		require.NotEmpty(t, r.Errors, "%s: %s", tc.query, body)
		assert.Equal(t, tc.code, r.Errors[0].Extensions["code"], "%s: %s", tc.query, body)
		assert.Contains(t, r.Errors[0].Message, tc.message, "%s: %s", tc.query, body)
	}

	// Two errors, one listed.
	_, r, body := s.post(t, `{ a: states(first: 6) { nodes { name } } b: states(first: 7) { nodes { name } } }`)
	require.Len(t, r.Errors, 2, "%s", body)
	assert.Equal(t, "TOO_MANY_ERRORS", r.Errors[1].Extensions["code"], "%s", body)

	status, r, body := s.post(t, `{ states { totalCount } }`+strings.Repeat(" ", 4096))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status, "%.300s", body)
	assert.Equal(t, "REQUEST_TOO_LARGE", r.Errors[0].Extensions["code"], "%.300s", body)
}

func TestListenAddr(t *testing.T) {
	for _, tc := range []struct {
		addr, port, want string
	}{
		{"localhost:8080", "9999", "localhost:9999"},
		{"localhost:8080", "", "localhost:8080"},
		{"127.0.0.1:0", "", "127.0.0.1:0"},
		{":8080", "3000", ":3000"},
		{"[::1]:8080", "81", "[::1]:81"},
	} {
		got, err := listenAddr(tc.addr, tc.port)
		require.NoError(t, err, "listenAddr(%q, %q)", tc.addr, tc.port)
		assert.Equal(t, tc.want, got, "listenAddr(%q, %q)", tc.addr, tc.port)
	}
	for _, bad := range []string{"localhost", "", "a:b:c"} {
		_, err := listenAddr(bad, "9999")
		if assert.Error(t, err, "listenAddr(%q) should fail", bad) {
			assert.Contains(t, err.Error(), "host:port")
		}
	}
}

// TestCLI runs the subcommands as the binary would and checks exit codes and output.
func TestCLI(t *testing.T) {
	t.Setenv("PORT", "")
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	problemLine := regexp.MustCompile(`(?m)^internal/seed/testdata/invalid/many/\S+\.yaml:\d+: `)

	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		check func(t *testing.T, stdout, stderr string)
	}{
		{
			name: "validate embedded seeds",
			args: []string{"validate"},
			code: 0,
			check: func(t *testing.T, stdout, stderr string) {
				assert.True(t, strings.HasPrefix(stdout, "ok:"), "stdout: %s", stdout)
				// The dataset's odd but kept records are listed, each with its place, once.
				assert.Contains(t, stdout, "417 notices")
				assert.Contains(t, stderr, "notice: seeds/cow-igo-v3/igos.csv:356:66: IGO IRU has deaddate 1968 but dead is 0")
			},
		},
		{
			name: "validate invalid seeds",
			args: []string{"validate", "-seeds", "internal/seed/testdata/invalid/many"},
			code: 1,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Empty(t, stdout)
				assert.GreaterOrEqual(t, len(problemLine.FindAllString(stderr, -1)), 2,
					"want file:line: message lines, got:\n%s", stderr)
				assert.Contains(t, stderr, "problem(s) in the seeds")
			},
		},
		{
			name: "validate missing directory",
			args: []string{"validate", "-seeds", "does-not-exist"},
			code: 1,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Contains(t, stderr, "treatygraph validate: seeds:")
				assert.Contains(t, stderr, "does-not-exist")
				assert.LessOrEqual(t, strings.Count(strings.TrimSpace(stderr), "\n"), 1, "one clear message, got:\n%s", stderr)
			},
		},
		{
			name: "validate a file, not a directory",
			args: []string{"validate", "-seeds", "server.go"},
			code: 1,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Contains(t, stderr, "not a directory")
			},
		},
		{
			name: "build without -o",
			args: []string{"build"},
			code: 2,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Contains(t, stderr, "-o FILE is required")
			},
		},
		{
			name: "build with a stray argument",
			args: []string{"build", "-o", filepath.Join(dir, "y.db"), "extra"},
			code: 2,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Contains(t, stderr, "unexpected arguments")
				assert.NoFileExists(t, filepath.Join(dir, "y.db"))
			},
		},
		{
			name: "serve a missing database",
			args: []string{"serve", "-db", missing, "-addr", "127.0.0.1:0"},
			code: 1,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Contains(t, stderr, "missing.db")
				assert.NoFileExists(t, missing, "serve must not create the database it was asked to read")
			},
		},
		{
			name: "serve with a bad address",
			args: []string{"serve", "-addr", "nohostport"},
			code: 1,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Contains(t, stderr, "nohostport")
			},
		},
		{
			name: "serve with an unknown flag",
			args: []string{"serve", "-nope"},
			code: 2,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Contains(t, stderr, "-nope")
			},
		},
		{
			name: "unknown subcommand",
			args: []string{"frobnicate"},
			code: 2,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Contains(t, stderr, `unknown command "frobnicate"`)
				assert.Contains(t, stderr, "Usage:")
			},
		},
		{
			name: "help",
			args: []string{"help"},
			code: 0,
			check: func(t *testing.T, stdout, stderr string) {
				for _, sub := range []string{"serve", "build", "validate"} {
					assert.Regexp(t, `(?m)^  `+sub+` +\S`, stdout)
				}
			},
		},
		{
			name: "subcommand help",
			args: []string{"validate", "-h"},
			code: 0,
			check: func(t *testing.T, stdout, stderr string) {
				assert.Contains(t, stderr, "-seeds")
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr)
			require.Equal(t, tc.code, code, "exit code of %v\nstdout:\n%s\nstderr:\n%s", tc.args, stdout.String(), stderr.String())
			tc.check(t, stdout.String(), stderr.String())
		})
	}

	// build -o FILE of the embedded seeds is the run that made the database the tests of this
	// package share (sharedSeedsDB), checked here rather than run again.
	t.Run("build", func(t *testing.T) {
		db := sharedSeedsDB(t) // exit code 0
		assert.Contains(t, seedsDB.stdout, db)
		store, err := sqlite.Open(db, 1)
		require.NoError(t, err)
		defer store.Close()
		assert.NotEmpty(t, store.Version())
		require.NoError(t, store.Ping(context.Background()))
	})
}
