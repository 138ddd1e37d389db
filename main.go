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
	"github.com/treatygraph/treatygraph/internal/server"
)

//go:embed seeds
var embeddedSeeds embed.FS

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := "serve"
	switch {
	case len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help"):
		// The help of treatygraph itself, not of serve, its default command.
		name, args = "help", args[1:]
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
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
	case "help":
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

// usage is the text of treatygraph help: the commands, one line each, and where their flags
// are; each command's own -h lists its flags.
const usage = `treatygraph serves a knowledge graph of states, alliances and treaties over GraphQL.

Usage: treatygraph [COMMAND] [flags]

Commands:
  serve      serve GraphiQL, the API, the exports and the timelines over HTTP (the default)
  build      write the SQLite database built from the seeds: build -o FILE
  validate   check the seeds and print every problem as file:line: message
  export     write the node-link JSON and CSV exports into a directory: export -o DIR
  generate   write a seed set N times the size of the seeds, for benchmarks
  check      read a whole database file and say whether it is what build wrote
  version    print the binary's version and the dataset version every answer reports
  help       print this text

Run "treatygraph COMMAND -h" for a command's flags ("treatygraph serve -h" for the
server's address, database and limits). Without -seeds, the seeds embedded in the binary
are used.
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

// checkOutDir checks, before any work, a directory a command will write into (created if
// missing): it must not be something else.
func checkOutDir(flagName, dir string) error {
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return fmt.Errorf("-%s %s is not a directory", flagName, dir)
	}
	return nil
}

// checkOutFile checks, before any work, a file a command will write: its directory must
// exist, and it must not be a directory itself.
func checkOutFile(flagName, file string) error {
	if info, err := os.Stat(file); err == nil && info.IsDir() {
		return fmt.Errorf("-%s %s is a directory", flagName, file)
	}
	if info, err := os.Stat(filepath.Dir(file)); err != nil || !info.IsDir() {
		return fmt.Errorf("-%s %s: no directory %s to write it in", flagName, file, filepath.Dir(file))
	}
	return nil
}

// seedLimitFlags adds the flags of the limits on seed files, checked before they are parsed,
// as server.Limits declares them (serve defines them with the other limits).
// The limits are read once the flags are parsed.
func seedLimitFlags(fs *flag.FlagSet) *seed.Limits {
	size, depth := server.LimitNamed("max-seed-bytes"), server.LimitNamed("max-seed-depth")
	limits := seed.DefaultLimits()
	fs.Int64Var(&limits.MaxFileBytes, size.Flag, size.Default, size.Usage)
	fs.IntVar(&limits.MaxDepth, depth.Flag, int(depth.Default), depth.Usage)
	return &limits
}

// loadSeeds reads and checks the seeds in dir, or the embedded seeds when dir is empty.
func loadSeeds(dir string, limits seed.Limits) (*kg.Graph, error) {
	return loadSeedsWith(seed.LoadWith, dir, limits)
}

// loadCuratedSeeds is loadSeeds without the facts of published datasets.
func loadCuratedSeeds(dir string, limits seed.Limits) (*kg.Graph, error) {
	return loadSeedsWith(seed.LoadCuratedWith, dir, limits)
}

// loadSeedsWith reads and checks the seeds in dir, or the embedded seeds when dir is empty,
// with load (seed.LoadWith or seed.LoadCuratedWith).
func loadSeedsWith(load func(fs.FS, string, seed.Limits) (*kg.Graph, error), dir string, limits seed.Limits) (*kg.Graph, error) {
	if dir == "" {
		sub, err := fs.Sub(embeddedSeeds, "seeds")
		if err != nil {
			return nil, err
		}
		return load(sub, "seeds", limits)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("seeds: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("seeds: %s is not a directory", dir)
	}
	return load(os.DirFS(dir), filepath.Clean(dir), limits)
}
