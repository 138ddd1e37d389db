package server

import (
	"slices"
	"strconv"
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
//   - search scans its index: ShortSearchFactor times all of it for a word shorter than
//     ShortSearchPrefix, which matches as a prefix of most words, and a SearchScanShare of it
//     otherwise;
//   - eventCounts, membershipCounts, militaryStrengthStats and membershipChanges scan their
//     table;
//   - neighborhood reads maxNodes nodes and their links at each of depth levels: maxNodes
//     times depth times NeighborhoodCostPerNode, and its nodes and edges multiply by maxNodes;
//   - path searches links hop by hop: maxHops times a PathScanShare of a scan of the links, or
//     of PathMaxLinks links when the table holds more (a search stops after reading those).
//
// DefaultMaxCost is meant to be about 2 s of work, a cost unit 1 µs: a value of the answer costs
// one unit, and SQL work SQLCostScale units for each of the units below. The constants come
// from the time each field took alone on `generate -curated -scale 200` (BENCHMARKS.md): a
// filtered totalCount over 11,600 events 30 ms, search "a" 131 ms and "kaz" 16 ms over 57,200
// indexed texts, neighborhood(depth: 3, maxNodes: 1000) 140 ms, path(maxHops: 6) 98 ms over
// 134,000 links. membershipCounts by YEAR scans its table once for each year, and that
// year's rows of the years without data.
const (
	SQLCostScale            = 20
	ScanRowsPerCost         = 4
	ShortSearchPrefix       = 3
	ShortSearchFactor       = 2  // a short word reads the index more than once
	SearchScanShare         = 10 // a tenth of the index for longer words
	NeighborhoodCostPerNode = 2
	PathScanShare           = 16
	// UnknownYearsSpread is how many years the rows of years without data spread over (the
	// Correlates of War dataset's 1816-2014).
	UnknownYearsSpread = 199
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
	return satMul(c.rows[table]/ScanRowsPerCost+1, SQLCostScale)
}

// nodeTable is the table of the items of a list or connection type, or "".
func nodeTable(t *ast.Type) string {
	name := t.Name()
	return nodeTables[strings.TrimSuffix(name, "Connection")]
}

// sqlCost is the cost of the SQL a field runs beyond the values it returns, and the size its
// lists of objects have when the field fixes it (0 when it does not).
func (c *costWalker) sqlCost(f *ast.Field) (cost, listSize int) {
	args := fieldArgs(f, c.vars)
	switch f.Name {
	case "search":
		text, _ := args["text"].(string)
		if shortestWord(text) < ShortSearchPrefix {
			return satMul(c.scan("search_content"), ShortSearchFactor), 0
		}
		return c.scan("search_content") / SearchScanShare, 0
	case "neighborhood":
		nodes := intArg(args, "maxNodes", graph.DefaultMaxNodes, 1, graph.MaxMaxNodes)
		depth := intArg(args, "depth", graph.DefaultDepth, 1, graph.MaxDepth)
		return satMul(satMul(satMul(nodes, depth), NeighborhoodCostPerNode), SQLCostScale), nodes
	case "path":
		// Each hop reads a share of the links, and a search reads at most pathLinks of them.
		links := c.rows["edges"]
		if c.pathLinks > 0 {
			links = min(links, c.pathLinks)
		}
		perHop := satMul(links/ScanRowsPerCost+1, SQLCostScale)/PathScanShare + SQLCostScale
		return satMul(intArg(args, "maxHops", graph.DefaultHops, 1, graph.MaxHops), perHop), 0
	case "membershipCounts":
		// A filter naming members or organizations reads their stints by index, not the table.
		read := c.scan("memberships")
		if n, ok := c.narrowedBy(args["filter"]); ok {
			named := n / ListSizeEstimate
			read = satMul(satMul(named, c.stintList)/ScanRowsPerCost+1, SQLCostScale)
		}
		if groups, _ := args["groupBy"].([]any); slices.Contains(groups, any("YEAR")) {
			// Each year also reads that year's rows of the years without data (by index),
			// spread over the years the datasets cover.
			unknown := satMul(c.rows["unknowns"]/UnknownYearsSpread/ScanRowsPerCost+1, SQLCostScale)
			return satMul(satAdd(read, unknown), yearSpan(args)), 0
		}
		return read, 0
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

// yearSpan is how many years a count by year covers: from..to, at least one.
func yearSpan(args map[string]any) int {
	from, _ := args["from"].(string)
	to, _ := args["to"].(string)
	a, errA := strconv.Atoi(strings.SplitN(from, "-", 2)[0])
	b, errB := strconv.Atoi(strings.SplitN(to, "-", 2)[0])
	if errA != nil || errB != nil || b < a {
		return 1
	}
	return min(b-a+1, 300)
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

// fieldArgs is f's arguments with the variables, or nil when f is given none: the schema
// declares no argument defaults, so a field without arguments has none to read, and most
// fields of a document have none (building the map for each was a tenth of the cost walk).
func fieldArgs(f *ast.Field, vars map[string]any) map[string]any {
	if len(f.Arguments) == 0 {
		return nil
	}
	return f.ArgumentMap(vars)
}
