package export

import (
	"strconv"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// certainty is what the sources state about when a stint or post held (its kg.Span), as the
// exports write it: the earliest and latest day its start and its end may fall on (ISO
// days, "" where the sources leave that side unbounded), the last date its source looked
// when its end is open (at that date's precision; "" when the end is not open or the source
// does not say), and the years inside it without data, in order.
type certainty struct {
	StartEarliest, StartLatest string
	EndEarliest, EndLatest     string
	OpenAsOf                   string
	UnknownYears               []int
}

// stintSpan is a stint's span; a stint read without one (all zero, which no source states)
// gets the merge of its claims' spans, or the span of its own dates.
func stintSpan(m *kg.Membership) kg.Span {
	s := m.Span
	if s.StartLo != 0 || s.StartHi != 0 || s.EndLo != 0 || s.EndHi != 0 || len(s.Unknown) > 0 {
		return s
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

// stintCertainty is the certainty of a stint: its span, and for an open end the last date
// looked of the claim (or, without claims, the stint) whose horizon gives its earliest end.
func stintCertainty(m *kg.Membership) certainty {
	s := stintSpan(m)
	var asOf *kg.PartialDate
	if s.EndHi >= kg.OpenEnd {
		for i := range m.Claims {
			c := &m.Claims[i]
			if c.End == nil && c.EndBounds == nil && c.AsOf != nil && c.AsOf.First() == s.EndLo {
				asOf = c.AsOf
				break
			}
		}
		if asOf == nil && len(m.Claims) == 0 && m.End == nil && m.EndBounds == nil {
			asOf = m.AsOf
		}
	}
	return certaintyOf(s, asOf)
}

// positionCertainty is the certainty of a post.
func positionCertainty(p *kg.Position) certainty {
	var asOf *kg.PartialDate
	if p.End == nil && p.EndBounds == nil {
		asOf = p.AsOf
	}
	return certaintyOf(p.Span(), asOf)
}

func certaintyOf(s kg.Span, asOf *kg.PartialDate) certainty {
	c := certainty{UnknownYears: []int{}}
	if s.StartLo > kg.OpenStart {
		c.StartEarliest = day(s.StartLo)
	}
	if s.StartHi < kg.OpenEnd {
		c.StartLatest = day(s.StartHi)
	}
	if s.EndLo > kg.OpenStart {
		c.EndEarliest = day(s.EndLo)
	}
	if s.EndHi < kg.OpenEnd {
		c.EndLatest = day(s.EndHi)
	}
	if asOf != nil {
		c.OpenAsOf = asOf.ISO()
	}
	c.UnknownYears = append(c.UnknownYears, s.Unknown...)
	return c
}

// day writes a YYYYMMDD day number as an ISO day.
func day(n int) string {
	return kg.PartialDate{Year: n / 10000, Month: n / 100 % 100, Day: n % 100}.ISO()
}

// years joins years with ";", as the CSV tables join lists.
func years(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ";")
}
