package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"

	"github.com/treatygraph/treatygraph/internal/testgate"
)

// The documents whose queries and answers are executed by TestDocumentedQueries.
var executedDocs = []string{"README.md", "examples/README.md"}

// fence is a fenced code block of a Markdown document.
type fence struct {
	file       string
	line, end  int // of the opening and the closing fence, from 1
	lang, body string
}

func (f fence) String() string { return fmt.Sprintf("%s:%d (```%s)", f.file, f.line, f.lang) }

var (
	fenceOpen  = regexp.MustCompile("^( *)(```+)([A-Za-z0-9_-]*)\\s*$")
	fenceClose = regexp.MustCompile("^ *(```+)\\s*$")
)

// fences lists the fenced blocks of a Markdown file, indented ones (in a list item) too, with
// their indentation removed.
func fences(t *testing.T, file string) []fence {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	var out []fence
	for i := 0; i < len(lines); i++ {
		m := fenceOpen.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		indent, ticks := len(m[1]), m[2]
		f := fence{file: file, line: i + 1, lang: m[3]}
		var body []string
		for i++; i < len(lines); i++ {
			if c := fenceClose.FindStringSubmatch(lines[i]); c != nil && c[1] == ticks {
				break
			}
			line := lines[i]
			lead := len(line) - len(strings.TrimLeft(line, " "))
			body = append(body, line[min(indent, lead):])
		}
		require.Less(t, i, len(lines), "%s:%d: a fence that is never closed", file, f.line)
		f.end, f.body = i+1, strings.Join(body, "\n")
		out = append(out, f)
	}
	return out
}

// documentedQuery is a GraphQL block of a document with the answer shown under it, if any.
type documentedQuery struct {
	query  fence
	answer *fence
}

// documentedQueries pairs each ```graphql block with the ```json block that follows it with
// nothing but blank lines between: that block is the answer the document shows.
func documentedQueries(t *testing.T, file string) []documentedQuery {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	blank := func(from, to int) bool { // lines from..to-1, numbered from 1
		for n := from; n < to; n++ {
			if strings.TrimSpace(lines[n-1]) != "" {
				return false
			}
		}
		return true
	}
	all := fences(t, file)
	var out []documentedQuery
	for i, f := range all {
		if f.lang != "graphql" {
			continue
		}
		q := documentedQuery{query: f}
		if i+1 < len(all) && all[i+1].lang == "json" && blank(f.end+1, all[i+1].line) {
			q.answer = &all[i+1]
		}
		out = append(out, q)
	}
	return out
}

// Elided is how a document shortens an answer it shows: as an element of a list, the string
// "..." stands for any number of elements left out there (the elements shown must be in the
// answer in the order shown); as a key of an object, "..." says that the object has other
// fields, not shown (the fields shown must be in the answer). Everything else is compared as
// it is.
const Elided = "..."

// matchShown says where the answer a document shows (decoded JSON) differs from the served
// one, or nil when it matches.
func matchShown(path string, shown, served any) error {
	switch s := shown.(type) {
	case map[string]any:
		v, ok := served.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: shown an object, served %s", path, compactJSON(served))
		}
		_, elided := s[Elided]
		for _, k := range sortedKeys(s) {
			if k == Elided {
				continue
			}
			sv, ok := v[k]
			if !ok {
				return fmt.Errorf("%s: shown field %q is not served", path, k)
			}
			if err := matchShown(path+"."+k, s[k], sv); err != nil {
				return err
			}
		}
		if !elided {
			for _, k := range sortedKeys(v) {
				if _, ok := s[k]; !ok {
					return fmt.Errorf("%s: served field %q is not shown (mark an object shortened with %q)", path, k, Elided)
				}
			}
		}
		return nil
	case []any:
		v, ok := served.([]any)
		if !ok {
			return fmt.Errorf("%s: shown a list, served %s", path, compactJSON(served))
		}
		if !slices.Contains(s, any(Elided)) {
			if len(s) != len(v) {
				return fmt.Errorf("%s: shown %d elements, served %d (mark a shortened list with %q)", path, len(s), len(v), Elided)
			}
			for i := range s {
				if err := matchShown(fmt.Sprintf("%s[%d]", path, i), s[i], v[i]); err != nil {
					return err
				}
			}
			return nil
		}
		if !matchList(path, s, v) {
			return fmt.Errorf("%s: the elements shown are not in the served list in this order; served %.600s", path, compactJSON(v))
		}
		return nil
	default:
		if !jsonEqual(shown, served) {
			return fmt.Errorf("%s: shown %s, served %s", path, compactJSON(shown), compactJSON(served))
		}
		return nil
	}
}

// matchList matches a shown list holding Elided markers against a served one.
func matchList(path string, shown, served []any) bool {
	if len(shown) == 0 {
		return len(served) == 0
	}
	if shown[0] == Elided {
		for skip := 0; skip <= len(served); skip++ {
			if matchList(path, shown[1:], served[skip:]) {
				return true
			}
		}
		return false
	}
	return len(served) > 0 && matchShown(path, shown[0], served[0]) == nil && matchList(path, shown[1:], served[1:])
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func jsonEqual(a, b any) bool { return compactJSON(a) == compactJSON(b) }

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// decodeJSON decodes a document's JSON block, with numbers kept as they are written.
func decodeJSON(t *testing.T, what string, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v), "%s is not JSON:\n%s", what, b)
	return v
}

// servedGraph is the handler serve runs, over a database of the embedded seeds.
func servedGraph(t *testing.T) http.Handler {
	t.Helper()
	store, err := sqlite.Open(sharedSeedsDB(t), 2)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	return server.New(server.Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// ask posts a query to h as curl does and returns the decoded answer.
func ask(t *testing.T, h http.Handler, body []byte) map[string]any {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	answer, ok := decodeJSON(t, "the answer", rec.Body.Bytes()).(map[string]any)
	require.True(t, ok, "the answer is not an object: %s", rec.Body)
	return answer
}

// gqlTag finds the query of a documented client call, gql`...` in JavaScript.
var gqlTag = regexp.MustCompile("gql`([^`]*)`")

// curlPayload finds the body of a documented `curl ... /graphql ... -d '...'`.
var curlPayload = regexp.MustCompile(`(?s)curl [^\n]*/graphql.*?-d '([^']*)'`)

// TestDocumentation runs what the README and examples/README.md show against the handler
// serve runs over the embedded seeds, and fails where the text no longer matches:
//   - every ```graphql block. A block followed by a ```json block (blank lines between at
//     most) shows its answer: the served answer must match it, compared as JSON, with the
//     shortening rule of Elided; the top-level "extensions" (cost, dataset version) are
//     compared only when shown. A block without an answer must run without errors.
//   - every documented curl request to /graphql, and every query of a documented client
//     (gql`...`), which must answer without errors;
//   - the Python client as examples/README.md runs it, whose output must be the one shown
//     (see checkNotebookOutput), and each Python snippet that shows what it prints (see
//     checkPythonPrints).
func TestDocumentation(t *testing.T) {
	h := servedGraph(t)
	t.Run("queries", func(t *testing.T) { checkDocumentedQueries(t, h) })
	t.Run("notebook", func(t *testing.T) { checkNotebookOutput(t, h) })
	t.Run("python", func(t *testing.T) { checkPythonPrints(t, h) })
}

// shownPrint is a line of a ```python block that prints and shows what it prints in a comment.
var shownPrint = regexp.MustCompile(`^(print\(.*\))\s+#\s*([\['"{0-9].*)$`)

// checkPythonPrints runs each ```python block of the documents that shows what a print prints
// (print(...)  # ['Serbia', ...]), up to its last such line, against h (the documents'
// http://localhost:8080 replaced by h's address), and compares each printed line with the
// comment. A block whose modules (networkx, say) this Python cannot import is skipped, with
// a note; CI's Python has them (.ci/notebook-test.sh installs them, and .ci/run runs this
// after it). It runs with TREATYGRAPH_SLOW set.
func checkPythonPrints(t *testing.T, h http.Handler) {
	testgate.Slow(t, "reads the whole graph export into networkx")
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, file := range executedDocs {
		for _, f := range fences(t, file) {
			if f.lang != "python" {
				continue
			}
			lines := strings.Split(f.body, "\n")
			var want []string
			last := -1
			for i, l := range lines {
				if m := shownPrint.FindStringSubmatch(l); m != nil {
					want, last = append(want, strings.TrimSpace(m[2])), i
				}
			}
			if last < 0 {
				continue
			}
			t.Run(fmt.Sprintf("%s:%d", file, f.line), func(t *testing.T) {
				program := strings.ReplaceAll(strings.Join(lines[:last+1], "\n"), "http://localhost:8080", srv.URL)
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, python, "-c", program)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil && strings.Contains(stderr.String(), "ModuleNotFoundError") {
					t.Skipf("%s: this Python lacks a module it imports: %s", f, strings.TrimSpace(stderr.String()))
				}
				require.NoError(t, err, "%s: %s", f, stderr.String())
				printed := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
				assert.Equal(t, want, printed, "%s does not show what it prints", f)
			})
		}
	}
}

func checkDocumentedQueries(t *testing.T, h http.Handler) {
	var queries, answers int
	for _, file := range executedDocs {
		for _, dq := range documentedQueries(t, file) {
			queries++
			if dq.answer != nil {
				answers++
			}
			t.Run(fmt.Sprintf("%s:%d", file, dq.query.line), func(t *testing.T) {
				body, err := json.Marshal(map[string]string{"query": dq.query.body})
				require.NoError(t, err)
				served := ask(t, h, body)
				if dq.answer == nil {
					assert.Nil(t, served["errors"], "%s answers with errors: %s", dq.query, compactJSON(served))
					assert.NotNil(t, served["data"], "%s answers no data: %s", dq.query, compactJSON(served))
					return
				}
				shown, ok := decodeJSON(t, dq.answer.String(), []byte(dq.answer.body)).(map[string]any)
				require.True(t, ok, "%s: an answer is an object", dq.answer)
				if _, ok := shown["extensions"]; !ok {
					delete(served, "extensions")
				}
				if err := matchShown("answer", shown, served); err != nil {
					t.Errorf("%s does not show what %s answers: %v\nserved: %.3000s", dq.answer, dq.query, err, compactJSON(served))
				}
			})
		}
		for _, f := range fences(t, file) {
			for _, m := range gqlTag.FindAllStringSubmatch(f.body, -1) {
				queries++
				t.Run(fmt.Sprintf("%s:%d gql", file, f.line), func(t *testing.T) {
					body, err := json.Marshal(map[string]string{"query": m[1]})
					require.NoError(t, err)
					served := ask(t, h, body)
					assert.Nil(t, served["errors"], "%s: %s answers with errors: %s", f, m[1], compactJSON(served))
					assert.NotNil(t, served["data"], "%s: %s answers no data: %s", f, m[1], compactJSON(served))
				})
			}
			for _, m := range curlPayload.FindAllStringSubmatch(f.body, -1) {
				queries++
				t.Run(fmt.Sprintf("%s:%d curl", file, f.line), func(t *testing.T) {
					served := ask(t, h, []byte(m[1]))
					assert.Nil(t, served["errors"], "%s answers with errors: %s", f, compactJSON(served))
					assert.NotNil(t, served["data"], "%s answers no data: %s", f, compactJSON(served))
				})
			}
		}
	}
	require.NotZero(t, queries, "no documented queries found")
	require.NotZero(t, answers, "no documented answers found")
	t.Logf("%d documented queries run, %d shown answers compared", queries, answers)
}

// clientRun is a command of examples/README.md that runs a Python example with no arguments.
var clientRun = regexp.MustCompile(`^python3 (examples/[\w-]+\.py)\s*(#.*)?$`)

// checkNotebookOutput runs the Python client as examples/README.md shows it (a line of a
// ```sh block that runs it with no arguments; the server's URL in TREATYGRAPH_URL, in an
// empty directory) against h, and compares what it prints with the output shown in the bare
// ``` block that follows, line by line: a line "..." stands for any number of lines left out
// there; the others must be printed as shown, in that order (trailing spaces aside).
func checkNotebookOutput(t *testing.T, h http.Handler) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 to run the Python client")
	}
	const doc = "examples/README.md"
	all := fences(t, doc)
	var shown *fence
	var script string
	for i, f := range all[:len(all)-1] {
		if f.lang != "sh" || all[i+1].lang != "" {
			continue
		}
		for _, l := range strings.Split(f.body, "\n") {
			if m := clientRun.FindStringSubmatch(strings.TrimSpace(l)); m != nil && shown == nil {
				shown, script = &all[i+1], m[1]
			}
		}
	}
	require.NotNil(t, shown, "%s shows no output of python3 examples/NAME.py (a bare ``` block after the ```sh block that runs it)", doc)
	run := "python3 " + script

	srv := httptest.NewServer(h)
	defer srv.Close()
	root, err := os.Getwd()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join(root, "examples", "treatygraph_client.py"))
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "TREATYGRAPH_URL="+srv.URL+"/graphql")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s: %s", run, stderr.String())
	if err := matchLines(strings.Split(shown.body, "\n"), strings.Split(strings.TrimRight(string(out), "\n"), "\n")); err != nil {
		t.Errorf("%s does not show what %s prints: %v\nprinted:\n%s", shown, run, err, out)
	}
}

// matchLines matches shown lines, where a line "..." stands for any number of lines, against
// printed ones; trailing spaces do not count.
func matchLines(shown, printed []string) error {
	trim := func(ls []string) []string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = strings.TrimRight(l, " ")
		}
		return out
	}
	shown, printed = trim(shown), trim(printed)
	var match func(s, p int) bool
	match = func(s, p int) bool {
		switch {
		case s == len(shown):
			return p == len(printed)
		case shown[s] == Elided:
			for q := p; q <= len(printed); q++ {
				if match(s+1, q) {
					return true
				}
			}
			return false
		default:
			return p < len(printed) && shown[s] == printed[p] && match(s+1, p+1)
		}
	}
	if match(0, 0) {
		return nil
	}
	for _, l := range shown {
		if l != Elided && !slices.Contains(printed, l) {
			return fmt.Errorf("this line is not printed: %q", l)
		}
	}
	return fmt.Errorf("the lines shown are printed, but not in this order or with other lines between them")
}

// TestShownAnswerMatching checks the comparison itself: a shown answer that differs from the
// served one in a value, a missing or extra field or element, or the order of elements, is
// caught, and Elided shortens only where it is written.
func TestShownAnswerMatching(t *testing.T) {
	served := decodeJSON(t, "served", []byte(`{"data":{"xs":[{"n":"a","k":1},{"n":"b","k":2},{"n":"c","k":3}]}}`))
	for shown, want := range map[string]bool{
		`{"data":{"xs":[{"n":"a","k":1},{"n":"b","k":2},{"n":"c","k":3}]}}`:       true,
		`{"data":{"xs":[{"n":"a","k":1},"...",{"n":"c","k":3}]}}`:                 true,
		`{"data":{"xs":[{"n":"a","k":1},"..."]}}`:                                 true,
		`{"data":{"xs":["...",{"n":"b","k":2},"..."]}}`:                           true,
		`{"data":{"xs":[{"n":"a","...":"..."},"..."]}}`:                           true,
		`{"data":{"xs":["..."]}}`:                                                 true,
		`{"data":{"xs":[{"n":"a","k":1},{"n":"b","k":2}]}}`:                       false, // an element missing
		`{"data":{"xs":[{"n":"a","k":1},{"n":"c","k":3},"..."]}}`:                 false, // not the next element
		`{"data":{"xs":["...",{"n":"c","k":3},{"n":"b","k":2}]}}`:                 false, // out of order
		`{"data":{"xs":[{"n":"a"},"..."]}}`:                                       false, // a field missing
		`{"data":{"xs":[{"n":"a","k":1,"z":0},"..."]}}`:                           false, // a field not served
		`{"data":{"xs":[{"n":"a","k":"1"},"..."]}}`:                               false, // another type
		`{"data":{"xs":[{"n":"a","k":1},{"n":"b","k":2},{"n":"c","k":3},"x"]}}`:   false,
		`{"data":{"xs":[{"n":"a","k":1},{"n":"b","k":2},{"n":"c","k":3}]},"e":1}`: false,
	} {
		err := matchShown("answer", decodeJSON(t, "shown", []byte(shown)), served)
		assert.Equal(t, want, err == nil, "%s: %v", shown, err)
	}

	assert.NoError(t, matchLines([]string{"a", "...", "d"}, []string{"a", "b", "c", "d"}))
	assert.NoError(t, matchLines([]string{"a  ", "b"}, []string{"a", "b  "}))
	assert.Error(t, matchLines([]string{"a", "d"}, []string{"a", "b", "d"}), "a line left out without ...")
	assert.Error(t, matchLines([]string{"a", "...", "x"}, []string{"a", "b"}), "a line not printed")
	assert.Error(t, matchLines([]string{"b", "...", "a"}, []string{"a", "b"}), "out of order")
	assert.Error(t, matchLines([]string{"a"}, []string{"a", "b"}), "a line printed after the last shown")

	dir := t.TempDir()
	doc := filepath.Join(dir, "doc.md")
	require.NoError(t, os.WriteFile(doc, []byte("text\n\n1. item:\n\n   ```graphql\n   { a }\n   ```\n\n   ```json\n   {\"data\":{\"a\":1}}\n   ```\n\n```graphql\n{ b }\n```\nprose\n```json\n{}\n```\n"), 0o644))
	qs := documentedQueries(t, doc)
	require.Len(t, qs, 2)
	assert.Equal(t, "{ a }", qs[0].query.body)
	require.NotNil(t, qs[0].answer, "a JSON block after blank lines is the answer")
	assert.Equal(t, `{"data":{"a":1}}`, qs[0].answer.body)
	assert.Nil(t, qs[1].answer, "a JSON block after prose is not the answer")
}

// npmInstall is a documented `npm install` command, as inline code or a line of its own;
// ciPackages is the list of packages .ci/run installs.
var (
	npmInstall = regexp.MustCompile("(?m)`npm install([^`]*)`|^npm install(.*)$")
	ciPackages = regexp.MustCompile(`(?s)\nnpm_packages=\(([^)]*)\)`)
)

// TestInstallLinesAreCIs checks that every package of every `npm install` line of the README
// is installed by .ci/run, pinned alike (the same name@version as written there), so that
// CI runs the client set-ups with the very packages a reader installs.
func TestInstallLinesAreCIs(t *testing.T) {
	ci, err := os.ReadFile(".ci/run")
	require.NoError(t, err)
	m := ciPackages.FindSubmatch(ci)
	require.NotNil(t, m, ".ci/run has no npm_packages=(...) list")
	installed := strings.Fields(string(m[1]))
	require.NotEmpty(t, installed)

	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	lines := npmInstall.FindAllSubmatch(readme, -1)
	require.NotEmpty(t, lines, "the README shows no npm install line")
	for _, line := range lines {
		args := string(line[1]) + string(line[2])
		for _, pkg := range strings.Fields(args) {
			if strings.HasPrefix(pkg, "-") {
				continue
			}
			_, version, _ := strings.Cut(strings.TrimPrefix(pkg, "@"), "@")
			assert.NotEmpty(t, version, "npm install%s: %s is not pinned", args, pkg)
			assert.Contains(t, installed, pkg, "npm install%s: .ci/run does not install %s (it installs %s)", args, pkg, strings.Join(installed, " "))
		}
	}
}

// TestCodegenConfigIsCIs checks that the GraphQL Code Generator set-up the README shows
// (codegen.ts, from its plugins to the end of its config) is the one .ci/codegen-check.mjs
// runs, line for line, indentation aside: CI types the examples as a reader would.
func TestCodegenConfigIsCIs(t *testing.T) {
	var shown []string
	for _, f := range fences(t, "README.md") {
		if f.lang != "ts" || !strings.Contains(f.body, "CodegenConfig") {
			continue
		}
		// From "plugins:" to the line that closes "config: {".
		in, depth := false, 0
		for _, l := range strings.Split(f.body, "\n") {
			l = strings.TrimSpace(l)
			in = in || strings.HasPrefix(l, "plugins:")
			if !in {
				continue
			}
			shown = append(shown, l)
			depth += strings.Count(l, "{") - strings.Count(l, "}")
			if strings.HasPrefix(l, "}") && depth == 0 {
				break
			}
		}
	}
	require.NotEmpty(t, shown, "the README shows no codegen.ts with plugins and config")
	ci, err := os.ReadFile(".ci/codegen-check.mjs")
	require.NoError(t, err)
	var lines []string
	for _, l := range strings.Split(string(ci), "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	found := false
	for i := range lines {
		found = found || slices.Equal(lines[i:min(i+len(shown), len(lines))], shown)
	}
	assert.True(t, found, ".ci/codegen-check.mjs does not run the README's codegen set-up:\n%s", strings.Join(shown, "\n"))
}
