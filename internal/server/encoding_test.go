package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// send serves req and returns the response with its body as sent (not decoded).
func (k *kit) send(req *http.Request) (*http.Response, []byte) {
	k.t.Helper()
	rec := httptest.NewRecorder()
	k.handler.ServeHTTP(rec, req)
	return rec.Result(), rec.Body.Bytes()
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err, "the body is gzip")
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return out
}

// bigQuery asks every state's name and memberships' organizations: some hundreds of KB.
const bigQuery = `{ states(first: 100) { nodes { name memberships { organization { slug } } } } }`

func postReq(body, encoding string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if encoding != "" {
		r.Header.Set("Accept-Encoding", encoding)
	}
	return r
}

func TestAnswersAreCompressedForClientsThatAcceptIt(t *testing.T) {
	k := newKit(t, Config{})
	body := `{"query":` + jsonString(bigQuery) + `}`

	plainResp, plain := k.send(postReq(body, ""))
	require.Equal(t, http.StatusOK, plainResp.StatusCode)
	assert.Empty(t, plainResp.Header.Get("Content-Encoding"), "no Accept-Encoding, no compression")
	assert.Contains(t, plainResp.Header.Values("Vary"), "Accept-Encoding")
	require.Greater(t, len(plain), 100<<10, "the answer is large")

	// The first request with gzip ran the query (the plain one before was kept, and this
	// one is answered from the kept bytes); a fresh alias runs it again and is compressed
	// on the way out.
	for name, req := range map[string]*http.Request{
		"kept":  postReq(body, "gzip, deflate"),
		"fresh": postReq(`{"query":`+jsonString(strings.Replace(bigQuery, "{ states", "{ fresh: states", 1))+`}`, "gzip"),
	} {
		t.Run(name, func(t *testing.T) {
			resp, gz := k.send(req)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
			assert.Contains(t, resp.Header.Values("Vary"), "Accept-Encoding")
			assert.Less(t, len(gz), len(plain)/4, "compressed")
			want := plain
			if name == "fresh" {
				want = bytes.Replace(plain, []byte(`"states"`), []byte(`"fresh"`), 1)
			}
			assert.Equal(t, string(want), string(gunzip(t, gz)), "the same answer")
		})
	}

	// gzip;q=0 refuses gzip; a small answer is sent plain.
	resp, b := k.send(postReq(body, "gzip;q=0, identity"))
	assert.Empty(t, resp.Header.Get("Content-Encoding"))
	assert.Equal(t, string(plain), string(b), "a kept answer decompressed for a client that refuses gzip")
	resp, _ = k.send(postReq(`{"query":"{ state(slug: \"armenia\") { name } }"}`, "gzip"))
	assert.Empty(t, resp.Header.Get("Content-Encoding"), "under %d bytes an answer is sent plain", MinCompressBytes)
}

func TestCompressedAnswersHaveETagsOfTheirOwn(t *testing.T) {
	k := newKit(t, Config{})
	get := func(header ...string) (*http.Response, []byte) { return getBig(k, header...) }
	plainResp, plain := get()
	etag := plainResp.Header.Get("ETag")
	require.NotEmpty(t, etag)
	for range 2 { // fresh, then kept
		resp, gz := get("Accept-Encoding", "gzip")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
		assert.Equal(t, withETagSuffix(etag, gzipETagSuffix), resp.Header.Get("ETag"), "each encoding has its ETag")
		assert.Equal(t, string(plain), string(gunzip(t, gz)))
	}
	for _, held := range []string{etag, withETagSuffix(etag, gzipETagSuffix), withETagSuffix(etag, "-zstd")} {
		resp, b := get("Accept-Encoding", "gzip", "If-None-Match", held)
		assert.Equal(t, http.StatusNotModified, resp.StatusCode, "a client holding %s", held)
		assert.Empty(t, b)
	}
}

func TestARangeRequestGetsOneRangeAtMost(t *testing.T) {
	k := newExportsKit(t, Config{})
	get := func(rng string) (*http.Response, []byte) {
		req := httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{"query": {bigQuery}}.Encode(), nil)
		req.Header.Set("Range", rng)
		return k.send(req)
	}
	_, whole := get("")
	resp, b := get("bytes=0-99")
	assert.Equal(t, http.StatusPartialContent, resp.StatusCode, "one range is served")
	assert.Equal(t, string(whole[:100]), string(b))
	resp, b = get(strings.Repeat("bytes=0-,", 200) + "bytes=0-")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "several ranges: the whole answer, once")
	assert.Equal(t, len(whole), len(b))

	// A POST answer ignores Range.
	req := postReq(`{"query":`+jsonString(bigQuery)+`}`, "")
	req.Header.Set("Range", "bytes=0-99")
	resp, b = k.send(req)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, string(whole), string(b))

	// The exports too.
	req = httptest.NewRequest(http.MethodGet, "/export/memberships.csv", nil)
	req.Header.Set("Range", "bytes=0-9,5-14,0-")
	resp, b = k.send(req)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Content-Range"))
	full, _ := k.send(httptest.NewRequest(http.MethodGet, "/export/memberships.csv", nil))
	assert.Equal(t, full.ContentLength, int64(len(b)))
}

func TestExportsAndTimelinesAreCompressed(t *testing.T) {
	k := newExportsKit(t, Config{})
	for _, path := range []string{"/export/memberships.csv", "/export/graph.json", "/timeline/state/russia.svg"} {
		t.Run(path, func(t *testing.T) {
			plainResp, plain := k.send(httptest.NewRequest(http.MethodGet, path, nil))
			require.Equal(t, http.StatusOK, plainResp.StatusCode)
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			resp, gz := k.send(req)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
			assert.Contains(t, resp.Header.Values("Vary"), "Accept-Encoding")
			assert.Less(t, len(gz), len(plain)/2)
			assert.Equal(t, len(plain), len(gunzip(t, gz)))
			if etag := plainResp.Header.Get("ETag"); etag != "" {
				assert.NotEqual(t, etag, resp.Header.Get("ETag"), "each encoding has its ETag")
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "br, gzip;q=0.5": true, "gzip;q=0": false, "gzip; q=0.0": false,
		"*": true, "*;q=0": false, "identity": false, "x-gzip": true, "gzip;q=0, *": false, "deflate, *;q=0.1": true,
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if header != "" {
			r.Header.Set("Accept-Encoding", header)
		}
		assert.Equal(t, want, acceptedCodings(r.Header).takesGzip(), "Accept-Encoding: %q", header)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// getBig sends the large query as a GET with the given header names and values.
func getBig(k *kit, header ...string) (*http.Response, []byte) {
	req := httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{"query": {bigQuery}}.Encode(), nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return k.send(req)
}
