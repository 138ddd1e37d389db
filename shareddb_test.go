package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/testgate"
)

// seedsDB is a database of the embedded seeds built once for the whole test binary by the
// build command itself (treatygraph build -o FILE, with no -seeds), so that each test serving
// the seeds does not build them again and TestCLI checks what that command did. The tests
// that check building from other seeds build their own. It is removed when the tests end
// (TestMain).
var seedsDB struct {
	once           sync.Once
	dir            string
	path           string
	code           int
	stdout, stderr string
	err            error
}

// sharedSeedsDB returns the path of seedsDB, building it on first use.
func sharedSeedsDB(t testing.TB) string {
	t.Helper()
	buildSharedSeedsDB()
	require.NoError(t, seedsDB.err)
	require.Equal(t, 0, seedsDB.code, "treatygraph build -o %s\nstdout:\n%s\nstderr:\n%s", seedsDB.path, seedsDB.stdout, seedsDB.stderr)
	return seedsDB.path
}

// buildSharedSeedsDB runs treatygraph build -o FILE into a temporary directory, once, and
// keeps its exit code and output.
func buildSharedSeedsDB() {
	seedsDB.once.Do(func() {
		if seedsDB.dir, seedsDB.err = os.MkdirTemp("", "treatygraph-root-test-"); seedsDB.err != nil {
			return
		}
		seedsDB.path = filepath.Join(seedsDB.dir, "graph.db")
		var stdout, stderr bytes.Buffer
		seedsDB.code = run(context.Background(), []string{"build", "-o", seedsDB.path}, &stdout, &stderr)
		seedsDB.stdout, seedsDB.stderr = stdout.String(), stderr.String()
	})
}

func TestMain(m *testing.M) {
	testgate.CollectAsServeDoes()
	code := m.Run()
	if seedsDB.dir != "" {
		_ = os.RemoveAll(seedsDB.dir)
	}
	os.Exit(code)
}
