package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestExportsHonourCacheMaxAge checks that serve -cache-max-age reaches the exports too.
func TestExportsHonourCacheMaxAge(t *testing.T) {
	k := newExportsKit(t, Config{CacheMaxAge: 90 * time.Second})
	a := k.do(httptest.NewRequest(http.MethodGet, "/export/figures.csv", nil))
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, "public, max-age=90", a.Header.Get("Cache-Control"))
}
