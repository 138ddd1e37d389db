package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/procstat"
	"github.com/treatygraph/treatygraph/internal/seed"
	"github.com/treatygraph/treatygraph/internal/sqlite"
	"github.com/treatygraph/treatygraph/internal/workload"

	"github.com/treatygraph/treatygraph/internal/testgate"
)

// TestServerProcess starts the server as a process of its own over the seeds, as the load
// tool does, and reads its processor time and statements across requests.
func TestServerProcess(t *testing.T) {
	testgate.Slow(t, "builds the seeds and starts two server processes")
	g, err := seed.Load(os.DirFS("../../seeds"), "seeds")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "graph.db")
	require.NoError(t, sqlite.Build(context.Background(), g, path))

	for _, caches := range []bool{true, false} {
		c, err := startChild(context.Background(), childConfig{db: path, conns: 2, caches: caches})
		require.NoError(t, err)
		q := workload.Canonical()[0]
		client := &http.Client{Timeout: 10 * time.Second}
		sql0, err := statements(client, c.metricsURL)
		require.NoError(t, err)
		cpu0, err := procstat.CPU(c.pid)
		require.NoError(t, err)
		a, err := fetch(c.url, q)
		require.NoError(t, err)
		n, err := workload.Objects(a.body)
		require.NoError(t, err)
		assert.Positive(t, n)
		res := drive(context.Background(), c.url, q.Name, func() []byte { return q.Body() }, 2, 0, 200*time.Millisecond)
		assert.Zero(t, res.errors, "%v", res.firstErr)
		assert.Positive(t, res.requests)
		cpu1, err := procstat.CPU(c.pid)
		require.NoError(t, err)
		sql1, err := statements(client, c.metricsURL)
		require.NoError(t, err)
		assert.Greater(t, cpu1, cpu0)
		if caches {
			assert.Equal(t, 1.0, sql1-sql0, "one statement, then the same answer again")
		} else {
			assert.Equal(t, float64(1+res.handled()), sql1-sql0, "a statement per lookup")
		}

		c.stop()
		assert.True(t, c.cmd.ProcessState.Exited(), "it exits when its input closes")
		assert.ErrorIs(t, syscall.Kill(c.pid, 0), syscall.ESRCH)
	}
}
