package timeline

import (
	"encoding/xml"
	"io"
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

func TestPeriod(t *testing.T) {
	for _, c := range []struct {
		start, end *kg.PartialDate
		sr, er     *kg.YearRange
		asOf       *kg.PartialDate
		want       string
	}{
		{date("1994"), date("1999"), nil, nil, nil, "1994 to 1999"},
		{date("2006-06-23"), nil, nil, nil, nil, "2006-06-23 onwards"},
		{date("2002"), nil, nil, nil, date("2014"), "2002 onwards (still so in 2014)"},
		{date("1962"), date("1970"), &kg.YearRange{Earliest: 1962, Latest: 1965}, &kg.YearRange{Earliest: 1970, Latest: 1970}, nil,
			"1962 (between 1962 and 1965) to 1970"},
		{nil, date("2001-03"), nil, nil, nil, "since an unstated date to 2001-03"},
	} {
		assert.Equal(t, c.want, period(c.start, c.end, c.sr, c.er, c.asOf))
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
	assert.Contains(t, bars["B: "], "since an unstated date to 1992")
	assert.Contains(t, bars["B: "], `fill="url(#in1)"`, "an unknown start fades in from the left edge")
	assert.Contains(t, bars["C: "], `fill-opacity="0.45"`, "a stint within one year is one pale block")
	assert.Contains(t, bars["D: "], `fill="url(#run3)"`)
	assert.Contains(t, bars["D: "], `<path d="M956 `)
	assert.Contains(t, bars["D: "], `fill="url(#in3)"`, "a start known to the month fades in over the month")
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
