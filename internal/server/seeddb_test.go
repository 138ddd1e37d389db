package server

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/testdb"
	"github.com/treatygraph/treatygraph/internal/testgate"
)

// seedDB returns the path of the database of the project's real seeds that the tests of
// several packages share (see testdb). The file is never written, so every test may open it.
func seedDB(t testing.TB) string {
	t.Helper()
	return testdb.Seeds(t)
}

func TestMain(m *testing.M) {
	testgate.CollectAsServeDoes()
	os.Exit(m.Run())
}

// TestTestsCollectAsServeDoes holds the garbage collector's target that the tests of the
// packages holding a whole dataset set (testgate.GCPercent) equal to serve's.
func TestTestsCollectAsServeDoes(t *testing.T) {
	require.Equal(t, DefaultGCPercent, testgate.GCPercent)
}
