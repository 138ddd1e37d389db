package seed_test

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/factbook"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
)

var realSeeds struct {
	once sync.Once
	g    *kg.Graph
	err  error
}

// realGraph loads the shipped seeds once for the tests that only read them.
func realGraph(t *testing.T) *kg.Graph {
	t.Helper()
	realSeeds.once.Do(func() { realSeeds.g, realSeeds.err = seed.Load(os.DirFS("../../seeds"), "seeds") })
	require.NoError(t, realSeeds.err)
	return realSeeds.g
}

func stateBySlug(t *testing.T, g *kg.Graph, slug string) *kg.State {
	t.Helper()
	for _, s := range g.States {
		if s.Slug == slug {
			return s
		}
	}
	t.Fatalf("no state %s", slug)
	return nil
}

// named writes a dated name as "Name FROM..TO doc/section", TO "open" when the name was
// still in use.
func named(n kg.DatedName) string {
	from, to := "?", "open"
	if n.From != nil {
		from = n.From.ISO()
	}
	if n.To != nil {
		to = n.To.ISO()
	}
	return fmt.Sprintf("%s %s..%s %s/%s", n.Name, from, to, n.Source.DocumentSlug, n.Source.SectionKey)
}

func namesOf(s *kg.State) []string {
	out := make([]string, len(s.HistoricalNames))
	for i, n := range s.HistoricalNames {
		out[i] = named(n)
	}
	return out
}

func TestHistoricalNamesSerbia(t *testing.T) {
	g := realGraph(t)
	assert.Equal(t, []string{
		"Yugoslavia 1878-07-13..1941-04-20 cow-igo-v3/states",
		"Yugoslavia 1944-10-20..open cow-igo-v3/states",
		"Yugoslavia 1990..1991 cia-world-factbook/edition-1990",
		"Serbia and Montenegro 1992..2000 cia-world-factbook/edition-1992",
		"Yugoslavia 2001..2001 cia-world-factbook/edition-2001",
		"Serbia and Montenegro 2002..2005 cia-world-factbook/edition-2002",
		"Serbia 2006..open cia-world-factbook/edition-2006",
	}, namesOf(stateBySlug(t, g, "serbia")), "the 1995 edition's \"Serbia And Montenegro\" is the same name")
	for _, n := range stateBySlug(t, g, "serbia").HistoricalNames {
		assert.Equal(t, []int{}, n.Source.Notes, "no footnotes, never nil")
	}
}

func TestHistoricalNamesRussia(t *testing.T) {
	g := realGraph(t)
	assert.Equal(t, []string{
		"Russia 1816-01-01..open cow-igo-v3/states",
		"Soviet Union 1990..1991 cia-world-factbook/edition-1990",
		"Russia 1992..open cia-world-factbook/edition-1992",
	}, namesOf(stateBySlug(t, g, "russia")))
	assert.NotContains(t, strings.Join(namesOf(stateBySlug(t, g, "somalia")), "\n"), "Soviet Union",
		"the archive files the Soviet Union under Somalia's code")
}

func TestHistoricalNamesGermany(t *testing.T) {
	g := realGraph(t)
	assert.Equal(t, []string{
		"Germany 1816-01-01..1945-05-08 cow-igo-v3/states",
		"Germany 1990-10-03..open cow-igo-v3/states",
		"Germany 1991..open cia-world-factbook/edition-1991",
	}, namesOf(stateBySlug(t, g, "germany")))
	assert.Equal(t, []string{
		"German Federal Republic 1955-05-05..1990-10-02 cow-igo-v3/states",
		"Germany, Federal Republic of 1990..1990 cia-world-factbook/edition-1990",
	}, namesOf(stateBySlug(t, g, "german-federal-republic")))
	assert.Equal(t, []string{
		"German Democratic Republic 1954-03-25..1990-10-02 cow-igo-v3/states",
		"German Democratic Republic 1990..1990 cia-world-factbook/edition-1990",
	}, namesOf(stateBySlug(t, g, "german-democratic-republic")))
}

// Entries the archive left unmatched or filed under another state's code go where the
// reviewed mapping says, and trivial spelling variants are one name.
func TestHistoricalNamesFromTheReviewedMapping(t *testing.T) {
	g := realGraph(t)
	for slug, want := range map[string][]string{
		"czechoslovakia": {
			"Czechoslovakia 1918-10-28..1939-03-15 cow-igo-v3/states",
			"Czechoslovakia 1945-05-10..1992-12-31 cow-igo-v3/states",
			"Czechoslovakia 1990..1992 cia-world-factbook/edition-1990",
		},
		"slovakia": {
			"Slovakia 1993..open cia-world-factbook/edition-1993",
			"Slovakia 1993-01-01..open cow-igo-v3/states",
		},
		"cape-verde": {
			"Cape Verde 1975-07-05..open cow-igo-v3/states",
			"Cape Verde 1990..2009 cia-world-factbook/edition-1990",
			"Cabo Verde 2010..open cia-world-factbook/edition-2010",
		},
		"kazakhstan": {
			"Kazakhstan 1991-12-26..open cow-igo-v3/states",
			"Kazakhstan 1992..1995 cia-world-factbook/edition-1992",
			"Kazakstan 1996..1997 cia-world-factbook/edition-1996",
			"Kazakhstan 1998..open cia-world-factbook/edition-1998",
		},
		"north-macedonia": {
			"Macedonia 1992..1993 cia-world-factbook/edition-1992",
			"Macedonia 1993-04-08..open cow-igo-v3/states",
			"Macedonia, The Former Yugoslav Republic of 1994..2003 cia-world-factbook/edition-1994",
			"Macedonia 2004..2009 cia-world-factbook/edition-2004",
			"North Macedonia 2010..open cia-world-factbook/edition-2010",
		},
		"bahamas": {
			"Bahamas 1973-07-10..open cow-igo-v3/states",
			"Bahamas, The 1990..open cia-world-factbook/edition-1990",
		},
		"yemen-arab-republic": {
			"Yemen Arab Republic 1926-09-02..1990-05-21 cow-igo-v3/states",
			"Yemen Arab Republic 1990..1990 cia-world-factbook/edition-1990",
		},
	} {
		assert.Equal(t, want, namesOf(stateBySlug(t, g, slug)), slug)
	}
	turkey := namesOf(stateBySlug(t, g, "turkey"))
	assert.Contains(t, turkey, "Turkey 1990..2009 cia-world-factbook/edition-1990", "the unmatched entries of 1990-1999 and 2001 join the matched one of 2000")
	assert.Contains(t, turkey, "Turkey (Turkiye) 2022..open cia-world-factbook/edition-2022")
	palau := namesOf(stateBySlug(t, g, "palau"))
	assert.Contains(t, palau, "Pacific Islands, Trust Territory of the 1990..1992 cia-world-factbook/edition-1990")
	assert.Contains(t, palau, "Palau 1995..open cia-world-factbook/edition-1995")
	for _, slug := range []string{"st-lucia", "st-kitts-nevis", "st-vincent-grenadines"} {
		assert.Regexp(t, `^St\. .* 1990\.\.1990 cia-world-factbook/edition-1990$`, namesOf(stateBySlug(t, g, slug))[1], slug)
	}
}

// No territory is a state, so none of their names is a state's: not even those the archive
// files under a state's code (the Isle of Man under Madagascar's, Wake Island under
// Namibia's ...) or under an ISO code a state shares (Jersey and the Isle of Man have GB).
func TestHistoricalNamesNoTerritory(t *testing.T) {
	g := realGraph(t)
	ds, err := factbook.Read(os.DirFS("../../seeds"), "cia-factbook-1990-2025", "")
	require.NoError(t, err)
	territory := map[string]string{}
	for _, e := range ds.Entries {
		ent := ds.EntityOf(&e)
		if ent != nil && !slices.Contains([]factbook.EntityType{factbook.Sovereign, factbook.FreelyAssociated}, ent.Type) && ent.FIPS != "YI" && ent.FIPS != "KV" {
			territory[strings.ToLower(e.Name)] = ent.Name
		}
	}
	for _, n := range []string{"Man, Isle of", "Man, Isle Of", "Cocos Islands", "Wake Atoll", "South Georgia and the", "St. Helena",
		"St. Pierre and Miquelon", "Iraq - Saudi Arabia Neutral Zone"} {
		territory[strings.ToLower(n)] = n
	}
	require.Contains(t, territory, "jersey")
	require.Contains(t, territory, "netherlands antilles")
	named := 0
	for _, s := range g.States {
		for _, n := range s.HistoricalNames {
			if n.Source.DocumentSlug != "cia-world-factbook" {
				continue
			}
			named++
			if what, ok := territory[strings.ToLower(n.Name)]; ok {
				t.Errorf("state %s has the name %q of %s", s.Slug, n.Name, what)
			}
		}
	}
	assert.Greater(t, named, 200)
}

// Every name is sourced from a section of a document the graph holds, dated, and the names
// of a state are oldest first.
func TestHistoricalNamesAreSourcedAndOrdered(t *testing.T) {
	g := realGraph(t)
	docs := map[string]*kg.Document{}
	for _, d := range g.Documents {
		docs[d.Slug] = d
	}
	require.NotNil(t, docs["cia-world-factbook"])
	assert.Equal(t, &kg.PartialDate{Year: 2025}, docs["cia-world-factbook"].CoversUntil, "the last edition")
	for _, s := range g.States {
		if s.CowCode != nil {
			assert.NotEmpty(t, s.HistoricalNames, "state %s has its COW name at least", s.Slug)
		}
		for i, n := range s.HistoricalNames {
			d := docs[n.Source.DocumentSlug]
			if assert.NotNil(t, d, "state %s: %s", s.Slug, named(n)) {
				assert.NotNil(t, d.Section(n.Source.SectionKey), "state %s: %s", s.Slug, named(n))
			}
			assert.NotEmpty(t, n.Name)
			if assert.NotNil(t, n.From, "state %s: %s", s.Slug, named(n)) && n.To != nil {
				assert.LessOrEqual(t, n.From.First(), n.To.Last(), "state %s: %s", s.Slug, named(n))
			}
			if i > 0 {
				assert.LessOrEqual(t, s.HistoricalNames[i-1].From.First(), n.From.First(), "state %s: oldest first", s.Slug)
			}
		}
	}
	for _, n := range g.Notices {
		assert.NotContains(t, n, "cia-factbook-1990-2025/editions.csv", "every entry of the real data is accounted for")
	}
}

// factbookSeeds is a small seed set with the COW fixture and a Factbook dataset of the
// given entities and editions (1990-1993), without lists of organizations.
func factbookSeeds(t *testing.T, entities, editions string) fstest.MapFS {
	t.Helper()
	var sections strings.Builder
	for y := 1990; y <= 1993; y++ {
		fmt.Fprintf(&sections, "      - {key: edition-%d, title: The World Factbook %d}\n", y, y)
	}
	fsys := datasetSeeds(t, russia, "")
	fsys["documents.yaml"].Data = append(fsys["documents.yaml"].Data, []byte(`  - slug: factbook
    title: The World Factbook
    dataset: {format: cia-factbook, folder: fb}
    sections:
`+sections.String())...)
	fsys["fb/entities.csv"] = &fstest.MapFile{Data: []byte("fips,iso2,name,entity_type,administered_by_fips\n" + entities)}
	fsys["fb/editions.csv"] = &fstest.MapFile{Data: []byte("edition,fips,iso2,name\n" + editions)}
	fsys["fb/participation.csv.gz"] = &fstest.MapFile{Data: gzipped(t, participationHeader)}
	return fsys
}

func TestFactbookNamesAndNotices(t *testing.T) {
	fsys := factbookSeeds(t, `AA,AW,Aruba,territory,NL
GM,DE,Germany,sovereign,
NL,NL,Netherlands,sovereign,
RS,RU,Russia,sovereign,
SO,SO,Somalia,sovereign,
US,US,United States,sovereign,
UZ,UZ,Uzbekistan,sovereign,
WE,PS,West Bank,disputed,
XX,,Narnia,disputed,
`, `1990,AA,AW,Aruba
1990,GE,,German Democratic Republic
1990,SO,SO,Soviet Union
1990,SO,SO,Somalia
1990,US,US,United States
1990,UZ,,Uzbek SSR
1990,WE,PS,West Bank
1990,XX,,Narnia
1991,SO,SO,Soviet Union
1991,US,US,United States
1991,US,US,America
1991,UZ,UZ,Uzbekistan
1992,GM,DE,Germany
1992,NL,NL,Netherlands
1992,RS,RU,Russia
1992,US,US,United States
1992,UZ,UZ,Uzbekistan
1993,GM,DE,Germany
1993,RS,RU,Russia
1993,US,US,United States
1993,UZ,UZ,uzbekistan
`)
	g, err := seed.Load(fsys, "x")
	require.NoError(t, err)

	assert.Equal(t, []string{
		"Russia 1816-01-01..open cow/states",
		"Soviet Union 1990..1991 factbook/edition-1990",
		"Russia 1992..open factbook/edition-1992",
	}, namesOf(stateBySlug(t, g, "russia")))
	assert.Equal(t, []string{
		"United States of America 1816-01-01..open cow/states",
		"United States 1990..open factbook/edition-1990",
	}, namesOf(stateBySlug(t, g, "united-states")), "the 1991 edition's two entries are left out, and its gap ends no run")
	assert.Equal(t, []string{
		"Uzbekistan 1991..open factbook/edition-1991",
		"Uzbekistan 1991-12-21..open cow/states",
	}, namesOf(stateBySlug(t, g, "uzbekistan")), "letter case is a trivial variant")

	var notices []string
	for _, n := range g.Notices {
		if strings.HasPrefix(n, "x/fb/") {
			notices = append(notices, n)
		}
	}
	assert.Equal(t, []string{
		`x/fb/editions.csv:3: entry "German Democratic Republic" (code GE) names COW state 265, which the graph does not hold: 1 entries (edition 1990) left out`,
		`x/fb/editions.csv:5: sovereign entity SO (Somalia) matches no state of the graph: none has ISO code SO: 1 entries (edition 1990) left out`,
		`x/fb/editions.csv:7: entry "Uzbek SSR" (code UZ) is tied to no entity by the archive and to no state by the reviewed mapping: 1 entries (edition 1990) left out`,
		`x/fb/editions.csv:9: disputed entity XX (Narnia) is in no reviewed mapping: 1 entries (edition 1990) left out`,
		`x/fb/editions.csv:11: entity US has 2 entries in the 1991 edition and the reviewed mapping does not say which names united-states: 2 entries (edition 1991) left out`,
		`x/fb/editions.csv:14: sovereign entity GM (Germany) matches no state of the graph: none has ISO code DE: 2 entries (editions 1992-1993) left out`,
		`x/fb/editions.csv:15: sovereign entity NL (Netherlands) matches no state of the graph: none has ISO code NL: 1 entries (edition 1992) left out`,
	}, notices)
}

func TestFactbookDatasetProblems(t *testing.T) {
	entities := "US,US,United States,sovereign,\n"
	editions := "1990,US,US,United States\n1991,US,US,United States\n1992,US,US,United States\n1993,US,US,United States\n"

	fsys := factbookSeeds(t, entities, editions+"1994,US,US,United States\n")
	_, err := seed.Load(fsys, "x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `x/documents.yaml:17: dataset factbook: the document needs a section with key "edition-1994" for the 1994 edition`)

	fsys = factbookSeeds(t, entities, "1990,US,US,United States\n1992,U2,,Nowhere\n")
	_, err = seed.Load(fsys, "x")
	require.Error(t, err)
	assert.Equal(t, "x/fb/editions.csv:3:6: fips \"U2\" is not two capital letters", err.Error(), "the reader's problems, at file:line:column")

	fsys = factbookSeeds(t, entities, editions)
	docs := string(fsys["documents.yaml"].Data)
	i := strings.Index(docs, "  - slug: cow\n")
	j := strings.Index(docs, "  - slug: factbook\n")
	fsys["documents.yaml"].Data = []byte(docs[:i] + docs[j:] + docs[i:j])
	_, err = seed.Load(fsys, "x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dataset factbook names the states of the datasets before it: list it after cow")
}

// The Factbook's files are read from the seeds as shipped, byte for byte as published.
func TestFactbookFilesShipped(t *testing.T) {
	for _, f := range []string{"README.md", "LICENSE-archive.txt", "derive.py", factbook.FileEditions, factbook.FileEntities, factbook.FileParticipation} {
		_, err := os.Stat(path.Join("../../seeds/cia-factbook-1990-2025", f))
		assert.NoError(t, err, f)
	}
}
