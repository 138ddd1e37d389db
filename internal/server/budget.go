package server

import (
	"context"
	"encoding/json"
	"fmt"
	"golang.org/x/sync/semaphore"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/treatygraph/treatygraph/internal/cut"
)

// The budget of the whole server: what all requests together may hold, so that no client, or
// few, can exhaust memory by sending requests whose answers they never read.
const (
	// DefaultMaxResponseBytes is the largest answer sent; a larger one is replaced by a
	// RESPONSE_TOO_LARGE error.
	DefaultMaxResponseBytes = 4 << 20
	// DefaultMaxErrorBytes is the most bytes the errors of one answer hold; the errors past it
	// are counted in one more error instead of listed.
	DefaultMaxErrorBytes = 64 << 10
	// DefaultMaxErrorMessageBytes is the longest error message sent, whatever produced it.
	DefaultMaxErrorMessageBytes = 1 << 10
	// DefaultMaxInFlight is how many GraphQL requests are handled at once; more are answered
	// 503 with Retry-After.
	DefaultMaxInFlight = 64
	// DefaultMaxBufferedBytes bounds the answers built and not yet written; while it is
	// reached, new GraphQL requests are answered 503 with Retry-After.
	DefaultMaxBufferedBytes = 64 << 20
	// DefaultMaxInFlightCost bounds the costs of the operations being executed, added up: the
	// cost of an operation is about the values it builds, and so about the memory it holds
	// while it runs (a large answer of the COW dataset, cost 700,000, holds a few hundred MB).
	// Twice the largest cost lets two of the dearest run at once, one a core.
	DefaultMaxInFlightCost = 2 * DefaultMaxCost
	// WriteGrace is how long past the request's timeout its answer may take to be written:
	// long enough for a TIMEOUT answer to reach a client that reads.
	WriteGrace = 2 * time.Second
	// RetryAfter is what a 503 tells the client to wait before trying again.
	RetryAfter = 1 * time.Second
)

// Codes of the budget's refusals.
const (
	CodeResponseTooLarge = "RESPONSE_TOO_LARGE"
	CodeOverloaded       = "OVERLOADED"
)

// budget counts what the GraphQL requests being handled hold.
type budget struct {
	maxInFlight   int64
	maxBuffered   int64
	maxResponse   int
	maxErrorBytes int
	maxMessage    int
	maxCost       int64
	costs         *semaphore.Weighted // the costs of the dear operations being executed
	admission     admission           // cheap operations' reserve and dear slots (admission.go)
	inFlight      atomic.Int64
	buffered      atomic.Int64
}

func newBudget(cfg Config) *budget {
	return &budget{maxInFlight: int64(cfg.MaxInFlight), maxBuffered: int64(cfg.MaxBufferedBytes),
		maxResponse: cfg.MaxResponseBytes, maxErrorBytes: cfg.MaxErrorBytes, maxMessage: cfg.MaxErrorMessageBytes,
		maxCost: int64(cfg.MaxInFlightCost), costs: semaphore.NewWeighted(int64(cfg.MaxInFlightCost)), admission: newAdmission(cfg)}
}

type heldKey struct{}

// admit answers 503 with Retry-After, without reading the request, when MaxInFlight requests
// are being handled or the answers not yet written hold MaxBufferedBytes; otherwise it
// handles the request, counting the answer's bytes until the handler returns.
func (b *budget) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		n := b.inFlight.Add(1)
		defer b.inFlight.Add(-1)
		if n > b.maxInFlight || b.buffered.Load() >= b.maxBuffered {
			overloaded(w)
			return
		}
		var held *atomic.Int64
		if info := infoFrom(r.Context()); info != nil && !info.admitted {
			// The request's log record counts its bytes: no context and request of its own.
			info.admitted, held = true, &info.held
		} else {
			held = new(atomic.Int64)
			r = r.WithContext(context.WithValue(r.Context(), heldKey{}, held))
		}
		defer func() { b.buffered.Add(-held.Load()) }()
		next.ServeHTTP(w, r)
	})
}

// hold counts n bytes of an answer against the budget until the request ends.
func (b *budget) hold(ctx context.Context, n int) {
	var held *atomic.Int64
	if info := infoFrom(ctx); info != nil && info.admitted {
		held = &info.held
	} else {
		held, _ = ctx.Value(heldKey{}).(*atomic.Int64)
	}
	if held != nil {
		held.Add(int64(n))
		b.buffered.Add(int64(n))
	}
}

func overloaded(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(RetryAfter.Seconds())))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	b, _ := json.Marshal(graphql.Response{Errors: gqlerror.List{refusal(CodeOverloaded,
		"the server is handling as many requests as it may: try again in %s", RetryAfter)}})
	_, _ = w.Write(b)
}

// limitAnswer bounds an answer: each error message to maxMessage bytes, the errors
// together to maxErrorBytes, and the whole answer to maxResponse, replacing data and errors by
// one RESPONSE_TOO_LARGE error when it is larger. It then counts the answer against the
// budget.
func (b *budget) limitAnswer(ctx context.Context, resp *graphql.Response) {
	size := len(resp.Data)
	for i, e := range resp.Errors {
		e.Message = cut.Bytes(e.Message, b.maxMessage)
		raw, _ := json.Marshal(e)
		if size+len(raw) > len(resp.Data)+b.maxErrorBytes {
			rest := len(resp.Errors) - i
			resp.Errors = append(resp.Errors[:i:i], refusal(CodeTooManyErrors,
				"%d more errors are not listed: the errors of an answer hold at most %d bytes", rest, b.maxErrorBytes))
			break
		}
		size += len(raw)
	}
	if size > b.maxResponse {
		resp.Data = nil
		resp.Errors = gqlerror.List{refusal(CodeResponseTooLarge,
			"the answer holds more than the limit of %s: ask for fewer fields, fewer aliases or smaller pages (first)", byteCount(b.maxResponse))}
		size = 0
	}
	b.hold(ctx, size)
}

// setWriteDeadline makes writing the answer count against the request's time: it must be
// written by the request's deadline and WriteGrace.
func setWriteDeadline(w http.ResponseWriter, deadline time.Time) {
	_ = http.NewResponseController(w).SetWriteDeadline(deadline.Add(WriteGrace))
}

func byteCount(n int) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
