package sqlite

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A build writes PATH.tmp-PID-NNNN, PID being the building process's. A build that was
// killed leaves its file behind; the next build of the same path removes every such file
// whose process is gone (and those of older builds, named PATH.tmp-NNNN).

func tempPattern(path string) string {
	return filepath.Base(path) + ".tmp-" + strconv.Itoa(os.Getpid()) + "-*"
}

// removeStaleTemporaries removes the temporary files of builds of path that no longer run.
func removeStaleTemporaries(path string) {
	prefix := filepath.Base(path) + ".tmp-"
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) {
			continue
		}
		pid, _, hasPID := strings.Cut(strings.TrimPrefix(name, prefix), "-")
		if n, err := strconv.Atoi(pid); hasPID && err == nil && processRuns(n) {
			continue
		}
		_ = os.Remove(filepath.Join(filepath.Dir(path), name))
	}
}

// processRuns reports whether a process with this ID exists.
func processRuns(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || err == syscall.EPERM
}
