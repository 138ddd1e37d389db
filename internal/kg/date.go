// Package kg holds treatygraph's domain: the states, organizations, memberships, events and
// sources of the knowledge graph, their public IDs, and dates that keep their precision.
// It does no I/O.
package kg

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DatePrecision says how much of a PartialDate the source gave.
type DatePrecision string

// The precisions a date can have.
const (
	PrecisionYear  DatePrecision = "YEAR"
	PrecisionMonth DatePrecision = "MONTH"
	PrecisionDay   DatePrecision = "DAY"
)

var datePrecisions = []DatePrecision{PrecisionYear, PrecisionMonth, PrecisionDay}

// UnmarshalGQL reads a DatePrecision enum value.
func (p *DatePrecision) UnmarshalGQL(v any) error { return unmarshalEnum(v, p, datePrecisions) }

// MarshalGQL writes a DatePrecision enum value.
func (p DatePrecision) MarshalGQL(w io.Writer) { marshalEnum(w, string(p)) }

// PartialDate is a calendar date at year, month or day precision. Month and Day are zero when
// the source does not give them. "1994" is the whole of 1994, not its first day.
type PartialDate struct {
	Year  int
	Month int
	Day   int
}

// ParseDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD" and rejects anything else, including
// dates that do not exist on the calendar.
func ParseDate(s string) (PartialDate, error) {
	bad := func(why string) (PartialDate, error) {
		return PartialDate{}, Errorf(BadUserInput, "invalid date %s: %s", QuoteInput(s), why)
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 {
		return bad("want YYYY, YYYY-MM or YYYY-MM-DD")
	}
	widths := []int{4, 2, 2}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if len(p) != widths[i] {
			return bad("want YYYY, YYYY-MM or YYYY-MM-DD")
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return bad("want YYYY, YYYY-MM or YYYY-MM-DD")
			}
		}
		nums[i], _ = strconv.Atoi(p)
	}
	d := PartialDate{Year: nums[0]}
	if d.Year == 0 {
		return bad("year 0000 does not exist")
	}
	if len(nums) > 1 {
		d.Month = nums[1]
		if d.Month < 1 || d.Month > 12 {
			return bad(fmt.Sprintf("month %02d is not between 01 and 12", d.Month))
		}
	}
	if len(nums) > 2 {
		d.Day = nums[2]
		if last := daysIn(d.Year, d.Month); d.Day < 1 || d.Day > last {
			return bad(fmt.Sprintf("day %02d is not between 01 and %02d", d.Day, last))
		}
	}
	return d, nil
}

// MustDate parses s and panics on error; for tests and literals.
func MustDate(s string) PartialDate {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// IsZero reports whether d holds no date.
func (d PartialDate) IsZero() bool { return d.Year == 0 }

// ISO writes the date at its own precision: "1994", "2007-05" or "1992-05-15".
func (d PartialDate) ISO() string {
	if 0 <= d.Year && d.Year <= 9999 && 0 <= d.Month && d.Month <= 99 && 0 <= d.Day && d.Day <= 99 {
		// What the Sprintf below writes, without its formatting machinery: this is every
		// date in a list of stints.
		b := appendDigits(make([]byte, 0, 10), d.Year, 4)
		if d.Day != 0 || d.Month != 0 {
			b = appendDigits(append(b, '-'), d.Month, 2)
		}
		if d.Day != 0 {
			b = appendDigits(append(b, '-'), d.Day, 2)
		}
		return string(b)
	}
	switch {
	case d.Day != 0:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	case d.Month != 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d", d.Year)
}

// appendDigits appends n, 0 <= n < 10^width, as exactly width (at most 4) decimal digits.
func appendDigits(b []byte, n, width int) []byte {
	start := len(b)
	b = append(b, "0000"[:width]...)
	for i := len(b) - 1; i >= start; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return b
}

// String is ISO.
func (d PartialDate) String() string { return d.ISO() }

// Precision says which parts of the date are known.
func (d PartialDate) Precision() DatePrecision {
	switch {
	case d.Day != 0:
		return PrecisionDay
	case d.Month != 0:
		return PrecisionMonth
	}
	return PrecisionYear
}

// MonthOrNil is the month, or nil at year precision.
func (d PartialDate) MonthOrNil() *int {
	if d.Month == 0 {
		return nil
	}
	m := d.Month
	return &m
}

// DayOrNil is the day, or nil unless the date is at day precision.
func (d PartialDate) DayOrNil() *int {
	if d.Day == 0 {
		return nil
	}
	day := d.Day
	return &day
}

// First is the first day the date names, as the number YYYYMMDD.
func (d PartialDate) First() int {
	m, day := d.Month, d.Day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return d.Year*10000 + m*100 + day
}

// Last is the last day the date names, as the number YYYYMMDD.
func (d PartialDate) Last() int {
	m, day := d.Month, d.Day
	if m == 0 {
		m = 12
	}
	if day == 0 {
		day = daysIn(d.Year, m)
	}
	return d.Year*10000 + m*100 + day
}

// Period is a span of days between two optional partial dates. A nil Start means "since an
// unknown or unstated time" and a nil End means "still so when the source was written".
type Period struct {
	Start *PartialDate
	End   *PartialDate
}

// Bounds of an open period, as YYYYMMDD numbers.
const (
	OpenStart = 0
	OpenEnd   = 99991231
)

// Lo is the first day the period may cover.
func (p Period) Lo() int {
	if p.Start == nil {
		return OpenStart
	}
	return p.Start.First()
}

// Hi is the last day the period may cover.
func (p Period) Hi() int {
	if p.End == nil {
		return OpenEnd
	}
	return p.End.Last()
}

// Covers reports whether the period overlaps the whole period that d names: a stint that
// started in "1994" covers "1994-01-01", and a stint ending "1999" covers "1999-12".
func (p Period) Covers(d PartialDate) bool {
	return p.Lo() <= d.Last() && d.First() <= p.Hi()
}

// Overlaps reports whether two periods share at least one day.
func (p Period) Overlaps(q Period) bool {
	return p.Lo() <= q.Hi() && q.Lo() <= p.Hi()
}

// EndsBeforeStart reports whether the period's end lies wholly before its start.
func (p Period) EndsBeforeStart() bool {
	return p.Start != nil && p.End != nil && p.End.Last() < p.Start.First()
}

// Date is the GraphQL input scalar for a PartialDate: "1994", "2007-05" or "1992-05-15".
type Date struct{ PartialDate }

// UnmarshalGQL parses a Date argument; a malformed date is a user error naming the value.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(BadUserInput, "Date must be a string such as \"1994\", \"2007-05\" or \"1992-05-15\", got %s", Describe(v))
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	d.PartialDate = p
	return nil
}

// MarshalGQL writes the date as its ISO string.
func (d Date) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(d.ISO())) }

// DatePtr returns the PartialDate of an optional Date argument.
func DatePtr(d *Date) *PartialDate {
	if d == nil {
		return nil
	}
	p := d.PartialDate
	return &p
}
