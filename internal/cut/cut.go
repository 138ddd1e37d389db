// Package cut shortens text for messages without splitting a character: the one rule by
// which an error quotes a prefix of what a client sent, and by which a message is bounded.
package cut

import "unicode/utf8"

// Ellipsis ends a text that was cut.
const Ellipsis = "…"

// Prefix is the first n characters of s (none when n < 1), and whether s had more.
func Prefix(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false // n bytes hold at least n characters
	}
	count := 0
	for i := range s {
		if count == n {
			return s[:i], true
		}
		count++
	}
	return s, false
}

// Chars is s cut after n characters, followed by Ellipsis when it was longer.
func Chars(s string, n int) string {
	if p, cut := Prefix(s, n); cut {
		return p + Ellipsis
	}
	return s
}

// Bytes is s cut to at most n bytes without splitting a character, followed by Ellipsis
// when it was longer.
func Bytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + Ellipsis
}
