package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/treatygraph/treatygraph/internal/synth"
)

// generateCommand writes a synthetic seed set: the seeds scaled up, for benchmarks.
type generateCommand struct {
	stdout, stderr io.Writer
}

func (c *generateCommand) Run(_ context.Context, args []string) error {
	fs := newFlagSet("generate", c.stderr, "usage: treatygraph generate -scale N -o DIR [-rand SEED] [-seeds DIR] [-curated]\n"+
		"                            [-max-seed-bytes N] [-max-seed-depth N]\n\n"+
		"Writes a valid seed set N times the size of the seeds, with the same shape, into DIR:\n"+
		"the seeds themselves and N-1 copies with their own names, acronyms, figures and dates.\n"+
		"The facts of published datasets are written as seed records like the others. With\n"+
		"-curated, only the hand-curated seeds are scaled (the datasets' documents stay, their\n"+
		"facts do not): a small graph of the same shape, quick to multiply many times.\n"+
		"The same seeds, N and SEED always give byte-identical files. No file is larger than\n"+
		"-max-seed-bytes, the limit build, validate and serve read with: a kind whose records\n"+
		"take more is written in parts (memberships-001.yaml, ...). The files are read back\n"+
		"with the same limits, as those commands will read them.")
	scale := fs.Int("scale", 10, "how many times the size of the seeds to make, `N` (1 or more)")
	out := fs.String("o", "", "`DIR` to write the seed files into (required)")
	rnd := fs.Uint64("rand", 1, "`SEED` of the random names, figures and dates of the copies")
	dir := fs.String("seeds", "", "seed `DIR` to scale (default: the seeds embedded in the binary)")
	curated := fs.Bool("curated", false, "scale the hand-curated seeds only, without the facts of published datasets")
	limits := seedLimitFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || *scale < 1 {
		fmt.Fprintln(c.stderr, "treatygraph generate: -o DIR and -scale N (1 or more) are required")
		fs.Usage()
		return errUsage
	}
	if err := checkOutDir("o", *out); err != nil {
		return err
	}
	if err := checkOutputDir(*out); err != nil {
		return err
	}
	load := loadSeeds
	if *curated {
		load = loadCuratedSeeds
	}
	g, err := load(*dir, *limits)
	if err != nil {
		return err
	}
	start := time.Now()
	big := synth.ScaleRand(g, *scale, *rnd)
	if err := synth.WriteSeedsUnder(big, *out, limits.MaxFileBytes); err != nil {
		return err
	}
	// Read the files back as validate and serve will: this checks them, and gives the
	// dataset version those commands report (a hash of the files), not the in-memory graph's.
	written, err := loadSeeds(*out, *limits)
	if err != nil {
		return fmt.Errorf("the written seeds do not read back: %w", err)
	}
	fmt.Fprintf(c.stdout, "wrote %s in %s: %d citations, %d states, %d organizations, %d people, %d memberships, %d events, %d quotes (version %s)\n",
		*out, time.Since(start).Round(time.Millisecond), len(written.Citations), len(written.States), len(written.Organizations),
		len(written.People), len(written.Memberships), len(written.Events), len(written.Quotes), written.Version)
	return nil
}

// checkOutputDir refuses a directory holding seed files other than the ones generate writes,
// since the loader would read them together with the new ones.
func checkOutputDir(dir string) error {
	var others []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !d.IsDir() && strings.HasSuffix(p, ".yaml") && !synth.IsSeedFile(rel) {
			others = append(others, p)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if len(others) > 0 {
		return fmt.Errorf("%s already holds other seed files (%s); choose an empty directory", dir, strings.Join(others, ", "))
	}
	return nil
}
