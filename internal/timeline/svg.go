// Package timeline draws membership timelines as SVG: an organization's members, or a state's
// organizations, one row each, with a bar per stint. Layout and drawing (this file) are pure
// functions of a Chart; http.go serves them from the store.
//
// A bar draws what the sources together state about when the stint held (kg.Span), and
// never more:
//   - its colour is the stint's role (legend at the top);
//   - the stretch the stint certainly held is solid;
//   - a boundary the sources date to the day is a sharp edge; one they date only to the year
//     or month, call approximate (a range of years) or bound on both sides is a cap fading in
//     (start) or out (end) over the whole period it may fall in;
//   - a side the sources leave open is a short hatched stub that fades away: an undated start
//     before the earliest date the stint may have held (never a bar from the axis's start),
//     and an open end after the last date its source looked (never a bar to the axis's end);
//   - years without data inside the stint are hatched, not solid;
//   - a stint whose start and end may fall in the same stretch is one pale block;
//   - a stint that goes on after the axis asked for (to) ends in a solid arrow head;
//   - a stint no source dates at all is a hatched mark and the words "dates unknown";
//   - a disputed stint (its sources disagree) has a dashed outline, and each other source's
//     version of it is drawn as a thin line beneath the bar, dotted where it leaves a side open;
//   - hovering a bar shows its dates and what of them is unknown, its role, end and every
//     source's claim with document, section and footnotes.
//
// The legend shows each of these at the size of a bar. The axis spans the dates the sources
// give, never the open bounds (kg.OpenStart, kg.OpenEnd); its years are written at the top,
// at the bottom and again every 40 rows. The same Chart always gives the same bytes.
package timeline

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/treatygraph/treatygraph/internal/cut"
	"github.com/treatygraph/treatygraph/internal/kg"
)

// Defaults for the size bounds of a chart.
const (
	// DefaultMaxRows is how many rows a chart draws at most; the rest are left out and the
	// chart says so.
	DefaultMaxRows = 400
	// DefaultMaxBytes is how large a chart grows at most; rows past it are left out and the
	// chart says so.
	DefaultMaxBytes = 2 << 20
)

// Row is one line of a chart: a member of the organization, or an organization of the state,
// with its stints.
type Row struct {
	Slug string
	// Label is drawn left of the row; Title is the row's tooltip (the full name).
	Label  string
	Title  string
	Stints []*kg.Membership
}

// Chart is everything a timeline shows.
type Chart struct {
	// Title heads the chart; Subtitle says what was asked (filters) under it.
	Title    string
	Subtitle string
	// Counterpart is what a row is: "member" or "organization".
	Counterpart string
	Rows        []Row
	// From and To bound the time axis when given; otherwise it spans the stints.
	From, To *kg.PartialDate
	// At, when given, is drawn as a vertical line.
	At *kg.PartialDate
	// Sources names the documents the bars come from, for the footer.
	Sources []string
	// Link is where the chart links to (the explore page); Version is the dataset version.
	Link    string
	Version string
	// MaxRows and MaxBytes bound the chart (DefaultMaxRows, DefaultMaxBytes when zero).
	MaxRows  int
	MaxBytes int
}

// Geometry, in SVG user units (pixels at 100 %).
const (
	width      = 980
	labelRight = 262 // right edge of the row labels
	plotLeft   = 272
	plotRight  = 956
	rowHeight  = 16
	barHeight  = 10
	headTop    = 184 // top of the first row, under the legend and the axis
	stubWidth  = 22  // how wide a side the sources leave open is drawn
	labelRunes = 40  // longest row label, in characters
	// Every axisEvery rows the year axis is drawn again, in a strip axisGap tall, so that a
	// long chart can be read without scrolling back to its top.
	axisEvery = 40
	axisGap   = 18
	swatch    = 24 // how wide a swatch of the legend is; it is as tall as a bar
)

// rowTop is the top of row i: under the rows before it and the axis strips among them.
func rowTop(i int) int { return headTop + i*rowHeight + i/axisEvery*axisGap }

// The colours of the roles (the Okabe–Ito palette, readable with the common colour-vision
// deficiencies), of disputes and of the grid.
var roleColours = []struct {
	role   kg.MembershipRole
	colour string
	name   string
}{
	{kg.RoleMember, "#0072b2", "member"},
	{kg.RoleAssociate, "#009e73", "associate"},
	{kg.RoleObserver, "#e69f00", "observer"},
	{kg.RolePartner, "#cc79a7", "partner"},
	{kg.RoleProspective, "#7f7f7f", "prospective"},
}

const (
	disputeColour = "#d55e00"
	gridColour    = "#e3e3e3"
	textColour    = "#222"
)

func roleIndex(r kg.MembershipRole) int {
	for i, rc := range roleColours {
		if rc.role == r {
			return i
		}
	}
	return len(roleColours) - 1
}

// scale maps YYYYMMDD day numbers to x.
type scale struct {
	lo, hi float64 // in fractional years
}

// years turns a YYYYMMDD number into fractional years at the start of that day.
func years(n int) float64 {
	y, m, d := n/10000, n/100%100, n%100
	return float64(y) + float64(m-1)/12 + float64(d-1)/(12*31)
}

// endOf is the fractional year at the end of the day YYYYMMDD.
func endOf(n int) float64 { return years(n) + 1.0/(12*31) }

// oneDay is a little more than a day in fractional years: a boundary known to the day is a
// sharp edge, however wide a day is on the axis.
const oneDay = 1.5 / (12 * 31)

func (s scale) x(t float64) float64 {
	t = math.Max(s.lo, math.Min(s.hi, t))
	return plotLeft + (t-s.lo)/(s.hi-s.lo)*(plotRight-plotLeft)
}

// drawnClaim is the claim that states all of what a bar draws: the claim of the stint's own
// source (the preferred claim, or the claim of the source asked for) when its span is the
// stint's; nil when the stint's span merges several claims that differ, or it lists none.
func drawnClaim(m *kg.Membership) *kg.MembershipClaim {
	c := m.Claim(m.Source.DocumentSlug)
	if c == nil || !sameSpan(c.Span(), stintSpan(m)) {
		return nil
	}
	return c
}

// extent is the time the sources place the chart's stints in, in fractional years: from the
// earliest to the latest bounded side of any stint, or of any claim of a disputed stint
// (drawn beneath it). openLo is the earliest bounded side of a stint whose start is open,
// openHi the latest of one whose end is open: the axis leaves room there for their stubs.
func extent(rows []Row) (lo, hi, openLo, openHi float64, any bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	openLo, openHi = math.Inf(1), math.Inf(-1)
	add := func(sp span) {
		first, last, ok := sp.anchors()
		if !ok {
			return
		}
		any = true
		lo, hi = math.Min(lo, first), math.Max(hi, last)
		if sp.openStart() {
			openLo = math.Min(openLo, first)
		}
		if sp.openEnd() {
			openHi = math.Max(openHi, last)
		}
	}
	for _, r := range rows {
		for _, m := range r.Stints {
			add(yearsOf(stintSpan(m)))
			if m.Disputed {
				for k := range m.Claims {
					add(yearsOf(m.Claims[k].Span()))
				}
			}
		}
	}
	return lo, hi, openLo, openHi, any
}

// axis chooses the time axis: the range asked for, or the stints' extent with room for the
// stubs of open sides, widened to whole ticks (to a whole year when the stub of an open end
// is last). It never reaches for an open bound.
func axis(c *Chart) (s scale, step int) {
	lo, hi, openLo, openHi, any := extent(c.Rows)
	if !any {
		lo, hi = 1990, 2020
	}
	if c.At != nil {
		// The date asked for is on the axis, and the stints kept cover it.
		lo = math.Min(lo, years(c.At.First()))
		hi = math.Max(hi, endOf(c.At.Last()))
	}
	if hi <= lo {
		hi = lo + 1
	}
	// Room for the stubs: stubWidth pixels of an axis that the room itself widens.
	room := (hi - lo) * stubWidth / (plotRight - plotLeft - 2*stubWidth)
	lo = math.Min(lo, openLo-room)
	stubbed := openHi+room > hi // the axis ends with the stub of an open end
	hi = math.Max(hi, openHi+room)
	if c.From != nil {
		lo = years(c.From.First())
	}
	if c.To != nil {
		hi = endOf(c.To.Last())
	}
	if hi <= lo {
		hi = lo + 1
	}
	step = tickStep(hi - lo)
	if c.From == nil {
		lo = math.Floor(lo/float64(step)) * float64(step)
	}
	switch {
	case c.To == nil && stubbed:
		hi = math.Ceil(hi) // between ticks: no year is left empty after the stub
	case c.To == nil:
		hi = math.Ceil(hi/float64(step)) * float64(step)
	}
	return scale{lo, hi}, step
}

// tickStep is the gap between year labels: the smallest of 1, 2, 5, 10, 20, 25, 50, 100
// years that gives at most 14 labels.
func tickStep(years float64) int {
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100} {
		if years/float64(s) <= 14 {
			return s
		}
	}
	return 200
}

// Render draws the chart.
func Render(c Chart) []byte {
	maxRows := c.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	maxBytes := c.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	s, step := axis(&c)

	// Rows first, so that the height is known when the header is written; each row is one
	// piece, and the rows stop at the row bound or when the next one would pass the byte
	// bound (a reserve is kept for the header, axis and footer).
	const reserve = 24 << 10
	var rows bytes.Buffer
	shown := 0
	for i := range c.Rows {
		if i >= maxRows {
			break
		}
		var one bytes.Buffer
		writeRow(&one, &c.Rows[i], i, s)
		if rows.Len()+one.Len() > maxBytes-reserve {
			break
		}
		rows.Write(one.Bytes())
		shown++
	}

	plotBottom := rowTop(shown-1) + rowHeight
	if shown == 0 {
		plotBottom = headTop + 2*rowHeight
	}
	height := plotBottom + 74

	var b bytes.Buffer
	b.Grow(rows.Len() + 8<<10)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="11" fill="%s">`+"\n", width, height, width, height, textColour)
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(c.Title))
	writeDefs(&b)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="12" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", esc(c.Title))
	sub := c.Subtitle
	if cut := len(c.Rows) - shown; cut > 0 {
		sub = strings.TrimSpace(sub + fmt.Sprintf(" · cut: showing the first %d of %d %ss", shown, len(c.Rows), c.Counterpart))
	}
	fmt.Fprintf(&b, `<text x="12" y="40">%s</text>`+"\n", esc(sub))
	writeLegend(&b, c.At != nil, c.To != nil)
	// Every other row shaded, under the grid, so that a row reads across 700 pixels.
	for i := 1; i < shown; i += 2 {
		fmt.Fprintf(&b, `<rect y="%d" width="%d" height="%d" fill="#f5f5f5"/>`, rowTop(i), width, rowHeight)
	}
	b.WriteByte('\n')
	writeAxis(&b, s, step, plotBottom, shown)
	if shown == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#777">No stints match.</text>`+"\n", (plotLeft+plotRight)/2, headTop+rowHeight+4)
	}
	b.Write(rows.Bytes())
	if c.At != nil {
		x := s.x(years(c.At.First()))
		fmt.Fprintf(&b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s" stroke-width="1.5"/>`+"\n", num(x), headTop-6, num(x), plotBottom, textColour)
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle" font-weight="bold">%s</text>`+"\n", num(x), plotBottom+30, esc(c.At.ISO()))
	}
	if cut := len(c.Rows) - shown; cut > 0 {
		fmt.Fprintf(&b, `<text x="12" y="%d" fill="%s" font-weight="bold">%d more %ss not drawn: the chart is cut at %d rows or %d bytes.</text>`+"\n",
			plotBottom+30, disputeColour, cut, c.Counterpart, maxRows, maxBytes)
	}
	foot := "Data: " + strings.Join(c.Sources, "; ")
	if len(c.Sources) == 0 {
		foot = "Data: no source states a stint here"
	}
	// A footer too long for the line names the sources that fit, and how many more there are
	// (each bar's title names its own).
	for n := len(c.Sources) - 1; n > 0 && utf8.RuneCountInString(foot) > 170; n-- {
		foot = fmt.Sprintf("Data: %s; and %d more (see each bar's sources)", strings.Join(c.Sources[:n], "; "), len(c.Sources)-n)
	}
	fmt.Fprintf(&b, `<text x="12" y="%d" font-size="10" fill="#555">%s</text>`+"\n", plotBottom+48, esc(clip(foot, 170)))
	fmt.Fprintf(&b, `<a href="%s"><text x="12" y="%d" font-size="10" fill="#0b57d0" text-decoration="underline">Explore the graph</text></a>`+"\n", esc(c.Link), plotBottom+64)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="#555" text-anchor="end">treatygraph · dataset %s</text>`+"\n", plotRight, plotBottom+64, esc(c.Version))
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// writeDefs writes, for each role, the gradients of a fading start and a fading end and the
// hatching of what is unknown, and the masks that fade a stub away to the left or right.
func writeDefs(b *bytes.Buffer) {
	b.WriteString("<defs>\n")
	for i, rc := range roleColours {
		fmt.Fprintf(b, `<linearGradient id="in%d"><stop offset="0" stop-color="%s" stop-opacity="0.08"/><stop offset="1" stop-color="%s"/></linearGradient>`+"\n", i, rc.colour, rc.colour)
		fmt.Fprintf(b, `<linearGradient id="out%d"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s" stop-opacity="0.08"/></linearGradient>`+"\n", i, rc.colour, rc.colour)
		fmt.Fprintf(b, `<pattern id="hatch%d" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="%s" fill-opacity="0.15"/><rect width="1.6" height="4" fill="%s"/></pattern>`+"\n", i, rc.colour, rc.colour)
	}
	b.WriteString(`<linearGradient id="fadeL"><stop offset="0" stop-color="#fff" stop-opacity="0.1"/><stop offset="1" stop-color="#fff"/></linearGradient>` + "\n")
	b.WriteString(`<linearGradient id="fadeR"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#fff" stop-opacity="0.1"/></linearGradient>` + "\n")
	b.WriteString(`<mask id="stubL" maskContentUnits="objectBoundingBox"><rect width="1" height="1" fill="url(#fadeL)"/></mask>` + "\n")
	b.WriteString(`<mask id="stubR" maskContentUnits="objectBoundingBox"><rect width="1" height="1" fill="url(#fadeR)"/></mask>` + "\n")
	b.WriteString("</defs>\n")
}

// writeLegend shows every way a bar is drawn, each swatch as tall as a bar: the role
// colours on one line, then two columns of what the shapes, fades, hatching and outlines
// mean. at and cut add the line of the date asked for and the arrow of a stint that goes on
// after the axis, which only such charts draw.
func writeLegend(b *bytes.Buffer, at, cut bool) {
	b.WriteString(`<g class="legend">` + "\n")
	defer b.WriteString("</g>\n")
	const y = 52
	x := 12
	for _, rc := range roleColours {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", x, y, swatch, barHeight, rc.colour, x+swatch+5, y+9, rc.name)
		x += swatch + 24 + 7*len(rc.name)
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" fill="#555">the stint certainly held; a sharp edge is a date known to the day</text>`+"\n", x, y+9)

	// Each entry: its swatch, drawn by draw at (x, top of a bar), and its words.
	type entry struct {
		draw  func(x, y int)
		words string
	}
	c0, hatch := roleColours[0].colour, "url(#hatch0)"
	rect := func(x, y, w int, fill, extra string) {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"%s/>`, x, y, w, barHeight, fill, extra)
	}
	entries := []entry{
		{func(x, y int) {
			rect(x, y, swatch/2, "url(#in0)", "")
			rect(x+swatch/2, y, swatch/2, c0, "")
			rect(x+swatch, y, swatch/2, "url(#out0)", "")
		},
			"start or end known only to the year or month, or approximate"},
		{func(x, y int) { rect(x, y, swatch, c0, ` fill-opacity="0.45"`) },
			"pale: start and end may fall in the same stretch (e.g. one year)"},
		{func(x, y int) {
			rect(x, y, stubWidth, hatch, ` mask="url(#stubL)"`)
			rect(x+stubWidth, y, swatch-stubWidth/2, c0, "")
		},
			"start not dated: from the first date a source gives, not the axis"},
		{func(x, y int) {
			rect(x, y, swatch-stubWidth/2, c0, "")
			rect(x+swatch-stubWidth/2, y, stubWidth, hatch, ` mask="url(#stubR)"`)
		},
			"open end: still so when the source last looked, later unknown"},
		{func(x, y int) {
			rect(x, y, swatch/2, c0, "")
			rect(x+swatch/2, y, swatch/2, hatch, "")
			rect(x+swatch, y, swatch/2, c0, "")
		},
			"hatched: years for which the source has no data"},
		{func(x, y int) { rect(x, y, 16, hatch, "") },
			"a stint no source dates (written \"dates unknown\")"},
		{func(x, y int) {
			rect(x, y, swatch+swatch/2, c0, "")
			fmt.Fprintf(b, `<rect x="%d" y="%s" width="%d" height="%d" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="3 2"/>`, x-1, num(float64(y)-1.5), swatch+swatch/2+2, barHeight+3, disputeColour)
		}, "disputed: the sources disagree on the dates or the role"},
		{func(x, y int) {
			fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="2 2"/>`,
				x, y+5, x+swatch, y+5, c0, x+swatch, y+5, x+swatch+swatch/2, y+5, c0)
		}, "under a disputed bar: another source's dates (dotted where open)"},
	}
	if at {
		entries = append(entries, entry{func(x, y int) {
			fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1.5"/>`, x+swatch/2, y-2, x+swatch/2, y+barHeight+2, textColour)
		}, "the date asked for"})
	}
	if cut {
		entries = append(entries, entry{func(x, y int) {
			rect(x, y, swatch, c0, "")
			fmt.Fprintf(b, `<path d="M%d %dl6 5-6 5z" fill="%s"/>`, x+swatch, y, c0)
		}, "goes on after the axis"})
	}
	const top, line, column = y + 20, 16, 484
	for i, e := range entries {
		ex, ey := 12+i%2*column, top+i/2*line
		e.draw(ex, ey)
		fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", ex+2*swatch+8, ey+9, esc(e.words))
	}
	fmt.Fprintf(b, `<text x="12" y="%d" fill="#555">Hover a bar for its dates, what of them is unknown, and its sources.</text>`+"\n", top+(len(entries)+1)/2*line+9)
}

// writeAxis draws the grid and the year labels: over the first row, under the last, and in
// a strip of their own every axisEvery rows.
func writeAxis(b *bytes.Buffer, s scale, step int, bottom, rows int) {
	first := int(math.Ceil(s.lo/float64(step))) * step
	// The grid runs from the top labels to the bottom, broken where a strip's labels are.
	segments := [][2]int{{headTop - 4, bottom}}
	var strips []int // the baselines of the labels between rows
	for i := axisEvery; i < rows; i += axisEvery {
		top := rowTop(i) - axisGap
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`+"\n", plotLeft, top, plotRight, top)
		strips = append(strips, top+13)
		segments[len(segments)-1][1] = top
		segments = append(segments, [2]int{top + axisGap - 4, bottom})
	}
	for yr := first; float64(yr) <= s.hi; yr += step {
		x := num(s.x(float64(yr)))
		for _, sg := range segments {
			fmt.Fprintf(b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s"/>`, x, sg[0], x, sg[1], gridColour)
		}
		fmt.Fprintf(b, `<text x="%s" y="%d" text-anchor="middle" fill="#555">%d</text>`, x, headTop-7, yr)
		for _, y := range strips {
			fmt.Fprintf(b, `<text x="%s" y="%d" text-anchor="middle" fill="#555">%d</text>`, x, y, yr)
		}
		fmt.Fprintf(b, `<text x="%s" y="%d" text-anchor="middle" fill="#555">%d</text>`+"\n", x, bottom+13, yr)
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`+"\n", plotLeft, bottom, plotRight, bottom)
}

func writeRow(b *bytes.Buffer, r *Row, i int, s scale) {
	top := rowTop(i)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end"><title>%s</title>%s</text>`+"\n", labelRight, top+12, esc(r.Title), esc(clip(r.Label, labelRunes)))
	for _, m := range r.Stints {
		writeStint(b, r, m, top+3, s)
	}
}

func writeStint(b *bytes.Buffer, r *Row, m *kg.Membership, y int, s scale) {
	ri := roleIndex(m.Role)
	sp := yearsOf(stintSpan(m))
	b.WriteString("<g>")
	fmt.Fprintf(b, "<title>%s</title>", esc(tooltip(r, m)))
	left, right, ok := writeBar(b, sp, ri, y, s)
	if !ok { // no source places the stint in time
		left, right = plotLeft+2, plotLeft+18
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="16" height="%d" fill="url(#hatch%d)"/><text x="%d" y="%d" fill="#555" font-style="italic">dates unknown</text>`,
			plotLeft+2, y, barHeight, ri, plotLeft+22, y+9)
	}
	if m.Disputed {
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%d" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="3 2"/>`,
			num(left-1), num(float64(y)-1.5), num(math.Max(right-left, 1)+2), barHeight+3, disputeColour)
		// The other sources' versions, as thin lines under the bar: the bar holds the
		// stint's own source's (the preferred claim, or that of the source asked for).
		own := m.Claim(m.Source.DocumentSlug)
		for k := range m.Claims {
			if o := &m.Claims[k]; o != own {
				writeClaimLine(b, yearsOf(o.Span()), roleIndex(o.Role), y+barHeight+2, s)
			}
		}
	}
	b.WriteString("</g>\n")
}

// stub is where the stub of an open side is drawn, in pixels: stubWidth wide, left of x for
// an open start and right of it for an open end, within the plot.
func stub(x float64, before bool) (x0, x1 float64) {
	if before {
		return math.Max(plotLeft, x-stubWidth), x
	}
	return x, math.Min(plotRight, x+stubWidth)
}

// writeBar draws a stint's span as a bar at y and returns the left and right of what it
// drew; ok is false when the span has no bounded side, and nothing is drawn.
func writeBar(b *bytes.Buffer, sp span, ri int, y int, s scale) (left, right float64, ok bool) {
	first, last, ok := sp.anchors()
	if !ok {
		return 0, 0, false
	}
	colour := roleColours[ri].colour
	rect := func(x0, x1 float64, fill string, extra string) {
		fmt.Fprintf(b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s"%s/>`, num(x0), y, num(x1-x0), barHeight, fill, extra)
	}
	// The bounded part: from the start (or, when it is open, the first bounded side) to the
	// end (or the last bounded side).
	lo, hi := sp.startLo, sp.endHi
	if sp.openStart() {
		lo = first
	}
	if sp.openEnd() {
		hi = last
	}
	x0, x3 := s.x(lo), s.x(hi)
	left, right = x0, x3
	cut := sp.endLo >= s.hi // certainly goes on after the axis
	// The stretches where a boundary may fall, faded: years without data in them are
	// hatched over the fade.
	var windows [][2]float64
	if sp.startHi < sp.endLo { // a stretch the stint certainly held
		x1, x2 := s.x(sp.startHi), s.x(sp.endLo)
		if !sp.openStart() && sp.startHi-sp.startLo > oneDay && x1-x0 >= 0.3 {
			rect(x0, x1, fmt.Sprintf("url(#in%d)", ri), "")
			windows = append(windows, [2]float64{lo, sp.startHi})
		}
		writeCore(b, sp, ri, y, s, x0, x3)
		if !sp.openEnd() && !cut && sp.endHi-sp.endLo > oneDay && x3-x2 >= 0.3 {
			rect(x2, x3, fmt.Sprintf("url(#out%d)", ri), "")
			windows = append(windows, [2]float64{sp.endLo, hi})
		}
	} else { // the start and the end may fall in the same stretch: one pale block
		rect(x0, math.Max(x3, x0+1), colour, ` fill-opacity="0.45"`)
		right = math.Max(x3, x0+1)
		windows = append(windows, [2]float64{lo, hi})
	}
	for _, run := range unknownRuns(sp.unknown) {
		for _, w := range windows {
			if a, z := s.x(math.Max(run[0], w[0])), s.x(math.Min(run[1], w[1])); z-a >= 0.3 {
				rect(a, z, fmt.Sprintf("url(#hatch%d)", ri), "")
			}
		}
	}
	if cut {
		fmt.Fprintf(b, `<path d="M%s %dl6 5-6 5z" fill="%s"/>`, num(s.x(s.hi)), y, colour)
		return left, s.x(s.hi), true
	}
	if sp.openStart() {
		if a, z := stub(x0, true); z-a >= 0.3 {
			rect(a, z, fmt.Sprintf("url(#hatch%d)", ri), ` mask="url(#stubL)"`)
			left = a
		}
	}
	if sp.openEnd() {
		if a, z := stub(x3, false); z-a >= 0.3 {
			rect(a, z, fmt.Sprintf("url(#hatch%d)", ri), ` mask="url(#stubR)"`)
			right = z
		}
	}
	return left, right, true
}

// writeCore draws the stretch a stint certainly held, from the latest day it may have begun
// to the earliest it may have ended: solid, but hatched over the years without data. x0 and
// x3 are the bar's ends, which a stint of a day or so still shows as a pixel between.
func writeCore(b *bytes.Buffer, sp span, ri int, y int, s scale, x0, x3 float64) {
	colour := roleColours[ri].colour
	from, to := sp.startHi, sp.endLo
	if s.x(to)-s.x(from) < 0.3 {
		if s.x(sp.startHi)-x0 < 0.3 && x3-s.x(sp.endLo) < 0.3 {
			fmt.Fprintf(b, `<rect x="%s" y="%d" width="1" height="%d" fill="%s"/>`, num(s.x(from)), y, barHeight, colour)
		}
		return
	}
	piece := func(a, z float64, fill string) {
		xa, xz := s.x(a), s.x(z)
		if xz-xa > 0 {
			fmt.Fprintf(b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s"/>`, num(xa), y, num(math.Max(xz-xa, 0.5)), barHeight, fill)
		}
	}
	at := from
	for _, run := range unknownRuns(sp.unknown) {
		a, z := math.Max(run[0], at), math.Min(run[1], to)
		if a >= z {
			continue
		}
		piece(at, a, colour)
		piece(a, z, fmt.Sprintf("url(#hatch%d)", ri))
		at = z
	}
	piece(at, to, colour)
}

// unknownRuns are the runs of consecutive years without data, each from the start of its
// first year to the end of its last, in fractional years.
func unknownRuns(years []int) [][2]float64 {
	var out [][2]float64
	for i := 0; i < len(years); i++ {
		first := years[i]
		for i+1 < len(years) && years[i+1] == years[i]+1 {
			i++
		}
		out = append(out, [2]float64{float64(first), float64(years[i] + 1)})
	}
	return out
}

// writeClaimLine draws one source's version of a disputed stint as a thin line under its bar
// at y: solid where the source bounds it, dotted for a stub where it leaves a side open.
func writeClaimLine(b *bytes.Buffer, sp span, ri int, y int, s scale) {
	first, last, ok := sp.anchors()
	if !ok {
		return
	}
	colour := roleColours[ri].colour
	lo, hi := sp.startLo, sp.endHi
	if sp.openStart() {
		lo = first
	}
	if sp.openEnd() {
		hi = last
	}
	line := func(x0, x1 float64, extra string) {
		fmt.Fprintf(b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s" stroke-width="2"%s/>`, num(x0), y, num(x1), y, colour, extra)
	}
	x0, x1 := s.x(lo), math.Max(s.x(hi), s.x(lo)+1)
	line(x0, x1, "")
	if sp.openStart() {
		if a, z := stub(x0, true); z-a >= 0.3 {
			line(a, z, ` stroke-dasharray="2 2"`)
		}
	}
	if sp.openEnd() {
		if a, z := stub(x1, false); z-a >= 0.3 {
			line(a, z, ` stroke-dasharray="2 2"`)
		}
	}
}

// tooltip says what a bar shows: the stint with its role and dates and what of them is
// unknown, whether the sources disagree, and each source's claim with document, section and
// footnotes.
func tooltip(r *Row, m *kg.Membership) string {
	var t strings.Builder
	var dates string
	if c := drawnClaim(m); c != nil {
		dates = claimDates(c)
	} else {
		dates = spanDates(stintSpan(m), m.Claims)
	}
	fmt.Fprintf(&t, "%s: %s, %s", r.Title, strings.ToLower(string(m.Role)), dates)
	if m.EndReason != nil {
		fmt.Fprintf(&t, " (%s)", strings.ToLower(strings.ReplaceAll(string(*m.EndReason), "_", " ")))
	}
	if m.Disputed {
		t.WriteString("\nDisputed: " + strings.Join(m.Disagreements, "; "))
	}
	if len(m.Claims) == 0 {
		t.WriteString("\nSource: " + source(m.Source))
		return t.String()
	}
	if len(m.Claims) == 1 {
		t.WriteString("\nSource: " + source(m.Claims[0].Source))
		return t.String()
	}
	t.WriteString("\nSources:")
	for k := range m.Claims {
		c := &m.Claims[k]
		fmt.Fprintf(&t, "\n– %s: %s, %s", source(c.Source), strings.ToLower(string(c.Role)), claimDates(c))
	}
	return t.String()
}

func source(s kg.Source) string {
	out := s.DocumentSlug
	if s.SectionKey != "" {
		out += ", section " + s.SectionKey
	}
	switch len(s.Notes) {
	case 0:
	case 1:
		out += ", note " + strconv.Itoa(s.Notes[0])
	default:
		ns := make([]string, len(s.Notes))
		for i, n := range s.Notes {
			ns[i] = strconv.Itoa(n)
		}
		out += ", notes " + strings.Join(ns, ", ")
	}
	return out
}

// clip cuts s to n characters, ending in "…" when it was longer.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	p, _ := cut.Prefix(s, n-1)
	return strings.TrimSpace(p) + cut.Ellipsis
}

// num writes a coordinate with one decimal, without a trailing ".0".
func num(f float64) string {
	s := strconv.FormatFloat(math.Round(f*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}

// esc escapes text for XML content and attributes, and drops the characters XML forbids.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\n':
			b.WriteString("&#10;")
		case r == '\t' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF && (r < 0xD800 || r > 0xDFFF):
			b.WriteRune(r)
		}
	}
	return b.String()
}
