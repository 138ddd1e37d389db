package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// seedsDB is a database of the embedded seeds built once for the whole test binary (the
// tests that check building itself build their own), so that each test serving the seeds
// does not build them again. It is removed when the tests end (TestMain).
var seedsDB struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// sharedSeedsDB returns the path of seedsDB, building it on first use.
func sharedSeedsDB(t testing.TB) string {
	t.Helper()
	seedsDB.once.Do(func() {
		g, err := loadSeeds("", seed.DefaultLimits())
		if err != nil {
			seedsDB.err = err
			return
		}
		if seedsDB.dir, err = os.MkdirTemp("", "treatygraph-root-test-"); err != nil {
			seedsDB.err = err
			return
		}
		seedsDB.path = filepath.Join(seedsDB.dir, "graph.db")
		seedsDB.err = sqlite.Build(context.Background(), g, seedsDB.path)
	})
	require.NoError(t, seedsDB.err)
	return seedsDB.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seedsDB.dir != "" {
		_ = os.RemoveAll(seedsDB.dir)
	}
	os.Exit(code)
}
