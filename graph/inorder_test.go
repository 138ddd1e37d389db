package graph_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The executor written by cmd/gqlgen resolves list elements one after another; an error in
// one element still names that element's index in its path, and every element is tried.
func TestErrorInAListElementNamesItsIndex(t *testing.T) {
	a := real(t)
	r := a.do(t, `{ organization(acronym: "CSTO") { members(at: "2010-06-01") { member { ... on State { memberships(at: "2010-13") { role } } } } } }`, nil)
	require.Greater(t, len(r.Errors), 2, "%s", r.Raw)
	for i, e := range r.Errors { // errors are sorted by path
		assert.Equal(t, []any{"organization", "members", float64(i), "member", "memberships"}, e.Path)
		assert.Equal(t, "BAD_USER_INPUT", e.Extensions["code"])
	}
}

// @defer is answered in the first and only payload: the service has no incremental transport,
// and the in-order executor resolves deferred fragments with the rest.
func TestDeferredFragmentsAreAnsweredInline(t *testing.T) {
	a := real(t)
	var got struct {
		State struct {
			Slug string
			Name string
		}
	}
	a.data(t, `{ state(slug: "armenia") { slug ... @defer { name } } }`, nil, &got)
	assert.Equal(t, "armenia", got.State.Slug)
	assert.Equal(t, "Armenia", got.State.Name)
}

// A field's arguments are parsed once per operation and field (argsOnce): two aliases of one
// field with different arguments, under a list, keep their own, as do variables.
func TestArgumentsKeptPerFieldOfTheOperation(t *testing.T) {
	a := real(t)
	var got struct {
		Organization struct {
			Members []struct {
				Organization struct{ En, Ru, Var string }
			}
		}
	}
	a.data(t, `query ($lang: String) { organization(acronym: "CSTO") { members(at: "2010-06-01") {
		organization { en: name(lang: "en") ru: name(lang: "ru") var: name(lang: $lang) } } } }`,
		map[string]any{"lang": "ru"}, &got)
	require.NotEmpty(t, got.Organization.Members)
	for _, m := range got.Organization.Members {
		assert.Equal(t, "Collective Security Treaty Organization", m.Organization.En)
		assert.NotEqual(t, m.Organization.En, m.Organization.Ru)
		assert.Equal(t, m.Organization.Ru, m.Organization.Var)
	}
}
