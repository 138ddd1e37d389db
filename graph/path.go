package graph

import (
	"context"
	"errors"
	"slices"

	"github.com/treatygraph/treatygraph/graph/model"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// path finds the shortest chain of facts between two nodes and loads its nodes, facts and
// footnotes in one batch per kind.
func (r *queryResolver) path(ctx context.Context, fromID, toID string, at *kg.Date, maxHops *int) (*model.Path, error) {
	hops, err := hopsArg(maxHops)
	if err != nil {
		return nil, err
	}
	from, to, err := pathEnds(ctx, fromID, toID)
	if err != nil {
		return nil, err
	}
	edges, err := sqlite.ShortestPathOver(ctx, linksKept(ctx, r.Store), from, to, kg.DatePtr(at), hops, r.pathMaxLinks())
	if err != nil || edges == nil {
		return nil, err
	}

	refs := []kg.Ref{from}
	for _, e := range edges {
		refs = append(refs, e.To)
	}
	pathEdges, nodes, err := r.pathEdges(ctx, refs, edges)
	if err != nil {
		return nil, err
	}
	return &model.Path{Length: len(edges), Nodes: nodes, Edges: pathEdges}, nil
}

// pathEnds decodes the IDs of the ends of a path and checks, in one batch, that they name
// nodes.
func pathEnds(ctx context.Context, fromID, toID string) (kg.Ref, kg.Ref, error) {
	from, err := kg.DecodeID(fromID)
	if err != nil {
		return kg.Ref{}, kg.Ref{}, err
	}
	to, err := kg.DecodeID(toID)
	if err != nil {
		return kg.Ref{}, kg.Ref{}, err
	}
	ends, err := loadNodes(ctx, []kg.Ref{from, to})
	if err != nil {
		return kg.Ref{}, kg.Ref{}, err
	}
	if ends[0] == nil {
		return kg.Ref{}, kg.Ref{}, kg.Errorf(kg.NotFound, "path: from %s names no node", kg.QuoteInput(fromID))
	}
	if ends[1] == nil {
		return kg.Ref{}, kg.Ref{}, kg.Errorf(kg.NotFound, "path: to %s names no node", kg.QuoteInput(toID))
	}
	return from, to, nil
}

// linksKept reads a path search's links through the records kept, one list per node (and
// date), so that a search over nodes an earlier search walked runs no SQL. It gives what
// sqlite.NeighborsUpTo gives: the links of the nodes in order of node ID, each node's in
// the store's order. A fetch that reaches the limit is returned as it is and not kept: the
// search stops there, and a cut list must never be kept as whole.
func linksKept(ctx context.Context, s *sqlite.Store) sqlite.NeighborsFunc {
	records := loadersFrom(ctx).records
	if records == nil {
		return s.NeighborsUpTo
	}
	return func(ctx context.Context, from []kg.Ref, at *kg.PartialDate, limit int) ([]sqlite.Edge, error) {
		keys := make([]string, len(from))
		refs := make(map[string]kg.Ref, len(from))
		for i, r := range from {
			keys[i] = r.String()
			refs[keys[i]] = r
		}
		slices.Sort(keys)
		name := "links"
		if at != nil {
			name += "@" + at.ISO()
		}
		var cut []sqlite.Edge
		lists, err := cached(records, name, keys, func(missing []string) (map[string][]sqlite.Edge, error) {
			want := make([]kg.Ref, len(missing))
			for i, k := range missing {
				want[i] = refs[k]
			}
			edges, err := s.NeighborsUpTo(ctx, want, at, limit)
			if err != nil {
				return nil, err
			}
			if limit >= 0 && len(edges) >= limit {
				cut = edges
				return nil, errLinksCut
			}
			byNode := make(map[string][]sqlite.Edge, len(missing))
			for _, e := range edges {
				k := e.From.String()
				byNode[k] = append(byNode[k], e)
			}
			return byNode, nil
		})
		if errors.Is(err, errLinksCut) {
			return cut, nil
		}
		if err != nil {
			return nil, err
		}
		var out []sqlite.Edge
		for _, k := range keys {
			out = append(out, lists[k]...)
		}
		return out, nil
	}
}

// errLinksCut is how linksKept's fetch says it reached the limit.
var errLinksCut = errors.New("graph: the links reached the search's limit")
