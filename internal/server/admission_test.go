package server

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheapOperationsAreAdmittedWhileDearOnesWait(t *testing.T) {
	b := newBudget(Config{MaxInFlightCost: 10_000, CheapCost: 100, CheapInFlightCost: 300, DearConcurrency: 2}.withDefaults())
	// Two dear operations hold both slots and the whole bound.
	first, ok := b.reserve(context.Background(), 6_000)
	require.True(t, ok)
	second, ok := b.reserve(context.Background(), 4_000)
	require.True(t, ok)
	// A third dear one waits in line for a slot.
	waiting := make(chan bool)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r, ok := b.reserve(ctx, 200)
		if ok {
			b.release(r)
		}
		waiting <- ok
	}()
	time.Sleep(50 * time.Millisecond)

	// Cheap operations run at once, up to their own reserve.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var cheap []reservation
	for range 3 {
		r, ok := b.reserve(ctx, 100)
		require.True(t, ok, "a cheap operation waited behind dear ones")
		cheap = append(cheap, r)
	}
	_, ok = b.reserve(ctx, 100)
	assert.False(t, ok, "cheap operations are bounded by their reserve")
	for _, r := range cheap {
		b.release(r)
	}
	select {
	case <-waiting:
		t.Fatal("the dear operation ran while both slots were held")
	default:
	}
	b.release(first)
	assert.True(t, <-waiting, "the waiting dear operation runs once a slot is given back")
	b.release(second)

	all, ok := b.reserve(context.Background(), 10_000)
	assert.True(t, ok, "every operation gave back its cost")
	b.release(all)
}

// TestLookupAdmittedWhileDearOperationsWait: over HTTP, with every dear slot held and a dear
// operation waiting for one, a lookup is answered at once; the dear one runs out of time.
func TestLookupAdmittedWhileDearOperationsWait(t *testing.T) {
	store, _ := openSeedStore(t)
	// Cheap up to a cost of 100: a page of 100 names (cost 102) is dear, and quick to run.
	cfg := Config{Store: store, CheapCost: 100, DearConcurrency: 1, Timeout: 2 * time.Second, ResponseCacheBytes: -1}.withDefaults()
	k := &kit{t: t, store: store, handler: New(cfg)}
	const lookup = `{ state(slug: "armenia") { name } }`
	const dear = `{ states(first: 100) { nodes { name } } }`
	held, ok := cfg.budget.reserve(context.Background(), 2*DefaultCheapCost) // a dear operation running
	require.True(t, ok)
	var wg sync.WaitGroup
	var dearAnswer answer
	wg.Add(1)
	go func() { defer wg.Done(); dearAnswer = k.query(dear, nil) }() // waits for the slot
	time.Sleep(100 * time.Millisecond)

	start := time.Now()
	a := k.get(url.Values{"query": {lookup}})
	elapsed := time.Since(start)
	require.Equal(t, http.StatusOK, a.Status, a.Raw)
	assert.Empty(t, a.Errors, a.Raw)
	assert.JSONEq(t, `{"state":{"name":"Armenia"}}`, string(a.Data))
	assert.Less(t, elapsed, cfg.Timeout, "the lookup did not wait for the dear operations' deadline")
	wg.Wait()
	assert.Equal(t, []string{CodeTimeout}, dearAnswer.codes(), "the dear operation waited for the slot: %s", dearAnswer.Raw)
	cfg.budget.release(held)
	assert.Empty(t, k.query(dear, nil).Errors, "with the slot given back, the dear operation runs")
}

// TestKeptAnswersReserveNothing: a dear query answered before is answered from the answers
// kept while every dear slot is held.
func TestKeptAnswersReserveNothing(t *testing.T) {
	store, _ := openSeedStore(t)
	cfg := Config{Store: store, DearConcurrency: 1, Timeout: 20 * time.Second}.withDefaults() // time for the race detector
	k := &kit{t: t, store: store, handler: New(cfg)}
	const dear = `{ states(first: 100) { nodes { name memberships { organization { slug } } } } }`
	first := k.query(dear, nil)
	require.Empty(t, first.Errors, first.Raw)
	held, ok := cfg.budget.reserve(context.Background(), 2*DefaultCheapCost)
	require.True(t, ok)
	defer cfg.budget.release(held)
	again := k.query(dear, nil)
	assert.Empty(t, again.Errors, again.Raw)
	assert.JSONEq(t, string(first.Data), string(again.Data))
}
