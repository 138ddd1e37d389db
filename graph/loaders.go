package graph

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// batch loads values by key for one request. It batches without a wait window: whoever
// returns a list of parents declares the keys their children may need (expect), and the
// first child that asks for any of them fetches all declared keys in one statement. So the
// number of statements a request runs depends on the shape of the query, not on how many
// rows it meets, and does not depend on timing.
type batch[V any] struct {
	mu       sync.Mutex
	expected map[string]struct{}
	fetched  map[string]V
	fetch    func(ctx context.Context, keys []string) (map[string]V, error)
}

func newBatch[V any](fetch func(ctx context.Context, keys []string) (map[string]V, error)) *batch[V] {
	return &batch[V]{expected: map[string]struct{}{}, fetched: map[string]V{}, fetch: fetch}
}

// expect declares keys that children may load later. It runs no statement.
func (b *batch[V]) expect(keys ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range keys {
		if k == "" {
			continue
		}
		if _, done := b.fetched[k]; !done {
			b.expected[k] = struct{}{}
		}
	}
}

// loadMany returns the values of keys in order (zero values for keys with none), fetching
// them together with every key declared so far and not yet fetched.
func (b *batch[V]) loadMany(ctx context.Context, keys ...string) ([]V, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var missing []string
	for _, k := range keys {
		if _, done := b.fetched[k]; !done && k != "" {
			b.expected[k] = struct{}{}
		}
	}
	for _, k := range keys {
		if _, done := b.fetched[k]; !done && k != "" {
			missing = append(missing, k)
			break
		}
	}
	if len(missing) > 0 {
		all := make([]string, 0, len(b.expected))
		for k := range b.expected {
			all = append(all, k)
		}
		got, err := b.fetch(ctx, all)
		if err != nil {
			return nil, err
		}
		for _, k := range all {
			b.fetched[k] = got[k]
			delete(b.expected, k)
		}
	}
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = b.fetched[k]
	}
	return out, nil
}

// load returns the value of one key.
func (b *batch[V]) load(ctx context.Context, key string) (V, error) {
	vs, err := b.loadMany(ctx, key)
	if err != nil {
		var zero V
		return zero, err
	}
	return vs[0], nil
}

// pagedBatch is a batch whose fetch also takes page arguments; each distinct set of arguments
// has its own batch, all sharing the keys declared for the field.
type pagedBatch[V any] struct {
	mu       sync.Mutex
	keys     []string
	variants map[string]*batch[V]
	fetch    func(ctx context.Context, keys []string, first int, after *sqlite.Cursor) (map[string]V, error)
}

func newPagedBatch[V any](fetch func(ctx context.Context, keys []string, first int, after *sqlite.Cursor) (map[string]V, error)) *pagedBatch[V] {
	return &pagedBatch[V]{variants: map[string]*batch[V]{}, fetch: fetch}
}

func (p *pagedBatch[V]) expect(keys ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append(p.keys, keys...)
	for _, b := range p.variants {
		b.expect(keys...)
	}
}

func (p *pagedBatch[V]) load(ctx context.Context, key string, first int, after *sqlite.Cursor) (V, error) {
	variant := fmt.Sprintf("%d/%v", first, after)
	p.mu.Lock()
	b, ok := p.variants[variant]
	if !ok {
		b = newBatch(func(ctx context.Context, keys []string) (map[string]V, error) {
			return p.fetch(ctx, keys, first, after)
		})
		b.expect(p.keys...)
		p.variants[variant] = b
	}
	p.mu.Unlock()
	return b.load(ctx, key)
}

func one[V any](f func(context.Context, []string) (map[string]V, error)) *batch[V] {
	return newBatch(f)
}

// Loaders are the batches of one request.
type Loaders struct {
	store *sqlite.Store

	actors      *batch[kg.Actor]
	places      *batch[*kg.Place]
	people      *batch[*kg.Person]
	events      *batch[*kg.Event]
	quotes      *batch[*kg.Quote]
	positions   *batch[*kg.Position]
	memberships *batch[*kg.Membership]
	figures     *batch[*kg.MilitaryStrength]
	provisions  *batch[*kg.Provision]
	documents   *batch[*kg.Document]
	citations   *batch[*kg.Citation]

	membersOf         *batch[[]*kg.Membership]
	membershipsOf     *batch[[]*kg.Membership]
	positionsOfPerson *batch[[]*kg.Position]
	positionsIn       *batch[[]*kg.Position]
	figuresOf         *batch[[]*kg.MilitaryStrength]
	provisionsOf      *batch[[]*kg.Provision]
	bodiesOf          *batch[[]*kg.Organization]
	quotesBy          *batch[[]*kg.Quote]
	quotesAt          *batch[[]*kg.Quote]
	citationsOf       *batch[[]*kg.Citation]
	supports          *batch[[]kg.Ref]

	eventsOf      *pagedBatch[sqlite.Page[*kg.Event]]
	eventCounts   *batch[int]
	docCitations  *pagedBatch[sqlite.Page[*kg.Citation]]
	docCiteCounts *batch[int]
}

// NewLoaders makes the batches for one request.
func NewLoaders(s *sqlite.Store) *Loaders {
	return &Loaders{
		store:       s,
		actors:      one(s.ActorsBySlugs),
		places:      one(s.PlacesBySlugs),
		people:      one(s.PeopleBySlugs),
		events:      one(s.EventsBySlugs),
		quotes:      one(s.QuotesBySlugs),
		positions:   one(s.PositionsBySlugs),
		memberships: one(s.MembershipsBySlugs),
		figures:     one(s.FiguresBySlugs),
		provisions:  one(s.ProvisionsBySlugs),
		documents:   one(s.DocumentsBySlugs),
		citations:   one(s.CitationsByKeys),

		membersOf:         one(s.MembershipsByOrganizations),
		membershipsOf:     one(s.MembershipsByMembers),
		positionsOfPerson: one(s.PositionsByPeople),
		positionsIn:       one(s.PositionsByActors),
		figuresOf:         one(s.FiguresByStates),
		provisionsOf:      one(s.ProvisionsByOrganizations),
		bodiesOf:          one(s.OrganizationsByParents),
		quotesBy:          one(s.QuotesBySpeakers),
		quotesAt:          one(s.QuotesByEvents),
		citationsOf:       one(s.CitationsByFacts),
		supports:          one(s.FactsByCitations),

		eventsOf:      newPagedBatch(s.EventsInvolving),
		eventCounts:   one(s.CountEventsInvolving),
		docCitations:  newPagedBatch(s.CitationsByDocuments),
		docCiteCounts: one(s.CountCitationsByDocuments),
	}
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

// see declares what the children of a returned node may load, so that they load it for
// all siblings at once.
func (l *Loaders) see(n any) {
	if n == nil || reflect.ValueOf(n).Kind() == reflect.Pointer && reflect.ValueOf(n).IsNil() {
		return
	}
	switch v := n.(type) {
	case *kg.State:
		ref := v.NodeRef().String()
		l.membershipsOf.expect(v.Slug)
		l.positionsIn.expect(v.Slug)
		l.figuresOf.expect(v.Slug)
		l.eventsOf.expect(ref)
		l.eventCounts.expect(ref)
	case *kg.Organization:
		ref := v.NodeRef().String()
		l.membersOf.expect(v.Slug)
		l.membershipsOf.expect(v.Slug)
		l.positionsIn.expect(v.Slug)
		l.provisionsOf.expect(v.Slug)
		l.bodiesOf.expect(v.Slug)
		l.places.expect(v.HeadquartersSlug)
		l.actors.expect(v.ParentSlug)
		l.eventsOf.expect(ref)
		l.eventCounts.expect(ref)
		l.seeSource(v.Source)
	case *kg.Membership:
		l.actors.expect(v.MemberSlug, v.OrganizationSlug)
		l.citationsOf.expect(v.NodeRef().String())
		l.seeSource(&v.Source)
	case *kg.Event:
		ref := v.NodeRef().String()
		l.places.expect(v.PlaceSlug)
		l.actors.expect(v.ParticipantSlugs...)
		l.people.expect(v.PeopleSlugs...)
		l.quotesAt.expect(v.Slug)
		l.citationsOf.expect(ref)
		l.seeSource(&v.Source)
	case *kg.Place:
		ref := v.NodeRef().String()
		l.actors.expect(v.StateSlug)
		l.eventsOf.expect(ref)
		l.eventCounts.expect(ref)
	case *kg.Person:
		ref := v.NodeRef().String()
		l.positionsOfPerson.expect(v.Slug)
		l.quotesBy.expect(v.Slug)
		l.eventsOf.expect(ref)
		l.eventCounts.expect(ref)
	case *kg.Position:
		l.people.expect(v.PersonSlug)
		l.actors.expect(v.OfSlug)
		l.citationsOf.expect(v.NodeRef().String())
		l.seeSource(&v.Source)
	case *kg.Quote:
		l.people.expect(v.SpeakerSlug)
		l.events.expect(v.EventSlug)
		l.citationsOf.expect(v.NodeRef().String())
		l.seeSource(&v.Source)
	case *kg.MilitaryStrength:
		l.actors.expect(v.StateSlug)
		l.citationsOf.expect(v.NodeRef().String())
		l.seeSource(&v.Source)
	case *kg.Provision:
		l.actors.expect(v.OrganizationSlug)
		l.people.expect(v.ProposedBySlug)
		l.events.expect(v.EventSlug)
		l.citationsOf.expect(v.NodeRef().String())
		l.seeSource(&v.Source)
	case *kg.Document:
		l.docCitations.expect(v.Slug)
		l.docCiteCounts.expect(v.Slug)
	case *kg.Citation:
		l.documents.expect(v.DocumentSlug)
		l.supports.expect(kg.CitationKey(v.DocumentSlug, v.Number))
	}
}

func (l *Loaders) seeSource(s *kg.Source) {
	if s == nil {
		return
	}
	l.documents.expect(s.DocumentSlug)
	for _, n := range s.Notes {
		l.citations.expect(kg.CitationKey(s.DocumentSlug, n))
	}
}

// seen declares the children of every item of a list and returns the list.
func seen[T any](ctx context.Context, items []T) []T {
	l := loadersFrom(ctx)
	for _, it := range items {
		l.see(it)
	}
	return items
}

// seenOne declares the children of one item and returns it.
func seenOne[T any](ctx context.Context, item T) T {
	loadersFrom(ctx).see(item)
	return item
}
