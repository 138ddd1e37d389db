// Command treatygraph serves a knowledge graph of states, alliances and the treaties between
// them over GraphQL. The graph is built from curated YAML seeds, embedded in the binary, into
// a read-only SQLite database.
//
// Subcommands (run `treatygraph COMMAND -h` for each one's flags):
//
//	treatygraph [serve] [flags]   serve GraphiQL, the GraphQL API and the exports over HTTP
//	treatygraph build -o FILE     write the SQLite database built from the seeds
//	treatygraph validate          check the seeds, printing every problem as file:line: message
//	treatygraph export -o DIR     write the node-link JSON and CSV exports
//	treatygraph generate -o DIR   write a larger synthetic seed set, for benchmarks
//	treatygraph check -db FILE    read a whole database file and say whether it is what build wrote
//	treatygraph version           print the build and dataset versions
//	treatygraph help              print the usage
//
// main.go holds the entry point, the dispatch and the flag helpers the subcommands share;
// server.go holds serve, and each other subcommand has a file of its name (build.go,
// validate.go, export.go, generate.go, version.go).
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
)

//go:embed seeds
var embeddedSeeds embed.FS

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	var cmd interface {
		Run(ctx context.Context, args []string) error
	}
	switch name {
	case "serve":
		cmd = &serveCommand{stdout: stdout, stderr: stderr}
	case "build":
		cmd = &buildCommand{stdout: stdout, stderr: stderr}
	case "validate":
		cmd = &validateCommand{stdout: stdout, stderr: stderr}
	case "export":
		cmd = &exportCommand{stdout: stdout, stderr: stderr}
	case "generate":
		cmd = &generateCommand{stdout: stdout, stderr: stderr}
	case "version":
		cmd = &versionCommand{stdout: stdout, stderr: stderr}
	case "check":
		cmd = &checkCommand{stdout: stdout, stderr: stderr}
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "treatygraph: unknown command %q\n\n%s", name, usage)
		return 2
	}
	err := cmd.Run(ctx, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	var problems seed.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintf(stderr, "treatygraph %s: %d problem(s) in the seeds\n", name, len(problems))
		return 1
	}
	// One prefix: the command's name, said once even when the error repeats it.
	fmt.Fprintf(stderr, "treatygraph %s: %s\n", name, strings.TrimPrefix(err.Error(), name+": "))
	return 1
}

const usage = `treatygraph serves a knowledge graph of states, alliances and treaties over GraphQL.

Usage:
  treatygraph [serve] [-addr host:port] [-db FILE | -seeds DIR] [-conns N]
                    [-cors-origins LIST] [-cors-headers LIST] [-timeout D]
                    [-cache-max-age D] [-trusted-documents FILE] [-max-response-bytes N]
                    [-max-error-bytes N] [-max-inflight N] [-max-buffered-bytes N]
                    [-query-cache-bytes N] [-record-cache N] [-response-cache-bytes N]
                    [-max-body-bytes N] [-max-parser-tokens N] [-max-depth N]
                    [-max-selection-fields N] [-max-fields N] [-max-directives N]
                    [-max-cost N] [-max-errors N] [-max-first N] [-path-max-links N]
                    [-timeline-max-rows N] [-timeline-max-bytes N]
                    [-max-error-message-bytes N] [-error-quote-chars N] [-memory-limit N]
                    [-gc-percent N] [-check-db]
                    [-max-inflight-cost N]
                    [-max-seed-bytes N] [-max-seed-depth N]
        serve the graph: GraphiQL at /, the API at /graphql, exports at /export/,
        /healthz, /readyz and Prometheus metrics at /metrics
  treatygraph build -o FILE [-seeds DIR] [-max-seed-bytes N] [-max-seed-depth N]
        write the SQLite database built from the seeds to FILE
  treatygraph validate [-seeds DIR] [-max-seed-bytes N] [-max-seed-depth N]
        check the seeds and print every problem as file:line: message
  treatygraph export -o DIR [-db FILE | -seeds DIR]
        write graph.json (node-link, for NetworkX) and memberships, events and
        figures as CSV into DIR: the files the server offers under /export/
  treatygraph generate -scale N -o DIR [-rand SEED] [-seeds DIR] [-curated]
        write a valid seed set N times the size of the seeds, for benchmarks
  treatygraph check -db FILE
        read the whole database FILE (every page and row) and say whether it is
        still what build wrote; serve checks only its header, build ID and size
  treatygraph version [-seeds DIR | -db FILE]
        print the binary's module version, commit and Go version, and the
        dataset version (a hash of the seed files) every answer reports
  treatygraph help
        print this text; treatygraph COMMAND -h prints a command's flags

Without -seeds, the seeds embedded in the binary are used.
`

var errUsage = errors.New("usage")

func newFlagSet(name string, stderr io.Writer, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\nFlags:\n", help)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %v\n", fs.Args())
		fs.Usage()
		return errUsage
	}
	return nil
}

// seedLimitFlags adds the flags of the limits on seed files, checked before they are parsed.
func seedLimitFlags(fs *flag.FlagSet) {
	fs.Int64Var(&seed.MaxFileBytes, "max-seed-bytes", seed.DefaultMaxFileBytes, "largest seed file read, `N` bytes")
	fs.IntVar(&seed.MaxDepth, "max-seed-depth", seed.DefaultMaxDepth, "most levels `N` collections may nest in a seed file")
}

// loadSeeds reads and checks the seeds in dir, or the embedded seeds when dir is empty.
func loadSeeds(dir string) (*kg.Graph, error) { return loadSeedsWith(seed.Load, dir) }

// loadCuratedSeeds is loadSeeds without the facts of published datasets.
func loadCuratedSeeds(dir string) (*kg.Graph, error) { return loadSeedsWith(seed.LoadCurated, dir) }

// loadSeedsWith reads and checks the seeds in dir, or the embedded seeds when dir is empty,
// with load (seed.Load or seed.LoadCurated).
func loadSeedsWith(load func(fs.FS, string) (*kg.Graph, error), dir string) (*kg.Graph, error) {
	if dir == "" {
		sub, err := fs.Sub(embeddedSeeds, "seeds")
		if err != nil {
			return nil, err
		}
		return load(sub, "seeds")
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("seeds: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("seeds: %s is not a directory", dir)
	}
	return load(os.DirFS(dir), filepath.Clean(dir))
}
