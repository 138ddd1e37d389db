package sqlite

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDerivedComputesOnceUntilItSucceeds(t *testing.T) {
	var s Store
	var calls atomic.Int32
	failing := true
	compute := func() (any, error) {
		calls.Add(1)
		if failing {
			return nil, errors.New("request cancelled")
		}
		return []byte("export"), nil
	}

	_, err := s.Derived("a", compute)
	require.Error(t, err)
	failing = false
	v, err := s.Derived("a", compute)
	require.NoError(t, err)
	assert.Equal(t, []byte("export"), v, "a failure is not kept: the next caller computes")
	assert.EqualValues(t, 2, calls.Load())

	again, err := s.Derived("a", func() (any, error) { t.Error("computed again"); return nil, nil })
	require.NoError(t, err)
	assert.Same(t, &v.([]byte)[0], &again.([]byte)[0], "the kept value itself")

	other, err := s.Derived("b", func() (any, error) { return "b", nil })
	require.NoError(t, err)
	assert.Equal(t, "b", other, "another key is computed for itself")
}

func TestDerivedComputesOnceForConcurrentFirstAsks(t *testing.T) {
	var s Store
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]any, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = s.Derived("k", func() (any, error) {
				calls.Add(1)
				<-release
				return i, nil
			})
		}()
	}
	close(release)
	wg.Wait()
	assert.EqualValues(t, 1, calls.Load())
	for _, r := range results {
		assert.Equal(t, results[0], r)
	}
}
