package server

import (
	"os"
	"testing"
)

// skipUnlessSlow skips a test that runs for long, so that go test ./... stays quick: it runs
// when TREATYGRAPH_SLOW is set, as .ci/run sets it (for its run with the race detector too),
// and never with -short.
func skipUnlessSlow(t *testing.T, what string) {
	t.Helper()
	if testing.Short() || os.Getenv("TREATYGRAPH_SLOW") == "" {
		t.Skipf("%s: set TREATYGRAPH_SLOW=1 to run it (.ci/run does)", what)
	}
}
