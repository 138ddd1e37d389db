package seed

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadWith loads a seed set of one file besides the valid test seeds, with the default limits
// or the ones given.
func loadWith(t *testing.T, name, content string, limits ...Limits) error {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir("testdata/valid")
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile("testdata/valid/" + e.Name())
		require.NoError(t, err)
		fsys[e.Name()] = &fstest.MapFile{Data: data}
	}
	fsys[name] = &fstest.MapFile{Data: []byte(content)}
	l := DefaultLimits()
	if len(limits) > 0 {
		l = limits[0]
	}
	_, err = LoadWith(fsys, "seeds", l)
	return err
}

func TestLimitsRefuseBeforeParsing(t *testing.T) {
	deepBlock := ""
	for i := range 40 {
		deepBlock += strings.Repeat("  ", i) + fmt.Sprintf("k%d:\n", i)
	}
	cases := []struct {
		name, content, want string
	}{
		{"flow brackets", "states:\n  - " + strings.Repeat("[", 100_000), "seeds/extra.yaml:2: collections nest more than 32 levels deep"},
		{"flow braces", "states: " + strings.Repeat("{a: ", 50), "seeds/extra.yaml:1: collections nest more than 32 levels deep"},
		{"indentation", deepBlock, "seeds/extra.yaml:33: collections nest more than 32 levels deep"},
		{"dashes", "states:\n" + strings.Repeat("- ", 40) + "x\n", "seeds/extra.yaml:2: collections nest more than 32 levels deep"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := loadWith(t, "extra.yaml", c.content)
			var problems Problems
			require.ErrorAs(t, err, &problems)
			require.Len(t, problems, 1, "%v", problems)
			assert.Equal(t, c.want, problems[0].String())
		})
	}
}

func TestLimitsAdmitBracketsInTextAndBlockScalars(t *testing.T) {
	text := `# a comment with [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
notes:
  - plain: see [1] and {2}, it's [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
    double: "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ \" [["
    single: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ '' [['
    block: |
      [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
      {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{
    folded: >-
      [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
    flow: [a, [b, {c: d}], "]]]]"]
`
	assert.Nil(t, checkDepth([]byte(text), "x.yaml", DefaultMaxDepth))
}

func TestLimitsRefuseALargeFileUnread(t *testing.T) {
	err := loadWith(t, "extra.yaml", "states: []\n"+strings.Repeat("# filler\n", 200), Limits{MaxFileBytes: 1000, MaxDepth: DefaultMaxDepth})
	var problems Problems
	require.ErrorAs(t, err, &problems)
	assert.Contains(t, problems.Error(), "seeds/extra.yaml:1: the file holds 1811 bytes, more than the limit of 1000")
}
