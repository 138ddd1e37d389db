package seed_test

import (
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
)

var shippedSeeds struct {
	once sync.Once
	g    *kg.Graph
	err  error
}

// shippedGraph loads the seeds that the binary embeds (the repository's seeds folder) once.
func shippedGraph(t *testing.T) *kg.Graph {
	t.Helper()
	shippedSeeds.once.Do(func() { shippedSeeds.g, shippedSeeds.err = seed.Load(os.DirFS("../../seeds"), "seeds") })
	require.NoError(t, shippedSeeds.err)
	return shippedSeeds.g
}

// nameFault says what is wrong with a served name, or "" when nothing is: a C1 control
// character or a U+FFFD replacement character anywhere (text that went through a wrong
// character set), or a no-break space at either end, as itself or as the "Ê" that Mac
// Roman's no-break space becomes when read as Latin-1.
func nameFault(s string) string {
	for _, r := range s {
		switch {
		case r >= 0x80 && r <= 0x9f:
			return "a C1 control character"
		case r == utf8.RuneError:
			return "a replacement character (or invalid UTF-8)"
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	for _, r := range []rune{first, last} {
		switch r {
		case '\u00a0', '\u202f', '\u2007':
			return "a no-break space at an end"
		case '\u00ca':
			return `a misread no-break space ("Ê") at an end`
		}
	}
	return ""
}

func TestNameFault(t *testing.T) {
	for s, want := range map[string]string{
		"Communauté":           "",
		"Êtat":                 `a misread no-break space ("Ê") at an end`,
		"AgencyÊ":              `a misread no-break space ("Ê") at an end`,
		"Agency\u00a0":         "a no-break space at an end",
		"Communaut\u008e":      "a C1 control character",
		"Bad \ufffd":           "a replacement character (or invalid UTF-8)",
		"Mid\u00a0dle":         "",
		"ÉMIRATS ARABES UNIS":  "",
		"Россия":               "",
		"International Agency": "",
	} {
		assert.Equal(t, want, nameFault(s), "%q", s)
	}
}

// No name the graph serves (of a state, in any language, an alias, a historical name, an
// organization's names, a person's, a place's) went through a wrong character set.
func TestServedNamesAreClean(t *testing.T) {
	g := shippedGraph(t)
	checked := 0
	check := func(whose, what, s string) {
		checked++
		if f := nameFault(s); f != "" {
			t.Errorf("%s: %s %q has %s", whose, what, s, f)
		}
	}
	localized := func(whose string, ns []kg.LocalizedName) {
		for _, n := range ns {
			check(whose, "name in "+n.Language, n.Text)
			if n.Transliteration != nil {
				check(whose, "transliteration", *n.Transliteration)
			}
		}
	}
	for _, s := range g.States {
		whose := "state " + s.Slug
		check(whose, "name", s.Name)
		localized(whose, s.Names)
		for _, a := range s.Aliases {
			check(whose, "alias", a)
		}
		for _, n := range s.HistoricalNames {
			check(whose, "historical name", n.Name)
		}
	}
	for _, o := range g.Organizations {
		whose := "organization " + o.Slug
		check(whose, "name", o.Name)
		localized(whose, o.Names)
		for _, a := range o.Aliases {
			check(whose, "alias", a)
		}
		for what, p := range map[string]*string{"acronym": o.Acronym, "short name": o.ShortName, "long name": o.LongName} {
			if p != nil {
				check(whose, what, *p)
			}
		}
	}
	for _, p := range g.People {
		check("person "+p.Slug, "name", p.Name)
		for _, a := range p.Aliases {
			check("person "+p.Slug, "alias", a)
		}
	}
	for _, p := range g.Places {
		check("place "+p.Slug, "name", p.Name)
	}
	assert.Greater(t, checked, 2000, "the COW dataset's states and organizations are in the graph")

	// IRENA's name in igos.csv ends in a Mac Roman no-break space read as Latin-1.
	var irena *kg.Organization
	for _, o := range g.Organizations {
		if o.CowKey != nil && *o.CowKey == "IRENA" {
			irena = o
		}
	}
	require.NotNil(t, irena)
	assert.Equal(t, "International Renewable Energy Agency", irena.Name)
	assert.Equal(t, "International Renewable Energy Agency", *irena.ShortName)
	assert.Equal(t, "International Renewable Energy Agency", *irena.LongName)
	assert.Contains(t, g.Notices, `seeds/cow-igo-v3/igos.csv:352: IGO IRENA: "International Renewable Energy AgencyÊ" read as "International Renewable Energy Agency" (a no-break space at an end removed, Mac Roman's read as Latin-1 "Ê" included)`)
}

// The repair reaches every name of the dataset's files, each repair a notice at its file and
// line: an IGO's names in igos.csv and a state's in country_codes.csv.
func TestDatasetNamesWithAMisreadNoBreakSpaceAreRepaired(t *testing.T) {
	fsys := datasetSeeds(t, "states: []\n", "memberships: []\n")
	igos := string(fsys["cow/igos.csv"].Data)
	igos = strings.Replace(igos, `"Alpha","Alpha Organization (AAA)"`, "\"ÊAlpha\u008e\",\"Alpha Organization (AAA)\"", 1)
	igos = strings.Replace(igos, `"Gamma","Gamma Council"`, `"Gamma","Gamma CouncilÊ"`, 1)
	fsys["cow/igos.csv"] = &fstest.MapFile{Data: []byte(igos)}
	codes := string(fsys["cow/country_codes.csv"].Data)
	codes = strings.Replace(codes, `"Соединенные Штаты"`, `"Соединенные Штаты`+"\u00a0"+`"`, 1)
	codes = strings.Replace(codes, `"Uzbekistan","Uzbekistan"`, `"UzbekistanÊ","Uzbekistan"`, 1)
	fsys["cow/country_codes.csv"] = &fstest.MapFile{Data: []byte(codes)}

	g, err := seed.Load(fsys, "seeds")
	require.NoError(t, err)
	byKey := map[string]*kg.Organization{}
	for _, o := range g.Organizations {
		if o.CowKey != nil {
			byKey[*o.CowKey] = o
		}
	}
	assert.Equal(t, "Alphaé", *byKey["AAA"].ShortName)
	assert.Equal(t, "Gamma Council", byKey["CCC"].Name)
	assert.Equal(t, "Gamma Council", *byKey["CCC"].LongName)
	for _, s := range g.States {
		switch *s.CowCode {
		case 2:
			assert.Contains(t, s.Names, kg.LocalizedName{Language: "ru", Text: "Соединенные Штаты"})
		case 704:
			assert.Equal(t, "Uzbekistan", s.Name)
		}
	}
	notices := strings.Join(g.Notices, "\n")
	assert.Contains(t, notices, `seeds/cow/igos.csv:2: IGO AAA: "ÊAlpha\u008e" read as "Alphaé" (C1 control characters taken as Mac Roman; a no-break space at an end removed, Mac Roman's read as Latin-1 "Ê" included)`,
		"the notice quotes the name as Go does, control characters escaped")
	assert.Contains(t, notices, `seeds/cow/igos.csv:4: IGO CCC: "Gamma CouncilÊ" read as "Gamma Council" (a no-break space at an end removed, Mac Roman's read as Latin-1 "Ê" included)`)
	assert.Contains(t, notices, `seeds/cow/country_codes.csv:2: state 2: "Соединенные Штаты\u00a0" read as "Соединенные Штаты" (a no-break space at an end removed, Mac Roman's read as Latin-1 "Ê" included)`)
	assert.Contains(t, notices, `seeds/cow/country_codes.csv:4: state 704: "UzbekistanÊ" read as "Uzbekistan" (a no-break space at an end removed, Mac Roman's read as Latin-1 "Ê" included)`)
}
