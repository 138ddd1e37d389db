package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Default limits of a request, each a flag of the serve command and a field of Config. Each is
// checked before any SQL runs and refused with a GraphQL error whose message names what was
// wrong and the limit, and whose extensions.code says which limit it was.
const (
	// DefaultMaxBodyBytes is the largest POST body read; a larger one is answered with HTTP 413.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultMaxParserTokens is the most lexical tokens (names, punctuation, values) a document may
	// hold; the parser stops at the next one.
	DefaultMaxParserTokens = 10_000
	// DefaultMaxDepth is how deeply fields may nest in an operation, fragments expanded.
	// Introspection (__schema, __type) is not counted: gqlparser's MaxIntrospectionDepth
	// rule bounds it, and GraphiQL's own introspection query nests 13 levels.
	DefaultMaxDepth = 10
	// DefaultMaxSelectionFields is the most fields one selection set may select: aliases, repeats
	// of a field and the fields of the fragments it spreads count each time. Validating
	// repeated fields takes time that grows with the square of their number.
	DefaultMaxSelectionFields = 100
	// DefaultMaxFields is the most fields an operation may select, each fragment counted every
	// time it is spread, so that fragments spreading fragments cannot multiply a small
	// document into a huge one.
	DefaultMaxFields = 1_000
	// DefaultMaxDirectives is the most directives one field, fragment or operation may carry.
	DefaultMaxDirectives = 4
	// DefaultMaxCost is the highest cost an operation may have (see cost.go). Lists of stints are
	// priced at the longest in the graph (about 340 with three sources), so that two nested
	// ones under one node, such as an organization's members' memberships with their
	// footnotes, fit, and three, or two under a page, do not.
	DefaultMaxCost = 3_000_000
	// DefaultMaxErrors is the most errors one response lists; the rest are summed up in one more.
	DefaultMaxErrors = 100
	// DefaultTimeout bounds each GraphQL request; when it passes, the running SQL statement
	// is cancelled and the request answered with a TIMEOUT error.
	DefaultTimeout = 10 * time.Second
)

// Codes of the refusals of this package, in extensions.code. Parse and validation errors keep
// gqlgen's GRAPHQL_PARSE_FAILED and GRAPHQL_VALIDATION_FAILED.
const (
	CodeBadRequest              = "BAD_REQUEST"
	CodeRequestTooLarge         = "REQUEST_TOO_LARGE"
	CodeUnsupportedMediaType    = "UNSUPPORTED_MEDIA_TYPE"
	CodeMethodNotAllowed        = "METHOD_NOT_ALLOWED"
	CodeBatchingNotSupported    = "BATCHING_NOT_SUPPORTED"
	CodeDepthLimitExceeded      = "DEPTH_LIMIT_EXCEEDED"
	CodeSelectionLimitExceeded  = "SELECTION_LIMIT_EXCEEDED"
	CodeFieldLimitExceeded      = "FIELD_LIMIT_EXCEEDED"
	CodeDirectiveLimitExceeded  = "DIRECTIVE_LIMIT_EXCEEDED"
	CodeComplexityLimitExceeded = "COMPLEXITY_LIMIT_EXCEEDED"
	CodeTooManyErrors           = "TOO_MANY_ERRORS"
	CodeTimeout                 = "TIMEOUT"
	CodePersistedQueryNotFound  = "PERSISTED_QUERY_NOT_FOUND"
	CodeTrustedDocumentRequired = "TRUSTED_DOCUMENT_REQUIRED"
)

func init() {
	// Refusals of the request itself, like parse and validation errors: nothing executed;
	// HTTP 400 for clients asking for application/graphql-response+json, 200 for the others
	// (see requestErrorStatus).
	for _, code := range []string{
		CodeBadRequest, CodeDepthLimitExceeded, CodeSelectionLimitExceeded, CodeFieldLimitExceeded,
		CodeDirectiveLimitExceeded, CodeComplexityLimitExceeded, CodeTrustedDocumentRequired,
	} {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

// quoteChars makes the requests to next carry n, how many characters of a client's value
// their error messages quote (kg.QuoteChars); the default needs nothing carried.
func quoteChars(n int, next http.Handler) http.Handler {
	if n == kg.DefaultQuotePrefix {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(kg.WithQuoteChars(r.Context(), n)))
	})
}

// refusal is a request refused with a code before it reaches the executor.
func refusal(code, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": code}}
}

func refusalAt(pos *ast.Position, code, format string, args ...any) *gqlerror.Error {
	err := refusal(code, format, args...)
	if pos != nil {
		err.Locations = []gqlerror.Location{{Line: pos.Line, Column: pos.Column}}
	}
	return err
}

// documentLimits checks the shape of a document before it is validated: validation itself
// takes time that grows with the square of repeated fields and with every expansion of a
// fragment, so a document over these limits must not reach it. Documents already in the
// query cache have passed (only valid documents are cached) and are not checked again.
//
// A document within the limits is then validated here, with the rules gqlgen's executor
// uses (sameRulesAsExecutor), and kept in the query cache when it is valid (for its request
// only, the first time it is seen: docCache): the executor finds it there and neither parses
// nor validates it again, and neither does variableCheck.
// A fresh document is so parsed once rather than three times. An invalid one is left to the
// executor, which parses and validates it again and reports its errors in its own words.
type documentLimits struct {
	validated graphql.Cache[*ast.QueryDocument]
	limits    docLimits
	schema    *ast.Schema
	rules     []validator.Rule
}

// docLimits are the limits on the shape of a document.
type docLimits struct {
	parserTokens, depth, selectionFields, fields, directives int
}

// docLimits are cfg's limits on documents; cfg has its defaults applied.
func (cfg Config) docLimits() docLimits {
	return docLimits{parserTokens: cfg.MaxParserTokens, depth: cfg.MaxDepth, selectionFields: cfg.MaxSelectionFields,
		fields: cfg.MaxFields, directives: cfg.MaxDirectives}
}

var _ interface {
	graphql.OperationParameterMutator
	graphql.HandlerExtension
} = &documentLimits{}

func (*documentLimits) ExtensionName() string { return "DocumentLimits" }

func (d *documentLimits) Validate(schema graphql.ExecutableSchema) error {
	d.schema, d.rules = schema.Schema(), sameRulesAsExecutor()
	return nil
}

func (d *documentLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	if _, ok := d.validated.Get(ctx, p.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, d.limits.parserTokens)
	if err != nil {
		return nil // gqlgen parses the document again and reports the error in its own words
	}
	if err := checkDocument(doc, d.limits); err != nil {
		return err
	}
	if d.schema != nil && len(doc.Operations) > 0 && len(validator.ValidateWithSources(d.schema, doc, d.rules...)) == 0 {
		d.validated.Add(ctx, p.Query, doc)
	}
	return nil
}

// checkDocument checks depth, breadth, field count and directives of every operation of doc.
func checkDocument(doc *ast.QueryDocument, limits docLimits) *gqlerror.Error {
	w := &shapeWalker{limits: limits}
	if len(doc.Fragments) > 0 { // most documents have none: no maps for them
		w.fragments = make(map[string]*ast.FragmentDefinition, len(doc.Fragments))
		w.memo, w.visiting = map[string]shape{}, map[string]bool{}
	}
	for _, f := range doc.Fragments {
		w.fragments[f.Name] = f
	}
	for _, f := range doc.Fragments {
		if err := w.directives(f.Directives, f.Position, place{"fragment ", f.Name, ""}); err != nil {
			return err
		}
	}
	for _, op := range doc.Operations {
		name := place{"the operation", "", ""}
		if op.Name != "" {
			name = place{"operation ", op.Name, ""}
		}
		if err := w.directives(op.Directives, op.Position, name); err != nil {
			return err
		}
		s := w.selectionSet(op.SelectionSet, op.Position, name)
		if w.err != nil {
			return w.err
		}
		if s.depth > limits.depth {
			return refusalAt(op.Position, CodeDepthLimitExceeded,
				"%s nests fields %d levels deep, more than the limit of %d (introspection fields are not counted)",
				name.String(), s.depth, limits.depth)
		}
		if s.fields > limits.fields {
			return refusalAt(op.Position, CodeFieldLimitExceeded,
				"%s selects %s fields, counting a fragment's fields each time it is spread, more than the limit of %d",
				name.String(), countString(s.fields), limits.fields)
		}
	}
	return nil
}

// shape is what the limits need to know of a selection set.
type shape struct {
	width  int // fields selected at this level, fragments expanded
	fields int // fields selected at every level, fragments expanded
	depth  int // levels of fields, introspection not counted
}

// shapeWalker measures selection sets, each fragment once: a fragment spread many times
// is measured at its first spread and reused, so measuring stays linear in the document
// however many times fragments multiply each other.
type shapeWalker struct {
	limits    docLimits
	fragments map[string]*ast.FragmentDefinition
	memo      map[string]shape
	visiting  map[string]bool
	err       *gqlerror.Error
}

// place names where in a document a limit is exceeded, for the error: the prefix, name and
// suffix joined. Joined only for an error, not for every field measured.
type place struct{ prefix, name, suffix string }

func (p place) String() string { return p.prefix + p.name + p.suffix }

func (w *shapeWalker) selectionSet(set ast.SelectionSet, pos *ast.Position, where place) shape {
	s := w.level(set)
	if w.err == nil && s.width > w.limits.selectionFields {
		w.err = refusalAt(pos, CodeSelectionLimitExceeded,
			"the selection of %s selects %s fields, more than the limit of %d (aliases, repeated fields and the fields of fragments count each time)",
			where.String(), countString(s.width), w.limits.selectionFields)
	}
	return s
}

// level measures one selection set, merging in the fragments it spreads.
func (w *shapeWalker) level(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		if w.err != nil {
			return s
		}
		switch sel := sel.(type) {
		case *ast.Field:
			if w.err = w.directives(sel.Directives, sel.Position, place{"field ", sel.Alias, ""}); w.err != nil {
				return s
			}
			s.width = satAdd(s.width, 1)
			child := w.selectionSet(sel.SelectionSet, sel.Position, place{`"`, sel.Alias, `"`})
			s.fields = satAdd(s.fields, satAdd(1, child.fields))
			if sel.Name != "__schema" && sel.Name != "__type" {
				s.depth = max(s.depth, 1+child.depth)
			}
		case *ast.InlineFragment:
			if w.err = w.directives(sel.Directives, sel.Position, place{"an inline fragment", "", ""}); w.err != nil {
				return s
			}
			s = merge(s, w.level(sel.SelectionSet))
		case *ast.FragmentSpread:
			if w.err = w.directives(sel.Directives, sel.Position, place{"the spread of ", sel.Name, ""}); w.err != nil {
				return s
			}
			s = merge(s, w.fragment(sel.Name))
		}
	}
	return s
}

// fragment measures a named fragment once. An unknown fragment or a cycle measures nothing
// here: validation refuses both.
func (w *shapeWalker) fragment(name string) shape {
	if s, ok := w.memo[name]; ok {
		return s
	}
	def := w.fragments[name]
	if def == nil || w.visiting[name] {
		return shape{}
	}
	w.visiting[name] = true
	s := w.selectionSet(def.SelectionSet, def.Position, place{"fragment ", name, ""})
	delete(w.visiting, name)
	w.memo[name] = s
	return s
}

func (w *shapeWalker) directives(list ast.DirectiveList, pos *ast.Position, where place) *gqlerror.Error {
	if len(list) > w.limits.directives {
		return refusalAt(pos, CodeDirectiveLimitExceeded,
			"%s carries %d directives, more than the limit of %d", where.String(), len(list), w.limits.directives)
	}
	return nil
}

func merge(a, b shape) shape {
	return shape{width: satAdd(a.width, b.width), fields: satAdd(a.fields, b.fields), depth: max(a.depth, b.depth)}
}

// satAdd adds without overflowing: counts of fragments spreading fragments grow
// exponentially, and an overflow must not make a huge document look small.
func satAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// satMul multiplies non-negative counts without overflowing.
func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}

func countString(n int) string {
	if n == math.MaxInt {
		return "too many"
	}
	return fmt.Sprint(n)
}

// timeoutError is the one error of a request that ran out of time.
func timeoutError(timeout time.Duration) *gqlerror.Error {
	return refusal(CodeTimeout, "the request took longer than the limit of %s and was stopped", timeout)
}

// collapseTimeouts keeps one TIMEOUT error, without a path, of the many a request that ran out
// of time collects, one from every field still resolving.
func collapseTimeouts(resp *graphql.Response, timeout time.Duration) {
	kept := resp.Errors[:0]
	timedOut := false
	for _, e := range resp.Errors {
		if e.Extensions["code"] == CodeTimeout {
			timedOut = true
			continue
		}
		kept = append(kept, e)
	}
	if timedOut {
		kept = append(kept, timeoutError(timeout))
	}
	resp.Errors = kept
}

// truncateErrors keeps the first limit errors of a response and says how many more there were.
func truncateErrors(resp *graphql.Response, limit int) {
	if n := len(resp.Errors); n > limit {
		resp.Errors = append(resp.Errors[:limit], refusal(CodeTooManyErrors,
			"%d more errors are not listed: a response lists at most %d", n-limit, limit))
	}
}
