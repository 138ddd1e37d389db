package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on Linux
// whatever the kernel's own tick rate.
const clockTicks = 100

// processCPU is the processor time a process has used so far, user and system, as the
// kernel accounts it: the sum of the run times of its threads in /proc/<pid>/task/*/schedstat
// (nanoseconds), or when that cannot be read, utime+stime from /proc/<pid>/stat (clock
// ticks of 10 ms). The threads of a Go program do not exit, so the sum over the threads
// alive at each reading loses nothing.
func processCPU(pid int) (time.Duration, error) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	if d, err := schedstatCPU(dir); err == nil {
		return d, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(string(b))
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
		d, err := parseSchedstat(string(b))
		if err != nil {
			return 0, err
		}
		total += d
	}
	return total, nil
}

// parseSchedstat reads the first field of a schedstat line: nanoseconds spent running.
func parseSchedstat(s string) (time.Duration, error) {
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

// parseStatCPU reads utime+stime (fields 14 and 15) of a /proc/<pid>/stat line. The command
// name, field 2, is in parentheses and may hold spaces and parentheses itself, so the fields
// are counted from the last ')'.
func parseStatCPU(s string) (time.Duration, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("stat: no command name")
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, errors.New("stat: too few fields")
	}
	var ticks int64
	for _, x := range f[11:13] {
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// metricValue finds an unlabelled sample of the named metric in Prometheus text.
func metricValue(r io.Reader, name string) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || !strings.HasPrefix(rest, " ") {
			continue // another metric, a longer name, or a labelled sample
		}
		f := strings.Fields(rest) // value, and perhaps a timestamp
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		return v, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no sample of %s", name)
}

// statements reads the server's count of SQL statements run from its /metrics.
func statements(client *http.Client, metricsURL string) (float64, error) {
	resp, err := client.Get(metricsURL)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: status %d", metricsURL, resp.StatusCode)
	}
	return metricValue(resp.Body, "treatygraph_sql_statements_total")
}
