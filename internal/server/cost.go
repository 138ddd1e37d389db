package server

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/treatygraph/treatygraph/graph"
)

// The cost of an operation is an upper bound on how many values its answer can hold, known
// before anything runs:
//
//   - every field costs 1, plus the cost of the fields selected inside it;
//   - a list with a first argument (search) multiplies what is selected inside it by first:
//     20 when not given, never more than the page limit (Config.MaxFirst: a larger first is
//     refused by the resolver with BAD_USER_INPUT);
//   - nodes(ids:) multiplies by the number of IDs;
//   - an actor's stints and organizations (members, memberships) multiply by
//     StintListSizeEstimate, any other list of objects (citations ...) by ListSizeEstimate;
//   - in a connection, edges and nodes multiply by its first; totalCount and pageInfo do not;
//   - introspection fields cost 1 each, their lists multiplied by ListSizeEstimate;
//   - fields that run SQL over many rows add what that SQL reads (costsql.go).
//
// Fragments are costed once per request and reused wherever they are spread.
const (
	// ListSizeEstimate is how many items a list without first is assumed to hold.
	ListSizeEstimate = 10
	// StintListSizeEstimate is how many items a list of an actor's stints or organizations is
	// assumed to hold when the database cannot say: the server reads the real bound, the
	// longest such list in the graph (France's 268 stints in the COW IGO dataset), at start.
	// Nested stint lists multiply quickly: a state's organizations' members' organizations
	// would be millions of values.
	StintListSizeEstimate = 300
)

// stintLists are the list fields that hold an actor's stints or organizations, by type and
// field name.
var stintLists = map[string]bool{
	"State.memberships": true, "Organization.memberships": true, "Actor.memberships": true,
	"Organization.members": true, "State.organizations": true,
}

const costStatsKey = "treatygraph.cost"

// costLimit computes the cost of the operation about to run, with its variables, and refuses
// it when over maxCost. rows are the row counts of the database's tables; stintList is how
// many items a list of an actor's stints may hold; maxFirst is the largest page the resolvers
// return.
type costLimit struct {
	// budget, when set, bounds the costs of the operations being executed at once; an
	// operation waits for room until timeout.
	budget    *budget
	answers   *responseCache // looked up before reserving: a kept answer reserves nothing
	timeout   time.Duration
	rows      map[string]int
	stintList int
	maxCost   int
	maxFirst  int
	pathLinks int // the most links a path search reads
}

var _ interface {
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = costLimit{stintList: StintListSizeEstimate}

func (costLimit) ExtensionName() string                          { return "CostLimit" }
func (costLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (l costLimit) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	c := &costWalker{vars: opCtx.Variables, fragments: map[fragmentAt]int{}, rows: l.rows, stintList: l.stintList, maxFirst: l.maxFirst, pathLinks: l.pathLinks}
	cost := c.selectionSet(opCtx.Operation.SelectionSet, false, 0)
	opCtx.Stats.SetExtension(costStatsKey, cost)
	if info := infoFrom(ctx); info != nil {
		info.setOperation(opCtx.Operation.Name, cost)
	}
	if cost > l.maxCost {
		return refusalAt(opCtx.Operation.Position, CodeComplexityLimitExceeded,
			"the query costs %s, more than the limit of %d: ask for smaller pages (first), fewer nested lists or fewer fields",
			countString(cost), l.maxCost)
	}
	if l.answers.enabled() {
		if key, k, ok := l.answers.lookup(opCtx); ok {
			opCtx.Stats.SetExtension(keptStatsKey, keptLookup{key: key, kept: k})
			if k != nil {
				return nil // a kept answer builds nothing: it reserves nothing
			}
		}
	}
	if l.budget != nil {
		reserved, ok := l.budget.reserve(ctx, cost)
		if !ok {
			// It waited for others to finish until its time ran out.
			return timeoutError(l.timeout)
		}
		opCtx.Stats.SetExtension(reservedStatsKey, reserved)
	}
	return nil
}

const reservedStatsKey = "treatygraph.reserved"

// releaseReserved gives back the cost an operation reserved, once its answer is built.
func releaseReserved(ctx context.Context, b *budget) {
	if b == nil || !graphql.HasOperationContext(ctx) {
		return
	}
	stats := &graphql.GetOperationContext(ctx).Stats
	if r, ok := stats.GetExtension(reservedStatsKey).(reservation); ok {
		b.release(r)
		stats.SetExtension(reservedStatsKey, reservation{})
	}
}

// operationCost is the cost computed for the request in ctx, or 0 before it was computed.
func operationCost(ctx context.Context) int {
	if !graphql.HasOperationContext(ctx) {
		return 0
	}
	n, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(costStatsKey).(int)
	return n
}

type costWalker struct {
	vars      map[string]any
	fragments map[fragmentAt]int
	rows      map[string]int // rows of each table
	countScan int            // what totalCount costs in the connection being walked
	listSize  int            // the size of the lists being walked when their parent fixes it
	stintList int            // how many items a list of an actor's stints may hold
	maxFirst  int            // the largest page the resolvers return
	pathLinks int            // the most links a path search reads
}

// fragmentAt is a fragment costed under a connection with a given page size: the edges and
// nodes inside it multiply by that size, and totalCount costs the connection's scan.
type fragmentAt struct {
	name       string
	page, scan int
	listSize   int
}

// selectionSet costs the fields of set; page is the first of the connection whose fields set
// selects, or 0 outside a connection.
func (c *costWalker) selectionSet(set ast.SelectionSet, introspection bool, page int) int {
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			total = satAdd(total, c.field(sel, introspection, page))
		case *ast.InlineFragment:
			total = satAdd(total, c.selectionSet(sel.SelectionSet, introspection, page))
		case *ast.FragmentSpread:
			total = satAdd(total, c.fragment(sel, introspection, page))
		}
	}
	return total
}

func (c *costWalker) fragment(spread *ast.FragmentSpread, introspection bool, page int) int {
	if spread.Definition == nil {
		return 0
	}
	if introspection {
		return c.selectionSet(spread.Definition.SelectionSet, true, 0)
	}
	key := fragmentAt{spread.Name, page, c.countScan, c.listSize}
	if n, ok := c.fragments[key]; ok {
		return n
	}
	c.fragments[key] = 0 // validation refuses cycles; this only stops a walk into one
	n := c.selectionSet(spread.Definition.SelectionSet, false, page)
	c.fragments[key] = n
	return n
}

func (c *costWalker) field(f *ast.Field, introspection bool, page int) int {
	if introspection || strings.HasPrefix(f.Name, "__") || f.Definition == nil {
		m := 1
		if f.Definition != nil && f.Definition.Type.Elem != nil {
			m = ListSizeEstimate
		}
		return satAdd(1, satMul(m, c.selectionSet(f.SelectionSet, true, 0)))
	}
	def := f.Definition
	work, listSize := c.sqlCost(f)
	if f.Name == "totalCount" && f.ObjectDefinition != nil && strings.HasSuffix(f.ObjectDefinition.Name, "Connection") {
		work = satAdd(work, c.countScan)
	}
	first, hasFirst := c.first(f)
	m := 1
	switch {
	case hasFirst:
		m = first
	case def.Type.Elem == nil:
		m = 1
	case def.Arguments.ForName("ids") != nil:
		m = c.count(f, "ids")
	case page > 0 && f.ObjectDefinition != nil && strings.HasSuffix(f.ObjectDefinition.Name, "Connection"):
		m = page
	case c.listSize > 0:
		m = c.listSize
	case f.ObjectDefinition != nil && stintLists[f.ObjectDefinition.Name+"."+f.Name]:
		m = c.stintList
		if n, ok := c.narrowed(f); ok {
			m = min(m, n)
		}
	default:
		m = ListSizeEstimate
	}
	savedScan, savedSize := c.countScan, c.listSize
	defer func() { c.countScan, c.listSize = savedScan, savedSize }()
	c.listSize = listSize
	if def.Type.Elem == nil && strings.HasSuffix(def.Type.Name(), "Connection") {
		// A page: its edges and nodes multiply by first, its totalCount and pageInfo do not;
		// totalCount reads every row that matches.
		c.countScan = 0
		if table := nodeTable(def.Type); table != "" && atRoot(f) {
			c.countScan = c.scan(table) // below the root, a connection reads its parent's rows only
		}
		return satAdd(satAdd(1, work), c.selectionSet(f.SelectionSet, false, first))
	}
	c.countScan = 0
	return satAdd(satAdd(1, work), satMul(m, c.selectionSet(f.SelectionSet, false, 0)))
}

// narrowed bounds a stint list whose filter names its organizations or members: a few stints
// for each one named (ListSizeEstimate).
func (c *costWalker) narrowed(f *ast.Field) (int, bool) {
	n, ok := c.narrowedBy(fieldArgs(f, c.vars)["filter"])
	return min(n, c.stintList), ok
}

// narrowedBy bounds the stints a membership filter selects when it names organizations or
// members: ListSizeEstimate for each one named.
func (c *costWalker) narrowedBy(arg any) (int, bool) {
	filter, _ := arg.(map[string]any)
	best, ok := 0, false
	for _, key := range []string{"organization", "member"} {
		sf, _ := filter[key].(map[string]any)
		n := 0
		switch in := sf["in"].(type) {
		case []any:
			n = len(in)
		case nil:
		default:
			n = 1
		}
		if sf["eq"] != nil {
			n = 1
		}
		if n > 0 && (!ok || n*ListSizeEstimate < best) {
			best, ok = n*ListSizeEstimate, true
		}
	}
	return best, ok
}

// first is the page size a field asks for: its first argument, DefaultFirst when not given,
// at most maxFirst (a larger first is refused by the resolver). hasFirst is false for fields
// without a first argument.
func (c *costWalker) first(f *ast.Field) (n int, hasFirst bool) {
	if f.Definition.Arguments.ForName("first") == nil {
		return graph.DefaultFirst, false
	}
	n = graph.DefaultFirst
	if v, ok := toInt(f.ArgumentMap(c.vars)["first"]); ok {
		n = min(max(v, 0), c.maxFirst)
	}
	return n, true
}

// count is how many values a list argument holds.
func (c *costWalker) count(f *ast.Field, arg string) int {
	switch v := f.ArgumentMap(c.vars)[arg].(type) {
	case []any:
		return len(v)
	case nil:
		return 0
	default:
		return 1 // a single value stands for a list of one
	}
}

// toInt reads an Int argument as the parser (literals) or the JSON decoder (variables) gave it.
func toInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int32:
		return int(v), true
	case int64:
		return clampInt64(v), true
	case float64:
		switch {
		case math.IsNaN(v):
			return 0, false
		case v > math.MaxInt32:
			return math.MaxInt32, true
		case v < math.MinInt32:
			return math.MinInt32, true
		}
		return int(v), true
	case json.Number:
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return clampInt64(n), true
		}
		if f, err := v.Float64(); err == nil {
			return toInt(f)
		}
	}
	return 0, false
}

func clampInt64(v int64) int {
	return int(max(min(v, math.MaxInt32), math.MinInt32))
}

// addExtensions reports in every answer what the query cost, the most it may cost, and the
// version of the dataset that answered it (the hash of the seeds), in the manner of
// Shopify's extensions.cost and GitHub's rateLimit.cost.
func addExtensions(ctx context.Context, resp *graphql.Response, version string, maxCost int) {
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["cost"] = costExtension{MaximumAvailable: maxCost, RequestedQueryCost: operationCost(ctx)}
	resp.Extensions["datasetVersion"] = version
}

// costExtension is extensions.cost of an answer, its members in the order json.Marshal writes
// a map's: a struct is encoded without reflecting over a map on every answer.
type costExtension struct {
	MaximumAvailable   int `json:"maximumAvailable"`
	RequestedQueryCost int `json:"requestedQueryCost"`
}
