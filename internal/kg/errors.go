package kg

import (
	"errors"
	"fmt"
)

// Error codes shown to clients in a GraphQL error's extensions.code.
const (
	BadUserInput = "BAD_USER_INPUT"
	NotFound     = "NOT_FOUND"
	Internal     = "INTERNAL"
	// SearchLimitExceeded: a graph search needed more work than its bound.
	SearchLimitExceeded = "SEARCH_LIMIT_EXCEEDED"
)

// Error is an error meant for the client: its message is shown as it is, with its code.
// Any other error is internal: logged, and masked in the response.
type Error struct {
	Code string
	// Message quotes the values a client sent (Input) to DefaultQuotePrefix characters.
	Message string

	// format and args are Errorf's, kept to write the message again with another number of
	// characters quoted (Quote).
	format string
	args   []any
}

func (e *Error) Error() string { return e.Message }

// Errorf builds a client-facing Error. The arguments that quote what a client sent (Input,
// Description, or an Error made by Errorf) are kept, for Quote.
func Errorf(code, format string, args ...any) *Error {
	e := &Error{Code: code, format: format, args: args}
	e.Message = e.Quote(DefaultQuotePrefix)
	return e
}

// Quote is the message with each value a client sent quoted to its first n characters: the
// message a client is shown under a server's -error-quote-chars (see QuoteChars).
func (e *Error) Quote(n int) string {
	if e.format == "" {
		return e.Message
	}
	args := make([]any, len(e.args))
	for i, a := range e.args {
		if q, ok := a.(quoted); ok {
			args[i] = q.Quote(n)
		} else {
			args[i] = a
		}
	}
	return fmt.Sprintf(e.format, args...)
}

// ErrorCode returns the code of the client-facing error in err's chain, or Internal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
