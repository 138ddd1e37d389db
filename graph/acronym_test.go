package graph_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAcronymsOfTheSources checks that an organization answers to the acronym its sources
// give when the curated seeds give none (the COW dataset's key, the Factbook's
// abbreviation), that the source of the acronym is among its sources, and that a curated
// acronym is kept.
func TestAcronymsOfTheSources(t *testing.T) {
	a := real(t)
	for _, tc := range []struct{ acronym, slug, source string }{
		{"UN", "united-nations", "cow-igo-v3"},
		{"un", "united-nations", "cow-igo-v3"},
		{"EAEU", "eaeu", "cia-world-factbook"},
		{"BA", "baltic-assembly", "cia-world-factbook"},
		{"BRICS", "brics", "cia-world-factbook"},
		{"CSTO", "csto", "csto-article"},
		{"KSOR", "csto-crrf", "csto-article"},
	} {
		var got struct {
			Organization *struct {
				Slug    string
				Acronym string
				Source  *struct{ Document struct{ Slug string } }
				Sources []struct{ Document struct{ Slug string } }
			}
		}
		a.data(t, `query ($a: String) { organization(acronym: $a) { slug acronym source { document { slug } } sources { document { slug } } } }`, map[string]any{"a": tc.acronym}, &got)
		require.NotNil(t, got.Organization, tc.acronym)
		assert.Equal(t, tc.slug, got.Organization.Slug, tc.acronym)
		assert.Equal(t, strings.ToUpper(tc.acronym), got.Organization.Acronym, "the acronym as the source writes it")
		var docs []string
		if got.Organization.Source != nil {
			docs = append(docs, got.Organization.Source.Document.Slug)
		}
		for _, s := range got.Organization.Sources {
			docs = append(docs, s.Document.Slug)
		}
		assert.True(t, slices.Contains(docs, tc.source), "%s: the sources %v lack %s", tc.acronym, docs, tc.source)
	}
}

// TestSearchListsTheExactAcronymFirst checks that typing an acronym lists its organization
// first, as the explore page's search box asks, and a name that is the text itself too.
func TestSearchListsTheExactAcronymFirst(t *testing.T) {
	a := real(t)
	for _, tc := range []struct{ text, slug string }{
		{"UN", "united-nations"},
		{"un", "united-nations"},
		{"EU", "eu"},
		{"CIS", "cis"},
		{"Georgia", "georgia"},
		{"united nations", "united-nations"},
	} {
		var got struct {
			Search []struct {
				Score float64
				Node  struct{ Slug string }
			}
		}
		a.data(t, `query ($t: String!) { search(text: $t, kinds: [STATE, ORGANIZATION], first: 12) { score node { ... on State { slug } ... on Organization { slug } } } }`,
			map[string]any{"t": tc.text}, &got)
		require.NotEmpty(t, got.Search, tc.text)
		assert.Equal(t, tc.slug, got.Search[0].Node.Slug, tc.text)
		for i := 1; i < len(got.Search); i++ {
			assert.GreaterOrEqual(t, got.Search[i-1].Score, got.Search[i].Score, "%s: best first", tc.text)
		}
	}
}
