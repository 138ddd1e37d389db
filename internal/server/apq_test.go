package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func persisted(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	k := newKit(t, Config{})
	const q = `{ state(slug: "armenia") { name } }`
	hash := sha256Hex(q)

	// An unknown hash: the client is asked for the query, with status 200 as Apollo's
	// clients expect.
	var a answer
	k.noSQL("an unknown persisted query", func() { a = k.post(map[string]any{"extensions": persisted(hash)}) })
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, []string{CodePersistedQueryNotFound}, a.codes(), a.Raw)
	assert.Equal(t, "PersistedQueryNotFound", a.firstError())

	// The query with its hash runs and is kept; then the hash alone runs, by POST or GET.
	a = k.post(map[string]any{"query": q, "extensions": persisted(hash)})
	require.Empty(t, a.Errors, a.Raw)
	a = k.post(map[string]any{"extensions": persisted(hash)})
	require.Empty(t, a.Errors, a.Raw)
	assert.JSONEq(t, `{"state":{"name":"Armenia"}}`, string(a.Data))
	ext, _ := json.Marshal(persisted(hash))
	a = k.get(url.Values{"extensions": {string(ext)}})
	require.Empty(t, a.Errors, a.Raw)
	assert.JSONEq(t, `{"state":{"name":"Armenia"}}`, string(a.Data))
	assert.NotEmpty(t, a.Header.Get("ETag"), "persisted GETs are cacheable")

	// A hash that is not the query's, and malformed extensions, are refused with a code.
	for name, body := range map[string]map[string]any{
		"wrong hash":    {"query": `{ __typename }`, "extensions": persisted(hash)},
		"wrong version": {"query": q, "extensions": map[string]any{"persistedQuery": map[string]any{"version": 2, "sha256Hash": hash}}},
		"not an object": {"query": q, "extensions": map[string]any{"persistedQuery": "yes"}},
	} {
		a = k.post(body)
		assert.Equal(t, []string{CodeBadRequest}, a.codes(), "%s: %s", name, a.Raw)
		assert.False(t, a.ran(), name)
	}

	// A query too long to keep still runs, and is asked for again next time.
	long := q + "\n#" + strings.Repeat("x", MaxCachedQueryBytes)
	a = k.post(map[string]any{"query": long, "extensions": persisted(sha256Hex(long))})
	require.Empty(t, a.Errors, a.Raw)
	a = k.post(map[string]any{"extensions": persisted(sha256Hex(long))})
	assert.Equal(t, []string{CodePersistedQueryNotFound}, a.codes(), a.Raw)
}

// writeTrusted writes an allow-list file of the given documents, keyed by their hashes.
func writeTrusted(t *testing.T, docs map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "trusted.json")
	b, err := json.Marshal(docs)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

func TestTrustedDocuments(t *testing.T) {
	const members = `query Members($at: Date) { organization(slug: "csto") { members(at: $at) { member { name } } } }`
	const count = `{ states { totalCount } }`
	path := writeTrusted(t, map[string]string{sha256Hex(members): members, "sha256:" + sha256Hex(count): count})
	trusted, err := LoadTrustedDocuments(path, Config{})
	require.NoError(t, err)
	assert.Equal(t, 2, trusted.Len())
	k := newKit(t, Config{TrustedDocuments: trusted})

	// A listed document runs by hash (POST or GET) or as its text.
	a := k.post(map[string]any{"extensions": persisted(sha256Hex(members)), "variables": map[string]any{"at": "2005"}})
	require.Empty(t, a.Errors, a.Raw)
	assert.True(t, a.ran())
	ext, _ := json.Marshal(persisted(sha256Hex(count)))
	a = k.get(url.Values{"extensions": {string(ext)}})
	require.Empty(t, a.Errors, a.Raw)
	assert.JSONEq(t, `{"states":{"totalCount":221}}`, string(a.Data))
	a = k.query(count, nil)
	require.Empty(t, a.Errors, a.Raw)

	// Anything else is refused before it runs, introspection included.
	for _, q := range []string{`{ states { totalCount __typename } }`, `{ __schema { types { name } } }`} {
		k.noSQL("an untrusted document", func() { a = k.query(q, nil) })
		assert.Equal(t, http.StatusOK, a.Status)
		assert.Equal(t, []string{CodeTrustedDocumentRequired}, a.codes(), a.Raw)
		assert.Contains(t, a.firstError(), "this server runs only its 2 trusted documents, and this query (sha256 "+sha256Hex(q)+") is not one of them")
	}
	a = k.post(map[string]any{"extensions": persisted(sha256Hex("{ __typename }"))})
	assert.Equal(t, []string{CodePersistedQueryNotFound}, a.codes(), a.Raw)
	assert.Contains(t, a.firstError(), "is not one of the 2 trusted documents")

	// Clients cannot add documents: sending one with its hash does not list it.
	const extra = `{ __typename }`
	a = k.post(map[string]any{"query": extra, "extensions": persisted(sha256Hex(extra))})
	assert.Equal(t, []string{CodeTrustedDocumentRequired}, a.codes(), a.Raw)
	a = k.post(map[string]any{"extensions": persisted(sha256Hex(extra))})
	assert.Equal(t, []string{CodePersistedQueryNotFound}, a.codes(), a.Raw)
}

func TestLoadTrustedDocumentsRefusesMistakes(t *testing.T) {
	const ok = `{ __typename }`
	for _, tc := range []struct {
		name, content, want string
	}{
		{"not JSON", `[`, "want a JSON object mapping sha256 hashes to documents"},
		{"a list", `["{ __typename }"]`, "want a JSON object"},
		{"empty", `{}`, "no documents"},
		{"wrong hash", `{"` + sha256Hex("other") + `": "{ __typename }"}`, "the document's sha256 is " + sha256Hex(ok)},
		{"does not parse", `{"` + sha256Hex("{ a") + `": "{ a"}`, "Expected Name"},
		{"not valid", `{"` + sha256Hex("{ nope }") + `": "{ nope }"}`, `Cannot query field "nope" on type "Query"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "trusted.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o644))
			_, err := LoadTrustedDocuments(path, Config{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), path)
		})
	}
	_, err := LoadTrustedDocuments(filepath.Join(t.TempDir(), "missing.json"), Config{})
	assert.ErrorContains(t, err, "trusted documents")
}

// TestTrustedDocumentsLimits checks the documents against the limits of the server that
// will serve them, not the defaults.
func TestTrustedDocumentsLimits(t *testing.T) {
	const deep = `{ organization(slug: "csto") { members { member { name } } } }` // 4 levels
	path := writeTrusted(t, map[string]string{sha256Hex(deep): deep})
	trusted, err := LoadTrustedDocuments(path, Config{})
	require.NoError(t, err)
	assert.Equal(t, 1, trusted.Len())

	_, err = LoadTrustedDocuments(path, Config{MaxDepth: 3})
	assert.ErrorContains(t, err, "nests fields 4 levels deep, more than the limit of 3")
}
