package server

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGETAnswersAreCacheable(t *testing.T) {
	k := newKit(t, Config{CacheMaxAge: 90 * time.Second})
	params := url.Values{"query": {`query Names { states(first: 3) { nodes { name } } }`}}

	first := k.get(params)
	require.Equal(t, http.StatusOK, first.Status, first.Raw)
	require.Empty(t, first.Errors)
	etag := first.Header.Get("ETag")
	assert.Regexp(t, `^"[0-9a-f]{32}"$`, etag)
	assert.Equal(t, "public, max-age=90", first.Header.Get("Cache-Control"))
	assertVaries(t, first.Header, "Accept")

	// The same request laid out differently has the same ETag.
	same := k.get(url.Values{"query": {"query Names {\n  states(first: 3) { # three\n nodes { name } }, }"}})
	assert.Equal(t, etag, same.Header.Get("ETag"))

	// A different request has another.
	other := k.get(url.Values{"query": {`query Names { states(first: 4) { nodes { name } } }`}})
	assert.NotEqual(t, etag, other.Header.Get("ETag"))
	withVars := k.get(url.Values{"query": {`query ($n: Int) { states(first: $n) { nodes { name } } }`}, "variables": {`{"n": 3}`}})
	withOtherVars := k.get(url.Values{"query": {`query ($n: Int) { states(first: $n) { nodes { name } } }`}, "variables": {`{"n": 4}`}})
	assert.NotEqual(t, withVars.Header.Get("ETag"), withOtherVars.Header.Get("ETag"))

	// Revalidation: 304, no body, nothing run (If-None-Match: * runs the request: see the attack tests).
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag} {
		var a answer
		k.noSQL("a revalidated GET", func() { a = k.get(params, "If-None-Match", inm) })
		assert.Equal(t, http.StatusNotModified, a.Status, "If-None-Match: %s", inm)
		assert.Empty(t, a.Raw)
		assert.Equal(t, etag, a.Header.Get("ETag"))
		assert.Equal(t, "public, max-age=90", a.Header.Get("Cache-Control"))
	}
	stale := k.get(params, "If-None-Match", `"0123"`)
	assert.Equal(t, http.StatusOK, stale.Status)
	assert.JSONEq(t, string(first.Data), string(stale.Data))

	// Another dataset version means other ETags.
	k2 := newKit(t, Config{CacheMaxAge: 90 * time.Second})
	assert.Equal(t, etag, k2.get(params).Header.Get("ETag"), "the same seeds must give the same ETag")
	p := &graphql.RawParams{Query: params.Get("query")}
	assert.NotEqual(t, newHTTPCache("another version", Config{CacheMaxAge: time.Minute}.withDefaults()).etag(p, "application/json"),
		newHTTPCache(k.store.Version(), Config{CacheMaxAge: time.Minute}.withDefaults()).etag(p, "application/json"))
}

func TestUncacheableAnswers(t *testing.T) {
	k := newKit(t, Config{})
	// Errors are not cached.
	a := k.get(url.Values{"query": {`{ state(slug: "armenia", iso2: "AM") { name } }`}})
	require.NotEmpty(t, a.Errors, a.Raw)
	assert.Empty(t, a.Header.Get("ETag"))
	assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))

	a = k.get(url.Values{"query": {`{ nope }`}})
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))

	// POST answers carry no validators.
	a = k.query(`{ states { totalCount } }`, nil)
	assert.Empty(t, a.Header.Get("ETag"))
	assert.Empty(t, a.Header.Get("Cache-Control"))
}

func TestNormaliseQuery(t *testing.T) {
	assert.Equal(t, `{ a ( x : "b c" ) }`, normaliseQuery("{a(x:\"b c\")}", DefaultMaxParserTokens))
	assert.Equal(t, normaliseQuery(`{ a(x: "b") }`, DefaultMaxParserTokens), normaliseQuery("# comment\n{\n  a(x: \"\"\"b\"\"\")\n},", DefaultMaxParserTokens))
	assert.NotEqual(t, normaliseQuery(`{ a(x: "b c") }`, DefaultMaxParserTokens), normaliseQuery(`{ a(x: "b  c") }`, DefaultMaxParserTokens))
	assert.Equal(t, `{ "unterminated`, normaliseQuery(`{ "unterminated`, DefaultMaxParserTokens), "what does not lex is kept as it is")
}
