package server

import (
	"context"
	"unsafe"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/treatygraph/treatygraph/internal/lru"
)

// DefaultQueryCacheBytes bounds the memory the parsed and validated documents kept hold. A
// parsed document takes 15 to 120 times the bytes of its text (a list literal of small
// numbers is the worst), so the cache is bounded by an estimate of what each document holds,
// not by their number or their text.
const DefaultQueryCacheBytes = 32 << 20

// docCache is a least-recently-used cache of validated documents bounded by the estimated
// bytes they hold and by QueryCacheEntries.
//
// A document is kept the second time it is seen (seen): the first time, it is kept for its
// own request only, in the request's requestInfo, where the executor and variableCheck find
// it as they would find a kept one. Most documents a server sees are asked once; keeping
// them cost an entry each, and their trees stayed in memory for the garbage collector to
// walk until documents asked again pushed them out. A request without a requestInfo (a
// handler built without observe) has its documents kept the first time.
type docCache struct {
	cache *lru.Cache[string, *ast.QueryDocument]
	seen  seenFilter
}

func newDocCache(maxBytes int) *docCache {
	return &docCache{cache: lru.New[string, *ast.QueryDocument](maxBytes, QueryCacheEntries)}
}

// Get returns the document kept for query, or validated for query in this request.
func (c *docCache) Get(ctx context.Context, query string) (*ast.QueryDocument, bool) {
	if doc := infoFrom(ctx).document(query); doc != nil {
		return doc, true
	}
	return c.cache.Get(query)
}

// Add keeps doc, dropping the least recently used documents until it fits. A document longer
// than MaxCachedQueryBytes or larger than a quarter of the budget is not kept; one not seen
// lately is kept for its request only.
func (c *docCache) Add(ctx context.Context, query string, doc *ast.QueryDocument) {
	if len(query) > MaxCachedQueryBytes {
		return
	}
	if info := infoFrom(ctx); info != nil && !c.seen.seenBefore(query) {
		info.setDocument(query, doc)
		return
	}
	c.cache.Add(query, doc, documentBytes(query, doc))
}

// Sizes of the nodes of a document, each with the position it carries and the slice entry
// that points to it.
const (
	nodeOverhead  = int(unsafe.Sizeof(ast.Position{})) + 8
	fieldBytes    = int(unsafe.Sizeof(ast.Field{})) + nodeOverhead + 16
	argumentBytes = int(unsafe.Sizeof(ast.Argument{})) + nodeOverhead
	valueBytes    = int(unsafe.Sizeof(ast.Value{})) + nodeOverhead + int(unsafe.Sizeof(ast.ChildValue{}))
	spreadBytes   = int(unsafe.Sizeof(ast.FragmentSpread{})) + nodeOverhead + 16
	inlineBytes   = int(unsafe.Sizeof(ast.InlineFragment{})) + nodeOverhead + 16
	directiveByte = int(unsafe.Sizeof(ast.Directive{})) + nodeOverhead
	operationByte = int(unsafe.Sizeof(ast.OperationDefinition{})) + nodeOverhead
	fragmentBytes = int(unsafe.Sizeof(ast.FragmentDefinition{})) + nodeOverhead
	variableBytes = int(unsafe.Sizeof(ast.VariableDefinition{})) + nodeOverhead + int(unsafe.Sizeof(ast.Type{}))
	// allocation slack: slices grown by appending hold up to twice what they use
	growthFactor = 2
)

// documentBytes estimates the memory a parsed and validated document holds: its text and
// every node, with the slack of the slices holding them.
func documentBytes(query string, doc *ast.QueryDocument) int {
	n := 0
	for _, op := range doc.Operations {
		n += operationByte + directivesBytes(op.Directives) + selectionBytes(op.SelectionSet)
		for _, v := range op.VariableDefinitions {
			n += variableBytes + valueBytesOf(v.DefaultValue) + directivesBytes(v.Directives)
		}
	}
	for _, f := range doc.Fragments {
		n += fragmentBytes + directivesBytes(f.Directives) + selectionBytes(f.SelectionSet)
	}
	return len(query) + growthFactor*n
}

func selectionBytes(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			n += fieldBytes + directivesBytes(sel.Directives) + selectionBytes(sel.SelectionSet)
			for _, a := range sel.Arguments {
				n += argumentBytes + valueBytesOf(a.Value)
			}
		case *ast.FragmentSpread:
			n += spreadBytes + directivesBytes(sel.Directives)
		case *ast.InlineFragment:
			n += inlineBytes + directivesBytes(sel.Directives) + selectionBytes(sel.SelectionSet)
		}
	}
	return n
}

func directivesBytes(list ast.DirectiveList) int {
	n := 0
	for _, d := range list {
		n += directiveByte
		for _, a := range d.Arguments {
			n += argumentBytes + valueBytesOf(a.Value)
		}
	}
	return n
}

func valueBytesOf(v *ast.Value) int {
	if v == nil {
		return 0
	}
	n := valueBytes
	for _, c := range v.Children {
		n += valueBytesOf(c.Value)
	}
	return n
}

// DefaultGCPercent is the garbage collector's target (GOGC) that serve sets: the heap may
// grow to five times what is live before a collection, rather than twice, while the soft
// memory limit (serve's -memory-limit) still caps it. A fresh request allocates a few
// hundred small objects, so collections were a fifth of its processor time at Go's default
// of 100 (BENCHMARKS.md, "Execution per object").
const DefaultGCPercent = 400
