package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/migrations"
)

func TestMapError(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	// SQL: the constraints and their mapping are under test, past any store's validation.
	if _, err := db.Exec(ctx, `INSERT INTO themes (slug, name_nb, name_en) VALUES ('angst', 'Angst', 'Anxiety')`); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(ctx, `INSERT INTO themes (slug, name_nb, name_en) VALUES ('angst', 'Angst', 'Anxiety')`)
	if !errors.Is(postgres.MapError(err), postgres.ErrConflict) {
		t.Errorf("duplicate slug: %v", postgres.MapError(err))
	}
	_, err = db.Exec(ctx, `INSERT INTO themes (slug, name_nb, name_en) VALUES ('Not A Slug', 'x', 'x')`)
	if !errors.Is(postgres.MapError(err), postgres.ErrInvalid) {
		t.Errorf("check violation: %v", postgres.MapError(err))
	}
	err = db.QueryRow(ctx, `SELECT id FROM themes WHERE slug = 'sorg'`).Scan(new(int64))
	if !errors.Is(postgres.MapError(err), postgres.ErrNotFound) || !errors.Is(postgres.MapError(err), pgx.ErrNoRows) {
		t.Errorf("no rows: %v", postgres.MapError(err))
	}
	if postgres.MapError(nil) != nil {
		t.Error("nil must stay nil")
	}
}

func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Nothing listens on port 1.
	_, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:1/x?connect_timeout=2")
	if err == nil || !postgres.IsUnavailable(err) || postgres.IsOverloaded(err) {
		t.Errorf("refused connection: %v; want unavailable, not overloaded", err)
	}
	db := pgtest.New(t)
	_, err = db.Exec(ctx, `SELECT * FROM no_such_table`)
	if err == nil || postgres.IsUnavailable(err) {
		t.Errorf("a query fault is not unavailability: %v", err)
	}
	if postgres.IsUnavailable(errors.New("plain")) {
		t.Error("a plain error is not unavailability")
	}

	// A server that has no connection left for us (53300) is unavailable too: the page says
	// "try again soon" (503), not "something broke" (500).
	role := fmt.Sprintf("no_room_%d", time.Now().UnixNano())
	if _, err := db.Exec(ctx, `CREATE ROLE `+role+` LOGIN CONNECTION LIMIT 0`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.Exec(context.Background(), `DROP ROLE `+role) })
	u, err := url.Parse(pgtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	_, err = pgx.Connect(ctx, u.String())
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "53300" || !postgres.IsUnavailable(err) || !postgres.IsOverloaded(err) {
		t.Errorf("too many connections: %v; want 53300, unavailable and overloaded", err)
	}
}

// The app's connections carry time limits for statements, lock waits and idle transactions,
// unless DATABASE_URL names its own; a statement over the limit is cut off by the server.
func TestOpenSetsSessionLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := pgtest.NewURL(t)
	pool, err := postgres.Open(ctx, u, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for k, want := range map[string]string{"statement_timeout": "30s", "lock_timeout": "5s", "idle_in_transaction_session_timeout": "1min"} {
		var got string
		if err := pool.QueryRow(ctx, `SHOW `+k).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", k, got, err, want)
		}
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	own, err := postgres.Open(ctx, u+sep+"statement_timeout=100", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	_, err = own.Exec(ctx, `SELECT pg_sleep(5)`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" {
		t.Errorf("a statement over the URL's own limit: %v; want it cancelled (57014)", err)
	}
}

func TestOpenGivesUpAfterWait(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, err := postgres.Open(context.Background(), "postgres://postgres@127.0.0.1:1/x?connect_timeout=1", time.Second)
	if err == nil {
		t.Fatal("Open succeeded without a server")
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("Open waited %v", time.Since(start))
	}
}

// Migrations go up, all the way down, and up again: every Down section works, and rolling
// back the first goose migration also removes River's schema, so nothing is left.
func TestMigrationsUpDownUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.NewEmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m, err := postgres.NewMigrator(pool, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	n, err := m.Up(ctx)
	files, _ := fs.Glob(migrations.FS, "*.sql")
	if err != nil || n <= len(files) {
		t.Fatalf("up: %d, %v; want the %d goose migrations and River's", n, err, len(files))
	}
	if got := count(t, pool, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('river_job', 'outbox')`); got != 2 {
		t.Fatalf("after up: %d of river_job and outbox exist", got)
	}
	for i := range files {
		if err := m.Down(ctx); err != nil {
			t.Fatalf("down %d: %v", i, err)
		}
		// River goes with the first migration only: the app's own downs leave it alone.
		if left := count(t, pool, `SELECT count(*) FROM pg_tables WHERE tablename = 'river_job'`); (left == 1) != (i < len(files)-1) {
			t.Fatalf("after down %d of %d: river_job tables = %d", i+1, len(files), left)
		}
	}
	if tables := count(t, pool, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`); tables != 0 {
		t.Errorf("%d tables left after all downs", tables)
	}
	if types := count(t, pool, `SELECT count(*) FROM pg_type WHERE typname = 'river_job_state'`); types != 0 {
		t.Errorf("River's enum type is left after all downs")
	}
	if again, err := m.Up(ctx); err != nil || again != n {
		t.Errorf("up again: %d, %v; want %d", again, err, n)
	}
}

// Several instances starting at once on a new database: one applies the migrations under the
// lock, the others wait and find nothing left to do.
func TestConcurrentUpMigratesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := pgtest.NewEmptyURL(t)
	const instances = 8
	pools := make([]*pgxpool.Pool, instances)
	for i := range pools {
		p, err := pgxpool.New(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		pools[i] = p
	}
	applied := make([]int, instances)
	errs := make([]error, instances)
	var ready, done sync.WaitGroup
	ready.Add(instances)
	start := make(chan struct{})
	for i := range instances {
		done.Go(func() {
			m, err := postgres.NewMigrator(pools[i], io.Discard)
			ready.Done()
			if err != nil {
				errs[i] = err
				return
			}
			defer m.Close()
			<-start // all at once, to make the race as likely as it can be
			applied[i], errs[i] = m.Up(ctx)
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
	busy := 0
	for i := range instances {
		if errs[i] != nil {
			t.Errorf("instance %d: %v", i, errs[i])
		}
		if applied[i] > 0 {
			busy++
		}
	}
	if busy != 1 {
		t.Errorf("applied per instance = %v; want exactly one instance to migrate", applied)
	}
	if v := count(t, pools[0], `SELECT count(*) - count(DISTINCT version) FROM river_migration`); v != 0 {
		t.Errorf("a River migration was recorded twice")
	}
}

func count(t *testing.T, db *pgxpool.Pool, sql string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestDroppedConnectionIsUnavailable(t *testing.T) {
	t.Parallel()
	for _, err := range []error{io.ErrUnexpectedEOF, fmt.Errorf("groups: themes: %w", io.ErrUnexpectedEOF),
		&net.OpError{Op: "read", Err: errors.New("connection reset by peer")}} {
		if !postgres.IsUnavailable(err) {
			t.Errorf("IsUnavailable(%v) = false", err)
		}
	}
}
