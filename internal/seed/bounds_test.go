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

// boundedSeeds is a text that observes up to 2020-02-18, with posts and stints whose dates it
// gives only as bounds, or not at all.
const boundedSeeds = `documents:
  - slug: doc
    title: Doc
    coversUntil: "2020-02-18"
    sections: [{key: lead, title: Lead}, {key: diagram, title: Diagram, kind: FIGURE}]
states:
  - {slug: armenia, name: Armenia, recognition: UN_MEMBER}
  - {slug: russia, name: Russia, recognition: UN_MEMBER}
  - {slug: turkmenistan, name: Turkmenistan, recognition: UN_MEMBER}
organizations:
  - {slug: csto, name: CSTO, founded: "1992-05-15"}
  - {slug: cis, name: CIS}
  - {slug: guam, name: GUAM, founded: "1997"}
people:
  - slug: putin
    name: Vladimir Putin
    positions:
      - slug: putin-president
        title: President
        of: russia
        startBounds: {notAfter: "2005"}
        endBounds: {notBefore: "2005", notAfter: "2010-04-25"}
        note: President at the 2005 invitation, former by April 2010.
        source: {document: doc, section: lead}
      - slug: putin-open
        title: Chairman
        of: csto
        start: "2019"
        source: {document: doc, section: lead}
memberships:
  - slug: armenia-csto
    member: armenia
    organization: csto
    role: MEMBER
    start: "1994"
    startBounds: {notBefore: "1992-05-15"}
    explanations:
      START: The other source counts from the organization.
      END: Not in dispute yet.
    source: {document: doc, section: lead}
  - slug: armenia-cis
    member: armenia
    organization: cis
    role: MEMBER
    startBounds: {notAfter: "1992-05-15"}
    source: {document: doc, section: lead}
  - slug: turkmenistan-cis
    member: turkmenistan
    organization: cis
    role: MEMBER
    roleStated: false
    source: {document: doc, section: diagram}
  - slug: armenia-guam
    member: armenia
    organization: guam
    role: OBSERVER
    startBounds: {notAfter: "2000"}
    endBounds: {}
    endReason: WITHDRAWN
    source: {document: doc, section: lead}
  - slug: russia-guam
    member: russia
    organization: guam
    role: OBSERVER
    source: {document: doc, section: diagram}
  - slug: turkmenistan-guam
    member: turkmenistan
    organization: guam
    role: OBSERVER
    startBounds: {notAfter: "1990"}
    source: {document: doc, section: lead}
`

func TestLoadBoundsAndHorizon(t *testing.T) {
	g, err := seed.Load(fstest.MapFS{"seed.yaml": {Data: []byte(boundedSeeds)}}, "x")
	require.NoError(t, err)
	horizon := kg.PartialDate{Year: 2020, Month: 2, Day: 18}
	require.NotNil(t, g.Documents[0].CoversUntil)
	assert.Equal(t, horizon, *g.Documents[0].CoversUntil)

	positions := map[string]*kg.Position{}
	for _, p := range g.Positions {
		positions[p.Slug] = p
	}
	putin := positions["putin-president"]
	assert.Nil(t, putin.Start)
	assert.Nil(t, putin.End)
	require.NotNil(t, putin.StartBounds)
	assert.Nil(t, putin.StartBounds.NotBefore)
	assert.Equal(t, "2005", putin.StartBounds.NotAfter.ISO())
	require.NotNil(t, putin.EndBounds)
	assert.Equal(t, "2005", putin.EndBounds.NotBefore.ISO())
	assert.Equal(t, "2010-04-25", putin.EndBounds.NotAfter.ISO())
	require.NotNil(t, putin.Note)
	assert.Contains(t, *putin.Note, "former by April 2010")
	require.NotNil(t, putin.AsOf, "every curated post gets its document's horizon")
	assert.Equal(t, horizon, *putin.AsOf)
	assert.Equal(t, kg.Known, *putin.Covers(kg.PartialDate{Year: 2005}), "held at some time in 2005")
	assert.Equal(t, kg.Possible, *putin.Covers(kg.PartialDate{Year: 2008}), "may have ended by 2008")
	assert.Nil(t, putin.Covers(kg.PartialDate{Year: 2011}), "former by April 2010")

	open := positions["putin-open"]
	assert.Nil(t, open.EndBounds)
	assert.Equal(t, kg.Known, *open.Covers(kg.PartialDate{Year: 2020, Month: 2}), "an open end is still so at the horizon")
	assert.Equal(t, kg.Possible, *open.Covers(kg.PartialDate{Year: 2021}), "and may be so later")

	stints := map[string]*kg.Membership{}
	for _, m := range g.Memberships {
		stints[m.Slug] = m
		require.NotNil(t, m.AsOf, "%s gets its document's horizon", m.Slug)
		assert.Equal(t, horizon, *m.AsOf)
		require.Len(t, m.Claims, 1)
		assert.Equal(t, m.AsOf, m.Claims[0].AsOf, "%s: its own claim carries the horizon", m.Slug)
		assert.Equal(t, m.StartBounds, m.Claims[0].StartBounds)
		assert.Equal(t, m.EndBounds, m.Claims[0].EndBounds)
		assert.Equal(t, m.RoleUnstated, m.Claims[0].RoleUnstated)
	}

	armenia := stints["armenia-csto"]
	assert.Equal(t, "1994", armenia.Start.ISO(), "bounds that contain the date are kept beside it")
	assert.Equal(t, "1992-05-15", armenia.StartBounds.NotBefore.ISO())
	assert.Equal(t, map[kg.DisagreementAspect]string{
		kg.AspectStart: "The other source counts from the organization.",
		kg.AspectEnd:   "Not in dispute yet.",
	}, armenia.Explanations)
	assert.False(t, armenia.RoleUnstated, "a role is stated unless the record says otherwise")

	// A stint with no start and no lower bound starts no earlier than its organization's
	// founding, when the graph has one; an upper bound the text sets is kept.
	cis := stints["armenia-cis"]
	require.NotNil(t, cis.StartBounds)
	assert.Nil(t, cis.StartBounds.NotBefore, "the CIS has no founding date here")
	assert.Equal(t, "1992-05-15", cis.StartBounds.NotAfter.ISO())
	assert.Nil(t, stints["turkmenistan-cis"].StartBounds)
	assert.True(t, stints["turkmenistan-cis"].RoleUnstated)

	guam := stints["armenia-guam"]
	require.NotNil(t, guam.StartBounds)
	assert.Equal(t, "1997", guam.StartBounds.NotBefore.ISO())
	assert.Equal(t, "2000", guam.StartBounds.NotAfter.ISO())
	require.NotNil(t, guam.EndBounds, "an empty endBounds says the end is unknown, not open")
	assert.Equal(t, kg.DateBounds{}, *guam.EndBounds)
	require.NotNil(t, guam.EndReason, "an undated end may have a reason")
	assert.Equal(t, kg.EndWithdrawn, *guam.EndReason)
	assert.Equal(t, kg.Possible, *guam.Covers(kg.PartialDate{Year: 2019}), "an unknown end may be after 2019, or not")
	assert.Nil(t, guam.Covers(kg.PartialDate{Year: 1996}), "not before GUAM's founding")

	undated := stints["russia-guam"]
	require.NotNil(t, undated.StartBounds)
	assert.Equal(t, &kg.DateBounds{NotBefore: &kg.PartialDate{Year: 1997}}, undated.StartBounds)
	assert.Equal(t, kg.Known, *undated.Covers(horizon), "in it when the document last looked")
	assert.Equal(t, kg.Possible, *undated.Covers(kg.PartialDate{Year: 2000}))

	// A founding after the text's own upper bound would leave no day: the text's bound stays
	// alone.
	early := stints["turkmenistan-guam"]
	assert.Equal(t, &kg.DateBounds{NotAfter: &kg.PartialDate{Year: 1990}}, early.StartBounds)
}

// A curated stint that a dataset's stint was paired with gets the horizon and the founding
// bound in its own claim too, the founding taken from the dataset when the text gives none.
func TestLoadBoundsReachTheOwnClaimOfAPairedStint(t *testing.T) {
	fsys := datasetSeeds(t, russia, `memberships:
  - slug: russia-alpha
    member: russia
    organization: alpha
    role: MEMBER
    startBounds: {notAfter: "1960"}
    note: Undated in the text.
    source: {document: text, section: body}
`)
	docs := string(fsys["documents.yaml"].Data)
	fsys["documents.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(docs, "    title: A text\n", "    title: A text\n    coversUntil: \"2001-06\"\n", 1))}
	g, err := seed.Load(fsys, "x")
	require.NoError(t, err)
	var m *kg.Membership
	for _, s := range g.Memberships {
		if s.Slug == "russia-alpha" {
			m = s
		}
	}
	require.NotNil(t, m)
	require.Len(t, m.Claims, 2, "paired with one of the dataset's stints")
	own := m.Claim("text")
	require.NotNil(t, own)
	require.NotNil(t, own.AsOf)
	assert.Equal(t, "2001-06", own.AsOf.ISO())
	require.NotNil(t, own.StartBounds)
	require.NotNil(t, own.StartBounds.NotBefore, "alpha's founding, which only the dataset gives")
	assert.Equal(t, "1950", own.StartBounds.NotBefore.ISO())
	assert.Equal(t, "1960", own.StartBounds.NotAfter.ISO())
	assert.Equal(t, "2014", m.Claim("cow").AsOf.ISO(), "the dataset's claim keeps its own horizon")
}
