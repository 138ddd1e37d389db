package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
)

// A variable of a nullable type with a default may stand where a value is required; sent as
// null it stays null, which is the client's error (BAD_USER_INPUT naming the variable, at
// the place it is used), never INTERNAL. Left out, its default applies.
func TestNullVariableWhereAValueIsRequired(t *testing.T) {
	k := newKit(t, Config{})
	null := map[string]any{"v": nil}
	for _, tc := range []struct {
		name, query, required string
	}{
		{"@include", `query ($v: Boolean = false) { __typename @include(if: $v) }`, "Boolean!"},
		{"@skip in a fragment", "query ($v: Boolean = true) { ...F }\nfragment F on Query { __typename @skip(if: $v) }", "Boolean!"},
		{"@include on a field with arguments", `query ($v: Boolean = false) { state(slug: "armenia") { name @include(if: $v) } }`, "Boolean!"},
		{"a required argument", `query ($v: ID = "x") { node(id: $v) { id } }`, "ID!"},
		{"an item of a list of required values", `query ($v: ID = "x") { nodes(ids: ["y", $v]) { id } }`, "ID!"},
		{"a required list", `query ($v: [ID!] = ["x"]) { nodes(ids: $v) { id } }`, "[ID!]!"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a answer
			k.noSQL(tc.name, func() { a = k.query(tc.query, null) })
			require.Len(t, a.Errors, 1, a.Raw)
			assert.Equal(t, "BAD_USER_INPUT", a.Errors[0].Extensions["code"], a.Raw)
			assert.Equal(t, fmt.Sprintf("variable $v is null, where a value of type %s is required; leave it out to use its default, or send a value", tc.required), a.firstError())
			assert.Equal(t, []location{at(tc.query, strings.LastIndex(tc.query, "$v"))}, a.locations(0), "at the variable's use: %s", a.Raw)
			assert.False(t, a.ran(), a.Raw)
		})
	}

	// Left out, or sent with a value, the variable works; null where null is allowed is null.
	a := k.query(`query ($v: Boolean = false) { __typename @include(if: $v) t: __typename }`, nil)
	assert.JSONEq(t, `{"t": "Query"}`, string(a.Data), a.Raw)
	a = k.query(`query ($v: Boolean = false) { __typename @include(if: $v) t: __typename }`, map[string]any{"v": true})
	assert.JSONEq(t, `{"__typename": "Query", "t": "Query"}`, string(a.Data), a.Raw)
	a = k.query(`query ($v: Int = 1) { states(first: $v) { nodes { slug } } }`, null)
	require.Empty(t, a.Errors, a.Raw)
	var page struct{ States struct{ Nodes []any } }
	require.NoError(t, json.Unmarshal(a.Data, &page))
	assert.Len(t, page.States.Nodes, 20, "first: null is the default page, not the variable's default")

	// A long variable name is quoted by its first characters only.
	long := "v" + strings.Repeat("abcdefghij", 50)
	a = k.query(fmt.Sprintf(`query ($%s: Boolean = false) { __typename @skip(if: $%s) }`, long, long), map[string]any{long: nil})
	require.Len(t, a.Errors, 1, a.Raw)
	assert.Equal(t, "BAD_USER_INPUT", a.Errors[0].Extensions["code"], a.Raw)
	assert.Less(t, len(a.firstError()), 200, a.firstError())
}

// possibleTypes lists object types only: the specification allows nothing else there, and
// an interface that implements another (Actor implements Node) is not one of its possible
// types. Every object type implementing the interface is listed, and only those.
func TestPossibleTypesAreObjectTypes(t *testing.T) {
	k := newKit(t, Config{})
	a := k.query(`{ __schema { types { name kind interfaces { name } possibleTypes { name kind } } } }`, nil)
	require.Empty(t, a.Errors, "%.300s", a.Raw)
	var got struct {
		Schema struct {
			Types []struct {
				Name, Kind    string
				Interfaces    []struct{ Name string }
				PossibleTypes []struct{ Name, Kind string }
			}
		} `json:"__schema"`
	}
	require.NoError(t, json.Unmarshal(a.Data, &got))
	implementers := map[string][]string{}
	for _, ty := range got.Schema.Types {
		if ty.Kind == "OBJECT" {
			for _, i := range ty.Interfaces {
				implementers[i.Name] = append(implementers[i.Name], ty.Name)
			}
		}
	}
	interfaces := 0
	for _, ty := range got.Schema.Types {
		var names []string
		for _, p := range ty.PossibleTypes {
			assert.Equal(t, "OBJECT", p.Kind, "%s lists %s among its possible types", ty.Name, p.Name)
			names = append(names, p.Name)
		}
		if ty.Kind == "INTERFACE" {
			interfaces++
			slices.Sort(names)
			want := implementers[ty.Name]
			slices.Sort(want)
			assert.Equal(t, want, names, "the possible types of %s", ty.Name)
		}
	}
	assert.GreaterOrEqual(t, interfaces, 2, "the schema has Node and Actor")

	a = k.query(`{ __type(name: "Node") { possibleTypes { name } } }`, nil)
	assert.NotContains(t, a.Raw, `"Actor"`)
	assert.Contains(t, a.Raw, `"State"`)
	// Fragments on the interface that implements another are still valid where it is spread.
	a = k.query(`{ node(id: "U3RhdGU6YXJtZW5pYQ") { ... on Actor { name } } }`, nil)
	require.Empty(t, a.Errors, a.Raw)
	assert.JSONEq(t, `{"node": {"name": "Armenia"}}`, string(a.Data))
}

// Errors are listed in the order of their paths, list indexes compared as numbers: element 2
// before element 10.
func TestErrorsAreInPathOrder(t *testing.T) {
	k := newKit(t, Config{})
	a := k.query(`{ states(first: 12) { nodes { memberships(at: "2010-13") { role } } } }`, nil)
	require.Len(t, a.Errors, 12, "%.500s", a.Raw)
	for i, e := range a.Errors {
		assert.Equal(t, []any{"states", "nodes", float64(i), "memberships"}, e.Path)
	}

	p := func(elems ...any) ast.Path {
		var path ast.Path
		for _, e := range elems {
			switch e := e.(type) {
			case int:
				path = append(path, ast.PathIndex(e))
			case string:
				path = append(path, ast.PathName(e))
			}
		}
		return path
	}
	ordered := []ast.Path{nil, p("a"), p("a", "z"), p("a", 2), p("a", 2, "x"), p("a", 10), p("a", 10, "b"), p("a", 10, "c"), p("b")}
	for i := range ordered {
		for j := range ordered {
			assert.Equal(t, cmpSign(i, j), comparePaths(ordered[i], ordered[j]), "%v against %v", ordered[i], ordered[j])
		}
	}
}

func cmpSign(i, j int) int {
	switch {
	case i < j:
		return -1
	case i > j:
		return 1
	}
	return 0
}

// A field's error carries the location of the field in the query, as the specification asks.
func TestFieldErrorsCarryLocations(t *testing.T) {
	k := newKit(t, Config{})
	a := k.query("{\n  state(slug: \"armenia\") {\n    name\n    memberships(at: \"2010-13\") { role }\n  }\n  bad: node(id: \"x\") { id }\n}", nil)
	require.Len(t, a.Errors, 2, a.Raw)
	assert.Equal(t, []any{"bad"}, a.Errors[0].Path)
	assert.Equal(t, []location{{6, 3}}, a.locations(0), a.Raw)
	assert.Equal(t, []any{"state", "memberships"}, a.Errors[1].Path)
	assert.Equal(t, []location{{4, 5}}, a.locations(1), a.Raw)

	// Under a list, every element's error is located at the field in the query.
	a = k.query(`{ states(first: 3) { nodes { memberships(at: "2010-13") { role } } } }`, nil)
	require.Len(t, a.Errors, 3, a.Raw)
	for i := range a.Errors {
		assert.Equal(t, []location{{1, 30}}, a.locations(i), a.Raw)
	}
}

type location struct{ Line, Column int }

// at is the location of the byte offset i of query.
func at(query string, i int) location {
	line := 1 + strings.Count(query[:i], "\n")
	return location{line, i - strings.LastIndex(query[:i], "\n")}
}

// locations decodes the locations of the i-th error.
func (a answer) locations(i int) []location {
	var r struct {
		Errors []struct{ Locations []location }
	}
	if err := json.Unmarshal([]byte(a.Raw), &r); err != nil || i >= len(r.Errors) {
		return nil
	}
	return r.Errors[i].Locations
}
