package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// checkCommand reads a whole database file written by build and says whether it is still
// what build wrote: serve only proves, at start, that its header, build ID and size are.
type checkCommand struct {
	stdout, stderr io.Writer
}

func (c *checkCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("check", c.stderr, "usage: treatygraph check -db FILE\n\n"+
		"Reads the whole database FILE written by build: SQLite's integrity_check over every page\n"+
		"and index, and a checksum of the whole file against the one build recorded. serve checks only\n"+
		"the header, build ID and size at start (at once, whatever the size); run check after\n"+
		"copying a file, or pass serve -check-db to do both at start.")
	dbPath := fs.String("db", "", "the database `FILE` to check (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		return fmt.Errorf("give the database to check with -db FILE")
	}
	start := time.Now()
	store, err := sqlite.Open(*dbPath, 1)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Verify(ctx); err != nil {
		return fmt.Errorf("%s: %w", *dbPath, err)
	}
	size := int64(0)
	if info, err := os.Stat(*dbPath); err == nil {
		size = info.Size()
	}
	fmt.Fprintf(c.stdout, "ok: %s is the database build wrote (build %s, dataset %s, %d bytes): every page and byte checked in %s\n",
		*dbPath, store.BuildID(), store.Version(), size, time.Since(start).Round(time.Millisecond))
	return nil
}
