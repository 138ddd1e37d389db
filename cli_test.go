package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestHelpOfEveryCommand checks that `COMMAND -h` of every command succeeds, that its usage
// line names every flag the command has, and that each flag is shown with the name of the
// value it takes rather than a word of its description.
func TestHelpOfEveryCommand(t *testing.T) {
	flagLine := regexp.MustCompile(`(?m)^  -(\S+)(?: (\S+))?$`)
	commands := []string{"serve", "build", "validate", "export", "generate", "version"}
	_, usage, _ := runCLI(t, "help")
	for _, name := range commands {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, name, "-h")
			require.Equal(t, 0, code, stderr)
			assert.Empty(t, stdout)
			head, flags, ok := strings.Cut(stderr, "\nFlags:\n")
			require.True(t, ok, "no flag list in:\n%s", stderr)
			require.Contains(t, head, "usage: treatygraph ")
			found := flagLine.FindAllStringSubmatch(flags, -1)
			require.NotEmpty(t, found, flags)
			for _, f := range found {
				flag, value := f[1], f[2]
				assert.Contains(t, head, "-"+flag, "the usage line of %s does not name -%s", name, flag)
				assert.Contains(t, usage, "-"+flag, "treatygraph help does not name -%s of %s", flag, name)
				if value != "" {
					assert.Regexp(t, `^([A-Z]+|host:port)$`, value, "-%s of %s shows %q as its value", flag, name, value)
				}
			}
			invocation := "treatygraph " + name
			if name == "serve" {
				invocation = "treatygraph [serve]"
			}
			assert.Contains(t, usage, invocation)
		})
	}
}

// TestErrorPrefixOnce checks that a failing command names itself once.
func TestErrorPrefixOnce(t *testing.T) {
	t.Setenv("PORT", "")
	for _, args := range [][]string{
		{"serve", "-addr", "foo"},
		{"serve", "-db", "x.db", "-seeds", "seeds"},
		{"export", "-o", t.TempDir(), "-db", "x.db", "-seeds", "seeds"},
		{"version", "-db", "x.db", "-seeds", "seeds"},
	} {
		code, _, stderr := runCLI(t, args...)
		assert.Equal(t, 1, code, stderr)
		prefix := "treatygraph " + args[0] + ": "
		assert.True(t, strings.HasPrefix(stderr, prefix), "%v: %s", args, stderr)
		assert.NotContains(t, strings.TrimPrefix(stderr, prefix), args[0]+": ", "%v: %s", args, stderr)
	}
}

// TestVersion checks that version reports the Go version and the dataset version that
// validate reports for the same seeds, and that of a database built from them.
func TestVersion(t *testing.T) {
	code, validated, stderr := runCLI(t, "validate")
	require.Equal(t, 0, code, stderr)
	want := regexp.MustCompile(`\(version ([0-9a-f]{16})\)`).FindStringSubmatch(validated)
	require.NotNil(t, want, validated)

	code, stdout, stderr := runCLI(t, "version")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^treatygraph \S+$`, stdout)
	assert.Regexp(t, `(?m)^go       go1\.`, stdout)
	assert.Regexp(t, `(?m)^commit   `, stdout)
	assert.Contains(t, stdout, "dataset  "+want[1]+" (the embedded seeds)")

	db := filepath.Join(t.TempDir(), "g.db")
	code, _, stderr = runCLI(t, "build", "-o", db)
	require.Equal(t, 0, code, stderr)
	code, stdout, stderr = runCLI(t, "version", "-db", db)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "dataset  "+want[1]+" ("+db+")")
}

// TestGenerateVersionIsValidateVersion checks that generate reports the dataset version that
// validate and serve report for the files it wrote.
func TestGenerateVersionIsValidateVersion(t *testing.T) {
	dir := t.TempDir()
	version := regexp.MustCompile(`\(version ([^)]+)\)`)
	code, generated, stderr := runCLI(t, "generate", "-scale", "2", "-o", dir)
	require.Equal(t, 0, code, stderr)
	code, validated, stderr := runCLI(t, "validate", "-seeds", dir)
	require.Equal(t, 0, code, stderr)
	g, v := version.FindStringSubmatch(generated), version.FindStringSubmatch(validated)
	require.NotNil(t, g, generated)
	require.NotNil(t, v, validated)
	assert.Equal(t, v[1], g[1])
}

// TestServeLimitFlagsRefuseNonPositive makes a limit below 1 a usage error naming its flag,
// before anything is built or served.
func TestServeLimitFlagsRefuseNonPositive(t *testing.T) {
	t.Setenv("PORT", "")
	for _, args := range [][]string{
		{"serve", "-max-depth", "0"},
		{"serve", "-max-cost", "-5"},
		{"serve", "-max-first", "0"},
		{"serve", "-max-body-bytes", "0"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, stderr)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "invalid value "+args[2]+" for flag "+args[1]+": want at least 1", args)
		assert.Contains(t, stderr, "usage: treatygraph [serve]", args)
	}
}
