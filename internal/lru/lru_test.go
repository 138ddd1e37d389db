package lru

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEvictsLeastRecentlyUsedBySize(t *testing.T) {
	c := New[string, int](100, 0)
	require.True(t, c.Add("a", 1, 20))
	require.True(t, c.Add("b", 2, 20))
	require.True(t, c.Add("c", 3, 20))
	_, ok := c.Get("a") // a is now the most recently used; b the least
	require.True(t, ok)
	require.True(t, c.Add("d", 4, 25))
	require.True(t, c.Add("e", 5, 25)) // 110 > 100: b goes
	_, ok = c.Get("b")
	assert.False(t, ok, "the least recently used entry is evicted first")
	for _, k := range []string{"a", "c", "d", "e"} {
		_, ok := c.Get(k)
		assert.True(t, ok, k)
	}
	s := c.Stats()
	assert.Equal(t, 4, s.Entries)
	assert.Equal(t, 90, s.Size)
	assert.Equal(t, uint64(1), s.Evictions)
	assert.Equal(t, uint64(1), s.Misses)
}

func TestBoundsEntriesAndRefusesHugeValues(t *testing.T) {
	c := New[int, string](1000, 3)
	for i := range 10 {
		c.Add(i, "x", 1)
	}
	assert.Equal(t, 3, c.Stats().Entries)
	_, ok := c.Get(9)
	assert.True(t, ok)
	_, ok = c.Get(0)
	assert.False(t, ok)

	assert.False(t, c.Add(100, "huge", 251), "a value over a quarter of the cache is not kept")
	assert.True(t, c.Add(101, "big", 250))
}

func TestKeepsFirstValueOfAKey(t *testing.T) {
	c := New[string, int](100, 0)
	c.Add("k", 1, 10)
	c.Add("k", 2, 10)
	v, _ := c.Get("k")
	assert.Equal(t, 1, v)
	assert.Equal(t, 10, c.Stats().Size, "adding a kept key again does not count its size twice")
}

func TestReplaceSwapsTheValueAndItsSize(t *testing.T) {
	c := New[string, int](100, 0)
	c.Add("k", 1, 40)
	c.Add("other", 9, 10)
	require.True(t, c.Replace("k", 2, 15))
	v, _ := c.Get("k")
	assert.Equal(t, 2, v)
	s := c.Stats()
	assert.Equal(t, 2, s.Entries)
	assert.Equal(t, 25, s.Size, "the old value's size gives way to the new one's")
	require.True(t, c.Replace("new", 3, 5), "a key not kept is added")
	assert.Equal(t, 30, c.Stats().Size)
	var none *Cache[string, int]
	assert.False(t, none.Replace("k", 1, 1))
}

func TestNilCacheKeepsNothing(t *testing.T) {
	c := New[string, int](0, 0)
	assert.Nil(t, c)
	assert.False(t, c.Add("a", 1, 1))
	_, ok := c.Get("a")
	assert.False(t, ok)
	assert.Equal(t, Stats{}, c.Stats())
}

func TestConcurrentUseStaysWithinBounds(t *testing.T) {
	c := New[string, int](500, 0)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				k := fmt.Sprint(g, "/", i%97)
				if _, ok := c.Get(k); !ok {
					c.Add(k, i, 1+i%7)
				}
			}
		}()
	}
	wg.Wait()
	s := c.Stats()
	assert.LessOrEqual(t, s.Size, 500)
	assert.Positive(t, s.Hits)
}
