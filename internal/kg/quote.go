package kg

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/treatygraph/treatygraph/internal/cut"
)

// DefaultQuotePrefix is how many characters of a client's value an error message quotes:
// enough to recognise the value, never enough for the value to make the answer large.
const DefaultQuotePrefix = 48

// quoted is a part of an error message that quotes what a client sent: Errorf keeps it, so
// that the message can be written again quoting another number of characters (Error.Quote).
type quoted interface {
	// Quote writes the part, quoting the first n characters of the client's value.
	Quote(n int) string
}

// Input is a value a client sent, as an error message shows it. Give it to Errorf (with %s):
// the message quotes its first DefaultQuotePrefix characters, or as many as the server says
// (Error.Quote, QuoteChars).
type Input string

// QuoteInput marks s, sent by a client, for quoting in an error message.
func QuoteInput(s string) Input { return Input(s) }

// Quote quotes the value as %q would, but only its first n characters, followed by "…" when
// it was longer.
func (in Input) Quote(n int) string {
	p, more := cut.Prefix(string(in), n)
	if !more {
		return strconv.Quote(p)
	}
	return strconv.Quote(p) + cut.Ellipsis
}

// String quotes the value's first DefaultQuotePrefix characters.
func (in Input) String() string { return in.Quote(DefaultQuotePrefix) }

// Description names what kind of value a client sent where another was expected; see
// Describe.
type Description struct{ v any }

// Describe names what kind of value a client sent where another was expected, without
// quoting it: a map or list may be as large as the request. A string or a number is quoted,
// its first characters only, as Input is.
func Describe(v any) Description { return Description{v} }

// Quote names the value, quoting the first n characters of a string or number.
func (d Description) Quote(n int) string {
	switch v := d.v.(type) {
	case nil:
		return "null"
	case string:
		return "the string " + Input(v).Quote(n)
	case bool:
		return strconv.FormatBool(v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case json.Number:
		return "the number " + cut.Chars(v.String(), n)
	case int, int32, int64, float64:
		return "the number " + cut.Chars(fmt.Sprint(v), n)
	default:
		return "a value of another kind"
	}
}

// String names the value, quoting DefaultQuotePrefix characters at most.
func (d Description) String() string { return d.Quote(DefaultQuotePrefix) }

type quoteCharsKey struct{}

// WithQuoteChars returns ctx carrying the number of characters of a client's value that the
// error messages of its request quote: the server's -error-quote-chars.
func WithQuoteChars(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, quoteCharsKey{}, n)
}

// QuoteChars is the number of characters of a client's value that the error messages of the
// request of ctx quote: as WithQuoteChars set it, else DefaultQuotePrefix.
func QuoteChars(ctx context.Context) int {
	if n, ok := ctx.Value(quoteCharsKey{}).(int); ok && n > 0 {
		return n
	}
	return DefaultQuotePrefix
}
