package synth

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"

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
func WriteSeeds(g *kg.Graph, dir string) error { return WriteSeedsUnder(g, dir, 0) }

// WriteSeedsUnder is WriteSeeds with no file larger than maxBytes (no bound when 0): a kind
// whose records take more is written in parts, KIND-001.yaml, KIND-002.yaml ..., which the
// loader reads in that order as one list. The files of an earlier seed set written into dir
// that this one does not write (the parts of a larger one) are removed, so that dir holds
// this seed set alone.
func WriteSeedsUnder(g *kg.Graph, dir string, maxBytes int64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write seeds: %w", err)
	}
	files := map[string]func() ([]byte, error){
		"documents.yaml":     func() ([]byte, error) { return encode("documents", g.Documents, documentRecord) },
		"citations.yaml":     func() ([]byte, error) { return encode("citations", g.Citations, citationRecord) },
		"states.yaml":        func() ([]byte, error) { return encode("states", g.States, stateRecord) },
		"organizations.yaml": func() ([]byte, error) { return encode("organizations", g.Organizations, organizationRecord) },
		"places.yaml":        func() ([]byte, error) { return encode("places", g.Places, placeRecord) },
		"people.yaml":        func() ([]byte, error) { return encode("people", g.People, personRecords(g.Positions)) },
		"memberships.yaml": func() ([]byte, error) {
			return encode("memberships", membershipRecords(g.Memberships), func(r record) record { return r })
		},
		"events.yaml":     func() ([]byte, error) { return encode("events", g.Events, eventRecord) },
		"quotes.yaml":     func() ([]byte, error) { return encode("quotes", g.Quotes, quoteRecord) },
		"figures.yaml":    func() ([]byte, error) { return encode("figures", g.Figures, figureRecord) },
		"provisions.yaml": func() ([]byte, error) { return encode("provisions", g.Provisions, provisionRecord) },
	}
	written := map[string]bool{}
	for _, name := range SeedFiles {
		body, err := files[name]()
		if err != nil {
			return fmt.Errorf("write seeds: %s: %w", name, err)
		}
		header := []byte(fmt.Sprintf("# Synthetic seeds: %s.\n", g.Version))
		parts, err := split(body, maxBytes-int64(len(header)))
		if err != nil {
			return fmt.Errorf("write seeds: %s: %w", name, err)
		}
		for i, part := range parts {
			file := name
			if len(parts) > 1 {
				file = fmt.Sprintf("%s-%03d.yaml", strings.TrimSuffix(name, ".yaml"), i+1)
			}
			if err := writeFile(filepath.Join(dir, file), append(header[:len(header):len(header)], part...)); err != nil {
				return err
			}
			written[file] = true
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("write seeds: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() && IsSeedFile(e.Name()) && !written[e.Name()] {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("write seeds: %w", err)
			}
		}
	}
	return nil
}

// partName matches the name of a part of a kind's records, "memberships-002.yaml".
var partName = regexp.MustCompile(`^([a-z]+)-[0-9]{3,}\.yaml$`)

// IsSeedFile reports whether name is the name of a file WriteSeedsUnder writes: one of
// SeedFiles or a part of one.
func IsSeedFile(name string) bool {
	if slices.Contains(SeedFiles, name) {
		return true
	}
	m := partName.FindStringSubmatch(name)
	return m != nil && slices.Contains(SeedFiles, m[1]+".yaml")
}

// split cuts the YAML of one kind's records ("memberships:" and its list) into documents of
// at most maxBytes each, between the records of the list; one document when maxBytes is 0
// or the whole fits.
func split(body []byte, maxBytes int64) ([][]byte, error) {
	if maxBytes <= 0 || int64(len(body)) <= maxBytes {
		return [][]byte{body}, nil
	}
	key, rest, ok := bytes.Cut(body, []byte("\n"))
	if !ok {
		return [][]byte{body}, nil
	}
	key = append(key, '\n')
	// The records of the list begin at lines "  - ", its only lines indented by two.
	var items [][]byte
	for len(rest) > 0 {
		end := bytes.Index(rest[1:], []byte("\n  - "))
		if end < 0 {
			items = append(items, rest)
			break
		}
		items = append(items, rest[:end+2])
		rest = rest[end+2:]
	}
	var parts [][]byte
	var cur []byte
	for _, it := range items {
		if int64(len(key)+len(it)) > maxBytes {
			return nil, fmt.Errorf("a record of %d bytes is larger than the largest file, %d bytes", len(it), maxBytes)
		}
		if cur != nil && int64(len(cur)+len(it)) > maxBytes {
			parts = append(parts, cur)
			cur = nil
		}
		if cur == nil {
			cur = append([]byte{}, key...)
		}
		cur = append(cur, it...)
	}
	return append(parts, cur), nil
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
type record yaml.MapSlice

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
		items := make([]yaml.MapSlice, len(v))
		for i, item := range v {
			items[i] = yaml.MapSlice(item)
		}
		val = items
	case record:
		if len(v) == 0 {
			return r
		}
		val = yaml.MapSlice(v)
	}
	return append(r, yaml.MapItem{Key: key, Value: val})
}

// encode writes the records of items under key, in block style.
func encode[T any](key string, items []T, rec func(T) record) ([]byte, error) {
	records := make([]yaml.MapSlice, len(items))
	for i, it := range items {
		records[i] = yaml.MapSlice(rec(it))
	}
	return yaml.MarshalWithOptions(yaml.MapSlice{{Key: key, Value: records}}, yamlStyle...)
}

// yamlStyle is the layout of the seed files: block style indented by two spaces, every text
// double-quoted on one line, and lists of numbers (footnotes) in flow style, "notes: [3, 4]".
//
// The library quotes a text only where it would otherwise read as another type or break the
// structure; it writes tabs, carriage returns and other control characters bare, and its
// decoder then drops or changes them. Double-quoted with Go's escapes (a subset of YAML's,
// and how the library quotes when it does), every text reads back exactly.
var yamlStyle = []yaml.EncodeOption{
	yaml.Indent(2), yaml.IndentSequence(true),
	yaml.CustomMarshaler(func(s string) ([]byte, error) { return []byte(strconv.Quote(s)), nil }),
	yaml.CustomMarshaler(func(v []int) ([]byte, error) { return yaml.MarshalWithOptions(v, yaml.Flow(true)) }),
}

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
		add("doi", d.Doi).add("url", d.URL).add("version", d.Version).add("coversUntil", d.CoversUntil).
		add("accessed", d.Accessed)
}

// boundsRecord writes the bounds a source sets on a date it does not give.
func boundsRecord(b *kg.DateBounds) record {
	if b == nil {
		return nil
	}
	r := record{}.add("notBefore", b.NotBefore).add("notAfter", b.NotAfter)
	if len(r) == 0 {
		return record{{Key: "notBefore", Value: nil}} // bounds with neither side: an end that is not open
	}
	return r
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
			add("of", p.OfSlug).add("start", p.Start).add("end", p.End).add("startBounds", boundsRecord(p.StartBounds)).
			add("endBounds", boundsRecord(p.EndBounds)).add("note", p.Note).add("source", sourceRecord(p.Source)))
	}
	return func(p *kg.Person) record {
		return record{}.add("slug", p.Slug).add("name", p.Name).add("aliases", p.Aliases).
			add("positions", held[p.Slug]).add("source", sourceRecordP(p.Source))
	}
}

// membershipRecords writes each stint as its own record, followed by a record with claimOf
// for each further claim, so that a stint several documents state reads back with all their
// claims.
func membershipRecords(ms []*kg.Membership) []record {
	out := make([]record, 0, len(ms))
	for _, m := range ms {
		own := ownClaim(m)
		out = append(out, membershipRecord(m, own))
		for i := range m.Claims {
			if c := &m.Claims[i]; c != own {
				out = append(out, claimRecord(m, c))
			}
		}
	}
	return out
}

// ownClaim is the claim the stint's own record made: the one with the record's note, bounds
// and unstated role (the stint keeps those of its record, whichever claim is preferred); nil
// for a stint without claims.
func ownClaim(m *kg.Membership) *kg.MembershipClaim {
	for i := range m.Claims {
		c := &m.Claims[i]
		if c.RoleUnstated == m.RoleUnstated && sameText(c.Note, m.Note) && sameBounds(c.StartBounds, m.StartBounds) && sameBounds(c.EndBounds, m.EndBounds) {
			return c
		}
	}
	if len(m.Claims) > 0 {
		return &m.Claims[0]
	}
	return nil
}

func sameText(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func sameDate(a, b *kg.PartialDate) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func sameBounds(a, b *kg.DateBounds) bool {
	return (a == nil) == (b == nil) && (a == nil || (sameDate(a.NotBefore, b.NotBefore) && sameDate(a.NotAfter, b.NotAfter)))
}

// membershipRecord writes a stint as its own record states it (own, nil for a stint without
// claims: its own fields).
func membershipRecord(m *kg.Membership, own *kg.MembershipClaim) record {
	role, start, end, reason, src := m.Role, m.Start, m.End, m.EndReason, m.Source
	if own != nil {
		role, start, end, reason, src = own.Role, own.Start, own.End, own.EndReason, own.Source
	}
	r := record{}.add("slug", m.Slug).add("member", m.MemberSlug).add("organization", m.OrganizationSlug).
		add("role", string(role)).add("start", start).add("end", end)
	r = r.add("startBounds", boundsRecord(m.StartBounds)).add("endBounds", boundsRecord(m.EndBounds))
	if reason != nil {
		r = r.add("endReason", string(*reason))
	}
	if m.RoleUnstated {
		r = append(r, yaml.MapItem{Key: "roleStated", Value: false})
	}
	var explanations record
	for _, a := range kg.DisagreementAspects {
		if e, ok := m.Explanations[a]; ok {
			explanations = explanations.add(string(a), e)
		}
	}
	return r.add("explanations", explanations).add("note", m.Note).add("source", sourceRecord(src))
}

// claimRecord writes a further claim of a stint as a record with claimOf.
func claimRecord(m *kg.Membership, c *kg.MembershipClaim) record {
	r := record{}.add("slug", m.Slug+"-claim-"+c.Source.DocumentSlug).add("member", m.MemberSlug).
		add("organization", m.OrganizationSlug).add("role", string(c.Role)).add("start", c.Start).add("end", c.End)
	r = r.add("startBounds", boundsRecord(c.StartBounds)).add("endBounds", boundsRecord(c.EndBounds))
	if c.EndReason != nil {
		r = r.add("endReason", string(*c.EndReason))
	}
	if c.RoleUnstated {
		r = append(r, yaml.MapItem{Key: "roleStated", Value: false})
	}
	return r.add("note", c.Note).add("claimOf", m.Slug).add("source", sourceRecord(c.Source))
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
	r = append(r, yaml.MapItem{Key: "active", Value: f.Active}, yaml.MapItem{Key: "reserve", Value: f.Reserve},
		yaml.MapItem{Key: "paramilitary", Value: f.Paramilitary}, yaml.MapItem{Key: "total", Value: f.Total})
	return r.add("perThousandTotal", f.PerThousandTotal).add("perThousandActive", f.PerThousandActive).
		add("notes", f.Notes).add("source", sourceRecord(f.Source))
}

func provisionRecord(p *kg.Provision) record {
	return record{}.add("slug", p.Slug).add("organization", p.OrganizationSlug).add("kind", string(p.Kind)).
		add("title", p.Title).add("summary", p.Summary).add("since", p.Since).
		add("proposedBy", p.ProposedBySlug).add("event", p.EventSlug).add("source", sourceRecord(p.Source))
}
