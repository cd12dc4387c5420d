//go:build faults

package faults

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/localdb"
)

// cluster is a PostgreSQL cluster of this test run only, in a temporary directory and on a
// free loopback port, so stopping and starting it disturbs nobody. localdb makes it: with
// no server on the "system" address it initialises and starts a private one.
type cluster struct {
	dir     string // data directory
	port    int
	log     *syncBuffer // initdb and pg_ctl
	mu      sync.Mutex
	removed bool
}

func startCluster(ctx context.Context, tmp string) (*cluster, error) {
	if os.Geteuid() == 0 {
		// As root, the server runs as the user postgres, who must reach the directory.
		if err := os.Chmod(tmp, 0o755); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	c := &cluster{dir: filepath.Join(tmp, "postgres"), port: port, log: &syncBuffer{}}
	if err := c.start(ctx); err != nil {
		c.remove()
		return nil, fmt.Errorf("private PostgreSQL cluster: %w\n%s", err, c.log)
	}
	return c, nil
}

// start starts the cluster (and initialises it the first time), waiting until it answers.
func (c *cluster) start(ctx context.Context) error {
	_, err := localdb.Ensure(ctx, localdb.Options{Database: "postgres", DataDir: c.dir, Port: c.port, Log: c.log,
		System: "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=1"})
	return err
}

// stop is pg_ctl stop -m fast: sessions are ended, and it returns once the server is down.
func (c *cluster) stop(ctx context.Context) error { return localdb.Stop(ctx, c.dir) }

// remove stops the cluster for good; the directory goes with TestMain's.
func (c *cluster) remove() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.removed {
		return
	}
	c.removed = true
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := os.Stat(filepath.Join(c.dir, "postmaster.pid")); err == nil {
		if err := localdb.Stop(ctx, c.dir); err != nil {
			fmt.Fprintf(os.Stderr, "faults: stopping the private PostgreSQL: %v\n", err)
		}
	}
}

// url is the address of database name on the cluster.
func (c *cluster) url(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// newDatabase creates an empty database for t and returns its URL.
func (c *cluster) newDatabase(t *testing.T) string {
	t.Helper()
	name := "faults_" + strings.ToLower(strings.NewReplacer("/", "_", "-", "_").Replace(t.Name()))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	return c.url(name)
}

// openPool opens a pool on dbURL for the test's own queries; it is closed when t ends.
func openPool(t *testing.T, dbURL string) *pgxpool.Pool {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", "faults_test")
	u.RawQuery = q.Encode()
	pool, err := pgxpool.New(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// eventually polls cond, with a short growing pause, until it holds or within has passed;
// then the test fails, saying what it waited for.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	pause := 10 * time.Millisecond
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("waited %s for %s", within, what)
		}
		time.Sleep(pause)
		pause = min(2*pause, 250*time.Millisecond)
	}
	return time.Since(start)
}
