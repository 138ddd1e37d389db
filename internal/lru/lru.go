// Package lru is a least-recently-used cache bounded by the sizes of what it holds, as the
// caller measures them (bytes, records), and by a number of entries. The server keeps parsed
// documents and whole answers in it, the loaders decoded records: all of them immutable for
// the life of one dataset, so nothing is ever invalidated, only evicted.
package lru

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// Cache is safe for concurrent use. The nil *Cache is a cache that keeps nothing.
type Cache[K comparable, V any] struct {
	mu         sync.Mutex
	maxSize    int
	maxEntries int
	used       int
	order      *list.List // front: most recently used
	entries    map[K]*list.Element

	hits, misses, evictions atomic.Uint64
}

type entry[K comparable, V any] struct {
	key  K
	val  V
	size int
}

// New returns a cache holding at most maxSize units in at most maxEntries entries (no bound
// on entries when maxEntries <= 0), or nil, a cache that keeps nothing, when maxSize <= 0.
func New[K comparable, V any](maxSize, maxEntries int) *Cache[K, V] {
	if maxSize <= 0 {
		return nil
	}
	return &Cache[K, V]{maxSize: maxSize, maxEntries: maxEntries, order: list.New(), entries: map[K]*list.Element{}}
}

// Get returns the value kept for key, marking it as recently used.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	var zero V
	if c == nil {
		return zero, false
	}
	c.mu.Lock()
	e, ok := c.entries[key]
	if ok {
		c.order.MoveToFront(e)
	}
	c.mu.Unlock()
	if !ok {
		c.misses.Add(1)
		return zero, false
	}
	c.hits.Add(1)
	return e.Value.(*entry[K, V]).val, true
}

// Add keeps value under key, of the given size, evicting the least recently used entries
// until it fits. A value larger than a quarter of the cache is not kept, so that one entry
// cannot empty the cache; nor is a key already kept replaced. It reports whether the value
// is now kept.
func (c *Cache[K, V]) Add(key K, value V, size int) bool {
	if c == nil || size > c.maxSize/4 {
		return false
	}
	size = max(size, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return true
	}
	for c.order.Len() > 0 && (c.used+size > c.maxSize || (c.maxEntries > 0 && c.order.Len() >= c.maxEntries)) {
		oldest := c.order.Back()
		e := oldest.Value.(*entry[K, V])
		c.order.Remove(oldest)
		delete(c.entries, e.key)
		c.used -= e.size
		c.evictions.Add(1)
	}
	c.entries[key] = c.order.PushFront(&entry[K, V]{key: key, val: value, size: size})
	c.used += size
	return true
}

// Replace is Add, except that a value already kept under key gives way to value and its size.
func (c *Cache[K, V]) Replace(key K, value V, size int) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	if e, ok := c.entries[key]; ok {
		c.order.Remove(e)
		delete(c.entries, key)
		c.used -= e.Value.(*entry[K, V]).size
	}
	c.mu.Unlock()
	return c.Add(key, value, size)
}

// Stats is what a cache holds and how it has been used.
type Stats struct {
	Entries, Size, MaxSize  int
	Hits, Misses, Evictions uint64
}

// Stats returns the cache's figures; all zero for the nil cache.
func (c *Cache[K, V]) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Entries: c.order.Len(), Size: c.used, MaxSize: c.maxSize,
		Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load()}
}
