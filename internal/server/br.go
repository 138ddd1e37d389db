package server

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"
)

// brETagSuffix marks the ETag of an answer sent brotli-compressed (Content-Encoding: br).
const brETagSuffix = "-br"

// brFreshQuality is the brotli quality of answers compressed on their way out: quality 1
// took 1.5 to 1.7 times gzip's fastest level for the canonical three-hop's answer (387–457
// against 256–268 µs, some 2% of the answer's processor time) and 1.1 times for graph.json
// (14.6–16.4 against 14.0–14.1 ms), for bytes 23% and 17% fewer; zstd's fastest took
// 392–430 µs and 21–23 ms; quality 2 took twice to four times quality 1's (BenchmarkBrotli,
// BENCHMARKS.md).
const brFreshQuality = 1

// brKeptQuality is the brotli quality of a kept answer, compressed once when it is asked
// again and then sent as it is: quality 5 took 1.3–1.4 ms once for the three-hop's 179 KB,
// for 9,816 bytes sent on every answer after, against gzip's 18,499 and quality 1's 14,176;
// quality 6 saved 3% more, quality 9 10% more for twice the time.
const brKeptQuality = 5

// acceptance is what a request's Accept-Encoding gives each coding the server writes: the
// quality of its own listing (x-gzip counting as gzip), and that of *; -1 where not listed.
type acceptance struct{ br, gzip, zstd, star float64 }

// acceptedCodings reads the Accept-Encoding of header h, once.
func acceptedCodings(h http.Header) acceptance {
	a := acceptance{br: -1, gzip: -1, zstd: -1, star: -1}
	for _, header := range h.Values("Accept-Encoding") {
		for item := range strings.SplitSeq(header, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(item), ";")
			q := 1.0
			if v, ok := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "br":
				a.br = q
			case "gzip", "x-gzip":
				a.gzip = q
			case "zstd":
				a.zstd = q
			case "*":
				a.star = q
			}
		}
	}
	return a
}

// prefersBrotli: br is listed with a quality above zero, and not below those of gzip and
// zstd. On a tie (browsers send "gzip, deflate, br, zstd", every quality 1) br is taken: a
// fresh GraphQL answer at brFreshQuality is as small as zstd's fastest (three-hop: 14,183
// bytes against 14,096; gzip 18,495) for no more processor time, and a kept one is sent at
// brKeptQuality, 9,816 bytes (zstd is never kept: a zstd client is sent the kept gzip bytes).
// The price: exports 9% larger than zstd's (graph.json 751,141 against 683,922; gzip
// 857,996). br is taken only where it is named: * does not stand for it.
func (a acceptance) prefersBrotli() bool {
	return a.br > 0 && a.br >= a.gzip && a.br >= a.zstd
}

// takesGzip: gzip (or x-gzip) listed with a quality above zero, or else * so listed.
func (a acceptance) takesGzip() bool {
	if a.gzip >= 0 {
		return a.gzip > 0
	}
	return a.star > 0
}

// prefersBrotli reports whether an answer to r goes out brotli-compressed
// (acceptance.prefersBrotli). As gzhttp, nothing fresh is compressed for a HEAD request.
func prefersBrotli(r *http.Request) bool {
	return r.Method != http.MethodHead && acceptedCodings(r.Header).prefersBrotli()
}

// keptEncoding is the encoding a kept answer goes out in to a request of header h: "br",
// "gzip" or "" (as it is). A request for a byte range gets the answer as it is, as a fresh
// one would (compress leaves partial answers alone).
func keptEncoding(h http.Header) string {
	if h.Get("Range") != "" {
		return ""
	}
	switch a := acceptedCodings(h); {
	case a.prefersBrotli():
		return "br"
	case a.takesGzip():
		return "gzip"
	}
	return ""
}

// brCompressions counts the answers compressed to brotli, fresh or kept; the tests read it.
var brCompressions atomic.Int64

var brWriters = map[int]*sync.Pool{brFreshQuality: newBrPool(brFreshQuality), brKeptQuality: newBrPool(brKeptQuality)}

func newBrPool(quality int) *sync.Pool {
	return &sync.Pool{New: func() any { return brotli.NewWriterLevel(io.Discard, quality) }}
}

// brWriter is a pooled brotli writer of the given quality (brFreshQuality or brKeptQuality)
// writing to w; putBrWriter returns it once closed.
func brWriter(w io.Writer, quality int) *brotli.Writer {
	bw := brWriters[quality].Get().(*brotli.Writer)
	bw.Reset(w)
	brCompressions.Add(1)
	return bw
}

func putBrWriter(bw *brotli.Writer, quality int) {
	bw.Reset(io.Discard)
	brWriters[quality].Put(bw)
}

// brChunkBytes is how much of an answer brotli compresses at a time: at brFreshQuality each
// write is compressed on its own, and graph.json written in the 32 KiB its export writes
// came to 1,003,735 bytes (gzip's fastest: 857,996), in 256 KiB to 751,141, whole to 710,451.
const brChunkBytes = 256 << 10

var brChunks = sync.Pool{New: func() any { return bufio.NewWriterSize(io.Discard, brChunkBytes) }}

// brotliBytes compresses b once, for an answer kept and asked again, at brKeptQuality.
func brotliBytes(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b)/8 + 64)
	bw := brWriter(&out, brKeptQuality)
	_, _ = bw.Write(b)
	_ = bw.Close()
	putBrWriter(bw, brKeptQuality)
	return out.Bytes()
}

// unbrotliBytes is the answer br holds, of size bytes.
func unbrotliBytes(br []byte, size int) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := io.Copy(buf, brotli.NewReader(bytes.NewReader(br))); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// brotliHandler sends next's answers to r brotli-compressed, as gzhttp sends gzip: Vary:
// Accept-Encoding always, and an answer of MinCompressBytes or more, of a type compressible
// lists, neither encoded already nor partial (Content-Range), compressed at brFreshQuality,
// its ETag suffixed brETagSuffix and without Accept-Ranges.
func brotliHandler(next http.Handler, compressible func(contentType string) bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		bw := &brResponseWriter{ResponseWriter: w, compressible: compressible}
		defer bw.close()
		next.ServeHTTP(bw, r)
	}
}

// brResponseWriter holds an answer's first MinCompressBytes, then decides: compressed
// (bw set) or as it is (plain).
type brResponseWriter struct {
	http.ResponseWriter
	compressible func(contentType string) bool
	code         int
	buf          []byte
	bw           *brotli.Writer
	chunks       *bufio.Writer // in front of bw
	plain        bool
}

func (w *brResponseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *brResponseWriter) WriteHeader(code int) {
	if code >= 100 && code <= 199 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if w.code == 0 {
		w.code = code
	}
}

func (w *brResponseWriter) Write(b []byte) (int, error) {
	switch {
	case w.bw != nil:
		return w.chunks.Write(b)
	case w.plain:
		return w.ResponseWriter.Write(b)
	}
	h := w.Header()
	if cl, err := strconv.Atoi(h.Get("Content-Length")); h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" ||
		(err == nil && cl < MinCompressBytes) {
		w.start(false)
		return w.ResponseWriter.Write(b)
	}
	w.buf = append(w.buf, b...)
	if len(w.buf) >= MinCompressBytes {
		w.start(true)
	}
	return len(b), nil
}

func (w *brResponseWriter) compressibleType() bool {
	ct := w.Header().Get("Content-Type")
	if ct == "" && len(w.buf) > 0 {
		ct = http.DetectContentType(w.buf)
		w.Header().Set("Content-Type", ct)
	}
	return ct == "" || w.compressible(ct)
}

// start writes the header and what is held, compressed or not.
func (w *brResponseWriter) start(compress bool) {
	h := w.Header()
	if compress && bodyAllowed(w.code) && w.compressibleType() {
		h.Set("Content-Encoding", "br")
		h.Del("Content-Length")
		h.Del("Accept-Ranges")
		if etag := h.Get("ETag"); etag != "" {
			h.Set("ETag", withETagSuffix(etag, brETagSuffix))
		}
		w.bw = brWriter(w.ResponseWriter, brFreshQuality)
		w.chunks = brChunks.Get().(*bufio.Writer)
		w.chunks.Reset(w.bw)
	} else {
		w.plain = true
	}
	if w.code != 0 {
		w.ResponseWriter.WriteHeader(w.code)
	}
	held := w.buf
	w.buf = nil
	if len(held) > 0 {
		if w.bw != nil {
			_, _ = w.chunks.Write(held)
		} else {
			_, _ = w.ResponseWriter.Write(held)
		}
	}
}

func (w *brResponseWriter) close() {
	if w.bw == nil && !w.plain {
		w.start(len(w.buf) >= MinCompressBytes)
	}
	if w.bw != nil {
		_ = w.chunks.Flush()
		w.chunks.Reset(io.Discard)
		brChunks.Put(w.chunks)
		_ = w.bw.Close()
		putBrWriter(w.bw, brFreshQuality)
		w.bw, w.chunks = nil, nil
	}
}

// Flush sends what is written so far; an answer not yet decided goes as it is.
func (w *brResponseWriter) Flush() {
	if w.bw == nil && !w.plain {
		w.start(false)
	}
	if w.bw != nil {
		_ = w.chunks.Flush()
		_ = w.bw.Flush()
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func bodyAllowed(code int) bool {
	return code != http.StatusNoContent && code != http.StatusNotModified && (code < 100 || code > 199)
}
