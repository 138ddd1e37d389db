package server

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each limit of Config changes what a client sees: a request the defaults admit is refused
// under a lower limit, with the limit of the server in the message.

func TestConfiguredDepthLimit(t *testing.T) {
	a := newKit(t, Config{}).query(nest(4), nil)
	require.Empty(t, a.Errors, "the default admits 4 levels: %s", a.Raw)

	k := newKit(t, Config{MaxDepth: 3})
	k.noSQL("a query over the configured depth", func() { a = k.query(nest(4), nil) })
	assert.Equal(t, []string{CodeDepthLimitExceeded}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), "4 levels deep, more than the limit of 3")
	a = k.query(nest(3), nil)
	assert.Empty(t, a.Errors, a.Raw)
}

func TestConfiguredCostLimit(t *testing.T) {
	const q = `{ states(first: 100) { nodes { name } } }` // 1 + (1 + 100 × 1)
	a := newKit(t, Config{}).query(q, nil)
	require.Empty(t, a.Errors, a.Raw)
	assert.Equal(t, float64(DefaultMaxCost), a.Extensions["cost"].(map[string]any)["maximumAvailable"])

	k := newKit(t, Config{MaxCost: 50})
	k.noSQL("a query over the configured cost", func() { a = k.query(q, nil) })
	assert.Equal(t, []string{CodeComplexityLimitExceeded}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), "more than the limit of 50:")
	assert.Equal(t, float64(50), a.Extensions["cost"].(map[string]any)["maximumAvailable"], a.Raw)

	a = k.query(`{ states(first: 10) { nodes { name } } }`, nil)
	require.Empty(t, a.Errors, a.Raw)
	assert.Equal(t, float64(50), a.Extensions["cost"].(map[string]any)["maximumAvailable"], a.Raw)

	// The cost histogram ends at the limit.
	metrics := k.do(httptest.NewRequest(http.MethodGet, "/metrics", nil))
	assert.Contains(t, metrics.Raw, `treatygraph_graphql_query_cost_bucket{le="50"}`)
	assert.NotContains(t, metrics.Raw, `treatygraph_graphql_query_cost_bucket{le="100"}`)
}

func TestConfiguredBodyLimit(t *testing.T) {
	body := `{"query": "{ __typename }` + strings.Repeat(" ", 2048) + `"}`
	a := newKit(t, Config{}).post(body)
	require.Empty(t, a.Errors, a.Raw)

	a = newKit(t, Config{MaxBodyBytes: 1024}).post(body)
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.Status, a.Raw)
	assert.Equal(t, []string{CodeRequestTooLarge}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), "larger than the limit of 1024 bytes")
}

func TestConfiguredPageLimit(t *testing.T) {
	a := newKit(t, Config{}).query(`{ states(first: 6) { nodes { name } } }`, nil)
	require.Empty(t, a.Errors, a.Raw)

	k := newKit(t, Config{MaxFirst: 5})
	a = k.query(`{ states(first: 6) { nodes { name } } }`, nil)
	assert.Equal(t, []string{"BAD_USER_INPUT"}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), "first must be at most 5, got 6")
	a = k.query(`{ nodes(ids: ["a", "b", "c", "d", "e", "f"]) { id } }`, nil)
	assert.Contains(t, a.firstError(), "ids: at most 5 IDs at once, got 6", a.Raw)

	// The cost model prices a page at most the limit.
	a = k.query(`{ states(first: 5) { nodes { name } } }`, nil)
	require.Empty(t, a.Errors, a.Raw)
	assert.Equal(t, float64(1+(1+5*1)), a.Extensions["cost"].(map[string]any)["requestedQueryCost"], a.Raw)
	a = k.query(`{ states(first: 1000) { nodes { name } } }`, nil)
	assert.Equal(t, float64(1+(1+5*1)), a.Extensions["cost"].(map[string]any)["requestedQueryCost"], a.Raw)
}

func TestConfiguredDocumentLimits(t *testing.T) {
	def := newKit(t, Config{})
	for _, tc := range []struct {
		name  string
		cfg   Config
		query string
		code  string
		want  string
	}{
		{"selection fields", Config{MaxSelectionFields: 2}, `{ a: __typename b: __typename c: __typename }`,
			CodeSelectionLimitExceeded, "selects 3 fields, more than the limit of 2"},
		{"fields", Config{MaxFields: 3}, `{ states { nodes { name slug } } }`,
			CodeFieldLimitExceeded, "selects 4 fields, counting a fragment's fields each time it is spread, more than the limit of 3"},
		{"directives", Config{MaxDirectives: 1}, `{ __typename @include(if: true) @skip(if: false) }`,
			CodeDirectiveLimitExceeded, "carries 2 directives, more than the limit of 1"},
		{"parser tokens", Config{MaxParserTokens: 10}, `{ a: __typename b: __typename c: __typename d: __typename }`,
			"GRAPHQL_PARSE_FAILED", "token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := def.query(tc.query, nil)
			require.Empty(t, a.Errors, "the defaults admit it: %s", a.Raw)
			k := newKit(t, tc.cfg)
			k.noSQL(tc.name, func() { a = k.query(tc.query, nil) })
			assert.Equal(t, []string{tc.code}, a.codes(), a.Raw)
			assert.Contains(t, a.firstError(), tc.want)
		})
	}
}

func TestConfiguredErrorLimit(t *testing.T) {
	// Ten conflicting selections of one response key: more than three errors.
	var b strings.Builder
	b.WriteString("{ ")
	for i := range 10 {
		fmt.Fprintf(&b, "s: states(first: %d) { totalCount } ", i%2)
	}
	b.WriteString("}")
	a := newKit(t, Config{}).query(b.String(), nil)
	require.Greater(t, len(a.Errors), 4, a.Raw)
	assert.NotContains(t, a.codes(), CodeTooManyErrors)

	a = newKit(t, Config{MaxErrors: 3}).query(b.String(), nil)
	require.Len(t, a.Errors, 4, a.Raw)
	assert.Equal(t, CodeTooManyErrors, a.Errors[3].Extensions["code"])
	assert.Contains(t, a.Errors[3].Message, "a response lists at most 3")
}

// TestETagDependsOnLimits gives the same GET another ETag under another value of each limit
// marked ETag, and the same ETag under another value of every other limit of Config: a
// cached answer of one server must not stand for another's, nor differ for nothing.
func TestETagDependsOnLimits(t *testing.T) {
	p := &graphql.RawParams{Query: `{ states { totalCount } }`}
	def := newHTTPCache("v", Config{}.withDefaults()).etag(p, "application/json")
	salted := 0
	for _, l := range Limits {
		if l.field == nil {
			continue
		}
		var cfg Config
		l.set(&cfg, otherValue(l))
		got := newHTTPCache("v", cfg.withDefaults()).etag(p, "application/json")
		if l.ETag {
			salted++
			assert.NotEqual(t, def, got, "-%s", l.Flag)
		} else {
			assert.Equal(t, def, got, "-%s", l.Flag)
		}
	}
	assert.GreaterOrEqual(t, salted, 10, "the limits that decide whether a query runs are in the ETag")
}

// otherValue is a valid value of the limit other than its default.
func otherValue(l Limit) int64 {
	if l.Default-1 > max(l.Min, 0) {
		return l.Default - 1
	}
	return l.Default + 1
}

// TestLimitDefaultsAreTheServers checks that the default of each limit of Limits is the one
// the server applies when Config leaves it unset.
func TestLimitDefaultsAreTheServers(t *testing.T) {
	cfg := Config{}.withDefaults()
	for _, l := range Limits {
		if v, ok := l.get(&cfg); ok {
			assert.Equal(t, l.Default, v, "-%s", l.Flag)
		}
	}
}

// TestLimitFlagsReachConfig parses a value other than the default for every limit's flag and
// finds it in Config (0 of a cache as -1, keep none), or, for the limits serve applies itself,
// in Value; a value below a limit's Min is refused naming the flag.
func TestLimitFlagsReachConfig(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags := AddLimitFlags(fs)
	var args []string
	want := map[string]int64{}
	for _, l := range Limits {
		if l.Flag == "" {
			continue
		}
		v := otherValue(l)
		if l.Min == 0 {
			v = 0
		}
		want[l.Flag] = v
		arg := strconv.FormatInt(v, 10)
		if l.Kind == Duration {
			arg = time.Duration(v).String()
		}
		args = append(args, "-"+l.Flag, arg)
	}
	require.NoError(t, fs.Parse(args))
	require.NoError(t, flags.Check())
	var cfg Config
	flags.Apply(&cfg)
	for _, l := range Limits {
		if l.Flag == "" {
			continue
		}
		assert.Equal(t, want[l.Flag], flags.Value(l.Flag), "-%s", l.Flag)
		if got, ok := l.get(&cfg); ok {
			if l.Min == 0 {
				assert.Equal(t, int64(-1), got, "-%s 0 keeps none", l.Flag)
			} else {
				assert.Equal(t, want[l.Flag], got, "-%s", l.Flag)
			}
		}
	}

	for _, l := range Limits {
		if l.Flag == "" {
			continue
		}
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		flags := AddLimitFlags(fs)
		arg := strconv.FormatInt(l.Min-1, 10)
		if l.Kind == Duration {
			arg = time.Duration(l.Min - 1).String()
		}
		require.NoError(t, fs.Parse([]string{"-" + l.Flag, arg}))
		err := flags.Check()
		require.Error(t, err, "-%s %s", l.Flag, arg)
		assert.Contains(t, err.Error(), "invalid value "+arg+" for flag -"+l.Flag+": want ")
	}
}

// TestReadmeLimitsTable checks that the README's table of limits is the one Limits makes,
// row for row: a limit added, removed or changed here must be so there.
func TestReadmeLimitsTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	const head = "| limit | default | flag | refusal |\n| --- | --- | --- | --- |\n"
	_, table, ok := strings.Cut(string(readme), head)
	require.True(t, ok, "the README has no table of limits headed %q", head)
	table, _, _ = strings.Cut(table, "\n\n")
	var want []string
	for _, l := range Limits {
		want = append(want, l.ReadmeRow())
	}
	assert.Equal(t, strings.Join(want, "\n"), strings.TrimSpace(table),
		"the README's table of limits (section Running it in public) should read:\n%s%s", head, strings.Join(want, "\n"))
}

func TestConfiguredErrorMessageLimit(t *testing.T) {
	const q = `{ organization(slug: "csto") { members(at: "1996-13-45") { role } } }`
	a := newKit(t, Config{}).query(q, nil)
	require.NotEmpty(t, a.Errors, a.Raw)
	full := a.firstError()
	require.Greater(t, len(full), 30, "the message names the bad date: %s", full)

	a = newKit(t, Config{MaxErrorMessageBytes: 20}).query(q, nil)
	require.NotEmpty(t, a.Errors, a.Raw)
	assert.Equal(t, full[:20]+"…", a.firstError(), "the message is cut at the configured length")
}

// TestConfiguredQuoteChars checks that every error quoting what a client sent, whichever part
// of the server makes it, quotes as many characters as the server's ErrorQuoteChars.
func TestConfiguredQuoteChars(t *testing.T) {
	const sent = "Ташкентская-область"
	store, _ := openSeedStore(t)
	def, k := newKitOn(t, store, Config{}), newKitOn(t, store, Config{ErrorQuoteChars: 5})
	for _, c := range []struct {
		name string
		do   func(k *kit) string
		want string
	}{
		{"an ID", func(k *kit) string {
			return k.query(`{ node(id: "`+sent+`") { id } }`, nil).firstError()
		}, `invalid ID "Ташке"…`},
		{"a date", func(k *kit) string {
			return k.query(`{ organization(slug: "csto") { members(at: "`+sent+`") { role } } }`, nil).firstError()
		}, `invalid date "Ташке"…`},
		{"a variable", func(k *kit) string {
			return k.query(`query($n: Int) { states(first: $n) { totalCount } }`, map[string]any{"n": sent}).firstError()
		}, `Int cannot represent the string "Ташке"…`},
		{"a timeline", func(k *kit) string {
			return k.do(httptest.NewRequest(http.MethodGet, "/timeline/state/"+url.PathEscape(sent)+".svg", nil)).firstError()
		}, `no state has the slug "Ташке"…`},
		{"an export", func(k *kit) string {
			return k.do(httptest.NewRequest(http.MethodGet, "/export/graph.json?links="+url.QueryEscape(sent), nil)).Raw
		}, `links="Ташке"…`},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Contains(t, c.do(k), c.want)
			full := c.do(def)
			assert.Contains(t, full, `"`+sent+`"`, "the default quotes all %d characters", len([]rune(sent)))
			assert.NotContains(t, full, "…")
		})
	}
}

func TestConfiguredInFlightCost(t *testing.T) {
	store, _ := openSeedStore(t)
	cfg := Config{Store: store, MaxInFlightCost: 1000, CheapCost: 10, ResponseCacheBytes: -1, Timeout: 300 * time.Millisecond}.withDefaults()
	k := &kit{t: t, store: store, handler: New(cfg)}
	const q = `{ states(first: 100) { nodes { name } } }` // costs 102
	a := k.query(q, nil)
	require.Empty(t, a.Errors, "alone, an operation runs: %s", a.Raw)

	// Another operation holding most of the budget until the deadline: this one waits for it
	// and runs out of time, then runs once the budget is given back.
	held, ok := cfg.budget.reserve(context.Background(), 950)
	require.True(t, ok)
	k.noSQL("an operation over the costs in flight", func() { a = k.query(q, nil) })
	assert.Equal(t, []string{CodeTimeout}, a.codes(), a.Raw)
	cfg.budget.release(held)
	a = k.query(q, nil)
	assert.Empty(t, a.Errors, a.Raw)
	all, ok := cfg.budget.reserve(context.Background(), 1000)
	assert.True(t, ok, "every operation gave back what it reserved")
	cfg.budget.release(all)
}
