package kg_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
)

func TestParseDateValid(t *testing.T) {
	tests := []struct {
		in        string
		want      kg.PartialDate
		precision kg.DatePrecision
		first     int
		last      int
	}{
		{"1994", kg.PartialDate{Year: 1994}, kg.PrecisionYear, 19940101, 19941231},
		{"2007-05", kg.PartialDate{Year: 2007, Month: 5}, kg.PrecisionMonth, 20070501, 20070531},
		{"1992-05-15", kg.PartialDate{Year: 1992, Month: 5, Day: 15}, kg.PrecisionDay, 19920515, 19920515},
		{"2000-02-29", kg.PartialDate{Year: 2000, Month: 2, Day: 29}, kg.PrecisionDay, 20000229, 20000229},
		// Month lengths: the last day of a month-precision date depends on the month and year.
		{"2000-02", kg.PartialDate{Year: 2000, Month: 2}, kg.PrecisionMonth, 20000201, 20000229},
		{"1900-02", kg.PartialDate{Year: 1900, Month: 2}, kg.PrecisionMonth, 19000201, 19000228},
		{"2011-04", kg.PartialDate{Year: 2011, Month: 4}, kg.PrecisionMonth, 20110401, 20110430},
		{"0001", kg.PartialDate{Year: 1}, kg.PrecisionYear, 10101, 11231},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := kg.ParseDate(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, d)
			assert.Equal(t, tt.in, d.ISO(), "ISO keeps the precision it was given")
			assert.Equal(t, tt.in, d.String())
			assert.Equal(t, tt.precision, d.Precision())
			assert.Equal(t, tt.first, d.First())
			assert.Equal(t, tt.last, d.Last())
			assert.False(t, d.IsZero())
		})
	}
}

func TestParseDateInvalid(t *testing.T) {
	tests := []struct {
		in  string
		why string // a distinctive part of the reason
	}{
		{"1996-13-45", "month 13"},
		{"2011-02-30", "day 30 is not between 01 and 28"},
		{"1900-02-29", "day 29 is not between 01 and 28"}, // 1900 is not a leap year
		{"2011-04-31", "day 31 is not between 01 and 30"},
		{"94", "want YYYY"},
		{"1994-5", "want YYYY"},
		{"1994-05-1", "want YYYY"},
		{"", "want YYYY"},
		{"1994-00", "month 00"},
		{"1994-05-00", "day 00"},
		{"abcd", "want YYYY"},
		{"1994-05-15T00:00", "want YYYY"},
		{"1994-05-15-01", "want YYYY"},
		{"0000", "year 0000"},
		{" 1994", "want YYYY"},
		{"1994 ", "want YYYY"},
		{"+994", "want YYYY"},
		{"١٩٩٤", "want YYYY"}, // Arabic-Indic digits are not ASCII digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := kg.ParseDate(tt.in)
			require.Error(t, err)
			assert.Equal(t, kg.PartialDate{}, d)
			assert.Contains(t, err.Error(), `"`+tt.in+`"`, "the message names the value, quoted")
			assert.Contains(t, err.Error(), tt.why)
		})
	}
}

func TestMustDatePanics(t *testing.T) {
	assert.Equal(t, kg.PartialDate{Year: 1994}, kg.MustDate("1994"))
	assert.Panics(t, func() { kg.MustDate("1994-13") })
}

func TestPartialDateAccessors(t *testing.T) {
	var zero kg.PartialDate
	assert.True(t, zero.IsZero())

	y := kg.MustDate("1994")
	assert.Nil(t, y.MonthOrNil())
	assert.Nil(t, y.DayOrNil())

	m := kg.MustDate("2007-05")
	require.NotNil(t, m.MonthOrNil())
	assert.Equal(t, 5, *m.MonthOrNil())
	assert.Nil(t, m.DayOrNil())

	d := kg.MustDate("1992-05-15")
	require.NotNil(t, d.MonthOrNil())
	require.NotNil(t, d.DayOrNil())
	assert.Equal(t, 5, *d.MonthOrNil())
	assert.Equal(t, 15, *d.DayOrNil())
	// The pointers are copies: writing through them does not change the date.
	*d.DayOrNil() = 1
	assert.Equal(t, 15, d.Day)
}

// period builds a Period from two optional date strings ("" is open).
func period(start, end string) kg.Period {
	var p kg.Period
	if start != "" {
		d := kg.MustDate(start)
		p.Start = &d
	}
	if end != "" {
		d := kg.MustDate(end)
		p.End = &d
	}
	return p
}

func TestPeriodCovers(t *testing.T) {
	tests := []struct {
		start, end string
		date       string
		want       bool
	}{
		// A stint starting "1994" covers the first day of 1994.
		{"1994", "", "1994-01-01", true},
		{"1994", "", "1994", true},
		{"1994", "", "1993-12-31", false},
		{"1994", "", "1993", false},
		// A stint ending "1999" covers the whole of 1999 but not 2000.
		{"1994", "1999", "1999-12", true},
		{"1994", "1999", "1999-12-31", true},
		{"1994", "1999", "2000", false},
		{"1994", "1999", "2000-01-01", false},
		{"1994", "1999", "1996-07-04", true},
		// Open start and open end.
		{"", "1999", "0001", true},
		{"", "1999", "2000", false},
		{"", "", "2024-02-29", true},
		{"1994", "", "9999-12-31", true},
		// Year against day: a date names its whole period, which the stint need only touch.
		{"1994-06-01", "", "1994", true},
		{"1994-06-01", "", "1994-05", false},
		{"1994-06-01", "", "1994-05-31", false},
		{"1994-06-01", "1999-04-02", "1999-04", true},
		{"1994-06-01", "1999-04-02", "1999-04-02", true},
		{"1994-06-01", "1999-04-02", "1999-04-03", false},
		{"1994-06-01", "1999-04-02", "1999-05", false},
		// A one-day stint.
		{"2011-12-21", "2011-12-21", "2011-12", true},
		{"2011-12-21", "2011-12-21", "2011-12-22", false},
	}
	for _, tt := range tests {
		t.Run(tt.start+".."+tt.end+"@"+tt.date, func(t *testing.T) {
			assert.Equal(t, tt.want, period(tt.start, tt.end).Covers(kg.MustDate(tt.date)))
		})
	}
}

func TestPeriodBounds(t *testing.T) {
	open := kg.Period{}
	assert.Equal(t, kg.OpenStart, open.Lo())
	assert.Equal(t, kg.OpenEnd, open.Hi())
	p := period("1994", "1999-02")
	assert.Equal(t, 19940101, p.Lo())
	assert.Equal(t, 19990228, p.Hi())
}

func TestPeriodOverlaps(t *testing.T) {
	tests := []struct {
		a, b [2]string
		want bool
	}{
		// Each date is the whole period it names: ending "1999" and starting "1999" overlap.
		{[2]string{"1994", "1999"}, [2]string{"1999", ""}, true},
		{[2]string{"1994", "1999"}, [2]string{"1999-04-02", ""}, true},
		{[2]string{"1994", "1999"}, [2]string{"2000", ""}, false},
		{[2]string{"1994", "1999"}, [2]string{"2000-01-01", "2012"}, false},
		{[2]string{"1994", "1999-04-01"}, [2]string{"1999-04-02", ""}, false},
		{[2]string{"1994", "1999-04-02"}, [2]string{"1999-04-02", ""}, true},
		{[2]string{"1994", "1999-04"}, [2]string{"1999-04-30", ""}, true},
		{[2]string{"1994", "1999-04"}, [2]string{"1999-05-01", ""}, false},
		// Open ends reach everything on their side.
		{[2]string{"", ""}, [2]string{"1950", "1950"}, true},
		{[2]string{"", "1993"}, [2]string{"1994", ""}, false},
		{[2]string{"", "1994"}, [2]string{"1994-12-31", ""}, true},
		{[2]string{"2006", ""}, [2]string{"", "2005"}, false},
		// Containment.
		{[2]string{"1990", "2010"}, [2]string{"1995-03", "1995-04"}, true},
	}
	for _, tt := range tests {
		a, b := period(tt.a[0], tt.a[1]), period(tt.b[0], tt.b[1])
		name := tt.a[0] + ".." + tt.a[1] + " vs " + tt.b[0] + ".." + tt.b[1]
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, a.Overlaps(b))
			assert.Equal(t, tt.want, b.Overlaps(a), "overlap is symmetric")
		})
	}
}

func TestPeriodEndsBeforeStart(t *testing.T) {
	tests := []struct {
		start, end string
		want       bool
	}{
		{"2000", "1999", true},
		{"1999-05-01", "1999-04", true},
		{"1999-05-01", "1999-04-30", true},
		{"1999", "1999-04", false},       // the end lies within the start's year
		{"1999-12-31", "1999", false},    // the end's year reaches the start day
		{"1999-04", "1999-04-01", false}, // same month
		{"1994", "1999", false},
		{"1994", "", false},
		{"", "1999", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.start+".."+tt.end, func(t *testing.T) {
			assert.Equal(t, tt.want, period(tt.start, tt.end).EndsBeforeStart())
		})
	}
}

func TestDateUnmarshalGQL(t *testing.T) {
	var d kg.Date
	require.NoError(t, d.UnmarshalGQL("2007-05"))
	assert.Equal(t, kg.PartialDate{Year: 2007, Month: 5}, d.PartialDate)

	var buf bytes.Buffer
	d.MarshalGQL(&buf)
	assert.Equal(t, `"2007-05"`, buf.String())

	for _, bad := range []any{"1996-13-45", "2011-02-30", "1994-5", ""} {
		var d kg.Date
		err := d.UnmarshalGQL(bad)
		require.Error(t, err, "%v", bad)
		var ke *kg.Error
		require.True(t, errors.As(err, &ke), "want a *kg.Error, got %T", err)
		assert.Equal(t, kg.BadUserInput, ke.Code)
		assert.Equal(t, kg.BadUserInput, kg.ErrorCode(err))
		assert.Contains(t, ke.Message, `"`+bad.(string)+`"`, "the message names the value")
		assert.Equal(t, kg.PartialDate{}, d.PartialDate, "a failed parse leaves the date unset")
	}

	for _, bad := range []any{1994, 1994.0, true, nil, []any{"1994"}} {
		var d kg.Date
		err := d.UnmarshalGQL(bad)
		require.Error(t, err, "%v", bad)
		var ke *kg.Error
		require.True(t, errors.As(err, &ke), "want a *kg.Error, got %T", err)
		assert.Equal(t, kg.BadUserInput, ke.Code)
		assert.Contains(t, ke.Message, "must be a string")
	}
}

func TestDatePtr(t *testing.T) {
	assert.Nil(t, kg.DatePtr(nil))
	d := &kg.Date{PartialDate: kg.MustDate("1994")}
	p := kg.DatePtr(d)
	require.NotNil(t, p)
	assert.Equal(t, kg.MustDate("1994"), *p)
	p.Year = 2000
	assert.Equal(t, 1994, d.Year, "DatePtr returns a copy")
}

func TestDatePrecisionGQL(t *testing.T) {
	var p kg.DatePrecision
	require.NoError(t, p.UnmarshalGQL("MONTH"))
	assert.Equal(t, kg.PrecisionMonth, p)
	err := p.UnmarshalGQL("WEEK")
	require.Error(t, err)
	assert.Equal(t, kg.BadUserInput, kg.ErrorCode(err))
	var buf bytes.Buffer
	kg.PrecisionDay.MarshalGQL(&buf)
	assert.Equal(t, `"DAY"`, buf.String())
}

// ISO writes what fmt's %04d-%02d-%02d writes, on its fast path and off it.
func TestISOIsWhatSprintfWrites(t *testing.T) {
	sprintf := func(d kg.PartialDate) string {
		switch {
		case d.Day != 0:
			return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
		case d.Month != 0:
			return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
		}
		return fmt.Sprintf("%04d", d.Year)
	}
	for _, y := range []int{-12, 0, 7, 99, 1815, 2014, 9999, 10000, 123456} {
		for _, m := range []int{0, 1, 9, 12, 100} {
			for _, d := range []int{0, 1, 28, 31} {
				p := kg.PartialDate{Year: y, Month: m, Day: d}
				assert.Equal(t, sprintf(p), p.ISO(), "%#v", p)
			}
		}
	}
}
