package procstat_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treatygraph/treatygraph/internal/procstat"
)

func TestParseStat(t *testing.T) {
	// The command name may hold spaces and parentheses; the fields are counted after it.
	st, err := procstat.ParseStat("42 (a (b) c) S 7 42 42 0 -1 4194560 100 0 0 0 31 12 0 0 20 0 1 0 5 0 0\n")
	require.NoError(t, err)
	assert.Equal(t, procstat.Stat{PPID: 7, Ticks: 43}, st)
	assert.Equal(t, 430*time.Millisecond, st.CPU())
	for _, bad := range []string{"42 (x) S 7", "no parenthesis", "42 (x) S 7 42 42 0 -1 4194560 100 0 0 0 a 12 0"} {
		_, err = procstat.ParseStat(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseSchedstat(t *testing.T) {
	d, err := procstat.ParseSchedstat("410692230 452880748 219\n")
	require.NoError(t, err)
	assert.Equal(t, 410692230*time.Nanosecond, d)
	_, err = procstat.ParseSchedstat("")
	assert.Error(t, err)
}

func TestParseMemory(t *testing.T) {
	status := "Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n"
	rss, err := procstat.ParseMemory(status, "VmRSS")
	require.NoError(t, err)
	assert.Equal(t, uint64(1024<<10), rss)
	hwm, err := procstat.ParseMemory(status, "VmHWM")
	require.NoError(t, err)
	assert.Equal(t, uint64(2048<<10), hwm)
	_, err = procstat.ParseMemory(status, "VmSwap")
	assert.Error(t, err)
}

// TestThisProcess reads this process from /proc: its parent, its processor time growing
// while it works, and its resident memory.
func TestThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	st, err := procstat.ReadStat(os.Getpid())
	require.NoError(t, err)
	assert.Equal(t, os.Getppid(), st.PPID)

	all, err := procstat.All()
	require.NoError(t, err)
	assert.Contains(t, all, os.Getpid())
	assert.Contains(t, all, os.Getppid())

	before, err := procstat.CPU(os.Getpid())
	require.NoError(t, err)
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
	}
	after, err := procstat.CPU(os.Getpid())
	require.NoError(t, err)
	assert.Greater(t, after, before)

	rss, err := procstat.Memory(0, "VmRSS")
	require.NoError(t, err)
	assert.Greater(t, rss, uint64(1<<20))
}
