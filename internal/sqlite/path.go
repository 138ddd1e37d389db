package sqlite

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Edge is one direction of a link between two nodes of the graph.
type Edge struct {
	From, To kg.Ref
	Relation string
	// Inverse is the relation read the other way ("member of" / "has member").
	Inverse string
	// Fact is the record that makes the link (a membership, an event ...), if any.
	Fact *kg.Ref
	// Cite is the record whose footnotes support the link.
	Cite *kg.Ref
}

// Neighbors loads the links leaving each of the given nodes. With at, only links that hold
// on that date count.
func (s *Store) Neighbors(ctx context.Context, from []kg.Ref, at *kg.PartialDate) ([]Edge, error) {
	return s.NeighborsUpTo(ctx, from, at, -1)
}

// NeighborsFunc loads the links leaving the given nodes, at most limit of them (all when
// limit < 0), ordered by node ID, then far end and relation, as NeighborsUpTo does.
type NeighborsFunc func(ctx context.Context, from []kg.Ref, at *kg.PartialDate, limit int) ([]Edge, error)

// NeighborsUpTo is Neighbors reading at most limit links (all of them when limit < 0).
func (s *Store) NeighborsUpTo(ctx context.Context, from []kg.Ref, at *kg.PartialDate, limit int) ([]Edge, error) {
	keys := make([]string, len(from))
	for i, r := range from {
		keys[i] = r.String()
	}
	// A link counts at a date when its fact certainly holds then (kg.Known); a link without a
	// span holds at every date.
	table, when := "edges e", always1
	if at != nil {
		k := spanCond("s", kg.Known, at.First(), at.Last())
		table, when = "edges e LEFT JOIN edge_spans s ON s.edge = e.rowid", cond{"s.edge IS NULL OR (" + k.sql + ")", k.args}
	}
	rows, err := s.query(ctx, `SELECT a, b, relation, inverse, fact, cite FROM `+table+`
		WHERE a IN (SELECT value FROM json_each(?)) AND (`+when.sql+`)
		ORDER BY a, b, relation LIMIT ?`, append(append([]any{keysJSON(keys)}, when.args...), limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Edge
	for rows.Next() {
		var a, b, rel, inv string
		var fact, cite *string
		if err := rows.Scan(&a, &b, &rel, &inv, &fact, &cite); err != nil {
			return nil, err
		}
		ra, ok1 := kg.ParseRef(a)
		rb, ok2 := kg.ParseRef(b)
		if !ok1 || !ok2 {
			continue
		}
		e := Edge{From: ra, To: rb, Relation: rel, Inverse: inv}
		if fact != nil {
			if r, ok := kg.ParseRef(*fact); ok {
				e.Fact = &r
			}
		}
		if cite != nil {
			if r, ok := kg.ParseRef(*cite); ok {
				e.Cite = &r
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ShortestPath finds a shortest chain of links from one node to another within maxHops,
// walking outward from both ends at once; nil when there is none. It runs one statement per
// layer walked, and reads at most maxLinks links in all: a search that needs more stops with
// a SEARCH_LIMIT_EXCEEDED error rather than say there is no path. So its work is bounded by
// maxLinks however large the graph, and the cost model prices it so.
func (s *Store) ShortestPath(ctx context.Context, from, to kg.Ref, at *kg.PartialDate, maxHops, maxLinks int) ([]Edge, error) {
	return ShortestPathOver(ctx, s.NeighborsUpTo, from, to, at, maxHops, maxLinks)
}

// ShortestPathOver is ShortestPath reading links through neighbors, which must give what
// NeighborsUpTo gives (a cache of it, say).
func ShortestPathOver(ctx context.Context, neighbors NeighborsFunc, from, to kg.Ref, at *kg.PartialDate, maxHops, maxLinks int) ([]Edge, error) {
	if from == to {
		return []Edge{}, nil
	}
	// parentF[x] is the edge by which x was reached walking from `from`; parentT[x] the edge by
	// which x was reached walking from `to`.
	parentF := map[kg.Ref]*Edge{from: nil}
	parentT := map[kg.Ref]*Edge{to: nil}
	frontF, frontT := []kg.Ref{from}, []kg.Ref{to}
	read := 0
	for hops := 0; hops < maxHops; hops++ {
		forward := len(frontF) <= len(frontT)
		front, seen, other := frontF, parentF, parentT
		if !forward {
			front, seen, other = frontT, parentT, parentF
		}
		edges, err := neighbors(ctx, front, at, maxLinks-read+1)
		if err != nil {
			return nil, err
		}
		if read += len(edges); read > maxLinks {
			return nil, kg.Errorf(kg.SearchLimitExceeded,
				"path: the search read more than %d links after %d hops without joining the two nodes; ask for fewer maxHops or a date (at)", maxLinks, hops)
		}
		var next []kg.Ref
		var meet *kg.Ref
		for i := range edges {
			e := edges[i]
			if _, ok := seen[e.To]; ok {
				continue
			}
			seen[e.To] = &e
			next = append(next, e.To)
			if _, ok := other[e.To]; ok && meet == nil {
				m := e.To
				meet = &m
			}
		}
		if meet != nil {
			return joinPath(*meet, parentF, parentT), nil
		}
		if len(next) == 0 {
			return nil, nil
		}
		if forward {
			frontF = next
		} else {
			frontT = next
		}
	}
	return nil, nil
}

// joinPath walks back from the meeting node to both ends and returns the edges in order from
// the start. Edges found walking from the far end are turned around.
func joinPath(meet kg.Ref, parentF, parentT map[kg.Ref]*Edge) []Edge {
	var head []Edge
	for n := meet; parentF[n] != nil; n = parentF[n].From {
		head = append([]Edge{*parentF[n]}, head...)
	}
	tail := []Edge{}
	for n := meet; parentT[n] != nil; n = parentT[n].From {
		e := *parentT[n]
		tail = append(tail, Edge{From: e.To, To: e.From, Relation: e.Inverse, Inverse: e.Relation, Fact: e.Fact, Cite: e.Cite})
	}
	return append(head, tail...)
}

// Reach is what a walk outward from one node found.
type Reach struct {
	// Nodes are the nodes reached, the centre first, then layer by layer in the order of
	// their links.
	Nodes []kg.Ref
	// Edges are the links walked, each once whichever way it was walked: a link between two
	// nodes is the same link read from either end when it has the same fact.
	Edges []Edge
	// Truncated is true when more nodes were reachable than maxNodes.
	Truncated bool
}

// Neighborhood walks breadth-first from centre for up to depth layers and returns the nodes
// reached, at most maxNodes of them, and the links between them. With at, only links that
// hold on that date count. It runs one statement per layer walked, however many nodes each
// layer holds.
//
// A link to a node left out by maxNodes is not returned; a link between two nodes already
// reached is, even when found after the limit was hit.
func (s *Store) Neighborhood(ctx context.Context, centre kg.Ref, at *kg.PartialDate, depth, maxNodes int) (Reach, error) {
	reach := Reach{Nodes: []kg.Ref{centre}}
	reached := map[kg.Ref]bool{centre: true}
	seenEdge := map[[3]string]bool{}
	frontier := []kg.Ref{centre}
	for hop := 0; hop < depth && len(frontier) > 0; hop++ {
		out, err := s.Neighbors(ctx, frontier, at)
		if err != nil {
			return Reach{}, err
		}
		var next []kg.Ref
		for _, e := range out {
			if !reached[e.To] {
				if len(reach.Nodes) >= maxNodes {
					reach.Truncated = true
					continue
				}
				reached[e.To] = true
				reach.Nodes = append(reach.Nodes, e.To)
				next = append(next, e.To)
			}
			if key := e.undirectedKey(); !seenEdge[key] {
				seenEdge[key] = true
				reach.Edges = append(reach.Edges, e)
			}
		}
		frontier = next
	}
	return reach, nil
}

// undirectedKey names a link whichever way it is read: its two ends in order, and its fact.
func (e Edge) undirectedKey() [3]string {
	a, b := e.From.String(), e.To.String()
	if b < a {
		a, b = b, a
	}
	fact := ""
	if e.Fact != nil {
		fact = e.Fact.String()
	}
	return [3]string{a, b, fact}
}
