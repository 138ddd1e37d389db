package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestTimelinesAreServed checks that the timelines are mounted, with the server's
// -cache-max-age and CORS, and that their errors keep the API's codes.
func TestTimelinesAreServed(t *testing.T) {
	k := newKit(t, Config{CacheMaxAge: 90 * time.Second})
	r := httptest.NewRequest(http.MethodGet, "/timeline/state/uzbekistan.svg?roles=MEMBER", nil)
	r.Header.Set("Origin", "https://notebook.example")
	a := k.do(r)
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, "image/svg+xml", a.Header.Get("Content-Type"))
	assert.Equal(t, "public, max-age=90", a.Header.Get("Cache-Control"))
	assert.Equal(t, "*", a.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, a.Raw, "<svg ")

	r = httptest.NewRequest(http.MethodGet, "/timeline/state/uzbekistan.svg", nil)
	r.Header.Set("If-None-Match", k.do(httptest.NewRequest(http.MethodGet, "/timeline/state/uzbekistan.svg", nil)).Header.Get("ETag"))
	assert.Equal(t, http.StatusNotModified, k.do(r).Status)

	bad := k.do(httptest.NewRequest(http.MethodGet, "/timeline/state/uzbekistan.svg?at=yesterday", nil))
	assert.Equal(t, http.StatusBadRequest, bad.Status)
	assert.Equal(t, []string{"BAD_USER_INPUT"}, bad.codes())
	missing := k.do(httptest.NewRequest(http.MethodGet, "/timeline/state/atlantis.svg", nil))
	assert.Equal(t, http.StatusNotFound, missing.Status)
	assert.Equal(t, []string{"NOT_FOUND"}, missing.codes())
}
