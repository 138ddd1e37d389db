package seed_test

import (
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
)

// datasetSeeds is a small seed set with a curated text, a COW-format dataset (the importer's
// own valid fixture) and states.yaml / memberships.yaml as given.
func datasetSeeds(t *testing.T, states, memberships string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{
		"documents.yaml": {Data: []byte(`documents:
  - slug: text
    title: A text
    sections:
      - {key: body, title: Body}
  - slug: cow
    title: A dataset
    dataset: {format: cow-igo, folder: cow}
    sections:
      - {key: states, title: states, kind: TABLE}
      - {key: igos, title: igos, kind: TABLE}
      - {key: state-igo-year, title: state-igo-year, kind: TABLE}
      - {key: country-codes, title: country codes, kind: TABLE}
      - {key: igo-years-imputed, title: imputed, kind: TABLE}
`)},
		"organizations.yaml": {Data: []byte(`organizations:
  - slug: alpha
    name: Alpha
    cowKey: AAA
    source: {document: text, section: body}
`)},
		"states.yaml":      {Data: []byte(states)},
		"memberships.yaml": {Data: []byte(memberships)},
	}
	dir := "../cow/testdata/valid"
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(path.Join(dir, e.Name()))
		require.NoError(t, err)
		fsys["cow/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	return fsys
}

const russia = `states:
  - slug: russia
    name: Russia
    iso2: RU
    iso3: RUS
    cowCode: 365
    recognition: UN_MEMBER
    source: {document: text, section: body}
`

func TestDatasetMergesWithTheCuratedSeeds(t *testing.T) {
	g, err := seed.Load(datasetSeeds(t, russia, `memberships:
  - slug: russia-alpha
    member: russia
    organization: alpha
    role: MEMBER
    start: "1955-03-01"
    end: "1962"
    source: {document: text, section: body}
`), "x")
	require.NoError(t, err)

	var russias []*kg.State
	for _, s := range g.States {
		if s.CowCode != nil && *s.CowCode == 365 {
			russias = append(russias, s)
		}
	}
	require.Len(t, russias, 1, "one Russia, not two")
	ru := russias[0]
	assert.Equal(t, "russia", ru.Slug, "the curated slug is kept")
	assert.Equal(t, "RUS", *ru.CowAbbreviation)
	require.Len(t, ru.Sources, 2)
	assert.Equal(t, "text", ru.Sources[0].DocumentSlug)
	assert.Equal(t, "cow", ru.Sources[1].DocumentSlug)
	assert.NotEmpty(t, ru.SystemMembership)

	var alpha *kg.Organization
	for _, o := range g.Organizations {
		if o.Slug == "alpha" {
			alpha = o
		}
	}
	require.NotNil(t, alpha)
	assert.Equal(t, "AAA", *alpha.CowKey)
	assert.Equal(t, []kg.OrganizationPurpose{kg.PurposePolitical}, alpha.Purposes)

	byslug := map[string]*kg.Membership{}
	for _, m := range g.Memberships {
		byslug[m.Slug] = m
	}
	m := byslug["russia-alpha"]
	require.NotNil(t, m)
	require.Len(t, m.Claims, 2, "the curated stint holds the dataset's matching stint as a second claim")
	assert.Equal(t, "text", m.Claims[0].Source.DocumentSlug, "a day is more precise than a year")
	assert.Equal(t, "1955", m.Claims[1].Start.ISO())
	assert.Equal(t, "1962", m.Claims[1].End.ISO())
	require.NotNil(t, m.Claims[1].Years)
	assert.Equal(t, 8, *m.Claims[1].Years)
	assert.False(t, m.Disputed, "1955-03-01 lies in 1955 and both end in 1962")

	// The dataset's other Russian stints in AAA stand alone, each with one claim.
	require.NotNil(t, byslug["cow-aaa-365-1964"])
	assert.Len(t, byslug["cow-aaa-365-1964"].Claims, 1)
	assert.Equal(t, kg.RoleObserver, byslug["cow-aaa-365-1967"].Role)
}

func TestDatasetProblemsNameTheirPlace(t *testing.T) {
	for _, tc := range []struct {
		name   string
		states string
		want   string
	}{
		{
			name: "a COW code the dataset does not have",
			states: `states:
  - slug: nowhere
    name: Nowhere
    cowCode: 999
    recognition: UNRECOGNIZED
`,
			want: "states.yaml:4: cowCode: 999 is not a state of cow",
		},
		{
			name: "a state the dataset also lists, without its COW code",
			states: `states:
  - slug: russia
    name: Russia
    iso3: RUS
    recognition: UN_MEMBER
`,
			want: "states.yaml:2: state russia has ISO code RUS, which cow gives to COW code 365 (Russia): add cowCode: 365 so that they are one state",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := seed.Load(datasetSeeds(t, tc.states, "memberships: []\n"), "")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	t.Run("a broken dataset row", func(t *testing.T) {
		fsys := datasetSeeds(t, russia, "memberships: []\n")
		fsys["cow/igos.csv"] = &fstest.MapFile{Data: []byte(
			`"ioname","orgname","longorgname","ionum","sdate","deaddate","dead","integrated","replaced","political","social","economic","accuracyofpre1965membershipdates","sourcesandnotes"
"AAA","Alpha","Alpha Organization (AAA)",ten,1950,,0,0,0,1,0,0,"Within 5 years",""
`)}
		_, err := seed.Load(fsys, "seeds")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "seeds/cow/igos.csv:2:")
	})
}

func TestDatasetNamesLosingTheirAccentsAreRepaired(t *testing.T) {
	fsys := datasetSeeds(t, russia, "memberships: []\n")
	igos := string(fsys["cow/igos.csv"].Data)
	fsys["cow/igos.csv"] = &fstest.MapFile{Data: []byte(strings.Replace(igos, "Alpha Organization (AAA)", "Communaut\u008e Alpha (AAA)", 1))}
	g, err := seed.Load(fsys, "seeds")
	require.NoError(t, err)
	for _, o := range g.Organizations {
		if o.CowKey != nil && *o.CowKey == "AAA" {
			assert.Equal(t, "Communauté Alpha (AAA)", *o.LongName)
		}
	}
	require.NotEmpty(t, g.Notices)
	assert.Contains(t, strings.Join(g.Notices, "\n"), `seeds/cow/igos.csv:2: IGO AAA: "Communaut\u008e Alpha (AAA)" read as "Communauté Alpha (AAA)"`)
}
