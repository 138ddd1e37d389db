package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestErrorStatus checks the statuses of the GraphQL-over-HTTP specification: a
// request that is well-formed but cannot run answers 200 to clients that accept
// application/json (they read the errors only from a 200) and 400 to clients that accept
// application/graphql-response+json; a request without a query is not well-formed and
// answers 400 to both. None of these answers has a "data" entry, since nothing ran.
func TestRequestErrorStatus(t *testing.T) {
	k := newKit(t, Config{})
	const (
		jsonType  = "application/json"
		gqlType   = "application/graphql-response+json"
		anyType   = "*/*"
		noneGiven = ""
	)
	for _, tc := range []struct {
		name   string
		body   string
		accept string
		status int
		code   string
	}{
		{"parse error, application/json", `{"query": "{"}`, jsonType, 200, "GRAPHQL_PARSE_FAILED"},
		{"parse error, */*", `{"query": "{"}`, anyType, 200, "GRAPHQL_PARSE_FAILED"},
		{"parse error, no Accept", `{"query": "{"}`, noneGiven, 200, "GRAPHQL_PARSE_FAILED"},
		{"parse error, graphql-response+json", `{"query": "{"}`, gqlType, 400, "GRAPHQL_PARSE_FAILED"},
		{"validation error, application/json", `{"query": "{ nope }"}`, jsonType, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"validation error, graphql-response+json", `{"query": "{ nope }"}`, gqlType, 400, "GRAPHQL_VALIDATION_FAILED"},
		{"variable coercion, application/json", `{"query": "query ($s: String!) { state(slug: $s) { name } }", "variables": {"s": null}}`, jsonType, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"variable coercion, graphql-response+json", `{"query": "query ($s: String!) { state(slug: $s) { name } }", "variables": {"s": null}}`, gqlType, 400, "GRAPHQL_VALIDATION_FAILED"},
		{"limit, application/json", `{"query": "{ ` + strings.Repeat("a: __typename ", 101) + `}"}`, jsonType, 200, CodeSelectionLimitExceeded},
		{"limit, graphql-response+json", `{"query": "{ ` + strings.Repeat("a: __typename ", 101) + `}"}`, gqlType, 400, CodeSelectionLimitExceeded},
		{"no query, application/json", `{}`, jsonType, 400, CodeBadRequest},
		{"no query, graphql-response+json", `{"variables": {}}`, gqlType, 400, CodeBadRequest},
		{"empty query", `{"query": ""}`, jsonType, 400, CodeBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a answer
			if tc.accept == noneGiven {
				a = k.post(tc.body)
			} else {
				a = k.post(tc.body, "Accept", tc.accept)
			}
			assert.Equal(t, tc.status, a.Status, a.Raw)
			assert.Equal(t, []string{tc.code}, a.codes(), a.Raw)
			var top map[string]json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(a.Raw), &top))
			assert.NotContains(t, top, "data", "a request that did not run has no data entry: %s", a.Raw)
		})
	}

	// A missing query says what to send, over GET too.
	a := k.get(url.Values{"variables": {"{}"}})
	assert.Equal(t, http.StatusBadRequest, a.Status, a.Raw)
	assert.Contains(t, a.firstError(), "the request has no query")

	// A query that runs and fails in a resolver still has its data entry.
	a = k.query(`{ node(id: "bm9wZQ") { id } }`, nil)
	assert.Equal(t, http.StatusOK, a.Status, a.Raw)
	assert.Contains(t, a.Raw, `"data":`)
}

// TestBrowserOpensEndpoint checks that a browser opening /graphql is pointed to GraphiQL,
// while GraphQL clients that GET it are answered as before.
func TestBrowserOpensEndpoint(t *testing.T) {
	k := newKit(t, Config{})
	const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
	req.Header.Set("Accept", browserAccept)
	a := k.do(req)
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, "text/html; charset=utf-8", a.Header.Get("Content-Type"))
	assert.Contains(t, a.Raw, `<a href="./">GraphiQL</a>`)
	assert.Contains(t, a.Header.Get("Vary"), "Accept")

	// A query in the URL is a GraphQL request, whatever the browser accepts.
	a = k.get(url.Values{"query": {"{ states { totalCount } }"}}, "Accept", browserAccept)
	assert.Equal(t, http.StatusOK, a.Status, a.Raw)
	assert.Equal(t, "application/json; charset=utf-8", a.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"states":{"totalCount":221}}`, string(a.Data))

	// A client that accepts only JSON gets the GraphQL error.
	req = httptest.NewRequest(http.MethodGet, "/graphql", nil)
	req.Header.Set("Accept", "application/json")
	a = k.do(req)
	assert.Equal(t, http.StatusBadRequest, a.Status, a.Raw)
	assert.Contains(t, a.firstError(), "the request has no query")
}

// TestDateSpecifiedBy checks that introspection names the format of Date, which code
// generators and GraphiQL's docs show.
func TestDateSpecifiedBy(t *testing.T) {
	k := newKit(t, Config{})
	a := k.query(`{ __type(name: "Date") { kind specifiedByURL } }`, nil)
	require.Empty(t, a.Errors, a.Raw)
	assert.JSONEq(t, `{"__type": {"kind": "SCALAR", "specifiedByURL": "https://www.w3.org/TR/NOTE-datetime"}}`, string(a.Data))
}
