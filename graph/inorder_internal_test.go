package graph

import (
	"bytes"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/vektah/gqlparser/v2/ast"
)

// fieldSet writes an object byte for byte as graphql.FieldSet does, a repeated alias once.
func TestFieldSetWritesWhatGraphQLFieldSetWrites(t *testing.T) {
	field := func(alias string) graphql.CollectedField {
		return graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: alias}}
	}
	for _, aliases := range [][]string{
		nil,
		{"a"},
		{"name", "iso2", "__typename"},
		{"a", "b", "a", "c"},
		{"f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10"},
	} {
		fields := make([]graphql.CollectedField, len(aliases))
		for i, a := range aliases {
			fields[i] = field(a)
		}
		want, got := graphql.NewFieldSet(fields), newFieldSet(fields)
		for i := range fields {
			v := graphql.MarshalString("v" + aliases[i] + `"<&>`)
			if i%3 == 2 {
				v = graphql.Null
			}
			want.Values[i], got.Values[i] = v, v
		}
		var w, g bytes.Buffer
		want.MarshalGQL(&w)
		got.MarshalGQL(&g)
		assert.Equal(t, w.String(), g.String(), "aliases %v", aliases)
	}
}
