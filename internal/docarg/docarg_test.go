package docarg

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/kg"
)

func TestCheck(t *testing.T) {
	few := []string{"cow-igo-v3", "csto-article"}
	many := []string{"cia-world-factbook", "cow-igo-v3", "csto-article", "qazinform-2025-11-27-csto", "tass-2025-09-01-sco-partners"}
	for i := range 40 {
		many = append(many, fmt.Sprintf("report-%02d", i))
	}
	for _, c := range []struct {
		slug string
		docs []string
		want string
	}{
		{"wiki", few, `source: no document has the slug "wiki" (documents: cow-igo-v3, csto-article)`},
		{"wiki", nil, `source: no document has the slug "wiki" (the graph holds no documents)`},
		{"wiki", many, `source: no document has the slug "wiki" (45 documents: the documents query lists them all)`},
		{"cow", many, `source: no document has the slug "cow": did you mean cow-igo-v3? (45 documents: the documents query lists them all)`},
		{"CSTO", many, `: did you mean csto-article or qazinform-2025-11-27-csto? (45`},
		{"factbook", many, `: did you mean cia-world-factbook?`},
		{"report-17b", many, `: did you mean report-17, report-10 or report-11?`},
		{"co", many, `source: no document has the slug "co" (45 documents`},
	} {
		err := Check("source", c.slug, c.docs)
		require.Error(t, err, c.slug)
		assert.Equal(t, kg.BadUserInput, kg.ErrorCode(err))
		assert.Contains(t, err.Error(), c.want)
	}
	assert.NoError(t, Check("source", "csto-article", many))
	assert.NoError(t, Check("source", "csto-article", few))
}

// TestCheckStaysShort checks that the error quotes a prefix of what was sent and names a few
// documents, however long the slug and however many the documents.
func TestCheckStaysShort(t *testing.T) {
	var docs []string
	for i := range 5000 {
		docs = append(docs, fmt.Sprintf("xxxxxxxx-report-%04d", i))
	}
	err := Check("sharedOrganizations: source", strings.Repeat("x", 5000), docs)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300, err.Error())
	assert.Contains(t, err.Error(), `"`+strings.Repeat("x", kg.DefaultQuotePrefix)+`"…`)
	assert.Contains(t, err.Error(), "(5000 documents: the documents query lists them all)")
	assert.Equal(t, 3, strings.Count(err.Error(), "-report-"), "Named near misses at most")
}
