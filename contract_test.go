package main

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// contractFile is a verbatim copy of the shared API contract, kept in the repository so that
// the check runs on a clean clone. Refresh it when the contract changes.
const contractFile = "testdata/api-contract.graphql"

// TestSchemaHoldsContract checks that schema.graphqls offers everything the public API
// contract promises: every type with its kind, every field with the same or a stricter type,
// every argument with the same or a looser type, every interface and enum value.
func TestSchemaHoldsContract(t *testing.T) {
	contract := loadSchemaFile(t, contractFile)
	project := loadSchemaFile(t, "schema.graphqls")
	if problems := contractProblems(contract, project); len(problems) > 0 {
		t.Errorf("schema.graphqls breaks the API contract (%s) in %d place(s):\n\t%s",
			contractFile, len(problems), strings.Join(problems, "\n\t"))
	}
}

// sourcesContractFile is a verbatim copy of the shared additions to the contract for several
// sources per fact and the COW IGO dataset, written as extensions of the contract's types.
const sourcesContractFile = "testdata/api-contract-sources.graphql"

// TestSchemaHoldsSourcesContract checks the contract with its additions for several sources
// per fact: the cowCode and cowKey lookups, disputes, claims and source arguments. The
// additions are written as extensions for reading ("where a field already exists, the
// arguments shown are added to it"), so they are merged into the contract here field by
// field rather than loaded as GraphQL extensions.
func TestSchemaHoldsSourcesContract(t *testing.T) {
	contract := loadSchemaFile(t, contractFile)
	// The additions name Source as "the type the service already serves"; its least surface
	// is its footnote numbers.
	mergeAdditions(t, contract, sourcesContractFile, "\ntype Source { notes: [Int!]! }\n")
	require.NotNil(t, contract.Types["MembershipClaim"], "the additions are read")
	require.NotNil(t, contract.Types["Query"].Fields.ForName("disputes"))
	project := loadSchemaFile(t, "schema.graphqls")
	if problems := contractProblems(contract, project); len(problems) > 0 {
		t.Errorf("schema.graphqls breaks the API contract with its additions (%s) in %d place(s):\n\t%s",
			sourcesContractFile, len(problems), strings.Join(problems, "\n\t"))
	}
}

// timeContractFile is a verbatim copy of the shared additions for dates that can be trusted
// and a third source: certainty on every at: filter, covers, unknown years, structured
// disputes and dated names, written as extensions like the sources additions.
const timeContractFile = "testdata/api-contract-time.graphql"

// TestSchemaHoldsTimeContract checks the contract with both sets of additions.
func TestSchemaHoldsTimeContract(t *testing.T) {
	contract := loadSchemaFile(t, contractFile)
	mergeAdditions(t, contract, sourcesContractFile, "\ntype Source { notes: [Int!]! }\n")
	mergeAdditions(t, contract, timeContractFile, "")
	require.NotNil(t, contract.Types["Certainty"], "the additions are read")
	require.NotNil(t, contract.Types["Membership"].Fields.ForName("covers"))
	project := loadSchemaFile(t, "schema.graphqls")
	if problems := contractProblems(contract, project); len(problems) > 0 {
		t.Errorf("schema.graphqls breaks the API contract with its additions (%s) in %d place(s):\n\t%s",
			timeContractFile, len(problems), strings.Join(problems, "\n\t"))
	}
}

// mergeAdditions merges a file of contract additions, written as extensions for reading
// ("where a field already exists, the arguments shown are added to it"), into contract field by
// field; extra is appended to the file's text. A type the additions extend that the contract
// lacks takes what they name of it as its least surface.
func mergeAdditions(t *testing.T, contract *ast.Schema, file, extra string) {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	doc, err := parser.ParseSchema(&ast.Source{Name: file, Input: string(b) + extra})
	require.NoError(t, err)
	for _, def := range doc.Definitions {
		contract.Types[def.Name] = def
	}
	for _, ext := range doc.Extensions {
		base := contract.Types[ext.Name]
		if base == nil {
			d := *ext
			d.Fields = nil
			base = &d
			contract.Types[ext.Name] = base
		}
		for _, fd := range ext.Fields {
			have := base.Fields.ForName(fd.Name)
			if have == nil {
				base.Fields = append(base.Fields, fd)
				continue
			}
			for _, a := range fd.Arguments {
				if have.Arguments.ForName(a.Name) == nil {
					have.Arguments = append(have.Arguments, a)
				}
			}
		}
	}
}

// TestSchemaDescriptions checks that every type, field, argument and enum value of the
// public schema says what it is: introspecting clients and GraphiQL show these texts.
func TestSchemaDescriptions(t *testing.T) {
	project := loadSchemaFile(t, "schema.graphqls")
	if missing := missingDescriptions(project); len(missing) > 0 {
		t.Errorf("schema.graphqls: %d definition(s) without a description:\n\t%s",
			len(missing), strings.Join(missing, "\n\t"))
	}
}

// TestContractCheckCatchesBreaks makes sure the contract check itself tells compatible
// changes from breaking ones, on small schemas with one change each.
func TestContractCheckCatchesBreaks(t *testing.T) {
	const contract = `
		scalar Date
		interface Node { id: ID! }
		enum Role { MEMBER OBSERVER }
		type State implements Node {
			id: ID!
			name: String!
			iso2: String
			tags: [String]
			members(at: Date, roles: [Role!], first: Int!): [State!]!
		}
		union Result = State
		type Unused { x: Int }
		input Filter { role: Role, at: Date! }
		type Query { state(slug: String!): State find(filter: Filter): [Result!]! }
	`
	// base is the contract itself with every compatible liberty taken.
	const base = `
		scalar Date
		interface Node { id: ID! }
		interface Actor { slug: String! }
		enum Role { MEMBER OBSERVER PARTNER }
		type State implements Node & Actor {
			id: ID!
			slug: String!
			name: String!
			iso2: String!
			tags: [String!]!
			members(at: Date, roles: [Role!], first: Int, extra: Int, defaulted: Int! = 3): [State!]!
		}
		type Organization implements Node { id: ID! }
		union Result = State | Organization
		type Unused { x: Int, y: Int }
		input Filter { role: Role, at: Date, extra: String, defaulted: Int! = 1 }
		type Query { state(slug: String): State find(filter: Filter): [Result!]! extra: Int }
	`
	for _, tc := range []struct {
		name     string
		old, new string // a change to base
		want     string // a fragment of the problem reported; empty when compatible
	}{
		{name: "compatible additions and tightenings"},
		{"missing type", "type Unused { x: Int, y: Int }", "", "type Unused (OBJECT) is missing"},
		{"kind changed", "type Unused { x: Int, y: Int }", "enum Unused { X }", "type Unused is ENUM: the contract says OBJECT"},
		{"missing field", "name: String!", "", "State.name: field is missing"},
		{"field nullable", "name: String!", "name: String", "State.name: type String, the contract wants String! or stricter"},
		{"field type renamed", "name: String!", "name: ID!", "State.name: type ID!, the contract wants String! or stricter"},
		{"list became scalar", "tags: [String!]!", "tags: String", "State.tags: type String, the contract wants [String] or stricter"},
		{"list element nullable", "members(at: Date, roles: [Role!], first: Int, extra: Int, defaulted: Int! = 3): [State!]!",
			"members(at: Date, roles: [Role!], first: Int, extra: Int, defaulted: Int! = 3): [State]!",
			"State.members: type [State]!, the contract wants [State!]! or stricter"},
		{"missing argument", "roles: [Role!], first", "first", "State.members(roles:): argument is missing"},
		{"argument non-null", "at: Date, roles", "at: Date!, roles", "State.members(at:): type Date!, the contract wants Date or looser"},
		{"argument list element non-null", "roles: [Role!], first", "roles: [Role!]!, first", "State.members(roles:): type [Role!]!, the contract wants [Role!] or looser"},
		{"argument renamed type", "at: Date, roles", "at: String, roles", "State.members(at:): type String, the contract wants Date or looser"},
		{"extra required argument", "extra: Int,", "extra: Int!,", "State.members(extra:): not in the contract, so it must be nullable or have a default"},
		{"missing interface", "type State implements Node & Actor", "type State implements Actor", "State: does not implement Node"},
		{"missing enum value", "enum Role { MEMBER OBSERVER PARTNER }", "enum Role { MEMBER PARTNER }", "Role.OBSERVER: enum value is missing"},
		{"missing union member", "union Result = State | Organization", "union Result = Organization", "Result: union lacks State"},
		{"missing input field", "input Filter { role: Role, at: Date,", "input Filter { at: Date,", "Filter.role: input field is missing"},
		{"input field stricter", "input Filter { role: Role,", "input Filter { role: Role!,", "Filter.role: type Role!, the contract wants Role or looser"},
		{"extra required input field", "extra: String,", "extra: String!,", "Filter.extra: not in the contract, so it must be nullable or have a default"},
		{"missing root field", "state(slug: String): State find", "find", "Query.state: field is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := base
			if tc.old != "" {
				require.Contains(t, src, tc.old, "the case's change does not apply")
				src = strings.Replace(src, tc.old, tc.new, 1)
			}
			c, err := gqlparser.LoadSchema(&ast.Source{Name: "contract.graphql", Input: contract})
			require.NoError(t, err)
			p, err := gqlparser.LoadSchema(&ast.Source{Name: "project.graphqls", Input: src})
			require.NoError(t, err)
			problems := contractProblems(c, p)
			if tc.want == "" {
				assert.Empty(t, problems)
				return
			}
			require.NotEmpty(t, problems, "the break went unnoticed")
			assert.Contains(t, strings.Join(problems, "\n"), tc.want)
		})
	}
}

// TestDescriptionCheckCatchesGaps makes sure the description check notices each kind of gap.
func TestDescriptionCheckCatchesGaps(t *testing.T) {
	const src = `
		"Bind fields in Go."
		directive @goField(forceResolver: Boolean) on FIELD_DEFINITION
		"A role."
		enum Role { "Full." MEMBER OBSERVER }
		type Query {
			"A field."
			state("The slug." slug: String, iso2: String): Query @goField(forceResolver: true)
			undocumented: Int
		}
		input Filter { "Documented." a: Int b: Int }
	`
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "s.graphqls", Input: src})
	require.NoError(t, err)
	got := strings.Join(missingDescriptions(s), "\n")
	for _, want := range []string{"Role.OBSERVER", "Query:", "Query.state(iso2:)", "Query.undocumented", "Filter:", "Filter.b"} {
		assert.Contains(t, got, want)
	}
	for _, notWant := range []string{"goField", "forceResolver", "Role.MEMBER", "Query.state:", "(slug:)", "Filter.a", "String", "__"} {
		assert.NotContains(t, got, notWant)
	}
}

func loadSchemaFile(t *testing.T, path string) *ast.Schema {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s, err := gqlparser.LoadSchema(&ast.Source{Name: path, Input: string(b)})
	require.NoError(t, err, "%s does not load", path)
	return s
}

// posString names where a definition is written, as file:line.
func posString(pos *ast.Position) string {
	if pos == nil || pos.Src == nil {
		return "?"
	}
	return fmt.Sprintf("%s:%d", pos.Src.Name, pos.Line)
}

// contractProblems lists every way in which project fails to offer what contract promises.
func contractProblems(contract, project *ast.Schema) []string {
	var problems []string
	add := func(where string, format string, args ...any) {
		problems = append(problems, where+": "+fmt.Sprintf(format, args...))
	}

	for _, name := range sortedTypeNames(contract) {
		want := contract.Types[name]
		got := project.Types[name]
		switch {
		case got == nil:
			add("type "+name+" ("+string(want.Kind)+") is missing", "required by %s", posString(want.Position))
			continue
		case got.Kind != want.Kind:
			add("type "+name+" is "+string(got.Kind), "the contract says %s (%s)", want.Kind, posString(want.Position))
			continue
		}

		for _, iface := range want.Interfaces {
			if !slices.Contains(got.Interfaces, iface) {
				add(name, "does not implement %s (%s); the contract says it does (%s)", iface, posString(got.Position), posString(want.Position))
			}
		}
		for _, member := range want.Types {
			if !slices.Contains(got.Types, member) {
				add(name, "union lacks %s (%s); the contract includes it (%s)", member, posString(got.Position), posString(want.Position))
			}
		}
		for _, v := range want.EnumValues {
			if got.EnumValues.ForName(v.Name) == nil {
				add(name+"."+v.Name, "enum value is missing from %s (%s)", posString(got.Position), posString(v.Position))
			}
		}

		for _, wf := range want.Fields {
			if strings.HasPrefix(wf.Name, "__") {
				continue
			}
			where := name + "." + wf.Name
			gf := got.Fields.ForName(wf.Name)
			if want.Kind == ast.InputObject {
				if gf == nil {
					add(where, "input field is missing (contract: %s: %s, %s)", wf.Name, wf.Type, posString(wf.Position))
					continue
				}
				if !inputAccepts(wf.Type, gf.Type) {
					add(where, "type %s, the contract wants %s or looser (%s; contract %s)", gf.Type, wf.Type, posString(gf.Position), posString(wf.Position))
				}
				continue
			}
			if gf == nil {
				add(where, "field is missing (contract: %s%s: %s, %s)", wf.Name, argsString(wf.Arguments), wf.Type, posString(wf.Position))
				continue
			}
			if !outputSatisfies(wf.Type, gf.Type) {
				add(where, "type %s, the contract wants %s or stricter (%s; contract %s)", gf.Type, wf.Type, posString(gf.Position), posString(wf.Position))
			}
			for _, wa := range wf.Arguments {
				argWhere := fmt.Sprintf("%s(%s:)", where, wa.Name)
				ga := gf.Arguments.ForName(wa.Name)
				if ga == nil {
					add(argWhere, "argument is missing (contract: %s: %s, %s)", wa.Name, wa.Type, posString(wa.Position))
					continue
				}
				if !inputAccepts(wa.Type, ga.Type) {
					add(argWhere, "type %s, the contract wants %s or looser (%s; contract %s)", ga.Type, wa.Type, posString(ga.Position), posString(wa.Position))
				}
				if wa.DefaultValue != nil && (ga.DefaultValue == nil || ga.DefaultValue.String() != wa.DefaultValue.String()) {
					add(argWhere, "default %v, the contract says %s (%s)", ga.DefaultValue, wa.DefaultValue, posString(ga.Position))
				}
			}
			for _, ga := range gf.Arguments {
				if wf.Arguments.ForName(ga.Name) == nil && ga.Type.NonNull && ga.DefaultValue == nil {
					add(fmt.Sprintf("%s(%s:)", where, ga.Name), "not in the contract, so it must be nullable or have a default; it is %s (%s)", ga.Type, posString(ga.Position))
				}
			}
		}
		if want.Kind == ast.InputObject {
			for _, gf := range got.Fields {
				if want.Fields.ForName(gf.Name) == nil && gf.Type.NonNull && gf.DefaultValue == nil {
					add(name+"."+gf.Name, "not in the contract, so it must be nullable or have a default; it is %s (%s)", gf.Type, posString(gf.Position))
				}
			}
		}
	}

	for _, root := range []struct {
		op              string
		contract, given *ast.Definition
	}{
		{"query", contract.Query, project.Query},
		{"mutation", contract.Mutation, project.Mutation},
		{"subscription", contract.Subscription, project.Subscription},
	} {
		if root.contract != nil && (root.given == nil || root.given.Name != root.contract.Name) {
			add("schema", "the %s root type must be %s", root.op, root.contract.Name)
		}
	}
	return problems
}

// outputSatisfies reports whether a field of type got keeps the promise of type want: the
// same type, or one that is non-null where want allows null, at any list depth.
func outputSatisfies(want, got *ast.Type) bool {
	if want.NonNull && !got.NonNull {
		return false
	}
	if want.Elem != nil || got.Elem != nil {
		return want.Elem != nil && got.Elem != nil && outputSatisfies(want.Elem, got.Elem)
	}
	return want.NamedType == got.NamedType
}

// inputAccepts reports whether an argument of type got accepts every value that type want
// accepts: the same type, or one that is nullable where want is non-null.
func inputAccepts(want, got *ast.Type) bool {
	if got.NonNull && !want.NonNull {
		return false
	}
	if want.Elem != nil || got.Elem != nil {
		return want.Elem != nil && got.Elem != nil && inputAccepts(want.Elem, got.Elem)
	}
	return want.NamedType == got.NamedType
}

func argsString(args ast.ArgumentDefinitionList) string {
	if len(args) == 0 {
		return ""
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.Name + ": " + a.Type.String()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// sortedTypeNames lists the schema's own types (not the built-in ones) by name.
func sortedTypeNames(s *ast.Schema) []string {
	var names []string
	for name, def := range s.Types {
		if !def.BuiltIn && !strings.HasPrefix(name, "__") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// missingDescriptions lists the types, fields, arguments, input fields and enum values of
// the schema that have no description. Built-in definitions and the @goField directive,
// which only instructs the code generator, are left out.
func missingDescriptions(s *ast.Schema) []string {
	var missing []string
	need := func(desc, what string, pos *ast.Position) {
		if strings.TrimSpace(desc) == "" {
			missing = append(missing, fmt.Sprintf("%s: %s", what, posString(pos)))
		}
	}
	for _, name := range sortedTypeNames(s) {
		def := s.Types[name]
		need(def.Description, name, def.Position)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			need(f.Description, name+"."+f.Name, f.Position)
			for _, a := range f.Arguments {
				need(a.Description, fmt.Sprintf("%s.%s(%s:)", name, f.Name, a.Name), a.Position)
			}
		}
		for _, v := range def.EnumValues {
			need(v.Description, name+"."+v.Name, v.Position)
		}
	}
	var directives []string
	for name, d := range s.Directives {
		if name != "goField" && (d.Position == nil || d.Position.Src == nil || !d.Position.Src.BuiltIn) {
			directives = append(directives, name)
		}
	}
	sort.Strings(directives)
	for _, name := range directives {
		d := s.Directives[name]
		need(d.Description, "@"+name, d.Position)
		for _, a := range d.Arguments {
			need(a.Description, fmt.Sprintf("@%s(%s:)", name, a.Name), a.Position)
		}
	}
	return missing
}
