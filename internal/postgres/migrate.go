package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/linkoslo/selvhjelpshuset/migrations"
)

// migrationLockID is the advisory lock key that serialises migrations across app instances
// ("selvhjelpshus" in ASCII, truncated to fit a bigint).
const migrationLockID int64 = 0x73656c7668_6a656c

// Migrator applies the embedded migrations. Several instances may start at once: each takes
// the same session-level advisory lock before looking at the version table, so exactly one
// applies a migration and the others find it done.
type Migrator struct {
	db       *sql.DB
	provider *goose.Provider
}

// NewMigrator builds a Migrator on pool. logOut receives one line per applied migration.
func NewMigrator(pool *pgxpool.Pool, logOut io.Writer) (*Migrator, error) {
	db := stdlib.OpenDBFromPool(pool)
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithSessionLocker(advisoryLocker{}),
		goose.WithSlog(slog.New(slog.NewTextHandler(logOut, nil))),
	)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return &Migrator{db: db, provider: p}, nil
}

// Close releases the migrator's database handle (the pool stays open).
func (m *Migrator) Close() error { return m.db.Close() }

// Up applies every pending migration and returns how many it applied.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	res, err := m.provider.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate up: %w", err)
	}
	return len(res), nil
}

// Down rolls back the most recent migration.
func (m *Migrator) Down(ctx context.Context) error {
	if _, err := m.provider.Down(ctx); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// Status writes one line per migration: its version, file, and when it was applied (or
// "pending").
func (m *Migrator) Status(ctx context.Context, w io.Writer) error {
	list, err := m.provider.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	for _, s := range list {
		applied := "pending"
		if s.State == goose.StateApplied {
			applied = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(w, "%05d  %-40s %s\n", s.Source.Version, s.Source.Path, applied)
	}
	return nil
}

// advisoryLocker waits on pg_advisory_lock instead of polling a try-lock, so a second
// instance starts the moment the first has finished migrating.
type advisoryLocker struct{}

func (advisoryLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID)
	return err
}

func (advisoryLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", migrationLockID)
	return err
}
