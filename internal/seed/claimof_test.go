package seed_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
)

// claimSeeds is a text that observes up to 2020-02-18 and two web pages read on 2026-12-06,
// each observing up to its own date, that give their own accounts of the text's stints.
const claimSeeds = `documents:
  - slug: article
    title: An article
    coversUntil: "2020-02-18"
    sections: [{key: diagram, title: Diagram, kind: FIGURE}, {key: table, title: Table, kind: TABLE}]
  - slug: accession-news
    title: Kyrgyzstan joins the union
    publisher: A news agency
    url: https://example.org/news/1
    published: "2015-08-06"
    accessed: "2026-12-06"
    coversUntil: "2015-08-06"
    sections: [{key: body, title: Body}]
  - slug: summit-news
    title: The union's summit
    publisher: A news agency
    url: https://example.org/news/2
    published: "2025-06-27"
    accessed: "2026-12-06"
    coversUntil: "2025-06-27"
    sections: [{key: body, title: Body}]
states:
  - {slug: kyrgyzstan, name: Kyrgyzstan, recognition: UN_MEMBER}
  - {slug: armenia, name: Armenia, recognition: UN_MEMBER}
organizations:
  - {slug: eaeu, name: Eurasian Economic Union, founded: "2015-01-01"}
  - {slug: csto, name: CSTO}
memberships:
  - slug: kyrgyzstan-eaeu
    member: kyrgyzstan
    organization: eaeu
    role: MEMBER
    roleStated: false
    note: Drawn inside the union, undated.
    source: {document: article, section: diagram}
  - slug: kyrgyzstan-eaeu-summit
    member: kyrgyzstan
    organization: eaeu
    role: MEMBER
    note: Its president took part in the summit.
    claimOf: kyrgyzstan-eaeu
    source: {document: summit-news, section: body}
  - slug: kyrgyzstan-eaeu-accession
    member: kyrgyzstan
    organization: eaeu
    role: MEMBER
    start: "2015-08-06"
    claimOf: kyrgyzstan-eaeu
    source: {document: accession-news, section: body}
  - slug: armenia-csto
    member: armenia
    organization: csto
    role: MEMBER
    start: "1994"
    source: {document: article, section: table}
  - slug: armenia-csto-summit
    member: armenia
    organization: csto
    role: OBSERVER
    start: "2002"
    claimOf: armenia-csto
    explanations:
      START: The news item counts from the Organization.
    source: {document: summit-news, section: body}
`

func TestClaimOfMakesOneStintOfSeveralDocuments(t *testing.T) {
	g, err := seed.Load(fstest.MapFS{"seed.yaml": {Data: []byte(claimSeeds)}}, "x")
	require.NoError(t, err)
	require.Len(t, g.Memberships, 2, "a claim record is no stint of its own")

	news := g.Documents[1]
	require.NotNil(t, news.Accessed, "a page records the day it was read")
	assert.Equal(t, "2026-12-06", news.Accessed.ISO())
	assert.Equal(t, "2015-08-06", news.Published.ISO())
	assert.Nil(t, g.Documents[0].Accessed)

	byslug := map[string]*kg.Membership{}
	for _, m := range g.Memberships {
		byslug[m.Slug] = m
	}
	kg1 := byslug["kyrgyzstan-eaeu"]
	require.NotNil(t, kg1)
	require.Len(t, kg1.Claims, 3, "the stint's own record and one claim per claim record")
	assert.Equal(t, "accession-news", kg1.Claims[0].Source.DocumentSlug, "a dated start is preferred to none")
	assert.Equal(t, "article", kg1.Claims[1].Source.DocumentSlug, "then the documents keep the order of the records")
	assert.Equal(t, "summit-news", kg1.Claims[2].Source.DocumentSlug)
	assert.Equal(t, "2015-08-06", kg1.Start.ISO(), "the stint's own dates are the preferred claim's")
	assert.Equal(t, "accession-news", kg1.Source.DocumentSlug)
	assert.Equal(t, "Drawn inside the union, undated.", *kg1.Note, "the stint keeps its own record's note")
	assert.False(t, kg1.Disputed, "an undated start and an unstated role dispute nothing")

	// Each claim carries its own document's horizon, and an undated start the founding bound.
	claim := func(m *kg.Membership, doc string) *kg.MembershipClaim {
		c := m.Claim(doc)
		require.NotNil(t, c, doc)
		return c
	}
	assert.Equal(t, "2020-02-18", claim(kg1, "article").AsOf.ISO())
	assert.Equal(t, "2015-08-06", claim(kg1, "accession-news").AsOf.ISO())
	summit := claim(kg1, "summit-news")
	assert.Equal(t, "2025-06-27", summit.AsOf.ISO())
	require.NotNil(t, summit.StartBounds)
	assert.Equal(t, "2015-01-01", summit.StartBounds.NotBefore.ISO(), "no claim starts before its organization")
	assert.Equal(t, "Its president took part in the summit.", *summit.Note)
	assert.Nil(t, claim(kg1, "accession-news").StartBounds, "a dated start needs no bound")

	// The later document carries the stint past the text's horizon.
	assert.Equal(t, kg.Known, *kg1.Covers(kg.PartialDate{Year: 2025, Month: 6}))
	assert.Equal(t, kg.Possible, *kg1.Covers(kg.PartialDate{Year: 2026}), "still so when the last page looked, unknown after")
	assert.Nil(t, kg1.Covers(kg.PartialDate{Year: 2015, Month: 7}), "the undated claims do not contradict the dated start, which stands")
	assert.Nil(t, kg1.Covers(kg.PartialDate{Year: 2014}), "nor is anything before the union's founding")

	// A claim may state another role and another start: the stint is disputed, and the
	// claim record's explanation joins the stint.
	am := byslug["armenia-csto"]
	require.Len(t, am.Claims, 2)
	assert.True(t, am.Disputed)
	assert.Len(t, am.Disputes, 2)
	assert.Equal(t, kg.AspectRole, am.Disputes[0].Aspect)
	assert.Equal(t, kg.AspectStart, am.Disputes[1].Aspect)
	require.NotNil(t, am.Disputes[1].Explanation)
	assert.Equal(t, "The news item counts from the Organization.", *am.Disputes[1].Explanation)
	assert.Equal(t, "article", am.Source.DocumentSlug, "among equal precisions the stint's own record comes first")
}

// A stint with a second curated claim is paired with a dataset's stint as any other; the
// dataset's claim keeps its own horizon, the page's claim gets the page's.
func TestClaimOfStintsPairWithADataset(t *testing.T) {
	fsys := datasetSeeds(t, russia, `memberships:
  - slug: russia-alpha
    member: russia
    organization: alpha
    role: MEMBER
    start: "1955-03-01"
    end: "1962"
    source: {document: text, section: body}
  - slug: russia-alpha-page
    member: russia
    organization: alpha
    role: MEMBER
    end: "1962-07"
    claimOf: russia-alpha
    source: {document: page, section: body}
`)
	docs := string(fsys["documents.yaml"].Data)
	docs = strings.Replace(docs, "documents:\n", `documents:
  - slug: page
    title: A page
    published: "2001"
    accessed: "2026-12-06"
    coversUntil: "2001"
    sections:
      - {key: body, title: Body}
`, 1)
	fsys["documents.yaml"] = &fstest.MapFile{Data: []byte(docs)}
	g, err := seed.Load(fsys, "x")
	require.NoError(t, err)
	var m *kg.Membership
	for _, s := range g.Memberships {
		if s.Slug == "russia-alpha" {
			m = s
		}
	}
	require.NotNil(t, m)
	require.Len(t, m.Claims, 3)
	assert.Equal(t, []string{"text", "cow", "page"}, []string{m.Claims[0].Source.DocumentSlug, m.Claims[1].Source.DocumentSlug, m.Claims[2].Source.DocumentSlug},
		"the most precise start first: a day, a year, none")
	assert.Equal(t, "2014", m.Claim("cow").AsOf.ISO(), "the dataset's claim keeps its own horizon")
	assert.Equal(t, "2001", m.Claim("page").AsOf.ISO())
	require.NotNil(t, m.Claim("page").StartBounds, "the page's undated start is bounded by alpha's founding, which only the dataset gives")
	assert.Equal(t, "1950", m.Claim("page").StartBounds.NotBefore.ISO())
	assert.False(t, m.Disputed, "1962-07 lies in 1962")
}
