// Package testgate holds the one rule for the tests that go test ./... leaves out unless
// asked: the slow ones (TREATYGRAPH_SLOW) and the attack cases that start server processes
// (TREATYGRAPH_ATTACK). .ci/run sets both.
package testgate

import (
	"os"
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
