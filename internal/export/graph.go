package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// NodeLink is the graph in the node-link form that NetworkX's node_link_graph reads: an
// undirected multigraph (two nodes may be joined by several facts) whose links carry the
// fact that makes them, its period and its footnotes.
//
// The links are listed once, under LinksKey ("links") unless EdgesKey is asked for.
// NetworkX reads "links" by default up to 3.5 (3.4 and 3.5 warn that the default changes)
// and "edges" from 3.6 on; node_link_graph(data, edges="links") reads this file in 3.4 and
// later, node_link_graph(data) before 3.4.
type NodeLink struct {
	Directed   bool      `json:"directed"`
	Multigraph bool      `json:"multigraph"`
	Graph      GraphInfo `json:"graph"`
	Nodes      []Node    `json:"nodes"`
	Links      []Link    `json:"links"`
	// Key is the name the links are written under: LinksKey (when "") or EdgesKey.
	Key string `json:"-"`
}

// The names the links of a node-link graph may be written under.
const (
	LinksKey = "links" // NetworkX's default before 3.6, and this export's
	EdgesKey = "edges" // NetworkX's default from 3.6 on
)

// MarshalJSON writes the links under n.Key.
func (n NodeLink) MarshalJSON() ([]byte, error) {
	type plain struct {
		Directed   bool      `json:"directed"`
		Multigraph bool      `json:"multigraph"`
		Graph      GraphInfo `json:"graph"`
		Nodes      []Node    `json:"nodes"`
		Links      *[]Link   `json:"links,omitempty"`
		Edges      *[]Link   `json:"edges,omitempty"`
	}
	out := plain{Directed: n.Directed, Multigraph: n.Multigraph, Graph: n.Graph, Nodes: n.Nodes}
	links := n.Links
	if links == nil {
		links = []Link{}
	}
	switch n.Key {
	case "", LinksKey:
		out.Links = &links
	case EdgesKey:
		out.Edges = &links
	default:
		return nil, fmt.Errorf("export: links key %q: want %q or %q", n.Key, LinksKey, EdgesKey)
	}
	return json.Marshal(out)
}

// GraphInfo describes the whole graph: where it comes from and under which licence.
type GraphInfo struct {
	Name string `json:"name"`
	// Version is the hash of the seeds the graph was built from.
	Version string     `json:"version"`
	Sources []Document `json:"sources"`
}

// Document is a source document of the graph, with its licence, for attribution.
type Document struct {
	Slug        string  `json:"slug"`
	Title       string  `json:"title"`
	Publisher   *string `json:"publisher"`
	Licence     *string `json:"licence"`
	AccessedVia *string `json:"accessedVia"`
}

// Node is a state, organization, place, person, event, quote, set of military figures or
// provision.
type Node struct {
	// ID is the node's public ID, the same as the GraphQL API's.
	ID string `json:"id"`
	// Kind is its GraphQL type, e.g. "State".
	Kind string `json:"kind"`
	// Slug is its natural key, e.g. "armenia".
	Slug string `json:"slug"`
	// Name is its name, or the title of an event or provision, or the words of a quote.
	Name string `json:"name"`

	Iso3    string `json:"iso3,omitempty"`
	Acronym string `json:"acronym,omitempty"`
	// Type is an event's or provision's kind, or an organization's type in words.
	Type string `json:"type,omitempty"`
	// Date and End are an event's or quote's dates, or the year of military figures.
	Date string `json:"date,omitempty"`
	End  string `json:"end,omitempty"`
}

// Link is one fact joining two nodes.
type Link struct {
	Source string `json:"source"`
	Target string `json:"target"`
	// Key tells apart the links between the same two nodes: the fact's ID, or the relation.
	Key string `json:"key"`
	// From is the ID of the node the relation reads from, which an undirected graph forgets.
	From string `json:"from"`
	// Relation reads from source to target ("member of"), Inverse the other way.
	Relation string `json:"relation"`
	Inverse  string `json:"inverse"`
	// Fact is the public ID of the record that states the link: a membership, an event ...
	// For a link that is an attribute of one of its ends (a place lying in a state, an
	// organization's parent body or headquarters) it is that end's own record, the node the
	// link reads from; such a link holds as long as the record says so and has no dates.
	Fact     *string `json:"fact"`
	FactKind *string `json:"factKind"`
	// Start and End bound the time the link holds, as ISO dates at their precision; null
	// when open. For a membership they are its preferred source's dates.
	Start *string `json:"start"`
	End   *string `json:"end"`
	// For a membership or a post, what its sources together state about when it held (see
	// kg.Span): the earliest and latest day its start may fall on and the same for its end,
	// as ISO days, null where the sources leave that side unbounded (an undated start is not
	// "since forever", an open end not "for ever"); OpenAsOf, for an open end, the last date
	// its source looked ("still so then", at that date's precision); UnknownYears, the years
	// inside it without data. All null, and UnknownYears empty, for other links.
	StartEarliest *string `json:"startEarliest"`
	StartLatest   *string `json:"startLatest"`
	EndEarliest   *string `json:"endEarliest"`
	EndLatest     *string `json:"endLatest"`
	OpenAsOf      *string `json:"openAsOf"`
	UnknownYears  []int   `json:"unknownYears"`
	// Document, Section and Citations say where the link is stated: the document, its
	// part, and the footnote numbers given there (empty when it gives none).
	Document  *string `json:"document"`
	Section   *string `json:"section"`
	Citations []int   `json:"citations"`
}

// NodeLink builds the node-link form of the graph. Every link's ends are nodes.
func (d *Data) NodeLink() (*NodeLink, error) {
	g := d.Graph
	ix := newIndex(g)
	out := &NodeLink{Directed: false, Multigraph: true, Nodes: []Node{}, Links: []Link{}}
	out.Graph = GraphInfo{Name: "treatygraph", Version: g.Version, Sources: []Document{}}
	for _, doc := range g.Documents {
		out.Graph.Sources = append(out.Graph.Sources, Document{Slug: doc.Slug, Title: doc.Title,
			Publisher: doc.Publisher, Licence: doc.Licence, AccessedVia: doc.AccessedVia})
	}

	add := func(r kg.Ref, n Node) {
		n.ID, n.Kind, n.Slug, n.Name = r.ID(), r.Kind, r.Key, ix.names[r]
		out.Nodes = append(out.Nodes, n)
	}
	for _, s := range g.States {
		add(s.NodeRef(), Node{Iso3: deref(s.Iso3)})
	}
	for _, o := range g.Organizations {
		add(o.NodeRef(), Node{Acronym: deref(o.Acronym), Type: deref(o.Type), Date: iso(o.Founded)})
	}
	for _, p := range g.Places {
		add(p.NodeRef(), Node{})
	}
	for _, p := range g.People {
		add(p.NodeRef(), Node{})
	}
	for _, e := range g.Events {
		add(e.NodeRef(), Node{Type: string(e.Kind), Date: e.Date.ISO(), End: iso(e.EndDate)})
	}
	for _, q := range g.Quotes {
		add(q.NodeRef(), Node{Date: iso(q.Date)})
	}
	for _, f := range g.Figures {
		add(f.NodeRef(), Node{Date: strconv.Itoa(f.Year)})
	}
	for _, p := range g.Provisions {
		add(p.NodeRef(), Node{Type: string(p.Kind), Date: iso(p.Since)})
	}

	nodes := make(map[string]bool, len(out.Nodes))
	for _, n := range out.Nodes {
		nodes[n.ID] = true
	}
	// keys counts the links seen between each pair of nodes under each key.
	keys := map[[3]string]int{}
	for _, e := range d.Links {
		l := Link{Source: e.From.ID(), Target: e.To.ID(), From: e.From.ID(), Relation: e.Relation, Inverse: e.Inverse, Citations: []int{}, UnknownYears: []int{}}
		for _, end := range []string{l.Source, l.Target} {
			if !nodes[end] {
				return nil, fmt.Errorf("export: link %s %q %s: no node %s", e.From, e.Relation, e.To, end)
			}
		}
		l.Key = e.Relation
		switch {
		case e.Fact != nil:
			id, kind := e.Fact.ID(), e.Fact.Kind
			l.Fact, l.FactKind, l.Key = &id, &kind, id
			period := ix.periods[*e.Fact]
			l.Start, l.End = ptr(iso(period[0])), ptr(iso(period[1]))
			if c, ok := ix.certainties[*e.Fact]; ok {
				l.StartEarliest, l.StartLatest = ptr(c.StartEarliest), ptr(c.StartLatest)
				l.EndEarliest, l.EndLatest = ptr(c.EndEarliest), ptr(c.EndLatest)
				l.OpenAsOf, l.UnknownYears = ptr(c.OpenAsOf), c.UnknownYears
			}
		case e.Cite != nil:
			// An attribute of a node: the node's record states it, and its footnotes support it.
			id, kind := e.Cite.ID(), e.Cite.Kind
			l.Fact, l.FactKind = &id, &kind
		}
		if e.Cite != nil {
			if src := ix.sources[*e.Cite]; src != nil {
				l.Document, l.Section = ptr(src.DocumentSlug), ptr(src.SectionKey)
				l.Citations = append(l.Citations, src.Notes...)
			}
		}
		pair := [3]string{min(l.Source, l.Target), max(l.Source, l.Target), l.Key}
		keys[pair]++
		if n := keys[pair]; n > 1 {
			l.Key += "#" + strconv.Itoa(n)
		}
		out.Links = append(out.Links, l)
	}
	return out, nil
}

// WriteGraphJSON writes the node-link graph as JSON, its links under LinksKey.
func (d *Data) WriteGraphJSON(w io.Writer) error {
	return d.WriteGraphJSONKey(w, LinksKey)
}

// WriteGraphJSONKey writes the node-link graph as JSON, its links under key (LinksKey or
// EdgesKey).
func (d *Data) WriteGraphJSONKey(w io.Writer, key string) error {
	nl, err := d.NodeLink()
	if err != nil {
		return err
	}
	nl.Key = key
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(nl)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ptr is nil for "", so that JSON says null.
func ptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
