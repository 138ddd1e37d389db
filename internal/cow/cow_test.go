package cow

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validFS loads testdata/valid into a MapFS under dir "d", so that a test can change one
// file and leave the rest as they are.
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

// text returns a file of the fixture as text, inflated when it is gzipped.
func text(t *testing.T, m fstest.MapFS, file string) string {
	t.Helper()
	data := m["d/"+file].Data
	if strings.HasSuffix(file, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		require.NoError(t, err)
		data, err = io.ReadAll(zr)
		require.NoError(t, err)
	}
	return string(data)
}

// put stores a file in the fixture, gzipped when its name says so.
func put(t *testing.T, m fstest.MapFS, file, s string) {
	t.Helper()
	data := []byte(s)
	if strings.HasSuffix(file, ".gz") {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, err := zw.Write(data)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		data = b.Bytes()
	}
	m["d/"+file] = &fstest.MapFile{Data: data}
}

func TestReadValid(t *testing.T) {
	d, err := Read(os.DirFS("testdata"), "valid", "fx")
	require.NoError(t, err)
	assert.Equal(t, 2014, d.LastYear)

	want := []Stint{
		{IGO: "AAA", State: 2, Status: Member, First: 1950, Last: 1970, StateYears: 21, StartEarliest: 1950, StartLatest: 1955, EndEarliest: 1970, EndLatest: 1970, Line: 2, EndLine: 22},
		{IGO: "AAA", State: 365, Status: Member, First: 1955, Last: 1962, StateYears: 8, StartEarliest: 1950, StartLatest: 1960, EndEarliest: 1957, EndLatest: 1964, Line: 23, EndLine: 30},
		{IGO: "AAA", State: 365, Status: Member, First: 1964, Last: 1966, StateYears: 3, StartEarliest: 1959, StartLatest: 1965, EndEarliest: 1966, EndLatest: 1966, Line: 31, EndLine: 33},
		{IGO: "AAA", State: 365, Status: Observer, First: 1967, Last: 2014, StateYears: 48, Open: true, StartEarliest: 1967, StartLatest: 1967, EndEarliest: 2014, EndLatest: 2014, Line: 34, EndLine: 81},
		{IGO: "BBB", State: 2, Status: Member, First: 1920, Last: 1960, StateYears: 41, StartEarliest: 1920, StartLatest: 1920, EndEarliest: 1960, EndLatest: 1960, Line: 82, EndLine: 122},
		{IGO: "BBB", State: 255, Status: Member, First: 1920, Last: 1940, StateYears: 21, StartEarliest: 1920, StartLatest: 1920, EndEarliest: 1940, EndLatest: 1940, Line: 123, EndLine: 143},
		{IGO: "BBB", State: 365, Status: Associate, First: 1930, Last: 1945, StateYears: 16, StartEarliest: 1930, StartLatest: 1930, EndEarliest: 1945, EndLatest: 1945, Line: 144, EndLine: 159},
		{IGO: "CCC", State: 2, Status: Member, First: 1946, Last: 1950, StateYears: 5, StartEarliest: 1941, StartLatest: 1950, EndEarliest: 1950, EndLatest: 1950, Line: 160, EndLine: 164},
		{IGO: "CCC", State: 365, Status: Member, First: 1940, Last: 1944, StateYears: 5, StartEarliest: 1940, StartLatest: 1940, EndEarliest: 1940, EndLatest: 1949, Line: 165, EndLine: 169},
		{IGO: "DDD", State: 2, Status: Observer, First: 2000, Last: 2005, StateYears: 6, StartEarliest: 2000, StartLatest: 2000, EndEarliest: 2005, EndLatest: 2005, Line: 170, EndLine: 175},
		{IGO: "DDD", State: 704, Status: Member, First: 1995, Last: 2007, StateYears: 13, StartEarliest: 1995, StartLatest: 1995, EndEarliest: 2007, EndLatest: 2007, Line: 176, EndLine: 188},
		{IGO: "FFF", State: 2, Status: Member, First: 1900, Last: 1948, StateYears: 49, StartEarliest: 1900, StartLatest: 1905, EndEarliest: 1943, EndLatest: 1950, Line: 189, EndLine: 237},
	}
	assert.Equal(t, want, d.Stints)
	assert.Equal(t, want[9:11], d.StintsOf("DDD"))
	assert.Empty(t, d.Unknowns, "the fixture has no missing years")
	assert.Empty(t, d.StintsOf("EEE"))

	assert.Equal(t, []string{
		"fx/igos.csv:6:41: IGO EEE has deaddate 2010 but dead is 0",
		"fx/state_igo_year.csv.gz:187:9: IGO DDD ended in 2005 but state 704 has a status in 2006-2007 (2 rows, to line 188)",
	}, strs(d.Anomalies))

	require.Len(t, d.IGOs, 6)
	bbb := d.IGOs[1]
	require.Len(t, bbb.Years, 41, "BBB's years 1920-1960 in igo_years.csv")
	assert.Equal(t, IGOYear{Year: 1920, Accuracy: "Completely accurate", Line: 67}, bbb.Years[0])
	assert.Equal(t, IGOYear{Year: 1960, Accuracy: "Completely accurate", Line: 107}, bbb.Years[40])
	bbb.Years = nil
	assert.Equal(t, IGO{Key: "BBB", ShortName: "Beta", LongName: "Beta Union", Number: 20, Founded: 1920, Ended: 1960,
		Dead: true, Replaced: true, Social: true, Accuracy: "Completely accurate", Notes: `dissolved, see "Beta"`, Line: 3}, bbb)
	assert.Equal(t, IGOYear{Year: 1941, Imputed: true, Accuracy: "", Line: 109}, d.IGO("CCC").Years[1])
	assert.Equal(t, []int{1941, 1942, 1943, 1944, 1946}, d.IGO("CCC").Imputed)
	assert.Equal(t, "", d.IGO("CCC").Accuracy)
	assert.True(t, d.IGO("DDD").Integrated)
	assert.Nil(t, d.IGO("ddd"), "keys are case-sensitive")

	require.Len(t, d.States, 4)
	assert.Equal(t, []int{2, 255, 365, 704}, []int{d.States[0].Code, d.States[1].Code, d.States[2].Code, d.States[3].Code})
	gmy := d.State(255)
	assert.Equal(t, State{Code: 255, Abbrev: "GMY", Name: "Germany", Line: 3,
		Periods: []SystemPeriod{
			{Start: Date{1816, 1, 1}, End: &Date{1945, 5, 8}, Line: 3},
			{Start: Date{1990, 10, 3}, Line: 4},
		},
		Years: append(years(1816, 1945), years(1990, 2014)...),
	}, *gmy, "no country_codes row: no ISO codes and no names")
	uzb := d.State(704)
	assert.Equal(t, "UZ", uzb.Iso2)
	assert.Equal(t, "UZB", uzb.Iso3)
	assert.Equal(t, 860, uzb.Iso3N)
	assert.Equal(t, "Uzbekistan", uzb.EnglishName)
	assert.Equal(t, 4, uzb.CodesLine)
	assert.Equal(t, map[string]string{"en": "Uzbekistan"}, uzb.Names, "empty CLDR names are left out")
	assert.Equal(t, map[string]string{"en": "Russia", "ru": "Россия"}, d.State(365).Names)
	assert.Nil(t, d.State(3))
}

func years(a, b int) []int {
	var ys []int
	for y := a; y <= b; y++ {
		ys = append(ys, y)
	}
	return ys
}

func strs(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// A file whose rows of one (IGO, state) are out of order or split apart must give the same
// stints as the sorted one: the reader may not lean on derive.R's ordering.
func TestReadUnsortedRows(t *testing.T) {
	m := validFS(t)
	sorted, err := Read(m, "d", "d")
	require.NoError(t, err)

	lines := strings.Split(strings.TrimSuffix(text(t, m, FileStateIGOYear), "\n"), "\n")
	body := lines[1:]
	// Reverse all rows, so years run backwards and groups come in reverse key order.
	for i, j := 0, len(body)-1; i < j; i, j = i+1, j-1 {
		body[i], body[j] = body[j], body[i]
	}
	// And move one row of AAA/2 away from its group.
	moved := body[len(body)-3]
	body = append(body[:len(body)-3], body[len(body)-2:]...)
	body = append([]string{moved}, body...)
	put(t, m, FileStateIGOYear, lines[0]+"\n"+strings.Join(body, "\n")+"\n")

	d, err := Read(m, "d", "d")
	require.NoError(t, err)
	strip := func(ss []Stint) []Stint {
		out := append([]Stint(nil), ss...)
		for i := range out {
			out[i].Line, out[i].EndLine = 0, 0
		}
		return out
	}
	assert.Equal(t, strip(sorted.Stints), strip(d.Stints))
}

func TestReadProblems(t *testing.T) {
	const sig = FileStateIGOYear
	tests := []struct {
		name   string
		change func(t *testing.T, m fstest.MapFS)
		want   []string
	}{
		{
			name:   "missing file",
			change: func(t *testing.T, m fstest.MapFS) { delete(m, "d/"+FileStates) },
			want:   []string{"d/states.csv: missing file"},
		},
		{
			name: "malformed csv: bare quote",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, FileIGOs, strings.Replace(text(t, m, FileIGOs), `"Alpha",`, `"Al"pha",`, 1))
			},
			want: []string{`d/igos.csv:2:10: extraneous or missing " in quoted-field`},
		},
		{
			name: "malformed csv: wrong number of fields",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, FileStateYears, strings.Replace(text(t, m, FileStateYears), "2,1817\n", "2,1817,x\n", 1))
			},
			want: []string{"d/state_years.csv:3: row has 3 fields, want 2"},
		},
		{
			name: "wrong header",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, sig, strings.Replace(text(t, m, sig), "ioname,ccode,year,status", "ioname,ccode,yr,status", 1))
			},
			want: []string{"d/state_igo_year.csv.gz:1:14: header is ioname,ccode,yr,status, want ioname,ccode,year,status"},
		},
		{
			name: "wrong header: unknown extra column",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, FileCountryCodes, strings.Replace(text(t, m, FileCountryCodes), `"cldr.name.ru"`, `"notes"`, 1))
			},
			want: []string{`d/country_codes.csv:1:72: header is cown,cowc,iso2c,iso3c,iso3n,country.name.en,cldr.name.en,notes, want cown,cowc,iso2c,iso3c,iso3n,country.name.en,[cldr.name.*...]`},
		},
		{
			name:   "empty file",
			change: func(t *testing.T, m fstest.MapFS) { put(t, m, FileImputed, "") },
			want:   []string{"d/igo_years_imputed.csv:1: empty file, want header ioname,year"},
		},
		{
			name: "not gzip",
			change: func(t *testing.T, m fstest.MapFS) {
				m["d/"+sig] = &fstest.MapFile{Data: []byte("ioname,ccode,year,status\n")}
			},
			want: []string{"d/state_igo_year.csv.gz: not a gzip file: gzip: invalid header"},
		},
		{
			name: "not integers",
			change: func(t *testing.T, m fstest.MapFS) {
				s := text(t, m, sig)
				s = strings.Replace(s, "AAA,2,1951,1\n", "AAA,2,19x1,1\n", 1)
				s = strings.Replace(s, "AAA,2,1952,1\n", "AAA,2,1952,\n", 1)
				put(t, m, sig, s)
				put(t, m, FileIGOs, strings.Replace(text(t, m, FileIGOs), ",10,1950,", ",ten,1950,", 1))
			},
			want: []string{
				`d/igos.csv:2:42: ionum "ten" is not an integer`,
				`d/state_igo_year.csv.gz:3:7: year "19x1" is not an integer`,
				`d/state_igo_year.csv.gz:4:12: status is empty, want an integer`,
			},
		},
		{
			name: "not a 0/1 flag",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, FileIGOs, strings.Replace(text(t, m, FileIGOs), `,1950,,0,0,0,1,`, `,1950,,0,0,0,yes,`, 1))
			},
			want: []string{`d/igos.csv:2:57: political "yes" is not 0 or 1`},
		},
		{
			name: "unknown COW codes",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, sig, text(t, m, sig)+"AAA,999,1960,1\n")
				put(t, m, FileStateYears, text(t, m, FileStateYears)+"999,1960\n")
				put(t, m, FileCountryCodes, text(t, m, FileCountryCodes)+`999,"XXX","XX","XXX",999,"X","X","X"`+"\n")
			},
			want: []string{
				"d/country_codes.csv:5:1: COW code 999 has no state in states.csv",
				"d/state_igo_year.csv.gz:238:5: COW code 999 has no state in states.csv",
				"d/state_years.csv:579:1: COW code 999 has no state in states.csv",
			},
		},
		{
			name: "unknown IGO keys, case included",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, sig, text(t, m, sig)+"ZZZ,2,1960,1\naaa,2,1971,1\n")
				put(t, m, FileImputed, text(t, m, FileImputed)+"Aaa,1955\n")
			},
			want: []string{
				`d/igo_years_imputed.csv:8:1: IGO "Aaa" has no row in igos.csv`,
				`d/state_igo_year.csv.gz:238:1: IGO "ZZZ" has no row in igos.csv`,
				`d/state_igo_year.csv.gz:239:1: IGO "aaa" has no row in igos.csv`,
			},
		},
		{
			name: "status outside 1-3 and -9",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, sig, text(t, m, sig)+"AAA,2,1971,4\nAAA,2,1972,0\nAAA,2,1973,-1\nAAA,2,1974,-9\nAAA,2,1975,9\nAAA,2,1976,-8\n")
			},
			want: []string{
				"d/state_igo_year.csv.gz:238:12: status 4 is not 1 (member), 2 (associate), 3 (observer) or -9 (missing)",
				"d/state_igo_year.csv.gz:239:12: status 0 is not 1 (member), 2 (associate), 3 (observer) or -9 (missing)",
				"d/state_igo_year.csv.gz:240:12: status -1 is not 1 (member), 2 (associate), 3 (observer) or -9 (missing)",
				"d/state_igo_year.csv.gz:242:12: status 9 is not 1 (member), 2 (associate), 3 (observer) or -9 (missing)",
				"d/state_igo_year.csv.gz:243:12: status -8 is not 1 (member), 2 (associate), 3 (observer) or -9 (missing)",
			},
		},
		{
			name: "duplicate row with a missing year",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, sig, text(t, m, sig)+"AAA,2,1960,-9\nDDD,704,2008,-9\nDDD,704,2008,-9\n")
			},
			want: []string{
				"d/state_igo_year.csv.gz:238: duplicate row for IGO AAA, state 2, year 1960 (first at line 12)",
				"d/state_igo_year.csv.gz:240: duplicate row for IGO DDD, state 704, year 2008 (first at line 239)",
			},
		},
		{
			name:   "missing igo_years.csv",
			change: func(t *testing.T, m fstest.MapFS) { delete(m, "d/"+FileIGOYears) },
			want:   []string{"d/igo_years.csv: missing file"},
		},
		{
			name: "igo_years.csv: wrong header",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, FileIGOYears, strings.Replace(text(t, m, FileIGOYears), `"imputed",`, `"filled",`, 1))
			},
			want: []string{`d/igo_years.csv:1:17: header is ioname,year,filled,accuracyofpre1965membershipdates, want ioname,year,imputed,accuracyofpre1965membershipdates`},
		},
		{
			name: "igo_years.csv: bad rows",
			change: func(t *testing.T, m fstest.MapFS) {
				s := text(t, m, FileIGOYears)
				s = strings.Replace(s, `"AAA",1952,0,`, `"AAA",1952,2,`, 1)
				s = strings.Replace(s, `"AAA",1953,0,`, `"AAA",19x3,0,`, 1)
				s = strings.Replace(s, `"AAA",1954,0,`, `"AAA",1815,0,`, 1)
				s += `"ZZZ",1990,0,""` + "\n" + `"BBB",1930,0,"Completely accurate"` + "\n" + `"BBB",1919,0,"Completely accurate"` + "\n"
				put(t, m, FileIGOYears, s)
			},
			want: []string{
				`d/igo_years.csv:4:12: imputed "2" is not 0 or 1`,
				`d/igo_years.csv:5:7: year "19x3" is not an integer`,
				`d/igo_years.csv:6:7: year 1815 is outside 1816-2100`,
				`d/igo_years.csv:276:1: IGO "ZZZ" has no row in igos.csv`,
				`d/igo_years.csv:277:1: duplicate row for IGO BBB, year 1930 (first at line 77)`,
				`d/igo_years.csv:278:7: year 1919 is before IGO BBB was founded (1920)`,
			},
		},
		{
			name: "igo_years.csv and igo_years_imputed.csv disagree",
			change: func(t *testing.T, m fstest.MapFS) {
				s := text(t, m, FileIGOYears)
				s = strings.Replace(s, `"AAA",1951,1,`, `"AAA",1951,0,`, 1)
				s = strings.Replace(s, `"AAA",1952,0,`, `"AAA",1952,1,`, 1)
				put(t, m, FileIGOYears, s)
			},
			want: []string{
				"d/igo_years.csv:3:12: imputed is 0 but igo_years_imputed.csv lists IGO AAA, year 1951 (line 7)",
				"d/igo_years.csv:4:12: imputed is 1 but igo_years_imputed.csv has no row for IGO AAA, year 1952",
			},
		},
		{
			name: "an imputed IGO-year without a row in igo_years.csv",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, FileIGOYears, strings.Replace(text(t, m, FileIGOYears), `"CCC",1941,1,""`+"\n", "", 1))
			},
			want: []string{"d/igo_years_imputed.csv:2:1: IGO CCC, year 1941 has no row in igo_years.csv"},
		},
		{
			// A problem in igo_years_imputed.csv stops the comparison with it.
			name: "igo_years_imputed.csv with a problem is not compared",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, FileImputed, text(t, m, FileImputed)+"CCC,1941\nBBB,1930\n")
			},
			want: []string{"d/igo_years_imputed.csv:8:1: duplicate row for IGO CCC, year 1941 (first at line 2)"},
		},
		{
			name: "duplicate rows",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, sig, text(t, m, sig)+"AAA,2,1960,3\n")
				put(t, m, FileImputed, text(t, m, FileImputed)+"CCC,1941\n")
				put(t, m, FileCountryCodes, text(t, m, FileCountryCodes)+`2,"USA","US","USA",840,"US","US",""`+"\n")
			},
			want: []string{
				"d/country_codes.csv:5:1: second row for COW code 2 (first at line 2)",
				"d/igo_years_imputed.csv:8:1: duplicate row for IGO CCC, year 1941 (first at line 2)",
				"d/state_igo_year.csv.gz:238: duplicate row for IGO AAA, state 2, year 1960 (first at line 12)",
			},
		},
		{
			// A problem in a file that others refer to stops the checks against it, so
			// these two each hide the state_igo_year duplicate.
			name: "duplicate rows in referenced files",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, sig, text(t, m, sig)+"AAA,2,1960,3\n")
				put(t, m, FileStateYears, text(t, m, FileStateYears)+"704,1999\n")
				put(t, m, FileIGOs, text(t, m, FileIGOs)+`"AAA","Again","Again",70,1950,,0,0,0,0,0,0,"",""`+"\n")
			},
			want: []string{
				`d/igos.csv:8:1: second row for IGO "AAA" (first at line 2)`,
				"d/state_years.csv:579:1: duplicate row for state 704, year 1999 (first at line 563)",
			},
		},
		{
			name: "year outside the IGO's life or the data",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, sig, text(t, m, sig)+"AAA,2,1949,1\nAAA,2,1815,1\nAAA,2,20014,1\n")
			},
			want: []string{
				"d/state_igo_year.csv.gz:238:7: year 1949 is before IGO AAA was founded (1950)",
				"d/state_igo_year.csv.gz:239:7: year 1815 is outside 1816-2100",
				"d/state_igo_year.csv.gz:240:7: year 20014 is outside 1816-2100",
			},
		},
		{
			name: "IGO ends before it is founded",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, FileIGOs, strings.Replace(text(t, m, FileIGOs), `,1980,2010,`, `,1980,1970,`, 1))
			},
			want: []string{"d/igos.csv:6:41: deaddate 1970 is before sdate 1980"},
		},
		{
			name: "status in a year the state was not a state",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, sig, text(t, m, sig)+"BBB,255,1950,1\n")
			},
			want: []string{"d/state_igo_year.csv.gz:238:9: state 255 was not a state in 1950 (no row in state_years.csv)"},
		},
		{
			name: "impossible dates",
			change: func(t *testing.T, m fstest.MapFS) {
				s := text(t, m, FileStates)
				s = strings.Replace(s, "1990,10,3,2016,12,31", "1990,2,29,2016,12,31", 1)
				s = strings.Replace(s, "1991,12,21,2016,12,31", "1991,12,21,1991,13,1", 1)
				s = strings.Replace(s, "1816,1,1,1945,5,8", "1816,1,1,1815,5,8", 1)
				put(t, m, FileStates, s)
			},
			want: []string{
				"d/states.csv:3:30: end date 1815-05-08 is before start date 1816-01-01",
				"d/states.csv:4:21: impossible start date 1990-02-29",
				"d/states.csv:6:35: impossible end date 1991-13-01",
			},
		},
		{
			name: "one code, two names",
			change: func(t *testing.T, m fstest.MapFS) {
				put(t, m, FileStates, strings.Replace(text(t, m, FileStates), `255,"GMY","Germany",1990`, `255,"GFR","German Federal Republic",1990`, 1))
			},
			want: []string{`d/states.csv:4:5: state 255 is GFR "German Federal Republic" here but GMY "Germany" at line 3`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := validFS(t)
			tc.change(t, m)
			d, err := Read(m, "d", "d")
			require.Error(t, err)
			assert.Nil(t, d)
			var ps Problems
			require.ErrorAs(t, err, &ps)
			assert.Equal(t, tc.want, strs(ps))
			assert.Equal(t, strings.Join(tc.want, "\n"), err.Error())
		})
	}
}

// The fixture itself must read without problems, or every case above would pass for the
// wrong reason.
func TestFixtureIsClean(t *testing.T) {
	_, err := Read(validFS(t), "d", "d")
	require.NoError(t, err)
}

func TestBounds(t *testing.T) {
	w5 := &IGO{Founded: 1900, Accuracy: AccuracyWithin5}
	tests := []struct {
		name        string
		igo         *IGO
		first, last int
		want        [4]int // start earliest, start latest, end earliest, end latest
	}{
		{"exact accuracy", &IGO{Founded: 1900, Accuracy: "Completely accurate"}, 1920, 1930, [4]int{1920, 1920, 1930, 1930}},
		{"minor uncertainties count as exact", &IGO{Founded: 1900, Accuracy: "Completely accurate, except a few minor uncertainties"}, 1920, 1930, [4]int{1920, 1920, 1930, 1930}},
		{"within 5, both ends", w5, 1920, 1940, [4]int{1915, 1925, 1935, 1945}},
		{"1965 onward is exact", w5, 1965, 1990, [4]int{1965, 1965, 1990, 1990}},
		{"start clipped at 1965, end exact", w5, 1962, 1990, [4]int{1957, 1965, 1990, 1990}},
		{"end clipped at 1964", w5, 1930, 1962, [4]int{1925, 1935, 1957, 1964}},
		{"clipped at founding", w5, 1902, 1920, [4]int{1900, 1907, 1915, 1925}},
		{"clipped at 1816", &IGO{Founded: 1815, Accuracy: AccuracyWithin5}, 1816, 1830, [4]int{1816, 1821, 1825, 1835}},
		{"clipped at the end year", &IGO{Founded: 1900, Ended: 1933, Accuracy: AccuracyWithin5}, 1930, 1931, [4]int{1925, 1931, 1930, 1933}},
		{"one-year stint: start no later than last, end no earlier than first", w5, 1940, 1940, [4]int{1935, 1940, 1940, 1945}},
		{"no accuracy, imputed years are uncertain", &IGO{Founded: 1900, Imputed: []int{1921, 1944}}, 1921, 1944, [4]int{1916, 1926, 1939, 1949}},
		{"no accuracy, observed years are exact", &IGO{Founded: 1900, Imputed: []int{1921, 1944}}, 1920, 1945, [4]int{1920, 1920, 1945, 1945}},
		{"imputed years do not matter when the accuracy says exact", &IGO{Founded: 1900, Accuracy: "Completely accurate", Imputed: []int{1921}}, 1921, 1930, [4]int{1921, 1921, 1930, 1930}},
		{"year before founding stays inside its own range", w5, 1898, 1899, [4]int{1898, 1899, 1899, 1904}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			se, sl, ee, el := bounds(tc.igo, tc.first, tc.last)
			assert.Equal(t, tc.want, [4]int{se, sl, ee, el})
		})
	}
}

func TestProblemString(t *testing.T) {
	assert.Equal(t, "f:3:7: m", Problem{File: "f", Line: 3, Column: 7, Message: "m"}.String())
	assert.Equal(t, "f:3: m", Problem{File: "f", Line: 3, Message: "m"}.String())
	assert.Equal(t, "f: m", Problem{File: "f", Message: "m"}.String())
	assert.Equal(t, "a: x\nb:1:2: y", Problems{{File: "a", Message: "x"}, {File: "b", Line: 1, Column: 2, Message: "y"}}.Error())
}

// Files without quotes are split by hand, others by encoding/csv; both must agree on
// records and on lines, blank lines included (encoding/csv skips them but counts them).
func TestReadFastAndCSVPathsAgree(t *testing.T) {
	m := validFS(t)
	lines := strings.Split(text(t, m, FileStateIGOYear), "\n")
	blank := append(append(slices.Clone(lines[:10]), ""), lines[10:]...)
	put(t, m, FileStateIGOYear, strings.Join(blank, "\n"))
	fast, err := Read(m, "d", "d")
	require.NoError(t, err)

	put(t, m, FileStateIGOYear, strings.Join(blank, "\r\n"))
	slow, err := Read(m, "d", "d")
	require.NoError(t, err)
	assert.Equal(t, fast, slow)
	// Line 11 is blank, so AAA/2, on lines 2-22 before, now runs to line 23.
	assert.Equal(t, [2]int{2, 23}, [2]int{fast.Stints[0].Line, fast.Stints[0].EndLine})
}

// Files whose quotes only enclose whole fields (states, country_codes, igo_years) are split
// by hand too; with carriage returns the same text goes through encoding/csv. Both must give
// the same dataset, and the same problems at the same columns, quoted fields included.
func TestReadQuotedFilesFastAndCSVPathsAgree(t *testing.T) {
	crlf := func(t *testing.T, m fstest.MapFS) {
		for _, f := range []string{FileStates, FileCountryCodes, FileIGOYears} {
			put(t, m, f, strings.ReplaceAll(text(t, m, f), "\n", "\r\n"))
		}
	}
	fast := validFS(t)
	slow := validFS(t)
	crlf(t, slow)
	a, err := Read(fast, "d", "d")
	require.NoError(t, err)
	b, err := Read(slow, "d", "d")
	require.NoError(t, err)
	assert.Equal(t, a, b)

	broken := func(t *testing.T, m fstest.MapFS) {
		put(t, m, FileIGOYears, strings.Replace(text(t, m, FileIGOYears), `"AAA",1952,0,`, `"AAA",1952,x,`, 1)+`"ZZZ",1990,0,""`+"\n")
		put(t, m, FileCountryCodes, strings.Replace(text(t, m, FileCountryCodes), `365,"RUS","RU","RUS",643,`, `365,"RUS","RU","RUS",6x3,`, 1))
		put(t, m, FileStates, strings.Replace(text(t, m, FileStates), `"Russia",1816,1,1,`, `"Russia",1816,13,1,`, 1))
	}
	fast, slow = validFS(t), validFS(t)
	broken(t, fast)
	broken(t, slow)
	crlf(t, slow)
	_, errFast := Read(fast, "d", "d")
	_, errSlow := Read(slow, "d", "d")
	require.Error(t, errFast)
	assert.Equal(t, errSlow, errFast)
	assert.Equal(t, strings.Join([]string{
		`d/country_codes.csv:3:22: iso3n "6x3" is not an integer`,
		`d/igo_years.csv:4:12: imputed "x" is not 0 or 1`,
		`d/igo_years.csv:276:1: IGO "ZZZ" has no row in igos.csv`,
		`d/states.csv:5:20: impossible start date 1816-13-01`,
	}, "\n"), errFast.Error())
}

// A quote that does not enclose a whole field sends the file to encoding/csv, which
// reports what is wrong with it.
func TestReadQuotesThatNeedEncodingCSV(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"quote inside an unquoted field", `"AAA",1952,0,`, `"AAA",19"52,0,`, `d/igo_years.csv:4:9: bare " in non-quoted-field`},
		{"text after a closing quote", `"AAA",1952,0,`, `"AAA"x,1952,0,`, `d/igo_years.csv:4:5: extraneous or missing " in quoted-field`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := validFS(t)
			put(t, m, FileIGOYears, strings.Replace(text(t, m, FileIGOYears), tc.from, tc.to, 1))
			_, err := Read(m, "d", "d")
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
	// An escaped quote inside a quoted field is read as encoding/csv reads it.
	m := validFS(t)
	put(t, m, FileIGOYears, strings.Replace(text(t, m, FileIGOYears), `"AAA",1952,0,"Within 5 years"`, `"AAA",1952,0,"Within ""5"" years"`, 1))
	d, err := Read(m, "d", "d")
	require.NoError(t, err)
	assert.Equal(t, `Within "5" years`, d.IGO("AAA").AccuracyIn(1952))
}

// With more IGOs than a flat table of IGO-years is made for, duplicates are still found.
func TestReadManyIGOs(t *testing.T) {
	m := validFS(t)
	igos, years := text(t, m, FileIGOs), text(t, m, FileIGOYears)
	var ib, yb strings.Builder
	ib.WriteString(igos)
	yb.WriteString(years)
	for i := range flatIGOs {
		fmt.Fprintf(&ib, "\"X%d\",\"X\",\"X\",%d,2000,,0,0,0,0,0,0,\"\",\"\"\n", i, 1000+i)
		fmt.Fprintf(&yb, "\"X%d\",2000,0,\"\"\n", i)
	}
	yb.WriteString(`"X7",2000,0,""` + "\n")
	put(t, m, FileIGOs, ib.String())
	put(t, m, FileIGOYears, yb.String())
	_, err := Read(m, "d", "d")
	require.Error(t, err)
	assert.Equal(t, fmt.Sprintf("d/igo_years.csv:%d:1: duplicate row for IGO X7, year 2000 (first at line %d)", 276+flatIGOs, 276+7), err.Error())
}
