package graph

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sync/atomic"

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
		ret[i] = marshalElement(withFieldContext(ctx, &fcs[i]), i, marshal)
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
	ctx = withFieldContext(ctx, fc)
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
}

// fieldSetWith is a fieldSet allocated together with the values of its N fields.
type fieldSetWith[N any] struct {
	fieldSet
	inline N
}

// newFieldSet makes the field set of an object: one allocation, sized for its fields, holds
// an object of up to eight fields (an object of four fields does not carry room for eight).
func newFieldSet(fields []graphql.CollectedField) *fieldSet {
	type values = []graphql.Marshaler
	switch n := len(fields); {
	case n <= 1:
		return inlineFieldSet(fields, func(a *[1]graphql.Marshaler) values { return a[:] })
	case n <= 2:
		return inlineFieldSet(fields, func(a *[2]graphql.Marshaler) values { return a[:] })
	case n <= 4:
		return inlineFieldSet(fields, func(a *[4]graphql.Marshaler) values { return a[:] })
	case n <= 8:
		return inlineFieldSet(fields, func(a *[8]graphql.Marshaler) values { return a[:] })
	}
	return &fieldSet{fields: fields, Values: make([]graphql.Marshaler, len(fields))}
}

// inlineFieldSet makes a field set whose values are the first of the array A allocated with
// it; all slices that array.
func inlineFieldSet[A any](fields []graphql.CollectedField, all func(*A) []graphql.Marshaler) *fieldSet {
	s := &fieldSetWith[A]{fieldSet: fieldSet{fields: fields}}
	s.Values = all(&s.inline)[:len(fields)]
	return &s.fieldSet
}

// MarshalGQL writes the object as graphql.FieldSet does: each alias once, the first time it
// comes. Aliases are GraphQL names, which JSON needs no escape for.
func (s *fieldSet) MarshalGQL(w io.Writer) {
	if b, ok := w.(*bytes.Buffer); ok && b.Cap() == 0 {
		// The whole answer, written into an empty buffer: grown once to the size answers
		// have had lately, rather than doubled from 64 bytes up.
		b.Grow(answerBytes.hint())
		defer func() { answerBytes.record(b.Len()) }()
	}
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

// fieldContextKey is the key under which graphql.GetFieldContext looks a field context up.
// gqlgen does not export it; it is read once, by asking a context that records the key it
// is asked for.
var fieldContextKey = func() any {
	var spy keySpy
	graphql.GetFieldContext(&spy)
	if spy.key == nil {
		panic("graph: graphql.GetFieldContext asks its context for no key")
	}
	return spy.key
}()

// keySpy is a context that records the last key it was asked for.
type keySpy struct {
	context.Context
	key any
}

func (s *keySpy) Value(key any) any {
	s.key = key
	return nil
}

// fieldCtx is a context carrying a field context, as graphql.WithFieldContext makes one:
// graphql.GetFieldContext finds fc in it, and everything else is its parent's. The executor
// makes one for every field and list element it resolves, so they are taken from blocks
// shared by a field and the fields below it: one allocation for a block of fields rather
// than one per field.
type fieldCtx struct {
	context.Context
	fc *graphql.FieldContext
	// block is where the contexts of the fields below are taken from; when it is full, a
	// new one replaces it, for them and their siblings.
	block atomic.Pointer[fieldCtxBlock]
}

func (c *fieldCtx) Value(key any) any {
	if key == fieldContextKey {
		return c.fc
	}
	return c.Context.Value(key)
}

// fieldCtxBlock holds field contexts, handed out in order. The executor resolves an
// operation's fields on one goroutine; the index is atomic all the same, so that fields
// resolved on other goroutines never share a context.
type fieldCtxBlock struct {
	next  atomic.Int32
	slots [fieldCtxBlockSize]fieldCtx
}

// fieldCtxBlockSize is how many field contexts a block holds: a few objects of a list.
const fieldCtxBlockSize = 16

// take returns a free context of the block, or nil when it is full.
func (b *fieldCtxBlock) take() *fieldCtx {
	if i := int(b.next.Add(1)) - 1; i < fieldCtxBlockSize {
		return &b.slots[i]
	}
	return nil
}

// withFieldContext is graphql.WithFieldContext: fc's parent is the field context of ctx, and
// the context returned carries fc.
func withFieldContext(ctx context.Context, fc *graphql.FieldContext) context.Context {
	var c *fieldCtx
	block := (*fieldCtxBlock)(nil)
	if parent, ok := ctx.(*fieldCtx); ok {
		fc.Parent = parent.fc
		block = parent.block.Load()
		if c = block.take(); c == nil {
			block = new(fieldCtxBlock)
			c = block.take()
			parent.block.Store(block)
		}
	} else {
		fc.Parent = graphql.GetFieldContext(ctx)
		block = new(fieldCtxBlock)
		c = block.take()
	}
	c.Context, c.fc = ctx, fc
	c.block.Store(block)
	return c
}

// answerBytes follows the size of the answers written lately, to size the next answer's
// buffer.
var answerBytes answerSize

// answerSize is a moving average of answer sizes, in bytes.
type answerSize struct{ avg atomic.Int64 }

// The buffer of an answer starts with between minAnswerBuffer and maxAnswerBuffer bytes: a
// large answer now and then does not make every small answer's buffer large.
const (
	minAnswerBuffer = 512
	maxAnswerBuffer = 16 << 10
)

// hint is how many bytes to give the buffer of the next answer: a quarter more than the
// average, within bounds.
func (a *answerSize) hint() int {
	n := int(a.avg.Load())
	return min(max(n+n/4, minAnswerBuffer), maxAnswerBuffer)
}

// record adds the size of an answer written to the average, weighing it an eighth.
func (a *answerSize) record(n int) {
	n = min(n, maxAnswerBuffer)
	old := a.avg.Load()
	a.avg.Store(old + (int64(n)-old)/8) // a lost update between requests only blurs the average
}
