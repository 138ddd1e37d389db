package server

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Inputs of the built-in scalars are held to the GraphQL specification, more strictly than
// gqlparser and gqlgen do by themselves: an object literal where Int is expected is refused in
// validation (gqlgen would fail while resolving, as an internal error), and a variable of type
// Int must be a JSON integer (gqlparser accepts the string "5"). Every refusal is a
// GRAPHQL_VALIDATION_FAILED error that quotes at most a short prefix of the value.

// validationRules are gqlparser's rules with one more: literals of the built-in scalars are
// not objects.
func validationRules() *rules.Rules {
	r := rules.NewDefaultRules()
	r.AddRule("ScalarLiteralsAreNotObjects", func(observers *core.Events, addError core.AddErrFunc) {
		observers.OnValue(func(_ *core.Walker, value *ast.Value) {
			if value.Kind != ast.ObjectValue || value.Definition == nil || value.Definition.Kind != ast.Scalar {
				return
			}
			addError(core.Message(`%s cannot represent an object: expected a value of type "%s"`,
				value.Definition.Name, value.ExpectedType.String()), core.At(value.Position))
		})
	})
	return r
}

// sameRulesAsExecutor are the rules gqlgen's executor validates a document with, built once
// and sorted by name as gqlparser orders them: validationRules, with the two rules the
// executor swaps in when suggestions are on (they are: the server never turns them off).
func sameRulesAsExecutor() []validator.Rule {
	r := validationRules()
	r.RemoveRule("FieldsOnCorrectTypeWithoutSuggestions")
	r.AddRule(rules.FieldsOnCorrectTypeRule.Name, rules.FieldsOnCorrectTypeRule.RuleFunc)
	r.RemoveRule("ScalarLeafsWithoutSuggestions")
	r.AddRule(rules.ScalarLeafsRule.Name, rules.ScalarLeafsRule.RuleFunc)
	var sorted []validator.Rule
	for name, f := range r.GetInner() {
		sorted = append(sorted, validator.Rule{Name: name, RuleFunc: f})
	}
	slices.SortFunc(sorted, func(a, b validator.Rule) int { return strings.Compare(a.Name, b.Name) })
	return sorted
}

// variableCheck checks the variables of a request against the types of the operation's
// variable definitions before gqlparser coerces them.
type variableCheck struct {
	schema          *ast.Schema
	validated       graphql.Cache[*ast.QueryDocument]
	maxParserTokens int
}

var _ interface {
	graphql.OperationParameterMutator
	graphql.HandlerExtension
} = &variableCheck{}

func (*variableCheck) ExtensionName() string { return "VariableCheck" }

func (c *variableCheck) Validate(schema graphql.ExecutableSchema) error {
	c.schema = schema.Schema()
	return nil
}

func (c *variableCheck) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" || len(p.Variables) == 0 {
		return nil
	}
	doc, ok := c.validated.Get(ctx, p.Query)
	if !ok {
		var err error
		if doc, err = parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, c.maxParserTokens); err != nil {
			return nil // gqlgen reports it
		}
	}
	var op *ast.OperationDefinition
	if p.OperationName == "" && len(doc.Operations) == 1 {
		op = doc.Operations[0]
	} else {
		op = doc.Operations.ForName(p.OperationName)
	}
	if op == nil {
		return nil // gqlgen reports it
	}
	for _, def := range op.VariableDefinitions {
		v, given := p.Variables[def.Variable]
		if !given {
			continue
		}
		if err := c.value(v, def.Type, ast.Path{ast.PathName("variable"), ast.PathName(def.Variable)}, kg.QuoteChars(ctx)); err != nil {
			return err
		}
	}
	return nil
}

// value checks v against t, an error quoting the first quote characters of a value; the
// unknown (a custom scalar, a type not in the schema) is left to gqlparser and the scalar's
// own unmarshalling.
func (c *variableCheck) value(v any, t *ast.Type, path ast.Path, quote int) *gqlerror.Error {
	if v == nil || t == nil {
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return c.value(v, t.Elem, path, quote) // a single value stands for a list of one
		}
		for i, item := range list {
			if err := c.value(item, t.Elem, append(path, ast.PathIndex(i)), quote); err != nil {
				return err
			}
		}
		return nil
	}
	def := c.schema.Types[t.NamedType]
	if def == nil {
		return nil
	}
	bad := func(why string) *gqlerror.Error {
		err := gqlerror.ErrorPathf(append(ast.Path(nil), path...), "%s cannot represent %s: %s", def.Name, kg.Describe(v).Quote(quote), why)
		errcode.Set(err, errcode.ValidationFailed)
		return err
	}
	switch def.Kind {
	case ast.Scalar:
		if why := scalarProblem(def.Name, v); why != "" {
			return bad(why)
		}
	case ast.Enum:
		s, ok := v.(string)
		if !ok {
			return bad("send the value's name as a string")
		}
		if def.EnumValues.ForName(s) == nil {
			return bad("not one of its values")
		}
	case ast.InputObject:
		fields, ok := v.(map[string]any)
		if !ok {
			return bad("send a JSON object")
		}
		return c.fields(fields, def, path, quote)
	}
	return nil
}

// scalarProblem says why v, decoded from JSON, is no value of the built-in scalar name, or
// "" when it is one (or name is a custom scalar).
func scalarProblem(name string, v any) string {
	switch name {
	case "Int":
		n, ok := v.(json.Number)
		if !ok {
			return "send a JSON integer"
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange), err == nil && (i < math.MinInt32 || i > math.MaxInt32):
			return "out of the range of a 32-bit integer"
		case err != nil:
			return "not an integer"
		}
	case "Float":
		if _, ok := v.(json.Number); !ok {
			return "send a JSON number"
		}
	case "String":
		if _, ok := v.(string); !ok {
			return "send a JSON string"
		}
	case "Boolean":
		if _, ok := v.(bool); !ok {
			return "send true or false"
		}
	case "ID":
		switch v := v.(type) {
		case string:
		case json.Number:
			if _, err := strconv.ParseInt(string(v), 10, 64); err != nil {
				return "send a string or an integer"
			}
		default:
			return "send a string or an integer"
		}
	}
	return ""
}

// fields checks the fields of an input object of type def, refusing one def lacks.
func (c *variableCheck) fields(fields map[string]any, def *ast.Definition, path ast.Path, quote int) *gqlerror.Error {
	for name, fv := range fields {
		f := def.Fields.ForName(name)
		if f == nil {
			err := gqlerror.ErrorPathf(append(ast.Path(nil), path...), "%s has no field %s", def.Name, kg.QuoteInput(name).Quote(quote))
			errcode.Set(err, errcode.ValidationFailed)
			return err
		}
		if err := c.value(fv, f.Type, append(path, ast.PathName(name)), quote); err != nil {
			return err
		}
	}
	return nil
}
