package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// commands are the subcommands run dispatches to.
var commands = []string{"serve", "build", "validate", "export", "generate", "check", "version"}

// TestHelpListsTheCommands checks that treatygraph -h (and help, -help, --help) prints a
// short text that lists every command on one line and says how to get a command's flags,
// and that every command it lists has its own -h.
func TestHelpListsTheCommands(t *testing.T) {
	_, usage, _ := runCLI(t, "help")
	for _, args := range [][]string{{"-h"}, {"-help"}, {"--help"}, {"help"}} {
		code, stdout, stderr := runCLI(t, args...)
		require.Equal(t, 0, code, "%v: %s", args, stderr)
		assert.Empty(t, stderr, args)
		assert.Equal(t, usage, stdout, args)
	}
	lines := strings.Split(strings.TrimSpace(usage), "\n")
	assert.Less(t, len(lines), 25, "the help is a page of commands, not of flags:\n%s", usage)
	assert.Contains(t, usage, `"treatygraph COMMAND -h"`)
	listed := regexp.MustCompile(`(?m)^  ([a-z]+) {2,}\S.*$`).FindAllStringSubmatch(usage, -1)
	var names []string
	for _, l := range listed {
		names = append(names, l[1])
		assert.LessOrEqual(t, len(l[0]), 100, "one short line per command: %q", l[0])
	}
	assert.Equal(t, append(append([]string{}, commands...), "help"), names, "every command once, in order")
	for _, name := range commands {
		code, _, stderr := runCLI(t, name, "-h")
		assert.Equal(t, 0, code, "%s -h: %s", name, stderr)
		assert.Contains(t, stderr, "\nFlags:\n", "%s -h lists its flags", name)
	}
}

// TestHelpOfEveryCommand checks that `COMMAND -h` of every command succeeds, that its usage
// line names every flag the command has, and that each flag is shown with the name of the
// value it takes rather than a word of its description.
func TestHelpOfEveryCommand(t *testing.T) {
	flagLine := regexp.MustCompile(`(?m)^  -(\S+)(?: (.+))?$`)
	for _, name := range commands {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, name, "-h")
			require.Equal(t, 0, code, stderr)
			assert.Empty(t, stdout)
			head, flags, ok := strings.Cut(stderr, "\nFlags:\n")
			require.True(t, ok, "no flag list in:\n%s", stderr)
			invocation := "usage: treatygraph " + name
			if name == "serve" {
				invocation = "usage: treatygraph [serve]"
			}
			require.Contains(t, head, invocation)
			found := flagLine.FindAllStringSubmatch(flags, -1)
			require.NotEmpty(t, found, flags)
			for _, f := range found {
				flag, value := f[1], f[2]
				assert.Contains(t, head, "-"+flag, "the usage line of %s does not name -%s", name, flag)
				if value != "" {
					assert.Regexp(t, `^([A-Z]+|host:port)$`, value, "-%s of %s shows %q as its value", flag, name, value)
				}
			}
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
// validate reports for the same seeds, and that of a database built from them. The database
// is built from a small seed set (the curated seeds, written by generate) rather than the
// embedded ones: the version it carries is its seeds', whichever they are.
func TestVersion(t *testing.T) {
	version := regexp.MustCompile(`\(version ([0-9a-f]{16})\)`)
	code, validated, stderr := runCLI(t, "validate")
	require.Equal(t, 0, code, stderr)
	want := version.FindStringSubmatch(validated)
	require.NotNil(t, want, validated)

	code, stdout, stderr := runCLI(t, "version")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^treatygraph \S+$`, stdout)
	assert.Regexp(t, `(?m)^go       go1\.`, stdout)
	assert.Regexp(t, `(?m)^commit   `, stdout)
	assert.Contains(t, stdout, "dataset  "+want[1]+" (the embedded seeds)")

	seeds := filepath.Join(t.TempDir(), "seeds")
	code, _, stderr = runCLI(t, "generate", "-curated", "-scale", "1", "-o", seeds)
	require.Equal(t, 0, code, stderr)
	code, validated, stderr = runCLI(t, "validate", "-seeds", seeds)
	require.Equal(t, 0, code, stderr)
	small := version.FindStringSubmatch(validated)
	require.NotNil(t, small, validated)
	require.NotEqual(t, want[1], small[1], "the small seed set is another dataset")

	db := filepath.Join(t.TempDir(), "g.db")
	code, _, stderr = runCLI(t, "build", "-seeds", seeds, "-o", db)
	require.Equal(t, 0, code, stderr)
	code, stdout, stderr = runCLI(t, "version", "-db", db)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "dataset  "+small[1]+" ("+db+")")
}

// TestGenerateVersionIsValidateVersion checks that generate reports the dataset version that
// validate and serve report for the files it wrote. The curated seeds alone, scaled twice,
// go through the same writing and reading back as the whole dataset, in a hundredth of the
// time.
func TestGenerateVersionIsValidateVersion(t *testing.T) {
	dir := t.TempDir()
	version := regexp.MustCompile(`\(version ([^)]+)\)`)
	code, generated, stderr := runCLI(t, "generate", "-curated", "-scale", "2", "-o", dir)
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

// TestServeChecksTheAddressFirst checks that a port that cannot be listened on, from -addr
// or PORT, is refused before the database is built.
func TestServeChecksTheAddressFirst(t *testing.T) {
	for _, tc := range []struct{ addr, port, want string }{
		{":99999", "", `-addr ":99999": the port must be a number from 0 to 65535`},
		{"localhost:-1", "", `-addr "localhost:-1": the port must be`},
		{"localhost:no-such-service", "", `-addr "localhost:no-such-service": the port must be`},
		{"localhost:8080", "70000", `PORT "70000": the port must be`},
	} {
		t.Setenv("PORT", tc.port)
		start := time.Now()
		code, stdout, stderr := runCLI(t, "serve", "-addr", tc.addr)
		assert.Equal(t, 1, code, "%v: %s", tc, stderr)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, tc.want)
		assert.NotContains(t, stderr, "built database", "%v: refused only after building", tc)
		assert.Less(t, time.Since(start), 2*time.Second, "%v: refused only after some work", tc)
	}
}

// TestValidatePrintsEachNoticeOnce checks that validate prints no notice twice, and counts
// the notices it prints.
func TestValidatePrintsEachNoticeOnce(t *testing.T) {
	code, stdout, stderr := runCLI(t, "validate")
	require.Equal(t, 0, code, stderr)
	seen := map[string]bool{}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.HasPrefix(line, "notice: ") {
			continue
		}
		assert.False(t, seen[line], "printed twice: %s", line)
		seen[line] = true
		n++
	}
	require.NotZero(t, n, "the seeds have notices (the dataset's odd records)")
	assert.Contains(t, stdout, fmt.Sprintf(" %d notices ", n))
}

// TestGenerateWritesWhatBuildReads checks that generate keeps every file under
// -max-seed-bytes, writing a large kind in parts, that build and validate read the result
// with the same limit, and that the files of an earlier, unsplit run into the same
// directory are replaced, not read beside the new ones.
func TestGenerateWritesWhatBuildReads(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "generate", "-curated", "-scale", "3", "-o", dir)
	require.Equal(t, 0, code, stderr)
	require.FileExists(t, filepath.Join(dir, "memberships.yaml"))
	code, whole, stderr := runCLI(t, "validate", "-seeds", dir)
	require.Equal(t, 0, code, stderr)

	const limit = 100_000
	code, generated, stderr := runCLI(t, "generate", "-curated", "-scale", "3", "-max-seed-bytes", fmt.Sprint(limit), "-o", dir)
	require.Equal(t, 0, code, stderr)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var parts []string
	for _, e := range entries {
		info, err := e.Info()
		require.NoError(t, err)
		assert.LessOrEqual(t, info.Size(), int64(limit), e.Name())
		if strings.HasPrefix(e.Name(), "memberships") {
			parts = append(parts, e.Name())
		}
	}
	require.Greater(t, len(parts), 1, "the memberships are larger than the limit and come in parts")
	assert.NotContains(t, parts, "memberships.yaml", "the unsplit file of the earlier run is gone")

	code, validated, stderr := runCLI(t, "validate", "-max-seed-bytes", fmt.Sprint(limit), "-seeds", dir)
	require.Equal(t, 0, code, stderr)
	version := regexp.MustCompile(`\(version ([^)]+)\)`)
	g, v := version.FindStringSubmatch(generated), version.FindStringSubmatch(validated)
	require.NotNil(t, g, generated)
	require.NotNil(t, v, validated)
	assert.Equal(t, v[1], g[1])
	counts := func(s string) string { c, _, _ := strings.Cut(s, " (version"); return c }
	assert.Equal(t, counts(whole), counts(validated), "the parts hold every record once")
	code, _, stderr = runCLI(t, "build", "-max-seed-bytes", fmt.Sprint(limit), "-seeds", dir, "-o", filepath.Join(t.TempDir(), "g.db"))
	require.Equal(t, 0, code, stderr)
}

// TestServeRefusesACacheAgeBelowASecond makes a -cache-max-age the server would silently
// replace a usage error naming the flag.
func TestServeRefusesACacheAgeBelowASecond(t *testing.T) {
	t.Setenv("PORT", "")
	for _, v := range []string{"0", "-5m", "500ms"} {
		code, stdout, stderr := runCLI(t, "serve", "-cache-max-age", v)
		assert.Equal(t, 2, code, "%s: %s", v, stderr)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "for flag -cache-max-age: want at least 1s", v)
		assert.NotContains(t, stderr, "built database", v)
	}
}

// TestOutputPathsAreCheckedFirst checks that build, export and generate refuse an output
// they could not write before they read or build anything.
func TestOutputPathsAreCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"build", "-o", dir}, "-o " + dir + " is a directory"},
		{[]string{"build", "-o", filepath.Join(dir, "missing", "g.db")}, "no directory " + filepath.Join(dir, "missing")},
		{[]string{"export", "-o", file}, "-o " + file + " is not a directory"},
		{[]string{"generate", "-scale", "2", "-o", file}, "-o " + file + " is not a directory"},
	} {
		start := time.Now()
		code, stdout, stderr := runCLI(t, tc.args...)
		assert.Equal(t, 1, code, "%v: %s", tc.args, stderr)
		assert.Empty(t, stdout, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
		assert.Less(t, time.Since(start), time.Second, "%v: refused only after some work", tc.args)
	}
}
