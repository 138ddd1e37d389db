package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Headers are the header rows of the CSV tables, by kind. Dates are ISO 8601 at the
// precision the source gives ("1994", "2007-05", "1992-05-15"); lists of keys, footnote
// numbers and years are joined with ";" ("6;10"); lists of sentences with line breaks.
//
// A membership's start, end and end_reason are those of its preferred source; the columns
// after its citations say what all its sources together state about when it held (see
// kg.Span): start_earliest and start_latest, the earliest and latest day its start may fall
// on, end_earliest and end_latest the same for its end (ISO days, empty where the sources
// leave that side unbounded: an undated start is not "since forever", an open end not "for
// ever"); open_as_of, for an open end, the last date its source looked ("still so then",
// at that date's precision; empty when the end is not open or the source does not say);
// unknown_years, the years inside it for which no source that states it has data.
var Headers = map[string][]string{
	"memberships": {"id", "slug", "member", "member_kind", "member_name", "organization",
		"organization_name", "role", "start", "end", "end_reason", "note",
		"document", "section", "citations",
		"start_earliest", "start_latest", "end_earliest", "end_latest", "open_as_of", "unknown_years"},
	"events": {"id", "slug", "date", "end_date", "kind", "title", "place", "place_name",
		"participants", "participant_names", "people", "quantities", "summary",
		"document", "section", "citations"},
	"figures": {"id", "slug", "state", "state_name", "year", "active", "reserve",
		"paramilitary", "total", "per_thousand_total", "per_thousand_active", "notes",
		"document", "section", "citations"},
}

// WriteCSV writes the table of one kind (see Kinds) as CSV with a header row, RFC 4180
// quoting and CRLF line ends.
func (d *Data) WriteCSV(w io.Writer, kind string) error {
	header, ok := Headers[kind]
	if !ok {
		return fmt.Errorf("%w %q: want one of %s", ErrUnknown, kind, strings.Join(Kinds, ", "))
	}
	ix := newIndex(d.Graph)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, and what spreadsheets expect
	_ = cw.Write(header)
	var rows [][]string
	switch kind {
	case "memberships":
		rows = membershipRows(d.Graph, ix)
	case "events":
		rows = eventRows(d.Graph, ix)
	case "figures":
		rows = figureRows(d.Graph, ix)
	}
	for _, r := range rows {
		if len(r) != len(header) {
			return fmt.Errorf("export %s: row of %d fields under a header of %d", kind, len(r), len(header))
		}
		_ = cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}

func membershipRows(g *kg.Graph, ix *index) [][]string {
	kinds := map[string]string{}
	for _, s := range g.States {
		kinds[s.Slug] = kg.KindState
	}
	for _, o := range g.Organizations {
		kinds[o.Slug] = kg.KindOrganization
	}
	var rows [][]string
	for _, m := range g.Memberships {
		member := kg.Ref{Kind: kinds[m.MemberSlug], Key: m.MemberSlug}
		org := kg.Ref{Kind: kg.KindOrganization, Key: m.OrganizationSlug}
		var reason string
		if m.EndReason != nil {
			reason = string(*m.EndReason)
		}
		c := stintCertainty(m)
		row := append([]string{m.ID(), m.Slug, m.MemberSlug, member.Kind, ix.names[member],
			m.OrganizationSlug, ix.names[org], string(m.Role), iso(m.Start), iso(m.End), reason,
			deref(m.Note)}, sourceFields(&m.Source)...)
		rows = append(rows, append(row, c.StartEarliest, c.StartLatest, c.EndEarliest, c.EndLatest, c.OpenAsOf, years(c.UnknownYears)))
	}
	return rows
}

func eventRows(g *kg.Graph, ix *index) [][]string {
	actors := map[string]kg.Ref{}
	for _, s := range g.States {
		actors[s.Slug] = s.NodeRef()
	}
	for _, o := range g.Organizations {
		actors[o.Slug] = o.NodeRef()
	}
	var rows [][]string
	for _, e := range g.Events {
		names := make([]string, len(e.ParticipantSlugs))
		for i, a := range e.ParticipantSlugs {
			names[i] = ix.names[actors[a]]
		}
		quantities := make([]string, len(e.Quantities))
		for i, q := range e.Quantities {
			quantities[i] = quantity(q)
		}
		var placeName string
		if e.PlaceSlug != "" {
			placeName = ix.names[kg.Ref{Kind: kg.KindPlace, Key: e.PlaceSlug}]
		}
		rows = append(rows, append([]string{e.ID(), e.Slug, e.Date.ISO(), iso(e.EndDate), string(e.Kind),
			e.Title, e.PlaceSlug, placeName, strings.Join(e.ParticipantSlugs, ";"), strings.Join(names, ";"),
			strings.Join(e.PeopleSlugs, ";"), strings.Join(quantities, ";"), e.Summary}, sourceFields(&e.Source)...))
	}
	return rows
}

func figureRows(g *kg.Graph, ix *index) [][]string {
	var rows [][]string
	for _, f := range g.Figures {
		state := kg.Ref{Kind: kg.KindState, Key: f.StateSlug}
		rows = append(rows, append([]string{f.ID(), f.Slug, f.StateSlug, ix.names[state], strconv.Itoa(f.Year),
			strconv.Itoa(f.Active), strconv.Itoa(f.Reserve), strconv.Itoa(f.Paramilitary), strconv.Itoa(f.Total),
			float(f.PerThousandTotal), float(f.PerThousandActive), strings.Join(f.Notes, "\n")},
			sourceFields(&f.Source)...))
	}
	return rows
}

// sourceFields are the document, section and footnotes ("6;10") of a fact.
func sourceFields(s *kg.Source) []string {
	notes := make([]string, len(s.Notes))
	for i, n := range s.Notes {
		notes[i] = strconv.Itoa(n)
	}
	return []string{s.DocumentSlug, s.SectionKey, strings.Join(notes, ";")}
}

// quantity writes a figure as "troops: at least 10000 personnel".
func quantity(q kg.Quantity) string {
	var s strings.Builder
	s.WriteString(q.Measure + ": ")
	switch q.Qualifier {
	case kg.Approximate:
		s.WriteString("about ")
	case kg.AtLeast:
		s.WriteString("at least ")
	case kg.AtMost:
		s.WriteString("at most ")
	}
	s.WriteString(strconv.FormatFloat(q.Value, 'f', -1, 64))
	if q.Unit != nil {
		s.WriteString(" " + *q.Unit)
	}
	return s.String()
}

func float(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}
