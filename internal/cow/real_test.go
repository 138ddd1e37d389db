package cow

import (
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

func rawStateIGOYears(t *testing.T) []rawRow {
	t.Helper()
	f, err := os.Open(path.Join("../../seeds", realDir, FileStateIGOYear))
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	cr := csv.NewReader(zr)
	hdr, err := cr.Read()
	require.NoError(t, err)
	require.Equal(t, []string{"ioname", "ccode", "year", "status"}, hdr)
	var rows []rawRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		n := make([]int, 3)
		for i := range n {
			n[i], err = strconv.Atoi(rec[i+1])
			require.NoError(t, err)
		}
		rows = append(rows, rawRow{rec[0], n[0], n[1], n[2]})
	}
	return rows
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

	require.Len(t, rows, 538965)
	total := 0
	for _, s := range d.Stints {
		total += s.StateYears
	}
	assert.Equal(t, 538965, total)

	// Per IGO and status, the state-years of the raw file equal those summed over stints.
	type igoStatus struct {
		igo string
		s   int
	}
	rawCount := map[igoStatus]int{}
	for _, r := range rows {
		rawCount[igoStatus{r.igo, r.s}]++
	}
	stintCount := map[igoStatus]int{}
	for _, s := range d.Stints {
		stintCount[igoStatus{s.IGO, int(s.Status)}] += s.StateYears
	}
	assert.Equal(t, rawCount, stintCount)

	// Per (IGO, state), the number of stints is the number of maximal runs of
	// consecutive years with one status, counted straight from the raw rows.
	type pair struct {
		igo   string
		state int
	}
	byPair := map[pair][]rawRow{}
	for _, r := range rows {
		byPair[pair{r.igo, r.state}] = append(byPair[pair{r.igo, r.state}], r)
	}
	rawRuns := map[pair]int{}
	for p, rs := range byPair {
		slices.SortFunc(rs, func(a, b rawRow) int { return a.year - b.year })
		runs := 1
		for i := 1; i < len(rs); i++ {
			if rs[i].year != rs[i-1].year+1 || rs[i].s != rs[i-1].s {
				runs++
			}
		}
		rawRuns[p] = runs
	}
	stintRuns := map[pair]int{}
	for _, s := range d.Stints {
		stintRuns[pair{s.IGO, s.State}]++
	}
	assert.Equal(t, rawRuns, stintRuns)

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
		require.Equal(t, s.Last-s.First+1, s.StateYears, "%+v", s)
		require.True(t, s.StartEarliest <= s.First && s.First <= s.StartLatest, "%+v", s)
		require.True(t, s.EndEarliest <= s.Last && s.Last <= s.EndLatest, "%+v", s)
		require.Equal(t, s.Line+s.StateYears-1, s.EndLine, "rows of a stint are consecutive lines: %+v", s)
	}
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
