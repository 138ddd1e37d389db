package graph_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden answers in testdata/ from the current output")

// TestGolden runs every testdata/NAME.graphql, and every example query of
// examples/queries/, against the real seeds and compares the whole response with NAME.json
// beside it. Variables, when needed, are in NAME.vars.json. Run with -update to rewrite the
// answers, then read the diff before committing it.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.graphql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	examples, err := filepath.Glob("../examples/queries/*.graphql")
	require.NoError(t, err)
	require.NotEmpty(t, examples)
	files = append(files, examples...)
	a := real(t)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".graphql")
		if strings.HasPrefix(f, "../examples") {
			name = "examples/" + name
		}
		t.Run(name, func(t *testing.T) {
			query, err := os.ReadFile(f)
			require.NoError(t, err)
			var vars map[string]any
			if b, err := os.ReadFile(strings.TrimSuffix(f, ".graphql") + ".vars.json"); err == nil {
				require.NoError(t, json.Unmarshal(b, &vars))
			}
			r := a.do(t, string(query), vars)
			var pretty bytes.Buffer
			require.NoError(t, json.Indent(&pretty, r.Raw, "", "  "))
			pretty.WriteByte('\n')
			golden := strings.TrimSuffix(f, ".graphql") + ".json"
			if *update {
				require.NoError(t, os.WriteFile(golden, pretty.Bytes(), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden answer: run go test ./graph -run TestGolden -update and review it")
			require.Equal(t, string(want), pretty.String())
		})
	}
}
