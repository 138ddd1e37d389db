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
	// PathMaxLinks bounds the links one path search reads (DefaultPathMaxLinks when zero).
	PathMaxLinks int
}

// DefaultPathMaxLinks is how many links a path search reads at most: a search over a
// copy of the research-scale graph (38,700 links) never needs more, and 200,000 links are
// about 150 ms of work.
const DefaultPathMaxLinks = 200_000

// pathMaxLinks is the most links a path search reads.
func (r *Resolver) pathMaxLinks() int {
	if r.PathMaxLinks <= 0 {
		return DefaultPathMaxLinks
	}
	return r.PathMaxLinks
}

// maxFirst is the largest page the resolvers return.
func (r *Resolver) maxFirst() int {
	if r.MaxFirst <= 0 {
		return DefaultMaxFirst
	}
	return r.MaxFirst
}
