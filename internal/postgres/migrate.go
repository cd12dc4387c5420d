package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/linkoslo/selvhjelpshuset/migrations"
)

// migrationLockID is the advisory lock key that serialises migrations across app instances
// ("selvhjelpshus" in ASCII, truncated to fit a bigint).
const migrationLockID int64 = 0x73656c7668_6a656c

// Migrator applies the embedded goose migrations and then River's own (the job queue behind
// the mail outbox). Several instances may start at once: Up and Down hold one session-level
// advisory lock around both, so exactly one instance applies a migration and the others
// find it done.
type Migrator struct {
	pool     *pgxpool.Pool
	db       *sql.DB
	provider *goose.Provider
	river    *rivermigrate.Migrator[pgx.Tx]
}

// NewMigrator builds a Migrator on pool. logOut receives one line per applied migration.
func NewMigrator(pool *pgxpool.Pool, logOut io.Writer) (*Migrator, error) {
	log := slog.New(slog.NewTextHandler(logOut, nil))
	// A pool of its own without the app's SessionLimits: building an index on a big table may
	// take longer than a page may, and waiting for the lock of another instance's migration
	// is the point.
	cfg := pool.Config().Copy()
	for k := range SessionLimits {
		cfg.ConnConfig.RuntimeParams[k] = "0"
	}
	cfg.MinConns, cfg.MaxConns = 0, 2
	own, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	db := stdlib.OpenDBFromPool(own)
	// No goose session locker: goose's lock would cover goose alone, and a second lock on the
	// same key from another session of this process would wait for ever. locked covers both.
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSlog(log))
	if err != nil {
		_ = db.Close()
		own.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	r, err := rivermigrate.New(riverpgxv5.New(own), &rivermigrate.Config{Logger: log})
	if err != nil {
		_ = db.Close()
		own.Close()
		return nil, fmt.Errorf("migrate: river: %w", err)
	}
	return &Migrator{pool: own, db: db, provider: p, river: r}, nil
}

// Close releases the migrator's connections (the app's pool stays open).
func (m *Migrator) Close() error {
	err := m.db.Close()
	m.pool.Close()
	return err
}

// Up applies every pending goose migration, then every pending River migration, and returns
// how many it applied of both together.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	n := 0
	err := m.locked(ctx, func() error {
		res, err := m.provider.Up(ctx)
		n += len(res)
		if err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		rr, err := m.river.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return fmt.Errorf("migrate up: river: %w", err)
		}
		n += len(rr.Versions)
		return nil
	})
	return n, err
}

// Down rolls back the most recent goose migration. Rolling back the first one also removes
// River's tables, which the first Up added, so that a full rollback leaves an empty database.
func (m *Migrator) Down(ctx context.Context) error {
	return m.locked(ctx, func() error {
		if _, err := m.provider.Down(ctx); err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		v, err := m.provider.GetDBVersion(ctx)
		if err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		if v > 0 {
			return nil
		}
		if _, err := m.river.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
			return fmt.Errorf("migrate down: river: %w", err)
		}
		return nil
	})
}

// Status writes one line per goose migration: its version, file, and when it was applied (or
// "pending"); then one line with River's schema version.
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
	have, err := m.river.ExistingVersions(ctx)
	if err != nil {
		return fmt.Errorf("migrate status: river: %w", err)
	}
	all := m.river.AllVersions()
	state := "pending"
	if len(have) > 0 {
		state = fmt.Sprintf("applied up to version %d", have[len(have)-1].Version)
	}
	fmt.Fprintf(w, "river  %-40s %s (latest %d)\n", "job queue (rivermigrate)", state, all[len(all)-1].Version)
	return nil
}

// locked runs fn while holding the migration lock. The lock lives on a connection of its
// own, outside the pool, which is closed at the end: ending the session releases the lock
// even when the context was cancelled, so it can never leak into a pooled connection.
// pg_advisory_lock waits instead of polling, so a second instance continues the moment the
// first has finished.
func (m *Migrator) locked(ctx context.Context, fn func() error) error {
	conn, err := pgx.ConnectConfig(ctx, m.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	return fn()
}
