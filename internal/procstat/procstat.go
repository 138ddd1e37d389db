// Package procstat reads what Linux's /proc says of a process: its parent, its processor
// time and its memory. The tools that measure the server (cmd/load, cmd/soak,
// deploy/loadgen) read processes through it alone.
package procstat

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ClockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat: 100 on Linux
// whatever the kernel's own tick rate (getconf CLK_TCK).
const ClockTicks = 100

// Stat is what /proc/PID/stat says of a process that matters here.
type Stat struct {
	// PPID is the parent's process ID.
	PPID int
	// Ticks is the processor time used so far, user and system (utime+stime), in clock ticks.
	Ticks int64
}

// CPU is the processor time of s, with ClockTicks ticks a second.
func (s Stat) CPU() time.Duration { return time.Duration(s.Ticks) * time.Second / ClockTicks }

// ParseStat reads a /proc/PID/stat line: ppid (the 4th field), utime (14th) and stime (15th).
// The command name, the 2nd, is in parentheses and may hold spaces and parentheses itself, so
// the fields are counted from the last ')'.
func ParseStat(s string) (Stat, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return Stat{}, errors.New("stat: no command name")
	}
	f := strings.Fields(s[i+1:]) // from the 3rd field, the state, on
	if len(f) < 13 {
		return Stat{}, errors.New("stat: too few fields")
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseInt(f[11], 10, 64)
	stime, err3 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return Stat{}, fmt.Errorf("stat: %w", err)
	}
	return Stat{PPID: ppid, Ticks: utime + stime}, nil
}

// ReadStat reads /proc/PID/stat of the process pid.
func ReadStat(pid int) (Stat, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return Stat{}, err
	}
	return ParseStat(string(b))
}

// All reads the Stat of every process in /proc, by process ID.
func All() (map[int]Stat, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("processor time: %w", err)
	}
	out := map[int]Stat{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // the process ended
		}
		st, err := ParseStat(string(b))
		if err != nil {
			return nil, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		out[pid] = st
	}
	return out, nil
}

// CPU is the processor time a process has used so far, user and system, as the kernel
// accounts it: the sum of the run times of its threads in /proc/PID/task/*/schedstat
// (nanoseconds), or when that cannot be read, utime+stime from /proc/PID/stat (clock ticks
// of 10 ms). The threads of a Go program do not exit, so the sum over the threads alive at
// each reading loses nothing.
func CPU(pid int) (time.Duration, error) {
	if d, err := schedstatCPU(filepath.Join("/proc", strconv.Itoa(pid))); err == nil {
		return d, nil
	}
	st, err := ReadStat(pid)
	if err != nil {
		return 0, err
	}
	return st.CPU(), nil
}

func schedstatCPU(dir string) (time.Duration, error) {
	tasks, err := filepath.Glob(filepath.Join(dir, "task", "*", "schedstat"))
	if err != nil {
		return 0, err
	}
	if len(tasks) == 0 {
		return 0, errors.New("no threads")
	}
	var total time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // a thread that has just exited
			}
			return 0, err
		}
		d, err := ParseSchedstat(string(b))
		if err != nil {
			return 0, err
		}
		total += d
	}
	return total, nil
}

// ParseSchedstat reads the first field of a schedstat line: nanoseconds spent running.
func ParseSchedstat(s string) (time.Duration, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, errors.New("empty schedstat")
	}
	ns, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("schedstat: %w", err)
	}
	return time.Duration(ns), nil
}

// Memory reads a field of /proc/PID/status given in kB, such as VmRSS (resident now) or
// VmHWM (the peak), in bytes; pid 0 is this process.
func Memory(pid int, field string) (uint64, error) {
	p := "self"
	if pid != 0 {
		p = strconv.Itoa(pid)
	}
	b, err := os.ReadFile(filepath.Join("/proc", p, "status"))
	if err != nil {
		return 0, err
	}
	return ParseMemory(string(b), field)
}

// ParseMemory reads a field given in kB from the text of /proc/PID/status, in bytes.
func ParseMemory(status, field string) (uint64, error) {
	for line := range strings.SplitSeq(status, "\n") {
		rest, ok := strings.CutPrefix(line, field+":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("status: %s: %w", field, err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("status: no %s", field)
}
