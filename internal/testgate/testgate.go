// Package testgate holds the one rule for the tests that go test ./... leaves out unless
// asked: the slow ones (TREATYGRAPH_SLOW) and the attack cases that start server processes
// (TREATYGRAPH_ATTACK). .ci/run sets both. It also holds the garbage collector's target of
// the test binaries that hold a whole dataset (CollectAsServeDoes).
package testgate

import (
	"os"
	"runtime/debug"
	"testing"
)

// Slow skips a test that reads a whole dataset, runs queries by the hundred or starts
// processes, so that go test ./... stays quick: it runs when TREATYGRAPH_SLOW is set, and
// never with -short. what says what makes it slow.
func Slow(t testing.TB, what string) {
	t.Helper()
	if testing.Short() || os.Getenv("TREATYGRAPH_SLOW") == "" {
		t.Skipf("%s: set TREATYGRAPH_SLOW=1 to run it (.ci/run does)", what)
	}
}

// Attack skips an attack case that needs a server process unless TREATYGRAPH_ATTACK is set.
func Attack(t testing.TB) {
	t.Helper()
	if os.Getenv("TREATYGRAPH_ATTACK") == "" {
		t.Skip("set TREATYGRAPH_ATTACK=1 to run the attack cases that need a server process (.ci/run does)")
	}
}

// GCPercent is the garbage collector's target (GOGC) that serve sets by default
// (server.DefaultGCPercent, which a test of the server package holds equal to this).
const GCPercent = 400

// CollectAsServeDoes sets the garbage collector of a test binary to serve's default target,
// GCPercent, unless GOGC is set: the tests that hold a whole dataset and run the server's
// code then collect as seldom as serve does, which spares them some processor time (up to
// a tenth) for a heap a few hundred MB larger than at Go's default of 100. A TestMain calls
// it before m.Run.
func CollectAsServeDoes() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}
