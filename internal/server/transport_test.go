package server

import (
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestTransportsAccepted(t *testing.T) {
	k := newKit(t, Config{})
	const q = `query Count { states { totalCount } }`

	a := k.query(q, nil)
	require.Equal(t, http.StatusOK, a.Status, a.Raw)
	require.Empty(t, a.Errors, a.Raw)
	assert.JSONEq(t, `{"states":{"totalCount":221}}`, string(a.Data))
	assert.Equal(t, "application/json; charset=utf-8", a.Header.Get("Content-Type"))

	a = k.post(`{"query": "query ($s: String!) { state(slug: $s) { name } }", "variables": {"s": "armenia"}, "operationName": null, "extensions": null}`)
	require.Empty(t, a.Errors, a.Raw)
	assert.JSONEq(t, `{"state":{"name":"Armenia"}}`, string(a.Data))

	a = k.get(url.Values{"query": {q}})
	require.Equal(t, http.StatusOK, a.Status, a.Raw)
	assert.JSONEq(t, `{"states":{"totalCount":221}}`, string(a.Data))

	a = k.get(url.Values{"query": {`query ($s: String!) { state(slug: $s) { name } }`}, "variables": {`{"s": "russia"}`}})
	assert.JSONEq(t, `{"state":{"name":"Russia"}}`, string(a.Data), a.Raw)

	// Clients that ask for the GraphQL response media type get it.
	a = k.post(map[string]any{"query": q}, "Accept", "application/graphql-response+json")
	assert.Equal(t, "application/graphql-response+json; charset=utf-8", a.Header.Get("Content-Type"))
	a = k.post(map[string]any{"query": "{ nope }"}, "Accept", "application/graphql-response+json")
	assert.Equal(t, http.StatusBadRequest, a.Status)
}

func TestTransportsRefused(t *testing.T) {
	k := newKit(t, Config{})
	const q = `{ states { totalCount } }`
	var form strings.Builder
	mw := multipart.NewWriter(&form)
	require.NoError(t, mw.WriteField("operations", `{"query": "{ states { totalCount } }"}`))
	require.NoError(t, mw.Close())

	for _, tc := range []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		status      int
		code        string
		message     string
	}{
		{"form-encoded POST", "POST", "/graphql", "application/x-www-form-urlencoded", url.Values{"query": {q}}.Encode(),
			415, CodeUnsupportedMediaType, `got "application/x-www-form-urlencoded"`},
		{"multipart POST", "POST", "/graphql", mw.FormDataContentType(), form.String(),
			415, CodeUnsupportedMediaType, "multipart/form-data"},
		{"text/plain POST", "POST", "/graphql", "text/plain", `{"query": "{ states { totalCount } }"}`,
			415, CodeUnsupportedMediaType, `got "text/plain"`},
		{"POST without a content type", "POST", "/graphql", "", `{"query": "{ states { totalCount } }"}`,
			415, CodeUnsupportedMediaType, "got none"},
		{"a batch of operations", "POST", "/graphql", "application/json", `[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`,
			400, CodeBatchingNotSupported, "send each operation in its own request"},
		{"malformed JSON", "POST", "/graphql", "application/json", `{"query": `,
			400, CodeBadRequest, "the request body must be a JSON object: the JSON ends too early"},
		{"JSON with a syntax error", "POST", "/graphql", "application/json", `{"query": }`,
			400, CodeBadRequest, "invalid JSON at byte"},
		{"JSON string body", "POST", "/graphql", "application/json", `"{ states { totalCount } }"`,
			400, CodeBadRequest, "must be a JSON object"},
		{"trailing data", "POST", "/graphql", "application/json", `{"query": "{ __typename }"} {"query": "{ __typename }"}`,
			400, CodeBadRequest, "more follows the JSON object"},
		{"empty body", "POST", "/graphql", "application/json", ``,
			400, CodeBadRequest, "the request body is empty"},
		{"query not a string", "POST", "/graphql", "application/json", `{"query": 42}`,
			400, CodeBadRequest, `"query" in the request body must be a string or null`},
		{"variables not an object", "POST", "/graphql", "application/json", `{"query": "{ __typename }", "variables": [1]}`,
			400, CodeBadRequest, `"variables" in the request body must be a JSON object or null`},
		{"GET variables not JSON", "GET", "/graphql?query=%7B__typename%7D&variables=%7Bnope", "", "",
			400, CodeBadRequest, "the variables parameter must be a JSON object"},
		{"GET query string malformed", "GET", "/graphql?query=%zz", "", "",
			400, CodeBadRequest, "the query string is malformed"},
		{"PUT", "PUT", "/graphql", "application/json", `{"query": "{ __typename }"}`,
			405, CodeMethodNotAllowed, "method PUT is not allowed"},
		{"GET with a mutation", "GET", "/graphql?" + url.Values{"query": {"mutation { __typename }"}}.Encode(), "", "",
			200, "GRAPHQL_VALIDATION_FAILED", `Schema does not support operation type "mutation"`},
		{"GET with a subscription", "GET", "/graphql?" + url.Values{"query": {"subscription { __typename }"}}.Encode(), "", "",
			200, "GRAPHQL_VALIDATION_FAILED", `Schema does not support operation type "subscription"`},
		{"a body over the limit", "POST", "/graphql", "application/json", `{"query": "{ __typename }` + strings.Repeat(" ", DefaultMaxBodyBytes) + `"}`,
			413, CodeRequestTooLarge, "larger than the limit of 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			var a answer
			k.noSQL(tc.name, func() { a = k.do(req) })
			assert.Equal(t, tc.status, a.Status, a.Raw)
			require.Len(t, a.Errors, 1, a.Raw)
			assert.Equal(t, tc.code, a.Errors[0].Extensions["code"], a.Raw)
			assert.Contains(t, a.Errors[0].Message, tc.message)
			assert.False(t, a.ran(), a.Raw)
			assert.NotContains(t, a.Raw, "Go value", "a refusal must not show Go types")
			assert.NotContains(t, a.Raw, "RawParams")
			// Refusals carry the dataset version like every answer.
			assert.Equal(t, k.store.Version(), a.Extensions["datasetVersion"], a.Raw)
		})
	}
}

// TestGETRunsOnlyQueries checks the transport's own refusal of mutations over GET. The
// schema has no mutations, so validation refuses them first (see TestTransportsRefused);
// this test gives the transport an executor that accepts a mutation, as a schema with
// mutations would, and checks that it is never dispatched.
func TestGETRunsOnlyQueries(t *testing.T) {
	exec := &fakeExecutor{op: ast.Mutation}
	tr := jsonTransport{cache: newHTTPCache("v", Config{}.withDefaults()), timeout: DefaultTimeout, maxBodyBytes: DefaultMaxBodyBytes}
	rec := httptest.NewRecorder()
	tr.Do(rec, httptest.NewRequest(http.MethodGet, "/graphql?query=mutation+%7B+x+%7D", nil), exec)
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "POST", rec.Header().Get("Allow"))
	assert.Contains(t, rec.Body.String(), `"GET requests may only run queries: send this mutation with POST"`)
	assert.Contains(t, rec.Body.String(), CodeMethodNotAllowed)
	assert.False(t, exec.dispatched, "a mutation over GET was dispatched")

	exec = &fakeExecutor{op: ast.Query}
	rec = httptest.NewRecorder()
	tr.Do(rec, httptest.NewRequest(http.MethodGet, "/graphql?query=%7B+x+%7D", nil), exec)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.True(t, exec.dispatched)
}

// fakeExecutor accepts any document as one operation of the given kind.
type fakeExecutor struct {
	op         ast.Operation
	dispatched bool
}

func (f *fakeExecutor) CreateOperationContext(ctx context.Context, p *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	return &graphql.OperationContext{RawQuery: p.Query, Operation: &ast.OperationDefinition{Operation: f.op}}, nil
}

func (f *fakeExecutor) DispatchOperation(ctx context.Context, _ *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	f.dispatched = true
	return graphql.OneShot(&graphql.Response{Data: []byte(`{"x":1}`)}), ctx
}

func (f *fakeExecutor) DispatchError(_ context.Context, list gqlerror.List) *graphql.Response {
	return &graphql.Response{Errors: list}
}

func TestOptionsAndHead(t *testing.T) {
	k := newKit(t, Config{})
	a := k.do(httptest.NewRequest(http.MethodOptions, "/graphql", nil))
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, "GET, POST, OPTIONS", a.Header.Get("Allow"))
	a = k.do(httptest.NewRequest(http.MethodHead, "/graphql", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, a.Status)
}

// The answer is written as json.Marshal writes it, though the data is not scanned again.
func TestEncodeResponseWritesWhatJSONMarshalWrites(t *testing.T) {
	for _, data := range []string{
		``,
		`null`,
		`{"a":"x \u0026 y < z > w","b":[1,2.5,true,null],"c":{"d":"\u2028\u2029 \"q\" \\"}}`,
		"{\"e\":\"Communaut\u00e9 & <b>\u2028</b>\"}",
	} {
		raw := json.RawMessage(data)
		if data == "" {
			raw = nil // no data: written as null
		}
		for _, resp := range []*graphql.Response{
			{Data: raw},
			{Data: raw, Errors: gqlerror.List{{Message: "m & <n>", Path: ast.Path{ast.PathName("a"), ast.PathIndex(1)}}}},
			{Data: raw, Extensions: map[string]any{"cost": 12, "note": "<&>"}},
		} {
			want, err := json.Marshal(resp)
			require.NoError(t, err)
			got, err := encodeResponse(context.Background(), resp)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got), "data %q", data)
		}
	}
}

// TestAnswersCarryTheirLength: an answer of a few KB, fresh and then kept, plain and
// compressed, goes out with its Content-Length rather than chunked.
func TestAnswersCarryTheirLength(t *testing.T) {
	k := newKit(t, Config{})
	srv := httptest.NewServer(k.handler)
	defer srv.Close()
	body := `{"query":"{ events(first: 20) { nodes { slug title kind date { iso } } } }"}`
	for _, enc := range []string{"identity", "identity", "gzip", "br"} {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Encoding", enc)
		resp, err := srv.Client().Transport.RoundTrip(req) // as sent, not decompressed
		require.NoError(t, err)
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", got)
		assert.Empty(t, resp.TransferEncoding, "Accept-Encoding: %s", enc)
		assert.Equal(t, int64(len(got)), resp.ContentLength, "Accept-Encoding: %s", enc)
		if enc == "identity" {
			assert.Greater(t, len(got), 2048, "longer than what net/http measures by itself")
		}
	}
}
