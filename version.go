package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// versionCommand prints what the binary was built from and the version of the dataset it
// serves, the datasetVersion of every GraphQL answer.
type versionCommand struct {
	stdout, stderr io.Writer
}

func (c *versionCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("version", c.stderr, "usage: treatygraph version [-seeds DIR | -db FILE]\n\n"+
		"Prints the module version, VCS revision and Go version of this binary, and the version of\n"+
		"the dataset (a hash of the seed files): of the embedded seeds, of -seeds DIR, or of the\n"+
		"database FILE written by build.")
	dir := fs.String("seeds", "", "report the dataset of the seed `DIR` (default: the seeds embedded in the binary)")
	dbPath := fs.String("db", "", "report the dataset of the database `FILE` written by build")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath != "" && *dir != "" {
		return fmt.Errorf("give -db or -seeds, not both")
	}
	dataset, from := "", "the embedded seeds"
	switch {
	case *dbPath != "":
		store, err := sqlite.Open(*dbPath, 1)
		if err != nil {
			return err
		}
		dataset, from = store.Version(), *dbPath
		_ = store.Close()
	default:
		g, err := loadSeeds(*dir, seed.DefaultLimits())
		if err != nil {
			return err
		}
		dataset = g.Version
		if *dir != "" {
			from = *dir
		}
	}
	for _, line := range buildInfo() {
		fmt.Fprintln(c.stdout, line)
	}
	fmt.Fprintf(c.stdout, "dataset  %s (%s)\n", dataset, from)
	return nil
}

// buildInfo describes the binary from what the Go toolchain recorded in it: the module's
// version ("(devel)" for a build from a checkout), the VCS revision, its time and whether the
// tree had uncommitted changes, and the Go version.
func buildInfo() []string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return []string{"treatygraph (no build information: built without module support)"}
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	lines := []string{fmt.Sprintf("treatygraph %s", info.Main.Version)}
	if rev := settings["vcs.revision"]; rev != "" {
		commit := rev
		if t := settings["vcs.time"]; t != "" {
			commit += " (" + t + ")"
		}
		if settings["vcs.modified"] == "true" {
			commit += ", with uncommitted changes"
		}
		lines = append(lines, "commit   "+commit)
	} else {
		lines = append(lines, "commit   unknown (not recorded in the binary: go run, go test and -buildvcs=false leave it out)")
	}
	lines = append(lines, "go       "+info.GoVersion)
	return lines
}
