package synth

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// SeedFiles are the files WriteSeeds writes, one per kind of record, as in seeds/.
var SeedFiles = []string{
	"documents.yaml", "citations.yaml", "states.yaml", "organizations.yaml", "places.yaml",
	"people.yaml", "memberships.yaml", "events.yaml", "quotes.yaml", "figures.yaml", "provisions.yaml",
}

// WriteSeeds writes g as a seed set in the format of seeds/README.md, one file per kind of
// record, into dir (created if missing). Every text is quoted and every date written at its
// own precision, so the files read back as exactly g; the same graph always gives the same
// bytes. Each file is written beside its final name and renamed into place.
func WriteSeeds(g *kg.Graph, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write seeds: %w", err)
	}
	files := map[string]func(*emitter){
		"documents.yaml":     func(e *emitter) { list(e, "documents", g.Documents, documentRecord) },
		"citations.yaml":     func(e *emitter) { list(e, "citations", g.Citations, citationRecord) },
		"states.yaml":        func(e *emitter) { list(e, "states", g.States, stateRecord) },
		"organizations.yaml": func(e *emitter) { list(e, "organizations", g.Organizations, organizationRecord) },
		"places.yaml":        func(e *emitter) { list(e, "places", g.Places, placeRecord) },
		"people.yaml":        func(e *emitter) { list(e, "people", g.People, personRecords(g.Positions)) },
		"memberships.yaml":   func(e *emitter) { list(e, "memberships", g.Memberships, membershipRecord) },
		"events.yaml":        func(e *emitter) { list(e, "events", g.Events, eventRecord) },
		"quotes.yaml":        func(e *emitter) { list(e, "quotes", g.Quotes, quoteRecord) },
		"figures.yaml":       func(e *emitter) { list(e, "figures", g.Figures, figureRecord) },
		"provisions.yaml":    func(e *emitter) { list(e, "provisions", g.Provisions, provisionRecord) },
	}
	for _, name := range SeedFiles {
		e := &emitter{}
		fmt.Fprintf(&e.b, "# Synthetic seeds: %s.\n", g.Version)
		files[name](e)
		if err := writeFile(filepath.Join(dir, name), e.b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write seeds: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write seeds: %s: %w", path, werr)
	}
	return nil
}

// record is a YAML mapping with its keys in order. Values are string, int, float64, bool,
// []string, []int, record or []record; empty values are left out.
type record []field

type field struct {
	key string
	val any
}

func (r record) add(key string, val any) record {
	switch v := val.(type) {
	case string:
		if v == "" {
			return r
		}
	case *string:
		if v == nil {
			return r
		}
		val = *v
	case *kg.PartialDate:
		if v == nil {
			return r
		}
		val = v.ISO()
	case kg.PartialDate:
		if v.IsZero() {
			return r
		}
		val = v.ISO()
	case *float64:
		if v == nil {
			return r
		}
		val = *v
	case *int:
		if v == nil {
			return r
		}
		val = *v
	case bool:
		if !v {
			return r
		}
	case []string:
		if len(v) == 0 {
			return r
		}
	case []int:
		if len(v) == 0 {
			return r
		}
	case []record:
		if len(v) == 0 {
			return r
		}
	case record:
		if len(v) == 0 {
			return r
		}
	}
	return append(r, field{key, val})
}

// emitter writes records in block style with every string double-quoted.
type emitter struct{ b bytes.Buffer }

func list[T any](e *emitter, key string, items []T, rec func(T) record) {
	if len(items) == 0 {
		fmt.Fprintf(&e.b, "%s: []\n", key)
		return
	}
	fmt.Fprintf(&e.b, "%s:\n", key)
	for _, it := range items {
		e.record(rec(it), 4, true)
	}
}

func (e *emitter) record(r record, indent int, dash bool) {
	pad := strings.Repeat(" ", indent)
	for i, f := range r {
		prefix := pad
		if i == 0 && dash {
			prefix = pad[2:] + "- "
		}
		switch v := f.val.(type) {
		case record:
			fmt.Fprintf(&e.b, "%s%s:\n", prefix, f.key)
			e.record(v, indent+2, false)
		case []record:
			fmt.Fprintf(&e.b, "%s%s:\n", prefix, f.key)
			for _, item := range v {
				e.record(item, indent+4, true)
			}
		case []string:
			fmt.Fprintf(&e.b, "%s%s:\n", prefix, f.key)
			for _, s := range v {
				fmt.Fprintf(&e.b, "%s  - %s\n", pad, quote(s))
			}
		case []int:
			nums := make([]string, len(v))
			for i, n := range v {
				nums[i] = strconv.Itoa(n)
			}
			fmt.Fprintf(&e.b, "%s%s: [%s]\n", prefix, f.key, strings.Join(nums, ", "))
		default:
			fmt.Fprintf(&e.b, "%s%s: %s\n", prefix, f.key, scalar(v))
		}
	}
}

func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return quote(v)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	panic(fmt.Sprintf("synth: cannot write %T as YAML", v))
}

// quote writes s as a YAML double-quoted scalar; Go's escapes are a subset of YAML's.
func quote(s string) string { return strconv.Quote(s) }

func sourceRecord(s kg.Source) record {
	return record{}.add("document", s.DocumentSlug).add("section", s.SectionKey).add("notes", s.Notes)
}

func sourceRecordP(s *kg.Source) record {
	if s == nil {
		return nil
	}
	return sourceRecord(*s)
}

func namesRecords(ns []kg.LocalizedName) []record {
	out := make([]record, len(ns))
	for i, n := range ns {
		out[i] = record{}.add("language", n.Language).add("text", n.Text).add("transliteration", n.Transliteration)
	}
	return out
}

func documentRecord(d *kg.Document) record {
	sections := make([]record, len(d.Sections))
	for i, s := range d.Sections {
		sections[i] = record{}.add("key", s.Key).add("title", s.Title).add("kind", string(s.Kind))
	}
	return record{}.add("slug", d.Slug).add("title", d.Title).add("publisher", d.Publisher).
		add("language", d.Language).add("licence", d.Licence).add("accessedVia", d.AccessedVia).
		add("note", d.Note).add("sections", sections).add("authors", d.Authors).add("published", d.Published).
		add("publishedIn", d.PublishedIn).add("volume", d.Volume).add("issue", d.Issue).add("pages", d.Pages).
		add("doi", d.Doi).add("url", d.URL).add("version", d.Version)
}

func citationRecord(c *kg.Citation) record {
	return record{}.add("document", c.DocumentSlug).add("number", c.Number).add("title", c.Title).
		add("titleIsPlaceholder", c.TitleIsPlaceholder).add("work", c.Work).add("publisher", c.Publisher).
		add("location", c.Location).add("authors", c.Authors).add("editors", c.Editors).
		add("published", c.Published).add("accessed", c.Accessed).add("archived", c.Archived).
		add("isbn", c.Isbn).add("doi", c.Doi).add("volume", c.Volume).add("issue", c.Issue).
		add("pages", c.Pages).add("language", c.Language).add("deadLink", c.DeadLink).add("note", c.Note)
}

func stateRecord(s *kg.State) record {
	return record{}.add("slug", s.Slug).add("name", s.Name).add("names", namesRecords(s.Names)).
		add("aliases", s.Aliases).add("iso2", s.Iso2).add("iso3", s.Iso3).
		add("recognition", string(s.Recognition)).add("cowCode", s.CowCode).add("source", sourceRecordP(s.Source))
}

func organizationRecord(o *kg.Organization) record {
	return record{}.add("slug", o.Slug).add("name", o.Name).add("acronym", o.Acronym).
		add("names", namesRecords(o.Names)).add("aliases", o.Aliases).add("type", o.Type).
		add("founded", o.Founded).add("headquarters", o.HeadquartersSlug).add("parent", o.ParentSlug).
		add("cowKey", o.CowKey).add("source", sourceRecordP(o.Source))
}

func placeRecord(p *kg.Place) record {
	return record{}.add("slug", p.Slug).add("name", p.Name).add("state", p.StateSlug).add("source", sourceRecordP(p.Source))
}

// personRecords writes each person with the posts they held nested, as the seed format wants.
func personRecords(positions []*kg.Position) func(*kg.Person) record {
	held := map[string][]record{}
	for _, p := range positions {
		held[p.PersonSlug] = append(held[p.PersonSlug], record{}.add("slug", p.Slug).add("title", p.Title).
			add("of", p.OfSlug).add("start", p.Start).add("end", p.End).add("source", sourceRecord(p.Source)))
	}
	return func(p *kg.Person) record {
		return record{}.add("slug", p.Slug).add("name", p.Name).add("aliases", p.Aliases).
			add("positions", held[p.Slug]).add("source", sourceRecordP(p.Source))
	}
}

func membershipRecord(m *kg.Membership) record {
	r := record{}.add("slug", m.Slug).add("member", m.MemberSlug).add("organization", m.OrganizationSlug).
		add("role", string(m.Role)).add("start", m.Start).add("end", m.End)
	if m.EndReason != nil {
		r = r.add("endReason", string(*m.EndReason))
	}
	return r.add("note", m.Note).add("source", sourceRecord(m.Source))
}

func eventRecord(e *kg.Event) record {
	quantities := make([]record, len(e.Quantities))
	for i, q := range e.Quantities {
		quantities[i] = record{}.add("measure", q.Measure).add("value", q.Value).add("unit", q.Unit).
			add("qualifier", string(q.Qualifier))
	}
	return record{}.add("slug", e.Slug).add("title", e.Title).add("kind", string(e.Kind)).
		add("date", e.Date).add("endDate", e.EndDate).add("place", e.PlaceSlug).
		add("participants", e.ParticipantSlugs).add("people", e.PeopleSlugs).
		add("quantities", quantities).add("summary", e.Summary).add("source", sourceRecord(e.Source))
}

func quoteRecord(q *kg.Quote) record {
	return record{}.add("slug", q.Slug).add("speaker", q.SpeakerSlug).add("text", q.Text).
		add("date", q.Date).add("event", q.EventSlug).add("language", q.Language).add("source", sourceRecord(q.Source))
}

func figureRecord(f *kg.MilitaryStrength) record {
	// Counts are written even when zero: the seed format requires them.
	r := record{}.add("slug", f.Slug).add("state", f.StateSlug).add("year", f.Year)
	r = append(r, field{"active", f.Active}, field{"reserve", f.Reserve}, field{"paramilitary", f.Paramilitary}, field{"total", f.Total})
	return r.add("perThousandTotal", f.PerThousandTotal).add("perThousandActive", f.PerThousandActive).
		add("notes", f.Notes).add("source", sourceRecord(f.Source))
}

func provisionRecord(p *kg.Provision) record {
	return record{}.add("slug", p.Slug).add("organization", p.OrganizationSlug).add("kind", string(p.Kind)).
		add("title", p.Title).add("summary", p.Summary).add("since", p.Since).
		add("proposedBy", p.ProposedBySlug).add("event", p.EventSlug).add("source", sourceRecord(p.Source))
}
