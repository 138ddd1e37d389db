// Package timeline draws membership timelines as SVG: an organization's members, or a state's
// organizations, one row each, with a bar per stint. Layout and drawing (this file) are pure
// functions of a Chart; http.go serves them from the store.
//
// How a bar reads:
//   - its colour is the stint's role (legend at the top);
//   - a date known to the day is a sharp edge; a date known only to the year or month, or one
//     a source calls approximate (a range of years), is a cap fading in (start) or out (end)
//     over the whole period it may fall in;
//   - a stint still running when its source was written runs to the right edge and fades,
//     ending in a pale arrow head; a stint that ends after the axis asked for (to) ends in
//     a solid one;
//   - a disputed stint (its sources disagree) has a dashed outline, and each other source's
//     version of it is drawn as a thin line beneath the bar;
//   - hovering a bar shows its dates, role, end and every source's claim with document,
//     section and footnotes.
//
// The same Chart always gives the same bytes.
package timeline

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

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
	headTop    = 96 // top of the first row
	labelRunes = 40 // longest row label, in characters
)

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

func (s scale) x(t float64) float64 {
	t = math.Max(s.lo, math.Min(s.hi, t))
	return plotLeft + (t-s.lo)/(s.hi-s.lo)*(plotRight-plotLeft)
}

// span is where a stint's boundaries may fall, in fractional years: the start in
// [startLo, startHi], the end in [endLo, endHi].
type span struct {
	startLo, startHi float64
	endLo, endHi     float64
	noStart, open    bool
}

// drawnClaim is the claim a stint is drawn from: the one of its own source (the preferred
// claim, or the claim of the source asked for); nil when the stint lists no claims.
func drawnClaim(m *kg.Membership) *kg.MembershipClaim {
	return m.Claim(m.Source.DocumentSlug)
}

func boundsOf(d *kg.PartialDate, r *kg.YearRange) (lo, hi float64) {
	lo, hi = years(d.First()), endOf(d.Last())
	if r != nil {
		lo = math.Min(lo, float64(r.Earliest))
		hi = math.Max(hi, float64(r.Latest+1))
	}
	return lo, hi
}

// spanOf is the stint's span as drawn; an open end is left at 0 for the caller to fill.
func spanOf(m *kg.Membership, c *kg.MembershipClaim) span {
	var sp span
	var startRange, endRange *kg.YearRange
	if c != nil {
		startRange, endRange = c.StartRange, c.EndRange
	}
	if m.Start == nil {
		sp.noStart = true
	} else {
		sp.startLo, sp.startHi = boundsOf(m.Start, startRange)
	}
	if m.End == nil {
		sp.open = true
	} else {
		sp.endLo, sp.endHi = boundsOf(m.End, endRange)
	}
	return sp
}

// extent is the time the stints of the chart cover, in fractional years: from the earliest
// possible start to the latest date any of them names (an end, a start, or the last date a
// source observed a running stint); open says whether any stint is still running.
func extent(rows []Row) (lo, hi float64, open, any bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		for _, m := range r.Stints {
			c := drawnClaim(m)
			sp := spanOf(m, c)
			any = true
			if !sp.noStart {
				lo = math.Min(lo, sp.startLo)
				hi = math.Max(hi, sp.startHi)
			}
			if sp.open {
				open = true
				// Any source's last observed date: the dataset still saw the stint then even
				// where the text, which has no such date, is the claim drawn.
				for _, cl := range m.Claims {
					if cl.AsOf != nil {
						hi = math.Max(hi, endOf(cl.AsOf.Last()))
					}
				}
				if c != nil && c.AsOf != nil {
					hi = math.Max(hi, endOf(c.AsOf.Last()))
				}
			} else {
				lo = math.Min(lo, sp.endLo)
				hi = math.Max(hi, sp.endHi)
			}
		}
	}
	return lo, hi, open, any
}

// axis chooses the time axis: the range asked for, or the stints' extent widened to whole
// ticks, with room after the last date for the fading ends of running stints (the axis then
// ends there, between ticks). known is the
// last date the chart's stints name; running stints are solid up to it.
func axis(c *Chart) (s scale, known float64, step int) {
	lo, hi, open, any := extent(c.Rows)
	if !any || math.IsInf(lo, 1) {
		lo, hi = 1990, 2020
	}
	if math.IsInf(hi, -1) || hi <= lo {
		hi = lo + 1
	}
	if c.At != nil {
		// The date asked for is on the axis, and the stints kept cover it.
		lo = math.Min(lo, years(c.At.First()))
		hi = math.Max(hi, endOf(c.At.Last()))
	}
	known = hi
	if c.From != nil {
		lo = years(c.From.First())
	}
	if c.To != nil {
		hi = endOf(c.To.Last())
	} else if open {
		// Room for the fading ends: running stints are known to run at least this long.
		hi += math.Max(1, math.Min(4, (hi-lo)*0.03))
	}
	if hi <= lo {
		hi = lo + 1
	}
	step = tickStep(hi - lo)
	if c.From == nil {
		lo = math.Floor(lo/float64(step)) * float64(step)
	}
	if c.To == nil && !open {
		hi = math.Ceil(hi/float64(step)) * float64(step)
	}
	return scale{lo, hi}, known, step
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
	s, known, step := axis(&c)

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
		writeRow(&one, &c.Rows[i], i, s, known)
		if rows.Len()+one.Len() > maxBytes-reserve {
			break
		}
		rows.Write(one.Bytes())
		shown++
	}

	plotBottom := headTop + shown*rowHeight
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
		fmt.Fprintf(&b, `<rect y="%d" width="%d" height="%d" fill="#f5f5f5"/>`, headTop+i*rowHeight, width, rowHeight)
	}
	b.WriteByte('\n')
	writeAxis(&b, s, step, plotBottom)
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
	fmt.Fprintf(&b, `<text x="12" y="%d" font-size="10" fill="#555">%s</text>`+"\n", plotBottom+48, esc(clip(foot, 170)))
	fmt.Fprintf(&b, `<a href="%s"><text x="12" y="%d" font-size="10" fill="#0b57d0" text-decoration="underline">Explore the graph</text></a>`+"\n", esc(c.Link), plotBottom+64)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="#555" text-anchor="end">treatygraph · dataset %s</text>`+"\n", plotRight, plotBottom+64, esc(c.Version))
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// writeDefs writes, for each role, the gradients of a fading start, a fading end and the
// running end, and the arrow head of running stints.
func writeDefs(b *bytes.Buffer) {
	b.WriteString("<defs>\n")
	for i, rc := range roleColours {
		fmt.Fprintf(b, `<linearGradient id="in%d"><stop offset="0" stop-color="%s" stop-opacity="0.08"/><stop offset="1" stop-color="%s"/></linearGradient>`+"\n", i, rc.colour, rc.colour)
		fmt.Fprintf(b, `<linearGradient id="out%d"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s" stop-opacity="0.08"/></linearGradient>`+"\n", i, rc.colour, rc.colour)
		fmt.Fprintf(b, `<linearGradient id="run%d"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s" stop-opacity="0.25"/></linearGradient>`+"\n", i, rc.colour, rc.colour)
	}
	b.WriteString("</defs>\n")
}

func writeLegend(b *bytes.Buffer, at, cut bool) {
	const y = 52
	x := 12
	for _, rc := range roleColours {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="14" height="%d" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", x, y, barHeight, rc.colour, x+18, y+9, rc.name)
		x += 32 + 7*len(rc.name)
	}
	x += 10
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="18" height="%d" fill="url(#in0)"/><rect x="%d" y="%d" width="18" height="%d" fill="url(#out0)"/><text x="%d" y="%d">date known to the year or month, or approximate</text>`+"\n",
		x, y, barHeight, x+22, y, barHeight, x+44, y+9)
	x += 44 + 262
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="26" height="%d" fill="url(#run0)"/><path d="M%d %dl6 5-6 5z" fill="%s" fill-opacity="0.5"/><text x="%d" y="%d">still running</text>`+"\n",
		x, y, barHeight, x+26, y, roleColours[0].colour, x+36, y+9)
	const y2 = y + 16
	x = 12
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="26" height="%d" fill="%s"/><rect x="%d" y="%d" width="26" height="%d" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="3 2"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/><text x="%d" y="%d">disputed: the sources disagree; thin lines are the other sources' dates</text>`+"\n",
		x, y2, barHeight, roleColours[0].colour, x, y2, barHeight, disputeColour, x+6, y2+barHeight+2, x+30, y2+barHeight+2, roleColours[0].colour, x+36, y2+9)
	x += 36 + 400
	if at {
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1.5"/><text x="%d" y="%d">the date asked for</text>`+"\n", x, y2-1, x, y2+barHeight+1, textColour, x+6, y2+9)
		x += 130
	}
	if cut {
		fmt.Fprintf(b, `<path d="M%d %dl6 5-6 5z" fill="%s"/><text x="%d" y="%d">goes on after the axis</text>`+"\n", x, y2, roleColours[0].colour, x+10, y2+9)
		x += 140
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" fill="#555">Hover a bar for its dates and sources.</text>`+"\n", x, y2+9)
}

func writeAxis(b *bytes.Buffer, s scale, step int, bottom int) {
	first := int(math.Ceil(s.lo/float64(step))) * step
	for yr := first; float64(yr) <= s.hi; yr += step {
		x := num(s.x(float64(yr)))
		fmt.Fprintf(b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s"/>`, x, headTop-4, x, bottom, gridColour)
		fmt.Fprintf(b, `<text x="%s" y="%d" text-anchor="middle" fill="#555">%d</text>`, x, headTop-7, yr)
		fmt.Fprintf(b, `<text x="%s" y="%d" text-anchor="middle" fill="#555">%d</text>`+"\n", x, bottom+13, yr)
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`+"\n", plotLeft, bottom, plotRight, bottom)
}

func writeRow(b *bytes.Buffer, r *Row, i int, s scale, known float64) {
	top := headTop + i*rowHeight
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end"><title>%s</title>%s</text>`+"\n", labelRight, top+12, esc(r.Title), esc(clip(r.Label, labelRunes)))
	for _, m := range r.Stints {
		writeStint(b, r, m, top+3, s, known)
	}
}

func writeStint(b *bytes.Buffer, r *Row, m *kg.Membership, y int, s scale, known float64) {
	c := drawnClaim(m)
	sp := spanOf(m, c)
	ri := roleIndex(m.Role)
	colour := roleColours[ri].colour
	right := s.x(s.hi)
	if sp.noStart {
		sp.startLo, sp.startHi = s.lo, s.lo+(s.hi-s.lo)*0.03
	}
	runEnd := known
	if sp.open {
		if c != nil && c.AsOf != nil {
			runEnd = math.Min(known, endOf(c.AsOf.Last()))
		}
		sp.endLo, sp.endHi = math.Max(runEnd, sp.startHi), s.hi
	}
	x0, x1 := s.x(sp.startLo), s.x(sp.startHi)
	x2, x3 := s.x(sp.endLo), s.x(sp.endHi)
	b.WriteString("<g>")
	fmt.Fprintf(b, "<title>%s</title>", esc(tooltip(r, m)))
	if x1 > x2 { // the start and the end may fall in the same stretch: one pale block
		fmt.Fprintf(b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s" fill-opacity="0.45"/>`, num(x0), y, num(math.Max(x3-x0, 1)), barHeight, colour)
	} else {
		if x1-x0 >= 0.3 {
			fmt.Fprintf(b, `<rect x="%s" y="%d" width="%s" height="%d" fill="url(#in%d)"/>`, num(x0), y, num(x1-x0), barHeight, ri)
		}
		if core := x2 - x1; core > 0 || (x1-x0 < 0.3 && x3-x2 < 0.3) {
			fmt.Fprintf(b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s"/>`, num(x1), y, num(math.Max(core, 1)), barHeight, colour)
		}
		switch {
		case sp.open:
			if x3-x2 >= 0.3 {
				fmt.Fprintf(b, `<rect x="%s" y="%d" width="%s" height="%d" fill="url(#run%d)"/>`, num(x2), y, num(x3-x2), barHeight, ri)
			}
			if s.x(sp.endHi) >= right-0.01 {
				fmt.Fprintf(b, `<path d="M%s %dl6 5-6 5z" fill="%s" fill-opacity="0.5"/>`, num(x3), y, colour)
			}
		case sp.endLo >= s.hi: // ends after the axis asked for: cut, and says so
			fmt.Fprintf(b, `<path d="M%s %dl6 5-6 5z" fill="%s"/>`, num(right), y, colour)
		case x3-x2 >= 0.3:
			fmt.Fprintf(b, `<rect x="%s" y="%d" width="%s" height="%d" fill="url(#out%d)"/>`, num(x2), y, num(x3-x2), barHeight, ri)
		}
	}
	if m.Disputed {
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%d" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="3 2"/>`,
			num(x0-1), num(float64(y)-1.5), num(math.Max(x3-x0, 1)+2), barHeight+3, disputeColour)
		// The other sources' versions, as thin lines under the bar.
		for k := range m.Claims {
			o := &m.Claims[k]
			if o == c {
				continue
			}
			osp := spanOf(&kg.Membership{Start: o.Start, End: o.End}, o)
			lo, hi := osp.startLo, osp.endHi
			if osp.noStart {
				lo = s.lo
			}
			if osp.open {
				hi = s.hi
				if o.AsOf != nil {
					hi = endOf(o.AsOf.Last())
				}
			}
			fmt.Fprintf(b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s" stroke-width="2"/>`,
				num(s.x(lo)), y+barHeight+2, num(math.Max(s.x(hi), s.x(lo)+1)), y+barHeight+2, roleColours[roleIndex(o.Role)].colour)
		}
	}
	b.WriteString("</g>\n")
}

// tooltip says what a bar shows: the stint with its role and dates, whether the sources
// disagree, and each source's claim with document, section and footnotes.
func tooltip(r *Row, m *kg.Membership) string {
	var t strings.Builder
	if c := drawnClaim(m); c != nil {
		fmt.Fprintf(&t, "%s: %s, %s", r.Title, strings.ToLower(string(m.Role)), period(m.Start, m.End, c.StartRange, c.EndRange, c.AsOf))
	} else {
		fmt.Fprintf(&t, "%s: %s, %s", r.Title, strings.ToLower(string(m.Role)), period(m.Start, m.End, nil, nil, nil))
	}
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
		fmt.Fprintf(&t, "\n– %s: %s, %s", source(c.Source), strings.ToLower(string(c.Role)), period(c.Start, c.End, c.StartRange, c.EndRange, c.AsOf))
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

// period writes a stint's dates as a source gives them: "1994 to 1999", "2013 onwards (still
// so in 2014)", "1962 (between 1962 and 1965) onwards".
func period(start, end *kg.PartialDate, sr, er *kg.YearRange, asOf *kg.PartialDate) string {
	d := func(p *kg.PartialDate, r *kg.YearRange) string {
		if r != nil && (r.Earliest != p.Year || r.Latest != p.Year) {
			return fmt.Sprintf("%s (between %d and %d)", p.ISO(), r.Earliest, r.Latest)
		}
		return p.ISO()
	}
	from := "since an unstated date"
	if start != nil {
		from = d(start, sr)
	}
	if end == nil {
		if asOf != nil {
			return from + " onwards (still so in " + asOf.ISO() + ")"
		}
		return from + " onwards"
	}
	return from + " to " + d(end, er)
}

// clip cuts s to n characters, ending in "…" when it was longer.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n-1 {
			return strings.TrimSpace(s[:k]) + "…"
		}
		i++
	}
	return s
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
