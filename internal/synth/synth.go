// Package synth makes larger graphs of the same shape as a real one, for tests and
// benchmarks that check how the service behaves as the data grows.
package synth

import (
	"fmt"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Scale returns a graph n times the size of g: g itself plus n-1 copies whose slugs, codes
// and references carry a copy suffix, so every copy has the same shape as the original
// (the same stints with gaps and returns, events, people, quotes, figures and footnotes).
func Scale(g *kg.Graph, n int) *kg.Graph {
	out := &kg.Graph{Version: fmt.Sprintf("%s-x%d", g.Version, n)}
	for i := 0; i < n; i++ {
		c := copier{suffix: ""}
		if i > 0 {
			c.suffix = fmt.Sprintf("-c%d", i)
		}
		c.add(g, out)
	}
	return out
}

type copier struct{ suffix string }

func (c copier) s(slug string) string {
	if slug == "" {
		return ""
	}
	return slug + c.suffix
}

func (c copier) all(slugs []string) []string {
	out := make([]string, len(slugs))
	for i, s := range slugs {
		out[i] = c.s(s)
	}
	return out
}

func (c copier) code(p *string) *string {
	if p == nil || c.suffix == "" {
		return p
	}
	v := *p + c.suffix
	return &v
}

func (c copier) src(s kg.Source) kg.Source {
	return kg.Source{DocumentSlug: c.s(s.DocumentSlug), SectionKey: s.SectionKey, Notes: s.Notes}
}

func (c copier) srcP(s *kg.Source) *kg.Source {
	if s == nil {
		return nil
	}
	v := c.src(*s)
	return &v
}

func (c copier) add(g, out *kg.Graph) {
	for _, d := range g.Documents {
		v := *d
		v.Slug = c.s(d.Slug)
		out.Documents = append(out.Documents, &v)
	}
	for _, x := range g.Citations {
		v := *x
		v.DocumentSlug = c.s(x.DocumentSlug)
		out.Citations = append(out.Citations, &v)
	}
	for _, x := range g.States {
		v := *x
		v.Slug, v.Iso2, v.Iso3, v.Source = c.s(x.Slug), c.code(x.Iso2), c.code(x.Iso3), c.srcP(x.Source)
		if c.suffix != "" {
			v.Name = x.Name + " " + c.suffix[1:]
		}
		out.States = append(out.States, &v)
	}
	for _, x := range g.Organizations {
		v := *x
		v.Slug, v.Acronym, v.Source = c.s(x.Slug), c.code(x.Acronym), c.srcP(x.Source)
		v.HeadquartersSlug, v.ParentSlug = c.s(x.HeadquartersSlug), c.s(x.ParentSlug)
		if c.suffix != "" {
			v.Name = x.Name + " " + c.suffix[1:]
		}
		out.Organizations = append(out.Organizations, &v)
	}
	for _, x := range g.Places {
		v := *x
		v.Slug, v.StateSlug, v.Source = c.s(x.Slug), c.s(x.StateSlug), c.srcP(x.Source)
		out.Places = append(out.Places, &v)
	}
	for _, x := range g.People {
		v := *x
		v.Slug, v.Source = c.s(x.Slug), c.srcP(x.Source)
		out.People = append(out.People, &v)
	}
	for _, x := range g.Positions {
		v := *x
		v.Slug, v.PersonSlug, v.OfSlug, v.Source = c.s(x.Slug), c.s(x.PersonSlug), c.s(x.OfSlug), c.src(x.Source)
		out.Positions = append(out.Positions, &v)
	}
	for _, x := range g.Memberships {
		v := *x
		v.Slug, v.MemberSlug, v.OrganizationSlug, v.Source = c.s(x.Slug), c.s(x.MemberSlug), c.s(x.OrganizationSlug), c.src(x.Source)
		out.Memberships = append(out.Memberships, &v)
	}
	for _, x := range g.Events {
		v := *x
		v.Slug, v.PlaceSlug, v.Source = c.s(x.Slug), c.s(x.PlaceSlug), c.src(x.Source)
		v.ParticipantSlugs, v.PeopleSlugs = c.all(x.ParticipantSlugs), c.all(x.PeopleSlugs)
		out.Events = append(out.Events, &v)
	}
	for _, x := range g.Quotes {
		v := *x
		v.Slug, v.SpeakerSlug, v.EventSlug, v.Source = c.s(x.Slug), c.s(x.SpeakerSlug), c.s(x.EventSlug), c.src(x.Source)
		out.Quotes = append(out.Quotes, &v)
	}
	for _, x := range g.Figures {
		v := *x
		v.Slug, v.StateSlug, v.Source = c.s(x.Slug), c.s(x.StateSlug), c.src(x.Source)
		out.Figures = append(out.Figures, &v)
	}
	for _, x := range g.Provisions {
		v := *x
		v.Slug, v.OrganizationSlug, v.Source = c.s(x.Slug), c.s(x.OrganizationSlug), c.src(x.Source)
		v.ProposedBySlug, v.EventSlug = c.s(x.ProposedBySlug), c.s(x.EventSlug)
		out.Provisions = append(out.Provisions, &v)
	}
}
