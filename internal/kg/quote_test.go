package kg_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/treatygraph/treatygraph/internal/kg"
)

func TestQuoteInputQuotesAShortPrefix(t *testing.T) {
	assert.Equal(t, `"kaz"`, kg.QuoteInput("kaz").String())
	exact := strings.Repeat("é", kg.DefaultQuotePrefix)
	assert.Equal(t, `"`+exact+`"`, kg.QuoteInput(exact).String())
	assert.Equal(t, `"`+exact+`"…`, kg.QuoteInput(exact+"x").String(), "cut at a character, never inside one")
	assert.Equal(t, `"`+strings.Repeat("x", kg.DefaultQuotePrefix)+`"…`, kg.QuoteInput(strings.Repeat("x", 1<<20)).String())

	assert.Equal(t, "an object", kg.Describe(map[string]any{"a": strings.Repeat("x", 1<<20)}).String())
	assert.Equal(t, "a list", kg.Describe([]any{1}).String())
	assert.Equal(t, "the number 2.5", kg.Describe(json.Number("2.5")).String())
	assert.Equal(t, `the string "5"`, kg.Describe("5").String())
}

// TestQuotePrefixIsConfigurable writes one error message quoting as many characters as each
// server asks, the default for a request that says nothing; a message nested in another is
// written the same way.
func TestQuotePrefixIsConfigurable(t *testing.T) {
	err := kg.Errorf(kg.BadUserInput, "no slug %s (%s)", kg.QuoteInput("abcdefghij"), kg.Describe("Ташкент-Самарканд"))
	assert.Equal(t, `no slug "abcdefghij" (the string "Ташкент-Самарканд")`, err.Message)
	assert.Equal(t, `no slug "abcde"… (the string "Ташке"…)`, err.Quote(5))
	assert.Equal(t, `no slug "abcdefghij" (the string "Ташкент-Самарканд")`, err.Quote(kg.DefaultQuotePrefix))

	outer := kg.Errorf(kg.BadUserInput, "at: %v", err)
	assert.Equal(t, `at: no slug "ab"… (the string "Та"…)`, outer.Quote(2))
	assert.Equal(t, "at: "+err.Message, outer.Message)

	_, dateErr := kg.ParseDate(strings.Repeat("9", 100))
	var ke *kg.Error
	assert.ErrorAs(t, dateErr, &ke)
	assert.Equal(t, `invalid date "999"…: want YYYY, YYYY-MM or YYYY-MM-DD`, ke.Quote(3))

	literal := &kg.Error{Code: kg.NotFound, Message: "no such thing"}
	assert.Equal(t, "no such thing", literal.Quote(3), "a message not made by Errorf is shown as it is")

	ctx := context.Background()
	assert.Equal(t, kg.DefaultQuotePrefix, kg.QuoteChars(ctx))
	assert.Equal(t, 7, kg.QuoteChars(kg.WithQuoteChars(ctx, 7)))
}
