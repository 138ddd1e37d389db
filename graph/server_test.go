package graph_test

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/treatygraph/treatygraph/graph"
)

func executableSchema() graphql.ExecutableSchema {
	return graph.NewExecutableSchema(graph.Config{Resolvers: graph.Root(&graph.Resolver{})})
}

// The in-order executor resolves fields without field middleware; the handler it is served
// by refuses field middleware when it is built, rather than never calling it.
func TestServerRefusesFieldMiddleware(t *testing.T) {
	srv := graph.NewServer(executableSchema())
	assert.PanicsWithError(t, "graph: AroundFields would never run: the in-order executor resolves fields without field middleware (graph/inorder.go)", func() {
		srv.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) { return next(ctx) })
	})
	assert.PanicsWithError(t, "graph: the extension InlineFieldFunc intercepts fields; it would never run: the in-order executor resolves fields without field middleware (graph/inorder.go)", func() {
		srv.Use(handler.FieldFunc(func(ctx context.Context, next graphql.Resolver) (any, error) { return next(ctx) }))
	})
	// What the executor does run is accepted.
	assert.NotPanics(t, func() {
		srv.Use(extension.Introspection{})
		srv.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler { return next(ctx) })
		srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler { return next(ctx) })
		srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response { return next(ctx) })
	})
}

// withSchema serves the real executor with another schema, as if schema.graphqls had changed
// and the executor had been written without cmd/gqlgen's check.
type withSchema struct {
	graphql.ExecutableSchema
	schema *ast.Schema
}

func (w withSchema) Schema() *ast.Schema { return w.schema }

func TestServerRefusesDirectivesOnFields(t *testing.T) {
	require.NoError(t, graph.CheckSchema(executableSchema().Schema()), "the service's schema passes")
	for _, tc := range []struct{ sdl, err string }{
		{`directive @auth(role: String) on FIELD_DEFINITION
		  type Query { secret: String @auth(role: "admin") }`,
			"graph: the directive @auth on FIELD_DEFINITION would never run: the in-order executor resolves fields without field middleware (graph/inorder.go)"},
		{`directive @upper on FIELD | QUERY
		  type Query { name: String }`,
			"graph: the directive @upper on FIELD would never run: the in-order executor resolves fields without field middleware (graph/inorder.go)"},
		{`directive @goField(forceResolver: Boolean) on FIELD_DEFINITION
		  directive @audited on QUERY
		  type Query { name: String @goField(forceResolver: true) old: String @deprecated }`, ""},
	} {
		schema, err := gqlparser.LoadSchema(&ast.Source{Name: "test.graphqls", Input: tc.sdl})
		require.NoError(t, err)
		if tc.err == "" {
			assert.NoError(t, graph.CheckSchema(schema))
			assert.NotPanics(t, func() { graph.NewServer(withSchema{executableSchema(), schema}) })
			continue
		}
		assert.EqualError(t, graph.CheckSchema(schema), tc.err)
		assert.PanicsWithError(t, tc.err, func() { graph.NewServer(withSchema{executableSchema(), schema}) })
	}
}
