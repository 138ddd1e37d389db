package workload

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFreshBodyAliasesTheFirstRootField(t *testing.T) {
	q := Query{Text: "query ($slug: String!) {\n  organization(slug: $slug) { name }\n}", Vars: map[string]any{"slug": "csto"}}
	var body struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	require.NoError(t, json.Unmarshal(q.FreshBody(7), &body))
	assert.Equal(t, "query ($slug: String!) { r7: \n  organization(slug: $slug) { name }\n}", body.Query)
	assert.Equal(t, q.Vars, body.Variables)
	assert.NotEqual(t, q.FreshBody(7), q.FreshBody(8))
}

func TestObjectsCountsTheObjectsOfData(t *testing.T) {
	n, err := Objects([]byte(`{"data":{"a":{"b":[{"c":1},{"c":2,"d":{"e":null}}],"f":[1,2]}},"extensions":{"x":{}}}`))
	require.NoError(t, err)
	assert.Equal(t, 5, n) // data, a, two list elements, d
	_, err = Objects([]byte(`not json`))
	assert.Error(t, err)
}

// FreshBodies writes the body json.Marshal would for the query under the alias r<n>.
func TestFreshBodiesAreWhatMarshalWrites(t *testing.T) {
	for _, q := range Canonical() {
		bodies := q.FreshBodies()
		for _, n := range []int{0, 7, 123456} {
			text := q.Text
			i := strings.IndexByte(text, '{')
			text = text[:i+1] + fmt.Sprintf(" r%d: ", n) + text[i+1:]
			want, err := json.Marshal(map[string]any{"query": text, "variables": q.Vars})
			if err != nil {
				t.Fatal(err)
			}
			if got := bodies(n); string(got) != string(want) {
				t.Errorf("%s, alias %d:\n got %s\nwant %s", q.Name, n, got, want)
			}
		}
	}
}
