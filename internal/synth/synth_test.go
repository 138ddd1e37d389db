package synth_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/synth"
)

func realSeeds(t *testing.T) *kg.Graph {
	t.Helper()
	g, err := seed.LoadCurated(os.DirFS("../../seeds"), "seeds")
	require.NoError(t, err)
	return g
}

func counts(g *kg.Graph) map[string]int {
	return map[string]int{
		"documents": len(g.Documents), "citations": len(g.Citations), "states": len(g.States),
		"organizations": len(g.Organizations), "places": len(g.Places), "people": len(g.People),
		"positions": len(g.Positions), "memberships": len(g.Memberships), "events": len(g.Events),
		"quotes": len(g.Quotes), "figures": len(g.Figures), "provisions": len(g.Provisions),
	}
}

// generate writes the real seeds scaled n times with the given rand seed into a new
// directory and returns it.
func generate(t *testing.T, g *kg.Graph, n int, rand uint64) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, synth.WriteSeeds(synth.ScaleRand(g, n, rand), dir))
	return dir
}

func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range synth.SeedFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		out[name] = string(b)
	}
	return out
}

// TestGeneratedSeedsAreValid checks that a generated seed set passes the seed validator with
// three times the records of the real one, and reads back as the graph it was written from.
func TestGeneratedSeedsAreValid(t *testing.T) {
	g := realSeeds(t)
	dir := generate(t, g, 3, 7)

	got, err := seed.Load(os.DirFS(dir), dir)
	require.NoError(t, err, "the generated seeds must pass validation")
	want := counts(g)
	for k := range want {
		want[k] *= 3
	}
	assert.Equal(t, want, counts(got))

	scaled := synth.ScaleRand(g, 3, 7)
	scaled.Version = got.Version
	assert.Equal(t, scaled, got, "the files must read back as the graph they were written from")

	// The first copy is the real graph itself; the others have their own names and no ISO codes.
	assert.Equal(t, g.States[0].Name, got.States[0].Name)
	other := got.States[len(g.States)]
	assert.NotEqual(t, g.States[0].Name, other.Name)
	assert.Nil(t, other.Iso2)
	assert.Equal(t, g.States[0].Slug+"-c1", other.Slug)
}

// TestGenerateIsDeterministic checks that the same rand seed gives byte-identical files and
// another seed different ones.
func TestGenerateIsDeterministic(t *testing.T) {
	g := realSeeds(t)
	a, b := readAll(t, generate(t, g, 3, 42)), readAll(t, generate(t, g, 3, 42))
	assert.Equal(t, a, b, "the same -rand must give the same bytes")
	c := readAll(t, generate(t, g, 3, 43))
	assert.NotEqual(t, a["states.yaml"], c["states.yaml"], "another -rand must give other names")
}

// TestScaleKeepsShape checks that every copy has the same number of stints per actor and
// organization as the original, so that per-node answers do not grow with the copies.
func TestScaleKeepsShape(t *testing.T) {
	g := realSeeds(t)
	big := synth.ScaleRand(g, 5, 1)
	perOrg := map[string]int{}
	for _, m := range big.Memberships {
		perOrg[m.OrganizationSlug]++
	}
	for _, o := range g.Organizations {
		for i := 1; i < 5; i++ {
			assert.Equal(t, perOrg[o.Slug], perOrg[fmt.Sprintf("%s-c%d", o.Slug, i)], o.Slug)
		}
	}
	acronyms := map[string]bool{}
	for _, o := range big.Organizations {
		if o.Acronym != nil {
			assert.False(t, acronyms[*o.Acronym], "duplicate acronym %s", *o.Acronym)
			acronyms[*o.Acronym] = true
		}
	}
}

// TestTextsReadBackExactly checks that texts YAML could read as something else (booleans,
// numbers, null, dates, comments, keys, lines) are written so that they read back unchanged.
func TestTextsReadBackExactly(t *testing.T) {
	g := synth.Scale(realSeeds(t), 1)
	texts := []string{"NO", "yes", "off", "null", "~", "1994", "1994-05-15", "0x1F", "1e3", ".5", "-",
		"# not a comment", "a: b", "- item", "[1, 2]", "{x: y}", "&anchor", "*alias", "!tag", "|", ">",
		" leading space", "trailing space ", "two\nlines", "tab\there", `quote " and \ backslash`,
		"'single'", "Кыргызстан", "%directive", "@at", "`tick`", "emoji 🙂", "\u00a0nbsp"}
	require.GreaterOrEqual(t, len(g.Memberships), len(texts))
	for i, s := range texts {
		g.Memberships[i].Note = &s
	}
	dir := t.TempDir()
	require.NoError(t, synth.WriteSeeds(g, dir))
	got, err := seed.Load(os.DirFS(dir), dir)
	require.NoError(t, err)
	for i, s := range texts {
		require.NotNil(t, got.Memberships[i].Note, "%q", s)
		assert.Equal(t, s, *got.Memberships[i].Note)
	}
}
