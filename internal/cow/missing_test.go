package cow

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rowsOf writes the rows of one IGO and state for the years a..b with status st.
func rowsOf(igo string, state, a, b, st int) string {
	var sb strings.Builder
	for y := a; y <= b; y++ {
		fmt.Fprintf(&sb, "%s,%d,%d,%d\n", igo, state, y, st)
	}
	return sb.String()
}

// readRows reads the fixture with state_igo_year replaced by the given rows.
func readRows(t *testing.T, m fstest.MapFS, rows ...string) *Dataset {
	t.Helper()
	put(t, m, FileStateIGOYear, "ioname,ccode,year,status\n"+strings.Join(rows, ""))
	d, err := Read(m, "d", "d")
	require.NoError(t, err)
	return d
}

// withoutLines drops the lines, which the cases below do not look at.
func withoutLines(ss []Stint) []Stint {
	if len(ss) == 0 {
		return nil
	}
	out := make([]Stint, len(ss))
	for i, s := range ss {
		s.Line, s.EndLine = 0, 0
		out[i] = s
	}
	return out
}

func runsWithoutLines(us []UnknownRun) []UnknownRun {
	if len(us) == 0 {
		return nil
	}
	out := make([]UnknownRun, len(us))
	for i, u := range us {
		u.Line, u.EndLine = 0, 0
		out[i] = u
	}
	return out
}

// TestReadMissingYears folds rows with COW's missing data (-9) into stints. AAA is alive
// at the data's end (2014); its years from 1965 on are exact, those before "Within 5
// years". DDD ended in 2005.
func TestReadMissingYears(t *testing.T) {
	const (
		m1 = int(Member)
		ob = int(Observer)
		na = int(Missing)
	)
	tests := []struct {
		name     string
		rows     []string
		want     []Stint
		unknowns []UnknownRun
	}{
		{
			name: "a gap of only missing years joins one stint",
			rows: []string{rowsOf("AAA", 2, 1970, 1975, m1), rowsOf("AAA", 2, 1976, 1978, na), rowsOf("AAA", 2, 1979, 1985, m1)},
			want: []Stint{{IGO: "AAA", State: 2, Status: Member, First: 1970, Last: 1985, StateYears: 13,
				StartEarliest: 1970, StartLatest: 1970, EndEarliest: 1985, EndLatest: 1985, Unknown: []int{1976, 1977, 1978}}},
		},
		{
			name: "several missing gaps in one stint",
			rows: []string{rowsOf("AAA", 2, 1970, 1970, m1), rowsOf("AAA", 2, 1971, 1971, na), rowsOf("AAA", 2, 1972, 1973, m1),
				rowsOf("AAA", 2, 1974, 1975, na), rowsOf("AAA", 2, 1976, 1976, m1)},
			want: []Stint{{IGO: "AAA", State: 2, Status: Member, First: 1970, Last: 1976, StateYears: 4,
				StartEarliest: 1970, StartLatest: 1970, EndEarliest: 1976, EndLatest: 1976, Unknown: []int{1971, 1974, 1975}}},
		},
		{
			name: "a year without a row between missing years and the status ends the stint",
			rows: []string{rowsOf("AAA", 2, 1970, 1975, m1), rowsOf("AAA", 2, 1976, 1976, na), rowsOf("AAA", 2, 1978, 1980, m1)},
			want: []Stint{
				{IGO: "AAA", State: 2, Status: Member, First: 1970, Last: 1975, StateYears: 6,
					StartEarliest: 1970, StartLatest: 1970, EndEarliest: 1975, EndLatest: 1976, Unknown: []int{1976}},
				{IGO: "AAA", State: 2, Status: Member, First: 1978, Last: 1980, StateYears: 3,
					StartEarliest: 1978, StartLatest: 1978, EndEarliest: 1980, EndLatest: 1980},
			},
		},
		{
			name: "a start right after missing years may lie in any of them",
			rows: []string{rowsOf("AAA", 2, 1970, 1973, na), rowsOf("AAA", 2, 1974, 1980, m1)},
			want: []Stint{{IGO: "AAA", State: 2, Status: Member, First: 1974, Last: 1980, StateYears: 7,
				StartEarliest: 1970, StartLatest: 1974, EndEarliest: 1980, EndLatest: 1980, Unknown: []int{1970, 1971, 1972, 1973}}},
		},
		{
			name: "an end right before missing years may lie in any of them",
			rows: []string{rowsOf("AAA", 2, 1970, 1980, m1), rowsOf("AAA", 2, 1981, 1983, na)},
			want: []Stint{{IGO: "AAA", State: 2, Status: Member, First: 1970, Last: 1980, StateYears: 11,
				StartEarliest: 1970, StartLatest: 1970, EndEarliest: 1980, EndLatest: 1983, Unknown: []int{1981, 1982, 1983}}},
		},
		{
			name: "a change of role across missing years: both stints list them",
			rows: []string{rowsOf("AAA", 2, 1970, 1975, m1), rowsOf("AAA", 2, 1976, 1977, na), rowsOf("AAA", 2, 1978, 1990, ob)},
			want: []Stint{
				{IGO: "AAA", State: 2, Status: Member, First: 1970, Last: 1975, StateYears: 6,
					StartEarliest: 1970, StartLatest: 1970, EndEarliest: 1975, EndLatest: 1977, Unknown: []int{1976, 1977}},
				{IGO: "AAA", State: 2, Status: Observer, First: 1978, Last: 1990, StateYears: 13,
					StartEarliest: 1976, StartLatest: 1978, EndEarliest: 1990, EndLatest: 1990, Unknown: []int{1976, 1977}},
			},
		},
		{
			name: "open when followed only by missing years up to the data's last year",
			rows: []string{rowsOf("AAA", 2, 2000, 2010, m1), rowsOf("AAA", 2, 2011, 2014, na)},
			want: []Stint{{IGO: "AAA", State: 2, Status: Member, First: 2000, Last: 2010, StateYears: 11, Open: true,
				StartEarliest: 2000, StartLatest: 2000, EndEarliest: 2010, EndLatest: 2014, Unknown: []int{2011, 2012, 2013, 2014}}},
		},
		{
			name: "open after a missing gap",
			rows: []string{rowsOf("AAA", 2, 2000, 2005, m1), rowsOf("AAA", 2, 2006, 2007, na), rowsOf("AAA", 2, 2008, 2014, m1)},
			want: []Stint{{IGO: "AAA", State: 2, Status: Member, First: 2000, Last: 2014, StateYears: 13, Open: true,
				StartEarliest: 2000, StartLatest: 2000, EndEarliest: 2014, EndLatest: 2014, Unknown: []int{2006, 2007}}},
		},
		{
			name: "not open when the missing years stop before the data's last year",
			rows: []string{rowsOf("AAA", 2, 2000, 2010, m1), rowsOf("AAA", 2, 2011, 2013, na)},
			want: []Stint{{IGO: "AAA", State: 2, Status: Member, First: 2000, Last: 2010, StateYears: 11,
				StartEarliest: 2000, StartLatest: 2000, EndEarliest: 2010, EndLatest: 2013, Unknown: []int{2011, 2012, 2013}}},
		},
		{
			name: "not open in an IGO that ended, missing years to its end or not",
			rows: []string{rowsOf("DDD", 704, 1995, 2000, m1), rowsOf("DDD", 704, 2001, 2005, na)},
			want: []Stint{{IGO: "DDD", State: 704, Status: Member, First: 1995, Last: 2000, StateYears: 6,
				StartEarliest: 1995, StartLatest: 1995, EndEarliest: 2000, EndLatest: 2005, Unknown: []int{2001, 2002, 2003, 2004, 2005}}},
		},
		{
			name: "missing years in no stint's span are unknown runs",
			rows: []string{
				rowsOf("AAA", 2, 1970, 1972, na), rowsOf("AAA", 2, 1974, 1980, m1), // 1973 has no row
				rowsOf("AAA", 2, 1990, 1991, na), rowsOf("AAA", 2, 1993, 1993, na),
				rowsOf("AAA", 365, 1980, 1984, na), // only ever missing
				rowsOf("DDD", 2, 2000, 2005, na),
			},
			want: []Stint{{IGO: "AAA", State: 2, Status: Member, First: 1974, Last: 1980, StateYears: 7,
				StartEarliest: 1974, StartLatest: 1974, EndEarliest: 1980, EndLatest: 1980}},
			unknowns: []UnknownRun{
				{IGO: "AAA", State: 2, First: 1970, Last: 1972},
				{IGO: "AAA", State: 2, First: 1990, Last: 1991},
				{IGO: "AAA", State: 2, First: 1993, Last: 1993},
				{IGO: "AAA", State: 365, First: 1980, Last: 1984},
				{IGO: "DDD", State: 2, First: 2000, Last: 2005},
			},
		},
		{
			name: "missing years inside an approximate start's range belong to the stint",
			// AAA's 1954 is "Within 5 years": the start may lie from 1950 (its founding) to
			// 1959, and the missing 1951 lies in that range though 1952-1953 have no row.
			rows: []string{rowsOf("AAA", 2, 1950, 1950, na), rowsOf("AAA", 2, 1951, 1951, na), rowsOf("AAA", 2, 1954, 1970, m1)},
			want: []Stint{{IGO: "AAA", State: 2, Status: Member, First: 1954, Last: 1970, StateYears: 17,
				StartEarliest: 1950, StartLatest: 1959, EndEarliest: 1970, EndLatest: 1970, Unknown: []int{1950, 1951}}},
		},
		{
			name: "an approximate start after missing years takes the wider of the two ranges",
			rows: []string{rowsOf("AAA", 365, 1950, 1957, na), rowsOf("AAA", 365, 1958, 1970, m1)},
			want: []Stint{{IGO: "AAA", State: 365, Status: Member, First: 1958, Last: 1970, StateYears: 13,
				StartEarliest: 1950, StartLatest: 1963, EndEarliest: 1970, EndLatest: 1970, Unknown: years(1950, 1957)}},
		},
		{
			name: "an approximate end before missing years past 1964",
			rows: []string{rowsOf("AAA", 365, 1955, 1960, m1), rowsOf("AAA", 365, 1961, 1968, na)},
			want: []Stint{{IGO: "AAA", State: 365, Status: Member, First: 1955, Last: 1960, StateYears: 6,
				StartEarliest: 1950, StartLatest: 1960, EndEarliest: 1955, EndLatest: 1968, Unknown: years(1961, 1968)}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := readRows(t, validFS(t), tc.rows...)
			assert.Equal(t, tc.want, withoutLines(d.Stints))
			assert.Equal(t, tc.unknowns, runsWithoutLines(d.Unknowns))
			// Every missing row is in a stint's Unknown years or in an unknown run.
			missing := 0
			for _, r := range tc.rows {
				missing += strings.Count(r, ",-9\n")
			}
			type cell struct {
				igo         string
				state, year int
			}
			seen := map[cell]bool{}
			for _, s := range d.Stints {
				for _, y := range s.Unknown {
					seen[cell{s.IGO, s.State, y}] = true
				}
			}
			for _, u := range d.Unknowns {
				for _, y := range u.Years() {
					seen[cell{u.IGO, u.State, y}] = true
				}
			}
			assert.Len(t, seen, missing)
		})
	}
}

// The lines of a stint are those of its first and last row with the status; those of an
// unknown run its own first and last row.
func TestReadMissingYearsLines(t *testing.T) {
	d := readRows(t, validFS(t),
		rowsOf("AAA", 2, 1970, 1971, int(Missing)),   // lines 2-3
		rowsOf("AAA", 2, 1972, 1974, int(Member)),    // lines 4-6
		rowsOf("AAA", 2, 1975, 1975, int(Missing)),   // line 7
		rowsOf("AAA", 2, 1976, 1977, int(Member)),    // lines 8-9
		rowsOf("AAA", 2, 1980, 1982, int(Missing)),   // lines 10-12
		rowsOf("AAA", 365, 1990, 1990, int(Missing)), // line 13
	)
	require.Len(t, d.Stints, 1)
	assert.Equal(t, [2]int{4, 9}, [2]int{d.Stints[0].Line, d.Stints[0].EndLine})
	assert.Equal(t, []UnknownRun{
		{IGO: "AAA", State: 2, First: 1980, Last: 1982, Line: 10, EndLine: 12},
		{IGO: "AAA", State: 365, First: 1990, Last: 1990, Line: 13, EndLine: 13},
	}, d.Unknowns)
	assert.Equal(t, []int{1980, 1981, 1982}, d.Unknowns[0].Years())
}

// Missing rows after an IGO's end year are kept and reported like other late rows.
func TestReadMissingYearsAfterTheEnd(t *testing.T) {
	d := readRows(t, validFS(t), rowsOf("DDD", 704, 2004, 2005, int(Member)), rowsOf("DDD", 704, 2006, 2007, int(Missing)), rowsOf("DDD", 704, 2008, 2008, int(Member)))
	assert.Contains(t, strs(d.Anomalies), "d/state_igo_year.csv.gz:4:9: IGO DDD ended in 2005 but state 704 has rows without data (status -9) in 2006-2007 (2 rows, to line 5)")
	assert.Contains(t, strs(d.Anomalies), "d/state_igo_year.csv.gz:6:9: IGO DDD ended in 2005 but state 704 has a status in 2008 (1 rows, to line 6)")
	require.Len(t, d.Stints, 1)
	assert.Equal(t, [2]int{2004, 2008}, [2]int{d.Stints[0].First, d.Stints[0].Last})
}

// setAccuracy gives the IGO-years a..b of key the accuracy acc in igo_years.csv.
func setAccuracy(t *testing.T, m fstest.MapFS, key string, a, b int, acc string) {
	t.Helper()
	lines := strings.Split(text(t, m, FileIGOYears), "\n")
	for i, l := range lines {
		for y := a; y <= b; y++ {
			prefix := fmt.Sprintf("%q,%d,", key, y)
			if strings.HasPrefix(l, prefix) {
				f := strings.SplitN(l, ",", 4)
				lines[i] = strings.Join(f[:3], ",") + "," + fmt.Sprintf("%q", acc)
			}
		}
	}
	put(t, m, FileIGOYears, strings.Join(lines, "\n"))
}

// The uncertainty rule reads the accuracy of the boundary year itself. Here AAA's years
// 1950-1954 are "Within 5 years" and its later ones "Completely accurate", while igos.csv
// calls the whole IGO "Within 5 years" (its last year's value).
func TestReadPerYearAccuracy(t *testing.T) {
	m := validFS(t)
	setAccuracy(t, m, "AAA", 1955, 2014, "Completely accurate")
	// 1960 has no accuracy and is not imputed; 1961 has none and is.
	setAccuracy(t, m, "AAA", 1960, 1961, "")
	put(t, m, FileIGOYears, strings.Replace(text(t, m, FileIGOYears), `"AAA",1961,0,`, `"AAA",1961,1,`, 1))
	put(t, m, FileImputed, text(t, m, FileImputed)+"AAA,1961\n")

	d := readRows(t, m,
		rowsOf("AAA", 2, 1952, 1953, int(Member)),     // start and end in approximate years
		rowsOf("AAA", 2, 1956, 1958, int(Observer)),   // both in accurate years
		rowsOf("AAA", 2, 1961, 1963, int(Member)),     // start in an imputed year without accuracy
		rowsOf("AAA", 365, 1954, 1957, int(Member)),   // approximate start, accurate end
		rowsOf("AAA", 365, 1960, 1962, int(Observer)), // start in a year without accuracy, not imputed
	)
	ig := d.IGO("AAA")
	assert.Equal(t, AccuracyWithin5, ig.Accuracy, "igos.csv's value is kept as it is")
	assert.Equal(t, AccuracyWithin5, ig.AccuracyIn(1954))
	assert.Equal(t, "Completely accurate", ig.AccuracyIn(1955))
	assert.Equal(t, "", ig.AccuracyIn(1960))
	assert.Equal(t, AccuracyWithin5, ig.AccuracyIn(2050), "a year without a row falls back on igos.csv")
	assert.True(t, ig.Uncertain(1953))
	assert.False(t, ig.Uncertain(1955))
	assert.False(t, ig.Uncertain(1960), "no accuracy and not imputed")
	assert.True(t, ig.Uncertain(1961), "no accuracy and imputed")

	assert.Equal(t, []Stint{
		{IGO: "AAA", State: 2, Status: Member, First: 1952, Last: 1953, StateYears: 2,
			StartEarliest: 1950, StartLatest: 1953, EndEarliest: 1952, EndLatest: 1958},
		{IGO: "AAA", State: 2, Status: Observer, First: 1956, Last: 1958, StateYears: 3,
			StartEarliest: 1956, StartLatest: 1956, EndEarliest: 1958, EndLatest: 1958},
		{IGO: "AAA", State: 2, Status: Member, First: 1961, Last: 1963, StateYears: 3,
			StartEarliest: 1956, StartLatest: 1963, EndEarliest: 1963, EndLatest: 1963},
		{IGO: "AAA", State: 365, Status: Member, First: 1954, Last: 1957, StateYears: 4,
			StartEarliest: 1950, StartLatest: 1957, EndEarliest: 1957, EndLatest: 1957},
		{IGO: "AAA", State: 365, Status: Observer, First: 1960, Last: 1962, StateYears: 3,
			StartEarliest: 1960, StartLatest: 1960, EndEarliest: 1962, EndLatest: 1962},
	}, withoutLines(d.Stints))
}
