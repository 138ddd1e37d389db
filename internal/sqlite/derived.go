package sqlite

import "sync"

// derived holds what other packages compute from a store once (the exports, for one): the
// store is read-only, so a value computed from it stays true for as long as it is open, and
// every handler over it may share the value.
type derived struct {
	mu     sync.Mutex
	values map[string]*derivedValue
}

type derivedValue struct {
	mu   sync.Mutex // held while the value is computed, so that concurrent first asks compute once
	done bool
	v    any
}

// Derived returns the value compute gives for key, calling compute only until it first
// succeeds for this store. Calls for one key wait for each other; calls for other keys do
// not. An error is returned and not kept: it may be the caller's own (a cancelled request),
// and the next caller computes again.
func (s *Store) Derived(key string, compute func() (any, error)) (any, error) {
	s.derived.mu.Lock()
	if s.derived.values == nil {
		s.derived.values = map[string]*derivedValue{}
	}
	d, ok := s.derived.values[key]
	if !ok {
		d = &derivedValue{}
		s.derived.values[key] = d
	}
	s.derived.mu.Unlock()

	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done {
		return d.v, nil
	}
	v, err := compute()
	if err != nil {
		return nil, err
	}
	d.v, d.done = v, true
	return v, nil
}
