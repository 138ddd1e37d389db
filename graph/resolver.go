// Package graph is treatygraph's GraphQL layer: the gqlgen executable schema, thin resolvers
// that check their arguments and call the store, and the per-request loaders that batch
// child lists.
package graph

//go:generate sh -c "cd .. && go run ./cmd/gqlgen"

import "github.com/treatygraph/treatygraph/internal/sqlite"

// Resolver holds the dependencies of every resolver.
type Resolver struct {
	Store *sqlite.Store
	// MaxFirst bounds the page size (first) of every list and the IDs of nodes(ids:)
	// (DefaultMaxFirst when zero).
	MaxFirst int
}

// maxFirst is the largest page the resolvers return.
func (r *Resolver) maxFirst() int {
	if r.MaxFirst <= 0 {
		return DefaultMaxFirst
	}
	return r.MaxFirst
}
