package timeline

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// What the sources state about when a stint held, as the charts read it: kg.Span, with the
// words its tooltips use. A side the sources leave unbounded (kg.OpenStart, kg.OpenEnd) is
// never a date on the axis: an undated start is not "since forever", and an open end is
// "still so when the source last looked", not "for ever".

// stintSpan is the span a bar is drawn from: the stint's own (for a stint as one source
// states it, that source's). A stint built without one (all zero, which no source states)
// gets the merge of its claims' spans, or the span of its own dates.
func stintSpan(m *kg.Membership) kg.Span {
	if !zeroSpan(m.Span) {
		return m.Span
	}
	if len(m.Claims) > 0 {
		spans := make([]kg.Span, len(m.Claims))
		for i := range m.Claims {
			spans[i] = m.Claims[i].Span()
		}
		return kg.Merge(spans)
	}
	return kg.SpanOf(kg.Boundary{Date: m.Start, Bounds: m.StartBounds}, kg.Boundary{Date: m.End, Bounds: m.EndBounds}, m.AsOf, nil)
}

func zeroSpan(s kg.Span) bool {
	return s.StartLo == 0 && s.StartHi == 0 && s.EndLo == 0 && s.EndHi == 0 && len(s.Unknown) == 0
}

func sameSpan(a, b kg.Span) bool {
	if a.StartLo != b.StartLo || a.StartHi != b.StartHi || a.EndLo != b.EndLo || a.EndHi != b.EndHi || len(a.Unknown) != len(b.Unknown) {
		return false
	}
	for i := range a.Unknown {
		if a.Unknown[i] != b.Unknown[i] {
			return false
		}
	}
	return true
}

// span is a kg.Span in fractional years, as drawn: the start falls in [startLo, startHi],
// the end in [endLo, endHi]; an unbounded side is -Inf (startLo, endLo) or +Inf (startHi,
// endHi). unknown are the years without data.
type span struct {
	startLo, startHi float64
	endLo, endHi     float64
	unknown          []int
}

func yearsOf(s kg.Span) span {
	sp := span{startLo: math.Inf(-1), startHi: math.Inf(1), endLo: math.Inf(-1), endHi: math.Inf(1), unknown: s.Unknown}
	if s.StartLo > kg.OpenStart {
		sp.startLo = years(s.StartLo)
	}
	if s.StartHi < kg.OpenEnd {
		sp.startHi = endOf(s.StartHi)
	}
	if s.EndLo > kg.OpenStart {
		sp.endLo = years(s.EndLo)
	}
	if s.EndHi < kg.OpenEnd {
		sp.endHi = endOf(s.EndHi)
	}
	return sp
}

// anchors are the earliest and latest of the span's bounded sides; ok is false when the
// sources bound none of them (nothing places the stint in time).
func (sp span) anchors() (first, last float64, ok bool) {
	first, last = math.Inf(1), math.Inf(-1)
	for _, t := range []float64{sp.startLo, sp.startHi, sp.endLo, sp.endHi} {
		if !math.IsInf(t, 0) {
			first, last, ok = math.Min(first, t), math.Max(last, t), true
		}
	}
	return first, last, ok
}

// openStart and openEnd say whether a side is unbounded: the start may be any time before
// startHi, the end any time after endLo.
func (sp span) openStart() bool { return math.IsInf(sp.startLo, -1) }
func (sp span) openEnd() bool   { return math.IsInf(sp.endHi, 1) }

// sortKey orders stints: by the earliest day they may have begun when the sources bound it,
// else by the latest, else (nothing dated) after every dated stint.
func sortKey(s kg.Span) int {
	switch {
	case s.StartLo > kg.OpenStart:
		return s.StartLo
	case s.StartHi < kg.OpenEnd:
		return s.StartHi
	case s.EndLo > kg.OpenStart:
		return s.EndLo
	case s.EndHi < kg.OpenEnd:
		return s.EndHi
	}
	return kg.OpenEnd + 1
}

// claimDates says when a claim's stint held, as its source states it, and what is unknown:
// "1994 to 1999", "2013 onwards (still so in 2014; later unknown)", "start unknown (not
// before 2015) to 2020", "1962 (between 1962 and 1965) to 1970 (no data 1963–1964)".
func claimDates(c *kg.MembershipClaim) string {
	start := boundary(c.Start, c.StartRange, c.StartBounds, "start")
	switch b := c.EndBounds; {
	case c.End == nil && b == nil:
		return joinDates(start, c.Start != nil, "", horizon(c.AsOf), c.UnknownYears)
	case c.End == nil && b.NotAfter == nil && b.NotBefore != nil:
		return joinDates(start, c.Start != nil, "", "end unknown, not before "+b.NotBefore.ISO(), c.UnknownYears)
	}
	return joinDates(start, c.Start != nil, boundary(c.End, c.EndRange, c.EndBounds, "end"), "", c.UnknownYears)
}

// joinDates writes a stint's dates from its start, whether that is a date, and its end, or
// for an open end what is known of it: "1994 to 1999", "2013 onwards (still so in 2014;
// later unknown)", "start unknown; still so on 2020-02-18; later unknown", with the years
// without data last ("no data 2003–2007").
func joinDates(start string, dated bool, end, open string, unknown []int) string {
	var notes []string
	if len(unknown) > 0 {
		notes = append(notes, "no data "+yearList(unknown))
	}
	var s string
	switch {
	case open == "" && strings.HasPrefix(end, "end unknown"):
		s = start + ", " + end
	case open == "":
		s = start + " to " + end
	case dated:
		s = start + " onwards"
		notes = append([]string{open}, notes...)
	default:
		return strings.Join(append([]string{start, open}, notes...), "; ")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}

// boundary says one side of a claim: its date ("1994", "1962 (between 1962 and 1965)") or,
// when the source gives none, that it is unknown and within which bounds.
func boundary(d *kg.PartialDate, r *kg.YearRange, b *kg.DateBounds, what string) string {
	if d != nil {
		if r != nil && (r.Earliest != d.Year || r.Latest != d.Year) {
			return fmt.Sprintf("%s (between %d and %d)", d.ISO(), r.Earliest, r.Latest)
		}
		return d.ISO()
	}
	s := what + " unknown"
	if b == nil {
		return s
	}
	switch {
	case b.NotBefore != nil && b.NotAfter != nil:
		return s + " (between " + b.NotBefore.ISO() + " and " + b.NotAfter.ISO() + ")"
	case b.NotBefore != nil:
		return s + " (not before " + b.NotBefore.ISO() + ")"
	case b.NotAfter != nil:
		return s + " (not after " + b.NotAfter.ISO() + ")"
	}
	return s
}

// horizon says what an open end means: still so when the source last looked, unknown after.
func horizon(asOf *kg.PartialDate) string {
	if asOf != nil {
		on := "in"
		if asOf.Precision() == kg.PrecisionDay {
			on = "on"
		}
		return "still so " + on + " " + asOf.ISO() + "; later unknown"
	}
	return "end unknown: the source does not say when it last looked"
}

// spanDates says when a stint held as its sources together state it (the span drawn), in
// the words of claimDates; claims give the dates of the horizon of an open end.
func spanDates(s kg.Span, claims []kg.MembershipClaim) string {
	var start string
	dated := false
	switch {
	case s.StartLo <= kg.OpenStart && s.StartHi >= kg.OpenEnd:
		start = "start unknown"
	case s.StartLo <= kg.OpenStart:
		start = "start unknown (not after " + upper(s.StartHi) + ")"
	case s.StartHi >= kg.OpenEnd:
		start = "start unknown (not before " + lower(s.StartLo) + ")"
	default:
		start, dated = window(s.StartLo, s.StartHi, true), true
	}
	if s.EndHi < kg.OpenEnd {
		end := window(s.EndLo, s.EndHi, false)
		if s.EndLo <= kg.OpenStart {
			end = "end unknown (not after " + upper(s.EndHi) + ")"
		}
		return joinDates(start, dated, end, "", s.Unknown)
	}
	var open string
	switch asOf := horizonOf(s, claims); {
	case asOf != nil:
		open = horizon(asOf)
	case s.EndLo > max(s.StartLo, kg.OpenStart):
		open = "end unknown, not before " + lower(s.EndLo)
	default:
		open = horizon(nil)
	}
	return joinDates(start, dated, "", open, s.Unknown)
}

// horizonOf is the last date the source observed whose open end gives the span's earliest
// end, or nil.
func horizonOf(s kg.Span, claims []kg.MembershipClaim) *kg.PartialDate {
	for i := range claims {
		c := &claims[i]
		if c.End == nil && c.EndBounds == nil && c.AsOf != nil && c.AsOf.First() == s.EndLo {
			return c.AsOf
		}
	}
	return nil
}

// window writes the days lo..hi (YYYYMMDD) that a boundary may fall on as the date they make
// up ("1994", "2007-05", "1992-05-15"), or as the earliest (a start) or latest (an end) of
// them with the range, as the dataset's approximate years are written: "2002 (between 2002
// and 2006-06-23)".
func window(lo, hi int, start bool) string {
	switch {
	case lo == hi:
		return dayISO(lo)
	case lo/10000 == hi/10000 && lo%10000 == 101 && hi%10000 == 1231:
		return strconv.Itoa(lo / 10000)
	case lo/100 == hi/100 && lo%100 == 1 && isMonthEnd(hi):
		return dayISO(lo)[:7]
	}
	d := upper(hi)
	if start {
		d = lower(lo)
	}
	return d + " (between " + lower(lo) + " and " + upper(hi) + ")"
}

// lower writes a day that opens a range at the coarsest precision that names it: the first
// of January as its year, the first of a month as the month.
func lower(n int) string {
	switch {
	case n%10000 == 101:
		return strconv.Itoa(n / 10000)
	case n%100 == 1:
		return dayISO(n)[:7]
	}
	return dayISO(n)
}

// upper writes a day that closes a range the same way: the 31st of December as its year,
// the last day of a month as the month.
func upper(n int) string {
	switch {
	case n%10000 == 1231:
		return strconv.Itoa(n / 10000)
	case isMonthEnd(n):
		return dayISO(n)[:7]
	}
	return dayISO(n)
}

func isMonthEnd(n int) bool {
	return n == (kg.PartialDate{Year: n / 10000, Month: n / 100 % 100}).Last()
}

func dayISO(n int) string {
	return kg.PartialDate{Year: n / 10000, Month: n / 100 % 100, Day: n % 100}.ISO()
}

// yearList writes years, runs of consecutive years as ranges: "2003–2007, 2010".
func yearList(ys []int) string {
	ys = slices.Compact(slices.Sorted(slices.Values(ys)))
	var parts []string
	for i := 0; i < len(ys); {
		j := i
		for j+1 < len(ys) && ys[j+1] == ys[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(ys[i])+"–"+strconv.Itoa(ys[j]))
		} else {
			parts = append(parts, strconv.Itoa(ys[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
