// Package model holds the types of treatygraph's GraphQL API that are not domain values:
// Relay connections and page info. gqlgen writes the rest (search hits, paths) into
// models_gen.go.
package model

import (
	"context"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// PageInfo says where a page sits in its list.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Counter counts the whole list a page was taken from; it runs only when a client asks for
// totalCount.
type Counter func(ctx context.Context) (int, error)

func pageInfo[T any](p sqlite.Page[T], after bool) (*PageInfo, []string) {
	cursors := make([]string, len(p.Cursors))
	for i, c := range p.Cursors {
		cursors[i] = c.Encode()
	}
	info := &PageInfo{HasNextPage: p.HasNext, HasPreviousPage: after}
	if n := len(cursors); n > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[n-1]
	}
	return info, cursors
}

// StateConnection is a page of states.
type StateConnection struct {
	Edges    []*StateEdge
	Nodes    []*kg.State
	PageInfo *PageInfo
	Count    Counter
}

// StateEdge is a state with its cursor.
type StateEdge struct {
	Cursor string
	Node   *kg.State
}

// TotalCount counts the whole list.
func (c *StateConnection) TotalCount(ctx context.Context) (int, error) { return c.Count(ctx) }

// NewStateConnection wraps a page of actors that are all states.
func NewStateConnection(p sqlite.Page[kg.Actor], after bool, count Counter) *StateConnection {
	info, cursors := pageInfo(p, after)
	c := &StateConnection{PageInfo: info, Count: count, Edges: []*StateEdge{}, Nodes: []*kg.State{}}
	for i, a := range p.Items {
		s := a.(*kg.State)
		c.Nodes = append(c.Nodes, s)
		c.Edges = append(c.Edges, &StateEdge{Cursor: cursors[i], Node: s})
	}
	return c
}

// OrganizationConnection is a page of organizations.
type OrganizationConnection struct {
	Edges    []*OrganizationEdge
	Nodes    []*kg.Organization
	PageInfo *PageInfo
	Count    Counter
}

// OrganizationEdge is an organization with its cursor.
type OrganizationEdge struct {
	Cursor string
	Node   *kg.Organization
}

// TotalCount counts the whole list.
func (c *OrganizationConnection) TotalCount(ctx context.Context) (int, error) { return c.Count(ctx) }

// NewOrganizationConnection wraps a page of actors that are all organizations.
func NewOrganizationConnection(p sqlite.Page[kg.Actor], after bool, count Counter) *OrganizationConnection {
	info, cursors := pageInfo(p, after)
	c := &OrganizationConnection{PageInfo: info, Count: count, Edges: []*OrganizationEdge{}, Nodes: []*kg.Organization{}}
	for i, a := range p.Items {
		o := a.(*kg.Organization)
		c.Nodes = append(c.Nodes, o)
		c.Edges = append(c.Edges, &OrganizationEdge{Cursor: cursors[i], Node: o})
	}
	return c
}

// EventConnection is a page of events.
type EventConnection struct {
	Edges    []*EventEdge
	Nodes    []*kg.Event
	PageInfo *PageInfo
	Count    Counter
}

// EventEdge is an event with its cursor.
type EventEdge struct {
	Cursor string
	Node   *kg.Event
}

// TotalCount counts the whole list.
func (c *EventConnection) TotalCount(ctx context.Context) (int, error) { return c.Count(ctx) }

// NewEventConnection wraps a page of events.
func NewEventConnection(p sqlite.Page[*kg.Event], after bool, count Counter) *EventConnection {
	info, cursors := pageInfo(p, after)
	c := &EventConnection{PageInfo: info, Count: count, Edges: []*EventEdge{}, Nodes: []*kg.Event{}}
	for i, e := range p.Items {
		c.Nodes = append(c.Nodes, e)
		c.Edges = append(c.Edges, &EventEdge{Cursor: cursors[i], Node: e})
	}
	return c
}

// PersonConnection is a page of people.
type PersonConnection struct {
	Edges    []*PersonEdge
	Nodes    []*kg.Person
	PageInfo *PageInfo
	Count    Counter
}

// PersonEdge is a person with their cursor.
type PersonEdge struct {
	Cursor string
	Node   *kg.Person
}

// TotalCount counts the whole list.
func (c *PersonConnection) TotalCount(ctx context.Context) (int, error) { return c.Count(ctx) }

// NewPersonConnection wraps a page of people.
func NewPersonConnection(p sqlite.Page[*kg.Person], after bool, count Counter) *PersonConnection {
	info, cursors := pageInfo(p, after)
	c := &PersonConnection{PageInfo: info, Count: count, Edges: []*PersonEdge{}, Nodes: []*kg.Person{}}
	for i, n := range p.Items {
		c.Nodes = append(c.Nodes, n)
		c.Edges = append(c.Edges, &PersonEdge{Cursor: cursors[i], Node: n})
	}
	return c
}

// CitationConnection is a page of footnotes.
type CitationConnection struct {
	Edges    []*CitationEdge
	Nodes    []*kg.Citation
	PageInfo *PageInfo
	Count    Counter
}

// CitationEdge is a footnote with its cursor.
type CitationEdge struct {
	Cursor string
	Node   *kg.Citation
}

// TotalCount counts the whole list.
func (c *CitationConnection) TotalCount(ctx context.Context) (int, error) { return c.Count(ctx) }

// NewCitationConnection wraps a page of footnotes.
func NewCitationConnection(p sqlite.Page[*kg.Citation], after bool, count Counter) *CitationConnection {
	info, cursors := pageInfo(p, after)
	c := &CitationConnection{PageInfo: info, Count: count, Edges: []*CitationEdge{}, Nodes: []*kg.Citation{}}
	for i, n := range p.Items {
		c.Nodes = append(c.Nodes, n)
		c.Edges = append(c.Edges, &CitationEdge{Cursor: cursors[i], Node: n})
	}
	return c
}

// MembershipConnection is a page of stints.
type MembershipConnection struct {
	Edges    []*MembershipEdge
	Nodes    []*kg.Membership
	PageInfo *PageInfo
	Count    Counter
}

// MembershipEdge is a stint with its cursor.
type MembershipEdge struct {
	Cursor string
	Node   *kg.Membership
}

// TotalCount counts the whole list.
func (c *MembershipConnection) TotalCount(ctx context.Context) (int, error) { return c.Count(ctx) }

// NewMembershipConnection wraps a page of stints.
func NewMembershipConnection(p sqlite.Page[*kg.Membership], after bool, count Counter) *MembershipConnection {
	info, cursors := pageInfo(p, after)
	c := &MembershipConnection{PageInfo: info, Count: count, Edges: []*MembershipEdge{}, Nodes: []*kg.Membership{}}
	for i, n := range p.Items {
		c.Nodes = append(c.Nodes, n)
		c.Edges = append(c.Edges, &MembershipEdge{Cursor: cursors[i], Node: n})
	}
	return c
}
