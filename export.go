package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/treatygraph/treatygraph/internal/export"
	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// exportCommand writes the exports for notebooks (graph.json, memberships.csv, events.csv,
// figures.csv) into a directory: the same files the server offers under /export/.
type exportCommand struct {
	stdout, stderr io.Writer
}

func (c *exportCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("export", c.stderr, "usage: treatygraph export -o DIR [-db FILE | -seeds DIR]\n\n"+
		"Writes graph.json (node-link JSON for NetworkX), memberships.csv, events.csv and figures.csv\n"+
		"into DIR: the files the server offers under /export/.")
	out := fs.String("o", "", "`DIR` to write the files into, created if missing (required)")
	dbPath := fs.String("db", "", "export the database `FILE` written by build (default: build one from the seeds)")
	dir := fs.String("seeds", "", "seed `DIR` to build from (default: the seeds embedded in the binary)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(c.stderr, "treatygraph export: -o DIR is required")
		fs.Usage()
		return errUsage
	}
	if *dbPath != "" && *dir != "" {
		return fmt.Errorf("give -db or -seeds, not both")
	}
	if err := checkOutDir("o", *out); err != nil {
		return err
	}

	path := *dbPath
	if path == "" {
		g, err := loadSeeds(*dir, seed.DefaultLimits())
		if err != nil {
			return err
		}
		tmp, err := os.MkdirTemp("", "treatygraph-export-")
		if err != nil {
			return fmt.Errorf("temporary directory: %w", err)
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "graph.db")
		if err := sqlite.Build(ctx, g, path); err != nil {
			return err
		}
	}
	store, err := sqlite.Open(path, 1)
	if err != nil {
		return err
	}
	defer store.Close()
	files, err := export.WriteDir(ctx, store, *out)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(c.stdout, "wrote %s\n", f)
	}
	return nil
}
