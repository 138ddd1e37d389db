package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestNormalisedTextsKeptWhenAskedAgain checks that the normalised text of a document is kept
// the second time the document is seen, not the first, and is the same text either way.
func TestNormalisedTextsKeptWhenAskedAgain(t *testing.T) {
	c := newResponseCache(1<<20, "salt", DefaultMaxParserTokens)
	q := "{\n  states { totalCount }\n}"
	want := normaliseQuery(q, DefaultMaxParserTokens)
	if got := c.normalise(q); got != want {
		t.Fatalf("first: %q, want %q", got, want)
	}
	if n := c.normalised.Stats().Entries; n != 0 {
		t.Fatalf("a document seen once is kept: %d entries", n)
	}
	if got := c.normalise(q); got != want {
		t.Fatalf("second: %q, want %q", got, want)
	}
	if n := c.normalised.Stats().Entries; n != 1 {
		t.Fatalf("a document seen twice is not kept: %d entries", n)
	}
	if _, ok := c.normalised.Get(q); !ok {
		t.Fatal("the document seen twice is not the one kept")
	}
	// Many documents seen once each keep nothing.
	for i := range 1000 {
		c.normalise(fmt.Sprintf("{ r%d: states { totalCount } }", i))
	}
	if n := c.normalised.Stats().Entries; n != 1 {
		t.Fatalf("documents seen once are kept: %d entries", n)
	}
}

func TestSeenFilter(t *testing.T) {
	var f seenFilter
	if f.seenBefore("a") {
		t.Fatal("a text never seen was seen")
	}
	if !f.seenBefore("a") {
		t.Fatal("a text just seen was not seen")
	}
	if f.seenBefore("b") {
		t.Fatal("another text was seen")
	}
}

// TestAdmitCountsHeldBytesInTheRequestInfo checks the budget's count of unwritten answers
// for requests that carry a requestInfo (every request of New, through observe): held in
// it, without a context or request of their own, refused past the budget and released when
// the request ends.
func TestAdmitCountsHeldBytesInTheRequestInfo(t *testing.T) {
	b := newBudget(Config{MaxInFlight: 4, MaxBufferedBytes: 1 << 20})
	release, started := make(chan struct{}), make(chan *http.Request)
	h := b.admit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("hold") != "" {
			b.hold(r.Context(), 2<<20)
		}
		started <- r
		<-release
	}))
	serve := func(target string) (*httptest.ResponseRecorder, *http.Request) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, target, nil)
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, &requestInfo{}))
		h.ServeHTTP(rec, r)
		return rec, r
	}
	done := make(chan *http.Request)
	go func() { _, r := serve("/graphql?hold=1"); done <- r }()
	seen := <-started
	rec, _ := serve("/graphql")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("beside an unwritten answer over the budget: status %d, want 503", rec.Code)
	}
	if got := b.buffered.Load(); got != 2<<20 {
		t.Fatalf("buffered %d, want %d", got, 2<<20)
	}
	close(release)
	if sent := <-done; sent != seen {
		t.Error("the request was copied to carry its count")
	}
	if got := b.buffered.Load(); got != 0 {
		t.Fatalf("a request's bytes are not released when it ends: %d", got)
	}
}

// TestDocumentsKeptWhenAskedAgain checks that a validated document is kept for its request
// the first time it is seen and in the cache the second time, and in the cache at once for
// a request without a requestInfo.
func TestDocumentsKeptWhenAskedAgain(t *testing.T) {
	c := newDocCache(1 << 20)
	q := "{ states { totalCount } }"
	doc := &ast.QueryDocument{}
	request := func() context.Context { return context.WithValue(context.Background(), infoKey{}, &requestInfo{}) }

	first := request()
	c.Add(first, q, doc)
	if got, ok := c.Get(first, q); !ok || got != doc {
		t.Fatalf("its own request does not find the document: %v %v", got, ok)
	}
	if _, ok := c.Get(first, q+" "); ok {
		t.Fatal("another text finds the document")
	}
	if _, ok := c.Get(request(), q); ok {
		t.Fatal("a document seen once is kept for other requests")
	}
	if n := c.cache.Stats().Entries; n != 0 {
		t.Fatalf("a document seen once is kept: %d entries", n)
	}
	second := request()
	c.Add(second, q, doc)
	if got, ok := c.Get(request(), q); !ok || got != doc {
		t.Fatalf("a document seen twice is not kept: %v %v", got, ok)
	}

	other := "{ organizations { totalCount } }"
	c.Add(context.Background(), other, doc)
	if _, ok := c.Get(context.Background(), other); !ok {
		t.Fatal("without a requestInfo, a document is not kept")
	}
}
