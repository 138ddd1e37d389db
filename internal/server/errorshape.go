package server

import (
	"cmp"
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// comparePaths orders two response paths as the answer lists them: element by element, list
// indexes as numbers (element 2 before element 10), a path before the paths under it. An
// error without a path (of the whole request) comes first. At one position a name sorts
// before an index; an answer never has both under one parent.
func comparePaths(a, b ast.Path) int {
	for i := range min(len(a), len(b)) {
		if c := comparePathElements(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

func comparePathElements(a, b ast.PathElement) int {
	switch a := a.(type) {
	case ast.PathIndex:
		if b, ok := b.(ast.PathIndex); ok {
			return cmp.Compare(a, b)
		}
		return 1
	case ast.PathName:
		if b, ok := b.(ast.PathName); ok {
			return cmp.Compare(a, b)
		}
		return -1
	}
	return 0
}

// fieldLocations is where, in the query, the field being resolved is written: the location
// of an error of that field. A list element has no field of its own; its list's is used.
func fieldLocations(ctx context.Context) []gqlerror.Location {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if f := fc.Field.Field; f != nil && f.Position != nil && f.Position.Line > 0 {
			return []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
		}
	}
	return nil
}
