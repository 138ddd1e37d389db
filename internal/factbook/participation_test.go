package factbook

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gunzip(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return string(out)
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func TestReadParticipation(t *testing.T) {
	d, err := Read(os.DirFS("testdata"), "valid", "fx")
	require.NoError(t, err)
	require.Len(t, d.Participation, 9)

	gdr := d.Participation[1]
	assert.Equal(t, "German Democratic Republic", d.Entries[gdr.Entry].Name, "a row belongs to its edition's entry")
	assert.False(t, d.Entries[gdr.Entry].Matched)
	assert.Equal(t, FieldMemberOf, gdr.Field)
	assert.Equal(t, "CEMA, UN, Warsaw Pact", gdr.Text)
	assert.Equal(t, 3, gdr.Line)

	frg := d.Participation[2]
	assert.Equal(t, "Germany, Federal Republic of", d.Entries[frg.Entry].Name)
	assert.Equal(t, 1990, d.Entries[frg.Entry].Edition)

	// Pos places an offset of the text in the file: past the opening quote, and past each
	// doubled quote.
	soviet := d.Participation[3]
	assert.Equal(t, "CEMA, UN, Warsaw Pact; note--an observer at the \"EC\"", soviet.Text)
	l, c := soviet.Pos(0)
	assert.Equal(t, [2]int{5, 46}, [2]int{l, c}, `the first byte, after the quote of 1990,SO,SO,sovereign,Soviet Union,Member of,"`)
	off := strings.Index(soviet.Text, "EC")
	l, c = soviet.Pos(off)
	assert.Equal(t, [2]int{5, 46 + off + 1}, [2]int{l, c}, "a doubled quote takes two columns")
	aruba := d.Participation[0]
	l, c = aruba.Pos(0)
	assert.Equal(t, [2]int{2, 38}, [2]int{l, c}, "an unquoted field starts at its first byte")

	kosovo := d.Participation[8]
	assert.Equal(t, FieldParticipation, kosovo.Field)
	assert.Equal(t, "KV", d.Entries[kosovo.Entry].FIPS)
}

// A text that spans lines is placed line by line.
func TestParticipationPosAcrossLines(t *testing.T) {
	p := Participation{Text: "UN,\nNATO (ob\"x\")", TextLine: 7, TextColumn: 30, quoted: true}
	l, c := p.Pos(4)
	assert.Equal(t, [2]int{8, 1}, [2]int{l, c})
	l, c = p.Pos(strings.Index(p.Text, "x"))
	assert.Equal(t, [2]int{8, 11}, [2]int{l, c}, "NATO (ob takes 8 columns, the doubled quote 2")
}

func TestReadParticipationInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(s string) string
		raw  []byte // the file's bytes as they are, instead of an edit
		want []string
	}{
		{name: "missing", want: []string{"d/participation.csv.gz: missing file"}},
		{name: "not gzip", raw: []byte("edition,fips\n"), want: []string{"d/participation.csv.gz: not a gzip file: gzip: invalid header"}},
		{name: "wrong header", edit: func(s string) string { return strings.Replace(s, "field,text", "text,field", 1) },
			want: []string{"d/participation.csv.gz:1:36: header is edition,fips,iso2,entity_type,name,text,field, want edition,fips,iso2,entity_type,name,field,text"}},
		{name: "field count", edit: func(s string) string {
			return strings.Replace(s, "1992,RS,RU,sovereign,Russia,Member of,", "1992,RS,RU,sovereign,Russia,", 1)
		},
			want: []string{"d/participation.csv.gz:8: row has 6 fields, want 7"}},
		{name: "edition not a year", edit: func(s string) string { return strings.Replace(s, "1992,RS", "92a,RS", 1) },
			want: []string{`d/participation.csv.gz:8:1: edition "92a" is not a year`}},
		{name: "edition out of range", edit: func(s string) string { return strings.Replace(s, "1992,RS", "1989,RS", 1) },
			want: []string{"d/participation.csv.gz:8:1: edition 1989 is outside 1990-2025"}},
		{name: "fips malformed", edit: func(s string) string { return strings.Replace(s, "1992,RS,RU", "1992,Rs,RU", 1) },
			want: []string{`d/participation.csv.gz:8:6: fips "Rs" is not two capital letters`}},
		{name: "entity type unknown", edit: func(s string) string { return strings.Replace(s, "RU,sovereign", "RU,country", 1) },
			want: []string{`d/participation.csv.gz:8:12: entity_type "country" is not one of sovereign, freely_associated, territory, crown_dependency, special_admin, dissolved, disputed, antarctic, misc or unmatched`}},
		{name: "entity type not the entity's", edit: func(s string) string { return strings.Replace(s, "RU,sovereign", "RU,territory", 1) },
			want: []string{"d/participation.csv.gz:8:12: entity_type territory is not sovereign, the type of the entry's entity"}},
		{name: "unmatched entry given a type", edit: func(s string) string { return strings.Replace(s, ",,unmatched,German", ",,sovereign,German", 1) },
			want: []string{"d/participation.csv.gz:3:10: entity_type sovereign is not unmatched, the type of the entry's entity"}},
		{name: "field unknown", edit: func(s string) string { return strings.Replace(s, "Russia,Member of", "Russia,Members", 1) },
			want: []string{`d/participation.csv.gz:8:29: field "Members" is not "Member of" or "International organization participation"`}},
		{name: "text empty", edit: func(s string) string { return strings.Replace(s, `"CIS, UN"`, `" "`, 1) },
			want: []string{"d/participation.csv.gz:8:39: text is empty"}},
		{name: "no such entry", edit: func(s string) string {
			return strings.Replace(s, "1992,RS,RU,sovereign,Russia", "1993,RS,RU,sovereign,Russia Federation", 1)
		},
			want: []string{`d/participation.csv.gz:8:22: no entry of editions.csv has edition 1993, fips RS, iso2 "RU" and name "Russia Federation"`}},
		{name: "bare quote", edit: func(s string) string { return strings.Replace(s, `"CIS, UN"`, `CIS "UN`, 1) },
			want: []string{`d/participation.csv.gz:8:43: bare " in non-quoted-field`}},
		{name: "every problem, in order", edit: func(s string) string {
			s = strings.Replace(s, "1992,RS", "1989,RS", 1)
			return strings.Replace(s, "1990,AA,AW,territory", "1990,AA,AW,colony", 1)
		}, want: []string{
			`d/participation.csv.gz:2:12: entity_type "colony" is not one of sovereign, freely_associated, territory, crown_dependency, special_admin, dissolved, disputed, antarctic, misc or unmatched`,
			"d/participation.csv.gz:8:1: edition 1989 is outside 1990-2025",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := validFS(t)
			f := "d/" + FileParticipation
			switch {
			case tc.raw != nil:
				m[f].Data = tc.raw
			case tc.edit != nil:
				m[f].Data = gz(t, tc.edit(gunzip(t, m[f].Data)))
			default:
				delete(m, f)
			}
			d, err := Read(m, "d", "d")
			require.Error(t, err)
			assert.Nil(t, d)
			var ps Problems
			require.ErrorAs(t, err, &ps)
			assert.Equal(t, tc.want, strs(ps))
		})
	}
}

// A problem in editions.csv stops the checks of the lists against the entries, which would
// otherwise report every list of an entry that was not read.
func TestReadBadEditionsHideTheirConsequences(t *testing.T) {
	m := validFS(t)
	m["d/"+FileEditions].Data = []byte(strings.Replace(string(m["d/"+FileEditions].Data), "1992,RS,RU,Russia", "1992,RS,RUS,Russia", 1))
	_, err := Read(m, "d", "d")
	var ps Problems
	require.ErrorAs(t, err, &ps)
	assert.Equal(t, []string{`d/editions.csv:18:9: iso2 "RUS" is not two capital letters`}, strs(ps))
}

func TestReadParticipationReal(t *testing.T) {
	d, err := Read(os.DirFS("../../seeds"), "cia-factbook-1990-2025", "seeds/cia-factbook-1990-2025")
	require.NoError(t, err)
	require.Len(t, d.Participation, 8362, "the README's count")
	fields := map[string]int{}
	var lp ListParser
	items := 0
	for i := range d.Participation {
		p := &d.Participation[i]
		fields[p.Field]++
		it, _ := lp.Parse(p.Text)
		items += len(it)
	}
	assert.Equal(t, map[string]int{FieldMemberOf: 1318, FieldParticipation: 7044}, fields)
	assert.Greater(t, items, 300000)
	// The archive holds Zimbabwe's field twice in the 1998 edition, the second time as the
	// field's definition.
	var zim []string
	for i := range d.Participation {
		if e := d.Entries[d.Participation[i].Entry]; e.FIPS == "ZI" && e.Edition == 1998 {
			zim = append(zim, d.Participation[i].Text[:20])
		}
	}
	assert.Equal(t, []string{"ACP, AfDB, C, CCC, E", "This entry lists in "}, zim)
}
