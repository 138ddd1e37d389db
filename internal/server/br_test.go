package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/workload"
)

// BenchmarkBrotli compresses the canonical three-hop's answer and graph.json whole, as a
// fresh answer is compressed on its way out, with gzip's fastest level, zstd's fastest and
// brotli's qualities 0 to 11 (-bench 'Brotli/.*/(gzip|zstd|br-[0-6])$' for the levels a fresh
// answer may take), and reports the bytes each sends (out-B/op).
func BenchmarkBrotli(b *testing.B) {
	k := newKit(b, Config{})
	var threeHop workload.Query
	for _, q := range workload.Canonical() {
		if q.Name == "three-hop" {
			threeHop = q
		}
	}
	hop := k.post(map[string]any{"query": threeHop.Text, "variables": threeHop.Vars})
	require.Equal(b, http.StatusOK, hop.Status)
	graph, body := k.send(httptest.NewRequest(http.MethodGet, "/export/graph.json", nil))
	require.Equal(b, http.StatusOK, graph.StatusCode)
	// Each writer is made once and reset for each answer, as the pooled writers are.
	type resetter interface {
		io.WriteCloser
		Reset(io.Writer)
	}
	type codec struct {
		name string
		new  func() resetter
	}
	codecs := []codec{
		{"gzip-1", func() resetter { z, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return z }},
		{"zstd-fastest", func() resetter {
			z, _ := zstd.NewWriter(io.Discard, zstd.WithEncoderLevel(zstd.SpeedFastest))
			return z
		}},
	}
	for q := 0; q <= 11; q++ {
		codecs = append(codecs, codec{fmt.Sprintf("br-%d", q), func() resetter { return brotli.NewWriterLevel(io.Discard, q) }})
	}
	for _, in := range []struct {
		name string
		b    []byte
	}{{"three-hop", []byte(hop.Raw)}, {"graph.json", body}} {
		for _, c := range codecs {
			b.Run(in.name+"/"+c.name, func(b *testing.B) {
				var out bytes.Buffer
				z := c.new()
				b.SetBytes(int64(len(in.b)))
				for b.Loop() {
					out.Reset()
					z.Reset(&out)
					_, _ = z.Write(in.b)
					_ = z.Close()
				}
				b.ReportMetric(float64(out.Len()), "out-B/op")
			})
		}
	}
}

func unbrotli(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	require.NoError(t, err, "the body is brotli")
	return out
}

// responsesCacheSize is the bytes the kept answers hold, as /metrics reports them.
func (k *kit) responsesCacheSize() int {
	k.t.Helper()
	_, b := k.send(httptest.NewRequest(http.MethodGet, "/metrics", nil))
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), `treatygraph_cache_size{cache="responses"} `); ok {
			n, err := strconv.ParseFloat(v, 64)
			require.NoError(k.t, err)
			return int(n)
		}
	}
	k.t.Fatalf("no size of the responses cache in /metrics")
	return 0
}

func TestPrefersBrotli(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "br": true, "BR": true, "gzip, deflate, br, zstd": true, "gzip, deflate, br": true,
		"br;q=0": false, "br; q=0.0, gzip": false, "gzip, br;q=0.5": false, "br;q=0.9, zstd": false,
		"br, gzip;q=0.5": true, "*": false, "gzip": false, "br;q=0.5, gzip;q=0.5": true,
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if header != "" {
			r.Header.Set("Accept-Encoding", header)
		}
		assert.Equal(t, want, prefersBrotli(r), "Accept-Encoding: %q", header)
	}
	head := httptest.NewRequest(http.MethodHead, "/", nil)
	head.Header.Set("Accept-Encoding", "br")
	assert.False(t, prefersBrotli(head), "nothing fresh is compressed for HEAD")
}

func TestAnswersAreBrotliCompressedForClientsThatPreferIt(t *testing.T) {
	k := newKit(t, Config{})
	get := func(header ...string) (*http.Response, []byte) { return getBig(k, header...) }
	plainResp, plain := get()
	require.Equal(t, http.StatusOK, plainResp.StatusCode)
	etag := plainResp.Header.Get("ETag")
	require.NotEmpty(t, etag)
	require.Greater(t, len(plain), 100<<10, "the answer is large")

	// The plain answer was kept as it is: the first br client's ask compresses it once and
	// keeps the br bytes instead, and every ask after sends those bytes without compressing.
	var kept []byte
	for i, name := range []string{"compressed once and kept", "kept", "kept again"} {
		before, size := brCompressions.Load(), k.responsesCacheSize()
		resp, br := get("Accept-Encoding", "gzip, deflate, br, zstd")
		require.Equal(t, http.StatusOK, resp.StatusCode, name)
		assert.Equal(t, "br", resp.Header.Get("Content-Encoding"), name)
		assertVaries(t, resp.Header, "Accept-Encoding")
		assert.Equal(t, withETagSuffix(etag, brETagSuffix), resp.Header.Get("ETag"), name)
		assert.Less(t, len(br), len(plain)/6, name)
		assert.Equal(t, string(plain), string(unbrotli(t, br)), name)
		compressions := brCompressions.Load() - before
		if i == 0 {
			assert.EqualValues(t, 1, compressions, name)
			assert.Equal(t, len(br)-len(plain), k.responsesCacheSize()-size, "%s: the br bytes are kept instead of the raw ones", name)
			kept = br
			continue
		}
		assert.EqualValues(t, 0, compressions, "%s: the stored br bytes are sent", name)
		assert.Equal(t, kept, br, name)
		assert.Equal(t, size, k.responsesCacheSize(), name)
	}

	// gzip after br: the gzip bytes are kept beside the br bytes, counted too.
	size := k.responsesCacheSize()
	resp, gz := get("Accept-Encoding", "gzip")
	assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
	assert.Equal(t, string(plain), string(gunzip(t, gz)))
	assert.Equal(t, size+len(gz), k.responsesCacheSize(), "the gzip bytes kept are counted")

	// A client holding the br answer is answered 304, as one holding it plain or gzip.
	for _, held := range []string{withETagSuffix(etag, brETagSuffix), etag} {
		resp, b := get("Accept-Encoding", "br", "If-None-Match", held)
		assert.Equal(t, http.StatusNotModified, resp.StatusCode, "a client holding %s", held)
		assert.Empty(t, b)
	}

	// br;q=0 refuses br; a client without br gets the kept answer as it is.
	resp, b := get("Accept-Encoding", "br;q=0, gzip")
	assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"), "br refused, gzip taken")
	assert.Equal(t, string(plain), string(gunzip(t, b)))
	resp, b = get("Accept-Encoding", "br;q=0")
	assert.Empty(t, resp.Header.Get("Content-Encoding"), "br refused")
	assert.Equal(t, string(plain), string(b))

	// One byte range of a br client's answer: 206 of the answer as it is, as for gzip.
	resp, b = get("Accept-Encoding", "br", "Range", "bytes=0-99")
	assert.Equal(t, http.StatusPartialContent, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Content-Encoding"))
	assert.Equal(t, string(plain[:100]), string(b))
	resp, b = get("Accept-Encoding", "br", "Range", "bytes=0-9,20-29")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "several ranges: the whole answer")
	assert.Equal(t, "br", resp.Header.Get("Content-Encoding"))
	assert.Equal(t, string(plain), string(unbrotli(t, b)))
}

func TestFreshAnswersExportsAndTimelinesAreBrotliCompressed(t *testing.T) {
	k := newExportsKit(t, Config{})
	fresh := postReq(`{"query":`+jsonString(bigQuery)+`}`, "br")
	for _, req := range []*http.Request{
		fresh,
		httptest.NewRequest(http.MethodGet, "/export/memberships.csv", nil),
		httptest.NewRequest(http.MethodGet, "/export/graph.json", nil),
		httptest.NewRequest(http.MethodGet, "/timeline/state/russia.svg", nil),
	} {
		path := req.URL.Path
		t.Run(path, func(t *testing.T) {
			plainReq := req.Clone(req.Context())
			if req.Body != nil && req.Method == http.MethodPost {
				plainReq = postReq(`{"query":`+jsonString(bigQuery)+`}`, "")
			}
			plainResp, plain := k.send(plainReq)
			require.Equal(t, http.StatusOK, plainResp.StatusCode)
			if req.Method == http.MethodPost {
				req = postReq(`{"query":`+jsonString(strings.Replace(bigQuery, "{ states", "{ fresh: states", 1))+`}`, "br")
				plain = bytes.Replace(plain, []byte(`"states"`), []byte(`"fresh"`), 1)
			}
			req.Header.Set("Accept-Encoding", "br")
			before := brCompressions.Load()
			resp, br := k.send(req)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.EqualValues(t, 1, brCompressions.Load()-before, "compressed on the way out")
			assert.Equal(t, "br", resp.Header.Get("Content-Encoding"))
			assertVaries(t, resp.Header, "Accept-Encoding")
			assert.Empty(t, resp.Header.Get("Accept-Ranges"))
			assert.Less(t, len(br), len(plain)/2)
			assert.Equal(t, string(plain), string(unbrotli(t, br)))
			// Written in chunks (the exports write 32 KiB at a time), still smaller than gzip.
			gzReq := req.Clone(req.Context())
			if req.Method == http.MethodPost {
				gzReq = postReq(`{"query":`+jsonString(strings.Replace(bigQuery, "{ states", "{ fresh2: states", 1))+`}`, "")
			}
			gzReq.Header.Set("Accept-Encoding", "gzip")
			gzResp, gz := k.send(gzReq)
			require.Equal(t, "gzip", gzResp.Header.Get("Content-Encoding"))
			assert.Less(t, len(br), len(gz), "br against gzip")
			if etag := plainResp.Header.Get("ETag"); etag != "" {
				assert.Equal(t, withETagSuffix(etag, brETagSuffix), resp.Header.Get("ETag"))
				// A client holding the br answer is answered 304.
				held := req.Clone(req.Context())
				held.Header.Set("If-None-Match", resp.Header.Get("ETag"))
				resp, b := k.send(held)
				assert.Equal(t, http.StatusNotModified, resp.StatusCode, "a client holding %s", resp.Header.Get("ETag"))
				assert.Empty(t, b)
			}
		})
	}

	// Under MinCompressBytes an answer is sent as it is.
	resp, b := k.send(postReq(`{"query":"{ state(slug: \"armenia\") { name } }"}`, "br"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Content-Encoding"), "under %d bytes an answer is sent plain", MinCompressBytes)
	assert.Contains(t, string(b), "Armenia")
	assertVaries(t, resp.Header, "Accept-Encoding")
}
