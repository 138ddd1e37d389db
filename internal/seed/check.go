package seed

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checker gathers problems while turning raw records into domain values.
type checker struct {
	problems Problems
	raw      *rawSet

	documents map[string]*kg.Document
	citations map[string]bool // document/number
	states    map[string]bool
	orgs      map[string]bool
	places    map[string]bool
	people    map[string]bool
	events    map[string]bool
}

func (c *checker) add(p pos, field string, format string, args ...any) {
	c.problems = append(c.problems, Problem{p.file, p.at(field), fmt.Sprintf(format, args...), 0})
}

// slugs checks the format and uniqueness of one namespace of slugs and returns it as a set.
func (c *checker) slugs(kind string, n int, get func(i int) (string, pos), seen map[string]pos) map[string]bool {
	set := map[string]bool{}
	for i := 0; i < n; i++ {
		slug, p := get(i)
		switch {
		case slug == "":
			c.add(p, "slug", "%s has no slug", kind)
			continue
		case !slugPattern.MatchString(slug):
			c.add(p, "slug", "%s slug %q must be lower-case letters, digits and single hyphens", kind, slug)
		}
		if first, dup := seen[slug]; dup {
			c.add(p, "slug", "duplicate slug %q (first used at %s:%d)", slug, first.file, first.line)
			continue
		}
		seen[slug] = p
		set[slug] = true
	}
	return set
}

func slugsOf[T any](items []item[T], slug func(*T) string) func(int) (string, pos) {
	return func(i int) (string, pos) { return slug(&items[i].rec), items[i].pos }
}

func (c *checker) date(p pos, field string, s scalar) *kg.PartialDate {
	if !s.set {
		return nil
	}
	d, err := kg.ParseDate(s.text)
	if err != nil {
		c.add(p, field, "%s: %v", field, err)
		return nil
	}
	return &d
}

// side is one end of a stint or post as its record gives it: a date, bounds on a date it
// does not give, or neither.
type side struct {
	name   string // "start" or "end"
	Date   *kg.PartialDate
	Bounds *kg.DateBounds
}

// lastField is the key that gives the latest day an end may fall on: its date, else the
// notAfter of its bounds.
func (s side) lastField() string {
	if s.Date != nil {
		return s.name
	}
	return s.name + "Bounds.notAfter"
}

// boundary checks one side of a stint or post: its date, the dates of its bounds (key
// startBounds or endBounds), that the bounds leave at least one day, and that they contain
// the date when both are given. ok is false when any of that is wrong.
func (c *checker) boundary(p pos, name string, date scalar, b *boundsRec) (s side, ok bool) {
	before := len(c.problems)
	s = side{name: name, Date: c.date(p, name, date)}
	if b != nil {
		field := name + "Bounds"
		s.Bounds = &kg.DateBounds{NotBefore: c.date(p, field+".notBefore", b.NotBefore), NotAfter: c.date(p, field+".notAfter", b.NotAfter)}
		switch {
		case len(c.problems) > before:
		case s.Bounds.Empty():
			c.add(p, field+".notAfter", "%s: notAfter (%s) is before notBefore (%s)", field, s.Bounds.NotAfter, s.Bounds.NotBefore)
		case s.Date != nil && !s.Bounds.Contains(*s.Date):
			c.add(p, field, "%s: a range that does not contain its date: %s is %s, the bounds say %s", field, name, s.Date, describeBounds(s.Bounds))
		}
	}
	return s, len(c.problems) == before
}

// describeBounds says what bounds admit: "not before 2005, not after 2010-04-25".
func describeBounds(b *kg.DateBounds) string {
	var parts []string
	if b.NotBefore != nil {
		parts = append(parts, "not before "+b.NotBefore.ISO())
	}
	if b.NotAfter != nil {
		parts = append(parts, "not after "+b.NotAfter.ISO())
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// endsBeforeStart reports whether the latest day the end may fall on is before the earliest
// day the start may: each is its date when given, else its bound; a side with neither says
// nothing.
func endsBeforeStart(start, end side) bool {
	var first, last int
	switch {
	case start.Date != nil:
		first = start.Date.First()
	case start.Bounds != nil && start.Bounds.NotBefore != nil:
		first = start.Bounds.NotBefore.First()
	default:
		return false
	}
	switch {
	case end.Date != nil:
		last = end.Date.Last()
	case end.Bounds != nil && end.Bounds.NotAfter != nil:
		last = end.Bounds.NotAfter.Last()
	default:
		return false
	}
	return last < first
}

// describeStart is the earliest a start may be, as a problem names it: its date, or
// "not before" its bound.
func describeStart(s side) string {
	if s.Date != nil {
		return s.Date.ISO()
	}
	return "not before " + s.Bounds.NotBefore.ISO()
}

// describeEnd is the latest an end may be: its date, or "not after" its bound.
func describeEnd(s side) string {
	if s.Date != nil {
		return s.Date.ISO()
	}
	return "not after " + s.Bounds.NotAfter.ISO()
}

// explanations checks why, per aspect, the sources of a stint disagree: each key must be a
// DisagreementAspect and each text must say something.
func (c *checker) explanations(p pos, ex map[string]string) map[kg.DisagreementAspect]string {
	if len(ex) == 0 {
		return nil
	}
	keys := make([]string, 0, len(ex))
	for k := range ex {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[kg.DisagreementAspect]string{}
	for _, k := range keys {
		field := "explanations." + k
		a, err := kg.ParseEnum(k, kg.DisagreementAspects)
		switch {
		case err != nil:
			c.add(p, field, "explanations: unknown aspect %q (want one of %v)", k, kg.DisagreementAspects)
		case strings.TrimSpace(ex[k]) == "":
			c.add(p, field, "explanations: %s has no text", k)
		default:
			out[a] = ex[k]
		}
	}
	return out
}

func (c *checker) required(p pos, field, value, what string) {
	if strings.TrimSpace(value) == "" {
		c.add(p, field, "%s has no %s", what, field)
	}
}

func (c *checker) ref(p pos, field, slug string, set map[string]bool, what string) {
	if slug != "" && !set[slug] {
		c.add(p, field, "%s: unknown %s %q", field, what, slug)
	}
}

func checkEnum[T ~string](c *checker, p pos, field, value string, valid []T) T {
	if value == "" {
		c.add(p, field, "%s is required (one of %v)", field, valid)
		return ""
	}
	v, err := kg.ParseEnum(value, valid)
	if err != nil {
		c.add(p, field, "%s: %v", field, err)
	}
	return v
}

// source checks a fact's source. Facts must have one; other records may.
func (c *checker) source(p pos, s *sourceRec, fact string) *kg.Source {
	if s == nil {
		if fact != "" {
			c.add(p, "slug", "%s has no source: give source.document and source.section (and source.notes where the document has footnotes for it)", fact)
		}
		return nil
	}
	ok := true
	doc, known := c.documents[s.Document]
	switch {
	case s.Document == "":
		c.add(p, "source", "source has no document")
		ok = false
	case !known:
		c.add(p, "source", "source.document: unknown document %q", s.Document)
		ok = false
	}
	if s.Section == "" {
		c.add(p, "source", "source has no section: name the part of the document that states this")
		ok = false
	} else if known && doc.Section(s.Section) == nil {
		c.add(p, "source", "source.section: document %q has no section %q", s.Document, s.Section)
		ok = false
	}
	for _, n := range s.Notes {
		if known && !c.citations[kg.CitationKey(s.Document, n)] {
			c.add(p, "source", "source.notes: document %q has no footnote %d", s.Document, n)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return &kg.Source{DocumentSlug: s.Document, SectionKey: s.Section, Notes: s.Notes}
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optScalar(s scalar) *string {
	if !s.set {
		return nil
	}
	return &s.text
}

func names(ns []nameRec) []kg.LocalizedName {
	out := make([]kg.LocalizedName, 0, len(ns))
	for _, n := range ns {
		out = append(out, kg.LocalizedName{Language: n.Language, Text: n.Text, Transliteration: opt(n.Transliteration)})
	}
	return out
}

func (c *checker) names(p pos, ns []nameRec) {
	for _, n := range ns {
		if n.Language == "" || n.Text == "" {
			c.add(p, "names", "names: each name needs a language and a text")
		}
	}
}

// check validates a whole raw set and builds the graph.
func check(raw *rawSet) (*kg.Graph, Problems) {
	c := &checker{raw: raw, documents: map[string]*kg.Document{}, citations: map[string]bool{}}
	g := &kg.Graph{}

	c.slugs("document", len(raw.documents), slugsOf(raw.documents, func(r *documentRec) string { return r.Slug }), map[string]pos{})
	actorSeen := map[string]pos{}
	c.states = c.slugs("state", len(raw.states), slugsOf(raw.states, func(r *stateRec) string { return r.Slug }), actorSeen)
	c.orgs = c.slugs("organization", len(raw.organizations), slugsOf(raw.organizations, func(r *organizationRec) string { return r.Slug }), actorSeen)
	c.places = c.slugs("place", len(raw.places), slugsOf(raw.places, func(r *placeRec) string { return r.Slug }), map[string]pos{})
	c.people = c.slugs("person", len(raw.people), slugsOf(raw.people, func(r *personRec) string { return r.Slug }), map[string]pos{})
	c.events = c.slugs("event", len(raw.events), slugsOf(raw.events, func(r *eventRec) string { return r.Slug }), map[string]pos{})
	c.slugs("membership", len(raw.memberships), slugsOf(raw.memberships, func(r *membershipRec) string { return r.Slug }), map[string]pos{})
	c.slugs("quote", len(raw.quotes), slugsOf(raw.quotes, func(r *quoteRec) string { return r.Slug }), map[string]pos{})
	c.slugs("figure", len(raw.figures), slugsOf(raw.figures, func(r *figureRec) string { return r.Slug }), map[string]pos{})
	c.slugs("provision", len(raw.provisions), slugsOf(raw.provisions, func(r *provisionRec) string { return r.Slug }), map[string]pos{})
	positionSeen := map[string]pos{}
	for _, it := range raw.people {
		for i, ps := range it.rec.Positions {
			c.slugs("position", 1, func(int) (string, pos) { return ps.Slug, it.pos.item("positions", i) }, positionSeen)
		}
	}

	c.checkDocuments(g)
	c.checkCitations(g)
	c.checkActors(g)
	c.checkPlacesAndPeople(g)
	c.checkMemberships(g)
	c.checkEvents(g)
	c.checkQuotesFiguresProvisions(g)
	return g, c.problems
}

func (c *checker) checkDocuments(g *kg.Graph) {
	for _, it := range c.raw.documents {
		r, p := it.rec, it.pos
		c.required(p, "title", r.Title, "document")
		d := &kg.Document{Slug: r.Slug, Title: r.Title, Publisher: opt(r.Publisher), Language: opt(r.Language),
			Licence: opt(r.Licence), AccessedVia: opt(r.AccessedVia), Note: opt(r.Note),
			Authors: nonNil(r.Authors), Published: c.date(p, "published", r.Published), PublishedIn: opt(r.PublishedIn),
			Volume: optScalar(r.Volume), Issue: optScalar(r.Issue), Pages: optScalar(r.Pages), Doi: opt(r.Doi),
			URL: opt(r.URL), Version: optScalar(r.Version), CoversUntil: c.date(p, "coversUntil", r.CoversUntil),
			Accessed: c.date(p, "accessed", r.Accessed)}
		c.accessed(p, d)
		if r.Dataset != nil {
			if r.Dataset.Format != cowFormat && r.Dataset.Format != factbookFormat {
				c.add(p, "dataset", "dataset: unknown format %q (want %q or %q)", r.Dataset.Format, cowFormat, factbookFormat)
			}
			if r.Dataset.Folder == "" || !fs.ValidPath(r.Dataset.Folder) {
				c.add(p, "dataset", "dataset: folder %q is not a path inside the seed folder", r.Dataset.Folder)
			}
		}
		keys := map[string]bool{}
		for _, s := range r.Sections {
			if s.Key == "" || s.Title == "" {
				c.add(p, "sections", "sections: each section needs a key and a title")
				continue
			}
			if keys[s.Key] {
				c.add(p, "sections", "sections: duplicate section key %q", s.Key)
				continue
			}
			keys[s.Key] = true
			kind := kg.SectionKind("TEXT")
			if s.Kind != "" {
				kind = checkEnum(c, p, "sections", s.Kind, kg.SectionKinds)
			}
			d.Sections = append(d.Sections, kg.Section{Key: s.Key, Title: s.Title, Kind: kind})
		}
		c.documents[r.Slug] = d
		g.Documents = append(g.Documents, d)
	}
}

// accessed checks the date a document's copy was read against its other dates: a copy is
// read on or after the document is published, and observes nothing after it was read.
func (c *checker) accessed(p pos, d *kg.Document) {
	a := d.Accessed
	if a == nil {
		return
	}
	if d.Published != nil && a.Last() < d.Published.First() {
		c.add(p, "accessed", "accessed: the copy was read (%s) before the document was published (%s)", a, d.Published)
	}
	if d.CoversUntil != nil && a.Last() < d.CoversUntil.First() {
		c.add(p, "coversUntil", "coversUntil: %s is after the copy was read (%s); a copy observes nothing later than the day it is read", d.CoversUntil, a)
	}
}

func (c *checker) checkCitations(g *kg.Graph) {
	seen := map[string]pos{}
	for _, it := range c.raw.citations {
		r, p := it.rec, it.pos
		if _, ok := c.documents[r.Document]; !ok {
			c.add(p, "document", "document: unknown document %q", r.Document)
			continue
		}
		if r.Number < 1 {
			c.add(p, "number", "number: a footnote number must be 1 or more, got %d", r.Number)
			continue
		}
		key := kg.CitationKey(r.Document, r.Number)
		if first, dup := seen[key]; dup {
			c.add(p, "number", "duplicate footnote %d of %q (first at %s:%d)", r.Number, r.Document, first.file, first.line)
			continue
		}
		seen[key] = p
		c.citations[key] = true
		g.Citations = append(g.Citations, &kg.Citation{
			DocumentSlug: r.Document, Number: r.Number, Title: opt(r.Title), TitleIsPlaceholder: r.TitleIsPlaceholder,
			Work: opt(r.Work), Publisher: opt(r.Publisher), Location: opt(r.Location),
			Authors: nonNil(r.Authors), Editors: nonNil(r.Editors),
			Published: c.date(p, "published", r.Published), Accessed: c.date(p, "accessed", r.Accessed),
			Archived: c.date(p, "archived", r.Archived), Isbn: optScalar(r.Isbn), Doi: opt(r.Doi),
			Volume: optScalar(r.Volume), Issue: optScalar(r.Issue), Pages: optScalar(r.Pages),
			Language: opt(r.Language), DeadLink: r.DeadLink, Note: opt(r.Note),
		})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (c *checker) checkActors(g *kg.Graph) {
	iso := map[string]pos{}
	uniqueCode := func(p pos, field, code string) {
		if code == "" {
			return
		}
		key := field + ":" + strings.ToUpper(code)
		if first, dup := iso[key]; dup {
			c.add(p, field, "%s: %q is already used at %s:%d", field, code, first.file, first.line)
		}
		iso[key] = p
	}
	for _, it := range c.raw.states {
		r, p := it.rec, it.pos
		c.required(p, "name", r.Name, "state")
		c.names(p, r.Names)
		if r.Iso2 != "" && !regexp.MustCompile(`^[A-Z]{2}$`).MatchString(r.Iso2) {
			c.add(p, "iso2", "iso2: %q is not two upper-case letters", r.Iso2)
		}
		if r.Iso3 != "" && !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(r.Iso3) {
			c.add(p, "iso3", "iso3: %q is not three upper-case letters", r.Iso3)
		}
		uniqueCode(p, "iso2", r.Iso2)
		uniqueCode(p, "iso3", r.Iso3)
		g.States = append(g.States, &kg.State{
			Slug: r.Slug, Name: r.Name, Names: names(r.Names), Aliases: nonNil(r.Aliases),
			Iso2: opt(r.Iso2), Iso3: opt(r.Iso3),
			Recognition: checkEnum(c, p, "recognition", r.Recognition, kg.Recognitions),
			Source:      c.source(p, r.Source, ""),
			CowCode:     r.CowCode,
		})
	}
	for _, it := range c.raw.organizations {
		r, p := it.rec, it.pos
		c.required(p, "name", r.Name, "organization")
		c.names(p, r.Names)
		uniqueCode(p, "acronym", r.Acronym)
		c.ref(p, "headquarters", r.Headquarters, c.places, "place")
		c.ref(p, "parent", r.Parent, c.orgs, "organization")
		if r.Parent != "" && r.Parent == r.Slug {
			c.add(p, "parent", "parent: an organization cannot be a body of itself")
		}
		g.Organizations = append(g.Organizations, &kg.Organization{
			Slug: r.Slug, Name: r.Name, Names: names(r.Names), Aliases: nonNil(r.Aliases),
			Acronym: opt(r.Acronym), Type: opt(r.Type), Founded: c.date(p, "founded", r.Founded),
			HeadquartersSlug: r.Headquarters, ParentSlug: r.Parent, Source: c.source(p, r.Source, ""),
			CowKey: opt(r.CowKey),
		})
	}
}

func (c *checker) actor(p pos, field, slug string) {
	if slug != "" && !c.states[slug] && !c.orgs[slug] {
		c.add(p, field, "%s: unknown state or organization %q", field, slug)
	}
}

func (c *checker) checkPlacesAndPeople(g *kg.Graph) {
	for _, it := range c.raw.places {
		r, p := it.rec, it.pos
		c.required(p, "name", r.Name, "place")
		c.ref(p, "state", r.State, c.states, "state")
		g.Places = append(g.Places, &kg.Place{Slug: r.Slug, Name: r.Name, StateSlug: r.State, Source: c.source(p, r.Source, "")})
	}
	for _, it := range c.raw.people {
		r, p := it.rec, it.pos
		c.required(p, "name", r.Name, "person")
		g.People = append(g.People, &kg.Person{Slug: r.Slug, Name: r.Name, Aliases: nonNil(r.Aliases), Source: c.source(p, r.Source, "")})
		for i, ps := range r.Positions {
			pp := p.item("positions", i)
			c.required(pp, "title", ps.Title, "position "+ps.Slug)
			c.actor(pp, "of", ps.Of)
			start, startOK := c.boundary(pp, "start", ps.Start, ps.StartBounds)
			end, endOK := c.boundary(pp, "end", ps.End, ps.EndBounds)
			pos := &kg.Position{Slug: ps.Slug, Title: ps.Title, PersonSlug: r.Slug, OfSlug: ps.Of,
				Start: start.Date, End: end.Date, StartBounds: start.Bounds, EndBounds: end.Bounds, Note: opt(ps.Note)}
			if startOK && endOK && endsBeforeStart(start, end) {
				c.add(pp, end.lastField(), "position %s ends (%s) before it starts (%s)", ps.Slug, describeEnd(end), describeStart(start))
			}
			if src := c.source(pp, ps.Source, "position "+ps.Slug); src != nil {
				pos.Source = *src
			}
			g.Positions = append(g.Positions, pos)
		}
	}
}

// stintRec is a membership record checked and turned into a stint, with where it sits and,
// for a claim record, the stint it names.
type stintRec struct {
	m       *kg.Membership
	p       pos
	claimOf string
}

// checkMemberships checks the membership records and builds the stints. A record with
// claimOf is another source's account of the stint it names: it becomes a claim of that
// stint (see claimOf), not a stint of its own. Two stints of one actor in one organization
// in the same role must not overlap, whatever their documents.
func (c *checker) checkMemberships(g *kg.Graph) {
	groups := map[string][]stintRec{}
	stints := map[string]stintRec{}
	var claims []stintRec
	claimRecs := map[string]bool{}
	for _, it := range c.raw.memberships {
		if it.rec.ClaimOf != "" {
			claimRecs[it.rec.Slug] = true
		}
	}
	for _, it := range c.raw.memberships {
		r, p := it.rec, it.pos
		m := c.membership(r, p)
		if r.ClaimOf != "" {
			claims = append(claims, stintRec{m, p, r.ClaimOf})
			continue
		}
		key := r.Member + "\x00" + r.Organization + "\x00" + r.Role
		groups[key] = append(groups[key], stintRec{m: m, p: p})
		if _, dup := stints[r.Slug]; r.Slug != "" && !dup {
			stints[r.Slug] = stintRec{m: m, p: p}
		}
		g.Memberships = append(g.Memberships, m)
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ss := groups[k]
		for i := 1; i < len(ss); i++ {
			for j := 0; j < i; j++ {
				a, b := ss[j], ss[i]
				if !a.m.Period().Overlaps(b.m.Period()) {
					continue
				}
				hint := ""
				if ad, bd := a.m.Source.DocumentSlug, b.m.Source.DocumentSlug; ad != "" && bd != "" && ad != bd {
					hint = fmt.Sprintf("; if %s gives %s's account of the same stint, write claimOf: %s", b.m.Slug, bd, a.m.Slug)
				}
				c.add(b.p, "start", "stint %s of %s in %s as %s overlaps stint %s (%s:%d)%s",
					b.m.Slug, b.m.MemberSlug, b.m.OrganizationSlug, b.m.Role, a.m.Slug, a.p.file, a.p.line, hint)
			}
		}
	}
	c.claimsOf(claims, stints, claimRecs)
}

// membership checks one membership record and turns it into a stint.
func (c *checker) membership(r membershipRec, p pos) *kg.Membership {
	if r.Member == "" {
		c.add(p, "member", "membership has no member")
	}
	c.actor(p, "member", r.Member)
	if r.Organization == "" {
		c.add(p, "organization", "membership has no organization")
	}
	c.ref(p, "organization", r.Organization, c.orgs, "organization")
	if r.Member != "" && r.Member == r.Organization {
		c.add(p, "member", "an organization cannot be a member of itself")
	}
	start, startOK := c.boundary(p, "start", r.Start, r.StartBounds)
	end, endOK := c.boundary(p, "end", r.End, r.EndBounds)
	m := &kg.Membership{Slug: r.Slug, MemberSlug: r.Member, OrganizationSlug: r.Organization,
		Role:  checkEnum(c, p, "role", r.Role, kg.MembershipRoles),
		Start: start.Date, End: end.Date, StartBounds: start.Bounds, EndBounds: end.Bounds, Note: opt(r.Note),
		RoleUnstated: r.RoleStated != nil && !*r.RoleStated, Explanations: c.explanations(p, r.Explanations)}
	if r.EndReason != "" {
		e := checkEnum(c, p, "endReason", r.EndReason, kg.MembershipEnds)
		m.EndReason = &e
		if !r.End.set && r.EndBounds == nil {
			c.add(p, "endReason", "endReason is given but the stint has no end")
		}
	}
	if startOK && endOK && endsBeforeStart(start, end) {
		c.add(p, end.lastField(), "stint ends (%s) before it starts (%s)", describeEnd(end), describeStart(start))
	}
	if src := c.source(p, r.Source, "membership "+r.Slug); src != nil {
		m.Source = *src
	}
	return m
}

// claimsOf makes each claim record (one with claimOf) a claim of the stint it names, in the
// order of the files: the stint's own record gives the first claim, each claim record one
// more. A claim record must name a stint of the same member in the same organization, from
// another document than the stint's and its other claims' (one claim per document and
// stint), and must overlap the stint (each date taken as the whole period it names, an
// undated side as open); it may state another role or other dates, which the stint then
// shows as disputed. Its explanations join the stint's, one per aspect.
func (c *checker) claimsOf(claims []stintRec, stints map[string]stintRec, claimRecs map[string]bool) {
	byDoc := map[string]map[string]pos{} // stint slug -> document -> where its claim sits
	for _, cl := range claims {
		m, p, rec := cl.m, cl.p, cl.claimOf
		target, ok := stints[rec]
		switch {
		case !ok && claimRecs[rec]:
			c.add(p, "claimOf", "claimOf: %s is itself a claim of another stint; name that stint", rec)
			continue
		case !ok:
			c.add(p, "claimOf", "claimOf: unknown stint %q", rec)
			continue
		}
		t := target.m
		if m.MemberSlug != t.MemberSlug || m.OrganizationSlug != t.OrganizationSlug {
			c.add(p, "claimOf", "claimOf: stint %s is of %s in %s, but this claim is of %s in %s", t.Slug, t.MemberSlug, t.OrganizationSlug, m.MemberSlug, m.OrganizationSlug)
			continue
		}
		doc := m.Source.DocumentSlug
		if doc == "" || t.Source.DocumentSlug == "" {
			continue // its source or the stint's is wrong, and reported
		}
		if byDoc[t.Slug] == nil {
			byDoc[t.Slug] = map[string]pos{t.Source.DocumentSlug: target.p}
		}
		if first, dup := byDoc[t.Slug][doc]; dup {
			c.add(p, "source", "claimOf: stint %s already has a claim of document %s (%s:%d); a document states a stint once", t.Slug, doc, first.file, first.line)
			continue
		}
		if !m.Period().Overlaps(t.Period()) {
			c.add(p, "claimOf", "claimOf: this claim (%s) does not overlap stint %s (%s); a claim gives another account of the same stint", describePeriod(m.Period()), t.Slug, describePeriod(t.Period()))
			continue
		}
		byDoc[t.Slug][doc] = p
		for _, a := range kg.DisagreementAspects {
			e, ok := m.Explanations[a]
			if !ok {
				continue
			}
			if _, dup := t.Explanations[a]; dup {
				c.add(p, "explanations."+string(a), "explanations: stint %s already explains %s", t.Slug, a)
				continue
			}
			if t.Explanations == nil {
				t.Explanations = map[kg.DisagreementAspect]string{}
			}
			t.Explanations[a] = e
		}
		ensureOwnClaim(t)
		t.Claims = append(t.Claims, kg.MembershipClaim{Role: m.Role, Start: m.Start, End: m.End, EndReason: m.EndReason,
			StartBounds: m.StartBounds, EndBounds: m.EndBounds, RoleUnstated: m.RoleUnstated, Note: m.Note, Source: m.Source})
	}
}

// describePeriod names a period as problems do: "1994 to 1999", "2001 to (open)".
func describePeriod(p kg.Period) string {
	side := func(d *kg.PartialDate, open string) string {
		if d == nil {
			return open
		}
		return d.ISO()
	}
	return side(p.Start, "(undated)") + " to " + side(p.End, "(open)")
}

func (c *checker) checkEvents(g *kg.Graph) {
	for _, it := range c.raw.events {
		r, p := it.rec, it.pos
		c.required(p, "title", r.Title, "event")
		c.required(p, "summary", r.Summary, "event")
		e := &kg.Event{Slug: r.Slug, Title: r.Title, Kind: checkEnum(c, p, "kind", r.Kind, kg.EventKinds),
			EndDate: c.date(p, "endDate", r.EndDate), PlaceSlug: r.Place,
			ParticipantSlugs: nonNil(r.Participants), PeopleSlugs: nonNil(r.People), Summary: r.Summary,
			Quantities: []kg.Quantity{}}
		if d := c.date(p, "date", r.Date); d != nil {
			e.Date = *d
		} else if !r.Date.set {
			c.add(p, "date", "event has no date")
		}
		if e.EndDate != nil && !e.Date.IsZero() && e.EndDate.Last() < e.Date.First() {
			c.add(p, "endDate", "event ends (%s) before it starts (%s)", e.EndDate, e.Date)
		}
		c.ref(p, "place", r.Place, c.places, "place")
		for _, a := range r.Participants {
			c.actor(p, "participants", a)
		}
		for _, who := range r.People {
			c.ref(p, "people", who, c.people, "person")
		}
		for _, q := range r.Quantities {
			if q.Measure == "" || q.Value == nil {
				c.add(p, "quantities", "quantities: each quantity needs a measure and a value")
				continue
			}
			qual := kg.Exact
			if q.Qualifier != "" {
				qual = checkEnum(c, p, "quantities", q.Qualifier, kg.QuantityQualifiers)
			}
			e.Quantities = append(e.Quantities, kg.Quantity{Measure: q.Measure, Value: *q.Value, Unit: opt(q.Unit), Qualifier: qual})
		}
		if src := c.source(p, r.Source, "event "+r.Slug); src != nil {
			e.Source = *src
		}
		g.Events = append(g.Events, e)
	}
}

func (c *checker) checkQuotesFiguresProvisions(g *kg.Graph) {
	for _, it := range c.raw.quotes {
		r, p := it.rec, it.pos
		c.required(p, "text", r.Text, "quote")
		if r.Speaker == "" {
			c.add(p, "speaker", "quote has no speaker")
		}
		c.ref(p, "speaker", r.Speaker, c.people, "person")
		c.ref(p, "event", r.Event, c.events, "event")
		q := &kg.Quote{Slug: r.Slug, Text: r.Text, SpeakerSlug: r.Speaker, Date: c.date(p, "date", r.Date),
			EventSlug: r.Event, Language: opt(r.Language)}
		if src := c.source(p, r.Source, "quote "+r.Slug); src != nil {
			q.Source = *src
		}
		g.Quotes = append(g.Quotes, q)
	}
	for _, it := range c.raw.figures {
		r, p := it.rec, it.pos
		if r.State == "" {
			c.add(p, "state", "figure has no state")
		}
		c.ref(p, "state", r.State, c.states, "state")
		if r.Year < 1 {
			c.add(p, "year", "figure has no year")
		}
		f := &kg.MilitaryStrength{Slug: r.Slug, StateSlug: r.State, Year: r.Year,
			PerThousandTotal: r.PerThousandTotal, PerThousandActive: r.PerThousandActive, Notes: nonNil(r.Notes)}
		for _, n := range []struct {
			field string
			v     *int
			dst   *int
		}{{"active", r.Active, &f.Active}, {"reserve", r.Reserve, &f.Reserve}, {"paramilitary", r.Paramilitary, &f.Paramilitary}, {"total", r.Total, &f.Total}} {
			switch {
			case n.v == nil:
				c.add(p, n.field, "figure has no %s (write 0 when the source gives 0)", n.field)
			case *n.v < 0:
				c.add(p, n.field, "%s: %d is negative", n.field, *n.v)
			default:
				*n.dst = *n.v
			}
		}
		if r.Active != nil && r.Reserve != nil && r.Paramilitary != nil && r.Total != nil &&
			*r.Active+*r.Reserve+*r.Paramilitary != *r.Total {
			c.add(p, "total", "total: %d is not active + reserve + paramilitary (%d)", *r.Total, *r.Active+*r.Reserve+*r.Paramilitary)
		}
		if src := c.source(p, r.Source, "figure "+r.Slug); src != nil {
			f.Source = *src
		}
		g.Figures = append(g.Figures, f)
	}
	for _, it := range c.raw.provisions {
		r, p := it.rec, it.pos
		c.required(p, "title", r.Title, "provision")
		c.required(p, "summary", r.Summary, "provision")
		if r.Organization == "" {
			c.add(p, "organization", "provision has no organization")
		}
		c.ref(p, "organization", r.Organization, c.orgs, "organization")
		c.ref(p, "proposedBy", r.ProposedBy, c.people, "person")
		c.ref(p, "event", r.Event, c.events, "event")
		pr := &kg.Provision{Slug: r.Slug, OrganizationSlug: r.Organization, Kind: checkEnum(c, p, "kind", r.Kind, kg.ProvisionKinds),
			Title: r.Title, Summary: r.Summary, Since: c.date(p, "since", r.Since), ProposedBySlug: r.ProposedBy, EventSlug: r.Event}
		if src := c.source(p, r.Source, "provision "+r.Slug); src != nil {
			pr.Source = *src
		}
		g.Provisions = append(g.Provisions, pr)
	}
}
