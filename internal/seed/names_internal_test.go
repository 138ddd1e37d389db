package seed

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/factbook"
	"github.com/treatygraph/treatygraph/internal/kg"
)

func TestNameKey(t *testing.T) {
	for _, same := range [][2]string{
		{"Serbia and Montenegro", "Serbia And Montenegro"},
		{"Bahamas, The", "The Bahamas"},
		{"Man, Isle of", "Isle of Man"},
		{"Macedonia, The Former Yugoslav Republic of", "The Former Yugoslav Republic of Macedonia"},
		{"Cote d'Ivoire", "Cote D’ivoire"},
		{"Guinea-Bissau", " Guinea-bissau  "},
	} {
		assert.Equal(t, nameKey(same[0]), nameKey(same[1]), "%q is %q", same[0], same[1])
	}
	for _, other := range [][2]string{
		{"Congo", "Congo, Republic of the"},
		{"Korea, North", "Korea, South"},
		{"Macedonia", "Macedonia,"},
		{"Burma", "Burma (Myanmar)"},
		{"Saint Helena", "Saint Helena, Ascension, and Tristan da Cunha"},
	} {
		assert.NotEqual(t, nameKey(other[0]), nameKey(other[1]), "%q is not %q", other[0], other[1])
	}
}

func TestFactbookRuns(t *testing.T) {
	editions := make([]int, 0, 36)
	for y := 1990; y <= 2025; y++ {
		editions = append(editions, y)
	}
	fm := &factbookMerge{doc: &kg.Document{Slug: "fb"}, ds: &factbook.Dataset{Editions: editions}}
	var ns []fbName
	for y := 1990; y <= 2025; y++ {
		switch {
		case y == 2001:
			// no entry: a gap ends no run
		case y < 1995:
			ns = append(ns, fbName{y, "Burma"})
		case y == 1995:
			ns = append(ns, fbName{y, "BURMA"})
		case y < 2010:
			ns = append(ns, fbName{y, "Burma"})
		case y < 2021:
			ns = append(ns, fbName{y, "Burma (Myanmar)"})
		default:
			ns = append(ns, fbName{y, "Burma"})
		}
	}
	ns = append(ns, fbName{2000, "Myanmar"}) // two names in one edition: each has its run
	var got []string
	for _, n := range fm.runs(ns) {
		to := "open"
		if n.To != nil {
			to = n.To.ISO()
		}
		got = append(got, fmt.Sprintf("%s %s..%s %s", n.Name, n.From, to, n.Source.SectionKey))
	}
	assert.Equal(t, []string{
		"Burma 1990..2009 edition-1990",
		"Myanmar 2000..2000 edition-2000",
		"Burma (Myanmar) 2010..2020 edition-2010",
		"Burma 2021..open edition-2021",
	}, got)
}

// Every line of the reviewed mapping is needed by the real data and names what it says.
func TestFactbookMappingIsUsed(t *testing.T) {
	ds, err := factbook.Read(os.DirFS("../../seeds"), "cia-factbook-1990-2025", "")
	require.NoError(t, err)
	used := map[fbEntry]int{}
	for i := range ds.Entries {
		e := &ds.Entries[i]
		for k := range factbookEntries {
			if k.fips == e.FIPS && nameKey(k.name) == nameKey(e.Name) {
				used[k]++
			}
		}
	}
	for k, target := range factbookEntries {
		assert.Positive(t, used[k], "entry %v matches an entry of editions.csv", k)
		set := 0
		for _, on := range []bool{target.cow != 0, target.notState != "", target.spelled != ""} {
			if on {
				set++
			}
		}
		assert.Equal(t, 1, set, "entry %v says one thing", k)
	}
	for fips, target := range factbookEntities {
		ent := ds.Entity(fips)
		if assert.NotNil(t, ent, "entity %s", fips) {
			assert.NotContains(t, []factbook.EntityType{factbook.Territory, factbook.CrownDependency}, ent.Type,
				"entity %s: its type settles it", fips)
		}
		assert.True(t, (target.cow != 0) != (target.notState != ""), "entity %s says one thing", fips)
	}

	g, err := Load(os.DirFS("../../seeds"), "seeds")
	require.NoError(t, err)
	states := map[int]*kg.State{}
	for _, s := range g.States {
		if s.CowCode != nil {
			states[*s.CowCode] = s
		}
	}
	for k, target := range factbookEntries {
		if target.cow != 0 {
			assert.NotNil(t, states[target.cow], "entry %v names COW state %d", k, target.cow)
		}
	}
	for fips, target := range factbookEntities {
		if target.cow != 0 {
			assert.NotNil(t, states[target.cow], "entity %s names COW state %d", fips, target.cow)
		}
	}
}
