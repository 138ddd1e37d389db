package graph

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
)

// What each loaded value's fields load, declared beside the loaders rather than left to each
// resolver. When values are produced at a level, the keys their selected fields will load
// are pooled for that level (see), so that the first child to load fetches its siblings'
// keys in the same statement. A resolver field that loads through a loader and is missing
// here still answers right, one statement per parent: TestEveryFieldIsBatched in
// schema_batching_test.go selects every field three levels deep and fails on that.
var children = declare(
	// A state's and an organization's stints, both sides of the same relation.
	child[*kg.State]{fields("memberships", "organizations"), membershipsOfL.name, func(v *kg.State, k keys) { k.add(v.Slug) }},
	child[*kg.Organization]{fields("memberships"), membershipsOfL.name, func(v *kg.Organization, k keys) { k.add(v.Slug) }},
	child[*kg.Organization]{fields("members"), membersOfL.name, func(v *kg.Organization, k keys) { k.add(v.Slug) }},
	child[*kg.State]{fields("leaders"), positionsInL.name, func(v *kg.State, k keys) { k.add(v.Slug) }},
	child[*kg.Organization]{fields("leaders"), positionsInL.name, func(v *kg.Organization, k keys) { k.add(v.Slug) }},
	child[*kg.State]{fields("militaryStrength"), figuresOfL.name, func(v *kg.State, k keys) { k.add(v.Slug) }},
	child[*kg.Organization]{fields("provisions"), provisionsOfL.name, func(v *kg.Organization, k keys) { k.add(v.Slug) }},
	child[*kg.Organization]{fields("bodies"), bodiesOfL.name, func(v *kg.Organization, k keys) { k.add(v.Slug) }},
	child[*kg.Organization]{fields("headquarters"), placesL.name, func(v *kg.Organization, k keys) { k.add(v.HeadquartersSlug) }},
	child[*kg.Organization]{fields("parent"), actorsL.name, func(v *kg.Organization, k keys) { k.add(v.ParentSlug) }},

	// Events that involve a node: a page per node, and their number.
	child[*kg.State]{fields("events"), eventsOfL.name, func(v *kg.State, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.State]{fields("events"), eventCountsL.name, func(v *kg.State, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Organization]{fields("events"), eventsOfL.name, func(v *kg.Organization, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Organization]{fields("events"), eventCountsL.name, func(v *kg.Organization, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Place]{fields("events"), eventsOfL.name, func(v *kg.Place, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Place]{fields("events"), eventCountsL.name, func(v *kg.Place, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Person]{fields("events"), eventsOfL.name, func(v *kg.Person, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Person]{fields("events"), eventCountsL.name, func(v *kg.Person, k keys) { k.add(v.NodeRef().String()) }},

	child[*kg.Membership]{fields("member"), actorsL.name, func(v *kg.Membership, k keys) { k.add(v.MemberSlug) }},
	child[*kg.Membership]{fields("organization"), actorsL.name, func(v *kg.Membership, k keys) { k.add(v.OrganizationSlug) }},
	child[*kg.Event]{fields("place"), placesL.name, func(v *kg.Event, k keys) { k.add(v.PlaceSlug) }},
	child[*kg.Event]{fields("participants"), actorsL.name, func(v *kg.Event, k keys) { k.add(v.ParticipantSlugs...) }},
	child[*kg.Event]{fields("people"), peopleL.name, func(v *kg.Event, k keys) { k.add(v.PeopleSlugs...) }},
	child[*kg.Event]{fields("quotes"), quotesAtL.name, func(v *kg.Event, k keys) { k.add(v.Slug) }},
	child[*kg.Place]{fields("state"), actorsL.name, func(v *kg.Place, k keys) { k.add(v.StateSlug) }},
	child[*kg.Person]{fields("positions"), positionsOfPersonL.name, func(v *kg.Person, k keys) { k.add(v.Slug) }},
	child[*kg.Person]{fields("quotes"), quotesByL.name, func(v *kg.Person, k keys) { k.add(v.Slug) }},
	child[*kg.Position]{fields("person"), peopleL.name, func(v *kg.Position, k keys) { k.add(v.PersonSlug) }},
	child[*kg.Position]{fields("of"), actorsL.name, func(v *kg.Position, k keys) { k.add(v.OfSlug) }},
	child[*kg.Quote]{fields("speaker"), peopleL.name, func(v *kg.Quote, k keys) { k.add(v.SpeakerSlug) }},
	child[*kg.Quote]{fields("event"), eventsL.name, func(v *kg.Quote, k keys) { k.add(v.EventSlug) }},
	child[*kg.MilitaryStrength]{fields("state"), actorsL.name, func(v *kg.MilitaryStrength, k keys) { k.add(v.StateSlug) }},
	child[*kg.Provision]{fields("organization"), actorsL.name, func(v *kg.Provision, k keys) { k.add(v.OrganizationSlug) }},
	child[*kg.Provision]{fields("proposedBy"), peopleL.name, func(v *kg.Provision, k keys) { k.add(v.ProposedBySlug) }},
	child[*kg.Provision]{fields("event"), eventsL.name, func(v *kg.Provision, k keys) { k.add(v.EventSlug) }},
	child[*kg.Document]{fields("citations"), docCitationsL.name, func(v *kg.Document, k keys) { k.add(v.Slug) }},
	child[*kg.Document]{fields("citations"), docCiteCountsL.name, func(v *kg.Document, k keys) { k.add(v.Slug) }},
	child[*kg.Citation]{fields("document"), documentsL.name, func(v *kg.Citation, k keys) { k.add(v.DocumentSlug) }},
	child[*kg.Citation]{fields("supports"), supportsL.name, func(v *kg.Citation, k keys) { k.add(kg.CitationKey(v.DocumentSlug, v.Number)) }},

	// The footnotes of a fact.
	child[*kg.Membership]{fields("citations"), citationsOfL.name, func(v *kg.Membership, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Event]{fields("citations"), citationsOfL.name, func(v *kg.Event, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Position]{fields("citations"), citationsOfL.name, func(v *kg.Position, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Quote]{fields("citations"), citationsOfL.name, func(v *kg.Quote, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.MilitaryStrength]{fields("citations"), citationsOfL.name, func(v *kg.MilitaryStrength, k keys) { k.add(v.NodeRef().String()) }},
	child[*kg.Provision]{fields("citations"), citationsOfL.name, func(v *kg.Provision, k keys) { k.add(v.NodeRef().String()) }},

	// Second steps, pooled at the level of the field itself ("@field"): a state's
	// organizations are those of its stints; a footnote supports facts of any kind.
	child[*kg.Membership]{fields("@organizations"), actorsL.name, func(v *kg.Membership, k keys) { k.add(v.OrganizationSlug) }},
	child[kg.Ref]{fields("@supports"), "", func(v kg.Ref, k keys) { k.node(v) }},

	// Sources: a fact's document and footnotes, loaded by the fields of Source.
	child[*kg.State]{fields("source", "sources", "systemMembership"), sourcesL, func(v *kg.State, k keys) {
		k.sources(v.Source)
		k.sourceList(v.Sources)
		for i := range v.SystemMembership {
			k.sources(&v.SystemMembership[i].Source)
		}
	}},
	child[*kg.Organization]{fields("source", "sources"), sourcesL, func(v *kg.Organization, k keys) {
		k.sources(v.Source)
		k.sourceList(v.Sources)
	}},
	child[*kg.Membership]{fields("source", "claims", "disagreements"), sourcesL, func(v *kg.Membership, k keys) {
		k.sources(&v.Source)
		for i := range v.Claims {
			k.sources(&v.Claims[i].Source)
		}
	}},
	child[*kg.Event]{fields("source"), sourcesL, func(v *kg.Event, k keys) { k.sources(&v.Source) }},
	child[*kg.Position]{fields("source"), sourcesL, func(v *kg.Position, k keys) { k.sources(&v.Source) }},
	child[*kg.Quote]{fields("source"), sourcesL, func(v *kg.Quote, k keys) { k.sources(&v.Source) }},
	child[*kg.MilitaryStrength]{fields("source"), sourcesL, func(v *kg.MilitaryStrength, k keys) { k.sources(&v.Source) }},
	child[*kg.Provision]{fields("source"), sourcesL, func(v *kg.Provision, k keys) { k.sources(&v.Source) }},
)

// sourcesL stands for the two loaders a Source's fields use: documentsL and citationsL.
const sourcesL = "sources"

// childDecl is one declaration: which fields of one type of value load what.
type childDecl interface {
	valueType() reflect.Type
	fieldNames() []string
	declare(l *Loaders, v any, at level, selected map[string]bool)
}

// child declares that the fields named, on values of type T, load keys through loader.
type child[T any] struct {
	fields []string
	loader string
	keys   func(v T, k keys)
}

func fields(names ...string) []string { return names }

func (c child[T]) valueType() reflect.Type { return reflect.TypeFor[T]() }

func (c child[T]) fieldNames() []string { return c.fields }

func (c child[T]) declare(l *Loaders, v any, at level, selected map[string]bool) {
	for _, f := range c.fields {
		if selected[f] {
			c.keys(v.(T), keys{l: l, loader: c.loader, at: at})
			return
		}
	}
}

// keys pools keys for one loader at one level.
type keys struct {
	l      *Loaders
	loader string
	at     level
}

func (k keys) add(keys ...string) { k.l.expect(k.loader, k.at, keys...) }

// sources pools what a fact's source loads: its document and its footnotes.
func (k keys) sources(s *kg.Source) {
	if s == nil {
		return
	}
	k.l.expect(documentsL.name, k.at, s.DocumentSlug)
	for _, n := range s.Notes {
		k.l.expect(citationsL.name, k.at, kg.CitationKey(s.DocumentSlug, n))
	}
}

// node pools a reference under the loader of its kind (as loadNodes loads it).
func (k keys) node(r kg.Ref) {
	if name := nodeLoaders[r.Kind]; name != "" {
		k.l.expect(name, k.at, r.Key)
	}
}

// nodeLoaders names the loader of each kind of node, as loadNodes uses them.
var nodeLoaders = map[string]string{
	kg.KindState: actorsL.name, kg.KindOrganization: actorsL.name, kg.KindPlace: placesL.name,
	kg.KindPerson: peopleL.name, kg.KindEvent: eventsL.name, kg.KindQuote: quotesL.name,
	kg.KindPosition: positionsL.name, kg.KindMembership: membershipsL.name,
	kg.KindMilitaryStrength: figuresL.name, kg.KindProvision: provisionsL.name,
	kg.KindDocument: documentsL.name, kg.KindCitation: citationsL.name,
}

func (k keys) sourceList(s []kg.Source) {
	for i := range s {
		k.sources(&s[i])
	}
}

// childFields are the field names some declaration loads for.
var childFields = func() map[string]bool {
	names := map[string]bool{}
	for _, decls := range children {
		for _, d := range decls {
			for _, f := range d.fieldNames() {
				names[f] = true
			}
		}
	}
	return names
}()

// loadsAny reports whether any of the selected names is a field some declaration loads for.
func loadsAny(selected map[string]bool) bool {
	for name := range selected {
		if childFields[name] {
			return true
		}
	}
	return false
}

// declare indexes the declarations by the type of value they apply to.
func declare(decls ...childDecl) map[reflect.Type][]childDecl {
	out := map[reflect.Type][]childDecl{}
	for _, d := range decls {
		out[d.valueType()] = append(out[d.valueType()], d)
	}
	return out
}

// see pools, for every value of v (a value, a list or a page) produced at level at, the keys
// its selected fields will load. The caller holds l.mu.
func (l *Loaders) see(ctx context.Context, v any, at level) {
	if v == nil {
		return
	}
	selected := l.selected(ctx, at)
	if len(selected) == 0 {
		return
	}
	l.seeSelected(v, at, selected)
}

func (l *Loaders) seeSelected(v any, at level, selected map[string]bool) {
	switch v := v.(type) {
	case paging.Page[*kg.Event]:
		l.seeSelected(v.Items, at, selected)
		return
	case paging.Page[*kg.Citation]:
		l.seeSelected(v.Items, at, selected)
		return
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return
		}
	case reflect.Slice:
		for i := 0; i < rv.Len(); i++ {
			l.seeSelected(rv.Index(i).Interface(), at, selected)
		}
		return
	}
	for _, d := range children[rv.Type()] {
		d.declare(l, v, at, selected)
	}
}

// selected returns the names of the fields selected anywhere below the field being resolved
// (whose level is at), through fragments: the fields the values it produces may load; and
// the field's own name after "@". It is computed once per level and request. The caller holds
// l.mu.
func (l *Loaders) selected(ctx context.Context, at level) map[string]bool {
	if s, ok := l.selections[at]; ok {
		return s
	}
	s := map[string]bool{}
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
		s["@"+fc.Field.Name] = true // the level's own field, for second steps
		collectNames(fc.Field.Selections, s, map[string]bool{})
	}
	if !loadsAny(s) {
		s = nil // nothing selected below loads: the values need not be looked at (see)
	}
	l.selections[at] = s
	return s
}

func collectNames(set ast.SelectionSet, into map[string]bool, fragments map[string]bool) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			into[sel.Name] = true
			collectNames(sel.SelectionSet, into, fragments)
		case *ast.InlineFragment:
			collectNames(sel.SelectionSet, into, fragments)
		case *ast.FragmentSpread:
			if sel.Definition != nil && !fragments[sel.Name] {
				fragments[sel.Name] = true
				collectNames(sel.Definition.SelectionSet, into, fragments)
			}
		}
	}
}
