package seed_test

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
)

const validDir = "testdata/valid"

func loadValid(t *testing.T) *kg.Graph {
	t.Helper()
	g, err := seed.Load(os.DirFS(validDir), validDir)
	require.NoError(t, err)
	require.NotNil(t, g)
	return g
}

func find[T any](t *testing.T, items []*T, pred func(*T) bool) *T {
	t.Helper()
	for _, it := range items {
		if pred(it) {
			return it
		}
	}
	t.Fatalf("no matching %T", items)
	return nil
}

func TestLoadValid(t *testing.T) {
	g := loadValid(t)

	assert.Len(t, g.Documents, 1)
	assert.Len(t, g.Citations, 2)
	assert.Len(t, g.States, 3)
	assert.Len(t, g.Organizations, 2)
	assert.Len(t, g.Places, 1)
	assert.Len(t, g.People, 1)
	assert.Len(t, g.Positions, 1)
	assert.Len(t, g.Memberships, 5)
	assert.Len(t, g.Events, 5)
	assert.Len(t, g.Quotes, 1)
	assert.Len(t, g.Figures, 1)
	assert.Len(t, g.Provisions, 1)

	// Records keep the order of the file.
	var slugs []string
	for _, m := range g.Memberships {
		slugs = append(slugs, m.Slug)
	}
	assert.Equal(t, []string{"armenia-csto-1994", "uzbekistan-csto-1994", "uzbekistan-csto-2006", "kazakhstan-csto-1994", "armenia-csto-pa"}, slugs)

	doc := g.Documents[0]
	assert.Equal(t, "test-article", doc.Slug)
	require.NotNil(t, doc.Publisher)
	assert.Equal(t, "Test Encyclopedia", *doc.Publisher)
	assert.Nil(t, doc.Licence)
	require.Len(t, doc.Sections, 3)
	assert.Equal(t, kg.SectionKind("TEXT"), doc.Section("lead").Kind, "kind defaults to TEXT")
	assert.Equal(t, kg.SectionKind("TABLE"), doc.Section("members").Kind)
	assert.Nil(t, doc.Section("history"))

	c1 := find(t, g.Citations, func(c *kg.Citation) bool { return c.Number == 1 })
	require.NotNil(t, c1.Published)
	assert.Equal(t, "1992-05", c1.Published.ISO(), "a date keeps its precision")
	assert.Equal(t, kg.PrecisionMonth, c1.Published.Precision())
	assert.Equal(t, []string{"Jane Roe"}, c1.Authors)
	assert.Equal(t, []string{}, c1.Editors, "absent lists are empty, not nil")
	assert.Nil(t, c1.Accessed)
	c2 := find(t, g.Citations, func(c *kg.Citation) bool { return c.Number == 2 })
	require.NotNil(t, c2.Accessed)
	assert.Equal(t, kg.PartialDate{Year: 2015}, *c2.Accessed)
	assert.Equal(t, "1999-04-02", c2.Published.ISO())

	armenia := find(t, g.States, func(s *kg.State) bool { return s.Slug == "armenia" })
	require.Len(t, armenia.Names, 1)
	assert.Equal(t, "Հայաստան", armenia.Names[0].Text)
	require.NotNil(t, armenia.Names[0].Transliteration)
	assert.Equal(t, "Hayastan", *armenia.Names[0].Transliteration)
	assert.Equal(t, kg.UNMember, armenia.Recognition)
	require.NotNil(t, armenia.Source)
	assert.Equal(t, kg.Source{DocumentSlug: "test-article", SectionKey: "lead"}, *armenia.Source)
	uzbekistan := find(t, g.States, func(s *kg.State) bool { return s.Slug == "uzbekistan" })
	assert.Nil(t, uzbekistan.Source, "a state may have no source")
	assert.Equal(t, []string{"Özbekistan"}, uzbekistan.Aliases)
	require.NotNil(t, uzbekistan.Iso3)
	assert.Equal(t, "UZB", *uzbekistan.Iso3)

	csto := find(t, g.Organizations, func(o *kg.Organization) bool { return o.Slug == "csto" })
	assert.Equal(t, []string{"ODKB", "ОДКБ", "Tashkent Pact"}, csto.Aliases)
	require.NotNil(t, csto.Founded)
	assert.Equal(t, kg.PrecisionDay, csto.Founded.Precision())
	assert.Equal(t, "tashkent", csto.HeadquartersSlug)
	require.NotNil(t, csto.Source)
	assert.Equal(t, []int{1}, csto.Source.Notes)
	pa := find(t, g.Organizations, func(o *kg.Organization) bool { return o.Slug == "csto-parliamentary-assembly" })
	assert.Equal(t, "csto", pa.ParentSlug)
	require.NotNil(t, pa.Acronym)
	assert.Equal(t, "CSTO PA", *pa.Acronym)

	assert.Equal(t, "uzbekistan", g.Places[0].StateSlug)

	pos := g.Positions[0]
	assert.Equal(t, "bordyuzha-csto-secretary-general", pos.Slug)
	assert.Equal(t, "nikolai-bordyuzha", pos.PersonSlug)
	assert.Equal(t, "csto", pos.OfSlug)
	require.NotNil(t, pos.Start)
	require.NotNil(t, pos.End)
	assert.Equal(t, "2003-04", pos.Start.ISO())
	assert.Equal(t, "2016", pos.End.ISO())
	assert.Equal(t, "lead", pos.Source.SectionKey)

	left := find(t, g.Memberships, func(m *kg.Membership) bool { return m.Slug == "uzbekistan-csto-1994" })
	assert.Equal(t, kg.RoleMember, left.Role)
	require.NotNil(t, left.Start)
	require.NotNil(t, left.End)
	assert.Equal(t, kg.PartialDate{Year: 1994}, *left.Start)
	assert.Equal(t, kg.PrecisionYear, left.End.Precision())
	require.NotNil(t, left.EndReason)
	assert.Equal(t, kg.EndWithdrawn, *left.EndReason)
	assert.Equal(t, []int{2, 1}, left.Source.Notes, "notes keep their order")
	require.NotNil(t, left.Note)
	rejoined := find(t, g.Memberships, func(m *kg.Membership) bool { return m.Slug == "uzbekistan-csto-2006" })
	assert.False(t, left.Period().Overlaps(rejoined.Period()))
	assert.Equal(t, "2006-08-16", rejoined.Start.ISO())
	open := find(t, g.Memberships, func(m *kg.Membership) bool { return m.Slug == "armenia-csto-pa" })
	assert.Nil(t, open.Start)
	assert.Nil(t, open.End)
	assert.Nil(t, open.EndReason)
	assert.Nil(t, open.Source.Notes)

	signed := find(t, g.Events, func(e *kg.Event) bool { return e.Slug == "cst-signed-tashkent" })
	assert.Equal(t, kg.EventKind("TREATY_SIGNING"), signed.Kind)
	assert.Equal(t, kg.PartialDate{Year: 1992, Month: 5, Day: 15}, signed.Date)
	assert.Nil(t, signed.EndDate)
	assert.Equal(t, []string{"armenia", "uzbekistan", "csto"}, signed.ParticipantSlugs)
	assert.Equal(t, []string{}, signed.PeopleSlugs)
	require.Len(t, signed.Quantities, 2)
	states := "states"
	people := "people"
	assert.Equal(t, kg.Quantity{Measure: "signatories", Value: 6, Unit: &states, Qualifier: kg.Exact}, signed.Quantities[0], "qualifier defaults to EXACT")
	assert.Equal(t, kg.Quantity{Measure: "delegates", Value: 300, Unit: &people, Qualifier: kg.Approximate}, signed.Quantities[1])
	withdrew := find(t, g.Events, func(e *kg.Event) bool { return e.Slug == "uzbekistan-withdraws" })
	assert.Equal(t, kg.PrecisionYear, withdrew.Date.Precision(), "an event dated by year stays a year")
	assert.NotNil(t, withdrew.Quantities)
	assert.Empty(t, withdrew.Quantities)
	summit := find(t, g.Events, func(e *kg.Event) bool { return e.Slug == "csto-summit-2007" })
	require.NotNil(t, summit.EndDate)
	assert.Equal(t, "2007-06", summit.EndDate.ISO())
	assert.Equal(t, []string{"nikolai-bordyuzha"}, summit.PeopleSlugs)

	q := g.Quotes[0]
	assert.Equal(t, "The CSTO is an open organization.", q.Text)
	assert.Equal(t, "csto-summit-2007", q.EventSlug)
	require.NotNil(t, q.Date)
	assert.Equal(t, kg.PrecisionMonth, q.Date.Precision())

	f := g.Figures[0]
	assert.Equal(t, []int{44800, 210000, 4300, 259100}, []int{f.Active, f.Reserve, f.Paramilitary, f.Total})
	assert.Equal(t, 2018, f.Year)
	require.NotNil(t, f.PerThousandTotal)
	assert.InDelta(t, 85.1, *f.PerThousandTotal, 1e-9)
	assert.Nil(t, f.PerThousandActive)
	assert.Equal(t, []string{"Reserves are former conscripts."}, f.Notes)

	p := g.Provisions[0]
	assert.Equal(t, kg.ProvisionKind("CHARTER"), p.Kind)
	require.NotNil(t, p.Since)
	assert.Equal(t, "2011-12-21", p.Since.ISO())
	assert.Equal(t, "nikolai-bordyuzha", p.ProposedBySlug)
	assert.Equal(t, "csto-summit-2007", p.EventSlug)
}

func TestLoadVersion(t *testing.T) {
	a := loadValid(t)
	b := loadValid(t)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{16}$`), a.Version)
	assert.Equal(t, a.Version, b.Version, "the version is stable across loads")

	// The version does not depend on the prefix, but does depend on the contents.
	g, err := seed.Load(os.DirFS(validDir), "elsewhere")
	require.NoError(t, err)
	assert.Equal(t, a.Version, g.Version)

	changed := copyFS(t, os.DirFS(validDir))
	f := changed["quotes.yaml"]
	f.Data = []byte(strings.Replace(string(f.Data), "open organization.", "open organisation.", 1))
	g, err = seed.Load(changed, "changed")
	require.NoError(t, err)
	assert.NotEqual(t, a.Version, g.Version, "changing a file changes the version")
}

// copyFS copies every file of fsys into a MapFS that a test may change.
func copyFS(t *testing.T, fsys fs.FS) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		out[p] = &fstest.MapFile{Data: data}
		return err
	}))
	return out
}

func TestLoadReadsSubfoldersAndOnlyYAML(t *testing.T) {
	fsys := copyFS(t, os.DirFS(validDir))
	// Move a file into a sub-folder and add a file that is not *.yaml: nothing changes.
	fsys["more/figures.yaml"] = fsys["figures.yaml"]
	delete(fsys, "figures.yaml")
	fsys["notes.txt"] = &fstest.MapFile{Data: []byte("states: [this is not read]\n")}
	fsys["old.yml"] = &fstest.MapFile{Data: []byte("garbage: {")}
	g, err := seed.Load(fsys, "x")
	require.NoError(t, err)
	assert.Len(t, g.Figures, 1)
}

func TestLoadUnquotedDates(t *testing.T) {
	// The README asks for quoted dates, but an unquoted one must still be read as the date
	// written, not rejected by the decoder or changed in precision.
	fsys := fstest.MapFS{"seed.yaml": &fstest.MapFile{Data: []byte(`documents:
  - slug: doc
    title: Doc
    sections: [{key: lead, title: Lead}]
states:
  - {slug: armenia, name: Armenia, recognition: UN_MEMBER}
organizations:
  - slug: csto
    name: CSTO
    founded: 1992-05-15
memberships:
  - slug: armenia-csto
    member: armenia
    organization: csto
    role: MEMBER
    start: 1994
    source: {document: doc, section: lead}
`)}}
	g, err := seed.Load(fsys, "x")
	require.NoError(t, err)
	require.NotNil(t, g.Organizations[0].Founded)
	assert.Equal(t, "1992-05-15", g.Organizations[0].Founded.ISO())
	require.NotNil(t, g.Memberships[0].Start)
	assert.Equal(t, "1994", g.Memberships[0].Start.ISO())
}

func TestLoadNoFiles(t *testing.T) {
	_, err := seed.Load(fstest.MapFS{"README.md": &fstest.MapFile{Data: []byte("# none")}}, "empty")
	var ps seed.Problems
	require.ErrorAs(t, err, &ps)
	require.Len(t, ps, 1)
	assert.Equal(t, "empty:0: no *.yaml seed files found", ps[0].String())
}

// loadInvalid loads testdata/invalid/name and returns its problems.
func loadInvalid(t *testing.T, name string) seed.Problems {
	t.Helper()
	dir := path.Join("testdata/invalid", name)
	g, err := seed.Load(os.DirFS(dir), dir)
	require.Error(t, err, "%s must not load", dir)
	assert.Nil(t, g)
	var ps seed.Problems
	require.True(t, errors.As(err, &ps), "want seed.Problems, got %T: %v", err, err)
	require.NotEmpty(t, ps)
	assert.Equal(t, ps.Error(), err.Error())
	return ps
}

// baseOnly is the fixture directory with only its base.yaml.
type baseOnly struct{ fs.FS }

func (b baseOnly) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(b.FS, name)
	var out []fs.DirEntry
	for _, e := range entries {
		if e.IsDir() || e.Name() == "base.yaml" {
			out = append(out, e)
		}
	}
	return out, err
}

// TestInvalidFixturesBaseIsValid makes sure that every problem an invalid fixture reports
// comes from the file that breaks it, not from the shared base.
func TestInvalidFixturesBaseIsValid(t *testing.T) {
	dirs, err := os.ReadDir("testdata/invalid")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, d := range dirs {
		dir := path.Join("testdata/invalid", d.Name())
		if _, err := os.Stat(path.Join(dir, "base.yaml")); err != nil {
			continue
		}
		_, err := seed.Load(baseOnly{os.DirFS(dir)}, dir)
		assert.NoError(t, err, "%s/base.yaml alone", dir)
	}
}

func TestLoadInvalid(t *testing.T) {
	const noSource = "has no source: give source.document and source.section (and source.notes where the document has footnotes for it)"
	tests := []struct {
		dir  string
		file string
		line int
		// exact is the whole message; when empty, every part of contains must appear in it.
		exact    string
		contains []string
		absent   []string
	}{
		{dir: "malformed-date", file: "broken.yaml", line: 6,
			contains: []string{`start: invalid date "1994-5"`, "YYYY-MM-DD"}},
		{dir: "impossible-date", file: "broken.yaml", line: 5,
			contains: []string{`date: invalid date "2011-02-30": day 30 is not between 01 and 28`}},
		{dir: "unknown-reference", file: "broken.yaml", line: 3,
			exact: `member: unknown state or organization "armenai"`},
		{dir: "unknown-section", file: "broken.yaml", line: 6,
			exact: `source.section: document "doc" has no section "history"`},
		{dir: "unknown-footnote", file: "broken.yaml", line: 6,
			exact: `source.notes: document "doc" has no footnote 9`},
		{dir: "duplicate-slug", file: "broken.yaml", line: 2,
			exact: `duplicate slug "armenia" (first used at testdata/invalid/duplicate-slug/base.yaml:9)`},
		{dir: "duplicate-actor-slug", file: "broken.yaml", line: 2,
			exact: `duplicate slug "armenia" (first used at testdata/invalid/duplicate-actor-slug/base.yaml:9)`},
		{dir: "duplicate-footnote", file: "broken.yaml", line: 2,
			exact: `duplicate footnote 1 of "doc" (first at testdata/invalid/duplicate-footnote/base.yaml:7)`},
		{dir: "unknown-enum", file: "broken.yaml", line: 5,
			exact: `role: unknown value "MEMBR" (want one of [MEMBER OBSERVER ASSOCIATE PARTNER PROSPECTIVE])`},
		{dir: "ends-before-start", file: "broken.yaml", line: 7,
			exact: `stint ends (1999) before it starts (2000)`},
		{dir: "overlapping-stints", file: "broken.yaml", line: 13,
			exact: `stint uzbekistan-csto-1999 of uzbekistan in csto as MEMBER overlaps stint uzbekistan-csto-1994 (testdata/invalid/overlapping-stints/broken.yaml:2)`},
		{dir: "no-source-membership", file: "broken.yaml", line: 2, exact: "membership armenia-csto " + noSource},
		{dir: "no-source-event", file: "broken.yaml", line: 2, exact: "event summit " + noSource},
		{dir: "no-source-quote", file: "broken.yaml", line: 2, exact: "quote open-organization " + noSource},
		{dir: "no-source-figure", file: "broken.yaml", line: 2, exact: "figure armenia-2018 " + noSource},
		// A position is reported at its own line (its slug), not at the person's
		// "positions:" key, so that a person with several posts shows which one is wrong.
		{dir: "no-source-position", file: "broken.yaml", line: 5, exact: "position zas-secretary-general " + noSource},
		{dir: "no-source-provision", file: "broken.yaml", line: 2, exact: "provision bases-consent " + noSource},
		{dir: "figure-total", file: "broken.yaml", line: 8,
			exact: `total: 259000 is not active + reserve + paramilitary (259100)`},
		{dir: "unknown-top-level-key", file: "broken.yaml", line: 1,
			exact: `unknown record kind "treaties" (want documents, citations, states, organizations, places, people, memberships, events, quotes, figures, provisions or factbookCrosswalk)`},
		{dir: "unknown-record-key", file: "broken.yaml", line: 6, exact: `unknown field "strat"`},
		{dir: "yaml-syntax-error", file: "broken.yaml", line: 4, contains: []string{"double-quoted"}},
		// A value of the wrong type is reported with the key the user wrote, not the name
		// of a Go struct field.
		{dir: "wrong-type", file: "broken.yaml", line: 4, contains: []string{"year"}, absent: []string{"figureRec", "Go struct"}},
		{dir: "not-a-mapping", file: "broken.yaml", line: 2, exact: "a record must be a mapping of keys to values"},
		{dir: "kind-not-a-list", file: "broken.yaml", line: 1, exact: "memberships must be a list of records"},
		{dir: "file-not-a-mapping", file: "broken.yaml", line: 1,
			exact: "a seed file must be a mapping from record kinds (states, memberships ...) to lists"},
		{dir: "endreason-without-end", file: "broken.yaml", line: 7, exact: "endReason is given but the stint has no end"},
		{dir: "event-ends-before-start", file: "broken.yaml", line: 6, exact: "event ends (2011-01-31) before it starts (2011-02)"},
		{dir: "bad-slug", file: "broken.yaml", line: 2,
			exact: `state slug "Kazakhstan" must be lower-case letters, digits and single hyphens`},
		// Like the stint rule, reported at the position's own "end" line.
		{dir: "position-ends-before-start", file: "broken.yaml", line: 13,
			exact: "position zas-secretary-general ends (2019-12) before it starts (2020)"},
		// Bounds on a date the source does not give: each side is a date, the range leaves at
		// least one day, contains the date given beside it, and an end whose latest possible
		// day is before the start's earliest is reported like an end before its start, at
		// the key that gives that latest day.
		{dir: "bound-malformed-date", file: "broken.yaml", line: 8,
			contains: []string{`startBounds.notAfter: invalid date "1994-5"`, "YYYY-MM-DD"}},
		{dir: "bounds-empty", file: "broken.yaml", line: 9,
			exact: "endBounds: notAfter (2005-06) is before notBefore (2010)"},
		{dir: "bounds-exclude-date", file: "broken.yaml", line: 7,
			exact: "startBounds: a range that does not contain its date: start is 2006, the bounds say not before 2006-03, not after 2010"},
		{dir: "bounds-end-before-start", file: "broken.yaml", line: 7,
			exact: "stint ends (not after 2009) before it starts (not before 2010-01-01)"},
		{dir: "position-bounds-end-before-start", file: "broken.yaml", line: 11,
			exact: "position zas-secretary-general ends (not after 2019-12) before it starts (2020)"},
		{dir: "explanation-unknown-aspect", file: "broken.yaml", line: 9,
			exact: `explanations: unknown aspect "BEGINNING" (want one of [ROLE START END])`},
		{dir: "explanation-without-text", file: "broken.yaml", line: 7,
			exact: "explanations: ROLE has no text"},
		// A record with claimOf is another document's claim of the stint it names: the stint
		// must exist and be a stint, not a claim; be of the same member and organization; have
		// no claim of that document yet; and overlap the claim. Explanations are per aspect.
		{dir: "claim-of-unknown-stint", file: "broken.yaml", line: 6,
			exact: `claimOf: unknown stint "armenia-csto-1994"`},
		{dir: "claim-of-a-claim", file: "broken.yaml", line: 18,
			exact: "claimOf: armenia-csto-page is itself a claim of another stint; name that stint"},
		{dir: "claim-of-other-member", file: "broken.yaml", line: 6,
			exact: "claimOf: stint armenia-csto is of armenia in csto, but this claim is of belarus in csto"},
		{dir: "claim-of-same-document", file: "broken.yaml", line: 8,
			exact: "claimOf: stint armenia-csto already has a claim of document doc (testdata/invalid/claim-of-same-document/base.yaml:20); a document states a stint once"},
		{dir: "claim-of-no-overlap", file: "broken.yaml", line: 7,
			exact: "claimOf: this claim (2024 to (open)) does not overlap stint belarus-csto (1994 to 1999); a claim gives another account of the same stint"},
		{dir: "claim-of-explained-twice", file: "broken.yaml", line: 18,
			exact: "explanations: stint armenia-csto already explains START"},
		// Two documents' stints that overlap without claimOf stay an error, which says how to
		// make the second a claim of the first.
		{dir: "overlapping-stints-two-documents", file: "broken.yaml", line: 6,
			exact: "stint armenia-csto-page of armenia in csto as MEMBER overlaps stint armenia-csto (testdata/invalid/overlapping-stints-two-documents/base.yaml:20); if armenia-csto-page gives page's account of the same stint, write claimOf: armenia-csto"},
		// The day a copy was read is a date, not before the document was published, and the
		// copy observes nothing after it.
		{dir: "accessed-malformed-date", file: "broken.yaml", line: 5,
			contains: []string{`accessed: invalid date "6 December 2026"`, "YYYY-MM-DD"}},
		{dir: "accessed-before-published", file: "broken.yaml", line: 5,
			exact: "accessed: the copy was read (2024-07-03) before the document was published (2024-07-04)"},
		{dir: "covers-after-accessed", file: "broken.yaml", line: 6,
			exact: "coversUntil: 2027 is after the copy was read (2026-12-06); a copy observes nothing later than the day it is read"},
		// A duplicate position slug names the second position and the first, not the person.
		{dir: "duplicate-position-slug", file: "broken.yaml", line: 8,
			exact: `duplicate slug "zas-secretary-general" (first used at testdata/invalid/duplicate-position-slug/broken.yaml:5)`},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.dir] = true
		t.Run(tt.dir, func(t *testing.T) {
			ps := loadInvalid(t, tt.dir)
			require.Len(t, ps, 1, "exactly the intended problem:\n%v", ps)
			p := ps[0]
			t.Log(p.String())
			wantFile := path.Join("testdata/invalid", tt.dir, tt.file)
			assert.Equal(t, wantFile, p.File)
			assert.Equal(t, tt.line, p.Line, "line of %q", p.Message)
			if tt.exact != "" {
				assert.Equal(t, tt.exact, p.Message)
				assert.Equal(t, wantFile+":"+strconv.Itoa(tt.line)+": "+tt.exact, p.String())
			}
			for _, c := range tt.contains {
				assert.Contains(t, p.Message, c)
			}
			for _, c := range tt.absent {
				assert.NotContains(t, p.Message, c)
			}
			assert.NotContains(t, p.Message, "\n", "a problem is one line")
			// A date problem says once what a date looks like.
			assert.LessOrEqual(t, strings.Count(p.Message, "want"), 1, "repeats itself: %q", p.Message)
		})
	}
	// Every fixture directory is in the table (but "many", tested below).
	dirs, err := os.ReadDir("testdata/invalid")
	require.NoError(t, err)
	for _, d := range dirs {
		if d.Name() != "many" {
			assert.True(t, covered[d.Name()], "fixture %s is not tested", d.Name())
		}
	}
}

func TestLoadReportsEveryProblemSorted(t *testing.T) {
	const dir = "testdata/invalid/many"
	ps := loadInvalid(t, "many")
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	want := []string{
		dir + `/events.yaml:5: date: invalid date "2011-02-30": day 30 is not between 01 and 28`,
		dir + `/events.yaml:10: kind: unknown value "MEETNG"`,
		dir + `/events.yaml:12: participants: unknown state or organization "narnia"`,
		dir + `/memberships.yaml:13: stint uzbekistan-csto-1999 of uzbekistan in csto as MEMBER overlaps stint uzbekistan-csto-1994 (` + dir + `/memberships.yaml:2)`,
		dir + `/memberships.yaml:16: member: unknown state or organization "ghost"`,
		dir + `/memberships.yaml:19: start: invalid date "1996-13-45": month 13 is not between 01 and 12`,
		dir + `/memberships.yaml:20: source.notes: document "doc" has no footnote 7`,
		dir + `/states.yaml:4: iso2: "kz" is not two upper-case letters`,
		dir + `/states.yaml:8: `,
	}
	require.Len(t, got, len(want), "all problems:\n%s", strings.Join(got, "\n"))
	for i := range want {
		assert.True(t, strings.HasPrefix(got[i], want[i]), "problem %d:\n got: %s\nwant: %s...", i, got[i], want[i])
	}
	assert.Contains(t, got[8], "capital")

	// Sorted by file, then line.
	for i := 1; i < len(ps); i++ {
		a, b := ps[i-1], ps[i]
		assert.True(t, a.File < b.File || (a.File == b.File && a.Line <= b.Line), "%s before %s", a, b)
	}
	// The error text is the problems one per line.
	assert.Equal(t, strings.Join(got, "\n"), ps.Error())
}
