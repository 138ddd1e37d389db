// Package server is treatygraph's HTTP layer in one place: the GraphQL endpoint with its
// transports, limits, cost reporting, persisted queries, caching and error presenting, CORS,
// access logs, metrics, GraphiQL and health checks.
//
// This file shows the whole request path; the details live beside it: transport.go (what
// requests are accepted), limits.go and cost.go (what requests may ask), apq.go (persisted
// queries and trusted documents), cache.go (ETag and Cache-Control), observe.go (logs,
// metrics, health).
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/treatygraph/treatygraph/graph"
	"github.com/treatygraph/treatygraph/internal/export"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/timeline"
)

// Config is what the handler needs.
type Config struct {
	Store  *sqlite.Store
	Logger *slog.Logger
	// CORSOrigins lists the origins allowed to call the API from a browser; "*" allows any.
	CORSOrigins []string
	// CORSHeaders lists the request headers such calls may send (DefaultCORSHeaders when
	// empty); "*" allows any.
	CORSHeaders []string
	// Timeout bounds each GraphQL request (DefaultTimeout when zero); when it passes, the
	// running SQL statement is cancelled.
	Timeout time.Duration
	// CacheMaxAge is how long GET answers may be reused (DefaultCacheMaxAge when zero).
	CacheMaxAge time.Duration
	// TrustedDocuments, when set, are the only documents that run (see LoadTrustedDocuments);
	// otherwise any query runs, and automatic persisted queries are kept.
	TrustedDocuments *TrustedDocuments
	// TimelineMaxRows and TimelineMaxBytes bound a timeline SVG (the timeline package's
	// defaults when zero).
	TimelineMaxRows, TimelineMaxBytes int
	// MaxResponseBytes bounds each answer (DefaultMaxResponseBytes when zero).
	MaxResponseBytes int
	// MaxErrorBytes bounds the errors of each answer (DefaultMaxErrorBytes when zero).
	MaxErrorBytes int
	// MaxErrorMessageBytes bounds each error message (DefaultMaxErrorMessageBytes when zero).
	MaxErrorMessageBytes int
	// ErrorQuoteChars is how many characters of a client's value an error message quotes
	// (kg.DefaultQuotePrefix when zero).
	ErrorQuoteChars int
	// MaxInFlight bounds the GraphQL requests handled at once (DefaultMaxInFlight when zero).
	MaxInFlight int
	// MaxBufferedBytes bounds the answers built and not yet written, over all requests
	// (DefaultMaxBufferedBytes when zero).
	MaxBufferedBytes int
	// MaxInFlightCost bounds the costs of the operations being executed at once, added up
	// (DefaultMaxInFlightCost when zero); past it an operation is refused with OVERLOADED.
	MaxInFlightCost int
	// CheapCost is the largest cost of an operation admitted from the cheap reserve, which
	// never waits behind dear operations (DefaultCheapCost when zero; see admission.go).
	CheapCost int
	// CheapInFlightCost bounds the costs of the cheap operations being executed, added up
	// (DefaultCheapInFlightCost when zero).
	CheapInFlightCost int
	// DearConcurrency bounds the dear operations executed at once (DefaultDearConcurrency
	// when zero or negative).
	DearConcurrency int
	// QueryCacheBytes bounds the memory of the parsed and validated documents kept
	// (DefaultQueryCacheBytes when zero).
	QueryCacheBytes int
	// MaxBodyBytes bounds the body of a POST (DefaultMaxBodyBytes when zero).
	MaxBodyBytes int
	// MaxParserTokens bounds the lexical tokens of a document (DefaultMaxParserTokens when
	// zero).
	MaxParserTokens int
	// MaxDepth bounds how deeply the fields of an operation nest (DefaultMaxDepth when zero).
	MaxDepth int
	// MaxSelectionFields bounds the fields of one selection set (DefaultMaxSelectionFields
	// when zero).
	MaxSelectionFields int
	// MaxFields bounds the fields of an operation (DefaultMaxFields when zero).
	MaxFields int
	// MaxDirectives bounds the directives of one field, fragment or operation
	// (DefaultMaxDirectives when zero).
	MaxDirectives int
	// MaxCost bounds the cost of an operation (DefaultMaxCost when zero).
	MaxCost int
	// MaxErrors bounds the errors one answer lists (DefaultMaxErrors when zero).
	MaxErrors int
	// MaxFirst bounds the page size (first) and the IDs of nodes(ids:) (graph.DefaultMaxFirst
	// when zero).
	MaxFirst int
	// PathMaxLinks bounds the links one path search reads (graph.DefaultPathMaxLinks when
	// zero); a search that needs more is answered SEARCH_LIMIT_EXCEEDED.
	PathMaxLinks int
	// RecordCache bounds the records kept decoded between requests, a relation list counting
	// one per element (graph.DefaultRecordCache when zero; negative keeps none).
	RecordCache int
	// ResponseCacheBytes bounds the answers kept whole, to answer the same request again
	// without running it (DefaultResponseCacheBytes when zero; negative keeps none).
	ResponseCacheBytes int

	budget *budget
}

func (cfg Config) withDefaults() Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if len(cfg.CORSOrigins) == 0 {
		cfg.CORSOrigins = []string{"*"}
	}
	if len(cfg.CORSHeaders) == 0 {
		cfg.CORSHeaders = DefaultCORSHeaders
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.CacheMaxAge <= 0 {
		cfg.CacheMaxAge = DefaultCacheMaxAge
	}
	cfg.MaxResponseBytes = orDefault(cfg.MaxResponseBytes, DefaultMaxResponseBytes)
	cfg.MaxErrorBytes = orDefault(cfg.MaxErrorBytes, DefaultMaxErrorBytes)
	cfg.MaxErrorMessageBytes = orDefault(cfg.MaxErrorMessageBytes, DefaultMaxErrorMessageBytes)
	cfg.ErrorQuoteChars = orDefault(cfg.ErrorQuoteChars, kg.DefaultQuotePrefix)
	cfg.MaxInFlight = orDefault(cfg.MaxInFlight, DefaultMaxInFlight)
	cfg.MaxBufferedBytes = orDefault(cfg.MaxBufferedBytes, DefaultMaxBufferedBytes)
	cfg.MaxInFlightCost = orDefault(cfg.MaxInFlightCost, DefaultMaxInFlightCost)
	cfg.CheapCost = orDefault(cfg.CheapCost, DefaultCheapCost)
	cfg.CheapInFlightCost = orDefault(cfg.CheapInFlightCost, DefaultCheapInFlightCost)
	cfg.DearConcurrency = max(cfg.DearConcurrency, 0) // 0: DefaultDearConcurrency (admission.go)
	cfg.QueryCacheBytes = orDefault(cfg.QueryCacheBytes, DefaultQueryCacheBytes)
	cfg.MaxBodyBytes = orDefault(cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	cfg.MaxParserTokens = orDefault(cfg.MaxParserTokens, DefaultMaxParserTokens)
	cfg.MaxDepth = orDefault(cfg.MaxDepth, DefaultMaxDepth)
	cfg.MaxSelectionFields = orDefault(cfg.MaxSelectionFields, DefaultMaxSelectionFields)
	cfg.MaxFields = orDefault(cfg.MaxFields, DefaultMaxFields)
	cfg.MaxDirectives = orDefault(cfg.MaxDirectives, DefaultMaxDirectives)
	cfg.MaxCost = orDefault(cfg.MaxCost, DefaultMaxCost)
	cfg.MaxErrors = orDefault(cfg.MaxErrors, DefaultMaxErrors)
	cfg.MaxFirst = orDefault(cfg.MaxFirst, graph.DefaultMaxFirst)
	cfg.PathMaxLinks = orDefault(cfg.PathMaxLinks, graph.DefaultPathMaxLinks)
	cfg.TimelineMaxRows = orDefault(cfg.TimelineMaxRows, timeline.DefaultMaxRows)
	cfg.TimelineMaxBytes = orDefault(cfg.TimelineMaxBytes, timeline.DefaultMaxBytes)
	if cfg.RecordCache == 0 {
		cfg.RecordCache = graph.DefaultRecordCache
	}
	if cfg.ResponseCacheBytes == 0 {
		cfg.ResponseCacheBytes = DefaultResponseCacheBytes
	}
	if cfg.budget == nil {
		cfg.budget = newBudget(cfg)
	}
	return cfg
}

// New builds the whole HTTP handler. A request goes through, in order:
//
//	recoverPanics   a panic outside the resolvers becomes a 500, logged
//	observe         one access log line, and the request's metrics
//	refuseChunked   400 for bodies framed by Transfer-Encoding (framing.go)
//	conditional     one byte range at most; If-None-Match without the encodings' suffixes
//	compress        gzip or zstd for answers of 1 KiB or more, to clients that accept it
//	quoteChars      the request carries how much of a client's value its errors quote
//	mux             /graphql, /metrics, /healthz, /readyz, GraphiQL at /, /explore, /export/, /timeline/
//	cors            on /graphql: preflights and Access-Control-Allow-Origin
//	admit           on /graphql: 503 when too many requests or unwritten answers (budget.go)
//	newGraphQL      the GraphQL endpoint: see there
func New(cfg Config) http.Handler {
	cfg = cfg.withDefaults()
	records := graph.NewRecords(cfg.RecordCache)
	answers := newResponseCache(cfg.ResponseCacheBytes, newHTTPCache(identity(cfg.Store), cfg).salt, cfg.MaxParserTokens)
	m := newMetrics(cfg.Store, cfg.MaxCost, cacheStats{"records", records.Stats}, cacheStats{"responses", answers.stats})

	mux := http.NewServeMux()
	mux.Handle("/graphql", cors(cfg.CORSOrigins, cfg.CORSHeaders, cfg.budget.admit(newGraphQL(cfg, true, records, answers))))
	mux.Handle("GET /metrics", m.handler())
	mux.HandleFunc("GET /healthz", healthz(cfg.Store))
	mux.HandleFunc("GET /readyz", readyz(cfg.Store))
	if cfg.TrustedDocuments == nil { // with trusted documents only, GraphiQL could run nothing
		graphiql := GraphiQL()
		mux.Handle("GET /{$}", graphiql)
		mux.Handle("GET "+GraphiQLAssetPrefix, graphiql)
		mux.Handle("GET "+ExplorePath, Explore())
	}
	mux.Handle("GET "+export.Prefix, cors(cfg.CORSOrigins, cfg.CORSHeaders, export.Handler(cfg.Store, cfg.Logger, cfg.CacheMaxAge)))
	mux.Handle("GET "+timeline.Prefix, cors(cfg.CORSOrigins, cfg.CORSHeaders, timeline.Handler(cfg.Store, cfg.Logger, cfg.CacheMaxAge, cfg.TimelineMaxRows, cfg.TimelineMaxBytes)))
	return recoverPanics(cfg.Logger, observe(cfg.Logger, m, refuseChunkedBodies(conditionalHeaders(compress(quoteChars(cfg.ErrorQuoteChars, mux))))))
}

// NewGraphQL builds the GraphQL endpoint alone, with the default limits. Its answers carry
// only data and errors, without the cost and dataset version of New's, so that the golden
// answers of the graph package do not change with every edit of the seeds.
//
// It keeps no records or answers between requests, so that every request runs in full.
func NewGraphQL(store *sqlite.Store, logger *slog.Logger) http.Handler {
	return NewGraphQLWith(Config{Store: store, Logger: logger})
}

// NewGraphQLWith is NewGraphQL with the limits of cfg (the defaults where zero).
func NewGraphQLWith(cfg Config) http.Handler {
	return newGraphQL(cfg.withDefaults(), false, nil, nil)
}

// identity names what an answer depends on besides the request: the seeds, the database
// build and the program serving it. A deploy that changes answers changes it.
func identity(store *sqlite.Store) string {
	return store.Version() + "/" + store.BuildID() + "/" + sqlite.ProgramID()
}

// newGraphQL builds the GraphQL endpoint. A request goes through, in order:
//
//	timeout            the request's context ends after cfg.Timeout, cancelling SQL
//	jsonTransport      JSON POST or GET; body size, media type, batches; ETag and 304
//	persistedQueries   a hash becomes its document (APQ, or trusted documents only)
//	documentLimits     parse once; depth, fields per selection, fields, directives; then
//	                   validate with the executor's rules and keep a valid document
//	parse, validate    gqlgen: a kept document is taken as it is; an invalid one is parsed
//	                   and validated again, for gqlgen's own errors
//	costLimit          the cost with the variables: before anything runs
//	responses          a query answered before is answered again from memory (respcache.go)
//	execution          resolvers one at a time, in order (the executor cmd/gqlgen writes),
//	                   so a request holds one connection; per-request batch loaders
//	                   reading through the shared records
//	finish             errors in order, timeouts, error count, error bytes and answer bytes
//	                   bounded (budget.go), cost reported; the answer written by the deadline
func newGraphQL(cfg Config, reportExtensions bool, records *graph.Records, answers *responseCache) http.Handler {
	store, logger := cfg.Store, cfg.Logger
	validated := newDocCache(cfg.QueryCacheBytes)

	srv := graph.NewServer(graph.NewExecutableSchema(graph.Config{Resolvers: graph.Root(&graph.Resolver{Store: store, MaxFirst: cfg.MaxFirst, PathMaxLinks: cfg.PathMaxLinks})})) // refuses field middleware
	srv.AddTransport(transport.Options{AllowedMethods: []string{"GET", "POST", "OPTIONS"}})
	srv.AddTransport(jsonTransport{cache: newHTTPCache(identity(store), cfg), timeout: cfg.Timeout, maxBodyBytes: cfg.MaxBodyBytes})
	srv.SetQueryCache(validated)
	srv.SetParserTokenLimit(cfg.MaxParserTokens)
	srv.Use(extension.Introspection{})
	srv.Use(newPersistedQueries(cfg.TrustedDocuments))
	srv.Use(&documentLimits{validated: validated, limits: cfg.docLimits()})
	srv.Use(&variableCheck{validated: validated, maxParserTokens: cfg.MaxParserTokens})
	srv.SetValidationRulesFn(validationRules)
	cost := costLimit{rows: store.TableRows(), stintList: StintListSizeEstimate, maxCost: cfg.MaxCost, maxFirst: cfg.MaxFirst, pathLinks: cfg.PathMaxLinks, budget: cfg.budget, answers: answers, timeout: cfg.Timeout}
	if n, err := store.LargestStintList(context.Background()); err == nil && n > 0 {
		cost.stintList = n
	}
	srv.Use(cost)
	srv.SetErrorPresenter(presentError(logger, cfg.Timeout))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic while resolving", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &kg.Error{Code: kg.Internal, Message: "internal error"}
	})
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		releaseReserved(ctx, cfg.budget)
		if resp == nil {
			return nil
		}
		collapseTimeouts(resp, cfg.Timeout)
		sortErrors(resp)
		truncateErrors(resp, cfg.MaxErrors)
		cfg.budget.limitAnswer(ctx, resp)
		if info := infoFrom(ctx); info != nil {
			info.addCodes(errorCodes(resp))
		}
		if reportExtensions {
			addExtensions(ctx, resp, store.Version(), cfg.MaxCost)
		}
		return resp
	})
	if answers.enabled() {
		srv.Use(answers) // inside the hooks above: they apply to cached answers too
	}

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), cfg.Timeout)
		defer cancel()
		deadline, _ := ctx.Deadline()
		setWriteDeadline(w, deadline)
		if r.Method == http.MethodHead {
			w.Header().Set("Allow", "GET, POST, OPTIONS") // gqlgen's answer, 405, lacks it
		}
		srv.ServeHTTP(w, r.WithContext(graph.WithLoaders(ctx, store, records)))
	})
}

// presentError shows client errors as they are, with their code, reports a request that ran
// out of time as TIMEOUT, and masks everything else after logging it.
func presentError(logger *slog.Logger, timeout time.Duration) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var user *kg.Error
		if errors.As(err, &user) {
			gerr := gqlerror.WrapPath(graphql.GetPath(ctx), err)
			gerr.Message = user.Quote(kg.QuoteChars(ctx))
			gerr.Extensions = map[string]any{"code": user.Code}
			gerr.Locations = fieldLocations(ctx) // errorshape.go
			return gerr
		}
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) && gerr.Unwrap() == nil {
			return gerr // parse and validation errors from gqlgen, refusals of this package
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return timeoutError(timeout) // whatever failed, it failed because time ran out
		}
		if errors.Is(ctx.Err(), context.Canceled) {
			logger.InfoContext(ctx, "request cancelled by the client", "err", err)
		} else {
			logger.ErrorContext(ctx, "internal error", "err", err, "path", graphql.GetPath(ctx).String())
		}
		masked := gqlerror.WrapPath(graphql.GetPath(ctx), errors.New("internal error"))
		masked.Extensions = map[string]any{"code": kg.Internal}
		masked.Locations = fieldLocations(ctx)
		return masked
	}
}

// cors answers browsers' preflight requests and marks responses as readable by the allowed
// origins, with the request headers of corsHeaders.allow. Credentials are never allowed: the
// API is public and read-only.
func cors(origins, headers []string, next http.Handler) http.Handler {
	anyOrigin := len(origins) == 1 && origins[0] == "*"
	allowHeaders := newCORSHeaders(headers)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		h := w.Header()
		switch {
		case anyOrigin:
			h.Set("Access-Control-Allow-Origin", "*")
		case origin != "" && contains(origins, origin):
			h.Set("Access-Control-Allow-Origin", origin)
			addVary(h, "Origin")
		default:
			addVary(h, "Origin")
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			allowHeaders.setPreflightHeaders(w, r)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

// sortErrors puts a response's errors in path order, list indexes compared as numbers
// (comparePaths, errorshape.go), so that the same request always gets the same response.
func sortErrors(resp *graphql.Response) {
	if len(resp.Errors) > 1 {
		sort.SliceStable(resp.Errors, func(i, j int) bool {
			return comparePaths(resp.Errors[i].Path, resp.Errors[j].Path) < 0
		})
	}
}

// addVary adds names to the response's Vary header, keeping one line: some caches (nginx
// 1.22 among them) honour only the last of several Vary lines.
func addVary(h http.Header, names ...string) {
	var have []string
	for _, line := range h.Values("Vary") {
		for v := range strings.SplitSeq(line, ",") {
			if v = strings.TrimSpace(v); v != "" && !slices.ContainsFunc(have, func(x string) bool { return strings.EqualFold(x, v) }) {
				have = append(have, v)
			}
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(have, func(x string) bool { return strings.EqualFold(x, n) }) {
			have = append(have, n)
		}
	}
	h.Set("Vary", strings.Join(have, ", "))
}
