package graph

import (
	"context"

	"github.com/treatygraph/treatygraph/graph/model"
	"github.com/treatygraph/treatygraph/internal/kg"
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
	edges, err := r.Store.ShortestPath(ctx, from, to, kg.DatePtr(at), hops, r.pathMaxLinks())
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
