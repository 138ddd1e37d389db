package factbook

import (
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validFS loads testdata/valid into a MapFS under dir "d", so that a test can change one
// file and leave the other as it is.
func validFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	entries, err := os.ReadDir("testdata/valid")
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(path.Join("testdata/valid", e.Name()))
		require.NoError(t, err)
		m["d/"+e.Name()] = &fstest.MapFile{Data: data}
	}
	return m
}

func strs(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func TestReadValid(t *testing.T) {
	d, err := Read(os.DirFS("testdata"), "valid", "fx")
	require.NoError(t, err)

	require.Len(t, d.Entities, 8)
	assert.Equal(t, Entity{FIPS: "AA", ISO2: "AW", Name: "Aruba", Type: Territory, AdministeredBy: "NL", Line: 2}, d.Entities[0])
	assert.Equal(t, Entity{FIPS: "KV", Name: "Kosovo", Type: Disputed, Line: 4}, *d.Entity("KV"))
	assert.Equal(t, Dissolved, d.Entity("YI").Type)
	assert.Nil(t, d.Entity("YU"), "an unmatched code is no entity")
	assert.Nil(t, d.Entity("gm"), "codes are case-sensitive")

	assert.Equal(t, []int{1990, 1991, 1992, 1993}, d.Editions)
	assert.Equal(t, 1993, d.Last())
	require.Len(t, d.Entries, 26)
	assert.Equal(t, Entry{Edition: 1990, FIPS: "GM", ISO2: "DE", Name: "Germany, Federal Republic of", Matched: true, Line: 4}, d.Entries[2],
		"a quoted name keeps its comma")
	assert.Equal(t, Entry{Edition: 1990, FIPS: "GE", Name: "German Democratic Republic", Line: 3}, d.Entries[1],
		"an entry whose code is no entity is unmatched")
	assert.Nil(t, d.EntityOf(&d.Entries[1]))
	assert.Equal(t, "Germany", d.EntityOf(&d.Entries[2]).Name)

	kosovo := d.Entries[21]
	assert.Equal(t, "Kosovo", kosovo.Name)
	assert.True(t, kosovo.Matched, "an entity without an ISO code matches entries without one")
	soviet := d.Entries[5]
	assert.Equal(t, "Soviet Union", soviet.Name)
	assert.True(t, soviet.Matched, "the files are read as they are: the archive ties it to Somalia's code")
}

// An entry whose code is an entity's but that lacks the entity's ISO code is one the archive
// left unmatched: derive.py writes the edition's own code for it.
func TestReadUnmatchedEntryWithAnEntitysCode(t *testing.T) {
	m := validFS(t)
	m["d/"+FileEditions].Data = append(m["d/"+FileEditions].Data, "1993,GM,,Cape Verde\n"...)
	d, err := Read(m, "d", "d")
	require.NoError(t, err)
	e := d.Entries[len(d.Entries)-1]
	assert.Equal(t, "Cape Verde", e.Name)
	assert.False(t, e.Matched)
	assert.Nil(t, d.EntityOf(&e))
}

func TestReadInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		edit       func(s string) string
		want       []string
	}{
		{"missing editions", FileEditions, nil, []string{"d/editions.csv: missing file"}},
		{"missing entities", FileEntities, nil, []string{"d/entities.csv: missing file"}},
		{"empty", FileEditions, func(string) string { return "" },
			[]string{"d/editions.csv:1: empty file, want header edition,fips,iso2,name"}},
		{"wrong header", FileEditions, func(s string) string { return strings.Replace(s, "iso2,name", "name,iso2", 1) },
			[]string{"d/editions.csv:1:14: header is edition,fips,name,iso2, want edition,fips,iso2,name"}},
		{"extra column", FileEntities, func(s string) string { return strings.Replace(s, "administered_by_fips", "administered_by_fips,x", 1) },
			[]string{"d/entities.csv:1:49: header is fips,iso2,name,entity_type,administered_by_fips,x, want fips,iso2,name,entity_type,administered_by_fips"}},
		{"a byte-order mark is fine", FileEditions, func(s string) string { return "\ufeff" + s }, nil},
		{"field count", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE,Germany", "1991,GM,DE,Germany,x", 1) },
			[]string{"d/editions.csv:10: row has 5 fields, want 4"}},
		{"bare quote", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE,Germany", `1991,GM,DE,Ger"many`, 1) },
			[]string{`d/editions.csv:10:15: bare " in non-quoted-field`}},
		{"edition not a number", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE", "1991a,GM,DE", 1) },
			[]string{`d/editions.csv:10:1: edition "1991a" is not a year`}},
		{"edition empty", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE", ",GM,DE", 1) },
			[]string{`d/editions.csv:10:1: edition is empty, want a year`}},
		{"edition out of range", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE", "2026,GM,DE", 1) },
			[]string{"d/editions.csv:10:1: edition 2026 is outside 1990-2025"}},
		{"edition missing", FileEditions, func(s string) string {
			var keep []string
			for _, l := range strings.Split(s, "\n") {
				if !strings.HasPrefix(l, "1991,") {
					keep = append(keep, l)
				}
			}
			return strings.Join(keep, "\n")
		}, []string{"d/editions.csv: no entries for edition 1991, between 1990 and 1993"}},
		{"fips malformed", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE", "1991,Gm,DE", 1) },
			[]string{`d/editions.csv:10:6: fips "Gm" is not two capital letters`}},
		{"fips empty", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE", "1991,,DE", 1) },
			[]string{`d/editions.csv:10:6: fips is empty, want two capital letters`}},
		{"iso2 malformed", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE", "1991,GM,DEU", 1) },
			[]string{`d/editions.csv:10:9: iso2 "DEU" is not two capital letters`}},
		{"name empty", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE,Germany", "1991,GM,DE,", 1) },
			[]string{`d/editions.csv:10:12: name is empty`}},
		{"name with spaces", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE,Germany", `1991,GM,DE,"Germany "`, 1) },
			[]string{`d/editions.csv:10:12: name "Germany " has spaces at an end`}},
		{"name with a control character", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE,Germany", "1991,GM,DE,Ger\x01many", 1) },
			[]string{`d/editions.csv:10:12: name "Ger\x01many" holds a control character`}},
		{"duplicate entry", FileEditions, func(s string) string { return s + "1991,GM,DE,Germany\n" },
			[]string{"d/editions.csv:28:1: the same entry again (first at line 10)"}},
		{"iso2 not the entity's", FileEditions, func(s string) string { return strings.Replace(s, "1991,GM,DE", "1991,GM,DD", 1) },
			[]string{"d/editions.csv:10:9: iso2 DD is not that of entity GM (\"DE\")"}},
		{"iso2 on an unknown code", FileEditions, func(s string) string { return strings.Replace(s, "1990,YU,,", "1990,YU,YU,", 1) },
			[]string{"d/editions.csv:8:6: fips YU is not an entity, yet the entry has iso2 YU (an entry the archive left unmatched has none)"}},
		{"entity type", FileEntities, func(s string) string { return strings.Replace(s, "Kosovo,disputed", "Kosovo,contested", 1) },
			[]string{`d/entities.csv:4:12: entity_type "contested" is not one of sovereign, freely_associated, territory, crown_dependency, special_admin, dissolved, disputed, antarctic, misc`}},
		{"duplicate entity", FileEntities, func(s string) string { return s + "GM,DE,Germany,sovereign,\n" },
			[]string{"d/entities.csv:10:1: entity GM again (first at line 3)"}},
		{"administered by an unknown entity", FileEntities, func(s string) string { return strings.Replace(s, "territory,NL", "territory,NX", 1) },
			[]string{"d/entities.csv:2:23: administered_by_fips NX is not an entity"}},
		{"administered by itself", FileEntities, func(s string) string { return strings.Replace(s, "territory,NL", "territory,AA", 1) },
			[]string{"d/entities.csv:2:23: entity AA is administered by itself"}},
		{"every problem, in order", FileEditions, func(s string) string {
			s = strings.Replace(s, "1992,GM,DE", "1992,G1,DE", 1)
			return strings.Replace(s, "1990,GM,DE", "199,GM,DE", 1)
		}, []string{
			"d/editions.csv:4:1: edition 199 is outside 1990-2025",
			`d/editions.csv:16:6: fips "G1" is not two capital letters`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := validFS(t)
			if tc.edit == nil {
				delete(m, "d/"+tc.file)
			} else {
				m["d/"+tc.file].Data = []byte(tc.edit(string(m["d/"+tc.file].Data)))
			}
			d, err := Read(m, "d", "d")
			if tc.want == nil {
				require.NoError(t, err)
				require.NotNil(t, d)
				return
			}
			require.Error(t, err)
			assert.Nil(t, d)
			var ps Problems
			require.ErrorAs(t, err, &ps)
			assert.Equal(t, tc.want, strs(ps))
			assert.Equal(t, strings.Join(tc.want, "\n"), err.Error())
		})
	}
}

// A problem in entities.csv stops the checks of editions.csv against the entities, which
// would otherwise report every entry of a dropped entity.
func TestReadBadEntitiesHideTheirConsequences(t *testing.T) {
	m := validFS(t)
	m["d/"+FileEntities].Data = []byte(strings.Replace(string(m["d/"+FileEntities].Data), "GM,DE,Germany,sovereign,", "GM,DE,Germany,country,", 1))
	_, err := Read(m, "d", "d")
	var ps Problems
	require.ErrorAs(t, err, &ps)
	require.Len(t, ps, 1)
	assert.Contains(t, ps[0].String(), `d/entities.csv:3:15: entity_type "country"`)
}

func TestReadReal(t *testing.T) {
	d, err := Read(os.DirFS("../../seeds"), "cia-factbook-1990-2025", "seeds/cia-factbook-1990-2025")
	require.NoError(t, err)
	assert.Len(t, d.Entities, 281, "the README's count")
	assert.Len(t, d.Entries, 9499, "the README's count")
	assert.Equal(t, FirstEdition, d.Editions[0])
	assert.Equal(t, LastEdition, d.Last())
	assert.Len(t, d.Editions, LastEdition-FirstEdition+1)

	unmatched := map[string]int{}
	for _, e := range d.Entries {
		if !e.Matched {
			unmatched[e.FIPS+" "+e.Name]++
		}
	}
	assert.Equal(t, map[string]int{
		"CA Cape Verde": 3, "CO Cocos Islands": 1, "GE German Democratic Republic": 1, "KA Kazakstan": 2,
		"MA Man, Isle of": 3, "PA Pacific Islands, Trust Territory of the": 1,
		"ST St. Helena": 1, "ST St. Kitts and Nevis": 1, "ST St. Lucia": 1, "ST St. Pierre and Miquelon": 1,
		"ST St. Vincent and the Grenadines": 1, "TU Turkey": 11, "WA Wake Atoll": 1, "YU Yugoslavia": 3,
	}, unmatched, "the entries the archive left unmatched")

	types := map[EntityType]int{}
	for _, e := range d.Entities {
		types[e.Type]++
	}
	for _, typ := range EntityTypes {
		assert.Positive(t, types[typ], "the real data has entities of type %s", typ)
	}
	assert.Equal(t, "Serbia and Montenegro", d.Entity("YI").Name)
	assert.Equal(t, "CS", d.Entity("YI").ISO2)
	assert.Equal(t, "UK", d.Entity("IM").AdministeredBy)
}
