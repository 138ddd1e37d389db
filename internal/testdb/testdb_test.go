package testdb

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// module writes a small module tree with one file of each kind Key weighs or leaves out.
func module(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for rel, body := range map[string]string{
		"go.mod":                          "module example\n",
		"go.sum":                          "",
		"main.go":                         "package main\n",
		"internal/sqlite/build.go":        "package sqlite\n",
		"internal/sqlite/migration/1.sql": "CREATE TABLE t (x);\n",
		"internal/sqlite/build_test.go":   "package sqlite\n",
		"seeds/article.yaml":              "states: [\n", // not a seed file: a build of it fails
		"seeds/cow/data.csv.gz":           "\x1f\x8b",
		"README.md":                       "# example\n",
		"internal/x/testdata/golden.go":   "package golden\n",
		".git/HEAD":                       "ref: refs/heads/main\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return root
}

func TestKeyFollowsWhatABuildDependsOn(t *testing.T) {
	root := module(t)
	base, err := Key(root)
	require.NoError(t, err)
	again, err := Key(root)
	require.NoError(t, err)
	require.Equal(t, base, again)

	for rel, changes := range map[string]bool{
		"go.mod":                          true,
		"go.sum":                          true,
		"main.go":                         true,
		"internal/sqlite/build.go":        true,
		"internal/sqlite/migration/1.sql": true,
		"seeds/article.yaml":              true,
		"seeds/cow/data.csv.gz":           true,
		"internal/sqlite/build_test.go":   false,
		"README.md":                       false,
		"internal/x/testdata/golden.go":   false,
		".git/HEAD":                       false,
	} {
		t.Run(rel, func(t *testing.T) {
			p := filepath.Join(root, filepath.FromSlash(rel))
			before, err := os.ReadFile(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, append(before, '\n'), 0o644))
			defer func() { require.NoError(t, os.WriteFile(p, before, 0o644)) }()
			key, err := Key(root)
			require.NoError(t, err)
			if changes {
				assert.NotEqual(t, base, key)
			} else {
				assert.Equal(t, base, key)
			}
		})
	}

	// A new Go file counts too, and a file moved keeps no key it had.
	p := filepath.Join(root, "internal", "sqlite", "more.go")
	require.NoError(t, os.WriteFile(p, []byte("package sqlite\n"), 0o644))
	key, err := Key(root)
	require.NoError(t, err)
	assert.NotEqual(t, base, key)
	require.NoError(t, os.Rename(p, filepath.Join(root, "internal", "sqlite", "most.go")))
	moved, err := Key(root)
	require.NoError(t, err)
	assert.NotEqual(t, key, moved)
}

func TestSharedServesTheDatabaseOfItsKey(t *testing.T) {
	root, dir := module(t), t.TempDir()
	// The module's seeds are not a seed set, so a build fails: shared builds when, and only
	// when, no database of the module's key is there.
	_, err := shared(root, dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "load the seeds")

	key, err := Key(root)
	require.NoError(t, err)
	want := filepath.Join(dir, key+".db")
	require.NoError(t, os.WriteFile(want, []byte("built"), 0o644))
	old := time.Now().Add(-2 * staleAfter)
	require.NoError(t, os.Chtimes(want, old, old))
	got, err := shared(root, dir)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	info, err := os.Stat(got)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), info.ModTime(), time.Minute, "in use: marked fresh")

	// Another key's database is not served.
	require.NoError(t, os.WriteFile(filepath.Join(root, "main.go"), []byte("package main // changed\n"), 0o644))
	_, err = shared(root, dir)
	require.Error(t, err)
}

func TestStaleDatabasesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, age time.Duration) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, nil, 0o644))
		at := time.Now().Add(-age)
		require.NoError(t, os.Chtimes(p, at, at))
		return p
	}
	keep := write("kept.db", 2*staleAfter)
	stale := write("stale.db", 2*staleAfter)
	staleLock := write("stale.db.lock", 2*staleAfter)
	recent := write("recent.db", staleAfter/2)
	removeStale(dir, keep)
	for p, there := range map[string]bool{keep: true, stale: false, staleLock: false, recent: true} {
		_, err := os.Stat(p)
		assert.Equal(t, there, err == nil, p)
	}
}
