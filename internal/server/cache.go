package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
)

// Caching. The data only changes with a new build of the database, so the answer to a GET
// request depends only on the dataset version and the request: a CDN or browser may keep it
// for CacheMaxAge and then revalidate it with If-None-Match, which is answered 304 without
// running anything.
const (
	// DefaultCacheMaxAge is how long a GET answer may be reused without asking again.
	DefaultCacheMaxAge = 5 * time.Minute
	// QueryCacheEntries is how many parsed and validated documents are kept.
	QueryCacheEntries = 1000
	// APQCacheEntries is how many automatic persisted queries are kept.
	APQCacheEntries = 1000
	// MaxCachedQueryBytes is the longest document kept in either cache, so that the caches
	// stay small however large the documents sent (a longer one is parsed every time).
	MaxCachedQueryBytes = 16 << 10
)

// httpCache computes ETags and sets caching headers on GET answers.
type httpCache struct {
	// salt is what besides the request decides an answer: the dataset version and the
	// server's limits and mode.
	salt   string
	maxAge time.Duration
	// maxTokens is the parser's token limit: a longer document is not normalised.
	maxTokens int
}

// newHTTPCache is the cache of the answers of cfg's server, whose data has version; cfg has
// its defaults applied. Every limit that decides whether a query runs, or what it answers
// (those of Limits marked ETag), is in the salt.
func newHTTPCache(version string, cfg Config) httpCache {
	salt := fmt.Sprintf("v1\x00%s\x00%s\x00%s", version, etagLimits(cfg), cfg.TrustedDocuments.fingerprint())
	return httpCache{salt: salt, maxAge: cfg.CacheMaxAge, maxTokens: cfg.MaxParserTokens}
}

// etag identifies the answer to a GET request: it hashes the salt, the response media type
// and the request normalised (the query's tokens without whitespace, commas and comments;
// variables and extensions with sorted keys).
func (c httpCache) etag(p *graphql.RawParams, contentType string) string {
	vars, _ := canonicalJSON(p.Variables)
	ext, _ := canonicalJSON(p.Extensions)
	sum := hashParts(c.salt, contentType, normaliseQuery(p.Query, c.maxTokens), p.OperationName, vars, ext)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// hashParts hashes strings each ended by a zero byte, so that no two lists of parts share
// their bytes.
func hashParts(parts ...string) [sha256.Size]byte {
	// The parts go into the hash through one buffer: written one by one, each part became a
	// byte slice of its own, copied, for the hash's interface.
	var stack [512]byte
	b := stack[:0]
	for _, part := range parts {
		b = append(append(b, part...), 0)
	}
	return sha256.Sum256(b)
}

func (c httpCache) setCacheable(h http.Header, etag string) {
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(c.maxAge.Seconds())))
}

func noStore(h http.Header) { h.Set("Cache-Control", "no-store") }

// normaliseQuery writes a document's tokens separated by single spaces, so that queries that
// differ only in layout share one ETag. A document that does not lex, or has more tokens than
// the parser accepts (maxTokens), is kept as it is: it will be refused anyway.
func normaliseQuery(q string, maxTokens int) string {
	lx := lexer.New(&ast.Source{Input: q})
	var b strings.Builder
	b.Grow(len(q)) // tokens and single spaces: at most the document's length, bar quoting
	for n := 0; ; n++ {
		tok, err := lx.ReadToken()
		if err != nil || n > maxTokens {
			return q
		}
		if tok.Kind == lexer.EOF {
			return b.String()
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		switch tok.Kind {
		case lexer.String, lexer.BlockString:
			b.WriteString(strconv.Quote(tok.Value))
		case lexer.Name, lexer.Int, lexer.Float:
			b.WriteString(tok.Value)
		default:
			b.WriteString(tok.Kind.String()) // punctuation
		}
	}
}

// boundedCache keeps only small entries in a cache, so that its memory is bounded by the
// number of entries times MaxCachedQueryBytes.
type boundedCache[T any] struct {
	inner graphql.Cache[T]
	size  func(key string, value T) int
}

func (c boundedCache[T]) Get(ctx context.Context, key string) (T, bool) {
	return c.inner.Get(ctx, key)
}

func (c boundedCache[T]) Add(ctx context.Context, key string, value T) {
	if c.size(key, value) <= MaxCachedQueryBytes {
		c.inner.Add(ctx, key, value)
	}
}
