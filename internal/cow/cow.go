// Package cow reads the Correlates of War (COW) Intergovernmental Organizations dataset,
// version 3.0, from the plain CSV files that seeds/cow-igo-v3/derive.R makes of it, so that
// the knowledge graph can hold a second, independent source of who belonged to which
// organization and when, next to the curated seeds.
//
// The dataset is annual: one row per organization (IGO), state and year with a status
// (full member, associate, observer), or with COW's -9 for a year in which it does not
// know the state's status. Read folds those rows into stints: runs of years in which one
// state held one status in one IGO. A year without a row (no membership), or a row with
// another status, ends the run; missing years (-9) do not. They are unknown, not "not a
// member":
//   - runs of one status separated only by missing years are one stint, and the missing
//     years inside it are listed in its Unknown years;
//   - a stint that starts right after missing years may have started in any of them: the
//     earliest year of its start reaches back to the first of them; a stint that ends right
//     before missing years may have ended in any of them: the latest year of its end
//     reaches forward to the last of them. Those years are listed in its Unknown years too,
//     and the same missing years can belong to the end of one stint and the start of the
//     next (a change of status across them);
//   - a stint whose status runs up to the data's last year, or is followed only by missing
//     years up to it, is Open, in an IGO that had not ended by then;
//   - every missing year inside a stint's possible span (StartEarliest to EndLatest) is in
//     its Unknown years; the missing years of a state in an IGO that lie in no stint's span
//     (such as a state for which COW knows nothing in an IGO) are Dataset.Unknowns, in runs
//     of consecutive years.
//
// # Uncertain boundaries
//
// Before 1965 COW looked at membership only every fifth year and filled in the years in
// between, so an early first or last year of a stint may be off. COW records for each
// IGO-year how much to trust its membership (igo_years.csv): an IGO's early years can be
// "Within 5 years" and its later ones "Completely accurate", so the rule reads the accuracy
// of the boundary year itself, not the IGO's single value in igos.csv (which is only that of
// its last year, and is used for a year igo_years.csv has no row for). Read treats a
// boundary year Y (a stint's First or Last) as uncertain when Y is before 1965 and either
// Y's accuracy is "Within 5 years", or Y has no accuracy at all and is one of the years COW
// filled in for the IGO (igo_years_imputed.csv, which must agree with igo_years.csv's
// imputed column). Accuracies that call the years accurate, and years from 1965 on, keep a
// boundary exact.
//
// An uncertain boundary widens to Y-5 .. Y+5, then is narrowed by what is known for sure:
//   - no boundary lies before the IGO's founding year or before 1816, nor after its end year;
//   - a start lies no later than 1965 (from then on every year was observed, so a stint seen
//     in 1965 had begun by then) and no later than the stint's own last year;
//   - an end lies no earlier than the stint's first year and no later than 1964 (a stint
//     whose last year is before 1965 was seen to be over by 1965).
//
// Missing years next to a boundary then widen it as above (a start's earliest year back to
// the first missing year before it, an end's latest year forward to the last missing year
// after it), whatever the accuracy.
//
// An exact boundary has Earliest = Latest = the year. Should the clipping ever leave Y
// itself outside the range (only possible with a year outside the IGO's life, which is
// reported), the range is stretched to include Y, so that Earliest <= Y <= Latest always.
//
// # Problems and anomalies
//
// Input that cannot be right (a malformed CSV, a wrong header, a non-number, a reference to
// a state or IGO that is not there, a status other than 1-3 or -9, a duplicate row, an
// impossible date, a state-year outside the state's years, an imputed IGO-year that the two
// files that list them disagree on) makes Read fail with Problems, every one of them,
// placed at file:line:column. Data that is odd but that the real dataset does have is kept
// and listed in Dataset.Anomalies instead: rows after the IGO's end year, and an end year
// on an IGO that is not marked dead (or the reverse).
package cow

import (
	"cmp"
	"slices"
	"sort"
)

// Status is a state's standing in an IGO in a year, with COW's codes.
type Status int

// The statuses the dataset keeps; COW's other codes (no membership, IGO not in existence)
// are left out of the CSV files, so a year without a row means no status.
const (
	Member    Status = 1  // full member
	Associate Status = 2  // associate member
	Observer  Status = 3  // observer
	Missing   Status = -9 // missing data: COW does not know the state's status that year
)

// String names the status in lower case, as used in messages.
func (s Status) String() string {
	switch s {
	case Member:
		return "member"
	case Associate:
		return "associate"
	case Observer:
		return "observer"
	case Missing:
		return "missing"
	}
	return "status(" + itoa(int(s)) + ")"
}

// Accuracy values that the uncertainty rule looks at.
const (
	// AccuracyWithin5 marks an IGO-year whose membership, before 1965, may be off by up to
	// five years.
	AccuracyWithin5 = "Within 5 years"
	// ObservedFrom is the first year that COW observed every year rather than every fifth.
	ObservedFrom = 1965
	// FirstYear is the first year of the dataset.
	FirstYear = 1816
)

// Dataset is the whole of COW IGO v3.0 as read from the CSV files.
type Dataset struct {
	States    []State   // one per COW code, ordered by code
	IGOs      []IGO     // one per IGO key, in igos.csv order
	Stints    []Stint   // ordered by IGO key (byte order), state code, first year
	Anomalies []Problem // odd but kept data, ordered by file and line
	LastYear  int       // the last year of the data (2014), the highest year in state_igo_year or state_years
	// Unknowns are the runs of missing years (status -9) that lie in no stint's possible
	// span, ordered like Stints.
	Unknowns []UnknownRun
}

// Date is a calendar date from states.csv. Month and Day are 0 when not known.
type Date struct{ Year, Month, Day int }

// State is a COW state (ccode) with its state-system periods, ISO codes and names.
type State struct {
	Code        int               // COW code (ccode)
	Abbrev      string            // COW abbreviation (stateabb)
	Name        string            // COW name (statenme)
	Periods     []SystemPeriod    // membership of the state system, in states.csv order
	Iso2        string            // ISO 3166-1 alpha-2; "" when none
	Iso3        string            // ISO 3166-1 alpha-3; "" when none
	Iso3N       int               // ISO 3166-1 numeric; 0 when none
	EnglishName string            // country_codes.csv country.name.en; "" when no row
	Names       map[string]string // CLDR names by language tag ("en", "ru", ...), non-empty only; nil when none
	Years       []int             // every year it was a state (state_years.csv), sorted
	Line        int               // line of its first row in states.csv
	CodesLine   int               // line of its row in country_codes.csv; 0 when none
}

// SystemPeriod is one stretch of a state's membership of the state system.
type SystemPeriod struct {
	Start Date
	End   *Date // nil when states.csv gives 2016-12-31, its way of saying "still a state"
	Line  int   // line in states.csv
}

// IGO is one organization from igos.csv.
type IGO struct {
	Key        string // ioname, the key used by the other files
	ShortName  string // orgname
	LongName   string // longorgname
	Number     int    // ionum, COW's number
	Founded    int    // sdate
	Ended      int    // deaddate; 0 when alive at the end of the data
	Dead       bool
	Integrated bool // folded into another IGO
	Replaced   bool // succeeded by another IGO
	Political  bool
	Social     bool
	Economic   bool
	// Accuracy is accuracyofpre1965membershipdates as written, "" when empty: the value of
	// the IGO's last year. Each year's own is in Years (see AccuracyIn).
	Accuracy string
	Notes    string    // sourcesandnotes
	Imputed  []int     // years whose membership COW filled in (igo_years_imputed.csv), sorted
	Years    []IGOYear // the IGO's rows of igo_years.csv, sorted by year
	Line     int       // line in igos.csv
}

// IGOYear is one row of igo_years.csv: a year of an IGO as COW records it.
type IGOYear struct {
	Year     int
	Imputed  bool   // COW filled the year's membership in between observations
	Accuracy string // accuracyofpre1965membershipdates of that year as written; "" when empty
	Line     int    // line in igo_years.csv
}

// Stint is a run of years in which one state held one status in one IGO, unbroken but for
// years without data (see the package doc).
type Stint struct {
	IGO    string // IGO key
	State  int    // COW code
	Status Status
	First  int // first year with this status
	Last   int // last year with this status
	// StateYears is the number of state-years (rows) with the status in the stint:
	// Last-First+1 less the missing years between First and Last.
	StateYears int
	// Open says the stint runs to the data's last year, or is followed only by missing years
	// up to it, in an IGO that had not ended by then: its end is not a leaving date.
	Open bool
	// The range in which the start and the end may really lie; see the package doc.
	StartEarliest, StartLatest int
	EndEarliest, EndLatest     int
	// Unknown lists, in order, the missing years (status -9) from StartEarliest to
	// EndLatest: those between First and Last, and those next to either end in which the
	// stint may have started or ended. Nil when there are none.
	Unknown []int
	Line    int // line in state_igo_year.csv of its first row with the status
	EndLine int // line in state_igo_year.csv of its last row with the status
}

// UnknownRun is a run of consecutive years in which COW does not know a state's status in
// an IGO (status -9) and that lies in no stint's possible span.
type UnknownRun struct {
	IGO         string // IGO key
	State       int    // COW code
	First, Last int    // the run's first and last year
	Line        int    // line in state_igo_year.csv of its first row
	EndLine     int    // line in state_igo_year.csv of its last row
}

// Years lists the run's years in order.
func (u UnknownRun) Years() []int {
	ys := make([]int, 0, u.Last-u.First+1)
	for y := u.First; y <= u.Last; y++ {
		ys = append(ys, y)
	}
	return ys
}

// AccuracyIn is COW's accuracy of the IGO's membership in year y, as written: that year's
// own (igo_years.csv), or the IGO's (igos.csv) for a year without a row there.
func (ig *IGO) AccuracyIn(y int) string {
	if i, found := slices.BinarySearchFunc(ig.Years, y, func(r IGOYear, y int) int { return cmp.Compare(r.Year, y) }); found {
		return ig.Years[i].Accuracy
	}
	return ig.Accuracy
}

// Uncertain applies the package's rule for whether a boundary year may be off.
func (ig *IGO) Uncertain(y int) bool {
	if y >= ObservedFrom {
		return false
	}
	switch ig.AccuracyIn(y) {
	case AccuracyWithin5:
		return true
	case "":
		_, found := slices.BinarySearch(ig.Imputed, y)
		return found
	}
	return false
}

// bounds works out the Earliest/Latest ranges of a stint's start and end from the accuracy
// of its first and last year.
func bounds(ig *IGO, first, last int) (se, sl, ee, el int) {
	se, sl, ee, el = first, first, last, last
	lo := max(ig.Founded, FirstYear)
	hi := int(^uint(0) >> 1)
	if ig.Ended > 0 {
		hi = ig.Ended
	}
	if ig.Uncertain(first) {
		se = max(first-5, lo)
		sl = min(first+5, hi, ObservedFrom, last)
		se, sl = min(se, first), max(sl, first)
	}
	if ig.Uncertain(last) {
		ee = max(last-5, lo, first)
		el = min(last+5, hi, ObservedFrom-1)
		ee, el = min(ee, last), max(el, last)
	}
	return se, sl, ee, el
}

// stintBounds is bounds widened by the missing years next to the stint: lead is the first
// of the missing years right before first (first when there are none), trail the last of
// those right after last (last when there are none).
func stintBounds(ig *IGO, first, last, lead, trail int) (se, sl, ee, el int) {
	se, sl, ee, el = bounds(ig, first, last)
	return min(se, lead), sl, ee, max(el, trail)
}

// stateIndex finds a state by COW code in the code-ordered slice.
func stateIndex(states []State, code int) (int, bool) {
	i := sort.Search(len(states), func(i int) bool { return states[i].Code >= code })
	return i, i < len(states) && states[i].Code == code
}

// State returns the state with the given COW code, or nil.
func (d *Dataset) State(code int) *State {
	if i, ok := stateIndex(d.States, code); ok {
		return &d.States[i]
	}
	return nil
}

// IGO returns the IGO with the given key, or nil.
func (d *Dataset) IGO(key string) *IGO {
	for i := range d.IGOs {
		if d.IGOs[i].Key == key {
			return &d.IGOs[i]
		}
	}
	return nil
}

// StintsOf returns the stints of one IGO (a sub-slice of Stints).
func (d *Dataset) StintsOf(key string) []Stint {
	i := sort.Search(len(d.Stints), func(i int) bool { return d.Stints[i].IGO >= key })
	j := i
	for j < len(d.Stints) && d.Stints[j].IGO == key {
		j++
	}
	return d.Stints[i:j]
}
