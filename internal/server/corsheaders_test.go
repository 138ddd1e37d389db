package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func preflight(k *kit, origin, headers string) answer {
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	if headers != "" {
		req.Header.Set("Access-Control-Request-Headers", headers)
	}
	return k.do(req)
}

// TestCORSPreflightHeaders checks that the headers real clients add pass a preflight from an
// allowed origin, that others do not, and that credentials are never allowed.
func TestCORSPreflightHeaders(t *testing.T) {
	k := newKit(t, Config{CORSOrigins: []string{"https://app.example"}})
	for _, tc := range []struct {
		name, requested, allowed string
	}{
		{"Apollo Client with clientAwareness",
			"apollographql-client-name,apollographql-client-version,content-type",
			"apollographql-client-name, apollographql-client-version, content-type"},
		{"an auth link", "authorization,content-type", "authorization, content-type"},
		{"tracing", "traceparent, tracestate, baggage", "traceparent, tracestate, baggage"},
		{"mixed case is named back as asked", "Content-Type, X-Requested-With", "Content-Type, X-Requested-With"},
		{"a header outside the list is left out", "content-type, x-secret-sauce", "content-type"},
		{"not a header name", "content-type, <script>", "content-type"},
		{"no headers asked", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := preflight(k, "https://app.example", tc.requested)
			assert.Equal(t, http.StatusNoContent, a.Status)
			assert.Equal(t, "https://app.example", a.Header.Get("Access-Control-Allow-Origin"))
			assert.Equal(t, tc.allowed, a.Header.Get("Access-Control-Allow-Headers"))
			assert.Equal(t, "GET, POST, OPTIONS", a.Header.Get("Access-Control-Allow-Methods"))
			assert.Empty(t, a.Header.Get("Access-Control-Allow-Credentials"))
			assertVaries(t, a.Header, "Access-Control-Request-Headers")
		})
	}

	// Another origin gets no Access-Control-Allow-Origin, so its browser refuses.
	a := preflight(k, "https://evil.example", "authorization")
	assert.Empty(t, a.Header.Get("Access-Control-Allow-Origin"))

	// A list of one's own replaces the default; "*" allows any header, still named back.
	k = newKit(t, Config{CORSHeaders: []string{"Content-Type", "X-Team"}})
	a = preflight(k, "https://app.example", "x-team, authorization")
	assert.Equal(t, "*", a.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "x-team", a.Header.Get("Access-Control-Allow-Headers"))
	k = newKit(t, Config{CORSHeaders: []string{"*"}})
	a = preflight(k, "https://app.example", "x-anything, authorization")
	assert.Equal(t, "x-anything, authorization", a.Header.Get("Access-Control-Allow-Headers"))
	assert.Empty(t, a.Header.Get("Access-Control-Allow-Credentials"))
}
