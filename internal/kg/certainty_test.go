package kg

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// certaintyName writes a Covers answer for a table: "KNOWN", "POSSIBLE" or "no".
func certaintyName(c *Certainty) string {
	if c == nil {
		return "no"
	}
	return string(*c)
}

func TestSpanCovers(t *testing.T) {
	d := func(s string) *PartialDate { return dp(s) }
	yr := func(a, b int) *YearRange { return &YearRange{Earliest: a, Latest: b} }
	type at map[string]string // date → want
	for _, tc := range []struct {
		name       string
		start, end Boundary
		asOf       *PartialDate
		unknown    []int
		want       at
	}{
		{
			name: "exact day dates", start: Boundary{Date: d("1992-05-15")}, end: Boundary{Date: d("1999-04-02")},
			want: at{"1992-05-14": "no", "1992-05-15": "KNOWN", "1992": "KNOWN", "1995-06": "KNOWN", "1999-04-02": "KNOWN", "1999-04-03": "no", "2000": "no"},
		},
		{
			name: "coarse boundaries inside finer dates", start: Boundary{Date: d("1994")}, end: Boundary{Date: d("2012-06")},
			want: at{"1993": "no", "1994": "KNOWN", "1994-03": "POSSIBLE", "1994-12-31": "KNOWN", "2012": "KNOWN", "2012-06": "KNOWN", "2012-06-15": "POSSIBLE", "2012-07": "no"},
		},
		{
			name:  "an open end is known until the source's horizon, possible after",
			start: Boundary{Date: d("2002")}, asOf: d("2014"),
			want: at{"2001": "no", "2002": "KNOWN", "2014": "KNOWN", "2014-06": "POSSIBLE", "2015": "POSSIBLE", "2100": "POSSIBLE"},
		},
		{
			name:  "an open end with no horizon is known nowhere past its start",
			start: Boundary{Date: d("2002")},
			want:  at{"2002": "KNOWN", "2003": "POSSIBLE"},
		},
		{
			name:  "undated, still so when the source last looked, not before the organization was founded",
			start: Boundary{Bounds: &DateBounds{NotBefore: d("2015-01-01")}}, asOf: d("2020-02-18"),
			want: at{"1950": "no", "2014": "no", "2015": "POSSIBLE", "2019": "POSSIBLE", "2020-02-17": "POSSIBLE", "2020-02": "KNOWN", "2020-02-18": "KNOWN", "2020": "KNOWN", "2021": "POSSIBLE"},
		},
		{
			name: "undated and unbounded: never known, possible anywhere",
			want: at{"1816": "POSSIBLE", "2100": "POSSIBLE"},
		},
		{
			name:  "an undated end with the bounds the text sets",
			start: Boundary{Bounds: &DateBounds{NotAfter: d("2005")}}, end: Boundary{Bounds: &DateBounds{NotBefore: d("2005"), NotAfter: d("2010-04")}},
			want: at{"2000": "POSSIBLE", "2005": "KNOWN", "2007": "POSSIBLE", "2010-04": "POSSIBLE", "2010-05": "no"},
		},
		{
			name:  "an approximate start (within five years) and an exact end",
			start: Boundary{Date: d("1950"), Range: yr(1945, 1955)}, end: Boundary{Date: d("1990")},
			want: at{"1944": "no", "1945": "POSSIBLE", "1954": "POSSIBLE", "1955": "KNOWN", "1990": "KNOWN", "1991": "no"},
		},
		{
			name:  "years without data inside a stint",
			start: Boundary{Date: d("2002")}, end: Boundary{Date: d("2014")}, unknown: []int{2003, 2004, 2005, 2006, 2007},
			want: at{"2002": "KNOWN", "2003": "POSSIBLE", "2005-06-01": "POSSIBLE", "2007": "POSSIBLE", "2008": "KNOWN"},
		},
		{
			name:  "a start after years without data may lie in them",
			start: Boundary{Date: d("2008"), Range: yr(2003, 2008)}, end: Boundary{Date: d("2014")}, unknown: []int{2003, 2004, 2005, 2006, 2007},
			want: at{"2002": "no", "2003": "POSSIBLE", "2007": "POSSIBLE", "2008": "KNOWN"},
		},
		{
			name:  "a stint within one year covers that year",
			start: Boundary{Date: d("2005")}, end: Boundary{Date: d("2005")},
			want: at{"2005": "KNOWN", "2005-06": "POSSIBLE", "2004": "no"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := SpanOf(tc.start, tc.end, tc.asOf, tc.unknown)
			for date, want := range tc.want {
				assert.Equal(t, want, certaintyName(s.Covers(MustDate(date))), "at %s", date)
			}
		})
	}
}

func TestSpanCoversRange(t *testing.T) {
	s := SpanOf(Boundary{Date: dp("2002")}, Boundary{Date: dp("2014")}, nil, []int{2003, 2004, 2005})
	for _, tc := range []struct {
		name string
		p    Period
		want string
	}{
		{"a range with a year the source has data for", period("2003", "2006"), "KNOWN"},
		{"a range wholly in years without data", period("2003", "2005"), "POSSIBLE"},
		{"an open range", period("2010", ""), "KNOWN"},
		{"before", period("", "2001"), "no"},
	} {
		assert.Equal(t, tc.want, certaintyName(s.CoversPeriod(tc.p)), tc.name)
	}
}

func TestMerge(t *testing.T) {
	d := func(s string) *PartialDate { return dp(s) }
	article := SpanOf(Boundary{Date: d("1994-04-20")}, Boundary{Date: d("1999-04")}, nil, nil)
	dataset := SpanOf(Boundary{Date: d("1992")}, Boundary{Date: d("2000")}, d("2014"), nil)
	treaty := SpanOf(Boundary{Date: d("1992-05-15")}, Boundary{}, d("2020-02-18"), nil)
	organization := SpanOf(Boundary{Date: d("2002")}, Boundary{}, d("2014"), []int{2010})
	undatedText := SpanOf(Boundary{Bounds: &DateBounds{NotBefore: d("1991-12-08")}}, Boundary{}, d("2020-02-18"), nil)
	for _, tc := range []struct {
		name  string
		spans []Span
		want  map[string]string
	}{
		{
			name:  "where the sources disagree the dates between them are possible, not known",
			spans: []Span{article, dataset},
			want:  map[string]string{"1993": "POSSIBLE", "1995": "KNOWN", "1999-06": "POSSIBLE", "2000": "POSSIBLE", "2001": "no"},
		},
		{
			name:  "the preferred source's start stands; another's horizon carries an open end no further than it allows",
			spans: []Span{treaty, organization},
			want:  map[string]string{"1995": "KNOWN", "2010": "KNOWN", "2019": "KNOWN", "2021": "POSSIBLE"},
		},
		{
			name:  "a dated source fills what an undated text leaves unknown, and the text carries its horizon",
			spans: []Span{organization, undatedText},
			want:  map[string]string{"1990": "no", "1991": "no", "1995": "no", "2002": "KNOWN", "2010": "POSSIBLE", "2016": "KNOWN", "2021": "POSSIBLE"},
		},
		{
			name: "a stale open end does not make certain what another source ended",
			spans: []Span{
				SpanOf(Boundary{Date: dp("2005")}, Boundary{}, dp("2015-07-10"), nil),
				SpanOf(Boundary{}, Boundary{Date: dp("2017-06-09")}, nil, nil),
				SpanOf(Boundary{Date: dp("2006")}, Boundary{}, dp("2025"), nil),
			},
			want: map[string]string{"2016": "KNOWN", "2017-06-09": "KNOWN", "2017-06-10": "POSSIBLE", "2020": "POSSIBLE", "2025": "POSSIBLE"},
		},
		{
			name: "an end any source states bounds the certain end, even against the preferred source",
			spans: []Span{
				SpanOf(Boundary{Date: dp("2006")}, Boundary{Date: dp("2021")}, dp("2025"), nil),
				SpanOf(Boundary{Date: dp("2005")}, Boundary{}, dp("2017-06-07"), nil),
				SpanOf(Boundary{}, Boundary{Date: dp("2017-06-09")}, nil, nil),
			},
			want: map[string]string{"2010": "KNOWN", "2017-06-09": "KNOWN", "2017-07": "POSSIBLE", "2020": "POSSIBLE", "2022": "POSSIBLE"},
		},
		{
			name: "where sources disagree, one that sets no lower bound does not make any start possible",
			spans: []Span{
				SpanOf(Boundary{Date: dp("2006-06-23")}, Boundary{Date: dp("2012-06-28")}, nil, nil),
				SpanOf(Boundary{Date: dp("2002")}, Boundary{Date: dp("2011")}, dp("2014"), nil),
				SpanOf(Boundary{Bounds: &DateBounds{NotAfter: dp("2007")}}, Boundary{Date: dp("2013")}, dp("2025"), nil),
			},
			want: map[string]string{"2001": "no", "2002": "POSSIBLE", "2007": "KNOWN", "2011": "KNOWN", "2012": "POSSIBLE", "2014": "no"},
		},
		{
			name: "a day one source gives narrows another's bound",
			spans: []Span{
				SpanOf(Boundary{Date: dp("2015-01-01")}, Boundary{}, dp("2015-08-06"), nil),
				SpanOf(Boundary{Bounds: &DateBounds{NotAfter: dp("2016")}}, Boundary{}, dp("2025"), nil),
			},
			want: map[string]string{"1950": "no", "2014": "no", "2015-01-01": "KNOWN", "2020": "KNOWN", "2025": "KNOWN", "2026": "POSSIBLE"},
		},
		{
			name:  "a year without data in one source stays unknown when no other covers it",
			spans: []Span{organization},
			want:  map[string]string{"2009": "KNOWN", "2010": "POSSIBLE", "2011": "KNOWN"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Merge(tc.spans)
			for date, want := range tc.want {
				assert.Equal(t, want, certaintyName(m.Covers(MustDate(date))), "at %s", date)
			}
		})
	}
}

func TestCertaintyAdmits(t *testing.T) {
	k, p := Known, Possible
	assert.True(t, Known.Admits(&k))
	assert.False(t, Known.Admits(&p))
	assert.True(t, Possible.Admits(&k))
	assert.True(t, Possible.Admits(&p))
	assert.False(t, Possible.Admits(nil))
	assert.Equal(t, Known, CertaintyOr(nil))
	var c Certainty
	assert.Error(t, c.UnmarshalGQL("SURE"))
	assert.NoError(t, c.UnmarshalGQL("POSSIBLE"))
}
