// Package pgtest gives each test a fresh, migrated PostgreSQL database in milliseconds: the
// migrations run once per set of migration files into a template database, and every test
// clones it with CREATE DATABASE … TEMPLATE and drops its clone when it ends.
//
// The server comes from TEST_DATABASE_URL; when that is unset, from localdb (the machine's
// PostgreSQL on 127.0.0.1:5432, or a project-private cluster under .data/). Without a reachable
// server the tests fail with a message saying how to get one: they never skip.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/localdb"
	"github.com/linkoslo/selvhjelpshuset/migrations"
)

var (
	once     sync.Once
	adminURL string // server URL on the maintenance database
	tplName  string // migrated template database
	setupErr error
)

// New returns a pool on a fresh migrated database that is dropped when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	u := NewURL(t)
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewURL creates a fresh migrated database and returns its URL, for tests that hand the URL to
// the real binary or to a server they start. The database is dropped when the test ends.
func NewURL(t testing.TB) string {
	t.Helper()
	once.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("pgtest: %v", setupErr)
	}
	return create(t, tplName)
}

// create makes a database from template (empty: the server's default) and drops it when the
// test ends.
func create(t testing.TB, template string) string {
	t.Helper()
	name := "t_" + randomHex(8)
	sql := "CREATE DATABASE " + name
	if template != "" {
		sql += " TEMPLATE " + template
	}
	if err := adminExec(context.Background(), sql); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if err := adminExec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return withDatabase(adminURL, name)
}

// NewEmptyURL creates a fresh database without any migration applied and returns its URL,
// for tests of the migrations themselves and of a first start. It is dropped when the test
// ends.
func NewEmptyURL(t testing.TB) string {
	t.Helper()
	once.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("pgtest: %v", setupErr)
	}
	return create(t, "")
}

func setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		u, err := localdb.Ensure(ctx, localdb.Options{
			Database: "selvhjelpshus_test",
			DataDir:  filepath.Join(repoRoot(), ".data", "postgres"),
			Port:     55432,
			Log:      io.Discard,
		})
		if err != nil {
			return fmt.Errorf("no test database: %w (or set TEST_DATABASE_URL)", err)
		}
		base = u
	}
	adminURL = base
	sum, err := migrationsHash()
	if err != nil {
		return err
	}
	tplName = "selvhjelpshus_tpl_" + sum[:12]
	return ensureTemplate(ctx)
}

// ensureTemplate creates and migrates the template once; the advisory lock keeps test
// binaries of several packages, started in parallel by go test, from racing.
func ensureTemplate(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("cannot reach the test database server (%s): %w", redact(adminURL), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7301)"); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(7301)")
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", tplName).Scan(&exists); err != nil {
		return fmt.Errorf("look for template: %w", err)
	}
	if exists {
		return nil
	}
	building := tplName + "_build"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop half-built template: %w", err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	if err := migrate(ctx, withDatabase(adminURL, building)); err != nil {
		return err
	}
	// Renaming only after a complete migration means a crash never leaves a broken template.
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, tplName)); err != nil {
		return fmt.Errorf("rename template: %w", err)
	}
	return nil
}

func migrate(ctx context.Context, u string) error {
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		return fmt.Errorf("connect template: %w", err)
	}
	defer pool.Close()
	m, err := postgres.NewMigrator(pool, io.Discard)
	if err != nil {
		return err
	}
	defer m.Close()
	_, err = m.Up(ctx)
	return err
}

func adminExec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// migrationsHash names the template after the migration files and River's migrations, so a
// changed or added migration, or a River upgrade, gets a new template instead of a stale one.
func migrationsHash() (string, error) {
	h := sha256.New()
	river, err := rivermigrate.New(riverpgxv5.New(nil), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	for _, v := range river.AllVersions() {
		h.Write([]byte(v.SQLUp))
	}
	err = fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "an unparsable URL"
	}
	return u.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// repoRoot finds the module root from this file's location, so the private cluster is the
// same .data/ that make run uses.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}
