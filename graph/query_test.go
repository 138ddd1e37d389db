package graph_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"

	"github.com/treatygraph/treatygraph/internal/testgate"
)

// membershipFilters are filters on stints that exercise every operator; each is compiled to
// SQL by the store (membershipCounts, relation filters) and matched in memory by child lists.
var membershipFilters = []string{
	`{}`,
	`{role: {eq: MEMBER}}`,
	`{role: {in: [OBSERVER, PARTNER]}}`,
	`{role: {nin: [MEMBER]}}`,
	`{organization: {eq: "csto"}}`,
	`{organization: {ne: "csto"}}`,
	`{organization: {in: ["guam", "cis"]}}`,
	`{organization: {nin: ["guam", "cis", "csto"]}}`,
	`{member: {contains: "STAN"}}`,
	`{member: {isNull: false}}`,
	`{start: {isNull: true}}`,
	`{start: {isNull: false}, end: {isNull: true}}`,
	`{start: {lt: "1994"}}`,
	`{start: {lte: "1994"}}`,
	`{start: {gt: "1994"}}`,
	`{start: {gte: "2006-06"}}`,
	`{start: {eq: "1994"}}`,
	`{start: {ne: "1994"}}`,
	`{end: {lt: "2006"}}`,
	`{end: {gte: "2012-06-28"}}`,
	`{endReason: {eq: WITHDRAWN}}`,
	`{endReason: {isNull: true}}`,
	`{endReason: {nin: [SUSPENDED]}}`,
	`{at: "1999"}`,
	`{at: "2000-01-01"}`,
	`{during: {from: "2005", to: "2007"}}`,
	`{during: {to: "1993"}}`,
	`{and: [{role: {eq: MEMBER}}, {organization: {eq: "csto"}}]}`,
	`{or: [{organization: {eq: "guam"}}, {endReason: {eq: SUSPENDED}}]}`,
	`{not: {organization: {eq: "csto"}}}`,
	`{not: {or: [{at: "2000"}, {start: {isNull: true}}]}, role: {eq: MEMBER}}`,
	// The certainty rule, compiled and in memory: approximate early years, years without
	// data, open ends past a source's horizon, undated stints, and certainty inherited by
	// nested filters unless they give their own.
	`{at: "1950", certainty: POSSIBLE}`,
	`{at: "1950-06"}`,
	`{at: "2005"}`,
	`{at: "2005", certainty: POSSIBLE}`,
	`{at: "2020-03"}`,
	`{at: "2020", certainty: POSSIBLE}`,
	`{at: "2021"}`,
	`{during: {from: "2003", to: "2007"}}`,
	`{during: {from: "2015"}, certainty: POSSIBLE}`,
	`{certainty: POSSIBLE, and: [{at: "1960"}], not: {at: "1960", certainty: KNOWN}}`,
	`{not: {at: "2016", certainty: POSSIBLE}, organization: {in: ["eaeu", "sco", "amcow"]}}`,
	`{disputed: true}`,
	`{disputed: false, at: "2000"}`,
	`{disputedBetween: ["csto-article", "cow-igo-v3"]}`,
	`{disputedBetween: ["cow-igo-v3"]}`,
	`{not: {disputedBetween: ["csto-article"]}, organization: {eq: "csto"}}`,
}

// TestDisputesBetweenSources checks the disputes filter by source pair: every stint it keeps
// has claims of both documents, it keeps what the filter on stints keeps, and a bad list of
// documents is refused.
func TestDisputesBetweenSources(t *testing.T) {
	a := real(t)
	var res struct {
		Disputes struct {
			TotalCount int
			Nodes      []struct {
				Slug   string
				Claims []struct {
					Source struct{ Document struct{ Slug string } }
				}
			}
		}
		MembershipCounts []struct{ Count int }
	}
	a.data(t, `{ disputes(first: 100, between: ["cow-igo-v3", "csto-article"]) { totalCount nodes { slug claims { source { document { slug } } } } }
		membershipCounts(groupBy: [ROLE], filter: {disputedBetween: ["csto-article", "cow-igo-v3"]}) { count } }`, nil, &res)
	require.NotZero(t, res.Disputes.TotalCount)
	assert.Len(t, res.Disputes.Nodes, res.Disputes.TotalCount)
	for _, n := range res.Disputes.Nodes {
		var docs []string
		for _, c := range n.Claims {
			docs = append(docs, c.Source.Document.Slug)
		}
		assert.Subset(t, docs, []string{"cow-igo-v3", "csto-article"}, n.Slug)
	}
	total := 0
	for _, c := range res.MembershipCounts {
		total += c.Count
	}
	assert.Equal(t, res.Disputes.TotalCount, total, "the root list and the filter on stints keep the same stints")

	for _, q := range []string{
		`{ disputes(between: ["no-such-document"]) { totalCount } }`,
		`{ disputes(between: ["a", "b", "c"]) { totalCount } }`,
		`{ membershipCounts(groupBy: [ROLE], filter: {disputedBetween: ["a", "b", "c"]}) { count } }`,
	} {
		r := a.do(t, q, nil)
		require.NotEmpty(t, r.Errors, q)
		assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"], "%s", r.Raw)
	}
}

// TestMembershipFilterSQLMatchesMemory checks that a membership filter selects the same
// stints when the store compiles it to SQL as when a child list matches it in memory.
func TestMembershipFilterSQLMatchesMemory(t *testing.T) {
	testgate.Slow(t, "filters every stint of the seeds in SQL and in memory")
	a := real(t)
	for _, f := range membershipFilters {
		t.Run(f, func(t *testing.T) {
			var res struct {
				Organizations struct {
					Nodes []struct {
						Slug    string
						Members []struct{ Slug string }
					}
				}
				MembershipCounts []struct {
					Organization *struct{ Slug string }
					Count        int
				}
			}
			a.data(t, fmt.Sprintf(`{
				organizations(first: 100) { nodes { slug members(filter: %s) { slug } } }
				membershipCounts(groupBy: [ORGANIZATION], filter: %s) { organization { slug } count }
			}`, f, f), nil, &res)
			memory := map[string]int{}
			onPage := map[string]bool{}
			for _, o := range res.Organizations.Nodes {
				onPage[o.Slug] = true
				if len(o.Members) > 0 {
					memory[o.Slug] = len(o.Members)
				}
			}
			// The page holds the first 100 organizations by name; the counts cover them all.
			sql := map[string]int{}
			for _, c := range res.MembershipCounts {
				if onPage[c.Organization.Slug] {
					sql[c.Organization.Slug] = c.Count
				}
			}
			assert.Equal(t, memory, sql)
		})
	}
}

// TestRelationFilters checks some/none over stints against the stints themselves.
func TestRelationFilters(t *testing.T) {
	a := real(t)
	var res struct {
		Everyone struct {
			Nodes []struct {
				Name        string
				Memberships []struct {
					Organization struct{ Slug string }
					Role         string
				}
			}
		}
		Filtered struct{ Nodes []struct{ Name string } }
	}
	a.data(t, `{
		everyone: states(first: 100, filter: {memberships: {some: {organization: {in: ["guam", "csto"]}}}}) {
			nodes { name memberships { organization { slug } role } } }
		filtered: states(first: 100, filter: {memberships: {
			some: {organization: {eq: "guam"}}
			none: {organization: {eq: "csto"}, role: {eq: MEMBER}}
		}}) { nodes { name } }
	}`, nil, &res)
	var want, got []string
	for _, s := range res.Everyone.Nodes {
		inGUAM, inCSTO := false, false
		for _, m := range s.Memberships {
			inGUAM = inGUAM || m.Organization.Slug == "guam"
			inCSTO = inCSTO || (m.Organization.Slug == "csto" && m.Role == "MEMBER")
		}
		if inGUAM && !inCSTO {
			want = append(want, s.Name)
		}
	}
	for _, s := range res.Filtered.Nodes {
		got = append(got, s.Name)
	}
	require.NotEmpty(t, want)
	assert.Equal(t, want, got)
}

// TestOrderingAndPaging walks a multi-key ordering page by page and checks it against the
// whole list in one page, in both directions.
func TestOrderingAndPaging(t *testing.T) {
	a := real(t)
	type key = map[string]string
	for _, order := range [][]key{
		{{"field": "KIND"}, {"field": "DATE", "direction": "DESC"}},
		{{"field": "TITLE", "direction": "DESC"}},
		{{"field": "DATE"}},
	} {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			type page struct {
				Events struct {
					TotalCount int
					Nodes      []struct{ Slug string }
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
			var all page
			a.data(t, `query($o: [EventOrder!]) { events(first: 100, orderBy: $o) { totalCount nodes { slug } } }`,
				map[string]any{"o": order}, &all)
			var walked []string
			var after *string
			for i := 0; ; i++ {
				require.Less(t, i, 50)
				var p page
				a.data(t, `query($o: [EventOrder!], $after: String) { events(first: 7, orderBy: $o, after: $after) {
					nodes { slug } pageInfo { hasNextPage endCursor } } }`,
					map[string]any{"o": order, "after": after}, &p)
				for _, n := range p.Events.Nodes {
					walked = append(walked, n.Slug)
				}
				if !p.Events.PageInfo.HasNextPage {
					break
				}
				after = p.Events.PageInfo.EndCursor
			}
			var want []string
			for _, n := range all.Events.Nodes {
				want = append(want, n.Slug)
			}
			assert.Equal(t, want, walked)
			assert.Len(t, want, all.Events.TotalCount)
		})
	}
}

// TestBadArguments checks that every new argument refuses bad input with BAD_USER_INPUT and
// a message naming what was wrong.
func TestBadArguments(t *testing.T) {
	a := real(t)
	deep := `{role: {eq: MEMBER}}`
	for i := 0; i < 8; i++ {
		deep = `{not: ` + deep + `}`
	}
	many := "["
	for i := 0; i < 101; i++ {
		many += fmt.Sprintf(`"s%d",`, i)
	}
	many += "]"
	// parentSQL is what the fields above the refused one run: the refused field runs none.
	cases := []struct {
		query, want string
		parentSQL   int64
	}{
		{`{ states(filter: {memberships: {some: ` + deep + `}}) { totalCount } }`, "nest deeper than", 0},
		{`{ states(filter: {slug: {in: ` + many + `}}) { totalCount } }`, "at most 100 values", 0},
		{`{ states(filter: {name: {contains: "` + fmt.Sprintf("%0120d", 0) + `"}}) { totalCount } }`, "longer than 100", 0},
		{`{ states(orderBy: [{field: NAME}, {field: NAME, direction: DESC}]) { totalCount } }`, "NAME is given twice", 0},
		{`{ neighborhood(id: "U3RhdGU6YXJtZW5pYQ", depth: 4) { truncated } }`, "depth must be between 1 and 3", 0},
		{`{ neighborhood(id: "U3RhdGU6YXJtZW5pYQ", maxNodes: 0) { truncated } }`, "maxNodes must be between 1 and 1000", 0},
		{`{ eventCounts(groupBy: []) { count } }`, "groupBy needs YEAR, KIND or both", 0},
		{`{ membershipCounts(groupBy: []) { count } }`, "groupBy needs YEAR, ORGANIZATION, MEMBER and/or ROLE", 0},
		{`{ membershipCounts(groupBy: [ROLE], filter: {during: {from: "2000", to: "1990"}}) { count } }`, "to (1990) is before from (2000)", 0},
		{`{ organization(slug: "csto") { members(during: {from: "2000", to: "1990"}) { slug } } }`, "during: to (1990) is before from (2000)", 1},
		{`{ membershipChanges(organization: "csto", from: "2015", to: "2000") { kind } }`, "to (2000) is before from (2015)", 0},
		{`{ sharedOrganizations(a: "RXZlbnQ6Y3N0LWluLWZvcmNl", b: "U3RhdGU6cnVzc2lh") { periods { start { iso } } } }`, "not of a state or organization", 0},
		{`{ sharedOrganizations(a: "nope", b: "U3RhdGU6cnVzc2lh") { periods { start { iso } } } }`, "invalid ID", 0},
		{`{ membershipChanges(organization: "U3RhdGU6cnVzc2lh") { kind } }`, "not of an organization", 0},
		{`{ events(filter: {date: {gt: "2010-02-30"}}) { totalCount } }`, `invalid date "2010-02-30"`, 0},
		{`{ organization(slug: "csto") { members { covers(at: "1996-13-45") } } }`, `invalid date "1996-13-45"`, 2},
		{`{ person(slug: "vladimir-putin") { positions { covers(at: "2010-02-30") } } }`, `invalid date "2010-02-30"`, 2},
		{`{ militaryStrengthStats(filter: {state: {memberships: {some: ` + deep + `}}}) { count } }`, "nest deeper than", 0},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			r := a.do(t, c.query, nil)
			require.NotEmpty(t, r.Errors, "%s", r.Raw)
			assert.Contains(t, r.Errors[0].Message, c.want)
			assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"], "%s", r.Raw)
			assert.Equal(t, c.parentSQL, r.Statements, "a refused field runs no SQL")
		})
	}

	// A cursor is only valid with the ordering it was issued for.
	var p struct {
		States struct{ PageInfo struct{ EndCursor string } }
	}
	a.data(t, `{ states(first: 2) { pageInfo { endCursor } } }`, nil, &p)
	r := a.do(t, `query($c: String) { states(first: 2, after: $c, orderBy: [{field: ISO2}]) { totalCount } }`,
		map[string]any{"c": p.States.PageInfo.EndCursor})
	require.NotEmpty(t, r.Errors)
	assert.Contains(t, r.Errors[0].Message, "another list or ordering")

	// An unknown certainty is refused before anything runs, and names the value.
	r = a.do(t, `{ organization(slug: "csto") { members(at: "2000", certainty: SURE) { slug } } }`, nil)
	require.NotEmpty(t, r.Errors)
	assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", r.Errors[0].Extensions["code"], "%s", r.Raw)
	assert.Contains(t, r.Errors[0].Message, "SURE")
	assert.Zero(t, r.Statements)
	r = a.do(t, `query($c: Certainty) { organization(slug: "csto") { members(at: "2000", certainty: $c) { slug } } }`, map[string]any{"c": "MAYBE"})
	require.NotEmpty(t, r.Errors)
	assert.Contains(t, r.Errors[0].Message, "MAYBE")
	assert.Zero(t, r.Statements)

	// An unknown organization is named.
	r = a.do(t, `{ membershipChanges(organization: "no-such-organization") { kind } }`, nil)
	require.NotEmpty(t, r.Errors)
	assert.Equal(t, "NOT_FOUND", r.Errors[0].Extensions["code"])
	assert.Contains(t, r.Errors[0].Message, `"no-such-organization"`)
}

// joinedCopies returns g with the stints in the copies of an organization (slug-c1, slug-c2
// ...) made stints in the organization itself, so that its members and everything linked
// through it grow with the copies, which synth.Scale never links to the original.
func joinedCopies(g *kg.Graph, slug string) *kg.Graph {
	copyOf := regexp.MustCompile(`^` + regexp.QuoteMeta(slug) + `-c[0-9]+$`)
	out := *g
	out.Memberships = make([]*kg.Membership, len(g.Memberships))
	for i, m := range g.Memberships {
		out.Memberships[i] = m
		if copyOf.MatchString(m.OrganizationSlug) {
			v := *m
			v.OrganizationSlug = slug
			out.Memberships[i] = &v
		}
	}
	return &out
}

// TestAnalysisStatementsDoNotGrow runs each analysis query on a small graph and a larger one
// and checks that the answers differ while the statements run are as many: equal counts over
// equal answers would prove nothing. The small graph is the curated seeds. The larger one is
// ten copies of them in which the copies' CSTO stints are stints in the CSTO, for queries
// over lists and about the CSTO and its members; or the whole graph, in which the datasets
// give the states asked about many more stints.
func TestAnalysisStatementsDoNotGrow(t *testing.T) {
	copies := []string{
		`{ states(filter: {memberships: {some: {organization: {eq: "csto"}, at: "2000"}}}, orderBy: [{field: ISO3, direction: DESC}]) {
			totalCount nodes { name memberships(filter: {at: "2000"}) { organization { name } citations { number } } } } }`,
		`{ membershipChanges(organization: "csto") { member { name } citations { number } } }`,
		`{ neighborhood(id: "U3RhdGU6dXpiZWtpc3Rhbg", depth: 2) { nodes { id } edges { citations { number } } } }`,
		`{ eventCounts(groupBy: [YEAR]) { year count } membershipCounts(groupBy: [ORGANIZATION]) { organization { name } count } }`,
		`{ militaryStrengthStats(filter: {year: {eq: 2018}}) { count figures { state { name } citations { number } } } }`,
	}
	dataset := []string{
		`{ sharedOrganizations(a: "U3RhdGU6YXJtZW5pYQ", b: "U3RhdGU6cnVzc2lh") { organization { name } a { citations { number } } } }`,
		`{ membershipCounts(groupBy: [YEAR, ROLE], from: "1991", to: "2014", filter: {member: {eq: "russia"}}) { year role count } }`,
		`{ membershipCounts(groupBy: [MEMBER, ORGANIZATION], filter: {at: "2010", member: {in: ["russia", "kazakhstan"]}}) { member { name } organization { name } count } }`,
		`{ sharedOrganizations(a: "U3RhdGU6a2F6YWtoc3Rhbg", b: "U3RhdGU6cnVzc2lh", at: "2010", roles: [MEMBER]) { organization { name } a { claims { source { document { slug } } } } } }`,
		`{ state(slug: "russia") { memberships(at: "2000") { organization { name } claims { role source { section { key } citations { number } } } } } }`,
	}
	small, tenfold := curated(t), tenfold(t)
	check := func(q string, small, big *api) {
		rs, rb := small.do(t, q, nil), big.do(t, q, nil)
		require.Empty(t, rs.Errors, "%s", rs.Raw)
		require.Empty(t, rb.Errors, "%s", rb.Raw)
		assert.NotEqual(t, string(rs.Data), string(rb.Data), "the answers must differ, or equal counts prove nothing: %s", q)
		assert.Equal(t, rs.Statements, rb.Statements, "%s", q)
	}
	for _, q := range copies {
		check(q, small, tenfold)
	}
	for _, q := range dataset {
		check(q, small, real(t))
	}
	// A short page of disputes and a long one.
	const disputes = `{ disputes(first: %d) { totalCount nodes { member { name } claims { role source { document { slug } } } } } }`
	short, long := real(t).do(t, fmt.Sprintf(disputes, 1), nil), real(t).do(t, fmt.Sprintf(disputes, 100), nil)
	require.Empty(t, short.Errors, "%s", short.Raw)
	require.Empty(t, long.Errors, "%s", long.Raw)
	assert.Equal(t, short.Statements, long.Statements, "disputes")
	assert.Greater(t, len(long.Data), len(short.Data))
}

// TestNeighborhoodEdgesJoinReturnedNodes checks that a drawing can be made from the answer:
// every edge joins two returned nodes, and maxNodes truncates.
func TestNeighborhoodEdgesJoinReturnedNodes(t *testing.T) {
	a := real(t)
	var res struct {
		Full, Cut struct {
			Truncated bool
			Nodes     []struct{ ID string }
			Edges     []struct {
				From, To struct{ ID string }
			}
		}
	}
	a.data(t, `{
		full: neighborhood(id: "U3RhdGU6dXpiZWtpc3Rhbg", depth: 2, maxNodes: 1000) { truncated nodes { id } edges { from { id } to { id } } }
		cut: neighborhood(id: "U3RhdGU6dXpiZWtpc3Rhbg", depth: 2, maxNodes: 5) { truncated nodes { id } edges { from { id } to { id } } }
	}`, nil, &res)
	for _, n := range []struct {
		name string
		v    struct {
			Truncated bool
			Nodes     []struct{ ID string }
			Edges     []struct {
				From, To struct{ ID string }
			}
		}
	}{{"full", res.Full}, {"cut", res.Cut}} {
		ids := map[string]bool{}
		for _, x := range n.v.Nodes {
			assert.False(t, ids[x.ID], "%s: node %s twice", n.name, x.ID)
			ids[x.ID] = true
		}
		for _, e := range n.v.Edges {
			assert.True(t, ids[e.From.ID] && ids[e.To.ID], "%s: edge %s-%s leaves the nodes", n.name, e.From.ID, e.To.ID)
		}
	}
	assert.False(t, res.Full.Truncated)
	assert.True(t, res.Cut.Truncated)
	assert.Len(t, res.Cut.Nodes, 5)
	assert.Greater(t, len(res.Full.Nodes), 5)
	assert.Equal(t, "U3RhdGU6dXpiZWtpc3Rhbg", res.Full.Nodes[0].ID, "the centre comes first")
}
