package kg_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/treatygraph/treatygraph/internal/kg"
)

func TestQuoteInputQuotesAShortPrefix(t *testing.T) {
	assert.Equal(t, `"kaz"`, kg.QuoteInput("kaz"))
	exact := strings.Repeat("é", kg.QuotePrefix)
	assert.Equal(t, `"`+exact+`"`, kg.QuoteInput(exact))
	assert.Equal(t, `"`+exact+`"…`, kg.QuoteInput(exact+"x"), "cut at a character, never inside one")
	assert.Equal(t, `"`+strings.Repeat("x", kg.QuotePrefix)+`"…`, kg.QuoteInput(strings.Repeat("x", 1<<20)))

	assert.Equal(t, "an object", kg.Describe(map[string]any{"a": strings.Repeat("x", 1<<20)}))
	assert.Equal(t, "a list", kg.Describe([]any{1}))
	assert.Equal(t, "the number 2.5", kg.Describe(json.Number("2.5")))
	assert.Equal(t, `the string "5"`, kg.Describe("5"))
}

func TestQuotePrefixIsConfigurable(t *testing.T) {
	saved := kg.QuotePrefix
	t.Cleanup(func() { kg.QuotePrefix = saved })
	kg.QuotePrefix = 5
	assert.Equal(t, `"abcde"…`, kg.QuoteInput("abcdefghij"))
	assert.Equal(t, `"abc"`, kg.QuoteInput("abc"))
}
