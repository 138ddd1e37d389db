package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
)

// The encyclopedia article every seed is curated from, and its footnotes.
const (
	articleSlug      = "csto-article"
	articleFootnotes = 41
)

// The kinds of sourced record, in the order the coverage table prints them. The first six
// are facts and must have a source; the last four are entities whose source is optional.
var coverageKinds = []string{"membership", "event", "quote", "position", "figure", "provision", "state", "organization", "place", "person"}

var factKinds = map[string]bool{"membership": true, "event": true, "quote": true, "position": true, "figure": true, "provision": true}

// sourced is one record of the graph with the source it cites.
type sourced struct {
	kind, slug string
	source     *kg.Source // nil only for an entity without a source
	tableNotes bool       // a figure that carries notes of the table it comes from
}

func (s sourced) fact() bool { return factKinds[s.kind] }

// supportsFact says whether the record counts as a fact for coverage: every fact does, and so
// does an entity whose own source carries footnotes.
func (s sourced) supportsFact() bool {
	return s.fact() || (s.source != nil && len(s.source.Notes) > 0)
}

func (s sourced) String() string { return s.kind + " " + s.slug }

// sourcedRecords lists every membership, event, quote, position, figure and provision, and
// every state, organization, place and person, with its source.
func sourcedRecords(g *kg.Graph) []sourced {
	var out []sourced
	add := func(kind, slug string, s *kg.Source) { out = append(out, sourced{kind: kind, slug: slug, source: s}) }
	for _, m := range g.Memberships {
		add("membership", m.Slug, &m.Source)
	}
	for _, e := range g.Events {
		add("event", e.Slug, &e.Source)
	}
	for _, q := range g.Quotes {
		add("quote", q.Slug, &q.Source)
	}
	for _, p := range g.Positions {
		add("position", p.Slug, &p.Source)
	}
	for _, f := range g.Figures {
		out = append(out, sourced{kind: "figure", slug: f.Slug, source: &f.Source, tableNotes: len(f.Notes) > 0})
	}
	for _, p := range g.Provisions {
		add("provision", p.Slug, &p.Source)
	}
	for _, s := range g.States {
		add("state", s.Slug, s.Source)
	}
	for _, o := range g.Organizations {
		add("organization", o.Slug, o.Source)
	}
	for _, p := range g.Places {
		add("place", p.Slug, p.Source)
	}
	for _, p := range g.People {
		add("person", p.Slug, p.Source)
	}
	return out
}

func loadCoverageGraph(t *testing.T) *kg.Graph {
	t.Helper()
	g, err := loadSeeds("", seed.DefaultLimits())
	require.NoError(t, err, "the embedded seeds must load")
	return g
}

func findArticle(t *testing.T, g *kg.Graph) *kg.Document {
	t.Helper()
	for _, d := range g.Documents {
		if d.Slug == articleSlug {
			return d
		}
	}
	require.FailNow(t, "no document "+articleSlug)
	return nil
}

// apparatus says which facts the article's NOTES sections support. Facts never name these
// sections as their source.section, because they cite what the sections list instead: the
// References section is the list of footnotes, so it supports every fact that cites one of
// them; the Notes section holds the notes of the personnel table, carried by the figures
// they belong to. A NOTES section not listed here must be cited directly like any other.
var apparatus = map[string]func(s sourced) bool{
	"references": func(s sourced) bool {
		return s.source != nil && s.source.DocumentSlug == articleSlug && len(s.source.Notes) > 0
	},
	"notes": func(s sourced) bool { return s.tableNotes && s.source.DocumentSlug == articleSlug },
}

// TestCoverage checks that every footnote and every section of the article supports at least
// one fact and that every fact is sourced to a real section, and logs how the facts are spread
// over the article (go test -run Coverage -v).
func TestCoverage(t *testing.T) {
	g := loadCoverageGraph(t)
	article := findArticle(t, g)
	records := sourcedRecords(g)

	sections := map[string]map[string]bool{} // document -> section keys
	for _, d := range g.Documents {
		sections[d.Slug] = map[string]bool{}
		for _, s := range d.Sections {
			sections[d.Slug][s.Key] = true
		}
	}

	// Every fact has a source, naming a document and one of its sections; so does every
	// entity that has a source at all.
	for _, r := range records {
		if r.source == nil {
			assert.False(t, r.fact(), "%s has no source", r)
			continue
		}
		if r.source.DocumentSlug == "" || r.source.SectionKey == "" {
			assert.Failf(t, "incomplete source", "%s: source document %q, section %q: both are required",
				r, r.source.DocumentSlug, r.source.SectionKey)
			continue
		}
		keys, ok := sections[r.source.DocumentSlug]
		if !assert.True(t, ok, "%s cites unknown document %q", r, r.source.DocumentSlug) {
			continue
		}
		assert.True(t, keys[r.source.SectionKey], "%s cites section %q, which document %q does not have",
			r, r.source.SectionKey, r.source.DocumentSlug)
	}

	// The article's footnotes are exactly 1..41 and each supports at least one fact (an entity
	// whose own source carries the footnote counts too).
	var numbers []int
	for _, c := range g.Citations {
		if c.DocumentSlug == articleSlug {
			numbers = append(numbers, c.Number)
		}
	}
	slices.Sort(numbers)
	want := make([]int, articleFootnotes)
	for i := range want {
		want[i] = i + 1
	}
	assert.Equal(t, want, numbers, "footnotes of %s", articleSlug)
	supports := map[int][]string{}
	for _, r := range records {
		if r.source == nil || r.source.DocumentSlug != articleSlug {
			continue
		}
		for _, n := range r.source.Notes {
			supports[n] = append(supports[n], r.String())
		}
	}
	for n := 1; n <= articleFootnotes; n++ {
		assert.NotEmpty(t, supports[n], "footnote %d of %s supports no fact", n, articleSlug)
	}

	// Every section of the article supports at least one fact (or an entity with footnotes).
	type row struct {
		byKind                 map[string]int
		facts, bare, supported int
	}
	rows := map[string]*row{}
	for _, s := range article.Sections {
		rows[s.Key] = &row{byKind: map[string]int{}}
	}
	for _, r := range records {
		if r.source == nil || r.source.DocumentSlug != articleSlug || rows[r.source.SectionKey] == nil {
			continue
		}
		w := rows[r.source.SectionKey]
		w.byKind[r.kind]++
		if r.supportsFact() {
			w.supported++
		}
		if !r.fact() {
			continue
		}
		w.facts++
		if len(r.source.Notes) == 0 {
			w.bare++
		}
	}
	via := map[string]int{}
	for _, s := range article.Sections {
		w := rows[s.Key]
		if w.supported > 0 {
			continue
		}
		if s.Kind == kg.SectionKind("NOTES") {
			if supported := apparatus[s.Key]; supported != nil {
				for _, r := range records {
					if r.supportsFact() && supported(r) {
						via[s.Key]++
					}
				}
			}
		}
		assert.NotZero(t, via[s.Key], "section %q (%s) of %s supports no fact", s.Key, s.Title, articleSlug)
	}

	// The table: one row per section of the article, one column per kind of record.
	abbrev := map[string]string{"membership": "mem", "event": "evt", "quote": "quo", "position": "pos",
		"figure": "fig", "provision": "pro", "state": "sta", "organization": "org", "place": "pla", "person": "per"}
	width := len("section")
	for _, s := range article.Sections {
		width = max(width, len(s.Key))
	}
	left := func(s string) string { return fmt.Sprintf("%-*s", width, s) } // tabwriter aligns every cell right
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t", left("section"))
	for _, k := range coverageKinds {
		fmt.Fprintf(tw, "%s\t", abbrev[k])
	}
	fmt.Fprint(tw, "facts\tno-fn\t\n")
	total := &row{byKind: map[string]int{}}
	for _, s := range article.Sections {
		w := rows[s.Key]
		fmt.Fprintf(tw, "%s\t", left(s.Key))
		for _, k := range coverageKinds {
			fmt.Fprintf(tw, "%d\t", w.byKind[k])
			total.byKind[k] += w.byKind[k]
		}
		fmt.Fprintf(tw, "%d\t%d\t", w.facts, w.bare)
		if n := via[s.Key]; n > 0 {
			fmt.Fprintf(tw, " (cited by no fact; supports %d through what it lists)", n)
		}
		fmt.Fprint(tw, "\n")
		total.facts += w.facts
		total.bare += w.bare
	}
	fmt.Fprintf(tw, "%s\t", left("total"))
	for _, k := range coverageKinds {
		fmt.Fprintf(tw, "%d\t", total.byKind[k])
	}
	fmt.Fprintf(tw, "%d\t%d\t\n", total.facts, total.bare)
	require.NoError(t, tw.Flush())
	unsourced := 0
	for _, r := range records {
		if r.source == nil {
			unsourced++
		}
	}
	t.Logf("records of %s by section and kind (mem..pro are facts, sta..per entities with a source;"+
		" facts = mem..pro; no-fn = facts sourced by section only, without a footnote):\n%s"+
		"entities without a source: %d", articleSlug, b.String(), unsourced)

	var perNote []string
	for n := 1; n <= articleFootnotes; n++ {
		perNote = append(perNote, fmt.Sprintf("%d:%d", n, len(supports[n])))
	}
	t.Logf("records per footnote (number:count): %s", strings.Join(perNote, " "))
}

// TestCoverageArticleFacts pins a few facts read from the article itself, not from the seeds.
func TestCoverageArticleFacts(t *testing.T) {
	g := loadCoverageGraph(t)

	citations := map[int]*kg.Citation{}
	for _, c := range g.Citations {
		if c.DocumentSlug == articleSlug {
			citations[c.Number] = c
		}
	}
	cite := func(n int) *kg.Citation {
		t.Helper()
		c := citations[n]
		require.NotNil(t, c, "footnote %d", n)
		return c
	}

	t.Run("citations", func(t *testing.T) {
		assert.Len(t, citations, 41, "the article has 41 references")
		if c := cite(9); assert.NotNil(t, c.Language, "footnote 9 language") {
			assert.Equal(t, "ru", *c.Language, "footnote 9 has a Russian title")
		}
		assert.True(t, cite(33).DeadLink, "footnote 33 is marked [permanent dead link]")
		for _, n := range []int{2, 7} {
			c := cite(n)
			assert.True(t, c.TitleIsPlaceholder, "footnote %d is titled \"Archived copy\"", n)
			if assert.NotNil(t, c.Title, "footnote %d title", n) {
				assert.Equal(t, "Archived copy", *c.Title, "footnote %d title", n)
			}
		}
		if c := cite(1); assert.NotNil(t, c.Isbn, "footnote 1 ISBN") {
			assert.Equal(t, "978-0765604323", *c.Isbn)
		}
	})

	t.Run("figures", func(t *testing.T) {
		names := map[string]string{}
		for _, s := range g.States {
			names[s.Slug] = s.Name
		}
		type strength struct{ active, total int }
		want := map[string]strength{
			"Armenia":    {44800, 259100},
			"Belarus":    {45350, 444850},
			"Kazakhstan": {39000, 70500},
			"Kyrgyzstan": {10900, 20400},
			"Russia":     {900000, 3454000},
			"Tajikistan": {8800, 16300},
		}
		got := map[string]strength{}
		for _, f := range g.Figures {
			got[names[f.StateSlug]] = strength{f.Active, f.Total}
			assert.Equal(t, 2018, f.Year, "figure %s: the table is from The Military Balance 2018", f.Slug)
		}
		assert.Equal(t, want, got, "six figures, active and total personnel")
	})

	t.Run("uzbekistan", func(t *testing.T) {
		var stints []string
		for _, m := range g.Memberships {
			if c := m.Claim("csto-article"); m.MemberSlug == "uzbekistan" && m.OrganizationSlug == "csto" && c != nil && c.Role == kg.RoleMember {
				stints = append(stints, m.Slug)
			}
		}
		assert.Len(t, stints, 2, "the article: Uzbekistan joined the treaty twice and left it twice: %v", stints)
	})

	t.Run("founded", func(t *testing.T) {
		var csto *kg.Organization
		for _, o := range g.Organizations {
			if o.Slug == "csto" {
				csto = o
			}
		}
		require.NotNil(t, csto)
		require.NotNil(t, csto.Founded, "csto founded")
		assert.Equal(t, "1992-05-15", csto.Founded.ISO())
		assert.Equal(t, kg.PrecisionDay, csto.Founded.Precision())
	})

	quantity := func(e *kg.Event, measure string) *kg.Quantity {
		for i := range e.Quantities {
			if e.Quantities[i].Measure == measure {
				return &e.Quantities[i]
			}
		}
		return nil
	}

	t.Run("rubezh-2008", func(t *testing.T) {
		var found []*kg.Event
		for _, e := range g.Events {
			if strings.Contains(e.Title, "Rubezh 2008") {
				found = append(found, e)
			}
		}
		require.Len(t, found, 1, "one Rubezh 2008 event")
		q := quantity(found[0], "troops")
		require.NotNil(t, q, "Rubezh 2008 troops")
		assert.Equal(t, 4000.0, q.Value, "\"a combined total of 4,000 troops\"")
		assert.Equal(t, kg.Exact, q.Qualifier, "\"a combined total of 4,000 troops\"")
	})

	t.Run("exercise-2011", func(t *testing.T) {
		var found []*kg.Event
		for _, e := range g.Events {
			if e.Kind == kg.EventKind("EXERCISE") && e.Date.Year == 2011 {
				found = append(found, e)
			}
		}
		require.Len(t, found, 1, "one exercise in 2011")
		troops := quantity(found[0], "troops")
		require.NotNil(t, troops, "2011 exercise troops")
		assert.Equal(t, 10000.0, troops.Value, "\"more than 10,000 troops\"")
		assert.Equal(t, kg.AtLeast, troops.Qualifier, "\"more than 10,000 troops\"")
		aircraft := quantity(found[0], "combat aircraft")
		require.NotNil(t, aircraft, "2011 exercise combat aircraft")
		assert.Equal(t, 70.0, aircraft.Value, "\"70 combat aircraft\"")
	})

	t.Run("licence", func(t *testing.T) {
		doc := findArticle(t, g)
		require.NotNil(t, doc.Licence, "the article's licence")
		assert.Equal(t, "CC BY-SA 3.0 (and GFDL)", *doc.Licence,
			"the copy (latest retrieval 18 February 2020) predates Wikipedia's move to CC BY-SA 4.0 in June 2023")
	})

	events := map[string]*kg.Event{}
	for _, e := range g.Events {
		events[e.Slug] = e
	}
	event := func(slug string) *kg.Event {
		t.Helper()
		e := events[slug]
		require.NotNil(t, e, "event %s", slug)
		return e
	}

	t.Run("the-following-month", func(t *testing.T) {
		remark, cut := event("medvedev-belarus-remark"), event("gas-cut-order")
		assert.Equal(t, "2010-04", remark.Date.ISO(), "the remark belongs to the aftermath of the April 2010 ouster")
		assert.Equal(t, "2010-06", cut.Date.ISO(),
			"\"The following month, President Medvedev ordered ... to cut gas supplies\" counts from a remark the text does not date; footnote 26 reports the cut in June 2010")
		if published := cite(26).Published; assert.NotNil(t, published, "footnote 26 date") {
			assert.Equal(t, kg.PartialDate{Year: 2010, Month: 6, Day: 21}, *published, "footnote 26 reports the cut on 21 June 2010")
		}
	})

	t.Run("no-date-finer-than-the-text", func(t *testing.T) {
		// The text dates none of these finer than a year: "Additionally, Kazakhstan took over
		// the rotating presidency", "Only weeks later", "at a meeting in Yerevan",
		// "Subsequently", "Then", "Later".
		for _, slug := range []string{"kazakhstan-presidency-2011", "kyrgyz-deputy-complaint", "yerevan-meeting-2010",
			"ntv-documentary", "prikhodko-transcript-threat", "bordyuzha-mercenaries"} {
			e := event(slug)
			assert.Equal(t, kg.PrecisionYear, e.Date.Precision(), "event %s is dated %s", slug, e.Date.ISO())
		}
		assert.Equal(t, "2011", event("kazakhstan-presidency-2011").Date.ISO())
	})

	positions := map[string]*kg.Position{}
	for _, p := range g.Positions {
		positions[p.Slug] = p
	}
	position := func(slug string) *kg.Position {
		t.Helper()
		p := positions[slug]
		require.NotNil(t, p, "position %s", slug)
		return p
	}

	t.Run("secretaries-general", func(t *testing.T) {
		bordyuzha := position("bordyuzha-csto-secretary-general")
		assert.Nil(t, bordyuzha.End, "the text never dates the end of Bordyuzha's post")
		require.NotNil(t, bordyuzha.EndBounds, "the infobox names Stanislav Zas as Secretary General, so Bordyuzha's post ended")
		assert.NotNil(t, bordyuzha.EndBounds.NotAfter, "by the copy's date")
		if c := bordyuzha.Covers(kg.PartialDate{Year: 2015, Month: 3, Day: 19}); assert.NotNil(t, c) {
			assert.Equal(t, kg.Known, *c, "\"On March 19, 2015, the CSTO Secretary General Nikolai Bordyuzha offered\": still in post then")
		}
		var current []string
		for _, p := range g.Positions {
			if p.OfSlug == "csto" && p.Title == "Secretary General" && p.End == nil && p.EndBounds == nil && p.Source.DocumentSlug == "csto-article" {
				current = append(current, p.PersonSlug)
			}
		}
		assert.Equal(t, []string{"stanislav-zas"}, current, "in the article, one current Secretary General, the one in the infobox")
	})

	t.Run("putin-former-president", func(t *testing.T) {
		putin := position("putin-president-of-russia")
		assert.Nil(t, putin.End, "the text never dates the end of Putin's presidency")
		require.NotNil(t, putin.EndBounds, "\"former Russian President Vladimir Putin\"")
		assert.Nil(t, putin.Covers(kg.PartialDate{Year: 2010, Month: 5}),
			"Putin is a former president in the April 2010 account, when Medvedev is president")
		if c := putin.Covers(kg.PartialDate{Year: 2005}); assert.NotNil(t, c) {
			assert.Equal(t, kg.Known, *c, "president when he invited Akayev after the 2005 Tulip Revolution")
		}
	})

	t.Run("iran-prospective", func(t *testing.T) {
		var found []*kg.Membership
		for _, m := range g.Memberships {
			if m.MemberSlug == "iran" && m.OrganizationSlug == "csto" {
				found = append(found, m)
			}
		}
		require.Len(t, found, 1, "one CSTO stint of Iran")
		m := found[0]
		assert.Equal(t, kg.RoleProspective, m.Role, "\"suggested Iran could join the CSTO\"")
		assert.Equal(t, "potential-members", m.Source.SectionKey)
		if assert.NotNil(t, m.Start) {
			assert.Equal(t, "2007-05", m.Start.ISO(), "\"In May 2007\"")
		}
		assert.Nil(t, m.End, "the article reports no later step")
	})

	t.Run("names", func(t *testing.T) {
		// Names are names, not link labels ("Georgia (country)") or reading aids (the stress
		// marks of a Russian name).
		check := func(kind, slug string, names ...string) {
			for _, n := range names {
				assert.NotContains(t, n, "(", "%s %s: %q looks like a link label", kind, slug, n)
				assert.False(t, strings.ContainsRune(n, '\u0301'), "%s %s: %q carries stress marks", kind, slug, n)
			}
		}
		localized := func(ns []kg.LocalizedName) []string {
			var out []string
			for _, n := range ns {
				out = append(out, n.Text)
			}
			return out
		}
		// The datasets' names are their own ("Myanmar (Burma)"); the article's are checked here.
		fromArticle := func(src *kg.Source) bool { return src == nil || src.DocumentSlug == "csto-article" }
		for _, s := range g.States {
			if fromArticle(s.Source) {
				check("state", s.Slug, append(append([]string{s.Name}, s.Aliases...), localized(s.Names)...)...)
			}
		}
		for _, o := range g.Organizations {
			if fromArticle(o.Source) {
				check("organization", o.Slug, append(append([]string{o.Name}, o.Aliases...), localized(o.Names)...)...)
			}
		}
		for _, p := range g.Places {
			check("place", p.Slug, p.Name)
		}
		for _, p := range g.People {
			check("person", p.Slug, append([]string{p.Name}, p.Aliases...)...)
		}
	})

	t.Run("places-used", func(t *testing.T) {
		used := map[string]bool{}
		for _, e := range g.Events {
			used[e.PlaceSlug] = true
		}
		for _, o := range g.Organizations {
			used[o.HeadquartersSlug] = true
		}
		for _, p := range g.Places {
			assert.True(t, used[p.Slug], "place %s is neither where an event happened nor a headquarters", p.Slug)
		}
	})

	t.Run("footnotes-cited-twice", func(t *testing.T) {
		count := map[int]int{}
		for _, r := range sourcedRecords(g) {
			if !r.fact() || r.source.DocumentSlug != articleSlug {
				continue
			}
			for _, n := range r.source.Notes {
				count[n]++
			}
		}
		for _, n := range []int{6, 10} {
			assert.GreaterOrEqual(t, count[n], 2, "footnote %d is cited twice in the article (\"a b\")", n)
		}
	})
}
