package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/treatygraph/treatygraph/graph"
)

// Persisted queries, in one of two modes.
//
// By default, automatic persisted queries (APQ, as Apollo's clients send them): a client may
// send extensions.persistedQuery.sha256Hash instead of the query; if the server does not
// know the hash it answers PERSISTED_QUERY_NOT_FOUND, and the client sends the query with
// its hash once, which the server keeps (APQCacheEntries, in an LRU). Any query runs.
//
// With trusted documents (serve -trusted-documents FILE), only the documents of FILE run:
// a client sends a listed document's hash, or the document itself. Nothing else runs,
// introspection and GraphiQL included, and no client can add documents.
//
// FILE is a JSON object mapping the lowercase hex SHA-256 of each document (optionally
// prefixed "sha256:") to the document, as the persisted-documents manifest of GraphQL Code
// Generator's client preset is written:
//
//	{"3b4d...": "query Members($at: Date) { organization(slug: \"csto\") { ... } }"}

// TrustedDocuments is an allow-list of GraphQL documents by SHA-256 hash.
type TrustedDocuments struct {
	byHash map[string]string
}

// LoadTrustedDocuments reads and checks an allow-list: every key must be the SHA-256 of its
// document, and every document must parse, validate against the schema and keep within the
// limits of cfg (the defaults for a zero Config), so that a mistake shows when the server
// starts rather than when a client calls.
func LoadTrustedDocuments(path string, cfg Config) (*TrustedDocuments, error) {
	limits := cfg.withDefaults().docLimits()
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trusted documents: %w", err)
	}
	var raw map[string]string
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("trusted documents %s: want a JSON object mapping sha256 hashes to documents: %w", path, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("trusted documents %s: no documents", path)
	}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	t := &TrustedDocuments{byHash: make(map[string]string, len(raw))}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var problems []string
	for _, key := range keys {
		doc := raw[key]
		hash := strings.ToLower(strings.TrimPrefix(key, "sha256:"))
		if got := sha256Hex(doc); got != hash {
			problems = append(problems, fmt.Sprintf("%s: the document's sha256 is %s", key, got))
			continue
		}
		parsed, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: doc}, limits.parserTokens)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", key, err))
			continue
		}
		if errs := validator.ValidateWithRules(schema, parsed, nil); len(errs) > 0 {
			problems = append(problems, fmt.Sprintf("%s: %v", key, errs[0]))
			continue
		}
		if err := checkDocument(parsed, limits); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s", key, err.Message))
			continue
		}
		t.byHash[hash] = doc
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("trusted documents %s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return t, nil
}

// Len is how many documents are listed.
func (t *TrustedDocuments) Len() int {
	if t == nil {
		return 0
	}
	return len(t.byHash)
}

// fingerprint identifies the list, for ETags; "" when there is none.
func (t *TrustedDocuments) fingerprint() string {
	if t == nil {
		return ""
	}
	keys := make([]string, 0, len(t.byHash))
	for k := range t.byHash {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return sha256Hex(strings.Join(keys, ","))
}

// persistedQueries turns a hash into its document, by APQ or from the trusted documents.
type persistedQueries struct {
	trusted *TrustedDocuments
	apq     extension.AutomaticPersistedQuery
}

func newPersistedQueries(trusted *TrustedDocuments) persistedQueries {
	cache := boundedCache[string]{
		inner: lru.New[string](APQCacheEntries),
		size:  func(_ string, query string) int { return len(query) },
	}
	return persistedQueries{trusted: trusted, apq: extension.AutomaticPersistedQuery{Cache: cache}}
}

var _ interface {
	graphql.OperationParameterMutator
	graphql.HandlerExtension
} = persistedQueries{}

func (persistedQueries) ExtensionName() string                          { return "PersistedQueries" }
func (persistedQueries) Validate(schema graphql.ExecutableSchema) error { return nil }

func (pq persistedQueries) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if pq.trusted == nil {
		err := pq.apq.MutateOperationParameters(ctx, p)
		if err != nil && err.Extensions["code"] == nil {
			// gqlgen's own refusals of a malformed persistedQuery extension carry no code.
			err.Extensions = map[string]any{"code": CodeBadRequest}
		}
		return err
	}
	hash, given, err := persistedHash(p.Extensions)
	if err != nil {
		return err
	}
	switch {
	case p.Query == "" && given:
		doc, ok := pq.trusted.byHash[hash]
		if !ok {
			return refusal(CodePersistedQueryNotFound,
				"persisted query %s is not one of the %d trusted documents this server runs", hash, pq.trusted.Len())
		}
		p.Query = doc
	case p.Query != "":
		sum := sha256Hex(p.Query)
		if given && sum != hash {
			return refusal(CodeBadRequest, "the persisted query hash %s is not the sha256 of the query sent (%s)", hash, sum)
		}
		if _, ok := pq.trusted.byHash[sum]; !ok {
			return refusal(CodeTrustedDocumentRequired,
				"this server runs only its %d trusted documents, and this query (sha256 %s) is not one of them", pq.trusted.Len(), sum)
		}
	}
	return nil
}

// persistedHash reads extensions.persistedQuery: {"version": 1, "sha256Hash": "..."}.
func persistedHash(ext map[string]any) (hash string, given bool, err *gqlerror.Error) {
	raw, ok := ext["persistedQuery"]
	if !ok || raw == nil {
		return "", false, nil
	}
	bad := func(why string) (string, bool, *gqlerror.Error) {
		return "", false, refusal(CodeBadRequest, "extensions.persistedQuery %s", why)
	}
	pq, ok := raw.(map[string]any)
	if !ok {
		return bad(`must be an object such as {"version": 1, "sha256Hash": "..."}`)
	}
	if v, _ := pq["version"].(json.Number); v.String() != "1" {
		return bad("must have version 1")
	}
	hash, _ = pq["sha256Hash"].(string)
	if len(hash) != sha256.Size*2 {
		return bad("must have a sha256Hash of 64 hex digits")
	}
	if _, decodeErr := hex.DecodeString(hash); decodeErr != nil {
		return bad("must have a sha256Hash of 64 hex digits")
	}
	return strings.ToLower(hash), true, nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
