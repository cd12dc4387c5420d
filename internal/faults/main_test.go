//go:build faults

package faults

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Set up once by TestMain for every test of the package.
var (
	bin       string   // the app, built from ./cmd/selvhjelpshus
	pg        *cluster // the private PostgreSQL cluster
	secretKey string   // SECRET_KEY shared by every instance, so they read each other's data
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "selvhjelpshus-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	bin = filepath.Join(dir, "selvhjelpshus")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/linkoslo/selvhjelpshuset/cmd/selvhjelpshus")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "faults: go build: %v\n%s", err, out)
		return 1
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	secretKey = base64.StdEncoding.EncodeToString(key)
	built := time.Since(start)
	if pg, err = startCluster(ctx, dir); err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}
	defer pg.remove()
	fmt.Printf("faults: app built in %s; private PostgreSQL on port %d ready in %s\n",
		built.Round(time.Millisecond), pg.port, (time.Since(start) - built).Round(time.Millisecond))
	defer watchdog(dir)()
	return m.Run()
}

// processes are the app instances running now, so the watchdog can end them.
var processes sync.Map // *exec.Cmd → struct{}

// watchdog ends every app instance and the cluster, and removes dir, shortly before go
// test's -timeout would panic the test binary, which runs no cleanup: nothing this package
// started outlives it. It returns the function that disarms it.
func watchdog(dir string) func() {
	f := flag.Lookup("test.timeout")
	if f == nil {
		return func() {}
	}
	timeout, _ := f.Value.(flag.Getter).Get().(time.Duration)
	if timeout <= 0 {
		return func() {}
	}
	margin := min(timeout/10, 30*time.Second)
	timer := time.AfterFunc(timeout-margin, func() {
		fmt.Fprintln(os.Stderr, "faults: the test timeout is near: stopping the app instances and PostgreSQL")
		processes.Range(func(k, _ any) bool {
			_ = k.(*exec.Cmd).Process.Kill()
			return true
		})
		pg.remove()
		os.RemoveAll(dir)
	})
	return func() { timer.Stop() }
}

// syncBuffer is an io.Writer that goroutines may share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
