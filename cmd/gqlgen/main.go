// Command gqlgen writes graph/generated.go from schema.graphqls and gqlgen.yml, as
// `go run github.com/99designs/gqlgen generate` does, with one difference: the executor it
// writes resolves every field and every list element in order, on the request's goroutine,
// and does less for each object on the way (below).
//
// The service's loaders do not need fields to run at once to batch them: a level's keys are
// pooled when its parents load (graph/children.go), and the first field to ask fetches them all
// in one statement. What gqlgen's concurrent executor adds is a goroutine per list element and
// per resolver field, and a deferred-fragment group (with its path) per object, which were most
// of a nested query's processor time and allocations (BENCHMARKS.md, "Execution per object").
//
// It sets gqlgen's own switch for this, Object.DisableConcurrency (which gqlgen sets for the
// mutation type), on every object, then makes these replacements in the written file, each
// checked to apply where gqlgen's templates put it (otherwise the command fails and says so):
//   - lists of objects go through graph.marshalInOrder instead of
//     graphql.MarshalSliceConcurrently (same element contexts, same panic recovery);
//   - fields go through graph.resolveFieldInOrder instead of graphql.ResolveField: the same
//     steps without the field middleware, which the service does not use (no
//     handler.AroundFields, and this command refuses field directives with a runtime part);
//   - an object's fields are collected through graph.collectFields, which keeps them for the
//     operation without building a hash key for every object;
//   - the arguments of a field whose arguments are all single scalars or enums are parsed
//     once per operation (graph.argsOnce) rather than once per object;
//   - leaf fields are written directly (see leaf);
//   - an object's answer is a graph.fieldSet instead of a graphql.FieldSet, which has no
//     concurrent fields to dispatch and writes itself without a map or an iterator;
//   - an object whose fields all run in order has no deferred fields to wait for, so its
//     deferred group is the zero value instead of graphql.NewDeferredGroup(ctx).
//
// @defer is then answered in the first payload, which the GraphQL incremental-delivery
// proposal allows; the service has no incremental transport.
//
// The executor runs no field middleware, so the command refuses a schema with directives on
// fields, and graph.NewServer (graph/inorder.go) refuses, when the handler is built, field
// middleware (AroundFields, an extension that intercepts fields) and such directives.
//
// # Upgrading gqlgen
//
// The version is the one go.mod requires (github.com/99designs/gqlgen, also listed as a tool);
// this command and CI use only it. To move to another:
//
//  1. go get github.com/99designs/gqlgen@vX.Y.Z, then go mod tidy (it may raise
//     github.com/vektah/gqlparser/v2 as well).
//  2. go run ./cmd/gqlgen. When it fails saying that it found nothing to rewrite, or that a
//     concurrent path is still there after the rewrite, gqlgen's templates changed: read the
//     new codegen/field.gotpl, object.gotpl, type.gotpl and args.gotpl (under
//     $(go env GOMODCACHE)/github.com/99designs/gqlgen@vX.Y.Z/codegen) and update
//     replacements, leftovers, leafOf, rewriteLeaves or rewriteFixedArgs until every rewrite
//     applies where the templates put what it replaces.
//  3. Compare what graph/inorder.go and graph/memo.go stand in for with their new versions
//     in gqlgen's graphql package, and carry over any step they gained (null checks, error
//     wrapping, panic recovery, field context fields): resolveFieldInOrder for
//     graphql.ResolveField, marshalInOrder for graphql.MarshalSliceConcurrently, fieldSet
//     for graphql.FieldSet, collectFields for graphql.CollectFields, argsOnce for the
//     templates' argument parsing. If the handler gained another hook around fields, make
//     graph.Server refuse it.
//  4. Read the diff of graph/generated.go, graph/model/models_gen.go and the resolvers, then
//     run go test ./graph ./internal/server ./cmd/gqlgen, with TREATYGRAPH_REGENERATE=1 for
//     the test that regenerates into a copy of the module and compares, and .ci/run, whose
//     step 3 fails when the committed code differs from what this command writes.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no gqlgen.yml here: run from the module root")
	}
	if err != nil {
		return err
	}
	plugin := &inOrder{}
	if err := api.Generate(cfg, api.AddPlugin(plugin)); err != nil {
		return err
	}
	return rewrite(cfg.Exec.Filename, plugin.leaves, plugin.fixedArg)
}

// inOrder is the gqlgen plugin that turns off concurrent field resolution on every object
// and finds the leaf fields to write directly (see leafBody).
type inOrder struct {
	leaves   []leaf
	fixedArg []string // fields whose arguments argsOnce may keep: _args function names
}

func (*inOrder) Name() string { return "in-order" }

func (p *inOrder) GenerateCode(data *codegen.Data) error {
	if d := data.AllDirectives.LocationDirectives("FIELD"); len(d) > 0 {
		return fmt.Errorf("the in-order executor runs no field middleware, so directives on FIELD (%d) cannot run", len(d))
	}
	for _, o := range data.Objects {
		o.DisableConcurrency = true
		for _, f := range o.Fields {
			if f.HasDirectives() {
				return fmt.Errorf("%s.%s: the in-order executor runs no field middleware, so its directives cannot run", o.Name, f.Name)
			}
			if l, ok := leafOf(o, f); ok {
				p.leaves = append(p.leaves, l)
			}
			if len(f.Args) > 0 && !o.IsReserved() && argsAreValues(f) {
				p.fixedArg = append(p.fixedArg, "field_"+o.Name+"_"+f.Name+"_args")
			}
		}
	}
	return nil
}

// leaf is a field whose value is read straight off its object and written by a marshaller
// that cannot fail: an enum or a built-in scalar, bound to a struct field or to a method that
// takes nothing and returns no error, with no arguments, and either not a Go pointer or
// nullable in the schema (so nil is null, not an error). Its resolution is its marshalling,
// with no field context, no context value, no boxing into any and no panic guard of its own:
// four allocations fewer per value, and nothing that could report an error at its own path.
// A panic in reading it is still caught, by the field or list element holding the object.
type leaf struct {
	function string // the generated function's name, _Object_field
	value    string // the Go expression of its value
	marshal  string // the executor's marshalling function
}

var builtinScalars = map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}

func leafOf(o *codegen.Object, f *codegen.Field) (leaf, bool) {
	t := f.TypeReference
	switch {
	case o.Root, o.Stream, o.IsReserved(), f.IsResolver, f.IsBatch(), f.Stream, f.IsMap(), len(f.Args) > 0:
		return leaf{}, false
	case t == nil || t.Definition == nil:
		return leaf{}, false
	case t.Definition.Kind != ast.Enum && !(t.Definition.Kind == ast.Scalar && builtinScalars[t.Definition.Name]):
		return leaf{}, false
	case t.IsNilable() && t.GQL.NonNull:
		return leaf{}, false
	}
	value := "obj." + f.GoFieldName
	switch {
	case f.IsVariable():
	case f.IsMethod() && f.NoErr && !f.MethodHasContext && !f.VOkFunc && !f.HasHaser:
		value += "()"
	default:
		return leaf{}, false
	}
	return leaf{function: "_" + o.Name + "_" + f.Name, value: value, marshal: t.MarshalFunc()}, true
}

// replacement is one textual change to the written executor: every match of pattern is
// replaced by with, and the pattern must match at least once (what names what it matches
// in the error when it does not).
type replacement struct {
	pattern *regexp.Regexp
	with    []byte
	what    string
}

var replacements = []replacement{
	{
		regexp.MustCompile(`graphql\.MarshalSliceConcurrently\(ctx, len\(v\), 0, false, `),
		[]byte("marshalInOrder(ctx, len(v), "),
		"lists of objects marshalled concurrently",
	},
	{
		regexp.MustCompile(`return graphql\.ResolveField\(\n`),
		[]byte("return resolveFieldInOrder(\n"),
		"fields resolved through the field middleware",
	},
	{
		regexp.MustCompile(`fields := graphql\.CollectFields\(ec\.OperationContext, sel, `),
		[]byte("fields := collectFields(ec.OperationContext, sel, "),
		"fields collected for each object",
	},
	{
		regexp.MustCompile(`out := graphql\.NewFieldSet\(fields\)`),
		[]byte("out := newFieldSet(fields)"),
		"an object's field set",
	},
	{
		regexp.MustCompile(`\n\tout\.Dispatch\(ctx\)\n`),
		[]byte("\n"),
		"a dispatch of concurrent fields",
	},
	{
		regexp.MustCompile(`deferred := graphql\.NewDeferredGroup\(ctx\)`),
		[]byte("var deferred graphql.DeferredGroup"),
		"a deferred group per object",
	},
}

// leftovers are the concurrent paths that must be gone once the plugin and replacements ran.
var leftovers = []string{"graphql.ResolveField(", "graphql.CollectFields(", "graphql.NewFieldSet(", ".Dispatch(ctx)", "atomic.AddUint32(", "MarshalSliceConcurrently", "ResolveConcurrently", "ResolveRootConcurrently", "NewDeferredGroup", "&deferred"}

func rewrite(filename string, leaves []leaf, fixedArgs []string) error {
	src, err := os.ReadFile(filename)
	if err != nil {
		return err
	}
	for _, r := range replacements {
		if !r.pattern.Match(src) {
			return fmt.Errorf("%s: found no %s to rewrite; gqlgen's templates changed, so check this command against them", filename, r.what)
		}
		src = r.pattern.ReplaceAll(src, r.with)
	}
	if src, err = rewriteLeaves(src, leaves); err != nil {
		return fmt.Errorf("%s: %w", filename, err)
	}
	if src, err = rewriteFixedArgs(src, fixedArgs); err != nil {
		return fmt.Errorf("%s: %w", filename, err)
	}
	for _, s := range leftovers {
		if bytes.Contains(src, []byte(s)) {
			return fmt.Errorf("%s: %s is still there after the rewrite; gqlgen's templates changed, so check this command against them", filename, s)
		}
	}
	return os.WriteFile(filename, src, 0o644)
}

// rewriteLeaves replaces the body of each leaf field's function with its marshalling.
func rewriteLeaves(src []byte, leaves []leaf) ([]byte, error) {
	if len(leaves) == 0 {
		return nil, fmt.Errorf("found no leaf fields to write directly; gqlgen's field data changed, so check this command against it")
	}
	for _, l := range leaves {
		head := []byte("\nfunc (ec *executionContext) " + l.function + "(ctx context.Context, field graphql.CollectedField, obj ")
		start := bytes.Index(src, head)
		if start < 0 || bytes.Count(src, head) != 1 {
			return nil, fmt.Errorf("the function %s is not there once; gqlgen's templates changed, so check this command against them", l.function)
		}
		open := start + bytes.IndexByte(src[start+1:], '\n') + 2 // past the signature line
		end := open + bytes.Index(src[open:], []byte("\n}\n"))
		body := src[open:end]
		if !bytes.Contains(body, []byte("return resolveFieldInOrder(")) || !bytes.Contains(body, []byte("ec."+l.marshal+"(ctx, selections, v)")) {
			return nil, fmt.Errorf("the function %s does not resolve its field as expected; gqlgen's templates changed, so check this command against them", l.function)
		}
		direct := "\treturn ec." + l.marshal + "(ctx, field.Selections, " + l.value + ")"
		src = append(src[:open], append([]byte(direct), src[end:]...)...)
	}
	return src, nil
}

// argsAreValues reports whether every argument of f is a single scalar or enum: a value no
// resolver can change in place, so one parse can serve every object.
func argsAreValues(f *codegen.Field) bool {
	for _, a := range f.Args {
		t := a.TypeReference
		if t == nil || t.Definition == nil || t.GQL.Elem != nil {
			return false
		}
		if t.Definition.Kind != ast.Scalar && t.Definition.Kind != ast.Enum {
			return false
		}
	}
	return true
}

// rewriteFixedArgs makes the field contexts of the given _args functions parse through
// graph.argsOnce.
func rewriteFixedArgs(src []byte, names []string) ([]byte, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("found no fields with value arguments; gqlgen's field data changed, so check this command against it")
	}
	for _, name := range names {
		call := []byte("fc.Args, err = ec." + name + "(ctx, field.ArgumentMap(ec.Variables))")
		if bytes.Count(src, call) != 1 {
			return nil, fmt.Errorf("the arguments of %s are not parsed once where expected; gqlgen's templates changed, so check this command against them", name)
		}
		of := strings.TrimSuffix(strings.TrimPrefix(name, "field_"), "_args") // Object_field
		src = bytes.Replace(src, call, []byte("fc.Args, err = argsOnce(ec.OperationContext, ctx, field, "+strconv.Quote(of)+", ec."+name+")"), 1)
	}
	return src, nil
}
