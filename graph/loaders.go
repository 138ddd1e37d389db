package graph

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// Loading child lists in batches, without wait windows and without depending on timing.
//
// Every value a resolver returns belongs to a level of the query: the path of the resolver
// field that produced it, without list indexes ("organizations.nodes.members"). When values
// are produced, the keys their children may need are declared in a pool for that level
// (see). When a child field first loads, it fetches in one statement every key declared for
// its parent level together with its own. Since all values of a level come from one fetch or
// one root resolver, a level is declared whole before any of its children runs, so the
// number of statements a request runs depends on the shape of the query, not on how many
// rows it meets.

// loader describes a keyed fetch of the store.
type loader[V any] struct {
	name  string
	fetch func(s *sqlite.Store, ctx context.Context, keys []string) (map[string]V, error)
}

// pagedLoader describes a keyed fetch that also takes page arguments.
type pagedLoader[V any] struct {
	name  string
	fetch func(s *sqlite.Store, ctx context.Context, keys []string, first int, after *paging.Cursor) (map[string]V, error)
}

var (
	actorsL      = loader[kg.Actor]{"actors", (*sqlite.Store).ActorsBySlugs}
	placesL      = loader[*kg.Place]{"places", (*sqlite.Store).PlacesBySlugs}
	peopleL      = loader[*kg.Person]{"people", (*sqlite.Store).PeopleBySlugs}
	eventsL      = loader[*kg.Event]{"events", (*sqlite.Store).EventsBySlugs}
	quotesL      = loader[*kg.Quote]{"quotes", (*sqlite.Store).QuotesBySlugs}
	positionsL   = loader[*kg.Position]{"positions", (*sqlite.Store).PositionsBySlugs}
	membershipsL = loader[*kg.Membership]{"memberships", (*sqlite.Store).MembershipsBySlugs}
	figuresL     = loader[*kg.MilitaryStrength]{"figures", (*sqlite.Store).FiguresBySlugs}
	provisionsL  = loader[*kg.Provision]{"provisions", (*sqlite.Store).ProvisionsBySlugs}
	documentsL   = loader[*kg.Document]{"documents", (*sqlite.Store).DocumentsBySlugs}
	citationsL   = loader[*kg.Citation]{"citations", (*sqlite.Store).CitationsByKeys}

	membersOfL         = loader[[]*kg.Membership]{"membersOf", (*sqlite.Store).MembershipsByOrganizations}
	membershipsOfL     = loader[[]*kg.Membership]{"membershipsOf", (*sqlite.Store).MembershipsByMembers}
	positionsOfPersonL = loader[[]*kg.Position]{"positionsOfPerson", (*sqlite.Store).PositionsByPeople}
	positionsInL       = loader[[]*kg.Position]{"positionsIn", (*sqlite.Store).PositionsByActors}
	figuresOfL         = loader[[]*kg.MilitaryStrength]{"figuresOf", (*sqlite.Store).FiguresByStates}
	provisionsOfL      = loader[[]*kg.Provision]{"provisionsOf", (*sqlite.Store).ProvisionsByOrganizations}
	bodiesOfL          = loader[[]*kg.Organization]{"bodiesOf", (*sqlite.Store).OrganizationsByParents}
	quotesByL          = loader[[]*kg.Quote]{"quotesBy", (*sqlite.Store).QuotesBySpeakers}
	quotesAtL          = loader[[]*kg.Quote]{"quotesAt", (*sqlite.Store).QuotesByEvents}
	citationsOfL       = loader[[]*kg.Citation]{"citationsOf", (*sqlite.Store).CitationsByFacts}
	supportsL          = loader[[]kg.Ref]{"supports", (*sqlite.Store).FactsByCitations}
	eventCountsL       = loader[int]{"eventCounts", (*sqlite.Store).CountEventsInvolving}
	docCiteCountsL     = loader[int]{"docCiteCounts", (*sqlite.Store).CountCitationsByDocuments}

	eventsOfL     = pagedLoader[paging.Page[*kg.Event]]{"eventsOf", (*sqlite.Store).EventsInvolving}
	docCitationsL = pagedLoader[paging.Page[*kg.Citation]]{"docCitations", (*sqlite.Store).CitationsByDocuments}
)

// Loaders hold the batches of one request.
type Loaders struct {
	store *sqlite.Store
	mu    sync.Mutex
	// pools holds the keys declared for each loader at each level: "name\x00level".
	pools map[string]*pool
	// batches holds, for each loader at each loading field, what it fetched.
	batches map[string]any
}

type pool struct{ keys []string }

type batchState[V any] struct {
	fetched  map[string]V
	consumed int // how many keys of the parent level's pool have been fetched
}

// NewLoaders makes the batches for one request.
func NewLoaders(s *sqlite.Store) *Loaders {
	return &Loaders{store: s, pools: map[string]*pool{}, batches: map[string]any{}}
}

type loadersKey struct{}

// WithLoaders returns a context carrying fresh loaders for one request.
func WithLoaders(ctx context.Context, s *sqlite.Store) context.Context {
	return context.WithValue(ctx, loadersKey{}, NewLoaders(s))
}

func loadersFrom(ctx context.Context) *Loaders {
	l, ok := ctx.Value(loadersKey{}).(*Loaders)
	if !ok {
		panic("graph: no loaders in context; wrap the handler with WithLoaders")
	}
	return l
}

// levels returns the level of the field being resolved and the level of the nearest
// resolver above it (the level whose values the field's parents are).
func levels(ctx context.Context) (field, parent string) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return "", ""
	}
	field = pathOf(fc)
	for p := fc.Parent; p != nil; p = p.Parent {
		if p.Index == nil && p.IsResolver {
			return field, pathOf(p)
		}
	}
	return field, ""
}

// pathOf is the response path of a field without list indexes.
func pathOf(fc *graphql.FieldContext) string {
	var names []string
	for p := fc; p != nil; p = p.Parent {
		if p.Index == nil && p.Field.Field != nil {
			names = append(names, p.Field.Alias)
		}
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, ".")
}

// expect declares keys that children at a level may load later; the caller holds l.mu.
func (l *Loaders) expect(name, level string, keys ...string) {
	p := l.pools[name+"\x00"+level]
	if p == nil {
		p = &pool{}
		l.pools[name+"\x00"+level] = p
	}
	for _, k := range keys {
		if k != "" {
			p.keys = append(p.keys, k)
		}
	}
}

// fetchLocked returns the values of keys for one loader at one loading field, fetching in one
// statement the missing ones together with every key declared for the parent level.
func fetchLocked[V any](ctx context.Context, l *Loaders, id, field, parent, name string, keys []string,
	fetch func(ctx context.Context, keys []string) (map[string]V, error)) ([]V, error) {
	b, _ := l.batches[id].(*batchState[V])
	if b == nil {
		b = &batchState[V]{fetched: map[string]V{}}
		l.batches[id] = b
	}
	var want []string
	seenKey := map[string]bool{}
	add := func(k string) {
		if _, done := b.fetched[k]; !done && k != "" && !seenKey[k] {
			seenKey[k] = true
			want = append(want, k)
		}
	}
	for _, k := range keys {
		add(k)
	}
	if len(want) > 0 {
		if p := l.pools[name+"\x00"+parent]; p != nil {
			for _, k := range p.keys[b.consumed:] {
				add(k)
			}
			b.consumed = len(p.keys)
		}
		got, err := fetch(ctx, want)
		if err != nil {
			return nil, err
		}
		for _, k := range want {
			b.fetched[k] = got[k]
		}
		for _, k := range want {
			l.see(got[k], field)
		}
	}
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = b.fetched[k]
	}
	return out, nil
}

// loadMany returns the values of keys in order, zero values for keys with none.
func (ld loader[V]) loadMany(ctx context.Context, keys ...string) ([]V, error) {
	l := loadersFrom(ctx)
	field, parent := levels(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	return fetchLocked(ctx, l, ld.name+"\x00"+field, field, parent, ld.name, keys,
		func(ctx context.Context, keys []string) (map[string]V, error) { return ld.fetch(l.store, ctx, keys) })
}

// load returns the value of one key.
func (ld loader[V]) load(ctx context.Context, key string) (V, error) {
	vs, err := ld.loadMany(ctx, key)
	if err != nil {
		var zero V
		return zero, err
	}
	return vs[0], nil
}

// load returns one key's page.
func (ld pagedLoader[V]) load(ctx context.Context, key string, first int, after *paging.Cursor) (V, error) {
	l := loadersFrom(ctx)
	field, parent := levels(ctx)
	variant := fmt.Sprintf("%d/%v", first, after)
	l.mu.Lock()
	defer l.mu.Unlock()
	vs, err := fetchLocked(ctx, l, ld.name+"\x00"+field+"\x00"+variant, field, parent, ld.name, []string{key},
		func(ctx context.Context, keys []string) (map[string]V, error) {
			return ld.fetch(l.store, ctx, keys, first, after)
		})
	if err != nil {
		var zero V
		return zero, err
	}
	return vs[0], nil
}

// see declares what the children of a node (or of each node of a list or page) produced at
// level may load. The caller holds l.mu.
func (l *Loaders) see(n any, level string) {
	if n == nil {
		return
	}
	switch rv := reflect.ValueOf(n); rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return
		}
	case reflect.Slice:
		for i := 0; i < rv.Len(); i++ {
			l.see(rv.Index(i).Interface(), level)
		}
		return
	}
	x := func(name string, keys ...string) { l.expect(name, level, keys...) }
	switch v := n.(type) {
	case paging.Page[*kg.Event]:
		l.see(v.Items, level)
	case paging.Page[*kg.Citation]:
		l.see(v.Items, level)
	case *kg.State:
		ref := v.NodeRef().String()
		l.seeSources(v.Source, v.Sources, level)
		for i := range v.SystemMembership {
			l.seeSource(&v.SystemMembership[i].Source, level)
		}
		x(membershipsOfL.name, v.Slug)
		x(positionsInL.name, v.Slug)
		x(figuresOfL.name, v.Slug)
		x(eventsOfL.name, ref)
		x(eventCountsL.name, ref)
	case *kg.Organization:
		ref := v.NodeRef().String()
		x(membersOfL.name, v.Slug)
		x(membershipsOfL.name, v.Slug)
		x(positionsInL.name, v.Slug)
		x(provisionsOfL.name, v.Slug)
		x(bodiesOfL.name, v.Slug)
		x(placesL.name, v.HeadquartersSlug)
		x(actorsL.name, v.ParentSlug)
		x(eventsOfL.name, ref)
		x(eventCountsL.name, ref)
		l.seeSources(v.Source, v.Sources, level)
	case *kg.Membership:
		x(actorsL.name, v.MemberSlug, v.OrganizationSlug)
		x(citationsOfL.name, v.NodeRef().String())
		l.seeSource(&v.Source, level)
		for i := range v.Claims {
			l.seeSource(&v.Claims[i].Source, level)
		}
	case *kg.Event:
		ref := v.NodeRef().String()
		x(placesL.name, v.PlaceSlug)
		x(actorsL.name, v.ParticipantSlugs...)
		x(peopleL.name, v.PeopleSlugs...)
		x(quotesAtL.name, v.Slug)
		x(citationsOfL.name, ref)
		l.seeSource(&v.Source, level)
	case *kg.Place:
		ref := v.NodeRef().String()
		x(actorsL.name, v.StateSlug)
		x(eventsOfL.name, ref)
		x(eventCountsL.name, ref)
	case *kg.Person:
		ref := v.NodeRef().String()
		x(positionsOfPersonL.name, v.Slug)
		x(quotesByL.name, v.Slug)
		x(eventsOfL.name, ref)
		x(eventCountsL.name, ref)
	case *kg.Position:
		x(peopleL.name, v.PersonSlug)
		x(actorsL.name, v.OfSlug)
		x(citationsOfL.name, v.NodeRef().String())
		l.seeSource(&v.Source, level)
	case *kg.Quote:
		x(peopleL.name, v.SpeakerSlug)
		x(eventsL.name, v.EventSlug)
		x(citationsOfL.name, v.NodeRef().String())
		l.seeSource(&v.Source, level)
	case *kg.MilitaryStrength:
		x(actorsL.name, v.StateSlug)
		x(citationsOfL.name, v.NodeRef().String())
		l.seeSource(&v.Source, level)
	case *kg.Provision:
		x(actorsL.name, v.OrganizationSlug)
		x(peopleL.name, v.ProposedBySlug)
		x(eventsL.name, v.EventSlug)
		x(citationsOfL.name, v.NodeRef().String())
		l.seeSource(&v.Source, level)
	case *kg.Document:
		x(docCitationsL.name, v.Slug)
		x(docCiteCountsL.name, v.Slug)
	case *kg.Citation:
		x(documentsL.name, v.DocumentSlug)
		x(supportsL.name, kg.CitationKey(v.DocumentSlug, v.Number))
	}
}

// seeSource declares what a fact's source may load: its document and footnotes.
func (l *Loaders) seeSource(s *kg.Source, level string) {
	if s == nil {
		return
	}
	l.expect(documentsL.name, level, s.DocumentSlug)
	for _, n := range s.Notes {
		l.expect(citationsL.name, level, kg.CitationKey(s.DocumentSlug, n))
	}
}

// seeSources declares what an actor's sources may load.
func (l *Loaders) seeSources(s *kg.Source, more []kg.Source, level string) {
	l.seeSource(s, level)
	for i := range more {
		l.seeSource(&more[i], level)
	}
}

// seen declares the children of the values a resolver returns and returns them.
func seen[T any](ctx context.Context, v T) T {
	l := loadersFrom(ctx)
	field, _ := levels(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.see(v, field)
	return v
}

// storeFrom is the store of the request's loaders.
func storeFrom(ctx context.Context) *sqlite.Store { return loadersFrom(ctx).store }
