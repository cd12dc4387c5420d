package postgres_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

func TestMapError(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
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
	ctx := context.Background()
	// Nothing listens on port 1.
	_, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:1/x?connect_timeout=2")
	if err == nil || !postgres.IsUnavailable(err) {
		t.Errorf("refused connection: IsUnavailable(%v) = false", err)
	}
	db := pgtest.New(t)
	_, err = db.Exec(ctx, `SELECT * FROM no_such_table`)
	if err == nil || postgres.IsUnavailable(err) {
		t.Errorf("a query fault is not unavailability: %v", err)
	}
	if postgres.IsUnavailable(errors.New("plain")) {
		t.Error("a plain error is not unavailability")
	}
}

func TestOpenGivesUpAfterWait(t *testing.T) {
	start := time.Now()
	_, err := postgres.Open(context.Background(), "postgres://postgres@127.0.0.1:1/x?connect_timeout=1", time.Second)
	if err == nil {
		t.Fatal("Open succeeded without a server")
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("Open waited %v", time.Since(start))
	}
}

// Migrations go up, all the way down, and up again: every Down section works.
func TestMigrationsUpDownUp(t *testing.T) {
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
	if err != nil || n == 0 {
		t.Fatalf("up: %d, %v", n, err)
	}
	for i := 0; i < n; i++ {
		if err := m.Down(ctx); err != nil {
			t.Fatalf("down %d: %v", i, err)
		}
	}
	var tables int
	pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`).Scan(&tables)
	if tables != 0 {
		t.Errorf("%d tables left after all downs", tables)
	}
	if again, err := m.Up(ctx); err != nil || again != n {
		t.Errorf("up again: %d, %v", again, err)
	}
}
