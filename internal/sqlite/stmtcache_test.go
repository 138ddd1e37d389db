package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countTo is a distinct SQL text for each n whose rows are offset+n+1 ... offset+n+rows.
func countTo(n int) string {
	return fmt.Sprintf(`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
SELECT x + ? + %d FROM c`, n)
}

func readInts(t testing.TB, rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}) []int {
	t.Helper()
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

func wantInts(n, offset, rows int) []int {
	out := make([]int, rows)
	for i := range out {
		out[i] = offset + n + i + 1
	}
	return out
}

// withCache gives s a statement cache of the given size for the test.
func withCache(s *Store, size int) {
	s.stmts.close()
	s.stmts = newStmtCache(size)
}

// TestStatementCacheIsBounded runs many more distinct texts than the cache holds, each twice,
// and checks that the cache never holds more than its bound and every answer is right.
func TestStatementCacheIsBounded(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	const size = 8
	withCache(s, size)
	for round := range 2 {
		for n := range 5 * size {
			rows, err := s.query(ctx, countTo(n), 3, round)
			require.NoError(t, err)
			assert.Equal(t, wantInts(n, round, 3), readInts(t, rows))
			assert.LessOrEqual(t, s.stmts.len(), size)
		}
	}
	assert.Equal(t, size, s.stmts.len())

	// The default bound holds too.
	s2, _, _ := openFixture(t)
	for n := range MaxPrepared + 50 {
		rows, err := s2.query(ctx, countTo(n), 1, 0)
		require.NoError(t, err)
		require.Equal(t, wantInts(n, 0, 1), readInts(t, rows))
	}
	assert.Equal(t, MaxPrepared, s2.stmts.len())
}

// TestStatementCacheReusesStatements checks that a text run again while still cached uses
// the statement prepared for it.
func TestStatementCacheReusesStatements(t *testing.T) {
	s, _, _ := openFixture(t)
	withCache(s, 4)
	ctx := context.Background()
	first, err := s.stmts.get(ctx, s.db, countTo(1))
	require.NoError(t, err)
	s.stmts.put(first)
	again, err := s.stmts.get(ctx, s.db, countTo(1))
	require.NoError(t, err)
	s.stmts.put(again)
	assert.Same(t, first, again)
}

// TestEvictedStatementKeepsItsRows starts a query, evicts its statement by running other
// texts, and checks that the rows still read to the end and the text runs again.
func TestEvictedStatementKeepsItsRows(t *testing.T) {
	s, _, _ := openFixture(t)
	const size = 2
	withCache(s, size)
	ctx := context.Background()

	rows, err := s.query(ctx, countTo(0), 100, 0)
	require.NoError(t, err)
	require.True(t, rows.Next())
	var v int
	require.NoError(t, rows.Scan(&v))
	assert.Equal(t, 1, v)

	for n := 1; n <= 3*size; n++ { // evicts countTo(0), on this connection and the other
		r, err := s.query(ctx, countTo(n), 2, 0)
		require.NoError(t, err)
		require.Equal(t, wantInts(n, 0, 2), readInts(t, r))
	}
	got := []int{v}
	got = append(got, readInts(t, rows)...)
	assert.Equal(t, wantInts(0, 0, 100), got, "the rows of an evicted statement read to the end")

	rows, err = s.query(ctx, countTo(0), 5, 0)
	require.NoError(t, err)
	assert.Equal(t, wantInts(0, 0, 5), readInts(t, rows))
}

// TestStatementCacheUnderConcurrentEviction runs queries from many goroutines over more texts
// than the cache holds, so that statements are evicted while others take them; no query may
// find its statement closed, and every answer must be right.
func TestStatementCacheUnderConcurrentEviction(t *testing.T) {
	s, _, _ := openFixture(t)
	const size = 3
	withCache(s, size)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				n := (g*7 + i) % (3 * size)
				rows, err := s.query(ctx, countTo(n), 4, g)
				if err != nil {
					errs <- err
					return
				}
				var got []int
				for rows.Next() {
					var v int
					if err := rows.Scan(&v); err != nil {
						errs <- err
						return
					}
					got = append(got, v)
				}
				if err := rows.Close(); err != nil {
					errs <- err
					return
				}
				if want := wantInts(n, g, 4); fmt.Sprint(got) != fmt.Sprint(want) {
					errs <- fmt.Errorf("%d rows of text %d: got %v, want %v", 4, n, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.LessOrEqual(t, s.stmts.len(), size)
}
