package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/paging"
	"github.com/treatygraph/treatygraph/internal/seed"
)

const fixtureDir = "../seed/testdata/valid"

func loadFixture(t *testing.T) *kg.Graph {
	t.Helper()
	g, err := seed.Load(os.DirFS(fixtureDir), fixtureDir)
	require.NoError(t, err)
	return g
}

// openFixture builds the valid fixture set into a file in a temporary directory and opens
// it read-only.
func openFixture(t *testing.T) (*Store, *kg.Graph, string) {
	t.Helper()
	g := loadFixture(t)
	path := filepath.Join(t.TempDir(), "treatygraph.db")
	require.NoError(t, Build(context.Background(), g, path))
	s, err := Open(path, 2)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s, g, path
}

func ref(kind, key string) kg.Ref { return kg.Ref{Kind: kind, Key: key} }

func date(s string) *kg.PartialDate {
	d := kg.MustDate(s)
	return &d
}

func slugsOfEvents(es []*kg.Event) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Slug
	}
	return out
}

func TestOpen(t *testing.T) {
	s, g, _ := openFixture(t)
	ctx := context.Background()
	require.NotEmpty(t, g.Version)
	assert.Equal(t, g.Version, s.Version())
	assert.NoError(t, s.Ping(ctx))

	n, err := s.CountStates(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, len(g.States), n)
	n, err = s.CountOrganizations(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, len(g.Organizations), n)
}

func TestOpenRejects(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(filepath.Join(dir, "missing.db"), 1)
	assert.Error(t, err, "a missing file is not created")
	_, statErr := os.Stat(filepath.Join(dir, "missing.db"))
	assert.True(t, os.IsNotExist(statErr), "opening read-only must not create the file")

	// A SQLite file that Build did not write.
	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", "file:"+other)
	require.NoError(t, err)
	_, err = db.Exec("CREATE TABLE t (x INTEGER)")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = Open(other, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a treatygraph database")
}

func TestActorsBySlugs(t *testing.T) {
	s, _, _ := openFixture(t)
	got, err := s.ActorsBySlugs(context.Background(), []string{"armenia", "csto", "no-such-actor"})
	require.NoError(t, err)
	require.Len(t, got, 2, "missing slugs are absent")

	armenia, ok := got["armenia"].(*kg.State)
	require.True(t, ok, "armenia is a *kg.State, got %T", got["armenia"])
	assert.Equal(t, "Armenia", armenia.Name)
	require.NotNil(t, armenia.Iso2)
	assert.Equal(t, "AM", *armenia.Iso2)
	assert.Equal(t, kg.UNMember, armenia.Recognition)
	require.Len(t, armenia.Names, 1)
	assert.Equal(t, "Հայաստան", armenia.Names[0].Text)

	csto, ok := got["csto"].(*kg.Organization)
	require.True(t, ok, "csto is a *kg.Organization, got %T", got["csto"])
	assert.Equal(t, "Collective Security Treaty Organization", csto.Name)
	require.NotNil(t, csto.Founded)
	assert.Equal(t, "1992-05-15", csto.Founded.ISO(), "dates survive the database with their precision")
	assert.Equal(t, []string{"ODKB", "ОДКБ", "Tashkent Pact"}, csto.Aliases)

	none, err := s.ActorsBySlugs(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestActorSlugByCode(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	tests := []struct{ column, code, want string }{
		{"iso2", "AM", "armenia"},
		{"iso2", "am", "armenia"},
		{"iso2", "Uz", "uzbekistan"},
		{"iso3", "kaz", "kazakhstan"},
		{"acronym", "CSTO", "csto"},
		{"acronym", "csto", "csto"},
		{"acronym", "Csto Pa", "csto-parliamentary-assembly"},
		{"iso2", "XX", ""},
		{"iso3", "AM", ""},    // an iso2 code is not an iso3 code
		{"acronym", "AM", ""}, // nor an acronym
		{"iso2", "", ""},
	}
	for _, tt := range tests {
		got, err := s.ActorSlugByCode(ctx, tt.column, tt.code)
		require.NoError(t, err, "%s %q", tt.column, tt.code)
		assert.Equal(t, tt.want, got, "%s %q", tt.column, tt.code)
	}
	_, err := s.ActorSlugByCode(ctx, "name; DROP TABLE actors", "x")
	assert.Error(t, err, "only known columns are accepted")
}

func actorNames(as []kg.Actor) []string {
	out := make([]string, len(as))
	for i, a := range as {
		switch v := a.(type) {
		case *kg.State:
			out[i] = v.Name
		case *kg.Organization:
			out[i] = v.Name
		}
	}
	return out
}

// reissue passes a cursor through its public form, as a client would.
func reissue(t *testing.T, c paging.Cursor) *paging.Cursor {
	t.Helper()
	d, err := paging.DecodeCursor(c.Encode())
	require.NoError(t, err)
	return d
}

func TestListActorsPaging(t *testing.T) {
	s, g, _ := openFixture(t)
	ctx := context.Background()

	page, err := s.ListStates(ctx, nil, nil, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"Armenia", "Kazakhstan"}, actorNames(page.Items))
	require.Len(t, page.Cursors, 2)
	assert.True(t, page.HasNext)

	page, err = s.ListStates(ctx, nil, nil, 2, reissue(t, page.Cursors[1]))
	require.NoError(t, err)
	assert.Equal(t, []string{"Uzbekistan"}, actorNames(page.Items))
	assert.False(t, page.HasNext)

	// A page exactly as long as what is left has no next page.
	page, err = s.ListStates(ctx, nil, nil, 3, nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 3)
	assert.False(t, page.HasNext)

	// Walking one at a time visits every state once, in name order.
	var walked []string
	var after *paging.Cursor
	for i := 0; ; i++ {
		require.Less(t, i, 10, "paging does not end")
		page, err := s.ListStates(ctx, nil, nil, 1, after)
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		walked = append(walked, actorNames(page.Items)...)
		if !page.HasNext {
			break
		}
		after = reissue(t, page.Cursors[0])
	}
	var want []string
	for _, st := range g.States {
		want = append(want, st.Name)
	}
	sort.Strings(want)
	assert.Equal(t, want, walked)

	// Organizations are listed apart from states.
	page, err = s.ListOrganizations(ctx, nil, nil, 10, nil)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"CSTO Parliamentary Assembly", "Collective Security Treaty Organization"}, actorNames(page.Items))
	assert.False(t, page.HasNext)
	for _, a := range page.Items {
		_, ok := a.(*kg.Organization)
		assert.True(t, ok, "%T", a)
	}

	// After the last row there is nothing.
	page, err = s.ListStates(ctx, nil, nil, 5, &paging.Cursor{Order: "State/NAME:false", Values: []any{"Uzbekistan", "uzbekistan"}})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	assert.False(t, page.HasNext)
}

func TestMembershipsOrdering(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()

	byOrg, err := s.MembershipsByOrganizations(ctx, []string{"csto", "csto-parliamentary-assembly", "no-such-org"})
	require.NoError(t, err)
	slugs := func(ms []*kg.Membership) []string {
		out := make([]string, len(ms))
		for i, m := range ms {
			out[i] = m.Slug
		}
		return out
	}
	// By start (the first day it may cover), then slug: the 1994 stints before the one that
	// began on 20 April 1994, whatever their slugs.
	assert.Equal(t, []string{"armenia-csto-1994", "uzbekistan-csto-1994", "kazakhstan-csto-1994", "uzbekistan-csto-2006"}, slugs(byOrg["csto"]))
	assert.Equal(t, []string{"armenia-csto-pa"}, slugs(byOrg["csto-parliamentary-assembly"]))
	assert.NotContains(t, byOrg, "no-such-org")

	left := byOrg["csto"][1]
	require.NotNil(t, left.End)
	assert.Equal(t, "1999", left.End.ISO())
	require.NotNil(t, left.EndReason)
	assert.Equal(t, kg.EndWithdrawn, *left.EndReason)
	assert.Equal(t, []int{2, 1}, left.Source.Notes)

	byMember, err := s.MembershipsByMembers(ctx, []string{"uzbekistan", "armenia"})
	require.NoError(t, err)
	assert.Equal(t, []string{"uzbekistan-csto-1994", "uzbekistan-csto-2006"}, slugs(byMember["uzbekistan"]))
	// A stint with no start sorts first.
	assert.Equal(t, []string{"armenia-csto-pa", "armenia-csto-1994"}, slugs(byMember["armenia"]))
}

func TestListEventsFilters(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	tests := []struct {
		name string
		f    EventQuery
		want []string
	}{
		{"all, in date order", EventQuery{},
			[]string{"cst-signed-tashkent", "cst-in-force", "uzbekistan-withdraws", "csto-summit-2007", "uzbekistan-suspends"}},
		{"from a year", EventQuery{From: date("1999")},
			[]string{"uzbekistan-withdraws", "csto-summit-2007", "uzbekistan-suspends"}},
		{"to a year", EventQuery{To: date("1994")},
			[]string{"cst-signed-tashkent", "cst-in-force"}},
		{"to the day before", EventQuery{To: date("1994-04-19")},
			[]string{"cst-signed-tashkent"}},
		// An event dated "1999" overlaps June 1999; the May–June 2007 summit overlaps 15 May.
		{"between month and day", EventQuery{From: date("1999-06"), To: date("2007-05-15")},
			[]string{"uzbekistan-withdraws", "csto-summit-2007"}},
		{"inside a multi-month event", EventQuery{From: date("2007-06-15"), To: date("2007-06-20")},
			[]string{"csto-summit-2007"}},
		{"empty window", EventQuery{From: date("2000"), To: date("2006")}, nil},
		{"kinds", EventQuery{Kinds: []kg.EventKind{"WITHDRAWAL", "SUSPENSION"}},
			[]string{"uzbekistan-withdraws", "uzbekistan-suspends"}},
		{"involving a state", EventQuery{Involving: "State:armenia"},
			[]string{"cst-signed-tashkent", "cst-in-force", "csto-summit-2007"}},
		{"involving a person", EventQuery{Involving: "Person:nikolai-bordyuzha"},
			[]string{"csto-summit-2007"}},
		{"involving a place", EventQuery{Involving: "Place:tashkent"},
			[]string{"cst-signed-tashkent", "csto-summit-2007"}},
		{"involving an unknown node", EventQuery{Involving: "State:narnia"}, nil},
		{"combined", EventQuery{Involving: "State:uzbekistan", From: date("1995"), Kinds: []kg.EventKind{"WITHDRAWAL", "SUSPENSION", "SUMMIT"}},
			[]string{"uzbekistan-withdraws", "uzbekistan-suspends"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.ListEvents(ctx, tt.f, nil, 20, nil)
			require.NoError(t, err)
			if tt.want == nil {
				assert.Empty(t, page.Items)
			} else {
				assert.Equal(t, tt.want, slugsOfEvents(page.Items))
			}
			assert.False(t, page.HasNext)
			n, err := s.CountEvents(ctx, tt.f)
			require.NoError(t, err)
			assert.Equal(t, len(tt.want), n, "CountEvents agrees with ListEvents")
		})
	}
}

func TestListEventsPaging(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	var got []string
	var after *paging.Cursor
	pages := 0
	for {
		page, err := s.ListEvents(ctx, EventQuery{}, nil, 2, after)
		require.NoError(t, err)
		pages++
		require.LessOrEqual(t, pages, 5, "paging does not end")
		assert.Len(t, page.Cursors, len(page.Items))
		got = append(got, slugsOfEvents(page.Items)...)
		if !page.HasNext {
			assert.Len(t, page.Items, 1, "5 events in pages of 2: the last page has 1")
			break
		}
		assert.Len(t, page.Items, 2)
		after = reissue(t, page.Cursors[len(page.Cursors)-1])
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, []string{"cst-signed-tashkent", "cst-in-force", "uzbekistan-withdraws", "csto-summit-2007", "uzbekistan-suspends"}, got)

	// The event list decodes fully.
	page, err := s.ListEvents(ctx, EventQuery{Kinds: []kg.EventKind{"TREATY_SIGNING"}}, nil, 1, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	e := page.Items[0]
	assert.Equal(t, kg.PartialDate{Year: 1992, Month: 5, Day: 15}, e.Date)
	require.Len(t, e.Quantities, 2)
	assert.Equal(t, kg.Exact, e.Quantities[0].Qualifier)
	assert.Equal(t, "tashkent", e.PlaceSlug)
}

func TestEventsInvolving(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	refs := []string{"State:armenia", "Organization:csto", "State:kazakhstan"}
	pages, err := s.EventsInvolving(ctx, refs, 2, nil)
	require.NoError(t, err)
	require.Len(t, pages, 3, "every ref asked for has a page, even an empty one")

	assert.Equal(t, []string{"cst-signed-tashkent", "cst-in-force"}, slugsOfEvents(pages["State:armenia"].Items))
	assert.True(t, pages["State:armenia"].HasNext)
	assert.Equal(t, []string{"cst-signed-tashkent", "cst-in-force"}, slugsOfEvents(pages["Organization:csto"].Items))
	assert.True(t, pages["Organization:csto"].HasNext)
	assert.Empty(t, pages["State:kazakhstan"].Items)
	assert.False(t, pages["State:kazakhstan"].HasNext)

	// Next pages, each from its own cursor.
	armenia := pages["State:armenia"]
	next, err := s.EventsInvolving(ctx, []string{"State:armenia"}, 2, reissue(t, armenia.Cursors[len(armenia.Cursors)-1]))
	require.NoError(t, err)
	assert.Equal(t, []string{"csto-summit-2007"}, slugsOfEvents(next["State:armenia"].Items))
	assert.False(t, next["State:armenia"].HasNext)

	var all []string
	var after *paging.Cursor
	for i := 0; ; i++ {
		require.Less(t, i, 10)
		p, err := s.EventsInvolving(ctx, []string{"Organization:csto"}, 2, after)
		require.NoError(t, err)
		page := p["Organization:csto"]
		all = append(all, slugsOfEvents(page.Items)...)
		if !page.HasNext {
			break
		}
		after = reissue(t, page.Cursors[len(page.Cursors)-1])
	}
	assert.Equal(t, []string{"cst-signed-tashkent", "cst-in-force", "uzbekistan-withdraws", "csto-summit-2007", "uzbekistan-suspends"}, all)

	counts, err := s.CountEventsInvolving(ctx, refs)
	require.NoError(t, err)
	assert.Equal(t, 3, counts["State:armenia"])
	assert.Equal(t, 5, counts["Organization:csto"])
	assert.Zero(t, counts["State:kazakhstan"])
}

func TestCitationsByFacts(t *testing.T) {
	s, _, _ := openFixture(t)
	got, err := s.CitationsByFacts(context.Background(), []string{
		"Membership:uzbekistan-csto-1994", "Membership:armenia-csto-1994", "Membership:kazakhstan-csto-1994",
		"Organization:csto", "Event:cst-signed-tashkent",
	})
	require.NoError(t, err)
	numbers := func(cs []*kg.Citation) []int {
		out := make([]int, len(cs))
		for i, c := range cs {
			out[i] = c.Number
		}
		return out
	}
	assert.Equal(t, []int{2, 1}, numbers(got["Membership:uzbekistan-csto-1994"]), "in the order the seeds give them")
	assert.Equal(t, []int{1}, numbers(got["Membership:armenia-csto-1994"]))
	assert.Equal(t, []int{1}, numbers(got["Organization:csto"]))
	assert.Equal(t, []int{1}, numbers(got["Event:cst-signed-tashkent"]))
	assert.NotContains(t, got, "Membership:kazakhstan-csto-1994", "a fact sourced without notes has no citations")

	c := got["Membership:uzbekistan-csto-1994"][0]
	assert.Equal(t, "test-article", c.DocumentSlug)
	require.NotNil(t, c.Title)
	assert.Equal(t, "Uzbekistan leaves the alliance", *c.Title)
	require.NotNil(t, c.Published)
	assert.Equal(t, "1999-04-02", c.Published.ISO())
}

func TestFactsByCitations(t *testing.T) {
	s, _, _ := openFixture(t)
	got, err := s.FactsByCitations(context.Background(), []string{"test-article/1", "test-article/2", "test-article/99"})
	require.NoError(t, err)
	assert.Equal(t, []kg.Ref{
		ref(kg.KindEvent, "cst-signed-tashkent"),
		ref(kg.KindMembership, "armenia-csto-1994"),
		ref(kg.KindMembership, "uzbekistan-csto-1994"),
		ref(kg.KindOrganization, "csto"),
	}, got["test-article/1"])
	assert.Equal(t, []kg.Ref{
		ref(kg.KindEvent, "uzbekistan-withdraws"),
		ref(kg.KindMembership, "uzbekistan-csto-1994"),
	}, got["test-article/2"])
	assert.NotContains(t, got, "test-article/99")
}

func hitRefs(hs []Hit) []kg.Ref {
	out := make([]kg.Ref, len(hs))
	for i, h := range hs {
		out[i] = h.Ref
	}
	return out
}

func TestSearch(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()

	t.Run("a name match ranks first", func(t *testing.T) {
		hits, err := s.Search(ctx, "Armenia", nil, 10)
		require.NoError(t, err)
		require.NotEmpty(t, hits)
		assert.Equal(t, ref(kg.KindState, "armenia"), hits[0].Ref)
		assert.Equal(t, "name", hits[0].Field)
		assert.Contains(t, hits[0].Snippet, "«Armenia»")
		// The event whose summary names Armenia is found too, below.
		assert.Contains(t, hitRefs(hits)[1:], ref(kg.KindEvent, "cst-signed-tashkent"))
		for i := 1; i < len(hits); i++ {
			assert.GreaterOrEqual(t, hits[i-1].Score, hits[i].Score, "best first")
		}
	})
	t.Run("a place name outranks an alias and a title", func(t *testing.T) {
		hits, err := s.Search(ctx, "Tashkent", nil, 10)
		require.NoError(t, err)
		require.NotEmpty(t, hits)
		assert.Equal(t, ref(kg.KindPlace, "tashkent"), hits[0].Ref)
		assert.Contains(t, hitRefs(hits), ref(kg.KindOrganization, "csto"), "alias Tashkent Pact")
		assert.Contains(t, hitRefs(hits), ref(kg.KindEvent, "csto-summit-2007"), "title Summit in Tashkent")
	})
	t.Run("prefix", func(t *testing.T) {
		hits, err := s.Search(ctx, "Uzbek", nil, 10)
		require.NoError(t, err)
		require.NotEmpty(t, hits)
		assert.Equal(t, ref(kg.KindState, "uzbekistan"), hits[0].Ref)
		hits, err = s.Search(ctx, "secur treat", nil, 10)
		require.NoError(t, err)
		assert.Contains(t, hitRefs(hits), ref(kg.KindOrganization, "csto"), "every word as a prefix")
	})
	t.Run("every word must match", func(t *testing.T) {
		hits, err := s.Search(ctx, "Armenia Kazakhstan", nil, 10)
		require.NoError(t, err)
		assert.NotContains(t, hitRefs(hits), ref(kg.KindState, "armenia"))
		assert.NotContains(t, hitRefs(hits), ref(kg.KindState, "kazakhstan"))
	})
	t.Run("Cyrillic case folding", func(t *testing.T) {
		for _, q := range []string{"ОДКБ", "одкб", "Одкб"} {
			hits, err := s.Search(ctx, q, nil, 5)
			require.NoError(t, err)
			require.NotEmpty(t, hits, q)
			assert.Equal(t, ref(kg.KindOrganization, "csto"), hits[0].Ref, q)
		}
		hits, err := s.Search(ctx, "қазақ", nil, 5)
		require.NoError(t, err)
		require.NotEmpty(t, hits)
		assert.Equal(t, ref(kg.KindState, "kazakhstan"), hits[0].Ref)
	})
	t.Run("diacritics are folded", func(t *testing.T) {
		for _, q := range []string{"ozbekistan", "Özbek", "ÖZBEKISTAN"} {
			hits, err := s.Search(ctx, q, nil, 5)
			require.NoError(t, err)
			assert.Contains(t, hitRefs(hits), ref(kg.KindState, "uzbekistan"), q)
		}
	})
	t.Run("transliterations and quotes", func(t *testing.T) {
		hits, err := s.Search(ctx, "qazaqstan", nil, 5)
		require.NoError(t, err)
		require.NotEmpty(t, hits)
		assert.Equal(t, ref(kg.KindState, "kazakhstan"), hits[0].Ref)
		hits, err = s.Search(ctx, "open organization", nil, 5)
		require.NoError(t, err)
		assert.Contains(t, hitRefs(hits), ref(kg.KindQuote, "bordyuzha-open-organization"))
	})
	t.Run("kinds", func(t *testing.T) {
		hits, err := s.Search(ctx, "Tashkent", []string{kg.KindEvent}, 10)
		require.NoError(t, err)
		require.NotEmpty(t, hits)
		for _, h := range hits {
			assert.Equal(t, kg.KindEvent, h.Ref.Kind)
		}
	})
	t.Run("first and no duplicates", func(t *testing.T) {
		hits, err := s.Search(ctx, "Uzbekistan", nil, 2)
		require.NoError(t, err)
		assert.Len(t, hits, 2)
		// The csto organization matches through several names; it is listed once.
		hits, err = s.Search(ctx, "collective", nil, 20)
		require.NoError(t, err)
		seen := map[kg.Ref]bool{}
		for _, h := range hits {
			assert.False(t, seen[h.Ref], "duplicate %v", h.Ref)
			seen[h.Ref] = true
		}
	})
	t.Run("FTS syntax is not interpreted", func(t *testing.T) {
		for _, q := range []string{`csto OR "`, `NEAR(csto`, `csto*`, `-csto`, `ref:csto`, `"csto's"`} {
			_, err := s.Search(ctx, q, nil, 5)
			assert.NoError(t, err, q)
		}
	})
	t.Run("bad text", func(t *testing.T) {
		for _, q := range []string{"", "   ", "!!! ---", strings.Repeat("a", MaxSearchText+1)} {
			_, err := s.Search(ctx, q, nil, 5)
			require.Error(t, err, "%q", q)
			assert.Equal(t, kg.BadUserInput, kg.ErrorCode(err), "%q", q)
		}
		// The limit is in characters, not bytes.
		_, err := s.Search(ctx, strings.Repeat("ж", MaxSearchText), nil, 5)
		assert.NoError(t, err)
	})
}

func edgeFacts(es []Edge) []string {
	out := make([]string, len(es))
	for i, e := range es {
		if e.Fact != nil {
			out[i] = e.Fact.String()
		}
	}
	return out
}

func TestShortestPath(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	armenia, kazakhstan := ref(kg.KindState, "armenia"), ref(kg.KindState, "kazakhstan")
	uzbekistan, csto := ref(kg.KindState, "uzbekistan"), ref(kg.KindOrganization, "csto")

	before := s.Statements()
	path, err := s.ShortestPath(ctx, armenia, kazakhstan, nil, 4, 1_000_000)
	require.NoError(t, err)
	assert.Equal(t, int64(2), s.Statements()-before, "one statement per layer walked")
	require.Len(t, path, 2)
	assert.Equal(t, Edge{From: armenia, To: csto, Relation: "member of", Inverse: "has member",
		Fact: &kg.Ref{Kind: kg.KindMembership, Key: "armenia-csto-1994"}, Cite: &kg.Ref{Kind: kg.KindMembership, Key: "armenia-csto-1994"}}, path[0])
	assert.Equal(t, Edge{From: csto, To: kazakhstan, Relation: "has member", Inverse: "member of",
		Fact: &kg.Ref{Kind: kg.KindMembership, Key: "kazakhstan-csto-1994"}, Cite: &kg.Ref{Kind: kg.KindMembership, Key: "kazakhstan-csto-1994"}}, path[1])

	// The other way round is the same chain reversed.
	back, err := s.ShortestPath(ctx, kazakhstan, armenia, nil, 4, 1_000_000)
	require.NoError(t, err)
	require.Len(t, back, 2)
	assert.Equal(t, kazakhstan, back[0].From)
	assert.Equal(t, csto, back[0].To)
	assert.Equal(t, armenia, back[1].To)

	// Before anyone joined there is no link at all.
	none, err := s.ShortestPath(ctx, armenia, kazakhstan, date("1993"), 4, 1_000_000)
	require.NoError(t, err)
	assert.Nil(t, none)

	// Uzbekistan was out of the organization in 2000, in again in 2008.
	none, err = s.ShortestPath(ctx, uzbekistan, kazakhstan, date("2000"), 2, 1_000_000)
	require.NoError(t, err)
	assert.Nil(t, none)
	path, err = s.ShortestPath(ctx, uzbekistan, kazakhstan, date("2008"), 2, 1_000_000)
	require.NoError(t, err)
	require.Len(t, path, 2)
	assert.Equal(t, []string{"Membership:uzbekistan-csto-2006", "Membership:kazakhstan-csto-1994"}, edgeFacts(path))
	// In 2000 the only way is longer: through its capital, the organization's headquarters.
	path, err = s.ShortestPath(ctx, uzbekistan, kazakhstan, date("2000"), 4, 1_000_000)
	require.NoError(t, err)
	require.Len(t, path, 3)
	assert.Equal(t, ref(kg.KindPlace, "tashkent"), path[0].To)
	for i := 1; i < len(path); i++ {
		assert.Equal(t, path[i-1].To, path[i].From, "a chain")
	}

	// A search that needs more links than its bound stops with an error, never a "no path".
	_, err = s.ShortestPath(ctx, armenia, kazakhstan, nil, 4, 5)
	assert.Equal(t, kg.SearchLimitExceeded, kg.ErrorCode(err), "%v", err)

	same, err := s.ShortestPath(ctx, armenia, armenia, nil, 4, 1_000_000)
	require.NoError(t, err)
	assert.NotNil(t, same)
	assert.Empty(t, same)

	none, err = s.ShortestPath(ctx, armenia, ref(kg.KindState, "narnia"), nil, 4, 1_000_000)
	require.NoError(t, err)
	assert.Nil(t, none)
}

func TestNeighborhood(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	armenia, csto := ref(kg.KindState, "armenia"), ref(kg.KindOrganization, "csto")
	uzbekistan := ref(kg.KindState, "uzbekistan")

	for _, tc := range []struct {
		name           string
		centre         kg.Ref
		at             *kg.PartialDate
		depth, max     int
		statements     int64
		truncated      bool
		contains, lack []kg.Ref
	}{
		{name: "one layer", centre: armenia, depth: 1, max: 1000, statements: 1, contains: []kg.Ref{csto}},
		{name: "two layers reach the other members", centre: armenia, depth: 2, max: 1000, statements: 2,
			contains: []kg.Ref{csto, ref(kg.KindState, "kazakhstan")}},
		{name: "a node with no links ends the walk early", centre: ref(kg.KindState, "narnia"), depth: 3, max: 1000, statements: 1},
		{name: "Uzbekistan was out of the organization in 2000", centre: uzbekistan, at: date("2000"), depth: 1, max: 1000, statements: 1,
			lack: []kg.Ref{csto}},
		{name: "and in again in 2008", centre: uzbekistan, at: date("2008"), depth: 1, max: 1000, statements: 1,
			contains: []kg.Ref{csto}},
		{name: "maxNodes truncates", centre: armenia, depth: 2, max: 2, statements: 2, truncated: true},
		{name: "the centre alone, and no second layer to walk", centre: armenia, depth: 2, max: 1, statements: 1, truncated: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Statements()
			r, err := s.Neighborhood(ctx, tc.centre, tc.at, tc.depth, tc.max)
			require.NoError(t, err)
			assert.Equal(t, tc.statements, s.Statements()-before, "one statement per layer walked")
			assert.Equal(t, tc.truncated, r.Truncated)
			require.NotEmpty(t, r.Nodes)
			assert.Equal(t, tc.centre, r.Nodes[0], "the centre comes first")
			assert.LessOrEqual(t, len(r.Nodes), tc.max)
			for _, n := range tc.contains {
				assert.Contains(t, r.Nodes, n)
			}
			for _, n := range tc.lack {
				assert.NotContains(t, r.Nodes, n)
			}
			nodes, links := map[kg.Ref]bool{}, map[[3]string]bool{}
			for _, n := range r.Nodes {
				assert.False(t, nodes[n], "node %s twice", n)
				nodes[n] = true
			}
			for _, e := range r.Edges {
				assert.True(t, nodes[e.From] && nodes[e.To], "edge %s-%s leaves the nodes", e.From, e.To)
				assert.False(t, links[e.undirectedKey()], "link %s-%s twice", e.From, e.To)
				links[e.undirectedKey()] = true
			}
		})
	}
}

func TestDatabaseIsReadOnly(t *testing.T) {
	s, _, path := openFixture(t)
	ctx := context.Background()

	// The store's own connections refuse writes.
	_, err := s.db.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('x', 'y')")
	assert.Error(t, err)
	_, err = s.db.ExecContext(ctx, "DELETE FROM actors")
	assert.Error(t, err)

	// So does any connection opened the way Open opens one.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('x', 'y')")
	assert.Error(t, err)

	n, err := s.CountStates(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, n, "nothing was deleted")
}

func TestBuildNoDirectory(t *testing.T) {
	g := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "missing")
	err := Build(context.Background(), g, filepath.Join(dir, "treatygraph.db"))
	require.Error(t, err)
	_, statErr := os.Stat(dir)
	assert.True(t, os.IsNotExist(statErr), "nothing is left behind")
}

func TestBuildReplacesAtomically(t *testing.T) {
	g := loadFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "treatygraph.db")
	require.NoError(t, Build(ctx, g, path))

	// A second build over the first replaces it.
	g.Version = "second"
	require.NoError(t, Build(ctx, g, path))
	s, err := Open(path, 1)
	require.NoError(t, err)
	assert.Equal(t, "second", s.Version())
	require.NoError(t, s.Close())

	// A build that fails half-way leaves the previous database as it was, and no
	// temporary file.
	bad := *g
	bad.Version = "bad"
	bad.Memberships = append(append([]*kg.Membership{}, g.Memberships...), &kg.Membership{
		Slug: "ghost-csto", MemberSlug: "ghost", OrganizationSlug: "csto", Role: kg.RoleMember,
		Source: kg.Source{DocumentSlug: "test-article", SectionKey: "lead"},
	})
	require.Error(t, Build(ctx, &bad, path))
	s, err = Open(path, 1)
	require.NoError(t, err)
	assert.Equal(t, "second", s.Version())
	require.NoError(t, s.Close())

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"treatygraph.db"}, names)
}

func TestBuildCancelled(t *testing.T) {
	g := loadFixture(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.Error(t, Build(ctx, g, filepath.Join(dir, "treatygraph.db")))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "a cancelled build leaves nothing behind")
}

func TestStatementsCounted(t *testing.T) {
	s, _, _ := openFixture(t)
	ctx := context.Background()
	start := s.Statements()

	var n atomic.Int64
	cctx := WithCounter(ctx, &n)
	_, err := s.ActorsBySlugs(cctx, []string{"armenia", "csto", "uzbekistan"})
	require.NoError(t, err)
	assert.Equal(t, start+1, s.Statements(), "one statement for a whole batch of keys")
	assert.Equal(t, int64(1), n.Load())

	_, err = s.ListEvents(cctx, EventQuery{Involving: "State:armenia"}, nil, 10, nil)
	require.NoError(t, err)
	_, err = s.CitationsByFacts(ctx, []string{"Organization:csto"}) // not counted in n
	require.NoError(t, err)
	assert.Equal(t, start+3, s.Statements())
	assert.Equal(t, int64(2), n.Load())

	// A search rejected before it reaches the database runs no statement.
	_, err = s.Search(cctx, "!!!", nil, 5)
	require.Error(t, err)
	assert.Equal(t, start+3, s.Statements())
}

// mapKept is a Kept without bounds that can forget a record.
type mapKept map[[2]string]any

func (m mapKept) Get(loader, key string) (any, bool) {
	v, ok := m[[2]string{loader, key}]
	return v, ok
}
func (m mapKept) Add(loader, key string, v any) { m[[2]string{loader, key}] = v }

func encodedCursors(p paging.Page[*kg.Event]) []string {
	out := make([]string, len(p.Cursors))
	for i, c := range p.Cursors {
		out[i] = c.Encode()
	}
	return out
}

// TestListsReadThroughKept shows a list page read a second time from what was kept, with no
// statement, the same items and the same cursors as the store reads without keeping; and
// read again from the database once one of its records is no longer kept.
func TestListsReadThroughKept(t *testing.T) {
	s, _, _ := openFixture(t)
	var statements atomic.Int64
	plainCtx := context.Background()
	kept := mapKept{}
	ctx := WithKept(WithCounter(context.Background(), &statements), kept)

	want, err := s.ListEvents(plainCtx, EventQuery{}, nil, 2, nil)
	require.NoError(t, err)
	require.Len(t, want.Items, 2, "the fixture has more than two events")
	require.True(t, want.HasNext)

	first, err := s.ListEvents(ctx, EventQuery{}, nil, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), statements.Load())
	assert.Equal(t, slugsOfEvents(want.Items), slugsOfEvents(first.Items))
	assert.Equal(t, encodedCursors(want), encodedCursors(first))

	again, err := s.ListEvents(ctx, EventQuery{}, nil, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), statements.Load(), "the second read runs no statement")
	assert.Equal(t, want.HasNext, again.HasNext)
	assert.Equal(t, encodedCursors(want), encodedCursors(again))
	for i := range first.Items {
		assert.Same(t, first.Items[i], again.Items[i], "the kept record, not a new one")
	}

	// The next page, after the kept page's cursor, is the store's next page.
	wantNext, err := s.ListEvents(plainCtx, EventQuery{}, nil, 2, &want.Cursors[1])
	require.NoError(t, err)
	next, err := s.ListEvents(ctx, EventQuery{}, nil, 2, &again.Cursors[1])
	require.NoError(t, err)
	assert.Equal(t, slugsOfEvents(wantNext.Items), slugsOfEvents(next.Items))
	assert.Equal(t, int64(2), statements.Load())

	// A record no longer kept: the page is read from the database again, and is right.
	delete(kept, [2]string{"events", want.Items[0].Slug})
	third, err := s.ListEvents(ctx, EventQuery{}, nil, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(3), statements.Load())
	assert.Equal(t, slugsOfEvents(want.Items), slugsOfEvents(third.Items))

	// Another filter is another statement.
	from := kg.MustDate("2010")
	wantFrom, err := s.ListEvents(plainCtx, EventQuery{From: &from}, nil, 2, nil)
	require.NoError(t, err)
	gotFrom, err := s.ListEvents(ctx, EventQuery{From: &from}, nil, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, slugsOfEvents(wantFrom.Items), slugsOfEvents(gotFrom.Items))
	assert.Equal(t, int64(4), statements.Load())
}

func TestCountsReadThroughKept(t *testing.T) {
	s, _, _ := openFixture(t)
	var statements atomic.Int64
	ctx := WithKept(WithCounter(context.Background(), &statements), mapKept{})
	want, err := s.CountEvents(context.Background(), EventQuery{})
	require.NoError(t, err)
	require.Positive(t, want)
	for range 2 {
		got, err := s.CountEvents(ctx, EventQuery{})
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	assert.Equal(t, int64(1), statements.Load(), "the second count runs no statement")
	from := kg.MustDate("2010")
	wantFrom, err := s.CountEvents(context.Background(), EventQuery{From: &from})
	require.NoError(t, err)
	gotFrom, err := s.CountEvents(ctx, EventQuery{From: &from})
	require.NoError(t, err)
	assert.Equal(t, wantFrom, gotFrom)
	assert.Equal(t, int64(2), statements.Load())
}

// TestBuildKeepsTheSchemasIndexes: Build drops the indexes that enforce nothing while it
// inserts, and creates them again after; the file holds every index the migrations declare,
// as they declare it.
func TestBuildKeepsTheSchemasIndexes(t *testing.T) {
	schema := func(db *sql.DB) map[string]string {
		rows, err := db.Query("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
		require.NoError(t, err)
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var n, ddl string
			require.NoError(t, rows.Scan(&n, &ddl))
			out[n] = ddl
		}
		require.NoError(t, rows.Err())
		return out
	}
	declared, err := sql.Open("sqlite", "file::memory:")
	require.NoError(t, err)
	defer declared.Close()
	declared.SetMaxOpenConns(1)
	files, err := fs.Glob(migrations, "migration/*.sql")
	require.NoError(t, err)
	sort.Strings(files)
	for _, f := range files {
		ddl, err := migrations.ReadFile(f)
		require.NoError(t, err)
		_, err = declared.Exec(string(ddl))
		require.NoError(t, err, f)
	}
	want := schema(declared)
	require.NotEmpty(t, want)

	s, _, _ := openFixture(t)
	assert.Equal(t, want, schema(s.db))
}
