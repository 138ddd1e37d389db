//go:build unix

package workload

import (
	"syscall"
	"time"
)

// CPUTime is the processor time the whole process has used so far, in user and system mode:
// a measure of work that, unlike elapsed time, other processes on the machine barely change.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
