package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/treatygraph/treatygraph/graph"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/timeline"
)

// serveCommand serves the graph over HTTP until interrupted.
type serveCommand struct {
	stdout, stderr io.Writer
	// ready, when set, receives the address the server listens on.
	ready chan<- string
}

// serveUsage is the help of serve.
const serveUsage = "usage: treatygraph [serve] [-addr host:port] [-db FILE | -seeds DIR] [-conns N]\n" +
	"                   [-cors-origins LIST] [-cors-headers LIST] [-timeout D]\n" +
	"                   [-cache-max-age D] [-trusted-documents FILE] [-max-response-bytes N]\n" +
	"                   [-max-error-bytes N] [-max-inflight N] [-max-buffered-bytes N]\n" +
	"                   [-query-cache-bytes N] [-record-cache N] [-response-cache-bytes N]\n" +
	"                   [-max-body-bytes N] [-max-parser-tokens N] [-max-depth N]\n" +
	"                   [-max-selection-fields N] [-max-fields N] [-max-directives N]\n" +
	"                   [-max-cost N] [-max-errors N] [-max-first N] [-path-max-links N]\n" +
	"                   [-timeline-max-rows N] [-timeline-max-bytes N]\n" +
	"                   [-max-error-message-bytes N] [-error-quote-chars N] [-memory-limit N]\n" +
	"                   [-gc-percent N] [-check-db]\n" +
	"                   [-max-inflight-cost N]\n" +
	"                   [-max-seed-bytes N] [-max-seed-depth N]\n\n" +
	"Serves GraphiQL at /, the GraphQL API at /graphql, the exports at /export/, timelines as\n" +
	"SVG at /timeline/, health checks at /healthz and /readyz, and Prometheus metrics at /metrics.\n" +
	"The PORT environment variable, when set, overrides the port of -addr."

// serveFlags holds the values of serve's flags once parsed.
type serveFlags struct {
	addr, dbPath, dir, origins, headers, trustedPath *string
	conns                                            *int
	timeout, maxAge                                  *time.Duration
	maxResponse, maxErrors, maxInFlight, maxBuffered *int
	queryCache, recordCache, responseCache           *int
	maxInFlightCost                                  *int
	memoryLimit                                      *int64
	gcPercent                                        *int
	limits                                           requestLimits
}

// newServeFlags defines serve's flags on fs.
func newServeFlags(fs *flag.FlagSet) *serveFlags {
	f := &serveFlags{}
	f.addr = fs.String("addr", "localhost:8080", "`host:port` to listen on")
	f.dbPath = fs.String("db", "", "serve the database `FILE` written by the build command (default: build one from the seeds at start)")
	f.dir = fs.String("seeds", "", "seed `DIR` to build from at start (default: the seeds embedded in the binary)")
	f.conns = fs.Int("conns", 8, "most open database connections, `N`")
	f.origins = fs.String("cors-origins", "*", "comma-separated `LIST` of origins allowed to call the API from browsers, or *")
	f.headers = fs.String("cors-headers", strings.Join(server.DefaultCORSHeaders, ","), "comma-separated `LIST` of request headers such calls may send, or * for any")
	f.timeout = fs.Duration("timeout", server.DefaultTimeout, "longest time `D` a GraphQL request may take; its SQL is then cancelled")
	f.maxAge = fs.Duration("cache-max-age", server.DefaultCacheMaxAge, "how long `D` browsers and CDNs may reuse a GET answer or an export (Cache-Control max-age)")
	f.maxResponse = fs.Int("max-response-bytes", server.DefaultMaxResponseBytes, "largest answer sent, `N` bytes; a larger one is replaced by a RESPONSE_TOO_LARGE error")
	f.maxErrors = fs.Int("max-error-bytes", server.DefaultMaxErrorBytes, "most bytes `N` the errors of one answer hold")
	f.maxInFlight = fs.Int("max-inflight", server.DefaultMaxInFlight, "GraphQL requests `N` handled at once; more are answered 503 with Retry-After")
	f.maxBuffered = fs.Int("max-buffered-bytes", server.DefaultMaxBufferedBytes, "answers built and not yet written, `N` bytes for all requests together; past it, 503 with Retry-After")
	f.queryCache = fs.Int("query-cache-bytes", server.DefaultQueryCacheBytes, "memory `N` (bytes) the cache of parsed and validated documents may hold")
	f.recordCache = fs.Int("record-cache", graph.DefaultRecordCache, "records `N` kept decoded between requests, a relation list counting one per element; 0 keeps none")
	f.responseCache = fs.Int("response-cache-bytes", server.DefaultResponseCacheBytes, "memory `N` (bytes) the answers kept whole may hold, to answer a query asked before without running it; 0 keeps none")
	f.maxInFlightCost = fs.Int("max-inflight-cost", server.DefaultMaxInFlightCost, "costs `N` of the operations being executed at once, added up; past it, OVERLOADED")
	f.memoryLimit = fs.Int64("memory-limit", defaultMemoryLimit, "heap size `N` (bytes) past which the garbage collector works harder to stay under it (the Go runtime's soft memory limit)")
	f.gcPercent = fs.Int("gc-percent", server.DefaultGCPercent, "how far the heap may grow, `N` percent over what is live, before the garbage collector runs (GOGC); -memory-limit caps it whatever N is")
	f.limits = requestLimitFlags(fs)
	seedLimitFlags(fs)
	f.trustedPath = fs.String("trusted-documents", "", "run only the documents of this JSON `FILE` mapping sha256 hashes to documents (default: any query, with automatic persisted queries)")
	return f
}

// config checks the parsed flags and turns them into the server's configuration (all but
// its store and logger); it also sets the runtime's memory limit. A bad value is a usage
// error, reported on fs.
func (f *serveFlags) config(fs *flag.FlagSet) (server.Config, error) {
	if err := f.limits.check(fs); err != nil {
		return server.Config{}, err
	}
	cfg := server.Config{CORSOrigins: strings.Split(*f.origins, ","), CORSHeaders: strings.Split(*f.headers, ","),
		Timeout: *f.timeout, CacheMaxAge: *f.maxAge, MaxResponseBytes: *f.maxResponse, MaxErrorBytes: *f.maxErrors,
		MaxInFlight: *f.maxInFlight, MaxBufferedBytes: *f.maxBuffered, QueryCacheBytes: *f.queryCache,
		MaxInFlightCost: *f.maxInFlightCost}
	f.limits.apply(&cfg)
	for _, c := range []struct {
		name string
		n    int
		to   *int
	}{{"record-cache", *f.recordCache, &cfg.RecordCache}, {"response-cache-bytes", *f.responseCache, &cfg.ResponseCacheBytes}} {
		if c.n < 0 {
			fmt.Fprintf(fs.Output(), "invalid value %d for flag -%s: want 0 (keep none) or more\n", c.n, c.name)
			fs.Usage()
			return server.Config{}, errUsage
		}
		*c.to = c.n
		if c.n == 0 {
			*c.to = -1 // the server's "keep none"
		}
	}
	if *f.memoryLimit < 1 {
		fmt.Fprintf(fs.Output(), "invalid value %d for flag -memory-limit: want at least 1\n", *f.memoryLimit)
		fs.Usage()
		return server.Config{}, errUsage
	}
	if *f.gcPercent < 1 {
		fmt.Fprintf(fs.Output(), "invalid value %d for flag -gc-percent: want at least 1\n", *f.gcPercent)
		fs.Usage()
		return server.Config{}, errUsage
	}
	debug.SetMemoryLimit(*f.memoryLimit)
	debug.SetGCPercent(*f.gcPercent)
	if *f.trustedPath != "" {
		// Checked against the limits the server will apply, so read once every flag is known.
		trusted, err := server.LoadTrustedDocuments(*f.trustedPath, cfg)
		if err != nil {
			return server.Config{}, err
		}
		cfg.TrustedDocuments = trusted
	}
	return cfg, nil
}

// Run parses args, opens (or first builds) the database and serves it until ctx ends.
func (c *serveCommand) Run(ctx context.Context, args []string) error {
	fs := newFlagSet("serve", c.stderr, serveUsage)
	f := newServeFlags(fs)
	checkDB := fs.Bool("check-db", false, "read the whole database at start (as `treatygraph check` does) before serving; without it only its header, build ID and size are checked, at once")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := f.config(fs)
	if err != nil {
		return err
	}
	listen, err := listenAddr(*f.addr, os.Getenv("PORT"))
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(c.stderr, nil))

	path := *f.dbPath
	if path == "" {
		built, remove, err := buildFromSeeds(ctx, *f.dir, logger)
		if err != nil {
			return err
		}
		defer remove()
		path = built
	} else if *f.dir != "" {
		return fmt.Errorf("give -db or -seeds, not both")
	}
	store, err := sqlite.Open(path, *f.conns)
	if err != nil {
		return err
	}
	defer store.Close()
	if *checkDB {
		if err := store.Verify(ctx); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}

	cfg.Store, cfg.Logger = store, logger
	h := server.New(cfg)
	// A GraphQL answer must be written by its request's deadline and WriteGrace: the handler
	// sets that write deadline on each request. WriteTimeout bounds the other routes, whose
	// exports of a large graph take a slow client longer.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: max(*f.timeout+server.WriteGrace, 60*time.Second), IdleTimeout: 120 * time.Second}
	return c.listenAndServe(ctx, srv, listen, logger, store.Version())
}

// buildFromSeeds builds the database of the seeds in dir (the embedded seeds when empty) in
// a temporary directory, which remove deletes.
func buildFromSeeds(ctx context.Context, dir string, logger *slog.Logger) (path string, remove func(), err error) {
	g, err := loadSeeds(dir)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "treatygraph-")
	if err != nil {
		return "", nil, fmt.Errorf("temporary directory: %w", err)
	}
	remove = func() { os.RemoveAll(tmp) }
	path = filepath.Join(tmp, "graph.db")
	start := time.Now()
	if err := sqlite.Build(ctx, g, path); err != nil {
		remove()
		return "", nil, err
	}
	logger.Info("built database from seeds", "path", path, "version", g.Version, "duration", time.Since(start),
		"notices", len(g.Notices))
	if len(g.Notices) > 0 {
		logger.Info("the seeds hold odd but kept dataset records; `treatygraph validate` lists them", "first", g.Notices[0])
	}
	return path, remove, nil
}

// listenAndServe serves srv on listen until ctx ends or the process is interrupted or
// terminated, then shuts it down gracefully.
func (c *serveCommand) listenAndServe(ctx context.Context, srv *http.Server, listen string, logger *slog.Logger, version string) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("serving", "url", "http://"+ln.Addr().String()+"/", "version", version)
	if c.ready != nil {
		c.ready <- ln.Addr().String()
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}

// listenAddr applies a PORT override to host:port.
func listenAddr(addr, port string) (string, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("-addr %q: want host:port", addr)
	}
	if port != "" {
		p = port
	}
	return net.JoinHostPort(host, p), nil
}

// defaultMemoryLimit is the heap the garbage collector tries to stay under: a large answer of
// the COW dataset holds a few hundred MB while it is built.
const defaultMemoryLimit = 1 << 30

// requestLimits are the flags of the limits of a GraphQL request.
type requestLimits struct {
	bodyBytes, parserTokens, depth, selectionFields, fields, directives, cost, errors, first *int
	timelineRows, timelineBytes, messageBytes, quoteChars, pathLinks                         *int
}

// requestLimitFlags adds the flags of the limits of a GraphQL request, each defaulting to the
// server's default.
func requestLimitFlags(fs *flag.FlagSet) requestLimits {
	return requestLimits{
		bodyBytes:       fs.Int("max-body-bytes", server.DefaultMaxBodyBytes, "largest POST body read, `N` bytes; a larger one is answered 413, REQUEST_TOO_LARGE"),
		parserTokens:    fs.Int("max-parser-tokens", server.DefaultMaxParserTokens, "most lexical tokens `N` of a GraphQL document; the parser stops at the next one"),
		depth:           fs.Int("max-depth", server.DefaultMaxDepth, "most levels `N` the fields of an operation may nest, introspection aside (DEPTH_LIMIT_EXCEEDED)"),
		selectionFields: fs.Int("max-selection-fields", server.DefaultMaxSelectionFields, "most fields `N` one selection set may select, fragments expanded (SELECTION_LIMIT_EXCEEDED)"),
		fields:          fs.Int("max-fields", server.DefaultMaxFields, "most fields `N` an operation may select, fragments counted at every spread (FIELD_LIMIT_EXCEEDED)"),
		directives:      fs.Int("max-directives", server.DefaultMaxDirectives, "most directives `N` on one field, fragment or operation (DIRECTIVE_LIMIT_EXCEEDED)"),
		cost:            fs.Int("max-cost", server.DefaultMaxCost, "highest cost `N` of an operation, reported as extensions.cost.maximumAvailable (COMPLEXITY_LIMIT_EXCEEDED)"),
		errors:          fs.Int("max-errors", server.DefaultMaxErrors, "most errors `N` one answer lists; the rest are counted in one TOO_MANY_ERRORS"),
		first:           fs.Int("max-first", graph.DefaultMaxFirst, "largest page `N` a list's first may ask for, and most IDs of nodes(ids:) (BAD_USER_INPUT)"),
		pathLinks:       fs.Int("path-max-links", graph.DefaultPathMaxLinks, "most links `N` one path search reads; a search that needs more is answered SEARCH_LIMIT_EXCEEDED"),
		timelineRows:    fs.Int("timeline-max-rows", timeline.DefaultMaxRows, "most rows `N` a timeline SVG draws; the chart says when it was cut"),
		timelineBytes:   fs.Int("timeline-max-bytes", timeline.DefaultMaxBytes, "largest timeline SVG, `N` bytes; rows past it are left out and the chart says so"),
		messageBytes:    fs.Int("max-error-message-bytes", server.DefaultMaxErrorMessageBytes, "longest error message sent, `N` bytes; a longer one is cut with …"),
		quoteChars:      fs.Int("error-quote-chars", kg.DefaultQuotePrefix, "most characters `N` of a client's value an error message quotes"),
	}
}

// check refuses a limit below 1, naming its flag.
func (l requestLimits) check(fs *flag.FlagSet) error {
	for _, f := range []struct {
		name string
		n    int
	}{{"max-body-bytes", *l.bodyBytes}, {"max-parser-tokens", *l.parserTokens}, {"max-depth", *l.depth},
		{"max-selection-fields", *l.selectionFields}, {"max-fields", *l.fields}, {"max-directives", *l.directives},
		{"max-cost", *l.cost}, {"max-errors", *l.errors}, {"max-first", *l.first}, {"path-max-links", *l.pathLinks},
		{"timeline-max-rows", *l.timelineRows}, {"timeline-max-bytes", *l.timelineBytes},
		{"max-error-message-bytes", *l.messageBytes}, {"error-quote-chars", *l.quoteChars}} {
		if f.n < 1 {
			fmt.Fprintf(fs.Output(), "invalid value %d for flag -%s: want at least 1\n", f.n, f.name)
			fs.Usage()
			return errUsage
		}
	}
	return nil
}

// apply sets the limits in cfg.
func (l requestLimits) apply(cfg *server.Config) {
	cfg.MaxBodyBytes, cfg.MaxParserTokens, cfg.MaxDepth = *l.bodyBytes, *l.parserTokens, *l.depth
	cfg.MaxSelectionFields, cfg.MaxFields, cfg.MaxDirectives = *l.selectionFields, *l.fields, *l.directives
	cfg.MaxCost, cfg.MaxErrors, cfg.MaxFirst, cfg.PathMaxLinks = *l.cost, *l.errors, *l.first, *l.pathLinks
	cfg.TimelineMaxRows, cfg.TimelineMaxBytes = *l.timelineRows, *l.timelineBytes
	cfg.MaxErrorMessageBytes = *l.messageBytes
	kg.QuotePrefix = *l.quoteChars
}
