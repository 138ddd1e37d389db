package graph_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nested walks organizations → members → member → citations, and further into each
// member's own memberships and each event's participants, so that every level is a child
// list of a list.
const nested = `{
  organizations(first: 50) {
    totalCount
    nodes {
      slug
      members {
        role
        start { iso }
        member { name ... on State { iso2 memberships { organization { slug } } } }
        citations { number title }
        source { section { key } citations { number } }
      }
      events(first: 5) { totalCount nodes { slug participants { slug } citations { number } } }
    }
  }
}`

// TestStatementsDoNotGrowWithData runs the same nested query on the curated seeds and on a
// graph ten times larger, and checks that the number of SQL statements is the same while the
// answer is really larger. (TestAnalysisStatementsDoNotGrow compares the curated seeds with
// the whole graph.)
func TestStatementsDoNotGrowWithData(t *testing.T) {
	type result struct {
		Organizations struct {
			TotalCount int
			Nodes      []struct {
				Members []struct {
					Citations []struct{ Number int }
				}
			}
		}
	}
	count := func(a *api) (int64, int, int) {
		r := a.do(t, nested, nil)
		require.Empty(t, r.Errors, "%s", r.Raw)
		var res result
		require.NoError(t, jsonUnmarshal(r.Data, &res))
		stints := 0
		for _, o := range res.Organizations.Nodes {
			stints += len(o.Members)
		}
		return r.Statements, len(res.Organizations.Nodes), stints
	}
	small, smallOrgs, smallStints := count(curated(t))
	big, bigOrgs, bigStints := count(tenfold(t))

	assert.Greater(t, bigOrgs, smallOrgs, "the larger graph must return more organizations")
	assert.Greater(t, bigStints, smallStints, "the larger graph must return more stints")
	assert.Equal(t, small, big, "SQL statements: %d on the seeds, %d on ten times the data", small, big)
	assert.LessOrEqual(t, small, int64(20), "the nested query should take a handful of statements")
	t.Logf("statements per request: %d (seeds: %d organizations, %d stints; x10: %d organizations, %d stints)",
		small, smallOrgs, smallStints, bigOrgs, bigStints)
}
