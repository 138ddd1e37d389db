package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalInOrder marshals a list of objects element by element on the request's goroutine.
// The executor written by cmd/gqlgen calls it where gqlgen's own templates call
// graphql.MarshalSliceConcurrently, which starts a goroutine per element. Each element gets
// the same field context (its index, for error paths) and the same panic recovery.
func marshalInOrder(ctx context.Context, length int, marshal func(context.Context, int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		fc := &graphql.FieldContext{Index: &i}
		ret[i] = marshalElement(graphql.WithFieldContext(ctx, fc), i, marshal)
	}
	return ret
}

func marshalElement(ctx context.Context, i int, marshal func(context.Context, int) graphql.Marshaler) (ret graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ret = graphql.Null
		}
	}()
	return marshal(ctx, i)
}
