package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzHandler sends arbitrary methods, query strings, content types, Accept headers and
// bodies to /graphql and checks that the handler never panics, never answers 500, always
// answers JSON when it answers a body, and never reports an internal error.
func FuzzHandler(f *testing.F) {
	k := newKit(f, Config{Timeout: 5 * time.Second})
	for _, s := range []struct{ method, query, contentType, accept, body string }{
		{"POST", "", "application/json", "", `{"query": "{ states { totalCount nodes { name } } }"}`},
		{"POST", "", "application/json", "", `{"query": "query ($id: ID!) { node(id: $id) { id } }", "variables": {"id": "U3RhdGU6YXJtZW5pYQ"}}`},
		{"POST", "", "application/json", "", `{"query": "{ organization(acronym: \"CSTO\") { members(at: \"2005\") { member { name } } } }"}`},
		{"POST", "", "application/json", "", `{"query": "{ search(text: \"kaz\") { snippet } }"}`},
		{"POST", "", "application/json", "application/graphql-response+json", `{"query": "{ nope }"}`},
		{"POST", "", "application/json", "", `[{"query": "{ __typename }"}]`},
		{"POST", "", "application/json", "", `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"}}}`},
		{"POST", "", "application/x-www-form-urlencoded", "", "query=%7B__typename%7D"},
		{"POST", "", "application/json; charset=utf-8", "*/*", `{"query": "{ path(from: \"U3RhdGU6c2VyYmlh\", to: \"U3RhdGU6a2F6YWtoc3Rhbg\") { length } }"}`},
		{"GET", "query=%7B+states+%7B+totalCount+%7D+%7D", "", "", ""},
		{"GET", "query=mutation+%7B+x+%7D", "", "", ""},
		{"GET", "query=%7B__typename%7D&variables=%7B%22a%22%3A1%7D&extensions=%7B%7D", "", "", ""},
		{"GET", "%zz", "", "", ""},
		{"PUT", "", "application/json", "", `{}`},
		{"OPTIONS", "", "", "", ""},
		{"GET", "", "", "text/html,application/xhtml+xml,*/*;q=0.8", ""},
	} {
		f.Add(s.method, s.query, s.contentType, s.accept, s.body)
	}
	f.Fuzz(func(t *testing.T, method, rawQuery, contentType, accept, body string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Method = method // a server passes only valid methods; the handler must cope with any
		req.URL.RawQuery = rawQuery
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		k.handler.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("%s ?%q %q: status %d: %s", method, rawQuery, body, rec.Code, rec.Body.String())
		}
		if rec.Body.Len() == 0 {
			return
		}
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			// Only a browser's GET of the endpoint gets the page pointing to GraphiQL.
			if method != http.MethodGet || !wantsHTML(req) {
				t.Fatalf("%s ?%q accept %q: an HTML answer: %.300s", method, rawQuery, accept, rec.Body.String())
			}
			return
		}
		var resp struct {
			Errors []struct {
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%s ?%q %q: the answer is not JSON: %v: %.300s", method, rawQuery, body, err, rec.Body.String())
		}
		for _, e := range resp.Errors {
			if e.Extensions["code"] == "INTERNAL" {
				t.Fatalf("%s ?%q %q: an internal error: %s", method, rawQuery, body, rec.Body.String())
			}
		}
	})
}
