package cut_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/treatygraph/treatygraph/internal/cut"
)

func TestPrefixCountsCharactersNotBytes(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
		cut  bool
	}{
		{"", 3, "", false},
		{"abc", 3, "abc", false},
		{"abcd", 3, "abc", true},
		{"Ташкент", 3, "Таш", true},      // two bytes a character
		{"Ташкент", 7, "Ташкент", false}, // 14 bytes, 7 characters
		{"日本語", 2, "日本", true},           // three bytes a character
		{"a😀b", 2, "a😀", true},           // four bytes
		{"a😀b", 1, "a", true},
		{"abc", 0, "", true},
	} {
		got, cut := cut.Prefix(tc.s, tc.n)
		assert.Equal(t, tc.want, got, "%q %d", tc.s, tc.n)
		assert.Equal(t, tc.cut, cut, "%q %d", tc.s, tc.n)
	}
}

func TestCharsEndsACutTextWithAnEllipsis(t *testing.T) {
	assert.Equal(t, "Таш…", cut.Chars("Ташкент", 3))
	assert.Equal(t, "Ташкент", cut.Chars("Ташкент", 7))
	assert.Equal(t, strings.Repeat("é", 48)+"…", cut.Chars(strings.Repeat("é", 1000), 48))
}

func TestBytesNeverSplitsACharacter(t *testing.T) {
	for _, s := range []string{"Ташкент", "日本語のテキスト", "a😀b😀c", "abcdef", "é"} {
		for n := 0; n <= len(s)+1; n++ {
			got := cut.Bytes(s, n)
			assert.True(t, utf8.ValidString(got), "%q cut to %d bytes: %q", s, n, got)
			if len(s) <= n {
				assert.Equal(t, s, got)
				continue
			}
			body := strings.TrimSuffix(got, cut.Ellipsis)
			assert.LessOrEqual(t, len(body), n, "%q cut to %d bytes: %q", s, n, got)
			assert.Greater(t, len(body), n-utf8.UTFMax, "%q cut to %d bytes keeps every whole character that fits", s, n)
			assert.True(t, strings.HasPrefix(s, body))
			assert.True(t, strings.HasSuffix(got, cut.Ellipsis))
		}
	}
	assert.Equal(t, "Та…", cut.Bytes("Ташкент", 5), "the third character would need bytes 5 and 6")
}
