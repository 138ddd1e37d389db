package kg

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// DefaultQuotePrefix is how many characters of a client's value an error message quotes:
// enough to recognise the value, never enough for the value to make the answer large.
const DefaultQuotePrefix = 48

// QuotePrefix is the number of characters quoted, DefaultQuotePrefix unless the serve flag
// -error-quote-chars sets it at start (before any request).
var QuotePrefix = DefaultQuotePrefix

// QuoteInput quotes s for an error message as %q would, but only its first QuotePrefix characters,
// followed by "…" when s was longer.
func QuoteInput(s string) string {
	p := prefix(s)
	if len(p) == len(s) {
		return strconv.Quote(s)
	}
	return strconv.Quote(strings.TrimSuffix(p, "…")) + "…"
}

// Describe names what kind of value a client sent where another was expected, without
// quoting it: a map or list may be as large as the request.
func Describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "the string " + QuoteInput(v)
	case bool:
		return strconv.FormatBool(v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case json.Number:
		return "the number " + prefix(v.String())
	case int, int32, int64, float64:
		return "the number " + prefix(fmt.Sprint(v))
	default:
		return "a value of another kind"
	}
}

// prefix is s cut after QuotePrefix characters, with "…" when it was longer.
func prefix(s string) string {
	n := 0
	for i := range s {
		if n == QuotePrefix {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
