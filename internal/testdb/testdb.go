// Package testdb gives the tests of several packages one database of the project's seeds,
// built by sqlite.Build once for the code and seeds as they are on disk and shared between
// test binaries: building it takes seconds of CPU, and four packages serve it.
//
// The database lives in the system's temporary directory under a key that hashes the Go
// version, every non-test Go file of the module, its SQL files, go.mod, go.sum and every file
// of seeds/. Any change to any of them gives a new key, and so a new build by the changed
// code: a test never serves a database that other code wrote. A file lock makes test
// binaries that start together build it once; databases of other keys left for an hour are
// removed.
package testdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// dirName is the directory of the shared databases inside os.TempDir().
const dirName = "treatygraph-test-seeds"

// staleAfter is how long a database of another key is left before it is removed.
const staleAfter = time.Hour

var seeds = sync.OnceValues(func() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return shared(root, filepath.Join(os.TempDir(), dirName))
})

// Seeds returns the path of the shared database of the project's seeds, building it when no
// test binary has built it for the code and seeds on disk. It is for reading only: open it
// with sqlite.Open, and copy it before changing a byte.
func Seeds(t testing.TB) string {
	t.Helper()
	path, err := seeds()
	if err != nil {
		t.Fatalf("the shared database of the seeds: %v", err)
	}
	return path
}

// shared returns the database for the module at root inside dir, building it under a lock
// when it is not there yet.
func shared(root, dir string) (string, error) {
	key, err := Key(root)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, key+".db")
	unlock, err := lock(path + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(path); err == nil {
		now := time.Now()
		_ = os.Chtimes(path, now, now) // in use: not stale for others
		return path, nil
	}
	g, err := seed.Load(os.DirFS(filepath.Join(root, "seeds")), "seeds")
	if err != nil {
		return "", fmt.Errorf("load the seeds: %w", err)
	}
	if err := sqlite.Build(context.Background(), g, path); err != nil {
		return "", err
	}
	removeStale(dir, path)
	return path, nil
}

// removeStale removes the databases (and their lock files) in dir other than keep that were
// last used more than staleAfter ago.
func removeStale(dir, keep string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !strings.HasSuffix(p, ".db") || p == keep {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			_ = os.Remove(p)
			_ = os.Remove(p + ".lock")
		}
	}
}

// moduleRoot is the nearest directory at or above the working directory that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// Key hashes what a build of the seeds depends on, for the module at root: the Go version,
// go.mod, go.sum, every non-test .go and .sql file, and every file under seeds/, each with
// its path.
func Key(root string) (string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		if counts(rel) {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash the module: %w", err)
	}
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", runtime.Version())
	for _, rel := range files {
		f, err := os.Open(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return "", fmt.Errorf("hash the module: %w", err)
		}
		fmt.Fprintf(h, "%s\x00", rel)
		n, err := io.Copy(h, f)
		_ = f.Close()
		if err != nil {
			return "", fmt.Errorf("hash the module: %w", err)
		}
		fmt.Fprintf(h, "\x00%d\x00", n)
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// counts says whether the file at rel (slash-separated, from the module root) is one a build
// of the seeds may depend on.
func counts(rel string) bool {
	switch {
	case rel == "go.mod" || rel == "go.sum":
		return true
	case strings.HasPrefix(rel, "seeds/"):
		return true
	case strings.HasSuffix(rel, "_test.go"):
		return false
	default:
		return strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, ".sql")
	}
}
