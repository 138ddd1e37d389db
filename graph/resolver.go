// Package graph is treatygraph's GraphQL layer: the gqlgen executable schema, thin resolvers
// that check their arguments and call the store, and the per-request loaders that batch
// child lists.
package graph

//go:generate go run github.com/99designs/gqlgen generate

import "github.com/treatygraph/treatygraph/internal/sqlite"

// Resolver holds the dependencies of every resolver.
type Resolver struct {
	Store *sqlite.Store
}
