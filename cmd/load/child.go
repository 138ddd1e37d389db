package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"

	"github.com/treatygraph/treatygraph/internal/server"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// serveChildFlag, as the first argument, makes the load tool the server: it serves the
// database named next on 127.0.0.1, writes a readyPrefix line with the URL of /graphql on
// standard output, and exits when its standard input closes. The load tool starts itself so
// to read the processor time of the server alone.
const serveChildFlag = "-serve-child"

const readyPrefix = "treatygraph-load serving "

// childConfig is what the server process is started with.
type childConfig struct {
	db string
	// ceiling, when set, names a file of answers (writeAnswers) for the process to serve
	// with the ceiling handler instead of the database.
	ceiling    string
	conns      int
	caches     bool
	cpuprofile string
	// cheapCost and dearConcurrency set the server's admission (0: its defaults).
	cheapCost, dearConcurrency int
	// memoryLimit and gcPercent are serve's -memory-limit and -gc-percent (0: its defaults).
	memoryLimit int64
	gcPercent   int
}

func (c childConfig) args() []string {
	if c.ceiling != "" {
		return []string{serveChildFlag, ceilingChildFlag, c.ceiling}
	}
	args := []string{serveChildFlag, c.db, fmt.Sprintf("-conns=%d", c.conns), fmt.Sprintf("-caches=%t", c.caches)}
	if c.cpuprofile != "" {
		args = append(args, "-cpuprofile="+c.cpuprofile)
	}
	if c.memoryLimit > 0 || c.gcPercent > 0 {
		args = append(args, fmt.Sprintf("-memory-limit=%d", c.memoryLimit), fmt.Sprintf("-gc-percent=%d", c.gcPercent))
	}
	if c.cheapCost != 0 || c.dearConcurrency != 0 {
		args = append(args, fmt.Sprintf("-cheap-cost=%d", c.cheapCost), fmt.Sprintf("-dear-concurrency=%d", c.dearConcurrency))
	}
	return args
}

// serveChild is main for the server process; args follow serveChildFlag.
func serveChild(args []string) error {
	if len(args) == 2 && args[0] == ceilingChildFlag {
		return serveCeilingChild(args[1])
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New(serveChildFlag + " DBPATH [flags]")
	}
	c := childConfig{db: args[0]}
	fs := flag.NewFlagSet("load "+serveChildFlag, flag.ContinueOnError)
	fs.IntVar(&c.conns, "conns", 8, "most open database connections")
	fs.BoolVar(&c.caches, "caches", true, "keep records and answers between requests")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the server to this file")
	fs.Int64Var(&c.memoryLimit, "memory-limit", 0, "serve's -memory-limit (0: its default)")
	fs.IntVar(&c.gcPercent, "gc-percent", 0, "serve's -gc-percent (0: its default)")
	fs.IntVar(&c.cheapCost, "cheap-cost", 0, "the server's Config.CheapCost (0: its default)")
	fs.IntVar(&c.dearConcurrency, "dear-concurrency", 0, "the server's Config.DearConcurrency (0: its default)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(c.cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()
	store, err := sqlite.Open(c.db, c.conns)
	if err != nil {
		return err
	}
	defer store.Close()
	// As serve runs.
	debug.SetGCPercent(cmp.Or(c.gcPercent, server.DefaultGCPercent))
	debug.SetMemoryLimit(cmp.Or(c.memoryLimit, server.DefaultMemoryLimit))
	cfg := server.Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), CheapCost: c.cheapCost, DearConcurrency: c.dearConcurrency}
	if !c.caches {
		cfg.RecordCache, cfg.ResponseCacheBytes = -1, -1
	}
	return serveUntilStdinCloses(server.New(cfg))
}

// ceilingChildFlag, after serveChildFlag, makes the process serve the ceiling handler with
// the answers in the file named next (written by writeAnswers) instead of a database, so that
// the ceiling's processor time is read as the server's is: from a process of its own.
const ceilingChildFlag = "-ceiling"

// serveCeilingChild is main for the ceiling's process.
func serveCeilingChild(path string) error {
	answers, err := readAnswers(path)
	if err != nil {
		return err
	}
	return serveUntilStdinCloses(ceiling(answers))
}

// serveUntilStdinCloses serves h on a free loopback port, writes a readyPrefix line with the
// URL of /graphql on standard output, and shuts down when standard input closes.
func serveUntilStdinCloses(h http.Handler) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if _, err := fmt.Printf("%shttp://%s/graphql\n", readyPrefix, ln.Addr()); err != nil {
		return err
	}
	stdinClosed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	select {
	case <-stdinClosed:
	case err := <-served:
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// storedAnswer is an answer as writeAnswers keeps it in a file.
type storedAnswer struct {
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// writeAnswers keeps answers in a new file in dir, for a ceiling process to serve; it
// returns the file's path.
func writeAnswers(dir string, answers map[string]answer) (string, error) {
	stored := make(map[string]storedAnswer, len(answers))
	for name, a := range answers {
		stored[name] = storedAnswer{Header: a.header, Body: a.body}
	}
	b, err := json.Marshal(stored)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "treatygraph-load-answers-*.json")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return "", err
	}
	return f.Name(), f.Close()
}

// readAnswers reads the answers writeAnswers kept in path.
func readAnswers(path string) (map[string]answer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var stored map[string]storedAnswer
	if err := json.Unmarshal(b, &stored); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	answers := make(map[string]answer, len(stored))
	for name, a := range stored {
		answers[name] = answer{header: a.Header, body: a.Body}
	}
	return answers, nil
}

// child is a running server process.
type child struct {
	cmd        *exec.Cmd
	stdin      io.Closer
	url        string // of /graphql
	metricsURL string
	pid        int
}

// startChild starts this program again as a server and waits for its URL. The server is
// killed when ctx ends, and on Linux when this process dies.
func startChild(ctx context.Context, c childConfig) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, c.args()...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = childAttr()
	cmd.WaitDelay = 5 * time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ch := &child{cmd: cmd, stdin: stdin, pid: cmd.Process.Pid}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	fail := func(err error) (*child, error) {
		ch.stop()
		return nil, fmt.Errorf("server process: %w", err)
	}
	select {
	case l, ok := <-line:
		url, found := strings.CutPrefix(l, readyPrefix)
		if !ok || !found {
			return fail(fmt.Errorf("it did not start (first line %q)", l))
		}
		ch.url = url
		ch.metricsURL = strings.TrimSuffix(url, "/graphql") + "/metrics"
		return ch, nil
	case <-time.After(2 * time.Minute):
		return fail(errors.New("no URL after 2 minutes"))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
}

// stop closes the server's standard input, which makes it shut down, and kills it if it has
// not exited 5 seconds later.
func (c *child) stop() {
	_ = c.stdin.Close()
	done := make(chan struct{})
	go func() {
		_ = c.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
}
