package server

import (
	"context"
	"runtime"

	"golang.org/x/sync/semaphore"
)

// Fair admission. An operation is admitted once its cost is known, before it runs, in one of
// two classes:
//
//   - cheap (cost at most CheapCost: a lookup, a page of a list, what frontends send most)
//     reserves its cost from a reserve of its own, CheapInFlightCost, and never waits behind
//     a dear one, however many dear ones wait;
//   - dear takes one of DearConcurrency slots (by default one core fewer than the process
//     may use, at least one), so that dear work never takes every core and a cheap operation
//     never waits for a core behind it, then reserves its cost from MaxInFlightCost, in
//     arrival order, as before.
//
// A kept answer (respcache.go) reserves nothing: it builds no values, and writing its bytes
// is cheap whatever the operation's cost.
const (
	// DefaultCheapCost is the largest cost of a cheap operation: a state with its stints
	// costs a few thousand, the first 20 events some hundreds.
	DefaultCheapCost = 20_000
	// DefaultCheapInFlightCost is the reserve of cheap operations: 32 of the dearest cheap
	// ones at once, a few MB of values.
	DefaultCheapInFlightCost = 32 * DefaultCheapCost
)

// DefaultDearConcurrency is how many dear operations run at once when DearConcurrency is
// zero: the cores the process may use, less one, at least one.
func DefaultDearConcurrency() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// admission holds the cheap reserve and the dear slots.
type admission struct {
	cheapCost int64
	cheap     *semaphore.Weighted
	dear      *semaphore.Weighted // slots
}

func newAdmission(cfg Config) admission {
	a := admission{cheapCost: int64(cfg.CheapCost), cheap: semaphore.NewWeighted(int64(max(cfg.CheapInFlightCost, 1)))}
	slots := cfg.DearConcurrency
	if slots <= 0 {
		slots = DefaultDearConcurrency()
	}
	a.dear = semaphore.NewWeighted(int64(slots))
	return a
}

// reservation is what an admitted operation holds until its answer is built.
type reservation struct {
	cost  int64
	cheap bool
	slot  bool // a dear slot
}

// reserve admits an operation of cost n, waiting within ctx's deadline; false when the
// deadline passed first. A cost over the in-flight bound counts as the bound.
func (b *budget) reserve(ctx context.Context, n int) (reservation, bool) {
	cost := min(int64(n), b.maxCost)
	if cost <= 0 {
		return reservation{}, true
	}
	if cost <= b.admission.cheapCost {
		if err := b.admission.cheap.Acquire(ctx, cost); err != nil {
			return reservation{}, false
		}
		return reservation{cost: cost, cheap: true}, true
	}
	if err := b.admission.dear.Acquire(ctx, 1); err != nil {
		return reservation{}, false
	}
	r := reservation{slot: true}
	if err := b.costs.Acquire(ctx, cost); err != nil {
		b.release(r)
		return reservation{}, false
	}
	r.cost = cost
	return r, true
}

// release gives back what reserve took.
func (b *budget) release(r reservation) {
	switch {
	case r.cheap:
		b.admission.cheap.Release(r.cost)
		return
	case r.cost > 0:
		b.costs.Release(r.cost)
	}
	if r.slot {
		b.admission.dear.Release(1)
	}
}
