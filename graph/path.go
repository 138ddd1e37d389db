package graph

import (
	"context"

	"github.com/treatygraph/treatygraph/graph/model"
	"github.com/treatygraph/treatygraph/internal/kg"
)

// path finds the shortest chain of facts between two nodes and loads its nodes, facts and
// footnotes in one batch per kind.
func (r *queryResolver) path(ctx context.Context, fromID, toID string, at *kg.Date, maxHops *int) (*model.Path, error) {
	hops := DefaultHops
	if maxHops != nil {
		hops = *maxHops
		if hops < 1 || hops > MaxHops {
			return nil, kg.Errorf(kg.BadUserInput, "maxHops must be between 1 and %d, got %d", MaxHops, hops)
		}
	}
	from, err := kg.DecodeID(fromID)
	if err != nil {
		return nil, err
	}
	to, err := kg.DecodeID(toID)
	if err != nil {
		return nil, err
	}
	ends, err := loadNodes(ctx, []kg.Ref{from, to})
	if err != nil {
		return nil, err
	}
	if ends[0] == nil {
		return nil, kg.Errorf(kg.NotFound, "path: from %q names no node", fromID)
	}
	if ends[1] == nil {
		return nil, kg.Errorf(kg.NotFound, "path: to %q names no node", toID)
	}
	edges, err := r.Store.ShortestPath(ctx, from, to, kg.DatePtr(at), hops)
	if err != nil || edges == nil {
		return nil, err
	}

	refs := []kg.Ref{from}
	for _, e := range edges {
		refs = append(refs, e.To)
	}
	var facts []kg.Ref
	var cites []string
	for _, e := range edges {
		if e.Fact != nil {
			facts = append(facts, *e.Fact)
		}
		if e.Cite != nil {
			cites = append(cites, e.Cite.String())
		}
	}
	nodes, err := loadNodes(ctx, append(refs, facts...))
	if err != nil {
		return nil, err
	}
	citations, err := citationsOfL.loadMany(ctx, cites...)
	if err != nil {
		return nil, err
	}

	p := &model.Path{Length: len(edges), Nodes: nodes[:len(refs)], Edges: make([]*model.PathEdge, len(edges))}
	factNodes := nodes[len(refs):]
	fi, ci := 0, 0
	for i, e := range edges {
		pe := &model.PathEdge{From: nodes[i], To: nodes[i+1], Relation: e.Relation, Citations: []*kg.Citation{}}
		if e.Fact != nil {
			pe.Fact = factNodes[fi]
			fi++
		}
		if e.Cite != nil {
			if citations[ci] != nil {
				pe.Citations = seen(ctx, citations[ci])
			}
			ci++
		}
		p.Edges[i] = pe
	}
	return p, nil
}
