package graph

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/lru"
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

// Records keeps decoded records and relation lists of one database, shared by every request
// over it. The database is an immutable snapshot, so what was read once stays right: a
// request finds what earlier ones read without running SQL or decoding JSON, and reads only
// the keys it misses, still in one statement per loader and level. Values are shared, so
// nothing may change a loaded value. The nil *Records keeps nothing.
type Records struct {
	cache *lru.Cache[recordKey, any]
}

type recordKey struct{ loader, key string }

// DefaultRecordCache is how many records the server keeps decoded: a relation list counts
// one per element. The article with the COW dataset, every list read, is about 40,000
// records and 50 MB.
const DefaultRecordCache = 100_000

// NewRecords keeps at most maxRecords records, or nothing when maxRecords <= 0.
func NewRecords(maxRecords int) *Records {
	c := lru.New[recordKey, any](maxRecords, 0)
	if c == nil {
		return nil
	}
	return &Records{cache: c}
}

// Stats returns the figures of the cache: entries, records held, hits and misses.
func (r *Records) Stats() lru.Stats {
	if r == nil {
		return lru.Stats{}
	}
	return r.cache.Stats()
}

// Get returns the record the loader named loader read for key, if it is kept (sqlite.Kept).
func (r *Records) Get(loader, key string) (any, bool) {
	return r.cache.Get(recordKey{loader, key})
}

// Add keeps v as what the loader named loader reads for key (sqlite.Kept).
func (r *Records) Add(loader, key string, v any) {
	r.cache.Add(recordKey{loader, key}, v, records(v))
}

// cached wraps a fetch so that it reads only the keys records does not hold.
func cached[V any](r *Records, name string, keys []string, fetch func(keys []string) (map[string]V, error)) (map[string]V, error) {
	if r == nil {
		return fetch(keys)
	}
	got := make(map[string]V, len(keys))
	var missing []string
	for _, k := range keys {
		if v, ok := r.Get(name, k); ok {
			got[k], _ = v.(V) // a nil interface is kept for a key that names nothing
		} else {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return got, nil
	}
	fetched, err := fetch(missing)
	if err != nil {
		return nil, err
	}
	for _, k := range missing {
		v := fetched[k]
		got[k] = v
		r.Add(name, k, v)
	}
	return got, nil
}

// records is what a value counts in the cache: one per element of a list, one otherwise.
func records(v any) int {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
		return rv.Len() + 1
	}
	return 1
}

// Loaders hold the batches of one request.
type Loaders struct {
	store   *sqlite.Store
	records *Records
	mu      sync.Mutex
	// pools holds the keys declared for each loader at each level.
	pools map[poolKey]*pool
	// batches holds, for each loader at each loading field, what it fetched.
	batches map[batchKey]any
	// selections holds the names of the fields selected below each level.
	selections map[level]map[string]bool
	// log, when set, records repeated fetches (see BatchLog).
	log *BatchLog
}

// A level is the response path of a field without list indexes ("organizations.nodes.members"),
// kept as a 64-bit FNV-1a hash of its names so that finding it allocates nothing.
type level uint64

// poolKey names the keys declared for one loader at one level.
type poolKey struct {
	loader string
	level  level
}

// batchKey names what one loader fetched for one loading field (and page arguments).
type batchKey struct {
	loader  string
	field   level
	variant string
}

type pool struct{ keys []string }

type batchState[V any] struct {
	fetched  map[string]V
	consumed int // how many keys of the parent level's pool have been fetched
	fetches  int // statements run: more than one means keys were not pooled in time
}

// BatchLog records, for one request, the batches that had to fetch again: a loader at a
// level whose keys were not all pooled before its first fetch, which makes one statement per
// parent. Tests attach one to a request with WithBatchLog and expect it empty.
type BatchLog struct {
	mu        sync.Mutex
	refetches []string
}

// Refetches lists the loaders and levels that fetched more than once, as "loader at path".
func (b *BatchLog) Refetches() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.refetches)
}

type batchLogKey struct{}

// WithBatchLog returns a context whose request records its repeated fetches in log.
func WithBatchLog(ctx context.Context, log *BatchLog) context.Context {
	return context.WithValue(ctx, batchLogKey{}, log)
}

// pathOf is the response path of a field without list indexes, for messages.
func pathOf(fc *graphql.FieldContext) string {
	var names []string
	for p := fc; p != nil; p = p.Parent {
		if p.Index == nil && p.Field.Field != nil {
			names = append(names, p.Field.Alias)
		}
	}
	slices.Reverse(names)
	return strings.Join(names, ".")
}

// NewLoaders makes the batches for one request, reading through records (which may be nil).
func NewLoaders(s *sqlite.Store, records *Records) *Loaders {
	return &Loaders{store: s, records: records, pools: map[poolKey]*pool{}, batches: map[batchKey]any{}, selections: map[level]map[string]bool{}}
}

type loadersKey struct{}

// WithLoaders returns a context carrying fresh loaders for one request, reading through
// records (which may be nil).
func WithLoaders(ctx context.Context, s *sqlite.Store, records *Records) context.Context {
	l := NewLoaders(s, records)
	l.log, _ = ctx.Value(batchLogKey{}).(*BatchLog)
	if records != nil {
		ctx = sqlite.WithKept(ctx, records) // root lists decode only the records not kept
	}
	return context.WithValue(ctx, loadersKey{}, l)
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
func levels(ctx context.Context) (field, parent level) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return 0, 0
	}
	field = levelOf(fc)
	for p := fc.Parent; p != nil; p = p.Parent {
		if p.Index == nil && p.IsResolver {
			return field, levelOf(p)
		}
	}
	return field, 0
}

// levelOf is the level of a field: the hash of its response path without list indexes,
// taken from the field up to the root.
func levelOf(fc *graphql.FieldContext) level {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for p := fc; p != nil; p = p.Parent {
		if p.Index == nil && p.Field.Field != nil {
			a := p.Field.Alias
			for i := 0; i < len(a); i++ {
				h = (h ^ uint64(a[i])) * prime
			}
			h = (h ^ '.') * prime
		}
	}
	return level(h)
}

// expect declares keys that children at a level may load later; the caller holds l.mu.
func (l *Loaders) expect(name string, at level, keys ...string) {
	k := poolKey{name, at}
	p := l.pools[k]
	if p == nil {
		p = &pool{}
		l.pools[k] = p
	}
	for _, k := range keys {
		if k != "" {
			p.keys = append(p.keys, k)
		}
	}
}

// fetchLocked returns the values of keys for one loader at one loading field, fetching in one
// statement the missing ones together with every key declared for the parent level.
func fetchLocked[V any](ctx context.Context, l *Loaders, id batchKey, parent level, keys []string,
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
		if p := l.pools[poolKey{id.loader, parent}]; p != nil {
			for _, k := range p.keys[b.consumed:] {
				add(k)
			}
			b.consumed = len(p.keys)
		}
		// A root resolver may load in several steps; below the root, a second fetch at one
		// level means a parent's keys were not pooled.
		if b.fetches++; b.fetches > 1 && parent != 0 && l.log != nil {
			if fc := graphql.GetFieldContext(ctx); fc != nil {
				l.log.mu.Lock()
				l.log.refetches = append(l.log.refetches, id.loader+" at "+pathOf(fc))
				l.log.mu.Unlock()
			}
		}
		got, err := fetch(ctx, want)
		if err != nil {
			return nil, err
		}
		for _, k := range want {
			b.fetched[k] = got[k]
		}
		for _, k := range want {
			l.see(ctx, got[k], id.field)
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
	return ld.fetchAt(ctx, false, keys)
}

// loadManyWithin is loadMany for a resolver's second step: it fetches, with keys, every key
// pooled at the resolver's own level by the values its first step loaded (children entries
// on "@field"), rather than at its parent's. A state's organizations are the organizations
// of the stints just loaded for every state of the level, for one.
func (ld loader[V]) loadManyWithin(ctx context.Context, keys ...string) ([]V, error) {
	return ld.fetchAt(ctx, true, keys)
}

// fetchAt loads keys with the keys pooled at the parent level, or at the field's own level
// when within is set, reading through the records kept.
func (ld loader[V]) fetchAt(ctx context.Context, within bool, keys []string) ([]V, error) {
	l := loadersFrom(ctx)
	field, pooled := levels(ctx)
	id := batchKey{ld.name, field, ""}
	if within {
		id.variant, pooled = "within", field
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return fetchLocked(ctx, l, id, pooled, keys,
		func(ctx context.Context, keys []string) (map[string]V, error) {
			return cached(l.records, ld.name, keys, func(keys []string) (map[string]V, error) { return ld.fetch(l.store, ctx, keys) })
		})
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
	vs, err := fetchLocked(ctx, l, batchKey{ld.name, field, variant}, parent, []string{key},
		func(ctx context.Context, keys []string) (map[string]V, error) {
			return ld.fetch(l.store, ctx, keys, first, after)
		})
	if err != nil {
		var zero V
		return zero, err
	}
	return vs[0], nil
}

// seen declares the children of the values a resolver returns and returns them.
func seen[T any](ctx context.Context, v T) T {
	l := loadersFrom(ctx)
	field, _ := levels(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.see(ctx, v, field)
	return v
}

// storeFrom is the store of the request's loaders.
func storeFrom(ctx context.Context) *sqlite.Store { return loadersFrom(ctx).store }

// slugByCode finds the slug of the actor a code names (an ISO code, an acronym, a COW key or
// country code), through the records kept: a root lookup by code asked before runs no SQL.
// The key is folded as SQLite's NOCASE folds it (ASCII letters only), so that two spellings
// the database treats as one share an entry and no others do. "" when none has the code.
func slugByCode(ctx context.Context, column, code string, find func() (string, error)) (string, error) {
	key := asciiLower(code)
	got, err := cached(loadersFrom(ctx).records, "code:"+column, []string{key}, func([]string) (map[string]string, error) {
		slug, err := find()
		if err != nil {
			return nil, err
		}
		return map[string]string{key: slug}, nil
	})
	if err != nil {
		return "", err
	}
	return got[key], nil
}

// asciiLower lowers ASCII letters only, as SQLite's NOCASE collation compares.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}
