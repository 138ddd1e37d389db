package server

import (
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/testdb"
	"github.com/treatygraph/treatygraph/internal/testgate"
)

// seedDB returns the path of the database of the project's real seeds that the tests of
// several packages share (see testdb). The file is never written, so every test may open it.
func seedDB(t testing.TB) string {
	t.Helper()
	return testdb.Seeds(t)
}

// exports is one store over seedDB for the tests that fetch exports, which a store builds
// once (sqlite.Store.Derived): they share it, so the files are built once for them all. No
// test closes it.
var exports struct {
	once  sync.Once
	store *sqlite.Store
	err   error
}

// newExportsKit serves the shared exports store with cfg.
func newExportsKit(t testing.TB, cfg Config) *kit {
	t.Helper()
	path := seedDB(t)
	exports.once.Do(func() { exports.store, exports.err = sqlite.Open(path, 2) })
	require.NoError(t, exports.err)
	return newKitOn(t, exports.store, cfg)
}

func TestMain(m *testing.M) {
	testgate.CollectAsServeDoes()
	code := m.Run()
	if exports.store != nil {
		_ = exports.store.Close()
	}
	os.Exit(code)
}

// TestTestsCollectAsServeDoes holds the garbage collector's target that the tests of the
// packages holding a whole dataset set (testgate.GCPercent) equal to serve's.
func TestTestsCollectAsServeDoes(t *testing.T) {
	require.Equal(t, DefaultGCPercent, testgate.GCPercent)
}
