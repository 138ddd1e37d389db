package graph

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/graph/model"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

func intP(n int) *int { return &n }

func year(y int) *kg.Date { return &kg.Date{PartialDate: kg.PartialDate{Year: y}} }

func TestMembershipCountQuery(t *testing.T) {
	all := []model.MembershipGroupBy{model.MembershipGroupByYear, model.MembershipGroupByOrganization,
		model.MembershipGroupByMember, model.MembershipGroupByRole}
	for _, tc := range []struct {
		name     string
		groupBy  []model.MembershipGroupBy
		from, to *kg.Date
		want     sqlite.MembershipCountQuery
		err      string
	}{
		{name: "no groups", err: "membershipCounts: groupBy needs YEAR, ORGANIZATION, MEMBER and/or ROLE"},
		{name: "role", groupBy: []model.MembershipGroupBy{model.MembershipGroupByRole}, want: sqlite.MembershipCountQuery{ByRole: true}},
		{name: "every group", groupBy: all, from: year(1990), to: year(2000),
			want: sqlite.MembershipCountQuery{ByYear: true, ByOrganization: true, ByMember: true, ByRole: true, From: 1990, To: 2000}},
		{name: "one year", groupBy: all[:1], from: year(1991), to: year(1991), want: sqlite.MembershipCountQuery{ByYear: true, From: 1991, To: 1991}},
		{name: "year without to", groupBy: all[:1], from: year(1990),
			err: "membershipCounts: groupBy YEAR needs from and to (the first and last year to count)"},
		{name: "from without year", groupBy: all[1:2], from: year(1990),
			err: "membershipCounts: from and to bound the years of groupBy YEAR; to keep stints of a period, use filter: {during: ...}"},
		{name: "to before from", groupBy: all[:1], from: year(2000), to: year(1990),
			err: "membershipCounts: to (1990) is before from (2000)"},
		{name: "too many years", groupBy: all[:1], from: year(1700), to: year(2000),
			err: "membershipCounts: from 1700 to 2000 spans more than 300 years"},
		{name: "most years", groupBy: all[:1], from: year(1701), to: year(2000), want: sqlite.MembershipCountQuery{ByYear: true, From: 1701, To: 2000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := membershipCountQuery(tc.groupBy, nil, tc.from, tc.to)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, q)
		})
	}
}

func TestNeighborhoodArgs(t *testing.T) {
	for _, tc := range []struct {
		name            string
		depth, maxNodes *int
		d, limit        int
		err             string
	}{
		{name: "defaults", d: DefaultDepth, limit: DefaultMaxNodes},
		{name: "bounds", depth: intP(MaxDepth), maxNodes: intP(MaxMaxNodes), d: MaxDepth, limit: MaxMaxNodes},
		{name: "least", depth: intP(1), maxNodes: intP(1), d: 1, limit: 1},
		{name: "depth 0", depth: intP(0), err: "neighborhood: depth must be between 1 and 3, got 0"},
		{name: "depth too deep", depth: intP(MaxDepth + 1), err: "neighborhood: depth must be between 1 and 3, got 4"},
		{name: "maxNodes 0", maxNodes: intP(0), err: "neighborhood: maxNodes must be between 1 and 1000, got 0"},
		{name: "both wrong", depth: intP(0), maxNodes: intP(0), err: "neighborhood: depth must be between 1 and 3, got 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, limit, err := neighborhoodArgs(tc.depth, tc.maxNodes)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, [2]int{tc.d, tc.limit}, [2]int{d, limit})
		})
	}
}

func TestHopsArg(t *testing.T) {
	for _, tc := range []struct {
		name    string
		maxHops *int
		want    int
		err     string
	}{
		{name: "default", want: DefaultHops},
		{name: "one", maxHops: intP(1), want: 1},
		{name: "most", maxHops: intP(MaxHops), want: MaxHops},
		{name: "zero", maxHops: intP(0), err: "maxHops must be between 1 and 6, got 0"},
		{name: "too many", maxHops: intP(MaxHops + 1), err: "maxHops must be between 1 and 6, got 7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hops, err := hopsArg(tc.maxHops)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, hops)
		})
	}
}
