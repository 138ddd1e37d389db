// Package server is treatygraph's HTTP layer in one place: the GraphQL endpoint with its
// transports, limits and error presenting, CORS, access logs, GraphiQL and health checks.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/treatygraph/treatygraph/graph"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// Limits of a request, each refused with a clear error before any SQL runs.
const (
	MaxBodyBytes      = 1 << 20
	MaxParserTokens   = 10_000
	MaxComplexity     = 50_000
	QueryCacheEntries = 1000
)

// Config is what the handler needs.
type Config struct {
	Store  *sqlite.Store
	Logger *slog.Logger
	// CORSOrigins lists the origins allowed to call the API from a browser; "*" allows any.
	CORSOrigins []string
}

// New builds the whole HTTP handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if len(cfg.CORSOrigins) == 0 {
		cfg.CORSOrigins = []string{"*"}
	}
	gql := NewGraphQL(cfg.Store, cfg.Logger)

	mux := http.NewServeMux()
	mux.Handle("/graphql", cors(cfg.CORSOrigins, gql))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := cfg.Store.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "ok %s\n", cfg.Store.Version())
	})
	graphiql := playground.Handler("treatygraph", "/graphql")
	mux.HandleFunc("GET /{$}", graphiql)
	return accessLog(cfg.Logger, mux)
}

// NewGraphQL builds the GraphQL endpoint alone: JSON POST and GET (queries only), a parsed
// query cache, introspection, a parser token limit and a complexity limit, with per-request
// loaders and errors presented as user errors or masked internal ones.
func NewGraphQL(store *sqlite.Store, logger *slog.Logger) http.Handler {
	es := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{Store: store}})
	srv := handler.New(es)
	srv.AddTransport(transport.Options{AllowedMethods: []string{"GET", "POST", "OPTIONS"}})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](QueryCacheEntries))
	srv.SetParserTokenLimit(MaxParserTokens)
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(MaxComplexity))
	srv.SetErrorPresenter(presentError(logger))
	srv.AroundResponses(sortErrors)
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic while resolving", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &kg.Error{Code: kg.Internal, Message: "internal error"}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		ctx := graph.WithLoaders(r.Context(), store)
		srv.ServeHTTP(w, r.WithContext(ctx))
	})
}

// presentError shows client errors as they are, with their code, and masks everything else
// after logging it.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var user *kg.Error
		if errors.As(err, &user) {
			gerr := gqlerror.WrapPath(graphql.GetPath(ctx), err)
			gerr.Message = user.Message
			gerr.Extensions = map[string]any{"code": user.Code}
			return gerr
		}
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) && gerr.Unwrap() == nil {
			return gerr // parse and validation errors from gqlgen itself
		}
		logger.ErrorContext(ctx, "internal error", "err", err, "path", graphql.GetPath(ctx).String())
		masked := gqlerror.WrapPath(graphql.GetPath(ctx), errors.New("internal error"))
		masked.Extensions = map[string]any{"code": kg.Internal}
		return masked
	}
}

// sortErrors puts a response's errors in path order, so that the same request always gets
// the same response although root fields resolve concurrently.
func sortErrors(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 1 {
		sort.SliceStable(resp.Errors, func(i, j int) bool {
			return resp.Errors[i].Path.String() < resp.Errors[j].Path.String()
		})
	}
	return resp
}

// cors answers browsers' preflight requests and marks responses as readable by the allowed
// origins. Credentials are never allowed: the API is public and read-only.
func cors(origins []string, next http.Handler) http.Handler {
	any := len(origins) == 1 && origins[0] == "*"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		h := w.Header()
		switch {
		case any:
			h.Set("Access-Control-Allow-Origin", "*")
		case origin != "" && contains(origins, origin):
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
		default:
			h.Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type")
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// accessLog writes one log line per request.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		logger.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "duration", time.Since(start))
	})
}
