package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// alter builds the test graph into a file, changes it with the SQL given, and returns its path.
func alter(t *testing.T, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "graph.db")
	require.NoError(t, Build(context.Background(), loadFixture(t), path))
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	for _, s := range stmts {
		_, err := db.Exec(s)
		require.NoError(t, err, s)
	}
	return path
}

func TestOpenRefusesADatabaseOfAnotherLayout(t *testing.T) {
	cases := []struct {
		name, want string
		stmts      []string
	}{
		{"older format", "has format none and this program reads format " + FormatVersion, []string{"DELETE FROM meta WHERE key = 'format'"}},
		{"newer format", "has format 99", []string{"UPDATE meta SET value = '99' WHERE key = 'format'"}},
		{"a table dropped", "lacks the tables figures", []string{"DROP TABLE figures"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(alter(t, c.stmts...), 2)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "rebuild it with `treatygraph build`")
		})
	}
	s, err := Open(alter(t), 2)
	require.NoError(t, err)
	assert.Len(t, s.BuildID(), 16)
	require.NoError(t, s.Close())
}

func TestOpenRefusesADamagedDatabase(t *testing.T) {
	path := alter(t)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	info, err := f.Stat()
	require.NoError(t, err)
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i * 7)
	}
	_, err = f.WriteAt(junk, info.Size()/2/4096*4096) // one whole page in the middle of the file
	require.NoError(t, err)
	require.NoError(t, f.Close())

	_, err = Open(path, 2)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "damaged")
}

func TestBuildIDIsTheSameForTheSameSeedsAndProgram(t *testing.T) {
	a, err := Open(alter(t), 1)
	require.NoError(t, err)
	defer a.Close()
	b, err := Open(alter(t), 1)
	require.NoError(t, err)
	defer b.Close()
	assert.Equal(t, a.BuildID(), b.BuildID())
	assert.NotEqual(t, buildID("other seeds"), a.BuildID())
}

func TestBuildWritesExactlyThePathGiven(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "a")
	require.NoError(t, os.WriteFile(victim, []byte("keep me"), 0o644))
	for _, name := range []string{"a#b.db", "a?mode=ro.db", "a%20b.db", "spaced name.db"} {
		path := filepath.Join(dir, name)
		require.NoError(t, Build(context.Background(), loadFixture(t), path), name)
		s, err := Open(path, 1)
		require.NoError(t, err, name)
		require.NoError(t, s.Close())
	}
	kept, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(kept))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"a", "a#b.db", "a?mode=ro.db", "a%20b.db", "spaced name.db"}, names)
}

func TestBuildRemovesTheTemporaryFilesOfKilledBuilds(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "graph.db")
	stale := []string{"graph.db.tmp-123456789", "graph.db.tmp-999999999-42", "graph.db.tmp-999999999-42-journal"}
	running := "graph.db.tmp-1-77" // process 1 always runs
	other := "other.db.tmp-999999999-1"
	for _, name := range append(stale, running, other) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), make([]byte, 1024), 0o644))
	}
	require.NoError(t, Build(context.Background(), loadFixture(t), path))
	for _, name := range stale {
		assert.NoFileExists(t, filepath.Join(dir, name))
	}
	assert.FileExists(t, filepath.Join(dir, running))
	assert.FileExists(t, filepath.Join(dir, other))
}
