package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// A variable of a nullable type with a default, such as `$v: Boolean = false`, may stand where
// a value is required (`@include(if: $v)`): validation allows it, because the default
// applies when the variable is left out. Sent explicitly as null, though, it stays null (the
// specification's CoerceVariableValues), and null where a value is required is an error of
// the request, not of the server: gqlgen would fail while collecting the fields, answered as
// INTERNAL. MutateOperationContext finds such a use once the document is validated (so every
// value knows the type it stands for) and refuses the operation with BAD_USER_INPUT.

var _ graphql.OperationContextMutator = &variableCheck{}

// MutateOperationContext refuses an operation that uses a variable sent as null where its
// position requires a value, naming the variable and the type required, at the use.
func (c *variableCheck) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || len(oc.Variables) == 0 {
		return nil
	}
	null := map[string]bool{} // the variables whose value, once coerced, is null
	for _, def := range oc.Operation.VariableDefinitions {
		if v, ok := oc.Variables[def.Variable]; ok && v == nil {
			null[def.Variable] = true
		}
	}
	if len(null) == 0 {
		return nil
	}
	w := nullWalker{null: null, fragments: oc.Doc.Fragments, seen: map[string]bool{}}
	if use := w.directives(oc.Operation.Directives); use != nil {
		return nullVariableError(use)
	}
	if use := w.selectionSet(oc.Operation.SelectionSet); use != nil {
		return nullVariableError(use)
	}
	return nil
}

func nullVariableError(use *ast.Value) *gqlerror.Error {
	return refusalAt(use.Position, string(kg.BadUserInput),
		"variable $%s is null, where a value of type %s is required; leave it out to use its default, or send a value",
		cutName(use.Raw), use.ExpectedType.String())
}

// cutName shortens a variable's name to the prefix an error may quote. A GraphQL name is
// ASCII, so a cut by bytes splits no character.
func cutName(name string) string {
	if len(name) > kg.DefaultQuotePrefix {
		return name[:kg.DefaultQuotePrefix] + "…"
	}
	return name
}

// nullWalker finds the first use, in document order, of a null variable where a value is
// required, through the fragments the operation spreads (each once).
type nullWalker struct {
	null      map[string]bool
	fragments ast.FragmentDefinitionList
	seen      map[string]bool
}

func (w *nullWalker) selectionSet(set ast.SelectionSet) *ast.Value {
	for _, sel := range set {
		var use *ast.Value
		switch sel := sel.(type) {
		case *ast.Field:
			if use = w.arguments(sel.Arguments); use == nil {
				if use = w.directives(sel.Directives); use == nil {
					use = w.selectionSet(sel.SelectionSet)
				}
			}
		case *ast.InlineFragment:
			if use = w.directives(sel.Directives); use == nil {
				use = w.selectionSet(sel.SelectionSet)
			}
		case *ast.FragmentSpread:
			if use = w.directives(sel.Directives); use == nil && !w.seen[sel.Name] {
				w.seen[sel.Name] = true
				if f := w.fragments.ForName(sel.Name); f != nil {
					if use = w.directives(f.Directives); use == nil {
						use = w.selectionSet(f.SelectionSet)
					}
				}
			}
		}
		if use != nil {
			return use
		}
	}
	return nil
}

func (w *nullWalker) directives(list ast.DirectiveList) *ast.Value {
	for _, d := range list {
		if use := w.arguments(d.Arguments); use != nil {
			return use
		}
	}
	return nil
}

func (w *nullWalker) arguments(list ast.ArgumentList) *ast.Value {
	for _, a := range list {
		if use := w.value(a.Value); use != nil {
			return use
		}
	}
	return nil
}

// value finds a null variable in v, or in the items and fields of v, where the validated
// document says a value is required.
func (w *nullWalker) value(v *ast.Value) *ast.Value {
	if v == nil {
		return nil
	}
	if v.Kind == ast.Variable {
		if w.null[v.Raw] && v.ExpectedType != nil && v.ExpectedType.NonNull {
			return v
		}
		return nil
	}
	for _, child := range v.Children {
		if use := w.value(child.Value); use != nil {
			return use
		}
	}
	return nil
}
