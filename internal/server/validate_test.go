package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/treatygraph/treatygraph/graph"
	"github.com/treatygraph/treatygraph/internal/kg"
)

// invalidDocuments break one validation rule each (and parse).
var invalidDocuments = []string{
	`{ nope }`,
	`{ state(slug: 1) { name } }`,
	`{ states }`,
	`{ state(slug: "armenia") { name { x } } }`,
	`query ($x: Int) { states { totalCount } }`,
	`{ states { nodes { ...f } } } fragment f on State { ...f }`,
	`query a { states { totalCount } } query a { states { totalCount } }`,
	`{ states(first: {a: 1}) { totalCount } }`,
	`{ state(slug: "armenia") { ... on Organization { acronym } } }`,
	`{ a: state(slug: "armenia") { name } a: organization(slug: "csto") { name } }`,
	`{ state(slug: "armenia") @skip { name } }`,
	`query ($s: String) { state(slug: $s, iso2: $undefined) { name } }`,
	`{ states { nodes { ...missing } } }`,
	`{ state(slug: "armenia") { name(lang: 5) } }`,
}

// Documents validated before execution (documentLimits) are judged as the executor judges
// them: a document is kept as valid only when gqlgen's own validation, with the rules it is
// given, finds nothing; every invalid one still gets the executor's validation errors.
func TestDocumentsAreValidatedAsTheExecutorWould(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	files, err := filepath.Glob("../../examples/queries/*.graphql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var valid []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		valid = append(valid, string(b))
	}
	ours := sameRulesAsExecutor()
	check := func(q string, wantValid bool) {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		require.NoError(t, err, q)
		executor := validator.ValidateWithRules(schema, doc, validationRules())
		here := validator.ValidateWithSources(schema, doc, ours...)
		assert.Equal(t, wantValid, len(executor) == 0, "gqlgen's rules on %.80s: %v", q, executor)
		assert.Equal(t, len(executor), len(here), "%.80s", q)
	}
	for _, q := range valid {
		check(q, true)
	}
	for _, q := range invalidDocuments {
		check(q, false)
	}

	k := newKit(t, Config{})
	for range 2 { // the second time, a valid document would come from the query cache
		for _, q := range invalidDocuments {
			a := k.query(q, nil)
			require.NotEmpty(t, a.Errors, "%.80s: %s", q, a.Raw)
			assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", a.Errors[0].Extensions["code"], "%.80s: %s", q, a.Raw)
			assert.Nil(t, a.Data, "%.80s", q)
		}
	}
}

// The cost walk reads no arguments of a field given none (fieldArgs), which is right only
// while the schema declares no argument defaults.
func TestSchemaDeclaresNoArgumentDefaults(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	for name, def := range schema.Types {
		if strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range def.Fields {
			for _, a := range f.Arguments {
				assert.Nil(t, a.DefaultValue, "%s.%s(%s:) has a default: the cost walk (fieldArgs) must read it", name, f.Name, a.Name)
			}
		}
	}
}

// A path search reads its links through the records kept, and stops at -path-max-links with
// SEARCH_LIMIT_EXCEEDED whether its links were kept or not.
func TestPathSearchThroughLinksKept(t *testing.T) {
	serbia, kazakhstan := kg.Ref{Kind: kg.KindState, Key: "serbia"}.ID(), kg.Ref{Kind: kg.KindState, Key: "kazakhstan"}.ID()
	q := `{ path(from: "` + serbia + `", to: "` + kazakhstan + `") { length edges { relation } } }`
	store, _ := openSeedStore(t)
	k := newKitOn(t, store, Config{ResponseCacheBytes: -1})
	first := k.query(q, nil)
	require.Empty(t, first.Errors, first.Raw)
	before := store.Statements()
	again := k.query(q, nil)
	assert.Equal(t, first.Raw, again.Raw)
	assert.Equal(t, before, store.Statements(), "the second search ran SQL")

	// A search cut at the limit keeps nothing: kept as whole, a cut list would make the next
	// search answer from part of the links.
	small := newKitOn(t, store, Config{ResponseCacheBytes: -1, PathMaxLinks: 40})
	for range 2 {
		a := small.query(q, nil)
		require.NotEmpty(t, a.Errors, a.Raw)
		assert.Equal(t, "SEARCH_LIMIT_EXCEEDED", a.Errors[0].Extensions["code"], a.Raw)
	}
}
