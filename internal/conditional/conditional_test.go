package conditional

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNotModified(t *testing.T) {
	const etag = `"abc"`
	for _, tt := range []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{`"abc"`}, true},
		{[]string{`W/"abc"`}, true},
		{[]string{`"x", "abc"`}, true},
		{[]string{`"x",W/"abc" , "y"`}, true},
		{[]string{`"x"`, `"abc"`}, true},
		{[]string{`"abcd"`}, false},
		{[]string{`abc`}, false},
		{[]string{`*`}, false},
		{[]string{`"x", *`}, false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		for _, h := range tt.header {
			r.Header.Add("If-None-Match", h)
		}
		assert.Equal(t, tt.want, NotModified(r, etag), "%q", tt.header)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("If-None-Match", `"abc"`)
	assert.True(t, NotModified(r, `W/"abc"`), "a weak ETag compares weakly")
	assert.False(t, NotModified(r, ""), "no ETag, no match")
}
