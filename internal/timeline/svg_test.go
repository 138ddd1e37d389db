package timeline

import (
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
)

func date(s string) *kg.PartialDate {
	d := kg.MustDate(s)
	return &d
}

func TestTickStep(t *testing.T) {
	for _, c := range []struct {
		years float64
		want  int
	}{{3, 1}, {14, 1}, {15, 2}, {21, 2}, {60, 5}, {120, 10}, {200, 20}, {340, 25}, {700, 50}, {1400, 100}, {5000, 200}} {
		assert.Equal(t, c.want, tickStep(c.years), "%v years", c.years)
	}
}

func TestClaimDates(t *testing.T) {
	year := func(y int) *kg.PartialDate { return &kg.PartialDate{Year: y} }
	for _, c := range []struct {
		claim kg.MembershipClaim
		want  string
	}{
		{kg.MembershipClaim{Start: date("1994"), End: date("1999")}, "1994 to 1999"},
		{kg.MembershipClaim{Start: date("2006-06-23")}, "2006-06-23 onwards (end unknown: the source does not say when it last looked)"},
		{kg.MembershipClaim{Start: date("2002"), AsOf: date("2014")}, "2002 onwards (still so in 2014; later unknown)"},
		{kg.MembershipClaim{Start: date("2002"), AsOf: date("2020-02-18")}, "2002 onwards (still so on 2020-02-18; later unknown)"},
		{kg.MembershipClaim{Start: date("1962"), End: date("1970"), StartRange: &kg.YearRange{Earliest: 1962, Latest: 1965}, EndRange: &kg.YearRange{Earliest: 1970, Latest: 1970}},
			"1962 (between 1962 and 1965) to 1970"},
		{kg.MembershipClaim{End: date("2001-03")}, "start unknown to 2001-03"},
		{kg.MembershipClaim{StartBounds: &kg.DateBounds{NotBefore: year(2015)}, End: date("2020")}, "start unknown (not before 2015) to 2020"},
		{kg.MembershipClaim{StartBounds: &kg.DateBounds{NotBefore: year(2015)}, AsOf: date("2023")}, "start unknown (not before 2015); still so in 2023; later unknown"},
		{kg.MembershipClaim{StartBounds: &kg.DateBounds{NotBefore: year(1991), NotAfter: date("1992-05-15")}, AsOf: date("2020")},
			"start unknown (between 1991 and 1992-05-15); still so in 2020; later unknown"},
		{kg.MembershipClaim{Start: date("2015"), EndBounds: &kg.DateBounds{NotAfter: year(2020)}}, "2015, end unknown (not after 2020)"},
		{kg.MembershipClaim{Start: date("2015"), EndBounds: &kg.DateBounds{NotBefore: year(2018)}}, "2015 onwards (end unknown, not before 2018)"},
		{kg.MembershipClaim{Start: date("2002"), AsOf: date("2014"), UnknownYears: []int{2007, 2003, 2004, 2005, 2006, 2010}},
			"2002 onwards (still so in 2014; later unknown; no data 2003–2007, 2010)"},
		{kg.MembershipClaim{Start: date("1990"), End: date("2000"), UnknownYears: []int{1995}}, "1990 to 2000 (no data 1995)"},
		{kg.MembershipClaim{}, "start unknown; end unknown: the source does not say when it last looked"},
	} {
		assert.Equal(t, c.want, claimDates(&c.claim))
	}
}

// TestSpanDates checks the words for what several sources state together, which no one
// claim's dates give.
func TestSpanDates(t *testing.T) {
	asOf := []kg.MembershipClaim{{Start: date("2002"), AsOf: date("2014")}}
	for _, c := range []struct {
		span kg.Span
		want string
	}{
		{kg.Span{StartLo: 19940101, StartHi: 19941231, EndLo: 19990101, EndHi: 19991231}, "1994 to 1999"},
		{kg.Span{StartLo: 20020101, StartHi: 20060623, EndLo: 20120628, EndHi: 20120628}, "2002 (between 2002 and 2006-06-23) to 2012-06-28"},
		{kg.Span{StartLo: 20070501, StartHi: 20070531, EndLo: 20110101, EndHi: 20121231}, "2007-05 to 2012 (between 2011 and 2012)"},
		{kg.Span{StartLo: 20020101, StartHi: 20021231, EndLo: 20140101, EndHi: kg.OpenEnd, Unknown: []int{2003, 2004, 2005, 2006, 2007}},
			"2002 onwards (still so in 2014; later unknown; no data 2003–2007)"},
		{kg.Span{StartLo: kg.OpenStart, StartHi: 19921231, EndLo: 20140101, EndHi: kg.OpenEnd},
			"start unknown (not after 1992); still so in 2014; later unknown"},
		{kg.Span{StartLo: 20150101, StartHi: kg.OpenEnd, EndLo: 20150101, EndHi: kg.OpenEnd},
			"start unknown (not before 2015); end unknown: the source does not say when it last looked"},
		{kg.Span{StartLo: 20150101, StartHi: 20151231, EndLo: 20180101, EndHi: kg.OpenEnd}, "2015 onwards (end unknown, not before 2018)"},
		{kg.Span{StartLo: kg.OpenStart, StartHi: 20200531, EndLo: kg.OpenStart, EndHi: 20200531}, "start unknown (not after 2020-05), end unknown (not after 2020-05)"},
		{kg.Span{StartLo: kg.OpenStart, StartHi: kg.OpenEnd, EndLo: kg.OpenStart, EndHi: kg.OpenEnd}, "start unknown; end unknown: the source does not say when it last looked"},
	} {
		assert.Equal(t, c.want, spanDates(c.span, asOf))
	}
}

func TestSource(t *testing.T) {
	assert.Equal(t, "csto-article, section history, note 8", source(kg.Source{DocumentSlug: "csto-article", SectionKey: "history", Notes: []int{8}}))
	assert.Equal(t, "csto-article, section lead, notes 3, 4", source(kg.Source{DocumentSlug: "csto-article", SectionKey: "lead", Notes: []int{3, 4}}))
	assert.Equal(t, "cow-igo-v3", source(kg.Source{DocumentSlug: "cow-igo-v3"}))
}

func TestClipAndEscape(t *testing.T) {
	assert.Equal(t, "short", clip("short", 10))
	assert.Equal(t, "Организац…", clip("Организация Договора", 10))
	assert.Equal(t, `a &lt;b&gt; &amp; &quot;c&quot;&#10;d`, esc("a <b> & \"c\"\nd\x00\x1b"))
	assert.Equal(t, "0", num(-0.01))
	assert.Equal(t, "12.3", num(12.34))
	assert.Equal(t, "12", num(12.04))
}

// TestRenderDrawsEveryKindOfStint draws one chart with a stint of each kind and checks the
// pieces of each bar, that the chart is well-formed XML, and that names are escaped.
func TestRenderDrawsEveryKindOfStint(t *testing.T) {
	stint := func(role kg.MembershipRole, start, end *kg.PartialDate) *kg.Membership {
		return &kg.Membership{Role: role, Start: start, End: end, Source: kg.Source{DocumentSlug: "doc"},
			Claims: []kg.MembershipClaim{{Role: role, Start: start, End: end, Source: kg.Source{DocumentSlug: "doc"}}}}
	}
	sharp := stint(kg.RoleMember, date("1990-01-01"), date("1995-06-30"))
	noStart := stint(kg.RoleAssociate, nil, date("1992"))
	oneYear := stint(kg.RoleObserver, date("1993"), date("1993"))
	running := stint(kg.RolePartner, date("1991-03"), nil)
	chart := Chart{Title: "A <test> & chart", Counterpart: "member", Link: "/explore", Version: "v",
		Rows: []Row{
			{Slug: "a", Label: "<script>alert(1)</script>", Title: "A", Stints: []*kg.Membership{sharp}},
			{Slug: "b", Label: "B", Title: "B", Stints: []*kg.Membership{noStart}},
			{Slug: "c", Label: "C", Title: "C", Stints: []*kg.Membership{oneYear}},
			{Slug: "d", Label: "D", Title: "D", Stints: []*kg.Membership{running}},
		}}
	svg := string(Render(chart))
	assert.Equal(t, svg, string(Render(chart)), "the same chart gives the same bytes")
	assert.NotContains(t, svg, "<script>")
	assert.Contains(t, svg, "&lt;script&gt;")

	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}

	bars := map[string]string{}
	for _, p := range []string{"A: ", "B: ", "C: ", "D: "} {
		g := stintGroups(svg, p)
		require.Len(t, g, 1, p)
		bars[p] = g[0]
	}
	assert.NotContains(t, bars["A: "], "url(#", "dates known to the day are sharp")
	assert.Contains(t, bars["B: "], "associate, start unknown to 1992")
	assert.Contains(t, bars["B: "], `fill="url(#hatch1)" mask="url(#stubL)"`, "an unknown start is a hatched stub that fades away")
	assert.NotContains(t, bars["B: "], `x="272"`, "an unknown start is not drawn from the axis's start")
	assert.Contains(t, bars["C: "], `fill-opacity="0.45"`, "a stint within one year is one pale block")
	assert.Contains(t, bars["D: "], "partner, 1991-03 onwards (end unknown: the source does not say when it last looked)")
	assert.Contains(t, bars["D: "], `fill="url(#hatch3)" mask="url(#stubR)"`, "an open end is a hatched stub that fades away")
	assert.NotContains(t, bars["D: "], `<path`, "an open end does not run on to the axis's end")
	assert.NotContains(t, bars["D: "], `x="956"`)
}

func TestRenderEmpty(t *testing.T) {
	svg := string(Render(Chart{Title: "Nothing", Counterpart: "member", Link: "/explore"}))
	assert.Contains(t, svg, "No stints match.")
	assert.Contains(t, svg, "no source states a stint here")
}

// TestRenderCutByTheAxis checks that a stint ending after the axis asked for ends in a solid
// arrow head, unlike one that ends within it.
func TestRenderCutByTheAxis(t *testing.T) {
	long := &kg.Membership{Role: kg.RoleMember, Start: date("1995-01-01"), End: date("2012-12-31"), Source: kg.Source{DocumentSlug: "doc"}}
	short := &kg.Membership{Role: kg.RoleMember, Start: date("1995-01-01"), End: date("2005-12-31"), Source: kg.Source{DocumentSlug: "doc"}}
	chart := Chart{Title: "Cut", Counterpart: "member", Link: "/explore", To: date("2010"),
		Rows: []Row{{Slug: "a", Label: "A", Title: "A", Stints: []*kg.Membership{long}}, {Slug: "b", Label: "B", Title: "B", Stints: []*kg.Membership{short}}}}
	svg := string(Render(chart))
	assert.Contains(t, stintGroups(svg, "A: ")[0], `<path d="M956 `)
	assert.NotContains(t, stintGroups(svg, "B: ")[0], `<path`)
	assert.Contains(t, svg, "goes on after the axis")
	assert.NotContains(t, string(Render(Chart{Title: "Whole", Rows: chart.Rows})), "goes on after the axis")
}

// stated is a stint as its claims state it, reconciled as the seeds reconcile them: its own
// dates and source are the preferred claim's, and its span the merge of theirs.
func stated(role kg.MembershipRole, claims ...kg.MembershipClaim) *kg.Membership {
	for i := range claims {
		claims[i].Role = role
		if claims[i].Source.DocumentSlug == "" {
			claims[i].Source.DocumentSlug = "doc"
		}
	}
	m := &kg.Membership{Claims: claims}
	m.Reconcile()
	return m
}

// chartOf draws one row per stint, labelled A, B, C ..., and returns the chart, its scale
// and each row's bar.
func chartOf(t *testing.T, c Chart, stints ...*kg.Membership) (string, scale, []string) {
	t.Helper()
	for i, m := range stints {
		label := string(rune('A' + i))
		c.Rows = append(c.Rows, Row{Slug: label, Label: label, Title: label, Stints: []*kg.Membership{m}})
	}
	c.Title, c.Counterpart, c.Link = "Test", "member", "/explore"
	svg := string(Render(c))
	s, _ := axis(&c)
	var bars []string
	for i := range stints {
		g := stintGroups(svg, string(rune('A'+i))+": ")
		require.Len(t, g, 1)
		bars = append(bars, g[0])
	}
	return svg, s, bars
}

// rects lists the x, width and fill of each rect of a bar.
func rects(t *testing.T, bar string) [][3]string {
	var out [][3]string
	for _, m := range regexp.MustCompile(`<rect x="([-0-9.]+)" y="[0-9.]+" width="([0-9.]+)" height="10" fill="([^"]+)"`).FindAllStringSubmatch(bar, -1) {
		out = append(out, [3]string{m[1], m[2], m[3]})
	}
	return out
}

// axisYears are the year labels of a chart's axis.
func axisYears(t *testing.T, svg string) []int {
	var out []int
	for _, m := range regexp.MustCompile(`text-anchor="middle" fill="#555">(\d+)</text>`).FindAllStringSubmatch(svg, -1) {
		y, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		out = append(out, y)
	}
	return out
}

// TestUndatedStartIsUnknown checks that a start the sources do not date is drawn as unknown:
// a short hatched stub before the first date the stint is known to hold, not a bar from the
// axis's start (which an old stint in the chart puts at 1810), and that the axis does not
// reach for the open bound.
func TestUndatedStartIsUnknown(t *testing.T) {
	old := stated(kg.RoleMember, kg.MembershipClaim{Start: date("1816"), End: date("1830")})
	undated := stated(kg.RoleMember, kg.MembershipClaim{End: date("2000")})
	bounded := stated(kg.RoleObserver, kg.MembershipClaim{StartBounds: &kg.DateBounds{NotBefore: date("2015")}, AsOf: date("2020")})
	svg, s, bars := chartOf(t, Chart{}, old, undated, bounded)

	assert.Contains(t, bars[1], "B: member, start unknown to 2000")
	r := rects(t, bars[1])
	require.Len(t, r, 2, bars[1])
	assert.Equal(t, `url(#hatch0)`, r[1][2], "the stub is hatched")
	assert.InDelta(t, s.x(2000)-stubWidth, parse(t, r[1][0]), 0.1, "the stub ends where the stint may end, and is no longer than a stub")
	assert.Greater(t, parse(t, r[1][0]), s.x(1900), "nothing is drawn from the axis's start")

	assert.Contains(t, bars[2], "C: observer, start unknown (not before 2015); still so in 2020; later unknown")
	r = rects(t, bars[2])
	require.NotEmpty(t, r)
	assert.InDelta(t, s.x(2015), parse(t, r[0][0]), 0.1, "a start bounded below begins at its bound")
	assert.NotContains(t, bars[2], "stubL", "a start bounded below has no stub")
	assert.Contains(t, bars[2], "stubR")

	ys := axisYears(t, svg)
	require.NotEmpty(t, ys)
	assert.Equal(t, 1800, ys[0], "the axis starts at the tick before the first date given")
	assert.LessOrEqual(t, ys[len(ys)-1], 2030, "the axis does not stretch to the open end")
}

// TestOpenEndPastTheHorizon checks that an open end is solid up to the last date its source
// looked and a hatched stub after it, not a bar to the axis's end, and that the tooltip says
// so.
func TestOpenEndPastTheHorizon(t *testing.T) {
	running := stated(kg.RoleMember, kg.MembershipClaim{Start: date("2002"), AsOf: date("2014")})
	ended := stated(kg.RoleMember, kg.MembershipClaim{Start: date("1995"), End: date("2000")})
	svg, s, bars := chartOf(t, Chart{}, running, ended)
	assert.Contains(t, bars[0], "A: member, 2002 onwards (still so in 2014; later unknown)")
	r := rects(t, bars[0])
	require.Len(t, r, 3, bars[0])
	assert.Equal(t, "url(#in0)", r[0][2], "the start year fades in")
	assert.Equal(t, "#0072b2", r[1][2])
	assert.InDelta(t, s.x(2014), parse(t, r[1][0])+parse(t, r[1][1]), 0.1, "solid up to the last date the source looked")
	assert.Equal(t, "url(#hatch0)", r[2][2])
	assert.InDelta(t, s.x(2014), parse(t, r[2][0]), 0.1)
	assert.InDelta(t, stubWidth, parse(t, r[2][1]), 0.1)
	assert.Contains(t, bars[0], `mask="url(#stubR)"`)
	assert.NotContains(t, bars[0], "<path", "no arrow head: nothing is known after 2014")
	ys := axisYears(t, svg)
	assert.Equal(t, 2014, ys[len(ys)-1], "the axis ends with the stub, not at an open bound")
	assert.NotContains(t, svg, "still running")
}

// TestYearsWithoutDataAreHatched checks that years inside a stint for which its source has
// no data are hatched, between the solid years, and named in the tooltip.
func TestYearsWithoutDataAreHatched(t *testing.T) {
	gap := stated(kg.RoleMember, kg.MembershipClaim{Start: date("1990"), End: date("2010"), UnknownYears: []int{2003, 2004, 2005, 2006, 2007}})
	_, s, bars := chartOf(t, Chart{}, gap)
	assert.Contains(t, bars[0], "A: member, 1990 to 2010 (no data 2003–2007)")
	r := rects(t, bars[0])
	require.Len(t, r, 5, bars[0])
	assert.Equal(t, []string{"url(#in0)", "#0072b2", "url(#hatch0)", "#0072b2", "url(#out0)"}, []string{r[0][2], r[1][2], r[2][2], r[3][2], r[4][2]})
	assert.InDelta(t, s.x(2003), parse(t, r[2][0]), 0.1)
	assert.InDelta(t, s.x(2008)-s.x(2003), parse(t, r[2][1]), 0.1, "2003 to the end of 2007")
	assert.InDelta(t, s.x(2008), parse(t, r[3][0]), 0.1)

	// Years without data before the first year the dataset records: the start may fall in
	// any of them; they are hatched over its fade.
	late := stated(kg.RoleMember, kg.MembershipClaim{Start: date("1985"), StartRange: &kg.YearRange{Earliest: 1976, Latest: 1985},
		AsOf: date("2014"), UnknownYears: []int{1976, 1977, 1978, 1979, 1980, 1981, 1982, 1983, 1984}})
	_, s, bars = chartOf(t, Chart{}, late)
	assert.Contains(t, bars[0], "A: member, 1985 (between 1976 and 1985) onwards (still so in 2014; later unknown; no data 1976–1984)")
	r = rects(t, bars[0])
	require.Len(t, r, 4, bars[0])
	assert.Equal(t, []string{"url(#in0)", "#0072b2", "url(#hatch0)", "url(#hatch0)"}, []string{r[0][2], r[1][2], r[2][2], r[3][2]})
	assert.InDelta(t, s.x(1976), parse(t, r[2][0]), 0.1)
	assert.InDelta(t, s.x(1985)-s.x(1976), parse(t, r[2][1]), 0.1, "1976 to the end of 1984, over the fade")
	assert.Contains(t, bars[0], `mask="url(#stubR)"`, "the last is the stub of the open end")
}

// TestUndatedStint checks that a stint no source dates is a mark and words, not a bar.
func TestUndatedStint(t *testing.T) {
	svg, _, bars := chartOf(t, Chart{}, stated(kg.RoleObserver, kg.MembershipClaim{}))
	assert.Contains(t, bars[0], "dates unknown</text>")
	assert.Contains(t, bars[0], "A: observer, start unknown; end unknown")
	assert.Equal(t, []int{1990, 1990, 1995, 1995, 2000, 2000, 2005, 2005, 2010, 2010, 2015, 2015, 2020, 2020}, axisYears(t, svg),
		"nothing dates the chart: the axis is the default, not an open bound")
}

// TestDisputedStintShowsEachSource checks that a disputed stint's other source is a thin
// line, dotted past the last date it looked, and that the tooltip gives every source.
func TestDisputedStintShowsEachSource(t *testing.T) {
	m := stated(kg.RoleMember,
		kg.MembershipClaim{Start: date("1994"), AsOf: date("2020"), Source: kg.Source{DocumentSlug: "article"}},
		kg.MembershipClaim{Start: date("2002"), AsOf: date("2014"), Source: kg.Source{DocumentSlug: "dataset"}})
	m.Source = m.Claims[0].Source
	require.True(t, m.Disputed)
	_, s, bars := chartOf(t, Chart{}, m)
	assert.Contains(t, bars[0], "A: member, 1994 onwards (still so in 2020; later unknown)&#10;Disputed: start: article says 1994, dataset says 2002")
	assert.Contains(t, bars[0], "– dataset: member, 2002 onwards (still so in 2014; later unknown)")
	lines := regexp.MustCompile(`<line x1="([0-9.]+)" y1="\d+" x2="([0-9.]+)" y2="\d+" stroke="#0072b2" stroke-width="2"( stroke-dasharray="2 2")?/>`).FindAllStringSubmatch(bars[0], -1)
	require.Len(t, lines, 2, bars[0])
	assert.InDelta(t, s.x(2002), parse(t, lines[0][1]), 0.1)
	assert.InDelta(t, s.x(2014), parse(t, lines[0][2]), 0.1)
	assert.Empty(t, lines[0][3])
	assert.NotEmpty(t, lines[1][3], "dotted after the dataset's last year")
}

// TestCutByTheAxisWhenCertain checks that only a stint certainly going on after the axis
// asked for ends in an arrow head.
func TestCutByTheAxisWhenCertain(t *testing.T) {
	known := stated(kg.RoleMember, kg.MembershipClaim{Start: date("2002"), AsOf: date("2014")})
	possible := stated(kg.RoleMember, kg.MembershipClaim{Start: date("2002")})
	_, _, bars := chartOf(t, Chart{To: date("2010")}, known, possible)
	assert.Contains(t, bars[0], `<path d="M956 `)
	assert.NotContains(t, bars[1], `<path`)
}

// legendOf is the legend of a chart.
func legendOf(t *testing.T, svg string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<g class="legend">\n(.*?)</g>\n`).FindStringSubmatch(svg)
	require.NotNil(t, m, "the chart has a legend")
	return m[1]
}

// everyKindOfBar is a chart with a stint drawn in each way a bar can be drawn, the date
// asked for, and an axis that ends before the last stint does.
func everyKindOfBar() Chart {
	disputed := stated(kg.RoleMember,
		kg.MembershipClaim{Start: date("1994"), AsOf: date("2000"), Source: kg.Source{DocumentSlug: "article"}},
		kg.MembershipClaim{Start: date("1996"), AsOf: date("1998"), Source: kg.Source{DocumentSlug: "dataset"}})
	disputed.Source = disputed.Claims[0].Source
	stints := []*kg.Membership{
		stated(kg.RoleMember, kg.MembershipClaim{Start: date("1990-01-01"), End: date("1995-06-30")}),                      // sharp
		stated(kg.RoleAssociate, kg.MembershipClaim{Start: date("1991"), End: date("1999")}),                               // fading in and out
		stated(kg.RoleObserver, kg.MembershipClaim{Start: date("1993"), End: date("1993")}),                                // one pale block
		stated(kg.RolePartner, kg.MembershipClaim{End: date("1998-05-01")}),                                                // undated start
		stated(kg.RoleMember, kg.MembershipClaim{Start: date("1996-01-01"), AsOf: date("2003")}),                           // open end
		stated(kg.RoleMember, kg.MembershipClaim{Start: date("1990"), End: date("2000"), UnknownYears: []int{1994, 1995}}), // years without data
		stated(kg.RoleProspective, kg.MembershipClaim{}),                                                                   // no dates at all
		disputed,
		stated(kg.RoleMember, kg.MembershipClaim{Start: date("1992-01-01"), End: date("2012-12-31")}), // past the axis
	}
	c := Chart{Title: "Every bar", Counterpart: "member", Link: "/explore", At: date("1997"), To: date("2010")}
	for i, m := range stints {
		l := string(rune('A' + i))
		c.Rows = append(c.Rows, Row{Slug: l, Label: l, Title: l, Stints: []*kg.Membership{m}})
	}
	return c
}

// TestLegendShowsEveryWayABarIsDrawn draws a stint of every kind and checks that each way
// the bars are drawn (each fill, fade, hatch, stub, outline, line and arrow found in them)
// has a swatch in the legend, drawn the same way and as tall as a bar.
func TestLegendShowsEveryWayABarIsDrawn(t *testing.T) {
	svg := string(Render(everyKindOfBar()))
	legend := legendOf(t, svg)
	var bars strings.Builder
	for _, l := range strings.Split(svg, "\n") {
		if strings.HasPrefix(l, "<g><title>") {
			bars.WriteString(l)
		}
	}
	// The ways a bar is drawn, each as a pattern that names it whatever the role's colour.
	ways := map[string]*regexp.Regexp{
		"solid":         regexp.MustCompile(`<rect [^>]*height="10" fill="#[0-9a-f]{6}"/>`),
		"fading in":     regexp.MustCompile(`<rect [^>]*height="10" fill="url\(#in\d\)"/>`),
		"fading out":    regexp.MustCompile(`<rect [^>]*height="10" fill="url\(#out\d\)"/>`),
		"pale block":    regexp.MustCompile(`<rect [^>]*height="10" fill="#[0-9a-f]{6}" fill-opacity="0.45"/>`),
		"undated start": regexp.MustCompile(`<rect [^>]*height="10" fill="url\(#hatch\d\)" mask="url\(#stubL\)"/>`),
		"open end":      regexp.MustCompile(`<rect [^>]*height="10" fill="url\(#hatch\d\)" mask="url\(#stubR\)"/>`),
		"no data":       regexp.MustCompile(`<rect [^>]*height="10" fill="url\(#hatch\d\)"/>`),
		"disputed":      regexp.MustCompile(`<rect [^>]*height="13" fill="none" stroke="#d55e00" stroke-width="1.5" stroke-dasharray="3 2"/>`),
		"other source":  regexp.MustCompile(`<line [^>]*stroke-width="2"/>`),
		"other, open":   regexp.MustCompile(`<line [^>]*stroke-width="2" stroke-dasharray="2 2"/>`),
		"past the axis": regexp.MustCompile(`<path d="M[0-9.]+ [0-9.]+l6 5-6 5z" fill="#[0-9a-f]{6}"/>`),
		"the date":      regexp.MustCompile(`<line [^>]*stroke="#222" stroke-width="1.5"/>`),
	}
	whole := svg[strings.Index(svg, "</g>\n"):] // the date's line is drawn over the rows, outside any bar
	for way, re := range ways {
		where := bars.String()
		if way == "the date" {
			where = whole
		}
		require.True(t, re.MatchString(where), "the chart draws %q (else this test checks nothing)", way)
		assert.True(t, re.MatchString(legend), "the legend shows %q", way)
	}
	assert.Contains(t, bars.String(), "dates unknown</text>")
	assert.Contains(t, legend, "dates unknown")

	// Every swatch is as tall as a bar (the outline of a disputed one as tall as a bar's).
	for _, m := range regexp.MustCompile(`<rect [^>]*height="(\d+)"`).FindAllStringSubmatch(legend, -1) {
		assert.Contains(t, []string{"10", "13"}, m[1], m[0])
	}
	roles := regexp.MustCompile(`<rect x="\d+" y="52" width="(\d+)" height="10" fill="#[0-9a-f]{6}"/><text`).FindAllStringSubmatch(legend, -1)
	require.Len(t, roles, len(roleColours), "a swatch for each role")
	for _, m := range roles {
		assert.Equal(t, strconv.Itoa(swatch), m[1], "a role's swatch is %d pixels wide", swatch)
	}
	// Without a date or a cut axis, the legend leaves out what such charts only draw.
	plain := legendOf(t, string(Render(Chart{Title: "Plain", Counterpart: "member", Rows: everyKindOfBar().Rows})))
	assert.NotContains(t, plain, "the date asked for")
	assert.NotContains(t, plain, "goes on after the axis")
}

// TestAxisEvery40Rows draws a chart of 400 rows, the most a chart draws by default, and
// checks that it is drawn whole and stays legible: every row at its height with its label
// at the chart's font size, and the years written at the top, at the bottom and in a strip
// of their own after every 40 rows, between rows rather than over them.
func TestAxisEvery40Rows(t *testing.T) {
	c := Chart{Title: "Many", Counterpart: "member", Link: "/explore"}
	for i := 0; i < DefaultMaxRows; i++ {
		start := 1950 + i%60
		m := stated(kg.RoleMember, kg.MembershipClaim{Start: date(strconv.Itoa(start) + "-01-01"), End: date(strconv.Itoa(start+5) + "-12-31")})
		c.Rows = append(c.Rows, Row{Slug: strconv.Itoa(i), Label: "Row " + strconv.Itoa(i), Title: "Row " + strconv.Itoa(i), Stints: []*kg.Membership{m}})
	}
	svg := string(Render(c))
	assert.NotContains(t, svg, "not drawn", "400 rows are drawn whole")
	labels := regexp.MustCompile(`<text x="262" y="(\d+)" text-anchor="end"><title>Row (\d+)</title>`).FindAllStringSubmatch(svg, -1)
	require.Len(t, labels, DefaultMaxRows)
	assert.Contains(t, svg, `font-size="11"`, "the chart's text is 11 pixels")
	assert.NotRegexp(t, `<text x="262"[^>]* font-size=`, svg, "row labels are at the chart's size")

	// The axis: the label of its first year at each height it is written at.
	s, step := axis(&c)
	first := int(math.Ceil(s.lo/float64(step))) * step
	var at []int
	for _, m := range regexp.MustCompile(`<text x="[0-9.]+" y="(\d+)" text-anchor="middle" fill="#555">`+strconv.Itoa(first)+`</text>`).FindAllStringSubmatch(svg, -1) {
		at = append(at, int(parse(t, m[1])))
	}
	require.Len(t, at, 2+DefaultMaxRows/axisEvery-1, "top, bottom, and after rows 40, 80 ... 360")
	rowY := func(i int) int { return int(parse(t, labels[i][1])) } // the baseline of row i's label
	assert.Less(t, at[0], rowY(0)-rowHeight+4, "the top axis is over the first row")
	assert.Greater(t, at[len(at)-1], rowY(len(labels)-1)+4, "the bottom axis is under the last row")
	for k, y := range at[1 : len(at)-1] {
		i := (k + 1) * axisEvery
		assert.Greater(t, y, rowY(i-1)+4, "the axis after row %d is under it", i)
		assert.Less(t, y, rowY(i)-rowHeight+4, "and over row %d", i+1)
	}
	for i := 1; i < len(labels); i++ {
		gap := rowY(i) - rowY(i-1)
		if i%axisEvery == 0 {
			assert.Equal(t, rowHeight+axisGap, gap, "row %d", i)
		} else {
			assert.Equal(t, rowHeight, gap, "row %d", i)
		}
	}
	// One axis more for one row more than 40, none for 40.
	count := func(n int) int {
		cc := c
		cc.Rows = c.Rows[:n]
		return len(regexp.MustCompile(`fill="#555">`+strconv.Itoa(first)+`</text>`).FindAllString(string(Render(cc)), -1))
	}
	assert.Equal(t, 2, count(axisEvery))
	assert.Equal(t, 3, count(axisEvery+1))
}
