package main

import (
	"context"
	"fmt"
	"io"

	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// buildCommand writes the database file.
type buildCommand struct {
	stdout, stderr io.Writer
}

func (c *buildCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("build", c.stderr, "usage: treatygraph build -o FILE [-seeds DIR] [-max-seed-bytes N] [-max-seed-depth N]\n\nBuilds the SQLite database from the seeds, in one transaction, into FILE.")
	out := fs.String("o", "", "database `FILE` to write (required)")
	dir := fs.String("seeds", "", "seed `DIR` to build from (default: the seeds embedded in the binary)")
	limits := seedLimitFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(c.stderr, "treatygraph build: -o FILE is required")
		fs.Usage()
		return errUsage
	}
	if err := checkOutFile("o", *out); err != nil {
		return err
	}
	g, err := loadSeeds(*dir, *limits)
	if err != nil {
		return err
	}
	if err := sqlite.Build(ctx, g, *out); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "wrote %s (version %s)\n", *out, g.Version)
	return nil
}
