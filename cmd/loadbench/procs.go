package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one process under load: our app or a reference variant.
type server struct {
	Name string
	Base string // http://127.0.0.1:port
	cmd  *exec.Cmd
}

// start runs bin with args and env, with its output to logPath, and waits until ready answers
// 200 (at most a minute).
func start(name, base, ready, logPath string, env []string, bin string, args ...string) (*server, error) {
	out, err := os.Create(logPath) // #nosec G304 -- a log file under the bench directory the developer chose
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...) // #nosec G204 -- the app or reference binary named by the developer's flags, no shell
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &server{Name: name, Base: base, cmd: cmd}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if resp, err := http.Get(base + ready); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-ctx.Done():
			s.stop()
			return nil, fmt.Errorf("%s did not become ready at %s%s (log: %s)", name, base, ready, logPath)
		case <-tick.C:
		}
	}
}

// stop ends the process: SIGTERM, then SIGKILL after ten seconds.
func (s *server) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// cpuSeconds reads the user and system CPU time of the process from /proc.
func (s *server) cpuSeconds() float64 { return procCPU(s.cmd.Process.Pid) }

func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100 // USER_HZ is 100 on Linux
}

// postgresCPU sums the CPU time of every PostgreSQL process (postmaster and backends) on the
// machine: backends that end during a run lose their last interval, new ones count from zero.
func postgresCPU() float64 {
	entries, _ := os.ReadDir("/proc")
	var sum float64
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(comm)) == "postgres" {
			sum += procCPU(pid)
		}
	}
	return sum
}

// memKiB reads VmRSS (now) and VmHWM (the peak) of the process.
func (s *server) memKiB() (rss, peak int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			peak = n
		}
	}
	return rss, peak
}
