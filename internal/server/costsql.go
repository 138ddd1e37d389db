package server

import (
	"strings"
	"unicode"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/treatygraph/treatygraph/graph"
)

// The cost of SQL work. Besides the values an answer can hold, a field costs the rows its SQL
// may read, known from the row counts ANALYZE recorded in the database:
//
//   - at the root, totalCount, and a connection or list with a filter, scan their table: its
//     rows divided by ScanRowsPerCost (below the root, lists read their parent's rows by index);
//   - search scans its index: all of it for a word shorter than ShortSearchPrefix, which
//     matches as a prefix of most words, and a SearchScanShare of it otherwise;
//   - eventCounts, membershipCounts, militaryStrengthStats and membershipChanges scan their
//     table;
//   - neighborhood reads maxNodes nodes and their links at each of depth levels: maxNodes
//     times depth times NeighborhoodCostPerNode, and its nodes and edges multiply by maxNodes;
//   - path searches the links once per hop: maxHops scans of the links table.
//
// The constants are set from measurements at 200 times the seeds (BENCHMARKS.md): a row
// scanned costs about 7 µs there, and MaxCost is meant to be about 2 s of work.
const (
	ScanRowsPerCost         = 2
	ShortSearchPrefix       = 3
	SearchScanShare         = 10 // a tenth of the index for longer words
	NeighborhoodCostPerNode = 4
)

// nodeTables maps node types to the tables that hold them.
var nodeTables = map[string]string{
	"State": "actors", "Organization": "actors", "Person": "people", "Place": "places",
	"Event": "events", "Citation": "citations", "Membership": "memberships", "Position": "positions",
	"MilitaryStrength": "figures", "Quote": "quotes", "Document": "documents", "Provision": "provisions",
}

// aggregateTables maps the root fields that read a whole table to it.
var aggregateTables = map[string]string{
	"eventCounts": "events", "membershipCounts": "memberships", "militaryStrengthStats": "figures",
	"militaryStrengths": "figures", "membershipChanges": "memberships",
}

// scan is the cost of reading every row of a table.
func (c *costWalker) scan(table string) int {
	return c.rows[table]/ScanRowsPerCost + 1
}

// nodeTable is the table of the items of a list or connection type, or "".
func nodeTable(t *ast.Type) string {
	name := t.Name()
	return nodeTables[strings.TrimSuffix(name, "Connection")]
}

// sqlCost is the cost of the SQL a field runs beyond the values it returns, and the size its
// lists of objects have when the field fixes it (0 when it does not).
func (c *costWalker) sqlCost(f *ast.Field) (cost, listSize int) {
	args := f.ArgumentMap(c.vars)
	switch f.Name {
	case "search":
		text, _ := args["text"].(string)
		share := SearchScanShare
		if shortestWord(text) < ShortSearchPrefix {
			share = 1
		}
		return c.scan("search_content") / share, 0
	case "neighborhood":
		nodes := intArg(args, "maxNodes", graph.DefaultMaxNodes, 1, graph.MaxMaxNodes)
		depth := intArg(args, "depth", graph.DefaultDepth, 1, graph.MaxDepth)
		return satMul(satMul(nodes, depth), NeighborhoodCostPerNode), nodes
	case "path":
		return satMul(intArg(args, "maxHops", graph.DefaultHops, 1, graph.MaxHops), c.scan("edges")), 0
	}
	if !atRoot(f) {
		return 0, 0 // below the root, lists read their parent's rows by index
	}
	if table, ok := aggregateTables[f.Name]; ok {
		return c.scan(table), 0
	}
	if args["filter"] != nil {
		if table := nodeTable(f.Definition.Type); table != "" {
			return c.scan(table), 0
		}
	}
	return 0, 0
}

// atRoot reports whether f is a field of the query root.
func atRoot(f *ast.Field) bool {
	return f.ObjectDefinition != nil && f.ObjectDefinition.Name == "Query"
}

// intArg reads an Int argument, def when absent, clamped to [lo, hi] as the resolver would
// refuse anything outside.
func intArg(args map[string]any, name string, def, lo, hi int) int {
	n, ok := toInt(args[name])
	if !ok {
		return def
	}
	return min(max(n, lo), hi)
}

// shortestWord is the length of the shortest word search would look up, in characters.
func shortestWord(text string) int {
	shortest := 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	}) {
		if n := len([]rune(w)); shortest == 0 || n < shortest {
			shortest = n
		}
	}
	return shortest
}
