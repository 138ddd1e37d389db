package server

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/testgate"
)

var (
	seedDBOnce sync.Once
	seedDBDir  string
	seedDBPath string
	seedDBErr  error
)

// seedDB builds the project's real seeds into a database once per test binary and returns
// its path. The file is never written once built, so every test may open it.
func seedDB(t testing.TB) string {
	t.Helper()
	seedDBOnce.Do(func() {
		g, err := seed.Load(os.DirFS("../../seeds"), "seeds")
		if err != nil {
			seedDBErr = err
			return
		}
		if seedDBDir, seedDBErr = os.MkdirTemp("", "treatygraph-server-test-"); seedDBErr != nil {
			return
		}
		seedDBPath = filepath.Join(seedDBDir, "graph.db")
		seedDBErr = sqlite.Build(context.Background(), g, seedDBPath)
	})
	require.NoError(t, seedDBErr)
	return seedDBPath
}

func TestMain(m *testing.M) {
	testgate.CollectAsServeDoes()
	code := m.Run()
	if seedDBDir != "" {
		_ = os.RemoveAll(seedDBDir)
	}
	os.Exit(code)
}

// TestTestsCollectAsServeDoes holds the garbage collector's target that the tests of the
// packages holding a whole dataset set (testgate.GCPercent) equal to serve's.
func TestTestsCollectAsServeDoes(t *testing.T) {
	require.Equal(t, DefaultGCPercent, testgate.GCPercent)
}
