package seed

import (
	"fmt"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// boundCurated gives the curated posts and stints what their source and the graph say about
// the dates the source leaves out:
//   - AsOf, the last date the source's document observes (its CoversUntil), so that an end
//     neither dated nor bounded means "still so then";
//   - for a stint with no start and no lower bound on it, the founding date of its
//     organization, when the graph has one, as the earliest its start may be: no stint begins
//     before its organization exists. It is left out when it would leave no day within the
//     start's bounds.
//
// It runs after the datasets are merged, so that an organization only a dataset dates has its
// founding, and before reconcileAll. A curated stint that a dataset's stint was paired with
// already holds its own claim: that claim gets the same AsOf and bounds. Each further curated
// claim of a stint (a record with claimOf) gets its own document's AsOf, and the founding
// bound on its own start; the claims of the datasets (documents in datasets) keep theirs.
func boundCurated(g *kg.Graph, datasets map[string]bool) {
	horizon := map[string]*kg.PartialDate{}
	for _, d := range g.Documents {
		horizon[d.Slug] = d.CoversUntil
	}
	noHorizon := map[string]int{}
	founded := map[string]*kg.PartialDate{}
	for _, o := range g.Organizations {
		founded[o.Slug] = o.Founded
	}
	for _, p := range g.Positions {
		p.AsOf = horizon[p.Source.DocumentSlug]
		if p.AsOf == nil && p.End == nil && p.EndBounds == nil {
			noHorizon[p.Source.DocumentSlug]++
		}
	}
	for _, m := range g.Memberships {
		if m.Source.DocumentSlug == "" {
			continue // a dataset's own stint: its claims carry their source's horizon
		}
		own := m.Source.DocumentSlug
		m.AsOf = horizon[own]
		if m.AsOf == nil && m.End == nil && m.EndBounds == nil {
			noHorizon[own]++
		}
		m.StartBounds = foundingBound(m.Start, m.StartBounds, founded[m.OrganizationSlug])
		for i := range m.Claims {
			c := &m.Claims[i]
			switch doc := c.Source.DocumentSlug; {
			case doc == own:
				c.AsOf, c.StartBounds = m.AsOf, m.StartBounds
			case !datasets[doc]:
				c.AsOf = horizon[doc]
				if c.AsOf == nil && c.End == nil && c.EndBounds == nil {
					noHorizon[doc]++
				}
				c.StartBounds = foundingBound(c.Start, c.StartBounds, founded[m.OrganizationSlug])
			}
		}
	}
	// An open end says "still so when the source last looked"; without that date it is
	// known only where it began. Not an error (a text may not date itself), but worth a look.
	for _, d := range g.Documents {
		if n := noHorizon[d.Slug]; n > 0 {
			g.Notices = append(g.Notices, fmt.Sprintf("document %s: no coversUntil, so the open ends of its %d posts and stints are known to hold only where they begin", d.Slug, n))
		}
	}
}

// foundingBound is the bounds on an undated start with the organization's founding as the
// earliest day, when the start has no date and no lower bound and the founding leaves a day
// within its upper bound; otherwise the bounds unchanged.
func foundingBound(start *kg.PartialDate, bounds *kg.DateBounds, founded *kg.PartialDate) *kg.DateBounds {
	if founded == nil || start != nil || (bounds != nil && bounds.NotBefore != nil) {
		return bounds
	}
	day := *founded
	b := kg.DateBounds{NotBefore: &day}
	if bounds != nil {
		b.NotAfter = bounds.NotAfter
	}
	if b.Empty() {
		return bounds
	}
	return &b
}
