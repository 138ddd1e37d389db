package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeRefusesAtOnceAFileBuildDidNotWrite: serve -db opens a database by reading its
// header and meta rows only, and refuses one cut or extended after it was built before it
// listens; check reads the whole file and finds a byte changed inside a record.
func TestServeRefusesAtOnceAFileBuildDidNotWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "graph.db")
	// The small valid seed set of the seed package's tests: the rule is the same for any size.
	code, _, stderr := runCLI(t, "build", "-o", path, "-seeds", filepath.Join("internal", "seed", "testdata", "valid"))
	require.Equal(t, 0, code, stderr)

	code, stdout, stderr := runCLI(t, "check", "-db", path)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "ok: "+path+" is the database build wrote")

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	extended := filepath.Join(dir, "extended.db")
	require.NoError(t, os.WriteFile(extended, append(bytes.Clone(b), make([]byte, 4096)...), 0o644))
	code, _, stderr = runCLI(t, "serve", "-db", extended, "-addr", "127.0.0.1:0")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "the file was cut, extended or changed after it was built")
	code, _, stderr = runCLI(t, "check", "-db", extended)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "the file was cut, extended or changed after it was built")

	// The last copy of a name in the file: pages are filled from the end of the page, so
	// it is the live record, not a leftover in free space.
	at := bytes.LastIndex(b, []byte(`"Name":"`)) + len(`"Name":"`)
	require.Greater(t, at, len(`"Name":"`))
	b[at] ^= 0x20
	changed := filepath.Join(dir, "changed.db")
	require.NoError(t, os.WriteFile(changed, b, 0o644))
	code, _, stderr = runCLI(t, "check", "-db", changed)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "damaged")
	// serve -check-db refuses it before it listens (were it to listen, it would stop when
	// the context ends and answer 0).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	assert.Equal(t, 1, run(ctx, []string{"serve", "-db", changed, "-check-db", "-addr", "127.0.0.1:0"}, &out, &errOut))
	assert.Contains(t, errOut.String(), "damaged")
}
