package sqlite

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCheckDoesNotWaitForThePool(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	var held []*sql.Conn
	for range 2 { // the whole pool of openFixture's store
		c, err := s.db.Conn(ctx)
		require.NoError(t, err)
		held = append(held, c)
	}
	defer func() {
		for _, c := range held {
			_ = c.Close()
		}
	}()
	waiting, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	require.Error(t, s.db.PingContext(waiting), "the pool should be exhausted")

	checking, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	require.NoError(t, s.Check(checking))
}
