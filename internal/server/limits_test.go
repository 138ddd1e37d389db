package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/synth"
	"github.com/treatygraph/treatygraph/internal/testgate"
)

// nest wraps a leaf in levels of memberships/organization/members/member, so that the
// query's depth is exactly depth.
func nest(depth int) string {
	// state(1) → memberships(2) → organization(3) → parent(4) → parent(5) ...: deep, but not
	// wide, so that the cost stays under its limit.
	var open strings.Builder
	open.WriteString(`{ state(slug: "armenia") { `)
	for d := 2; d < depth; d++ {
		open.WriteString([]string{"memberships", "organization", "parent"}[min(d-2, 2)] + " { ")
	}
	open.WriteString("__typename")
	return open.String() + strings.Repeat(" }", depth-1) + " }"
}

func TestDepthLimit(t *testing.T) {
	k := newKit(t, Config{})

	a := k.query(nest(DefaultMaxDepth), nil)
	require.Empty(t, a.Errors, "a query %d deep must run: %s", DefaultMaxDepth, a.Raw)
	assert.True(t, a.ran())

	k.noSQL("a query over the depth limit", func() {
		a = k.query(nest(DefaultMaxDepth+1), nil)
	})
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, []string{CodeDepthLimitExceeded}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), fmt.Sprintf("%d levels deep, more than the limit of %d", DefaultMaxDepth+1, DefaultMaxDepth))
	assert.False(t, a.ran())

	// Fragments count where they are spread.
	a = k.query(`query Deep { state(slug: "armenia") { ...M } }
fragment M on State { memberships { organization { members { member { ...N } } } } }
fragment N on Actor { memberships { organization { members { member { memberships { role } } } } } }`, nil)
	assert.Equal(t, []string{CodeDepthLimitExceeded}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), "operation Deep nests fields 11 levels deep")

	// Introspection is not counted: GraphiQL's own query nests 13 levels.
	a = k.query(introspectionQuery, nil)
	require.Empty(t, a.Errors, "%.500s", a.Raw)
	assert.True(t, a.ran())
}

func TestSelectionLimit(t *testing.T) {
	k := newKit(t, Config{})
	aliases := func(n int) string {
		var b strings.Builder
		b.WriteString("{ ")
		for i := range n {
			fmt.Fprintf(&b, "a%d: __typename ", i)
		}
		return b.String() + "}"
	}
	a := k.query(aliases(DefaultMaxSelectionFields), nil)
	require.Empty(t, a.Errors, "%.300s", a.Raw)

	a = k.query(aliases(DefaultMaxSelectionFields+1), nil)
	assert.Equal(t, []string{CodeSelectionLimitExceeded}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), fmt.Sprintf("selects %d fields, more than the limit of %d", DefaultMaxSelectionFields+1, DefaultMaxSelectionFields))

	// The fields of a fragment count in the selection that spreads it.
	fifty := strings.Repeat("name ", 50)
	a = k.query(`{ state(slug: "armenia") { ...A ...B slug } } fragment A on State { `+fifty+` } fragment B on State { `+fifty+` }`, nil)
	assert.Equal(t, []string{CodeSelectionLimitExceeded}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), `the selection of "state" selects 101 fields`)
}

func TestFieldLimit(t *testing.T) {
	k := newKit(t, Config{})
	// 11 states × 11 stints × 11 fields: each selection and the depth are small, the whole is not.
	aliases := func(prefix, field, inner string) string {
		var b strings.Builder
		for i := range 11 {
			fmt.Fprintf(&b, "%s%d: %s%s ", prefix, i, field, inner)
		}
		return b.String()
	}
	q := "query Wide { " + aliases("s", `state(slug: "armenia")`, " { ...M }") + "}\n" +
		"fragment M on State { " + aliases("m", "memberships", " { ...L }") + "}\n" +
		"fragment L on Membership { " + aliases("r", "role", "") + "}"
	var a answer
	k.noSQL("an operation over the field limit", func() { a = k.query(q, nil) })
	assert.Equal(t, []string{CodeFieldLimitExceeded}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), fmt.Sprintf("operation Wide selects 1463 fields, counting a fragment's fields each time it is spread, more than the limit of %d", DefaultMaxFields))

	// A fragment bomb, each fragment spreading the next twice (2^40 fields in a few
	// kilobytes), is refused at once, before validation would walk it.
	var b strings.Builder
	b.WriteString("query Bomb { state(slug: \"armenia\") { ...F0 } }\n")
	for i := range 40 {
		fmt.Fprintf(&b, "fragment F%d on State { name ...F%d ...F%d }\n", i, i+1, i+1)
	}
	b.WriteString("fragment F40 on State { name }\n")
	start := time.Now()
	k.noSQL("a fragment bomb", func() { a = k.query(b.String(), nil) })
	assert.Less(t, time.Since(start), time.Second, "refusing a fragment bomb must be quick")
	require.Len(t, a.Errors, 1, a.Raw)
	assert.Contains(t, []string{CodeFieldLimitExceeded, CodeSelectionLimitExceeded}, a.codes()[0], a.Raw)

	// Under the limit, fragments spread several times are fine.
	a = k.query(`{ a: state(slug: "armenia") { ...S } b: state(slug: "russia") { ...S } } fragment S on State { name iso2 iso3 }`, nil)
	require.Empty(t, a.Errors, a.Raw)
}

func TestDirectiveLimit(t *testing.T) {
	k := newKit(t, Config{})
	a := k.query(`query ($yes: Boolean = true) { __typename @include(if: $yes) @skip(if: false) }`, nil)
	require.Empty(t, a.Errors, a.Raw)

	a = k.query(`{ __typename`+strings.Repeat(" @include(if: true)", DefaultMaxDirectives+1)+` }`, nil)
	assert.Equal(t, []string{CodeDirectiveLimitExceeded}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), fmt.Sprintf("field __typename carries %d directives, more than the limit of %d", DefaultMaxDirectives+1, DefaultMaxDirectives))
}

func TestCostLimit(t *testing.T) {
	k := newKit(t, Config{})
	stints, err := k.store.LargestStintList(context.Background())
	require.NoError(t, err)
	require.Greater(t, stints, 200, "the COW dataset gives some states over 200 stints")
	scan := func(table string) int {
		n, ok := k.store.TableRows()[table]
		require.True(t, ok, "no row count for %s", table)
		return (n/ScanRowsPerCost + 1) * SQLCostScale
	}
	for _, tc := range []struct {
		name  string
		query string
		vars  map[string]any
		cost  int
	}{
		{"one field", `{ __typename }`, nil, 1},
		{"object", `{ state(slug: "armenia") { name iso2 } }`, nil, 3},
		{"list of stints: as long as the longest in the graph", `{ state(slug: "armenia") { memberships { role } } }`, nil, 1 + 1 + stints*1},
		{"list of stints narrowed to one organization", `{ state(slug: "armenia") { memberships(filter: {organization: {eq: "csto"}}) { role } } }`, nil, 1 + 1 + ListSizeEstimate*1},
		{"plain list", `{ organization(slug: "csto") { provisions { title } } }`, nil, 1 + 1 + ListSizeEstimate*1},
		{"connection default page, totalCount scanning its table", `{ states { totalCount nodes { name } } }`, nil, 1 + (1 + scan("actors")) + (1 + 20*1)},
		{"connection page from a variable", `query ($n: Int) { states(first: $n) { nodes { name } } }`, map[string]any{"n": 7}, 1 + (1 + 7*1)},
		{"edges multiply, node does not", `{ states(first: 5) { edges { cursor node { name } } pageInfo { hasNextPage } } }`, nil, 1 + (1 + 5*(1+2)) + 2},
		{"list with first, and a tenth of the search index", `{ search(text: "kaz", first: 3) { field node { id } } }`, nil, 1 + scan("search_content")/SearchScanShare + 3*(1+2)},
		{"a short search word reads the whole index", `{ search(text: "k", first: 3) { field } }`, nil, 1 + ShortSearchFactor*scan("search_content") + 3},
		{"a filter scans its table", `{ events(first: 1, filter: {title: {contains: "x"}}) { nodes { slug } } }`, nil, 1 + scan("events") + (1 + 1)},
		{"neighborhood by maxNodes and depth", `{ neighborhood(id: "x", depth: 2, maxNodes: 50) { nodes { id } } }`, nil, 1 + 50*2*NeighborhoodCostPerNode*SQLCostScale + (1 + 50*1)},
		{"path by hops", `{ path(from: "a", to: "b", maxHops: 3) { length } }`, nil, 1 + 3*(scan("edges")/PathScanShare+SQLCostScale) + 1},
		{"a count by year scans once a year, and that year's years without data", `{ membershipCounts(groupBy: [YEAR], from: "1991", to: "2000") { count } }`, nil,
			1 + 10*(scan("memberships")+(k.store.TableRows()["unknowns"]/UnknownYearsSpread/ScanRowsPerCost+1)*SQLCostScale) + ListSizeEstimate*1},
		{"nodes by IDs", `{ nodes(ids: ["a", "b", "c"]) { id } }`, nil, 1 + 3*1},
		{"first over the maximum counts as the maximum", `{ states(first: 1000) { nodes { name } } }`, nil, 1 + (1 + 100*1)},
		{"fragments cost where they are spread", `{ states(first: 2) { nodes { ...S } } } fragment S on State { name slug }`, nil, 1 + (1 + 2*2)},
		{"introspection lists multiply", `{ __schema { types { name fields { name } } } }`, nil, 1 + (1 + ListSizeEstimate*(1+(1+ListSizeEstimate*1)))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := k.query(tc.query, tc.vars)
			assert.Equal(t, float64(tc.cost), a.Extensions["cost"].(map[string]any)["requestedQueryCost"], a.Raw)
		})
	}

	// Lists of stints in lists of stints under a page multiply past the limit; nothing runs.
	over := `{ organizations(first: 100) { nodes { members { member { memberships { role } } } } } }`
	var a answer
	k.noSQL("a query over the cost limit", func() { a = k.query(over, nil) })
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, []string{CodeComplexityLimitExceeded}, a.codes(), a.Raw)
	// organizations 1 + nodes (1 + 100 × members (1 + stints × member (1 + memberships (1 + stints × role 1)))),
	// plus what the SQL reads
	least := 1 + (1 + 100*(1+stints*(1+(1+stints*1))))
	cost, _ := a.Extensions["cost"].(map[string]any)["requestedQueryCost"].(float64)
	assert.GreaterOrEqual(t, int(cost), least, a.Raw)
	assert.Contains(t, a.firstError(), fmt.Sprintf("the query costs %d, more than the limit of %d", int(cost), DefaultMaxCost))

	// One organization's members' memberships run.
	a = k.query(`{ organization(slug: "csto") { members { member { memberships { role } } } } }`, nil)
	require.Empty(t, a.Errors, "%.300s", a.Raw)
}

func TestFirstOverMaximumIsBadUserInput(t *testing.T) {
	k := newKit(t, Config{})
	a := k.query(`{ states(first: 101) { totalCount } }`, nil)
	require.Len(t, a.Errors, 1, a.Raw)
	assert.Equal(t, "BAD_USER_INPUT", a.Errors[0].Extensions["code"])
	assert.Contains(t, a.Errors[0].Message, "at most 100, got 101")
}

func TestRecursiveFragmentsAreRefused(t *testing.T) {
	k := newKit(t, Config{})
	var a answer
	k.noSQL("recursive fragments", func() {
		a = k.query(`{ state(slug: "armenia") { ...A } }
fragment A on State { name ...B }
fragment B on State { slug ...A }`, nil)
	})
	assert.Equal(t, http.StatusOK, a.Status)
	require.NotEmpty(t, a.Errors, a.Raw)
	assert.Contains(t, a.firstError(), "Cannot spread fragment")
	assert.False(t, a.ran())

	a = k.query(`{ state(slug: "armenia") { ...A } } fragment A on State { ...A }`, nil)
	assert.Equal(t, http.StatusOK, a.Status)
	assert.NotEmpty(t, a.Errors, a.Raw)
}

func TestDeeplyNestedInputIsRefused(t *testing.T) {
	k := newKit(t, Config{})
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"nested list literal", fmt.Sprintf(`{"query": "{ nodes(ids: %s\"x\"%s) { id } }"}`, strings.Repeat("[", 5000), strings.Repeat("]", 5000)), http.StatusOK},
		{"nested object literal", fmt.Sprintf(`{"query": "{ nodes(ids: %s) { id } }"}`, strings.Repeat("{a: ", 3000)+"1"+strings.Repeat("}", 3000)), http.StatusOK},
		{"nested selections", `{"query": "` + strings.Repeat("{ a ", 3000) + strings.Repeat("}", 3000) + `"}`, http.StatusOK},
		{"nested JSON variables", `{"query": "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": ` + strings.Repeat("[", 200_000) + strings.Repeat("]", 200_000) + `}}`, http.StatusBadRequest},
		{"variables nested within the JSON limit", `{"query": "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": ` + strings.Repeat("[", 5000) + `"x"` + strings.Repeat("]", 5000) + `}}`, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a answer
			k.noSQL(tc.name, func() { a = k.post(tc.body) })
			assert.Equal(t, tc.status, a.Status, "%.300s", a.Raw)
			assert.NotEmpty(t, a.Errors, "%.300s", a.Raw)
			assert.False(t, a.ran())
			assert.NotEmpty(t, a.codes()[0], "%.300s", a.Raw)
		})
	}
}

func TestTooManyErrorsAreCounted(t *testing.T) {
	k := newKit(t, Config{})
	// The same response key with different arguments, 50 times each way: 2,500 conflicts.
	var b strings.Builder
	b.WriteString("{ ")
	for i := range DefaultMaxSelectionFields {
		fmt.Fprintf(&b, "s: states(first: %d) { totalCount } ", i%2)
	}
	b.WriteString("}")
	a := k.query(b.String(), nil)
	require.Len(t, a.Errors, DefaultMaxErrors+1, "%.300s", a.Raw)
	last := a.Errors[DefaultMaxErrors]
	assert.Equal(t, CodeTooManyErrors, last.Extensions["code"])
	assert.Contains(t, last.Message, fmt.Sprintf("more errors are not listed: a response lists at most %d", DefaultMaxErrors))
}

func TestTimeout(t *testing.T) {
	// A request that has no time left gets one TIMEOUT error and runs no SQL.
	k := newKit(t, Config{Timeout: time.Nanosecond})
	var a answer
	k.noSQL("a request out of time", func() {
		a = k.query(`{ states { nodes { name memberships { role } } } organizations { totalCount } }`, nil)
	})
	assert.Equal(t, http.StatusOK, a.Status)
	require.Equal(t, []string{CodeTimeout}, a.codes(), a.Raw)
	assert.Equal(t, "the request took longer than the limit of 1ns and was stopped", a.firstError())
	assert.NotContains(t, strings.ToLower(a.Raw), "context")
}

// introspectionQuery is the query GraphiQL sends (graphql-js getIntrospectionQuery, v16).
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

// TestTimeoutCancelsRunningSQL runs a search that takes milliseconds on the seeds (the
// database shared by this package's tests), under a timeout of a fifth of that; see
// timeoutCancelsRunningSQL.
func TestTimeoutCancelsRunningSQL(t *testing.T) {
	timeoutCancelsRunningSQL(t, seedDB(t))
}

// TestTimeoutCancelsRunningSQLAtScale is TestTimeoutCancelsRunningSQL on sixty times the
// curated seeds, where the search takes tens of milliseconds.
func TestTimeoutCancelsRunningSQLAtScale(t *testing.T) {
	testgate.Slow(t, "builds a database sixty times the curated seeds")
	g, err := seed.LoadCurated(os.DirFS("../../seeds"), "seeds")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "graph.db")
	require.NoError(t, sqlite.Build(context.Background(), synth.Scale(g, 60), path))
	timeoutCancelsRunningSQL(t, path)
}

// timeoutCancelsRunningSQL runs a search on the database at path under a timeout of a fifth
// of the time it takes. Neither handler keeps answers or records, so every request runs the
// statement. Over HTTP, the request must issue the search's statement, answer TIMEOUT, and
// answer well before the statement could have finished, which it does only when the
// deadline interrupts the statement. The store, given the same deadline, must have issued
// the statement before the deadline fell and then return the deadline's error instead of
// hits (the store's own test counts the rows an interrupted statement produces). The
// store's only connection must then serve the next request.
func timeoutCancelsRunningSQL(t *testing.T, path string) {
	store, err := sqlite.Open(path, 1) // one connection: the next request must reuse it
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	// No answers and no records kept: every request below runs its statement.
	uncached := func(timeout time.Duration) *kit {
		return &kit{t: t, store: store, handler: New(Config{Store: store, Logger: logger, Timeout: timeout,
			ResponseCacheBytes: -1, RecordCache: -1})}
	}
	patient := uncached(0)
	const q = `{ search(text: "a", first: 100) { field snippet } }`

	full := time.Hour
	for range 3 {
		before := store.Statements()
		start := time.Now()
		a := patient.query(q, nil)
		full = min(full, time.Since(start))
		require.Empty(t, a.Errors, "%.300s", a.Raw)
		// The search, then the loads of the nodes it found.
		require.Greater(t, store.Statements()-before, int64(1), "each search must run its statements, not come from a cache")
	}
	require.GreaterOrEqual(t, full, 2*time.Millisecond, "the search must run long enough for a timeout to fall during it")
	timeout := full / 5
	hasty := uncached(timeout)

	// Over HTTP. On a shared machine the deadline may fall before the statement is issued,
	// or the machine may stall; a few tries find one where the statement is cut.
	cut := false
	var took time.Duration
	for try := 0; try < 5 && !cut; try++ {
		before := store.Statements()
		start := time.Now()
		a := hasty.query(q, nil)
		took = time.Since(start)
		require.Equal(t, []string{CodeTimeout}, a.codes(), "%.300s", a.Raw)
		// The search's statement is the first; none follows when it is cut.
		cut = store.Statements()-before == 1 && took < full/2
	}
	assert.True(t, cut, "in five tries no request issued the search and was answered before it could end (last took %s; the search takes %s)", took, full)

	// The statement under the deadline, in the store.
	during := false
	for try := 0; try < 5 && !during; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		var issued atomic.Int64
		ctx = sqlite.WithCounter(ctx, &issued)
		atDeadline := make(chan int64, 1)
		go func() { <-ctx.Done(); atDeadline <- issued.Load() }()
		hits, err := store.Search(ctx, "a", nil, 100)
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded, "the search must be stopped by the deadline, not answer %d hits", len(hits))
		assert.Nil(t, hits)
		assert.Equal(t, int64(1), issued.Load(), "the search runs one statement")
		during = <-atDeadline == 1
	}
	assert.True(t, during, "in five tries the deadline never fell while the statement ran")

	a := patient.query(`{ states { totalCount } }`, nil)
	require.Empty(t, a.Errors, "the connection of the cancelled statement must serve again: %s", a.Raw)
	t.Logf("search: %s in full, stopped after %s by a timeout of %s", full, took, timeout)
}
