package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
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

// changeFile builds the test graph into a file and changes its bytes with change.
func changeFile(t *testing.T, change func(f *os.File, size int64)) string {
	t.Helper()
	path := alter(t)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	info, err := f.Stat()
	require.NoError(t, err)
	change(f, info.Size())
	require.NoError(t, f.Close())
	return path
}

func TestOpenRefusesAFileThatIsNotTheOneBuildWrote(t *testing.T) {
	page := make([]byte, 4096)
	cases := []struct {
		name, want string
		path       func(t *testing.T) string
	}{
		{"format in the header", "header has format 3 and this program reads format " + FormatVersion,
			func(t *testing.T) string { return alter(t, "PRAGMA user_version = 3") }},
		{"build ID in the meta table", "the file was changed after it was built",
			func(t *testing.T) string {
				return alter(t, "UPDATE meta SET value = '0123456789abcdef' WHERE key = 'build'")
			}},
		{"page count recorded", "the file was cut, extended or changed",
			func(t *testing.T) string {
				return alter(t, "UPDATE meta SET value = '000000000001' WHERE key = 'pages'")
			}},
		{"a page appended", "the file was cut, extended or changed", func(t *testing.T) string {
			return changeFile(t, func(f *os.File, size int64) { _, err := f.WriteAt(page, size); require.NoError(t, err) })
		}},
		{"the last page cut off", "the file was cut, extended or changed", func(t *testing.T) string {
			return changeFile(t, func(f *os.File, size int64) { require.NoError(t, f.Truncate(size-4096)) })
		}},
		{"not a database", "not a SQLite database", func(t *testing.T) string {
			return changeFile(t, func(f *os.File, _ int64) { _, err := f.WriteAt([]byte("SQLite format 2"), 0); require.NoError(t, err) })
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(c.path(t), 2)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestVerifyFindsADamagedDatabase(t *testing.T) {
	// A byte of a record's JSON (not of a column any index holds): only the file's checksum
	// can tell, and Open, which reads no row, serves the file.
	oneByte := alter(t)
	names := func() string {
		db, err := sql.Open("sqlite", "file:"+oneByte+"?mode=ro")
		require.NoError(t, err)
		defer db.Close()
		var all string
		require.NoError(t, db.QueryRow("SELECT group_concat(data) FROM actors").Scan(&all))
		return all
	}
	before := names()
	b, err := os.ReadFile(oneByte)
	require.NoError(t, err)
	// The first copy of a name in the file may be a leftover in a page's free space: change
	// one byte after another until a record read through SQLite changes.
	for from, changed := 0, false; !changed; {
		at := bytes.Index(b[from:], []byte(`"Name":"`))
		require.GreaterOrEqual(t, at, 0, "a live record's name was found in the file")
		at += from + len(`"Name":"`)
		b[at] ^= 0x20
		require.NoError(t, os.WriteFile(oneByte, b, 0o644))
		if changed = names() != before; !changed {
			b[at] ^= 0x20
			from = at
		}
	}
	// One whole page in the middle of the file overwritten.
	junk := changeFile(t, func(f *os.File, size int64) {
		page := make([]byte, 4096)
		for i := range page {
			page[i] = byte(i * 7)
		}
		_, err := f.WriteAt(page, size/2/4096*4096)
		require.NoError(t, err)
	})
	for name, c := range map[string]struct{ path, want string }{
		"one byte of a record": {oneByte, "the file's checksum"},
		"a page of junk":       {junk, "damaged"},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := Open(c.path, 2)
			require.NoError(t, err, "Open reads no page the change touched")
			defer s.Close()
			err = s.Verify(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), "damaged")
			assert.Contains(t, err.Error(), c.want)
		})
	}
	s, err := Open(alter(t), 2)
	require.NoError(t, err)
	defer s.Close()
	assert.NoError(t, s.Verify(context.Background()), "a file as build wrote it passes")
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

func TestProgramIDReadsTheGoBuildID(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	note := goBuildIDNote(exe)
	if runtime.GOOS != "linux" {
		t.Skip("the Go build ID note is read from ELF executables")
	}
	require.NotEmpty(t, note, "the test binary carries the Go build ID note")
	assert.Len(t, ProgramID(), 16)
	assert.Nil(t, goBuildIDNote(filepath.Join(t.TempDir(), "missing")))
}
