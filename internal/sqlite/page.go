package sqlite

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// Cursor is a position in an ordered list: the sort value of a row and its unique key. Its
// public form is opaque.
type Cursor struct {
	Sort any
	Key  string
}

const cursorPrefix = "cursor:v1:"

// Encode gives the cursor's public, opaque form.
func (c Cursor) Encode() string {
	b, _ := json.Marshal([]any{c.Sort, c.Key})
	return base64.RawURLEncoding.EncodeToString(append([]byte(cursorPrefix), b...))
}

// DecodeCursor reads a cursor given by a client; a cursor this service did not issue is a
// user error.
func DecodeCursor(s string) (*Cursor, error) {
	bad := kg.Errorf(kg.BadUserInput, "invalid cursor %q: pass a cursor from pageInfo.endCursor or an edge of the same list", s)
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(raw), cursorPrefix) {
		return nil, bad
	}
	var parts []any
	if err := json.Unmarshal(raw[len(cursorPrefix):], &parts); err != nil || len(parts) != 2 {
		return nil, bad
	}
	key, ok := parts[1].(string)
	if !ok {
		return nil, bad
	}
	switch v := parts[0].(type) {
	case float64:
		return &Cursor{Sort: int64(v), Key: key}, nil
	case string:
		return &Cursor{Sort: v, Key: key}, nil
	}
	return nil, bad
}

// args returns the cursor's sort value and key as SQL parameters, NULL when there is none.
func (c *Cursor) args() (any, any) {
	if c == nil {
		return nil, nil
	}
	return c.Sort, c.Key
}

// Page is one page of an ordered list.
type Page[T any] struct {
	Items   []T
	Cursors []Cursor
	HasNext bool
}

// trim cuts a page fetched with one extra row down to first rows.
func trim[T any](items []T, cursors []Cursor, first int) Page[T] {
	p := Page[T]{Items: items, Cursors: cursors}
	if len(items) > first {
		p.Items, p.Cursors, p.HasNext = items[:first], cursors[:first], true
	}
	return p
}
