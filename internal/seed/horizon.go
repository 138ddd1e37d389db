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
// already holds its own claim: that claim gets the same AsOf and bounds.
func boundCurated(g *kg.Graph) {
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
		m.AsOf = horizon[m.Source.DocumentSlug]
		if m.AsOf == nil && m.End == nil && m.EndBounds == nil {
			noHorizon[m.Source.DocumentSlug]++
		}
		if f := founded[m.OrganizationSlug]; f != nil && m.Start == nil && (m.StartBounds == nil || m.StartBounds.NotBefore == nil) {
			day := *f
			b := kg.DateBounds{NotBefore: &day}
			if m.StartBounds != nil {
				b.NotAfter = m.StartBounds.NotAfter
			}
			if !b.Empty() {
				m.StartBounds = &b
			}
		}
		if c := m.Claim(m.Source.DocumentSlug); c != nil {
			c.AsOf, c.StartBounds = m.AsOf, m.StartBounds
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
