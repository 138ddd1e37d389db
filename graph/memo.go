package graph

import (
	"context"
	"unsafe"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// opMemo keeps, for one operation, what the executor would otherwise work out again for every
// object of a list: the fields a selection set collects for a type, and the arguments of a
// field. Both depend only on the document and the variables, which one operation fixes. The
// executor written by cmd/gqlgen runs an operation on one goroutine, so the maps need no lock.
type opMemo struct {
	fields map[collectKey][]graphql.CollectedField
	args   map[argsKey]map[string]any
}

// argsKey names a field of the document as one type's field: a field in a fragment on an
// interface is parsed by each implementing type's own function, and each keeps its own.
type argsKey struct {
	field *ast.Field
	of    string
}

// collectKey names a selection set and the type names it is collected for by their first
// elements and length, as gqlgen's own cache does, without building a hash for each object.
type collectKey struct {
	sel       *ast.Selection
	n         int
	satisfies *string
}

const opMemoKey = "treatygraph.opMemo"

func memoOf(oc *graphql.OperationContext) *opMemo {
	if m, ok := oc.Stats.GetExtension(opMemoKey).(*opMemo); ok {
		return m
	}
	m := &opMemo{fields: map[collectKey][]graphql.CollectedField{}, args: map[argsKey]map[string]any{}}
	oc.Stats.SetExtension(opMemoKey, m)
	return m
}

// collectFields is graphql.CollectFields, kept for the operation by collectKey.
func collectFields(oc *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	m := memoOf(oc)
	key := collectKey{sel: unsafe.SliceData(sel), n: len(sel), satisfies: unsafe.SliceData(satisfies)}
	if f, ok := m.fields[key]; ok {
		return f
	}
	f := graphql.CollectFields(oc, sel, satisfies)
	m.fields[key] = f
	return f
}

// argsOnce parses a field's arguments once for the operation. cmd/gqlgen uses it only for
// fields whose arguments are all single scalars or enums, which no resolver can change in
// place, so one map serves every object. An error is not kept: each object reports it.
func argsOnce(oc *graphql.OperationContext, ctx context.Context, field graphql.CollectedField, of string,
	parse func(context.Context, map[string]any) (map[string]any, error)) (map[string]any, error) {
	m := memoOf(oc)
	key := argsKey{field.Field, of}
	if args, ok := m.args[key]; ok {
		return args, nil
	}
	args, err := parse(ctx, field.ArgumentMap(oc.Variables))
	if err == nil {
		m.args[key] = args
	}
	return args, err
}
