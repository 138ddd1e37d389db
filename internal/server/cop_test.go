package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGraphQLCop reimplements the checks of graphql-cop (github.com/dolevf/graphql-cop), each
// with the request it sends, and asserts that treatygraph handles it. graphql-cop reports a
// finding when the server answers these requests; here each is refused with a clear error and
// a code, runs no SQL, or (for the policies below) is answered on purpose:
//
//   - introspection is on: the API is public and read-only, its schema is published, and
//     GraphiQL needs it; circular introspection is refused by depth;
//   - field suggestions are kept: the schema is public and introspection is on, so "Did you
//     mean" tells an attacker nothing introspection does not, and it helps every user;
//   - GET queries are accepted: they are read-only and cacheable, and a cross-site GET can
//     only read what anyone may read (the API has no credentials and no mutations).
func TestGraphQLCop(t *testing.T) {
	k := newKit(t, Config{})
	post := func(body string) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	postQuery := func(q string) *http.Request { return post(fmt.Sprintf(`{"query": %q}`, q)) }
	get := func(q string) *http.Request {
		return httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{"query": {q}}.Encode(), nil)
	}

	var aliases strings.Builder
	for i := range 101 {
		fmt.Fprintf(&aliases, "alias%d:__typename \n", i)
	}
	batch := "[" + strings.TrimSuffix(strings.Repeat(`{"query": "query cop { __typename }"},`, 10), ",") + "]"
	form := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(url.Values{"query": {"query cop { __typename }"}}.Encode()))
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	for _, tc := range []struct {
		name  string
		req   *http.Request
		check func(t *testing.T, a answer)
	}{
		{"alias overloading: 101 aliases", postQuery("query cop { " + aliases.String() + " }"), func(t *testing.T, a answer) {
			refused(t, a, http.StatusOK, CodeSelectionLimitExceeded, "selects 101 fields, more than the limit of 100")
		}},
		{"batch queries: a JSON array of 10 operations", post(batch), func(t *testing.T, a answer) {
			refused(t, a, http.StatusBadRequest, CodeBatchingNotSupported, "batched requests (a JSON array of operations) are not supported")
			assert.True(t, strings.HasPrefix(a.Raw, "{"), "the answer is one response, not a list of them")
		}},
		{"field duplication: 500 repeated fields", postQuery("query cop { " + strings.Repeat("__typename \n", 500) + "} "), func(t *testing.T, a answer) {
			refused(t, a, http.StatusOK, CodeSelectionLimitExceeded, "selects 500 fields, more than the limit of 100")
		}},
		{"directive overloading: 10 repeated directives", postQuery("query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }"), func(t *testing.T, a answer) {
			refused(t, a, http.StatusOK, CodeDirectiveLimitExceeded, "carries 10 directives, more than the limit of 4")
			assert.Len(t, a.Errors, 1, "one error, not one per directive")
		}},
		{"circular introspection", postQuery("query cop { __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }"), func(t *testing.T, a answer) {
			refused(t, a, http.StatusOK, "GRAPHQL_VALIDATION_FAILED", "Maximum introspection depth exceeded")
		}},
		{"field suggestions: kept on purpose", postQuery("query cop { __schema { directive } }"), func(t *testing.T, a answer) {
			require.NotEmpty(t, a.Errors, a.Raw)
			assert.Contains(t, a.firstError(), "Did you mean")
			assert.False(t, a.ran())
		}},
		{"mutation over GET", get("mutation cop { __typename }"), func(t *testing.T, a answer) {
			refused(t, a, http.StatusOK, "GRAPHQL_VALIDATION_FAILED", `Schema does not support operation type "mutation"`)
		}},
		{"introspection: on on purpose", postQuery("query cop { __schema { types { name fields { name } } } }"), func(t *testing.T, a answer) {
			require.Empty(t, a.Errors, a.Raw)
			assert.Contains(t, string(a.Data), `"name":"Organization"`)
		}},
		{"GET queries: accepted on purpose", get("query cop { __typename }"), func(t *testing.T, a answer) {
			require.Empty(t, a.Errors, a.Raw)
			assert.JSONEq(t, `{"__typename": "Query"}`, string(a.Data))
		}},
		{"POST-based CSRF: a form-encoded query", form, func(t *testing.T, a answer) {
			refused(t, a, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "POST bodies must be JSON")
		}},
		{"unhandled errors: a malformed query", postQuery("qwerty cop { abc }"), func(t *testing.T, a answer) {
			refused(t, a, http.StatusOK, "GRAPHQL_PARSE_FAILED", `Unexpected Name "qwerty"`)
		}},
		{"tracing data: none in answers", postQuery("query cop { __typename }"), func(t *testing.T, a answer) {
			require.Empty(t, a.Errors, a.Raw)
			keys := make([]string, 0, len(a.Extensions))
			for key := range a.Extensions {
				keys = append(keys, key)
			}
			slices.Sort(keys)
			assert.Equal(t, []string{"cost", "datasetVersion"}, keys, "extensions hold only the cost and the dataset version")
			assert.NotContains(t, a.Raw, "tracing")
			assert.NotContains(t, a.Raw, "ftv1")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a answer
			k.noSQL(tc.name, func() { a = k.do(tc.req) })
			tc.check(t, a)
			assertNoLeaks(t, a.Raw)
		})
	}
}

// refused checks a refusal: the status, one error with the code and message, nothing run.
func refused(t *testing.T, a answer, status int, code, message string) {
	t.Helper()
	assert.Equal(t, status, a.Status, a.Raw)
	require.NotEmpty(t, a.Errors, a.Raw)
	assert.Equal(t, code, a.Errors[0].Extensions["code"], a.Raw)
	assert.Contains(t, a.firstError(), message)
	assert.False(t, a.ran(), "the operation ran: %s", a.Raw)
}

// assertNoLeaks fails when an answer shows the server's insides: stack traces, Go or SQL
// errors, file paths.
func assertNoLeaks(t *testing.T, raw string) {
	t.Helper()
	lower := strings.ToLower(raw)
	for _, leak := range []string{"exception", "stacktrace", "goroutine", "panic", ".go:", "runtime error",
		"sql", "database", "/tmp/", "/work/", "go value", "go struct", "rawparams", "unmarshal"} {
		assert.NotContains(t, lower, leak, "the answer leaks %q: %.300s", leak, raw)
	}
}

// TestErrorsLeakNothing sends requests that fail in every layer and checks that no answer
// shows the server's insides, graphql-cop's "unhandled error detection" made thorough.
func TestErrorsLeakNothing(t *testing.T) {
	k := newKit(t, Config{})
	for _, body := range []string{
		`{"query": "{ __typename {} }"}`,
		`{"query": "{ node(id: \"\u0000\") { id } }"}`,
		`{"query": "{ node(id: \"U3RhdGU6\") { id } }"}`,
		`{"query": "query ($n: Int) { states(first: $n) { totalCount } }", "variables": {"n": "many"}}`,
		`{"query": "query ($n: Int) { states(first: $n) { totalCount } }", "variables": {"n": 1e400}}`,
		`{"query": "{ states(after: \"not a cursor\") { totalCount } }"}`,
		`{"query": "{ organization(acronym: \"CSTO\") { members(at: \"2005-02-30\") { role } } }"}`,
		`{"query": "{ search(text: \"\\\" OR 1=1 --\") { field } }"}`,
		`{"query": "{ search(text: \"NEAR(a b\") { field } }"}`,
		`{"query": 1}`,
		`{"query": "{ __typename }", "variables": "x"}`,
		`{"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": 7}}}`,
		`{"query": "{ __typename }", "operationName": "Missing"}`,
		"\x00\xff",
	} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		a := k.do(req)
		assert.Less(t, a.Status, 500, "%s: %s", body, a.Raw)
		assertNoLeaks(t, a.Raw)
	}
}
