// Package postgres opens the connection pool, applies the embedded migrations and translates
// PostgreSQL errors into the domain errors every store speaks.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DBTX is what a store needs from the database: a pool, a connection or a transaction. Stores
// take it so that a cross-feature workflow can run several stores on one transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// Domain errors returned by stores. Handlers compare with errors.Is.
var (
	// ErrNotFound means the row does not exist (or is not visible to the caller).
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness or exclusion rule refused the change.
	ErrConflict = errors.New("conflict")
	// ErrInvalid means the database refused a value (a CHECK or foreign key).
	ErrInvalid = errors.New("invalid")
)

// SessionLimits are set on every connection Open makes, unless DATABASE_URL sets its own: a
// statement, a wait for a lock or a transaction left open gives up rather than stall every page
// behind it (a held lock once stalled every page for seconds). A request gives up after 30
// seconds anyway; the annual report and the jobs finish well within these. Migrations run
// without them (NewMigrator).
var SessionLimits = map[string]string{
	"statement_timeout":                   "30s",
	"lock_timeout":                        "5s",
	"idle_in_transaction_session_timeout": "60s",
}

// Open connects a pool to url and waits until the database answers or wait has passed, so
// that the app can start while PostgreSQL is still coming up.
func Open(ctx context.Context, url string, wait time.Duration) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse DATABASE_URL: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	for k, v := range SessionLimits {
		if _, set := cfg.ConnConfig.RuntimeParams[k]; !set {
			cfg.ConnConfig.RuntimeParams[k] = v
		}
	}
	cfg.HealthCheckPeriod = 15 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		err = pool.Ping(ctx)
		if err == nil {
			return pool, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			pool.Close()
			return nil, fmt.Errorf("postgres: database does not answer: %w", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// MapError translates a PostgreSQL error into ErrConflict (unique 23505, exclusion 23P01,
// deadlock 40P01, serialisation 40001), ErrInvalid (check 23514, foreign key 23503, not null
// 23502, bad text 22xxx) or ErrNotFound (pgx.ErrNoRows); other errors pass through unchanged.
// The original error stays in the chain.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch {
	case pgErr.Code == "23505", pgErr.Code == "23P01", pgErr.Code == "40P01", pgErr.Code == "40001":
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case pgErr.Code == "23514", pgErr.Code == "23503", pgErr.Code == "23502", pgErr.Code[:2] == "22":
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return err
}

// IsUnavailable reports whether err means the database cannot be reached right now (connection
// refused or lost, server shutting down), as opposed to a fault in a query. The web layer
// answers such errors with 503 instead of 500.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01–57P03: admin shutdown, crash, cannot connect
		// now; class 53: insufficient resources (53300 too many connections, out of memory,
		// disk full) — the server is there but cannot take us now.
		return pgErr.Code[:2] == "08" || pgErr.Code[:2] == "53" || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return true
	}
	// A pooled connection that the server (or the network) dropped fails its next query with
	// an unexpected EOF or a reset: the database is away, the query was not at fault.
	var opErr *net.OpError
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &opErr) {
		return true
	}
	return pgconn.SafeToRetry(err) || pgconn.Timeout(err) && !errors.Is(err, context.Canceled)
}

// IsOverloaded reports whether err means the database is up but cannot take more of us now
// (SQLSTATE class 53: too many connections, out of memory, disk full): unlike an outage, a
// ping on a connection already open still works, so readiness must remember it.
func IsOverloaded(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code[:2] == "53"
}

// beginner is a pool, a connection or a transaction (where Begin makes a savepoint).
type beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// InTx runs fn in a transaction of its own on db, so that a store method of several
// statements lands whole whether its caller passed a pool or a transaction (then it nests
// as a savepoint).
func InTx(ctx context.Context, db DBTX, fn func(tx pgx.Tx) error) error {
	b, ok := db.(beginner)
	if !ok {
		return errors.New("postgres: the database handle cannot begin a transaction")
	}
	return pgx.BeginFunc(ctx, b, fn)
}
