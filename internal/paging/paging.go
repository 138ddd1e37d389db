// Package paging holds the keyset paging values shared by the SQLite store and the GraphQL
// API: opaque cursors and pages of an ordered list.
package paging

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Cursor is a position in an ordered list: the ordering it was issued for and the values of
// the ordering keys (ending with a unique key) of a row. Its public form is opaque.
type Cursor struct {
	Order  string
	Values []any
}

const cursorPrefix = "cursor:v2:"

// Encode gives the cursor's public, opaque form.
func (c Cursor) Encode() string {
	b, _ := json.Marshal([]any{c.Order, c.Values})
	return base64.RawURLEncoding.EncodeToString(append([]byte(cursorPrefix), b...))
}

// DecodeCursor reads a cursor given by a client; a cursor this service did not issue is a
// user error.
func DecodeCursor(s string) (*Cursor, error) {
	bad := kg.Errorf(kg.BadUserInput, "invalid cursor %s: pass a cursor from pageInfo.endCursor or an edge of the same list", kg.QuoteInput(s))
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(raw), cursorPrefix) {
		return nil, bad
	}
	var parts []any
	if err := json.Unmarshal(raw[len(cursorPrefix):], &parts); err != nil || len(parts) != 2 {
		return nil, bad
	}
	order, ok1 := parts[0].(string)
	values, ok2 := parts[1].([]any)
	if !ok1 || !ok2 || len(values) == 0 || len(values) > 8 {
		return nil, bad
	}
	for i, v := range values {
		switch x := v.(type) {
		case float64:
			values[i] = int64(x)
		case string:
		default:
			return nil, bad
		}
	}
	return &Cursor{Order: order, Values: values}, nil
}

// Check makes sure the cursor was issued for this ordering with n keys. A nil cursor (the
// first page) passes.
func (c *Cursor) Check(order string, n int) error {
	if c == nil {
		return nil
	}
	if c.Order != order || len(c.Values) != n {
		return kg.Errorf(kg.BadUserInput, "invalid cursor: it was issued for another list or ordering; pass a cursor from the same list with the same orderBy")
	}
	return nil
}

// Args returns the cursor's n values as SQL parameters, NULLs when there is no cursor.
func (c *Cursor) Args(n int) []any {
	out := make([]any, n)
	if c != nil {
		copy(out, c.Values)
	}
	return out
}

// Page is one page of an ordered list.
type Page[T any] struct {
	Items   []T
	Cursors []Cursor
	HasNext bool
}

// Trim cuts a page fetched with one extra row down to first rows.
func Trim[T any](items []T, cursors []Cursor, first int) Page[T] {
	p := Page[T]{Items: items, Cursors: cursors}
	if len(items) > first {
		p.Items, p.Cursors, p.HasNext = items[:first], cursors[:first], true
	}
	return p
}
