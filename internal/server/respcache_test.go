package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/testgate"
)

// The caches change how much work a request takes, never what it answers: every example
// query and every golden query of the graph package gets the same data and errors from a
// server that keeps nothing, from one that keeps decoded records (cold, then warm), and from
// one that also keeps answers (the second time answered without SQL).
func TestCachesNeverChangeAnswers(t *testing.T) {
	store, _ := openSeedStore(t)
	plain := newKitOn(t, store, Config{RecordCache: -1, ResponseCacheBytes: -1})
	records := newKitOn(t, store, Config{ResponseCacheBytes: -1})
	both := newKitOn(t, store, Config{})

	var files []string
	for _, pattern := range []string{"../../examples/queries/*.graphql", "../../graph/testdata/*.graphql"} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.Greater(t, len(files), 20)
	warmFewer := 0
	for _, f := range files {
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		// A file may hold several operations: each runs on its own.
		for _, op := range operationNames(string(text)) {
			name := filepath.Base(f) + "/" + op
			body := map[string]any{"query": string(text)}
			if op != "" {
				body["operationName"] = op
			}
			want := plain.post(body)
			wantAnswer := answerOf(t, want)

			before := store.Statements()
			cold := records.post(body)
			coldSQL := store.Statements() - before
			before = store.Statements()
			warm := records.post(body)
			warmSQL := store.Statements() - before
			assert.Equal(t, wantAnswer, answerOf(t, cold), "%s: records, cold", name)
			assert.Equal(t, wantAnswer, answerOf(t, warm), "%s: records, warm", name)
			assert.LessOrEqual(t, warmSQL, coldSQL, "%s: kept records only spare statements", name)
			if warmSQL < coldSQL {
				warmFewer++
			}

			first := both.post(body)
			before = store.Statements()
			again := both.post(body)
			assert.Equal(t, wantAnswer, answerOf(t, first), "%s: answers kept, first", name)
			assert.Equal(t, wantAnswer, answerOf(t, again), "%s: answers kept, again", name)
			if len(want.Errors) == 0 {
				assert.Equal(t, int64(0), store.Statements()-before, "%s: a complete answer is answered again without SQL", name)
			}
		}
	}
	assert.Greater(t, warmFewer, 10, "kept records spare statements on most queries")
}

// answerOf is what a response says, without its extensions (cost and version).
func answerOf(t *testing.T, a answer) string {
	t.Helper()
	var body map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(a.Raw), &body), "%.300s", a.Raw)
	delete(body, "extensions")
	out, err := json.Marshal(body)
	require.NoError(t, err)
	return string(out)
}

// operationNames lists the named operations of a document, or "" for one anonymous.
func operationNames(doc string) []string {
	var names []string
	for _, line := range strings.Split(doc, "\n") {
		for _, kw := range []string{"query ", "subscription ", "mutation "} {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), kw); ok {
				if name := strings.FieldsFunc(rest, func(r rune) bool { return r == '(' || r == ' ' || r == '{' }); len(name) > 0 {
					names = append(names, name[0])
				}
			}
		}
	}
	if len(names) == 0 {
		return []string{""}
	}
	return names
}

func TestResponseCacheRefusesWhatItWouldRefuse(t *testing.T) {
	store, _ := openSeedStore(t)
	k := newKitOn(t, store, Config{MaxCost: 500})
	const cheap = `{ states(first: 3) { nodes { name } } }`
	require.Empty(t, k.query(cheap, nil).Errors)
	a := k.query(cheap, nil)
	require.Empty(t, a.Errors)
	assert.Contains(t, a.Raw, `"requestedQueryCost"`, "a kept answer carries its cost")

	// An operation refused is refused every time, and never kept.
	const costly = `{ states(first: 100) { nodes { name memberships { organization { name } } } } }`
	for range 2 {
		assert.Equal(t, []string{CodeComplexityLimitExceeded}, k.query(costly, nil).codes())
	}
	// Variables are part of the key.
	const byVar = `query($n: Int) { states(first: $n) { nodes { slug } } }`
	two, three := k.query(byVar, map[string]any{"n": 2}), k.query(byVar, map[string]any{"n": 3})
	assert.NotEqual(t, two.Raw, three.Raw)
	assert.Equal(t, three.Raw, k.query(byVar, map[string]any{"n": 3}).Raw)
	// Layout is not.
	assert.Equal(t, answerOf(t, k.query(cheap, nil)), answerOf(t, k.query("{states(first:3){nodes{name}}}", nil)))
}

// A kept answer is written byte for byte as the first one was, HTML-escaping included.
func TestKeptAnswerIsWrittenAsTheFirst(t *testing.T) {
	store, _ := openSeedStore(t)
	k := newKitOn(t, store, Config{})
	// Names with "&" are escaped by encoding/json ("\u0026"); the kept answer must be too.
	const q = `{ organizations(first: 100) { nodes { name shortName longName } } }`
	first := k.query(q, nil)
	require.Empty(t, first.Errors)
	require.Contains(t, first.Raw, `\u0026`, "the answer holds an escaped character")
	before := store.Statements()
	again := k.query(q, nil)
	assert.Equal(t, before, store.Statements(), "answered from the answers kept")
	assert.Equal(t, first.Raw, again.Raw)
	get := k.get(url.Values{"query": {q}})
	getAgain := k.get(url.Values{"query": {q}})
	assert.Equal(t, get.Raw, getAgain.Raw)
	assert.Equal(t, first.Raw, getAgain.Raw)
}

// Requests that share the records and answers kept, at once, get what they get alone. Run
// with -race, this is what shows a loaded value changed in place.
func TestCachesUnderConcurrentRequests(t *testing.T) {
	testgate.Slow(t, "runs every example query many times at once")
	store, _ := openSeedStore(t)
	// What is checked here is what the race detector sees, not speed: under -race the dearest
	// examples (counts by year over three sources) take longer than the default limit.
	plain := newKitOn(t, store, Config{RecordCache: -1, ResponseCacheBytes: -1, Timeout: 5 * time.Minute})
	shared := newKitOn(t, store, Config{Timeout: 5 * time.Minute})
	files, err := filepath.Glob("../../examples/queries/*.graphql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	type request struct {
		name string
		body map[string]any
		want string
	}
	var requests []request
	for _, f := range files {
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, op := range operationNames(string(text)) {
			body := map[string]any{"query": string(text), "operationName": op}
			requests = append(requests, request{filepath.Base(f) + "/" + op, body, answerOf(t, plain.post(body))})
		}
	}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 * len(requests) {
				r := requests[(i+g*7)%len(requests)]
				if i%2 == 1 {
					// A new alias: the records are shared, the answer is not kept. Its answer
					// holds one more field; what is checked here is the race detector's.
					q := strings.Replace(r.body["query"].(string), "{", fmt.Sprintf("{ r%d_%d: __typename ", g, i), 1)
					shared.post(map[string]any{"query": q, "operationName": r.body["operationName"]})
					continue
				}
				assert.Equal(t, r.want, answerOf(t, shared.post(r.body)), r.name)
			}
		}()
	}
	wg.Wait()
}

// Variables that differ give different keys, and the same variables the same key whatever the
// order of their members.
func TestCanonicalJSONOfVariables(t *testing.T) {
	enc := func(v any) string {
		s, ok := canonicalJSON(v)
		require.True(t, ok)
		return s
	}
	a := map[string]any{"b": []any{json.Number("1"), "x", true, nil}, "a": map[string]any{"z": 1, "y": int64(2)}}
	b := map[string]any{"a": map[string]any{"y": int64(2), "z": 1}, "b": []any{json.Number("1"), "x", true, nil}}
	assert.Equal(t, enc(a), enc(b))
	assert.Equal(t, `{"a":{"y":2,"z":1},"b":[1,"x",true,null]}`, enc(a))
	distinct := []any{nil, map[string]any{}, map[string]any{"n": json.Number("5")}, map[string]any{"n": "5"},
		map[string]any{"n": `5","m":"`}, map[string]any{"n": "5", "m": ""}, map[string]any{"n": []any{}}, map[string]any{"n": 5.5}}
	seen := map[string]int{}
	for i, v := range distinct {
		s := enc(v)
		if j, ok := seen[s]; ok {
			t.Errorf("variables %d and %d share the key %s", j, i, s)
		}
		seen[s] = i
	}
}
