package sqlite

import (
	"context"
	"database/sql/driver"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	msqlite "modernc.org/sqlite"
)

// ticks counts the calls of the SQL function test_tick, so that a test can see how far a
// statement ran.
var ticks atomic.Int64

func init() {
	msqlite.MustRegisterScalarFunction("test_tick", 0, func(*msqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		return ticks.Add(1), nil
	})
}

// TestCancelInterruptsRunningStatement cancels the context of a statement while it runs and
// checks, by counting the rows it has produced, that SQLite stopped it then rather than
// running it to the end, that the store reports the cancellation, and that the store's only
// connection serves the next statement.
func TestCancelInterruptsRunningStatement(t *testing.T) {
	_, _, path := openFixture(t)
	s, err := Open(path, 1)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })

	const total, cancelAt = 5_000_000, 1_000
	ticks.Store(0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ticks.Load() < cancelAt {
			time.Sleep(50 * time.Microsecond)
		}
		cancel()
	}()
	var produced int64
	rows, err := s.query(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
		SELECT count(test_tick()) FROM n`, total)
	if err == nil {
		for rows.Next() {
			require.NoError(t, rows.Scan(&produced))
		}
		err = rows.Err()
		_ = rows.Close()
	}
	ran := ticks.Load()
	require.ErrorIs(t, err, context.Canceled, "the statement must end with the cancellation, not an answer (%d rows)", produced)
	assert.GreaterOrEqual(t, ran, int64(cancelAt), "the statement was running when cancelled")
	assert.Less(t, ran, int64(total), "the statement must be stopped, not run to its end")
	time.Sleep(10 * time.Millisecond)
	assert.Equal(t, ran, ticks.Load(), "nothing runs once the statement is stopped")

	var one int
	rows, err = s.query(context.Background(), `SELECT 1`)
	require.NoError(t, err, "the connection of the stopped statement serves the next one")
	for rows.Next() {
		require.NoError(t, rows.Scan(&one))
	}
	require.NoError(t, rows.Err())
	_ = rows.Close()
	assert.Equal(t, 1, one)
	t.Logf("stopped after %d of %d rows", ran, total)
}
