package graph

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2/ast"
)

// Server is gqlgen's handler.Server for the executor cmd/gqlgen writes, which resolves fields
// without the field middleware (resolveFieldInOrder). It refuses, when the handler is built,
// what that executor would otherwise ignore without a word: field middleware
// (AroundFields, or an extension that intercepts fields) and directives on fields, which run
// as field middleware. Everything else is handler.Server's.
type Server struct {
	*handler.Server
}

// NewServer serves es as handler.New does. It panics, as handler.Server.Use does for an
// extension that does not validate, when es's schema declares a directive on fields that
// the executor does not run (see CheckSchema).
func NewServer(es graphql.ExecutableSchema) *Server {
	if err := CheckSchema(es.Schema()); err != nil {
		panic(err)
	}
	return &Server{handler.New(es)}
}

// AroundFields always panics: the executor runs no field middleware.
func (s *Server) AroundFields(graphql.FieldMiddleware) {
	panic(errNoFieldMiddleware("AroundFields"))
}

// Use adds an extension as handler.Server.Use does, and panics for one that intercepts
// fields (graphql.FieldInterceptor): the executor would never call it. Extensions around
// operations, responses and root fields run as they do with gqlgen's own executor.
func (s *Server) Use(ext graphql.HandlerExtension) {
	if _, ok := ext.(graphql.FieldInterceptor); ok {
		panic(errNoFieldMiddleware(fmt.Sprintf("the extension %s intercepts fields; it", ext.ExtensionName())))
	}
	s.Server.Use(ext)
}

func errNoFieldMiddleware(what string) error {
	return fmt.Errorf("graph: %s would never run: the in-order executor resolves fields without field middleware (graph/inorder.go)", what)
}

// directivesWithoutMiddleware are the directives allowed on fields: those the executor applies
// while it collects fields (@include, @skip; @defer is answered inline), those that only
// describe the schema, and gqlgen's own, which act when cmd/gqlgen writes the executor.
var directivesWithoutMiddleware = []string{"include", "skip", "defer", "deprecated", "specifiedBy", "oneOf",
	"goField", "goTag", "goModel", "goExtraField", "goEnum"}

// CheckSchema refuses a schema that declares a directive a query may put on a field (FIELD)
// or the schema on a field's definition (FIELD_DEFINITION), other than those the executor
// handles without field middleware: gqlgen runs such directives as field middleware, which
// the in-order executor does not call. cmd/gqlgen refuses them when it writes the executor;
// this is the same rule when the handler is built.
func CheckSchema(schema *ast.Schema) error {
	names := make([]string, 0, len(schema.Directives))
	for name := range schema.Directives {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if slices.Contains(directivesWithoutMiddleware, name) {
			continue
		}
		for _, loc := range schema.Directives[name].Locations {
			if loc == ast.LocationField || loc == ast.LocationFieldDefinition {
				return fmt.Errorf("graph: the directive @%s on %s would never run: the in-order executor resolves fields without field middleware (graph/inorder.go)", name, loc)
			}
		}
	}
	return nil
}

// marshalInOrder marshals a list of objects element by element on the request's goroutine.
// The executor written by cmd/gqlgen calls it where gqlgen's own templates call
// graphql.MarshalSliceConcurrently, which starts a goroutine per element. Each element gets
// the same field context (its index, for error paths) and the same panic recovery; the field
// contexts and indexes of a list are allocated together, not two allocations per element.
func marshalInOrder(ctx context.Context, length int, marshal func(context.Context, int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	fcs := make([]graphql.FieldContext, length)
	index := make([]int, length)
	for i := range length {
		index[i] = i
		fcs[i].Index = &index[i]
		ret[i] = marshalElement(graphql.WithFieldContext(ctx, &fcs[i]), i, marshal)
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

// resolveFieldInOrder resolves one field as graphql.ResolveField does, where the executor
// written by cmd/gqlgen calls it, without the field middleware: the same field context,
// panic recovery, errors and null checks. The service registers no field middleware
// (Server refuses handler.AroundFields and field interceptors) and the schema has no field
// directives with a runtime part (cmd/gqlgen and CheckSchema refuse them, so middlewareChain
// is always nil). Calling the resolver directly rather than through the middleware chain
// lets the executor's closures stay on the stack and keeps the result boxed once: about two
// allocations fewer per field.
func resolveFieldInOrder[T any](
	ctx context.Context,
	oc *graphql.OperationContext,
	field graphql.CollectedField,
	initializeFieldContext func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error),
	fieldResolver func(ctx context.Context) (any, error),
	_ func(ctx context.Context, next graphql.Resolver) graphql.Resolver,
	marshal func(ctx context.Context, sel ast.SelectionSet, v T) graphql.Marshaler,
	recoverFromPanic bool,
	nonNull bool,
) (ret graphql.Marshaler) {
	fc, err := initializeFieldContext(ctx, field)
	if err != nil {
		return graphql.Null
	}
	ctx = graphql.WithFieldContext(ctx, fc)
	if recoverFromPanic {
		defer func() {
			if r := recover(); r != nil {
				oc.Error(ctx, oc.Recover(ctx, r))
				ret = graphql.Null
			}
		}()
	}
	resTmp, err := fieldResolver(ctx)
	switch {
	case err != nil:
		oc.Error(ctx, graphql.AddFieldLocationToError(ctx, err))
	case resTmp == nil:
		if nonNull || fc.NonNull {
			graphql.AddInvalidNullError(ctx, "")
		}
	default:
		if res, ok := resTmp.(T); ok {
			fc.Result = resTmp
			return marshal(ctx, field.Selections, res)
		}
		if res, ok := resTmp.(graphql.Marshaler); ok {
			fc.Result = resTmp
			return res
		}
		var t T
		graphql.AddErrorf(ctx, `unexpected type %T from middleware/directive chain, should be %T`, resTmp, t)
		return graphql.Null
	}
	if fc.NonNull && !nonNull {
		return graphql.RequiredNull
	}
	return graphql.Null
}

// fieldSet holds the answer of one object while its fields resolve, and writes it. The
// executor written by cmd/gqlgen makes one where gqlgen's templates make a graphql.FieldSet,
// which also serves concurrent and deferred fields and, to write itself, builds a map of the
// aliases written and an iterator that moves every field to the heap. Fields here resolve
// in order and are never deferred, and graphql.CollectFields merges fields by alias, so the
// object is written field after field. One allocation holds an object of up to eight fields.
type fieldSet struct {
	fields   []graphql.CollectedField
	Values   []graphql.Marshaler
	Invalids uint32
	inline   [8]graphql.Marshaler
}

func newFieldSet(fields []graphql.CollectedField) *fieldSet {
	s := &fieldSet{fields: fields}
	if len(fields) <= len(s.inline) {
		s.Values = s.inline[:len(fields)]
	} else {
		s.Values = make([]graphql.Marshaler, len(fields))
	}
	return s
}

// MarshalGQL writes the object as graphql.FieldSet does: each alias once, the first time it
// comes. Aliases are GraphQL names, which JSON needs no escape for.
func (s *fieldSet) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, "{")
	first := true
	for i := range s.fields {
		alias := s.fields[i].Alias
		if aliasBefore(s.fields[:i], alias) {
			continue
		}
		if first {
			_, _ = io.WriteString(w, `"`)
			first = false
		} else {
			_, _ = io.WriteString(w, `,"`)
		}
		_, _ = io.WriteString(w, alias)
		_, _ = io.WriteString(w, `":`)
		s.Values[i].MarshalGQL(w)
	}
	_, _ = io.WriteString(w, "}")
}

// aliasBefore reports whether one of fields has the alias. CollectFields merges fields by
// alias, so this is all but never true, and an object has few fields: a scan is cheaper
// than a map.
func aliasBefore(fields []graphql.CollectedField, alias string) bool {
	for i := range fields {
		if fields[i].Alias == alias {
			return true
		}
	}
	return false
}
