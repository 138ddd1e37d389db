package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// DefaultConnsPerRequest is how many resolvers of one request run at once, and so about how
// many of the store's connections one request holds (batch loaders add at most one each): a
// request of a hundred aliases queues its own resolvers instead of taking the whole pool from
// the other requests. At 200 times the seeds, with 8 connections and 8 requests of the dearest
// kind running, a one-row lookup took 52 ms (p50) with 1 and 324 ms with 2 (BENCHMARKS.md).
const DefaultConnsPerRequest = 1

type slotsKey struct{}

// withResolverSlots gives the request in ctx n slots for its resolvers.
func withResolverSlots(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, slotsKey{}, make(chan struct{}, n))
}

// limitResolvers runs a resolver once its request has a slot free. Only the resolver call
// itself holds the slot: the fields below it resolve after it returns, so nested resolvers
// never wait for their parent's slot.
func limitResolvers(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc == nil || !fc.IsResolver {
		return next(ctx) // a field of a value already loaded: nothing to wait for
	}
	slots, _ := ctx.Value(slotsKey{}).(chan struct{})
	if slots == nil {
		return next(ctx)
	}
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-slots }()
	return next(ctx)
}
