package main

import (
	"context"
	"fmt"
	"io"
)

// validateCommand checks a seed set.
type validateCommand struct {
	stdout, stderr io.Writer
}

func (c *validateCommand) Run(_ context.Context, args []string) error {
	fs := newFlagSet("validate", c.stderr, "usage: treatygraph validate [-seeds DIR] [-max-seed-bytes N] [-max-seed-depth N]\n\nChecks the seeds and prints every problem as file:line: message; exits 1 if there is any.")
	dir := fs.String("seeds", "", "seed `DIR` to check (default: the seeds embedded in the binary)")
	limits := seedLimitFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	g, err := loadSeeds(*dir, *limits)
	if err != nil {
		return err
	}
	// Each notice once, in the order the seeds gave them.
	seen := make(map[string]bool, len(g.Notices))
	notices := g.Notices[:0:0]
	for _, n := range g.Notices {
		if !seen[n] {
			seen[n] = true
			notices = append(notices, n)
			fmt.Fprintf(c.stderr, "notice: %s\n", n)
		}
	}
	fmt.Fprintf(c.stdout, "ok: %d documents, %d citations, %d states, %d organizations, %d places, %d people, %d positions, %d memberships, %d events, %d quotes, %d figures, %d provisions, %d notices (version %s)\n",
		len(g.Documents), len(g.Citations), len(g.States), len(g.Organizations), len(g.Places), len(g.People),
		len(g.Positions), len(g.Memberships), len(g.Events), len(g.Quotes), len(g.Figures), len(g.Provisions), len(notices), g.Version)
	return nil
}
