package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"hash/maphash"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/treatygraph/treatygraph/internal/lru"
)

// DefaultResponseCacheBytes bounds the answers the server keeps whole, compressed (gzip, and
// brotli once a client that prefers it asks): some six times as many bytes of answers.
const DefaultResponseCacheBytes = 16 << 20

// responseEntryOverhead is what an answer kept costs besides its data: the key, the entry
// and the response value.
const responseEntryOverhead = 256

// responseCache answers a query it has answered before without running it. The database is
// an immutable snapshot, so an answer stays right for as long as the server runs: the key
// is the dataset version with the server's limits (the ETag's salt), the document normalised
// (its tokens, without layout and comments), the operation name and the variables as coerced.
// Only complete answers are kept: no errors, no incremental delivery, not cut short.
//
// An answer is kept as it is written, and compressed once when it is asked again, gzip or
// brotli by the client's Accept-Encoding (keptAnswer): the transport sends the compressed
// bytes as they are to a client that takes that encoding, and decompresses them for one that
// does not. The answer of the first request is kept by the transport once it has written
// it (requestInfo.keep), since only the transport sees the answer whole.
//
// It runs inside the response hooks of newGraphQL, after the cost check has admitted the
// operation, so a cached answer still counts against the limits a fresh one would, and
// the cost and dataset version are added to each copy it hands out.
type responseCache struct {
	cache     *lru.Cache[[sha256.Size]byte, *keptAnswer]
	salt      string
	maxTokens int
	// normalised keeps the normalised text of documents asked before, by their text: lexing
	// a document again was a tenth of a repeated request. A text is kept the second time it
	// is seen (seen), so that documents asked once, most of those a server sees, neither
	// cost an entry nor push out the texts of documents asked again and again.
	normalised *lru.Cache[string, string]
	seen       seenFilter
}

// seenFilter remembers, approximately, which texts were seen lately: a hash of each in one of
// a fixed number of slots. Two texts in one slot push each other out, which only delays
// keeping one of them; a false "seen" needs two texts with the same 64-bit hash.
type seenFilter struct {
	slots [seenSlots]atomic.Uint64
}

// seenSeed seeds the hashes of seenFilter.
var seenSeed = maphash.MakeSeed()

// seenSlots is how many texts seenFilter remembers at most.
const seenSlots = 4096

// seenBefore reports whether s was seen lately, and remembers it.
func (f *seenFilter) seenBefore(s string) bool {
	h := maphash.String(seenSeed, s) | 1 // never 0, the empty slot
	slot := &f.slots[h%seenSlots]
	if slot.Load() == h {
		return true
	}
	slot.Store(h)
	return false
}

// normalisedCacheBytes bounds the documents' normalised texts kept for the answers' keys.
const normalisedCacheBytes = 4 << 20

func newResponseCache(maxBytes int, salt string, maxTokens int) *responseCache {
	return &responseCache{cache: lru.New[[sha256.Size]byte, *keptAnswer](maxBytes, 0), salt: salt, maxTokens: maxTokens,
		normalised: lru.New[string, string](normalisedCacheBytes, 0)}
}

// normalise is normaliseQuery, through the texts kept.
func (c *responseCache) normalise(q string) string {
	if n, ok := c.normalised.Get(q); ok {
		return n
	}
	n := normaliseQuery(q, c.maxTokens)
	if c.seen.seenBefore(q) {
		c.normalised.Add(q, n, len(q)+len(n))
	}
	return n
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = (*responseCache)(nil)

// admittedStatsKey marks an operation every earlier check admitted: parsed, validated,
// within the limits and the cost, its variables coerced. Only such an operation is looked
// up, so that a refusal is never answered from the cache.
const admittedStatsKey = "treatygraph.admitted"

// MutateOperationContext runs after every other check (the cache is added last), so that
// reaching it means the operation was admitted.
func (c *responseCache) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	oc.Stats.SetExtension(admittedStatsKey, true)
	return nil
}

func (*responseCache) ExtensionName() string                   { return "ResponseCache" }
func (*responseCache) Validate(graphql.ExecutableSchema) error { return nil }
func (c *responseCache) stats() lru.Stats                      { return c.cache.Stats() }
func (c *responseCache) enabled() bool                         { return c != nil && c.cache != nil }
func cacheable(ctx context.Context, r *graphql.Response) bool {
	return r != nil && len(r.Errors) == 0 && r.Data != nil && r.HasNext == nil && r.Label == "" && r.Path == nil && ctx.Err() == nil
}

// keptAnswer is an answer as the transport wrote it: as it is (raw) until it is asked again,
// then compressed, once for each encoding asked, and no longer kept as it is: gzip (gz) for a
// client that takes gzip or no encoding, brotli (br) for one that prefers br
// (keptEncoding), unless it is smaller than MinCompressBytes (then it is not sent compressed
// either). Most fresh answers are never asked again: they are not compressed for nothing.
type keptAnswer struct {
	raw  []byte
	gz   []byte
	br   []byte
	size int // bytes uncompressed
}

func newKeptAnswer(body []byte) *keptAnswer { return &keptAnswer{raw: body, size: len(body)} }

// compressed is k kept compressed for a client taking encoding enc ("br", "gzip" or ""), or
// k itself when it already is, or is kept as it is for good.
func (k *keptAnswer) compressed(enc string) (*keptAnswer, bool) {
	switch {
	case k.size < MinCompressBytes:
		return k, false // kept as it is for good
	case enc == "br" && k.br != nil, enc == "gzip" && k.gz != nil:
		return k, false // already kept in that encoding
	case enc == "" && (k.gz != nil || k.br != nil):
		return k, false // a client taking neither is sent either, decompressed
	}
	plain, err := k.plain()
	if err != nil {
		return k, false
	}
	c := &keptAnswer{gz: k.gz, br: k.br, size: k.size}
	if enc == "br" {
		c.br = brotliBytes(plain)
	} else {
		c.gz = gzipBytes(plain)
	}
	return c, true
}

// plain is the answer k holds, as it is.
func (k *keptAnswer) plain() ([]byte, error) {
	switch {
	case k.raw != nil:
		return k.raw, nil
	case k.gz != nil:
		return gunzipBytes(k.gz, k.size)
	}
	return unbrotliBytes(k.br, k.size)
}

// bytes is what the kept answer holds.
func (k *keptAnswer) bytes() int { return len(k.raw) + len(k.gz) + len(k.br) }

// keptPlaceholder stands for a kept answer on its way through the response hooks: the
// transport writes the kept bytes instead (requestInfo.kept).
var keptPlaceholder = json.RawMessage("{}")

// InterceptResponse answers from the cache or runs the operation and has its answer kept.
func (c *responseCache) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	info := infoFrom(ctx)
	if !c.enabled() || info == nil || !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if admitted, _ := oc.Stats.GetExtension(admittedStatsKey).(bool); !admitted || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return next(ctx)
	}
	looked, ok := oc.Stats.GetExtension(keptStatsKey).(keptLookup)
	if !ok {
		return next(ctx)
	}
	key := looked.key
	if k := looked.kept; k != nil {
		// Asked again: from now on kept compressed, in the encoding this client takes too.
		if z, changed := k.compressed(keptEncoding(oc.Headers)); changed {
			c.cache.Replace(key, z, z.bytes()+len(oc.RawQuery)+responseEntryOverhead)
			k = z
		}
		info.setKept(k)
		return &graphql.Response{Data: keptPlaceholder}
	}
	resp := next(ctx)
	if cacheable(ctx, resp) {
		cost := len(oc.RawQuery) + responseEntryOverhead
		info.setKeep(func(body []byte) *keptAnswer {
			k := newKeptAnswer(body)
			c.cache.Add(key, k, k.bytes()+cost)
			return k
		})
	}
	return resp
}

// keptStatsKey holds an operation's keptLookup, made once its cost is admitted (cost.go).
const keptStatsKey = "treatygraph.kept"

// keptLookup is an operation's key among the answers kept, and its kept answer if any.
type keptLookup struct {
	key  [sha256.Size]byte
	kept *keptAnswer
}

// lookup returns an operation's key and its kept answer (nil when none is kept); false when
// its answer cannot be kept.
func (c *responseCache) lookup(oc *graphql.OperationContext) ([sha256.Size]byte, *keptAnswer, bool) {
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return [sha256.Size]byte{}, nil, false
	}
	key, ok := c.key(oc)
	if !ok {
		return key, nil, false
	}
	k, _ := c.cache.Get(key)
	return key, k, true
}

// key identifies an operation's answer; false when its variables cannot be written down.
func (c *responseCache) key(oc *graphql.OperationContext) ([sha256.Size]byte, bool) {
	vars, ok := canonicalJSON(oc.Variables)
	if !ok {
		return [sha256.Size]byte{}, false
	}
	return hashParts(c.salt, c.normalise(oc.RawQuery), oc.OperationName, vars), true
}

// canonicalJSON writes variables as JSON with object keys sorted, so that the same variables
// give the same bytes, as json.Marshal does, without its reflection over maps: the values a
// request's variables hold are written directly, and anything else through json.Marshal.
// False when a value cannot be written.
func canonicalJSON(v any) (string, bool) {
	switch m, isMap := v.(map[string]any); {
	case v == nil:
		return "null", true // a request without variables: no buffer
	case isMap && len(m) == 0:
		return "{}", true
	}
	var b []byte
	b, ok := appendCanonical(b, v)
	return string(b), ok
}

func appendCanonical(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return strconv.AppendQuote(b, v), true
	case bool:
		return strconv.AppendBool(b, v), true
	case json.Number:
		return append(b, v...), true
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendCanonical(b, e); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(strconv.AppendQuote(b, k), ':')
			var ok bool
			if b, ok = appendCanonical(b, v[k]); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	}
	j, err := json.Marshal(v)
	if err != nil {
		return b, false
	}
	return append(b, j...), true
}
