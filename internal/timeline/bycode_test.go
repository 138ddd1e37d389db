package timeline

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/treatygraph/treatygraph/internal/kg"
)

// TestChartByCode checks that a chart asked for by an organization's acronym or COW key, or
// a state's ISO code, in any case, is sent to the chart of its slug with its parameters, and
// that a code of the other kind, or of nothing, is still not found.
func TestChartByCode(t *testing.T) {
	h := Handler(seedStore(t), quiet(), 0, 0, 0)
	for _, tc := range []struct{ path, want string }{
		{"/timeline/organization/un.svg", "/timeline/organization/united-nations.svg"},
		{"/timeline/organization/UN.svg?at=1995", "/timeline/organization/united-nations.svg?at=1995"},
		{"/timeline/organization/eaeu.svg", "/timeline/organization/eaeu.svg"},
		{"/timeline/organization/KSOR.svg", "/timeline/organization/csto-crrf.svg"},
		{"/timeline/state/RUS.svg?roles=MEMBER", "/timeline/state/russia.svg?roles=MEMBER"},
		{"/timeline/state/am.svg", "/timeline/state/armenia.svg"},
	} {
		rec := serve(t, h, tc.path)
		if tc.path == tc.want {
			assert.Equal(t, http.StatusOK, rec.Code, tc.path) // the slug itself
			continue
		}
		assert.Equal(t, http.StatusFound, rec.Code, tc.path)
		assert.Equal(t, tc.want, rec.Header().Get("Location"), tc.path)
		assert.Equal(t, http.StatusOK, serve(t, h, tc.want).Code, tc.want)
	}
	for _, path := range []string{"/timeline/state/un.svg", "/timeline/organization/rus.svg", "/timeline/organization/zzzz.svg"} {
		rec := serve(t, h, path)
		assert.Equal(t, http.StatusNotFound, rec.Code, path)
		assert.Contains(t, rec.Body.String(), kg.NotFound, path)
	}
}
