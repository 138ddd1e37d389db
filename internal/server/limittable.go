package server

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/treatygraph/treatygraph/graph"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/timeline"
)

// Defaults of the limits the serve command applies itself rather than through Config.
const (
	// DefaultConns is how many database connections serve opens at most.
	DefaultConns = 8
	// DefaultMemoryLimit is the memory the garbage collector tries to keep the process's Go
	// heap and runtime under. With it, 32 connections running the canonical queries keep the
	// process's RSS under 256 MB (BENCHMARKS.md); an operation near the cost limit holds a
	// few hundred MB while it is built, and the collector then runs often while it does
	// (one dear operation runs at a time by default: -dear-concurrency). A larger limit buys
	// processor time with memory.
	DefaultMemoryLimit = 160 << 20
)

// Kind is how a limit's value is read on the command line and written in the README.
type Kind int

// The kinds of limit.
const (
	// Fixed is a bound no flag changes: the README's row states it in Note.
	Fixed Kind = iota
	// Count is a whole number, written 10,000.
	Count
	// Bytes is a size, written 1 MiB.
	Bytes
	// Duration is a time.Duration (Default in nanoseconds), written 10 s.
	Duration
	// Percent is a percentage, written 400%.
	Percent
)

// Limit is one bound of the service, declared once: the serve flag that sets it, its
// default and help, its row in the README's table of limits (section "Running it in
// public"), and whether answers' ETags depend on it. The flags, their checks, the ETag's
// salt and that table are all derived from Limits.
type Limit struct {
	// Flag is the flag's name without its dash; empty for a Fixed bound.
	Flag string
	Kind Kind
	// Default is the flag's default, in nanoseconds for a Duration.
	Default int64
	// Min is the smallest value the flag takes. A limit whose Min is 0 keeps nothing at 0.
	Min int64
	// Usage is the flag's help; `N` or `D` names its value.
	Usage string
	// What, Note, FlagNote and Refusal make the README's row: what is bounded, what follows
	// the default (a unit, a remark), what follows the flag, and what a client meets past
	// the limit.
	What, Note, FlagNote, Refusal string
	// ETag says whether the ETag of an answer, and the key of an answer kept, depend on the
	// limit: whether it decides if a query runs or what it answers.
	ETag bool
	// field is where the value goes in Config: an *int or a *time.Duration; nil for the
	// limits the serve command applies itself (Value reads them).
	field func(*Config) any
}

// seconds writes a whole number of seconds as the README does.
func seconds(d time.Duration) string { return strconv.Itoa(int(d/time.Second)) + " s" }

// Limits are the service's limits, in the order of the README's table.
var Limits = []Limit{
	{Flag: "max-body-bytes", Kind: Bytes, Default: DefaultMaxBodyBytes, Min: 1, ETag: true,
		Usage: "largest POST body read, `N` bytes; a larger one is answered 413, REQUEST_TOO_LARGE",
		What:  "request body", Refusal: "HTTP 413, `REQUEST_TOO_LARGE`",
		field: func(c *Config) any { return &c.MaxBodyBytes }},
	{What: "body framed by `Transfer-Encoding`", Note: "never", Refusal: "HTTP 400, `BAD_REQUEST`"},
	{Flag: "max-parser-tokens", Kind: Count, Default: DefaultMaxParserTokens, Min: 1, ETag: true,
		Usage: "most lexical tokens `N` of a GraphQL document; the parser stops at the next one",
		What:  "parser tokens", Refusal: "`GRAPHQL_PARSE_FAILED`",
		field: func(c *Config) any { return &c.MaxParserTokens }},
	{Flag: "max-depth", Kind: Count, Default: DefaultMaxDepth, Min: 1, ETag: true,
		Usage: "most levels `N` the fields of an operation may nest, introspection aside (DEPTH_LIMIT_EXCEEDED)",
		What:  "depth (introspection aside)", Refusal: "`DEPTH_LIMIT_EXCEEDED`",
		field: func(c *Config) any { return &c.MaxDepth }},
	{Flag: "max-selection-fields", Kind: Count, Default: DefaultMaxSelectionFields, Min: 1, ETag: true,
		Usage: "most fields `N` one selection set may select, fragments expanded (SELECTION_LIMIT_EXCEEDED)",
		What:  "fields of one selection set", Refusal: "`SELECTION_LIMIT_EXCEEDED`",
		field: func(c *Config) any { return &c.MaxSelectionFields }},
	{Flag: "max-fields", Kind: Count, Default: DefaultMaxFields, Min: 1, ETag: true,
		Usage: "most fields `N` an operation may select, fragments counted at every spread (FIELD_LIMIT_EXCEEDED)",
		What:  "fields of an operation, a fragment's at every spread", Refusal: "`FIELD_LIMIT_EXCEEDED`",
		field: func(c *Config) any { return &c.MaxFields }},
	{Flag: "max-directives", Kind: Count, Default: DefaultMaxDirectives, Min: 1, ETag: true,
		Usage: "most directives `N` on one field, fragment or operation (DIRECTIVE_LIMIT_EXCEEDED)",
		What:  "directives on one field, fragment or operation", Refusal: "`DIRECTIVE_LIMIT_EXCEEDED`",
		field: func(c *Config) any { return &c.MaxDirectives }},
	{Flag: "max-cost", Kind: Count, Default: DefaultMaxCost, Min: 1, ETag: true,
		Usage:    "highest cost `N` of an operation, reported as extensions.cost.maximumAvailable (COMPLEXITY_LIMIT_EXCEEDED)",
		What:     "cost (values the answer can hold, plus the rows its SQL may read)",
		FlagNote: " (also `extensions.cost.maximumAvailable`)", Refusal: "`COMPLEXITY_LIMIT_EXCEEDED`",
		field: func(c *Config) any { return &c.MaxCost }},
	{Flag: "max-first", Kind: Count, Default: graph.DefaultMaxFirst, Min: 1, ETag: true,
		Usage: "largest page `N` a list's first may ask for, and most IDs of nodes(ids:) (BAD_USER_INPUT)",
		What:  "`first`, and the IDs of `nodes(ids:)`", Refusal: "`BAD_USER_INPUT`",
		field: func(c *Config) any { return &c.MaxFirst }},
	{Flag: "path-max-links", Kind: Count, Default: graph.DefaultPathMaxLinks, Min: 1, ETag: true,
		Usage: "most links `N` one path search reads; a search that needs more is answered SEARCH_LIMIT_EXCEEDED",
		What:  "links one `path` search reads", Note: " (a copy of the research-scale graph has 38,700)",
		Refusal: "`SEARCH_LIMIT_EXCEEDED`: the search stops rather than say there is no path",
		field:   func(c *Config) any { return &c.PathMaxLinks }},
	{Flag: "timeline-max-rows", Kind: Count, Default: timeline.DefaultMaxRows, Min: 1,
		Usage: "most rows `N` a timeline SVG draws; the chart says when it was cut",
		What:  "rows of a timeline SVG", Note: " rows", Refusal: "the chart is cut and says so",
		field: func(c *Config) any { return &c.TimelineMaxRows }},
	{Flag: "timeline-max-bytes", Kind: Bytes, Default: timeline.DefaultMaxBytes, Min: 1,
		Usage: "largest timeline SVG, `N` bytes; rows past it are left out and the chart says so",
		What:  "size of a timeline SVG", Refusal: "the chart is cut and says so",
		field: func(c *Config) any { return &c.TimelineMaxBytes }},
	{Flag: "max-inflight-cost", Kind: Count, Default: DefaultMaxInFlightCost, Min: 1,
		Usage: "costs `N` of the dear operations being executed at once, added up; past it, an operation waits for room until its deadline (TIMEOUT)",
		What:  "costs of the dear operations being executed, added up", Note: " (two of the dearest at once)",
		Refusal: "an operation waits for room, then `TIMEOUT` at its deadline",
		field:   func(c *Config) any { return &c.MaxInFlightCost }},
	{Flag: "dear-concurrency", Kind: Count, Default: 0, Min: 0,
		Usage: "dear operations `N` executed at once, each waiting its turn in arrival order; 0 is the cores the process may use less one (at least one), so that cheap operations always find a core",
		What:  "dear operations executed at once (cost over `-cheap-cost`)", Note: " (the cores less one, at least one)",
		Refusal: "an operation waits for its turn, then `TIMEOUT` at its deadline",
		field:   func(c *Config) any { return &c.DearConcurrency }},
	{Flag: "cheap-cost", Kind: Count, Default: DefaultCheapCost, Min: 1,
		Usage: "highest cost `N` of a cheap operation: admitted from a reserve of its own (-cheap-inflight-cost), it never waits behind dear ones",
		What:  "cost of a cheap operation (a lookup, a page), which never waits behind dear ones", Note: "",
		Refusal: "a dearer one is admitted as dear",
		field:   func(c *Config) any { return &c.CheapCost }},
	{Flag: "cheap-inflight-cost", Kind: Count, Default: DefaultCheapInFlightCost, Min: 1,
		Usage: "costs `N` of the cheap operations being executed at once, added up",
		What:  "costs of the cheap operations being executed, added up", Note: "",
		Refusal: "a cheap operation waits for room, then `TIMEOUT` at its deadline",
		field:   func(c *Config) any { return &c.CheapInFlightCost }},
	{Flag: "memory-limit", Kind: Bytes, Default: DefaultMemoryLimit, Min: 1,
		Usage: "heap size `N` (bytes) past which the garbage collector works harder to stay under it (the Go runtime's soft memory limit)",
		What:  "heap the garbage collector keeps under (Go's soft memory limit)", Refusal: "the collector works harder"},
	{Flag: "gc-percent", Kind: Percent, Default: DefaultGCPercent, Min: 1,
		Usage: "how far the heap may grow, `N` percent over what is live, before the garbage collector runs (GOGC); -memory-limit caps it whatever N is",
		What:  "heap growth between collections (GOGC), under that limit", Note: " of the live heap",
		Refusal: "collections come sooner"},
	{Flag: "timeout", Kind: Duration, Default: int64(DefaultTimeout), Min: 1,
		Usage: "longest time `D` a GraphQL request may take; its SQL is then cancelled",
		What:  "time, answer written included", Note: " (+" + seconds(WriteGrace) + " to write)",
		Refusal: "`TIMEOUT`, and the running SQL is cancelled",
		field:   func(c *Config) any { return &c.Timeout }},
	{Flag: "max-response-bytes", Kind: Bytes, Default: DefaultMaxResponseBytes, Min: 1,
		Usage: "largest answer sent, `N` bytes; a larger one is replaced by a RESPONSE_TOO_LARGE error",
		What:  "answer size", Refusal: "`RESPONSE_TOO_LARGE` instead of the answer",
		field: func(c *Config) any { return &c.MaxResponseBytes }},
	{Flag: "max-errors", Kind: Count, Default: DefaultMaxErrors, Min: 1, ETag: true,
		Usage: "most errors `N` one answer lists; the rest are counted in one TOO_MANY_ERRORS",
		What:  "errors one answer lists", Note: " errors", Refusal: "the rest counted in one `TOO_MANY_ERRORS`",
		field: func(c *Config) any { return &c.MaxErrors }},
	{Flag: "max-error-bytes", Kind: Bytes, Default: DefaultMaxErrorBytes, Min: 1,
		Usage: "most bytes `N` the errors of one answer hold",
		What:  "bytes the errors of one answer hold", Refusal: "the rest counted in one `TOO_MANY_ERRORS`",
		field: func(c *Config) any { return &c.MaxErrorBytes }},
	{Flag: "max-error-message-bytes", Kind: Bytes, Default: DefaultMaxErrorMessageBytes, Min: 1,
		Usage: "longest error message sent, `N` bytes; a longer one is cut with …",
		What:  "one error message", Refusal: `cut, with "…"`,
		field: func(c *Config) any { return &c.MaxErrorMessageBytes }},
	{Flag: "error-quote-chars", Kind: Count, Default: kg.DefaultQuotePrefix, Min: 1,
		Usage: "most characters `N` of a client's value an error message quotes",
		What:  "a client's value quoted in an error message", Note: " characters", Refusal: `cut, with "…"`,
		field: func(c *Config) any { return &c.ErrorQuoteChars }},
	{Flag: "max-inflight", Kind: Count, Default: DefaultMaxInFlight, Min: 1,
		Usage: "GraphQL requests `N` handled at once; more are answered 503 with Retry-After",
		What:  "GraphQL requests in flight", Refusal: "HTTP 503, `Retry-After: 1`, `OVERLOADED`",
		field: func(c *Config) any { return &c.MaxInFlight }},
	{Flag: "max-buffered-bytes", Kind: Bytes, Default: DefaultMaxBufferedBytes, Min: 1,
		Usage: "answers built and not yet written, `N` bytes for all requests together; past it, 503 with Retry-After",
		What:  "answers built and not yet written, all requests", Refusal: "HTTP 503, `Retry-After: 1`, `OVERLOADED`",
		field: func(c *Config) any { return &c.MaxBufferedBytes }},
	{What: "resolvers of one request at once (and so its connections)",
		Note:     "1, by design: the executor resolves fields in order (`cmd/gqlgen`)",
		FlagNote: "none", Refusal: "they run one after another"},
	{Flag: "conns", Kind: Count, Default: DefaultConns, Min: 1,
		Usage: "most open database connections, `N`",
		What:  "database connections", Note: ", and one more for `/healthz` and `/readyz`",
		Refusal: "requests wait, within `-timeout`"},
	{Flag: "query-cache-bytes", Kind: Bytes, Default: DefaultQueryCacheBytes, Min: 1,
		Usage:   "memory `N` (bytes) the cache of parsed and validated documents may hold",
		What:    "parsed documents kept",
		Note:    " by estimated memory, " + thousands(QueryCacheEntries) + " documents of at most " + byteCount(MaxCachedQueryBytes),
		Refusal: "the oldest are dropped",
		field:   func(c *Config) any { return &c.QueryCacheBytes }},
	{Flag: "record-cache", Kind: Count, Default: graph.DefaultRecordCache, Min: 0,
		Usage:    "records `N` kept decoded between requests, a relation list counting one per element; 0 keeps none",
		What:     "decoded records kept between requests, and the links path searches read",
		Note:     " records (a relation list counts one per element)",
		FlagNote: " (0 keeps none)", Refusal: "the least recently used are dropped",
		field: func(c *Config) any { return &c.RecordCache }},
	{Flag: "response-cache-bytes", Kind: Bytes, Default: DefaultResponseCacheBytes, Min: 0,
		Usage:    "memory `N` (bytes) the answers kept whole may hold, to answer a query asked before without running it; 0 keeps none",
		What:     "whole answers kept, to answer a query asked before without running it",
		FlagNote: " (0 keeps none)", Refusal: "the least recently used are dropped",
		field: func(c *Config) any { return &c.ResponseCacheBytes }},
	{Flag: "max-seed-bytes", Kind: Bytes, Default: seed.DefaultMaxFileBytes, Min: 1,
		Usage: "largest seed file read, `N` bytes",
		What:  "seed file", FlagNote: " (validate, build, serve)", Refusal: "`file:1: the file holds N bytes ...`"},
	{Flag: "max-seed-depth", Kind: Count, Default: seed.DefaultMaxDepth, Min: 1,
		Usage: "most levels `N` collections may nest in a seed file",
		What:  "nesting in a seed file", Note: " levels", FlagNote: " (validate, build, serve)",
		Refusal: "`file:line: collections nest more than " + strconv.Itoa(seed.DefaultMaxDepth) + " levels deep`"},
	{What: "form-encoded or multipart POST", Note: "never", Refusal: "HTTP 415"},
	{What: "batched JSON arrays", Note: "never", Refusal: "HTTP 400, `BATCHING_NOT_SUPPORTED`"},
}

// LimitNamed is the limit set by the flag name; it panics when there is none, a mistake of
// the program.
func LimitNamed(name string) Limit {
	for _, l := range Limits {
		if l.Flag == name && name != "" {
			return l
		}
	}
	panic("no limit has the flag -" + name)
}

// Shown is the limit's default as the README writes it, followed by its Note.
func (l Limit) Shown() string {
	switch l.Kind {
	case Count:
		return thousands(l.Default) + l.Note
	case Bytes:
		return byteCount(int(l.Default)) + l.Note
	case Duration:
		return seconds(time.Duration(l.Default)) + l.Note
	case Percent:
		return strconv.FormatInt(l.Default, 10) + "%" + l.Note
	}
	return l.Note
}

// ReadmeRow is the limit's row in the README's table of limits.
func (l Limit) ReadmeRow() string {
	flagCell := l.FlagNote
	if l.Flag != "" {
		flagCell = "`-" + l.Flag + "`" + l.FlagNote
	}
	row := "|"
	for _, cell := range []string{l.What, l.Shown(), flagCell, l.Refusal} {
		if cell != "" {
			row += " " + cell
		}
		row += " |"
	}
	return row
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// LimitFlags are the flags of the limits defined on a flag set: once it is parsed, Check
// refuses a value below its limit's Min, Apply sets the values in a Config and Value reads
// one.
type LimitFlags map[string]any // flag name: *int64 or *time.Duration

// AddLimitFlags defines on fs the flag of every limit named, or of every limit with a flag
// when none is named, each with its default and help.
func AddLimitFlags(fs *flag.FlagSet, names ...string) LimitFlags {
	out := LimitFlags{}
	for _, l := range Limits {
		if l.Flag == "" || (len(names) > 0 && !contains(names, l.Flag)) {
			continue
		}
		if l.Kind == Duration {
			out[l.Flag] = fs.Duration(l.Flag, time.Duration(l.Default), l.Usage)
		} else {
			out[l.Flag] = fs.Int64(l.Flag, l.Default, l.Usage)
		}
	}
	return out
}

// Value is the value of the limit's flag, in nanoseconds for a Duration.
func (f LimitFlags) Value(name string) int64 {
	switch p := f[name].(type) {
	case *int64:
		return *p
	case *time.Duration:
		return int64(*p)
	}
	panic("no flag -" + name + " among the limits defined")
}

// Check refuses, in the order of Limits, the first value below its limit's Min, with an error
// that names the flag.
func (f LimitFlags) Check() error {
	for _, l := range Limits {
		if _, ok := f[l.Flag]; !ok || l.Flag == "" {
			continue
		}
		v := f.Value(l.Flag)
		if v >= l.Min {
			continue
		}
		switch {
		case l.Kind == Duration:
			return fmt.Errorf("invalid value %s for flag -%s: want at least %s", time.Duration(v), l.Flag, time.Duration(l.Min))
		case l.Min == 0:
			return fmt.Errorf("invalid value %d for flag -%s: want 0 or more (see its help for what 0 means)", v, l.Flag)
		}
		return fmt.Errorf("invalid value %d for flag -%s: want at least %d", v, l.Flag, l.Min)
	}
	return nil
}

// Apply sets in cfg the value of every limit of f that has a field there. A limit whose Min
// is 0 keeps nothing at 0, which Config spells -1 (its zero value asks for the default).
func (f LimitFlags) Apply(cfg *Config) {
	for _, l := range Limits {
		if _, ok := f[l.Flag]; ok && l.field != nil {
			v := f.Value(l.Flag)
			if v == 0 && l.Min == 0 {
				v = -1
			}
			l.set(cfg, v)
		}
	}
}

// set puts v in the limit's field of cfg.
func (l Limit) set(cfg *Config, v int64) {
	switch p := l.field(cfg).(type) {
	case *int:
		*p = int(v)
	case *time.Duration:
		*p = time.Duration(v)
	}
}

// get reads the limit's field of cfg; false when it has none there.
func (l Limit) get(cfg *Config) (int64, bool) {
	if l.field == nil {
		return 0, false
	}
	switch p := l.field(cfg).(type) {
	case *int:
		return int64(*p), true
	case *time.Duration:
		return int64(*p), true
	}
	return 0, false
}

// etagLimits writes the value in cfg of every limit the ETag depends on, as name=value.
func etagLimits(cfg Config) string {
	var parts []string
	for _, l := range Limits {
		if v, ok := l.get(&cfg); ok && l.ETag {
			parts = append(parts, l.Flag+"="+strconv.FormatInt(v, 10))
		}
	}
	return strings.Join(parts, "/")
}
