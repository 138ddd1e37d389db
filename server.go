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

	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
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
	"                   [-max-inflight-cost N] [-dear-concurrency N] [-cheap-cost N]\n" +
	"                   [-cheap-inflight-cost N]\n" +
	"                   [-max-seed-bytes N] [-max-seed-depth N]\n\n" +
	"Serves GraphiQL at /, the GraphQL API at /graphql, the exports at /export/, timelines as\n" +
	"SVG at /timeline/, health checks at /healthz and /readyz, and Prometheus metrics at /metrics.\n" +
	"The PORT environment variable, when set, overrides the port of -addr."

// serveFlags holds the values of serve's flags once parsed.
type serveFlags struct {
	addr, dbPath, dir, origins, headers, trustedPath *string
	maxAge                                           *time.Duration
	// limits are the flags of server.Limits, the seed limits among them.
	limits server.LimitFlags
}

// newServeFlags defines serve's flags on fs. A limit's flag is not defined here but declared
// once, with its default, help, README row and ETag role, in server.Limits.
func newServeFlags(fs *flag.FlagSet) *serveFlags {
	f := &serveFlags{}
	f.addr = fs.String("addr", "localhost:8080", "`host:port` to listen on")
	f.dbPath = fs.String("db", "", "serve the database `FILE` written by the build command (default: build one from the seeds at start)")
	f.dir = fs.String("seeds", "", "seed `DIR` to build from at start (default: the seeds embedded in the binary)")
	f.origins = fs.String("cors-origins", "*", "comma-separated `LIST` of origins allowed to call the API from browsers, or *")
	f.headers = fs.String("cors-headers", strings.Join(server.DefaultCORSHeaders, ","), "comma-separated `LIST` of request headers such calls may send, or * for any")
	f.maxAge = fs.Duration("cache-max-age", server.DefaultCacheMaxAge, "how long `D` browsers and CDNs may reuse a GET answer or an export (Cache-Control max-age)")
	f.limits = server.AddLimitFlags(fs)
	f.trustedPath = fs.String("trusted-documents", "", "run only the documents of this JSON `FILE` mapping sha256 hashes to documents (default: any query, with automatic persisted queries)")
	return f
}

// config checks the parsed flags and turns them into the server's configuration (all but
// its store and logger); it also sets the runtime's memory limit. A bad value is a usage
// error, reported on fs.
func (f *serveFlags) config(fs *flag.FlagSet) (server.Config, error) {
	if err := f.limits.Check(); err != nil {
		fmt.Fprintln(fs.Output(), err)
		fs.Usage()
		return server.Config{}, errUsage
	}
	cfg := server.Config{CORSOrigins: strings.Split(*f.origins, ","), CORSHeaders: strings.Split(*f.headers, ","),
		CacheMaxAge: *f.maxAge}
	f.limits.Apply(&cfg)
	debug.SetMemoryLimit(f.limits.Value("memory-limit"))
	debug.SetGCPercent(int(f.limits.Value("gc-percent")))
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
	checkDB := fs.Bool("check-db", false, "read the whole database at start (as treatygraph check does) before serving; without it only its header, build ID and size are checked, at once")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := f.checkValues(fs); err != nil {
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
		limits := seed.Limits{MaxFileBytes: f.limits.Value("max-seed-bytes"), MaxDepth: int(f.limits.Value("max-seed-depth"))}
		built, remove, err := buildFromSeeds(ctx, *f.dir, limits, logger)
		if err != nil {
			return err
		}
		defer remove()
		path = built
	} else if *f.dir != "" {
		return fmt.Errorf("give -db or -seeds, not both")
	}
	store, err := sqlite.Open(path, int(f.limits.Value("conns")))
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
		WriteTimeout: max(cfg.Timeout+server.WriteGrace, 60*time.Second), IdleTimeout: 120 * time.Second}
	return c.listenAndServe(ctx, srv, listen, logger, store.Version())
}

// buildFromSeeds builds the database of the seeds in dir (the embedded seeds when empty) in
// a temporary directory, which remove deletes.
func buildFromSeeds(ctx context.Context, dir string, limits seed.Limits, logger *slog.Logger) (path string, remove func(), err error) {
	g, err := loadSeeds(dir, limits)
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

// checkValues checks the values of serve's flags that are not limits (those are checked with
// their table), before anything is built: a bad one is a usage error, reported on fs.
func (f *serveFlags) checkValues(fs *flag.FlagSet) error {
	if *f.maxAge < time.Second {
		fmt.Fprintf(fs.Output(), "invalid value %s for flag -cache-max-age: want at least 1s\n", *f.maxAge)
		fs.Usage()
		return errUsage
	}
	return nil
}

// listenAddr applies a PORT override to host:port and checks the port, before anything is
// built: a port from 0 to 65535 (0 or none: any free one), or a service name such as "http".
func listenAddr(addr, port string) (string, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("-addr %q: want host:port", addr)
	}
	from := fmt.Sprintf("-addr %q", addr)
	if port != "" {
		p, from = port, fmt.Sprintf("PORT %q", port)
	}
	if _, err := net.LookupPort("tcp", p); err != nil {
		return "", fmt.Errorf("%s: the port must be a number from 0 to 65535 or a service name", from)
	}
	return net.JoinHostPort(host, p), nil
}
