// Package model holds the types of treatygraph's GraphQL API that are not domain values:
// Relay connections and page info. gqlgen writes the rest (search hits, paths) into
// models_gen.go.
package model

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
)

// PageInfo says where a page sits in its list.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	// first and last are the cursors of the page's first and last items (none when empty),
	// encoded only when a client asks.
	first, last *paging.Cursor
}

// StartCursor is the cursor of the page's first item; nil for an empty page.
func (p *PageInfo) StartCursor() *string { return encoded(p.first) }

// EndCursor is the cursor of the page's last item, for the next page's `after`; nil for an
// empty page.
func (p *PageInfo) EndCursor() *string { return encoded(p.last) }

func encoded(c *paging.Cursor) *string {
	if c == nil {
		return nil
	}
	s := c.Encode()
	return &s
}

// Counter counts the whole list a page was taken from; it runs only when a client asks for
// totalCount.
type Counter func(ctx context.Context) (int, error)

// Connection is a page of a list, Relay-style: its items with and without cursors, where it
// sits, and a way to count the whole list. Each XConnection type of the schema binds to one
// instantiation (the aliases below).
type Connection[T any] struct {
	Nodes    []T
	PageInfo *PageInfo
	Count    Counter
	cursors  []paging.Cursor
}

// Edges is the page's items with their cursors, made when a client asks for them.
func (c *Connection[T]) Edges() []*Edge[T] {
	edges := make([]*Edge[T], len(c.Nodes))
	for i, n := range c.Nodes {
		edges[i] = &Edge[T]{Node: n, cursor: c.cursors[i]}
	}
	return edges
}

// Edge is an item of a page with its cursor, which is encoded only when a client asks for it.
type Edge[T any] struct {
	Node   T
	cursor paging.Cursor
}

// Cursor is the opaque cursor of the edge's position, for `after`.
func (e *Edge[T]) Cursor() string { return e.cursor.Encode() }

// TotalCount counts the whole list.
func (c *Connection[T]) TotalCount(ctx context.Context) (int, error) { return c.Count(ctx) }

// The connections and edges of the schema.
type (
	StateConnection        = Connection[*kg.State]
	StateEdge              = Edge[*kg.State]
	OrganizationConnection = Connection[*kg.Organization]
	OrganizationEdge       = Edge[*kg.Organization]
	EventConnection        = Connection[*kg.Event]
	EventEdge              = Edge[*kg.Event]
	PersonConnection       = Connection[*kg.Person]
	PersonEdge             = Edge[*kg.Person]
	CitationConnection     = Connection[*kg.Citation]
	CitationEdge           = Edge[*kg.Citation]
	MembershipConnection   = Connection[*kg.Membership]
	MembershipEdge         = Edge[*kg.Membership]
)

// NewConnection wraps a page; after says whether the page was asked for after a cursor.
func NewConnection[T any](p paging.Page[T], after bool, count Counter) *Connection[T] {
	c := &Connection[T]{
		PageInfo: &PageInfo{HasNextPage: p.HasNext, HasPreviousPage: after},
		Count:    count,
		Nodes:    p.Items,
		cursors:  p.Cursors,
	}
	if n := len(p.Items); n > 0 {
		c.PageInfo.first, c.PageInfo.last = &p.Cursors[0], &p.Cursors[n-1]
	}
	return c
}

// NewActorConnection wraps a page of actors that are all of one kind (all states, or all
// organizations).
func NewActorConnection[T kg.Actor](p paging.Page[kg.Actor], after bool, count Counter) *Connection[T] {
	items := make([]T, len(p.Items))
	for i, a := range p.Items {
		items[i] = a.(T)
	}
	return NewConnection(paging.Page[T]{Items: items, Cursors: p.Cursors, HasNext: p.HasNext}, after, count)
}
