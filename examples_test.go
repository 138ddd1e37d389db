package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestExamplesAreNamedOperations checks that every shipped query (the examples and the
// GraphiQL tabs) is a named operation, and that no two share a name: code generators such
// as graphql-codegen read them together and refuse anonymous or repeated operations, and
// Apollo and Relay tooling name types after them.
func TestExamplesAreNamedOperations(t *testing.T) {
	var files []string
	for _, pattern := range []string{"examples/queries/*.graphql", "internal/server/graphiql/examples/*.graphql"} {
		found, err := filepath.Glob(pattern)
		require.NoError(t, err)
		require.NotEmpty(t, found, pattern)
		files = append(files, found...)
	}
	seen := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		doc, err := parser.ParseQuery(&ast.Source{Name: f, Input: string(b)})
		require.NoError(t, err, f)
		require.NotEmpty(t, doc.Operations, f)
		for _, op := range doc.Operations {
			if !assert.NotEmpty(t, op.Name, "%s: an anonymous operation", f) {
				continue
			}
			assert.NotContains(t, seen, op.Name, "%s: operation %s is also in %s", f, op.Name, seen[op.Name])
			seen[op.Name] = f
		}
	}
}

// TestQuestionsTableListsEveryExample checks that the README's "Questions in one query" table
// names every example query of examples/queries/, and only those.
func TestQuestionsTableListsEveryExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Questions in one query\n")
	require.True(t, ok, "the README has no section \"Questions in one query\"")
	section, _, _ = strings.Cut(section, "\n## ")
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^\\|.*\\| `([0-9]{2}_[a-z0-9_]+)` \\|$").FindAllStringSubmatch(section, -1) {
		listed = append(listed, m[1])
	}
	files, err := filepath.Glob("examples/queries/*.graphql")
	require.NoError(t, err)
	var examples []string
	for _, f := range files {
		examples = append(examples, strings.TrimSuffix(filepath.Base(f), ".graphql"))
	}
	require.NotEmpty(t, examples)
	assert.Equal(t, examples, listed, "the table lists the examples, in order")
}
