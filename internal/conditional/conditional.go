// Package conditional answers conditional GET requests whose answer is known by its ETag
// before it is computed. Once the answer is at hand, http.ServeContent handles the rest of
// conditional requests (If-None-Match: *, If-Match, Range, HEAD).
package conditional

import (
	"net/http"
	"strings"
)

// NotModified reports whether the client already holds the representation tagged etag: r's
// If-None-Match lists it, compared weakly as RFC 9110 asks for If-None-Match. The caller can
// then answer 304 without computing anything.
//
// "*" is not a match here: it matches any current representation, and whether there is one
// (the request may name nothing, or fail) is known only once the answer is computed;
// http.ServeContent, given that answer, answers "*" with 304.
func NotModified(r *http.Request, etag string) bool {
	if etag == "" {
		return false
	}
	etag = strings.TrimPrefix(etag, "W/")
	for _, header := range r.Header.Values("If-None-Match") {
		for candidate := range strings.SplitSeq(header, ",") {
			if strings.TrimPrefix(strings.TrimSpace(candidate), "W/") == etag {
				return true
			}
		}
	}
	return false
}
