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
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds a client-facing Error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the client-facing error in err's chain, or Internal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
