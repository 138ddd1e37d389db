package server

import (
	"mime"
	"net/http"
	"strings"
)

// A browser that opens the GraphQL endpoint itself gets a short page that points to GraphiQL,
// rather than a GraphQL error about a missing query.

// wantsHTML reports whether a GET of the endpoint comes from a browser's address bar: it
// names no query and accepts text/html. Clients that send a query, or accept only JSON, are
// answered as GraphQL requests.
func wantsHTML(r *http.Request) bool {
	q := r.URL.Query()
	if q.Has("query") || q.Has("extensions") {
		return false
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		if mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mediaType == "text/html" {
			return true
		}
	}
	return false
}

const endpointHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>treatygraph · GraphQL endpoint</title>
</head>
<body>
<h1>treatygraph GraphQL endpoint</h1>
<p>This address answers GraphQL requests: <code>POST</code> a JSON body such as
<code>{"query": "{ states { totalCount } }"}</code> with <code>Content-Type: application/json</code>,
or <code>GET</code> it with <code>?query=</code>.</p>
<p>To explore the API in your browser, open <a href="./">GraphiQL</a>.</p>
</body>
</html>
`

// endpointPage answers a browser's GET of the endpoint.
func endpointPage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	addVary(h, "Accept")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(endpointHTML))
	}
}
