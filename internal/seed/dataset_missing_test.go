package seed_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
)

// putRows replaces the dataset's state_igo_year with the given rows.
func putRows(t *testing.T, fsys fstest.MapFS, rows ...string) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte("ioname,ccode,year,status\n" + strings.Join(rows, "")))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	fsys["cow/state_igo_year.csv.gz"] = &fstest.MapFile{Data: b.Bytes()}
}

// yearRows writes rows of one IGO and state for the years a..b with status st.
func yearRows(igo string, state, a, b, st int) string {
	var sb strings.Builder
	for y := a; y <= b; y++ {
		fmt.Fprintf(&sb, "%s,%d,%d,%d\n", igo, state, y, st)
	}
	return sb.String()
}

// setYearAccuracy gives the IGO-years a..b of key the accuracy acc in igo_years.csv.
func setYearAccuracy(fsys fstest.MapFS, key string, a, b int, acc string) {
	lines := strings.Split(string(fsys["cow/igo_years.csv"].Data), "\n")
	for i, l := range lines {
		for y := a; y <= b; y++ {
			if strings.HasPrefix(l, fmt.Sprintf("%q,%d,", key, y)) {
				f := strings.SplitN(l, ",", 4)
				lines[i] = strings.Join(f[:3], ",") + "," + fmt.Sprintf("%q", acc)
			}
		}
	}
	fsys["cow/igo_years.csv"] = &fstest.MapFile{Data: []byte(strings.Join(lines, "\n"))}
}

func membershipBySlug(t *testing.T, g *kg.Graph, slug string) *kg.Membership {
	t.Helper()
	for _, m := range g.Memberships {
		if m.Slug == slug {
			return m
		}
	}
	t.Fatalf("no membership %s", slug)
	return nil
}

// A stint with missing years (COW's -9) carries them in its claim, its start and end
// ranges reach over the missing years next to them, and missing years in no stint become
// the graph's unknowns, sourced to the state-igo-year section.
func TestDatasetMissingYears(t *testing.T) {
	fsys := datasetSeeds(t, russia, "memberships: []\n")
	putRows(t, fsys,
		yearRows("AAA", 2, 1970, 1975, 1), yearRows("AAA", 2, 1976, 1977, -9),
		yearRows("AAA", 2, 1978, 2010, 1), yearRows("AAA", 2, 2011, 2014, -9),
		yearRows("AAA", 255, 1995, 1999, -9),
		yearRows("AAA", 365, 1970, 1973, -9), yearRows("AAA", 365, 1974, 1990, 3), yearRows("AAA", 365, 1991, 1992, -9),
	)
	g, err := seed.Load(fsys, "seeds")
	require.NoError(t, err)

	usa := membershipBySlug(t, g, "cow-aaa-2-1970")
	require.Len(t, usa.Claims, 1)
	c := usa.Claims[0]
	assert.Equal(t, "1970", c.Start.ISO())
	assert.Nil(t, c.End, "followed only by missing years up to the data's end: open")
	assert.Nil(t, c.StartRange)
	assert.Equal(t, []int{1976, 1977, 2011, 2012, 2013, 2014}, c.UnknownYears)
	assert.Equal(t, 39, *c.Years)
	assert.Nil(t, c.Accuracy, "from 1965 on every year was observed")
	assert.Equal(t, kg.Possible, *usa.Covers(kg.PartialDate{Year: 1976}), "a year without data")
	assert.Equal(t, kg.Known, *usa.Covers(kg.PartialDate{Year: 1980}))
	assert.Equal(t, kg.Possible, *usa.Covers(kg.PartialDate{Year: 2012}))

	ru := membershipBySlug(t, g, "cow-aaa-365-1974")
	require.Len(t, ru.Claims, 1)
	c = ru.Claims[0]
	assert.Equal(t, kg.RoleObserver, c.Role)
	assert.Equal(t, &kg.YearRange{Earliest: 1970, Latest: 1974}, c.StartRange)
	require.NotNil(t, c.End)
	assert.Equal(t, "1990", c.End.ISO())
	assert.Equal(t, &kg.YearRange{Earliest: 1990, Latest: 1992}, c.EndRange)
	assert.Equal(t, []int{1970, 1971, 1972, 1973, 1991, 1992}, c.UnknownYears)
	assert.Equal(t, kg.Possible, *ru.Covers(kg.PartialDate{Year: 1971}))
	assert.Equal(t, kg.Possible, *ru.Covers(kg.PartialDate{Year: 1992}))
	assert.Nil(t, ru.Covers(kg.PartialDate{Year: 1993}))

	require.Len(t, g.Unknowns, 1)
	u := g.Unknowns[0]
	assert.Equal(t, "germany", u.MemberSlug)
	assert.Equal(t, "alpha", u.OrganizationSlug)
	assert.Equal(t, []int{1995, 1996, 1997, 1998, 1999}, u.Years)
	assert.Equal(t, "cow", u.Source.DocumentSlug)
	assert.Equal(t, "state-igo-year", u.Source.SectionKey)
}

// A claim's accuracy is that of the boundary year it concerns: the start year's, or the end
// year's when the start is exact and the end approximate; not the organization's last-year
// value. Here AAA's years 1950-1954 are "Completely accurate", its later ones "Within 5
// years" (as igos.csv says of the whole IGO).
func TestDatasetClaimAccuracyIsThatOfItsBoundaryYear(t *testing.T) {
	fsys := datasetSeeds(t, russia, "memberships: []\n")
	setYearAccuracy(fsys, "AAA", 1950, 1954, "Completely accurate")
	putRows(t, fsys,
		yearRows("AAA", 2, 1952, 1954, 1),   // both ends accurate
		yearRows("AAA", 2, 1956, 1970, 3),   // approximate start
		yearRows("AAA", 365, 1952, 1957, 1), // accurate start, approximate end
	)
	g, err := seed.Load(fsys, "seeds")
	require.NoError(t, err)
	for _, tc := range []struct {
		slug     string
		accuracy string
		start    *kg.YearRange
		end      *kg.YearRange
	}{
		{"cow-aaa-2-1952", "Completely accurate", nil, nil},
		{"cow-aaa-2-1956", "Within 5 years", &kg.YearRange{Earliest: 1951, Latest: 1961}, nil},
		{"cow-aaa-365-1952", "Within 5 years", nil, &kg.YearRange{Earliest: 1952, Latest: 1962}},
	} {
		c := membershipBySlug(t, g, tc.slug).Claims[0]
		require.NotNil(t, c.Accuracy, tc.slug)
		assert.Equal(t, tc.accuracy, *c.Accuracy, tc.slug)
		assert.Equal(t, tc.start, c.StartRange, tc.slug)
		assert.Equal(t, tc.end, c.EndRange, tc.slug)
	}
	for _, o := range g.Organizations {
		if o.Slug == "alpha" {
			assert.Equal(t, "Within 5 years", *o.MembershipDateAccuracy, "the organization keeps igos.csv's value")
		}
	}
}
