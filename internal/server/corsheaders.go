package server

import (
	"net/http"
	"strings"
)

// DefaultCORSHeaders are the request headers a cross-origin page may send, besides the
// CORS-safelisted ones: what mainstream GraphQL clients and tracing libraries add. None of
// them gives a request more power here: the API is public and read-only, and credentials are
// never allowed (no Access-Control-Allow-Credentials), so a browser sends no cookies.
var DefaultCORSHeaders = []string{
	"Content-Type",
	"Accept",
	"Authorization",                // shared auth links add it even for public APIs
	"apollographql-client-name",    // Apollo Client's clientAwareness
	"apollographql-client-version", //
	"apollo-require-preflight",     // Apollo's CSRF-prevention header
	"x-apollo-operation-name",      //
	"graphql-client-name",          // other clients' name and version headers
	"graphql-client-version",       //
	"x-requested-with",
	"If-None-Match", // revalidating a GET answer by its ETag
	"traceparent",   // W3C trace context (OpenTelemetry)
	"tracestate",
	"baggage",
	"sentry-trace",
}

// corsHeaders decides which request headers a preflight may ask for.
type corsHeaders struct {
	any     bool
	allowed map[string]bool // lowercase
}

// newCORSHeaders allows the listed headers, case-insensitively; "*" allows any header.
func newCORSHeaders(list []string) corsHeaders {
	h := corsHeaders{allowed: map[string]bool{}}
	for _, name := range list {
		name = strings.ToLower(strings.TrimSpace(name))
		switch name {
		case "":
		case "*":
			h.any = true
		default:
			h.allowed[name] = true
		}
	}
	return h
}

// allow answers a preflight's Access-Control-Request-Headers with the headers it may send:
// those of the request that are allowed, named back as asked. A browser refuses the request
// when a header it asked for is missing from the answer, so a header outside the list fails
// in the browser, with the header's name in its console. The "*" wildcard of CORS is not
// used even when any header is allowed, since it does not cover Authorization.
func (h corsHeaders) allow(requested string) string {
	var out []string
	for name := range strings.SplitSeq(requested, ",") {
		name = strings.TrimSpace(name)
		if name == "" || !validHeaderName(name) {
			continue
		}
		if h.any || h.allowed[strings.ToLower(name)] {
			out = append(out, name)
		}
	}
	return strings.Join(out, ", ")
}

// validHeaderName reports whether s is an HTTP token, so that nothing else is echoed back.
func validHeaderName(s string) bool {
	if len(s) > 100 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// setPreflightHeaders answers the preflight headers of r.
func (h corsHeaders) setPreflightHeaders(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	addVary(hd, "Access-Control-Request-Headers")
	if allowed := h.allow(r.Header.Get("Access-Control-Request-Headers")); allowed != "" {
		hd.Set("Access-Control-Allow-Headers", allowed)
	}
	hd.Set("Access-Control-Max-Age", "86400")
}
