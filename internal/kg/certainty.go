package kg

import (
	"io"
	"slices"
)

// Certainty says how sure the sources make it that a stint, a post or a name covers a date.
// Its values are the names of the public API's Certainty enum.
type Certainty string

// The certainties. A stint that certainly does not cover a date has no Certainty (nil).
const (
	// Known: on what its sources state, the stint must overlap the date's whole period.
	Known Certainty = "KNOWN"
	// Possible: the stint may overlap the date's period, but need not.
	Possible Certainty = "POSSIBLE"
)

// Certainties lists every Certainty value.
var Certainties = []Certainty{Known, Possible}

// UnmarshalGQL reads an enum value.
func (c *Certainty) UnmarshalGQL(v any) error { return unmarshalEnum(v, c, Certainties) }

// MarshalGQL writes an enum value.
func (c Certainty) MarshalGQL(w io.Writer) { marshalEnum(w, string(c)) }

// Admits reports whether an answer of certainty got passes a filter that asks for want:
// a filter for Known keeps only Known answers, a filter for Possible keeps both. A nil got
// (certainly not) never passes.
func (want Certainty) Admits(got *Certainty) bool {
	if got == nil {
		return false
	}
	return *got == Known || want == Possible
}

// CertaintyOr is the certainty an optional argument asks for: Known when it is not given.
func CertaintyOr(c *Certainty) Certainty {
	if c == nil {
		return Known
	}
	return *c
}

// DateBounds bound a date that a source does not give: it fell on or after NotBefore and on
// or before NotAfter. A nil side is unbounded. A post whose end the text never states, but
// whose holder is "former" by a dated passage, has an end with a NotAfter.
type DateBounds struct {
	NotBefore *PartialDate
	NotAfter  *PartialDate
}

// Contains reports whether the bounds admit every day of d.
func (b *DateBounds) Contains(d PartialDate) bool {
	return b == nil || ((b.NotBefore == nil || b.NotBefore.First() <= d.First()) && (b.NotAfter == nil || d.Last() <= b.NotAfter.Last()))
}

// Empty reports whether no day lies within the bounds (NotAfter wholly before NotBefore).
func (b *DateBounds) Empty() bool {
	return b != nil && b.NotBefore != nil && b.NotAfter != nil && b.NotAfter.Last() < b.NotBefore.First()
}

// Span is what the sources state about when a stint, a post or a name held, as day numbers
// (YYYYMMDD, see PartialDate.First): the earliest and latest day its start may fall on, the
// earliest and latest day its end may fall on, and the years inside it for which its source
// has no data. It is the one place the certainty rule reads.
type Span struct {
	StartLo, StartHi int
	EndLo, EndHi     int
	// Unknown lists, in order, the years for which the source has no data: the stint may
	// have been interrupted then.
	Unknown []int
}

// Boundary is one end of a stint or post as a source states it: a date at its own
// precision (nil when the source gives none), the years it may really be when the source
// calls it approximate, and the bounds the text sets on a date it does not give.
type Boundary struct {
	Date   *PartialDate
	Range  *YearRange
	Bounds *DateBounds
}

// window is the earliest and latest day the boundary may fall on; lo and hi stand in for an
// undated, unbounded side.
func (b Boundary) window(lo, hi int) (int, int) {
	if b.Date != nil {
		return widened(b.Date, b.Range)
	}
	if b.Bounds != nil {
		if b.Bounds.NotBefore != nil {
			lo = b.Bounds.NotBefore.First()
		}
		if b.Bounds.NotAfter != nil {
			hi = b.Bounds.NotAfter.Last()
		}
	}
	return lo, hi
}

// SpanOf works out the span of a stint or post from its boundaries as its source states
// them. An end that is neither dated nor bounded is open: the stint still held when the
// source last looked (asOf, nil when unknown), so it ended then or later. A start that is
// neither dated nor bounded may be any time before the end; but a stint still so at asOf
// had begun by then. Unknown years are kept in order, each once.
func SpanOf(start, end Boundary, asOf *PartialDate, unknown []int) Span {
	s := Span{}
	open := end.Date == nil && end.Bounds == nil
	s.EndLo, s.EndHi = end.window(OpenStart, OpenEnd)
	if open && asOf != nil {
		s.EndLo = asOf.First()
	}
	startHi := OpenEnd
	if open && asOf != nil {
		startHi = asOf.Last()
	}
	s.StartLo, s.StartHi = start.window(OpenStart, startHi)
	// A stint begins no later than it ends, and ends no earlier than it begins.
	s.StartHi = min(s.StartHi, s.EndHi)
	s.EndLo = max(s.EndLo, s.StartLo)
	if len(unknown) > 0 {
		s.Unknown = slices.Compact(slices.Sorted(slices.Values(unknown)))
	}
	return s
}

// Covers says how sure it is that the span overlaps the whole period d names: Known when
// its latest possible start is on or before the period's last day, its earliest possible end
// on or after the period's first day, and the period is not in a year without data; Possible
// when the two may overlap; nil when they certainly do not.
func (s Span) Covers(d PartialDate) *Certainty {
	return s.CoversRange(d.First(), d.Last())
}

// CoversPeriod is Covers for a range of dates (an open side unbounded).
func (s Span) CoversPeriod(p Period) *Certainty { return s.CoversRange(p.Lo(), p.Hi()) }

// CoversRange is Covers for the days lo..hi (YYYYMMDD numbers).
func (s Span) CoversRange(lo, hi int) *Certainty {
	if s.StartLo > hi || s.EndHi < lo {
		return nil
	}
	if s.StartHi <= hi && s.EndLo >= lo && s.someYearKnown(lo, hi) {
		return &certainKnown
	}
	return &certainPossible
}

var certainKnown, certainPossible = Known, Possible

// someYearKnown reports whether the days that the span certainly shares with lo..hi fall in
// at least one year the source has data for.
func (s Span) someYearKnown(lo, hi int) bool {
	if len(s.Unknown) == 0 {
		return true
	}
	from := max(min(s.StartHi, s.EndLo), lo) / 10000
	to := min(max(s.StartHi, s.EndLo), hi) / 10000
	for y := from; y <= to; y++ {
		if _, found := slices.BinarySearch(s.Unknown, y); !found {
			return true
		}
	}
	return false
}

// Merge is the span of one stint that several sources state, the preferred claim's span
// first (see PreferClaims). Each boundary is merged on its own:
//   - where the sources' windows for it share a day, they are consistent: the boundary lies
//     in every window, so in their intersection (a day one source gives narrows another's
//     "not after 2016"; a later horizon carries an open end further);
//   - where they share none, the sources disagree: the boundary may lie anywhere from the
//     earliest to the latest window. A start is certain from where the preferred (most
//     precise) source puts it, or another source does where no source starts it later (a
//     treaty's date against an organization's: the dispute says why); an end is certain
//     only up to the earliest end any source states (a list that still shows an observer
//     in 2021 does not make 2020 certain against a report that the status ended in 2017).
//
// A year one source has no data for stays unknown only when no other source certainly
// covers it.
func Merge(spans []Span) Span {
	if len(spans) == 0 {
		return Span{StartLo: OpenStart, StartHi: OpenEnd, EndLo: OpenStart, EndHi: OpenEnd}
	}
	pref := spans[0]
	out := pref
	out.Unknown = nil
	startLo, startHi, endLo, endHi := pref.StartLo, pref.StartHi, pref.EndLo, pref.EndHi
	for _, s := range spans[1:] {
		startLo, startHi = max(startLo, s.StartLo), min(startHi, s.StartHi)
		endLo, endHi = max(endLo, s.EndLo), min(endHi, s.EndHi)
	}
	// Where the windows disagree, the boundary may lie in any of them. The start is certain
	// from where the preferred source puts it, or another source does where no source starts
	// it later (startLo, as the loop left it, is the latest start any source allows); the end
	// is certain only up to the earliest end any source states (endHi).
	if startLo <= startHi {
		out.StartLo, out.StartHi = startLo, startHi
	} else {
		// A source that sets no lower bound on the start says nothing of how early it was:
		// the earliest start is the earliest a source that bounds it allows.
		lo := OpenEnd
		for _, s := range spans {
			if s.StartLo != OpenStart {
				lo = min(lo, s.StartLo)
			}
		}
		if lo == OpenEnd {
			lo = OpenStart
		}
		for _, s := range spans[1:] {
			out.StartHi = min(out.StartHi, max(s.StartHi, startLo))
		}
		out.StartLo = min(lo, out.StartHi)
	}
	if endLo <= endHi {
		out.EndLo, out.EndHi = endLo, endHi
	} else {
		// An end any source states bounds how long the stint certainly lasted, whichever
		// source is preferred: a list that still shows a status does not outweigh a report
		// that it ended.
		for _, s := range spans[1:] {
			out.EndHi = max(out.EndHi, s.EndHi)
		}
		out.EndLo = endHi
	}
	out.StartHi = min(out.StartHi, out.EndHi)
	out.EndLo = max(out.EndLo, out.StartLo)
	var unknown []int
	for i, s := range spans {
		for _, y := range s.Unknown {
			covered := false
			for j, o := range spans {
				if c := o.CoversRange(y*10000+101, y*10000+1231); j != i && c != nil && *c == Known {
					covered = true
					break
				}
			}
			if !covered {
				unknown = append(unknown, y)
			}
		}
	}
	if len(unknown) > 0 {
		out.Unknown = slices.Compact(slices.Sorted(slices.Values(unknown)))
	}
	return out
}

// Overlaps says how sure it is that two spans were in force together: nil when they cannot
// share a day; Known when there is a date (a year, at the widest) that both certainly cover,
// as Covers answers for it, so that two stints both reported at a date are reported together;
// Possible otherwise.
func (s Span) Overlaps(o Span) *Certainty {
	if s.StartLo > o.EndHi || o.StartLo > s.EndHi {
		return nil
	}
	from := max(s.StartHi, o.StartHi) / 10000
	to := min(s.EndLo, o.EndLo) / 10000
	for y := from; y <= to; y++ {
		_, a := slices.BinarySearch(s.Unknown, y)
		_, b := slices.BinarySearch(o.Unknown, y)
		if !a && !b {
			return &certainKnown
		}
	}
	return &certainPossible
}
