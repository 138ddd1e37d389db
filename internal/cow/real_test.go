package cow

import (
	"cmp"
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// realDir is the shipped copy of the dataset, relative to the repository's seeds folder.
const realDir = "cow-igo-v3"

var realData struct {
	once sync.Once
	d    *Dataset
	err  error
}

// readReal reads the real dataset once for all tests; none of them changes it.
func readReal(t *testing.T) *Dataset {
	t.Helper()
	realData.once.Do(func() { realData.d, realData.err = Read(os.DirFS("../../seeds"), realDir, "seeds/"+realDir) })
	require.NoError(t, realData.err)
	return realData.d
}

// rawRow is one row of state_igo_year, read here without the package's code.
type rawRow struct {
	igo            string
	state, year, s int
}

// rawCSV reads a file of the real dataset with encoding/csv, checks its header and returns
// its records.
func rawCSV(t *testing.T, file string, header ...string) [][]string {
	t.Helper()
	f, err := os.Open(path.Join("../../seeds", realDir, file))
	require.NoError(t, err)
	defer f.Close()
	var src io.Reader = f
	if strings.HasSuffix(file, ".gz") {
		zr, err := gzip.NewReader(f)
		require.NoError(t, err)
		src = zr
	}
	recs, err := csv.NewReader(src).ReadAll()
	require.NoError(t, err)
	require.Equal(t, header, recs[0], file)
	return recs[1:]
}

func atoiT(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

func rawStateIGOYears(t *testing.T) []rawRow {
	t.Helper()
	var rows []rawRow
	for _, rec := range rawCSV(t, FileStateIGOYear, "ioname", "ccode", "year", "status") {
		rows = append(rows, rawRow{rec[0], atoiT(t, rec[1]), atoiT(t, rec[2]), atoiT(t, rec[3])})
	}
	return rows
}

// rawIGO is what the uncertainty rule needs of an IGO, read here without the package's code.
type rawIGO struct {
	founded, ended int
	accuracy       string         // igos.csv's, for years without a row in igo_years.csv
	years          map[int]string // accuracy by year, from igo_years.csv
	imputed        map[int]bool   // from igo_years_imputed.csv
}

func rawIGOs(t *testing.T) map[string]*rawIGO {
	t.Helper()
	out := map[string]*rawIGO{}
	for _, rec := range rawCSV(t, FileIGOs, headerIGOs...) {
		ig := &rawIGO{founded: atoiT(t, rec[4]), accuracy: rec[12], years: map[int]string{}, imputed: map[int]bool{}}
		if rec[5] != "" {
			ig.ended = atoiT(t, rec[5])
		}
		out[rec[0]] = ig
	}
	for _, rec := range rawCSV(t, FileIGOYears, "ioname", "year", "imputed", "accuracyofpre1965membershipdates") {
		out[rec[0]].years[atoiT(t, rec[1])] = rec[3]
	}
	for _, rec := range rawCSV(t, FileImputed, "ioname", "year") {
		out[rec[0]].imputed[atoiT(t, rec[1])] = true
	}
	return out
}

// uncertain is the package doc's rule for a boundary year, written out afresh.
func (ig *rawIGO) uncertain(y int) bool {
	acc, ok := ig.years[y]
	if !ok {
		acc = ig.accuracy
	}
	return y < 1965 && (acc == "Within 5 years" || (acc == "" && ig.imputed[y]))
}

// expectStints works out, from one (IGO, state)'s raw rows by year, the stints the package
// doc describes and the missing years in none of their spans.
func expectStints(ig *rawIGO, key string, state int, byYear map[int]int, lastYear int) ([]Stint, []int) {
	ys := make([]int, 0, len(byYear))
	for y := range byYear {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	var out []Stint
	for _, y := range ys {
		st := byYear[y]
		if st == -9 {
			continue
		}
		if n := len(out); n > 0 && int(out[n-1].Status) == st {
			// Joined when every year between is present and missing.
			cur := &out[n-1]
			gap := true
			for z := cur.Last + 1; z < y; z++ {
				if s, ok := byYear[z]; !ok || s != -9 {
					gap = false
				}
			}
			if gap {
				cur.Last = y
				cur.StateYears++
				continue
			}
		}
		out = append(out, Stint{IGO: key, State: state, Status: Status(st), First: y, Last: y, StateYears: 1})
	}
	hi := 1 << 30
	if ig.ended != 0 {
		hi = ig.ended
	}
	for i := range out {
		s := &out[i]
		lead, trail := s.First, s.Last
		for byYear[lead-1] == -9 {
			lead--
		}
		for byYear[trail+1] == -9 {
			trail++
		}
		s.Open = trail == lastYear && (ig.ended == 0 || ig.ended > lastYear)
		s.StartEarliest, s.StartLatest, s.EndEarliest, s.EndLatest = s.First, s.First, s.Last, s.Last
		if ig.uncertain(s.First) {
			s.StartEarliest = min(max(s.First-5, ig.founded, 1816), s.First)
			s.StartLatest = max(min(s.First+5, hi, 1965, s.Last), s.First)
		}
		if ig.uncertain(s.Last) {
			s.EndEarliest = min(max(s.Last-5, ig.founded, 1816, s.First), s.Last)
			s.EndLatest = max(min(s.Last+5, hi, 1964), s.Last)
		}
		s.StartEarliest = min(s.StartEarliest, lead)
		s.EndLatest = max(s.EndLatest, trail)
		for _, y := range ys {
			if byYear[y] == -9 && s.StartEarliest <= y && y <= s.EndLatest {
				s.Unknown = append(s.Unknown, y)
			}
		}
	}
	var orphans []int
	for _, y := range ys {
		if byYear[y] != -9 {
			continue
		}
		in := false
		for _, s := range out {
			in = in || (s.StartEarliest <= y && y <= s.EndLatest)
		}
		if !in {
			orphans = append(orphans, y)
		}
	}
	return out, orphans
}

func TestRealDataset(t *testing.T) {
	d := readReal(t)
	rows := rawStateIGOYears(t)

	assert.Len(t, d.IGOs, 534)
	assert.Equal(t, 2014, d.LastYear)
	// The README's 217 states are the states of states.csv (and of state_years.csv);
	// 210 of them have a status in some IGO.
	assert.Len(t, d.States, 217)
	withRows := map[int]bool{}
	for _, s := range d.Stints {
		withRows[s.State] = true
	}
	assert.Len(t, withRows, 210)

	// The README's counts: 677,839 rows, 138,874 of them missing data; 917 IGO-years in
	// which COW knows no member at all.
	require.Len(t, rows, 677839)
	missing := 0
	type igoYearKey struct {
		igo  string
		year int
	}
	known := map[igoYearKey]bool{} // whether COW knows some state's status that IGO-year
	for _, r := range rows {
		k := igoYearKey{r.igo, r.year}
		if r.s != -9 {
			known[k] = true
			continue
		}
		missing++
		if _, seen := known[k]; !seen {
			known[k] = false
		}
	}
	assert.Equal(t, 138874, missing)
	blind := 0
	for _, k := range known {
		if !k {
			blind++
		}
	}
	assert.Equal(t, 917, blind)

	total := 0
	for _, s := range d.Stints {
		total += s.StateYears
	}
	assert.Equal(t, 677839-138874, total, "every row with a status is in one stint")

	// Per IGO and status, the state-years of the raw file equal those summed over stints.
	type igoStatus struct {
		igo string
		s   int
	}
	rawCount := map[igoStatus]int{}
	for _, r := range rows {
		if r.s != -9 {
			rawCount[igoStatus{r.igo, r.s}]++
		}
	}
	stintCount := map[igoStatus]int{}
	for _, s := range d.Stints {
		stintCount[igoStatus{s.IGO, int(s.Status)}] += s.StateYears
	}
	assert.Equal(t, rawCount, stintCount)

	// Per (IGO, state), the stints, their unknown years and the missing years in no stint,
	// worked out straight from the raw files.
	type pair struct {
		igo   string
		state int
	}
	igos := rawIGOs(t)
	byPair := map[pair]map[int]int{}
	for _, r := range rows {
		p := pair{r.igo, r.state}
		if byPair[p] == nil {
			byPair[p] = map[int]int{}
		}
		byPair[p][r.year] = r.s
	}
	gotStints := map[pair][]Stint{}
	for _, s := range d.Stints {
		p := pair{s.IGO, s.State}
		s.Line, s.EndLine = 0, 0
		gotStints[p] = append(gotStints[p], s)
	}
	gotOrphans := map[pair][]int{}
	for _, u := range d.Unknowns {
		p := pair{u.IGO, u.State}
		gotOrphans[p] = append(gotOrphans[p], u.Years()...)
	}
	onlyMissing, orphanYears, unknownYears := 0, 0, 0
	for p, byYear := range byPair {
		want, orphans := expectStints(igos[p.igo], p.igo, p.state, byYear, 2014)
		require.Equal(t, want, gotStints[p], "%v", p)
		require.Equal(t, orphans, gotOrphans[p], "%v", p)
		if len(want) == 0 {
			onlyMissing++
		}
		orphanYears += len(orphans)
	}
	for _, s := range d.Stints {
		unknownYears += len(s.Unknown)
	}
	assert.Len(t, gotStints, len(byPair)-onlyMissing, "no pair has stints that the raw rows do not")
	assert.Equal(t, 15608, onlyMissing, "pairs with only missing rows")
	// Each missing year is in a stint or an unknown run; a year in two stints (a change of
	// role across it) is counted twice, so the sum is at least the number of missing rows.
	assert.GreaterOrEqual(t, unknownYears+orphanYears, 138874)

	// Unknown runs are runs of consecutive years, in the documented order.
	for _, u := range d.Unknowns {
		require.LessOrEqual(t, u.First, u.Last, "%+v", u)
		require.Equal(t, u.Line+u.Last-u.First, u.EndLine, "rows of a run are consecutive lines: %+v", u)
	}
	assert.True(t, slices.IsSortedFunc(d.Unknowns, func(a, b UnknownRun) int {
		return cmp.Or(strings.Compare(a.IGO, b.IGO), cmp.Compare(a.State, b.State), cmp.Compare(a.First, b.First))
	}))

	// Stints are in the documented order and well formed.
	assert.True(t, slices.IsSortedFunc(d.Stints, func(a, b Stint) int {
		if c := strings.Compare(a.IGO, b.IGO); c != 0 {
			return c
		}
		if a.State != b.State {
			return a.State - b.State
		}
		return a.First - b.First
	}))
	for _, s := range d.Stints {
		inside := 0
		for _, y := range s.Unknown {
			if s.First < y && y < s.Last {
				inside++
			}
		}
		require.Equal(t, s.Last-s.First+1-inside, s.StateYears, "%+v", s)
		require.True(t, s.StartEarliest <= s.First && s.First <= s.StartLatest, "%+v", s)
		require.True(t, s.EndEarliest <= s.Last && s.Last <= s.EndLatest, "%+v", s)
		require.Equal(t, s.Line+s.Last-s.First, s.EndLine, "rows of a stint are consecutive lines: %+v", s)
	}
}

// COW knows no member of AMCOW in 2003-2007: its 43 members of 2002 are all members again
// in 2008, each in one stint through those years; the 9 that join in 2008 may have joined
// in any of them; and the other states' missing years there are unknown runs.
func TestRealMissingData(t *testing.T) {
	d := readReal(t)
	gap := []int{2003, 2004, 2005, 2006, 2007}
	from2002, from2008 := 0, 0
	for _, s := range d.StintsOf("AMCOW") {
		require.Equal(t, Member, s.Status, "%+v", s)
		require.True(t, s.Open, "%+v", s)
		require.Equal(t, 2014, s.Last, "%+v", s)
		switch s.First {
		case 2002:
			from2002++
			assert.Equal(t, gap, s.Unknown, "%+v", s)
			assert.Equal(t, 13-5, s.StateYears, "%+v", s)
			assert.Equal(t, [2]int{2002, 2002}, [2]int{s.StartEarliest, s.StartLatest}, "%+v", s)
		case 2008:
			from2008++
			assert.Equal(t, gap, s.Unknown, "%+v", s)
			assert.Equal(t, [2]int{2003, 2008}, [2]int{s.StartEarliest, s.StartLatest}, "%+v", s)
		default:
			t.Errorf("unexpected AMCOW stint %+v", s)
		}
	}
	assert.Equal(t, 43, from2002)
	assert.Equal(t, 9, from2008)
	others := 0
	for _, u := range d.Unknowns {
		if u.IGO == "AMCOW" {
			others++
			assert.Equal(t, 2007, u.Last, "%+v", u)
			assert.True(t, u.First == 2003 || u.State == 341, "only Montenegro, a state from 2006, starts later: %+v", u)
		}
	}
	assert.Equal(t, 192-52, others, "states with rows for AMCOW but no stint")

	// COW knows nothing of the AAAID's members before 1985: Algeria, a member from 1985,
	// may have joined in any year from its founding in 1976.
	var alg []Stint
	for _, s := range d.StintsOf("AAAID") {
		if s.State == 615 {
			alg = append(alg, s)
		}
	}
	require.Len(t, alg, 1)
	assert.Equal(t, [4]int{1985, 2014, 1976, 1985}, [4]int{alg[0].First, alg[0].Last, alg[0].StartEarliest, alg[0].StartLatest})
	assert.Equal(t, years(1976, 1984), alg[0].Unknown)
	assert.True(t, alg[0].Open)
}

// igo_years.csv gives each IGO-year its own accuracy: 30 IGOs have years "Within 5 years"
// and years "Completely accurate".
func TestRealPerYearAccuracy(t *testing.T) {
	d := readReal(t)
	igos := rawIGOs(t)
	mixed := 0
	for i := range d.IGOs {
		ig := &d.IGOs[i]
		raw := igos[ig.Key]
		require.Len(t, ig.Years, len(raw.years), ig.Key)
		has := map[string]bool{}
		for _, y := range ig.Years {
			require.Equal(t, raw.years[y.Year], y.Accuracy, "%s %d", ig.Key, y.Year)
			require.Equal(t, raw.imputed[y.Year], y.Imputed, "%s %d", ig.Key, y.Year)
			require.Equal(t, y.Accuracy, ig.AccuracyIn(y.Year))
			has[y.Accuracy] = true
		}
		if has[AccuracyWithin5] && has["Completely accurate"] {
			mixed++
		}
	}
	assert.Equal(t, 30, mixed)

	// The CMEA's early years are "Within 5 years", its later ones accurate, though igos.csv
	// calls the whole of it accurate: a start in 1949 is approximate, one in 1954 is not.
	cmea := d.IGO("CMEA")
	require.NotNil(t, cmea)
	assert.Equal(t, "Completely accurate", cmea.Accuracy)
	assert.True(t, cmea.Uncertain(1949))
	assert.False(t, cmea.Uncertain(1954))
	early, later := 0, 0
	for _, s := range d.StintsOf("CMEA") {
		switch {
		case s.First <= 1953:
			early++
			assert.Less(t, s.StartEarliest, s.StartLatest, "%+v", s)
		case s.First < 1965:
			later++
			assert.Equal(t, s.StartEarliest, s.StartLatest, "%+v", s)
		}
	}
	assert.Positive(t, early)
	assert.Positive(t, later)
}

func TestRealKnownShapes(t *testing.T) {
	d := readReal(t)

	// COW has Uzbekistan a full member of the CSTO 2002-2011, with no gap.
	var uzb []Stint
	for _, s := range d.StintsOf("CSTO") {
		if s.State == 704 {
			uzb = append(uzb, s)
		}
	}
	require.Len(t, uzb, 1)
	assert.Equal(t, Member, uzb[0].Status)
	assert.Equal(t, [2]int{2002, 2011}, [2]int{uzb[0].First, uzb[0].Last})
	assert.False(t, uzb[0].Open)

	// The SCO includes the Shanghai Five years: its stints start no earlier than 1996,
	// and the five founders' start then.
	sco := d.StintsOf("SCO")
	require.NotEmpty(t, sco)
	from1996 := map[int]bool{}
	for _, s := range sco {
		assert.GreaterOrEqual(t, s.First, 1996)
		if s.First == 1996 {
			from1996[s.State] = true
		}
	}
	assert.Equal(t, map[int]bool{365: true, 702: true, 703: true, 705: true, 710: true}, from1996)

	// 23 states have no ISO 3166-1 code, among them the two Germanies and Yugoslavia 345.
	var noISO []int
	for _, s := range d.States {
		if s.Iso3 == "" {
			noISO = append(noISO, s.Code)
		}
	}
	assert.Len(t, noISO, 23)
	assert.Subset(t, noISO, []int{260, 265, 300, 315, 345, 347, 678, 680, 730, 817})
	assert.Equal(t, "RU", d.State(365).Iso2)
	assert.Equal(t, "Россия", d.State(365).Names["ru"])

	// A state with several state-system periods, one of them still open.
	gmy := d.State(255)
	require.Len(t, gmy.Periods, 2)
	assert.NotNil(t, gmy.Periods[0].End)
	assert.Nil(t, gmy.Periods[1].End)

	// The keys of the IGOs the graph cares about.
	for _, k := range []string{"CSTO", "CIS", "SCO", "EAEC", "UN", "NATO", "EU", "OSCE", "COE"} {
		assert.NotNil(t, d.IGO(k), k)
	}
}

// The real data's odd but kept rows, pinned so that a change in the data or the checks
// shows up here: the Francophone agency ACCT has members after its 2005 end year, and two
// IGOs have an end year without being marked dead.
func TestRealAnomalies(t *testing.T) {
	d := readReal(t)
	late, rows, deadFlag := 0, 0, 0
	for _, a := range d.Anomalies {
		switch {
		case strings.HasPrefix(a.Message, "IGO ACCT ended in 2005 but state "):
			late++
			i := strings.Index(a.Message, "(")
			n, err := strconv.Atoi(strings.Fields(a.Message[i+1:])[0])
			require.NoError(t, err)
			rows += n
		case a.Message == "IGO IRU has deaddate 1968 but dead is 0", a.Message == "IGO ITC has deaddate 1990 but dead is 0":
			deadFlag++
		default:
			t.Errorf("unexpected anomaly %s", a)
		}
	}
	assert.Equal(t, 622, rows, "ACCT rows after 2005")
	assert.Equal(t, 76, late, "ACCT runs after 2005: one per state, 76 states, none with a gap")
	assert.Equal(t, 2, deadFlag)
}
