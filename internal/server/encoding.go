package server

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
)

// MinCompressBytes is the smallest answer sent compressed: below it the gzip header and the
// work cost more than the bytes saved.
const MinCompressBytes = 1 << 10

// gzipETagSuffix marks the ETag of an answer sent gzip-compressed: each encoding of an
// answer is a representation of its own, with an ETag of its own (RFC 9110, 8.8.3), so that
// a cache never gives a client that cannot read gzip the compressed bytes.
const gzipETagSuffix = "-gzip"

// encodingSuffixes are the suffixes compress adds to the ETags of the encodings it writes.
var encodingSuffixes = []string{gzipETagSuffix, "-zstd", brETagSuffix}

// compressedTypes are the media types compress compresses.
var compressedTypes = []string{
	"application/json", "application/graphql-response+json", "text/csv", "image/svg+xml",
	"text/html", "text/plain", "text/css", "text/javascript", "application/javascript",
}

// compressedType reports whether an answer of Content-Type ct is compressed.
func compressedType(ct string) bool {
	mediaType, _, err := mime.ParseMediaType(ct)
	return err == nil && slices.Contains(compressedTypes, mediaType)
}

// compress sends answers of MinCompressBytes or more compressed to clients that accept it
// (br where the client prefers it, prefersBrotli and brotliHandler; else gzip, or zstd where
// the client prefers it, through klauspost/compress's gzhttp), with Vary: Accept-Encoding and
// an ETag of each encoding's own. An answer already encoded, as the kept GraphQL answers and
// GraphiQL's files are, and a partial answer to a Range request pass as they are.
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(MinCompressBytes), gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.SuffixETag(gzipETagSuffix), gzhttp.ContentTypes(compressedTypes))
	if err != nil {
		panic(fmt.Sprintf("compression: %v", err)) // the options above are constants
	}
	gz, br := wrap(next), brotliHandler(next, compressedType)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if prefersBrotli(r) {
			br(w, r)
			return
		}
		gz(w, r)
	})
}

// conditionalHeaders prepares a request's conditional headers for handlers that know one
// representation of each answer:
//   - a Range header listing several ranges is dropped, and the whole answer is sent, as RFC
//     9110 (14.2) allows: overlapping ranges by the hundred would multiply an answer's bytes;
//   - the ETags of If-None-Match lose the suffix compress gave them, so that a client holding
//     an answer compressed is answered 304 as one holding it plain is (the bytes decoded are
//     the same).
func conditionalHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rng := r.Header.Get("Range"); rng != "" && (strings.Contains(rng, ",") || len(r.Header.Values("Range")) > 1) {
			r.Header.Del("Range")
		}
		if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
			joined := strings.Join(inm, ",")
			for _, suffix := range encodingSuffixes {
				joined = strings.ReplaceAll(joined, suffix+`"`, `"`)
			}
			r.Header.Set("If-None-Match", joined)
		}
		next.ServeHTTP(w, r)
	})
}

// withETagSuffix is etag (a quoted strong ETag) with suffix added inside its quotes.
func withETagSuffix(etag, suffix string) string {
	if len(etag) < 2 || !strings.HasSuffix(etag, `"`) {
		return etag
	}
	return etag[:len(etag)-1] + suffix + `"`
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// gzipBytes compresses b once, for an answer kept and asked again, at gzip's fastest level:
// the default level took 5 to 8% more of a three-hop's processor time for answers a fifth
// smaller (BENCHMARKS.md).
func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b)/6 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&out)
	_, _ = zw.Write(b)
	_ = zw.Close()
	gzipWriters.Put(zw)
	return out.Bytes()
}

var gzipReaders sync.Pool // of *gzip.Reader

// gunzipBytes is the answer gz holds, of size bytes.
func gunzipBytes(gz []byte, size int) ([]byte, error) {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(gz))
	} else {
		err = zr.Reset(bytes.NewReader(gz))
	}
	if err != nil {
		return nil, err
	}
	defer gzipReaders.Put(zr)
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := io.Copy(buf, zr); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
