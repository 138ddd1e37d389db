// Package synth makes larger graphs of the same shape as a real one, for tests and
// benchmarks that check how the service behaves as the data grows, and writes them out as a
// seed set.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Revision changes whenever Scale would produce a different graph for the same input, so that
// databases built from an earlier revision are not mistaken for current ones.
const Revision = 2

// Scale returns a graph n times the size of g with the copies drawn from rand seed 1; see
// ScaleRand.
func Scale(g *kg.Graph, n int) *kg.Graph { return ScaleRand(g, n, 1) }

// ScaleRand returns a graph n times the size of g: g itself, unchanged, followed by n-1
// copies with the same shape (the same stints with gaps and returns, events, people, quotes,
// figures, provisions and footnotes, linked to each other as in g but never to another copy).
//
// Each copy draws from seed and its number: new names for its states, organizations, people
// and places (also where the texts of its events, quotes and provisions mention them), new
// acronyms, figures that differ, and all of its dates moved by the same whole number of
// leap-year cycles, so that stints which did not overlap still do not. Slugs carry a copy
// suffix ("armenia-c7"); ISO codes are dropped in copies, since there are too few to go
// round. The same g, n and seed always give the same graph.
func ScaleRand(g *kg.Graph, n int, seed uint64) *kg.Graph {
	out := &kg.Graph{Version: fmt.Sprintf("%s-x%d-r%d", g.Version, n, seed)}
	t := newTexts(g)
	acronyms := map[string]bool{}
	for _, o := range g.Organizations {
		if o.Acronym != nil {
			acronyms[strings.ToUpper(*o.Acronym)] = true
		}
	}
	for i := 0; i < n; i++ {
		c := &copier{texts: t, acronyms: acronyms, acr: map[string]string{}}
		if i > 0 {
			c.suffix = fmt.Sprintf("-c%d", i)
			c.rng = rand.New(rand.NewPCG(seed, uint64(i)))
			c.years = 4 * (c.rng.IntN(7) - 3)
			c.names = c.rename(g)
		}
		c.add(g, out)
	}
	return out
}

// copier makes one copy of a graph. The zero suffix makes the original itself.
type copier struct {
	suffix string
	rng    *rand.Rand
	years  int
	// names maps each name the texts may mention to its replacement in this copy.
	names map[string]string
	// acr maps each acronym of the original to this copy's.
	acr      map[string]string
	texts    *texts
	acronyms map[string]bool
}

func (c *copier) original() bool { return c.suffix == "" }

func (c *copier) s(slug string) string {
	if slug == "" {
		return ""
	}
	return slug + c.suffix
}

func (c *copier) all(slugs []string) []string {
	out := make([]string, len(slugs))
	for i, s := range slugs {
		out[i] = c.s(s)
	}
	return out
}

func (c *copier) src(s kg.Source) kg.Source {
	return kg.Source{DocumentSlug: c.s(s.DocumentSlug), SectionKey: s.SectionKey, Notes: s.Notes}
}

func (c *copier) srcs(ss []kg.Source) []kg.Source {
	if ss == nil {
		return nil
	}
	out := make([]kg.Source, len(ss))
	for i, s := range ss {
		out[i] = c.src(s)
	}
	return out
}

// yearRange moves a range of years as dates are moved.
func (c *copier) yearRange(r *kg.YearRange) *kg.YearRange {
	if r == nil {
		return nil
	}
	return &kg.YearRange{Earliest: r.Earliest + c.years, Latest: r.Latest + c.years}
}

func (c *copier) srcP(s *kg.Source) *kg.Source {
	if s == nil {
		return nil
	}
	v := c.src(*s)
	return &v
}

// date moves a date by the copy's shift. Shifts are whole leap-year cycles, so every day
// stays on the calendar; the clamp only guards against a century year.
func (c *copier) date(d *kg.PartialDate) *kg.PartialDate {
	if d == nil || c.years == 0 {
		return d
	}
	v := c.dateV(*d)
	return &v
}

func (c *copier) dateV(d kg.PartialDate) kg.PartialDate {
	if c.years == 0 || d.IsZero() {
		return d
	}
	d.Year += c.years
	if d.Month == 2 && d.Day == 29 && !(d.Year%4 == 0 && (d.Year%100 != 0 || d.Year%400 == 0)) {
		d.Day = 28
	}
	return d
}

// text rewrites a text of the original so that it names this copy's actors and people.
func (c *copier) text(s string) string {
	if c.original() {
		return s
	}
	return c.texts.render(s, c.names)
}

func (c *copier) textP(p *string) *string {
	if p == nil || c.original() {
		return p
	}
	v := c.text(*p)
	return &v
}

// add appends to out this copy of every record of g, in the order of g.
func (c *copier) add(g, out *kg.Graph) {
	for _, d := range g.Documents {
		v := *d
		v.Slug, v.Title, v.Note = c.s(d.Slug), c.text(d.Title), c.textP(d.Note)
		// A page's dates move together, so that it is still read after it is published and
		// observes nothing after it is read.
		v.CoversUntil, v.Published, v.Accessed = c.date(d.CoversUntil), c.date(d.Published), c.date(d.Accessed)
		out.Documents = append(out.Documents, &v)
	}
	for _, x := range g.Citations {
		v := *x
		v.DocumentSlug, v.Title, v.Note = c.s(x.DocumentSlug), c.textP(x.Title), c.textP(x.Note)
		v.Published, v.Accessed, v.Archived = c.date(x.Published), c.date(x.Accessed), c.date(x.Archived)
		out.Citations = append(out.Citations, &v)
	}
	for _, x := range g.States {
		out.States = append(out.States, c.state(x))
	}
	for _, x := range g.Organizations {
		out.Organizations = append(out.Organizations, c.organization(x))
	}
	for _, x := range g.Places {
		v := *x
		v.Slug, v.StateSlug, v.Source = c.s(x.Slug), c.s(x.StateSlug), c.srcP(x.Source)
		if !c.original() {
			v.Name = c.names[x.Name]
		}
		out.Places = append(out.Places, &v)
	}
	for _, x := range g.People {
		v := *x
		v.Slug, v.Source = c.s(x.Slug), c.srcP(x.Source)
		if !c.original() {
			v.Name, v.Aliases = c.names[x.Name], c.aliases(x.Aliases)
		}
		out.People = append(out.People, &v)
	}
	for _, x := range g.Positions {
		v := *x
		v.Slug, v.PersonSlug, v.OfSlug, v.Source = c.s(x.Slug), c.s(x.PersonSlug), c.s(x.OfSlug), c.src(x.Source)
		v.Start, v.End, v.AsOf, v.Note = c.date(x.Start), c.date(x.End), c.date(x.AsOf), c.textP(x.Note)
		v.StartBounds, v.EndBounds = c.bounds(x.StartBounds), c.bounds(x.EndBounds)
		out.Positions = append(out.Positions, &v)
	}
	for _, x := range g.Memberships {
		out.Memberships = append(out.Memberships, c.membership(x))
	}
	for _, x := range g.Events {
		v := *x
		v.Slug, v.PlaceSlug, v.Source = c.s(x.Slug), c.s(x.PlaceSlug), c.src(x.Source)
		v.ParticipantSlugs, v.PeopleSlugs = c.all(x.ParticipantSlugs), c.all(x.PeopleSlugs)
		v.Date, v.EndDate = c.dateV(x.Date), c.date(x.EndDate)
		v.Title, v.Summary = c.text(x.Title), c.text(x.Summary)
		out.Events = append(out.Events, &v)
	}
	for _, x := range g.Quotes {
		v := *x
		v.Slug, v.SpeakerSlug, v.EventSlug, v.Source = c.s(x.Slug), c.s(x.SpeakerSlug), c.s(x.EventSlug), c.src(x.Source)
		v.Date, v.Text = c.date(x.Date), c.text(x.Text)
		out.Quotes = append(out.Quotes, &v)
	}
	for _, x := range g.Figures {
		v := *x
		v.Slug, v.StateSlug, v.Source = c.s(x.Slug), c.s(x.StateSlug), c.src(x.Source)
		v.Year = c.dateV(kg.PartialDate{Year: x.Year}).Year
		if !c.original() {
			c.vary(&v)
		}
		out.Figures = append(out.Figures, &v)
	}
	for _, x := range g.Provisions {
		v := *x
		v.Slug, v.OrganizationSlug, v.Source = c.s(x.Slug), c.s(x.OrganizationSlug), c.src(x.Source)
		v.ProposedBySlug, v.EventSlug = c.s(x.ProposedBySlug), c.s(x.EventSlug)
		v.Since, v.Title, v.Summary = c.date(x.Since), c.text(x.Title), c.text(x.Summary)
		out.Provisions = append(out.Provisions, &v)
	}
}

// state copies x, leaving out on a copy the codes and names that identify the original.
func (c *copier) state(x *kg.State) *kg.State {
	v := *x
	v.Slug, v.Source, v.Sources = c.s(x.Slug), c.srcP(x.Source), c.srcs(x.Sources)
	v.SystemMembership = nil
	for _, p := range x.SystemMembership {
		v.SystemMembership = append(v.SystemMembership, kg.StateSystemPeriod{Start: c.dateV(p.Start), End: c.date(p.End), Source: c.src(p.Source)})
	}
	if !c.original() {
		// Like ISO codes, the dataset's codes are unique and have no copies.
		v.CowCode, v.CowAbbreviation = nil, nil
		v.Name, v.Iso2, v.Iso3 = c.names[x.Name], nil, nil
		v.Names, v.Aliases = c.localized(x.Names), c.aliases(x.Aliases)
	}
	return &v
}

// organization copies x, leaving out on a copy the dataset's keys and renaming it.
func (c *copier) organization(x *kg.Organization) *kg.Organization {
	v := *x
	v.Slug, v.Source, v.Sources = c.s(x.Slug), c.srcP(x.Source), c.srcs(x.Sources)
	v.HeadquartersSlug, v.ParentSlug = c.s(x.HeadquartersSlug), c.s(x.ParentSlug)
	v.Founded, v.Ended = c.date(x.Founded), c.date(x.Ended)
	if !c.original() {
		v.CowKey, v.CowNumber = nil, nil
		v.Name = c.names[x.Name]
		if x.Acronym != nil {
			a := c.acr[*x.Acronym]
			v.Acronym = &a
		}
		v.Names, v.Aliases = c.localized(x.Names), c.aliases(x.Aliases)
	}
	return &v
}

// membership copies x with its claims.
func (c *copier) membership(x *kg.Membership) *kg.Membership {
	v := *x
	v.Slug, v.MemberSlug, v.OrganizationSlug, v.Source = c.s(x.Slug), c.s(x.MemberSlug), c.s(x.OrganizationSlug), c.src(x.Source)
	v.Start, v.End, v.Note, v.AsOf = c.date(x.Start), c.date(x.End), c.textP(x.Note), c.date(x.AsOf)
	v.StartBounds, v.EndBounds = c.bounds(x.StartBounds), c.bounds(x.EndBounds)
	v.Claims = nil
	if x.Claims != nil {
		v.Claims = make([]kg.MembershipClaim, len(x.Claims))
	}
	for i, cl := range x.Claims {
		cl.Start, cl.End, cl.AsOf, cl.Note, cl.Source = c.date(cl.Start), c.date(cl.End), c.date(cl.AsOf), c.textP(cl.Note), c.src(cl.Source)
		cl.StartRange, cl.EndRange = c.yearRange(cl.StartRange), c.yearRange(cl.EndRange)
		cl.StartBounds, cl.EndBounds = c.bounds(cl.StartBounds), c.bounds(cl.EndBounds)
		if c.years != 0 && len(cl.UnknownYears) > 0 {
			years := make([]int, len(cl.UnknownYears))
			for j, y := range cl.UnknownYears {
				years[j] = y + c.years
			}
			cl.UnknownYears = years
		}
		v.Claims[i] = cl
	}
	// The span follows the shifted dates.
	v.Span = kg.Span{}
	if len(v.Claims) > 0 {
		spans := make([]kg.Span, len(v.Claims))
		for i := range v.Claims {
			spans[i] = v.Claims[i].Span()
		}
		v.Span = kg.Merge(spans)
	} else {
		v.Reconcile()
	}
	return &v
}

// bounds copies date bounds, shifted as the copy's dates are.
func (c *copier) bounds(b *kg.DateBounds) *kg.DateBounds {
	if b == nil {
		return nil
	}
	return &kg.DateBounds{NotBefore: c.date(b.NotBefore), NotAfter: c.date(b.NotAfter)}
}

// vary scales a copy's personnel figures by one factor, keeping total the sum of its parts.
func (c *copier) vary(f *kg.MilitaryStrength) {
	k := 0.5 + c.rng.Float64()
	f.Active = int(math.Round(float64(f.Active) * k))
	f.Reserve = int(math.Round(float64(f.Reserve) * k))
	f.Paramilitary = int(math.Round(float64(f.Paramilitary) * k))
	f.Total = f.Active + f.Reserve + f.Paramilitary
	scale := func(p *float64) *float64 {
		if p == nil {
			return nil
		}
		v := math.Round(*p*k*10) / 10
		return &v
	}
	f.PerThousandTotal, f.PerThousandActive = scale(f.PerThousandTotal), scale(f.PerThousandActive)
}

// rename draws this copy's names for every actor, person and place of g, and its acronyms.
func (c *copier) rename(g *kg.Graph) map[string]string {
	names := map[string]string{}
	set := func(from, to string) {
		if _, ok := names[from]; !ok && from != "" {
			names[from] = to
		}
	}
	for _, s := range g.States {
		set(s.Name, c.word(2, 4)+pick(c.rng, stateEndings))
	}
	for _, o := range g.Organizations {
		if o.Acronym != nil {
			a := c.acronym(len(*o.Acronym))
			c.acr[*o.Acronym] = a
			set(*o.Acronym, a)
		}
		words := strings.Fields(o.Name)
		set(o.Name, c.word(2, 3)+"an "+c.word(2, 3)+" "+words[len(words)-1])
	}
	for _, p := range g.Places {
		set(p.Name, c.word(2, 3))
	}
	for _, p := range g.People {
		first, last := c.word(2, 3), c.word(2, 4)+pick(c.rng, surnameEndings)
		set(p.Name, first+" "+last)
		// Texts often name a person by surname alone.
		if f := strings.Fields(p.Name); len(f) > 1 {
			set(f[len(f)-1], last)
		}
	}
	return names
}

// acronym draws upper-case letters that no organization of the graph uses yet.
func (c *copier) acronym(n int) string {
	n = max(n, 3)
	for {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('A' + c.rng.IntN(26))
		}
		if a := string(b); !c.acronyms[a] {
			c.acronyms[a] = true
			return a
		}
	}
}

var (
	syllables      = []string{"ba", "da", "ka", "la", "ma", "na", "ra", "sa", "ta", "va", "be", "de", "ke", "le", "me", "ne", "re", "se", "te", "ve", "bi", "di", "ki", "li", "mi", "ni", "ri", "si", "ti", "vi", "bo", "do", "ko", "lo", "mo", "no", "ro", "so", "to", "vo", "bu", "du", "ku", "lu", "mu", "nu", "ru", "su", "tu", "zu", "gor", "lan", "mir", "tal", "vos", "der", "kel", "ran", "sun", "tor"}
	stateEndings   = []string{"ia", "stan", "land", "ora", "ea", "ina"}
	surnameEndings = []string{"ov", "enko", "yan", "ski", "ev", "in"}
)

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// word draws a capitalised made-up word of lo to hi syllables.
func (c *copier) word(lo, hi int) string {
	var b strings.Builder
	for i, n := 0, lo+c.rng.IntN(hi-lo+1); i < n; i++ {
		b.WriteString(pick(c.rng, syllables))
	}
	w := b.String()
	return strings.ToUpper(w[:1]) + w[1:]
}

// localized gives a copy's names in other languages: as many as the original, each a new word.
func (c *copier) localized(ns []kg.LocalizedName) []kg.LocalizedName {
	if ns == nil {
		return nil
	}
	out := make([]kg.LocalizedName, len(ns))
	for i, n := range ns {
		out[i] = kg.LocalizedName{Language: n.Language, Text: c.word(2, 4)}
		if n.Transliteration != nil {
			t := out[i].Text
			out[i].Transliteration = &t
		}
	}
	return out
}

// aliases gives a copy's other names: as many as the original, each a new word.
func (c *copier) aliases(as []string) []string {
	if as == nil {
		return nil
	}
	out := make([]string, len(as))
	for i := range as {
		out[i] = c.word(2, 3)
	}
	return out
}

// texts holds every text of the original graph cut into literal runs and the names it
// mentions, so that a copy's texts are put together without searching them again.
type texts struct {
	re    *regexp.Regexp
	parts map[string][]part
}

// part is a run of a text: literal, or a name to replace.
type part struct {
	lit  string
	name bool
}

// newTexts finds the names of g's actors, people and places (and people's surnames) in texts
// as whole words.
func newTexts(g *kg.Graph) *texts {
	var names []string
	for _, s := range g.States {
		names = append(names, s.Name)
	}
	for _, o := range g.Organizations {
		names = append(names, o.Name)
		if o.Acronym != nil {
			names = append(names, *o.Acronym)
		}
	}
	for _, p := range g.Places {
		names = append(names, p.Name)
	}
	for _, p := range g.People {
		names = append(names, p.Name)
		if f := strings.Fields(p.Name); len(f) > 1 {
			names = append(names, f[len(f)-1])
		}
	}
	// Longest first, so that "Commonwealth of Independent States Free Trade Area" wins over
	// "Commonwealth of Independent States".
	sort.SliceStable(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	quoted := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" {
			quoted = append(quoted, regexp.QuoteMeta(n))
		}
	}
	t := &texts{parts: map[string][]part{}}
	if len(quoted) > 0 {
		t.re = regexp.MustCompile(`\b(?:` + strings.Join(quoted, "|") + `)\b`)
	}
	return t
}

func (t *texts) render(s string, names map[string]string) string {
	parts, ok := t.parts[s]
	if !ok {
		parts = t.split(s)
		t.parts[s] = parts
	}
	var b strings.Builder
	for _, p := range parts {
		if p.name {
			b.WriteString(names[p.lit])
		} else {
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

func (t *texts) split(s string) []part {
	if t.re == nil {
		return []part{{lit: s}}
	}
	var parts []part
	last := 0
	for _, m := range t.re.FindAllStringIndex(s, -1) {
		if m[0] > last {
			parts = append(parts, part{lit: s[last:m[0]]})
		}
		parts = append(parts, part{lit: s[m[0]:m[1]], name: true})
		last = m[1]
	}
	if last < len(s) {
		parts = append(parts, part{lit: s[last:]})
	}
	return parts
}
