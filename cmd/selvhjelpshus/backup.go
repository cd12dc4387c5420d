package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/localdb"
)

// The backup holds everything, personal data included: it is written readable by its owner
// only, and must be kept as carefully as the database itself.
const backupUsage = "usage: selvhjelpshus backup [--out FILE] | restore FILE (into an empty DATABASE_URL)"

// backup writes the whole database at DATABASE_URL with pg_dump in its custom format
// (compressed, restorable table by table) to --out, by default
// .data/backups/selvhjelpshus-<UTC time>.dump.
func backup(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "the file to write")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errors.New(backupUsage)
	}
	dbURL := getenv("DATABASE_URL")
	if dbURL == "" {
		return errors.New("backup: DATABASE_URL is not set")
	}
	if *out == "" {
		*out = filepath.Join(".data", "backups", "selvhjelpshus-"+time.Now().UTC().Format("20060102-150405")+".dump")
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	err = pgTool(ctx, "pg_dump", f, "--format=custom", "--no-owner", "--no-privileges", "--dbname="+dbURL)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(*out) // never leave half a backup that looks whole
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup written to %s\n", *out)
	return nil
}

// restore loads a backup into DATABASE_URL in one transaction. The database must be empty (a
// new one): restoring over live data would mix two states, so that is refused. The app then
// starts on it as on the original; migrations newer than the backup run at start.
func restore(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New(backupUsage)
	}
	dbURL := getenv("DATABASE_URL")
	if dbURL == "" {
		return errors.New("restore: DATABASE_URL is not set")
	}
	if _, err := os.Stat(args[0]); err != nil { // #nosec G703 -- the operator names the backup file to restore on the command line
		return fmt.Errorf("restore: %w", err)
	}
	if err := requireEmpty(ctx, dbURL); err != nil {
		return err
	}
	err := pgTool(ctx, "pg_restore", io.Discard, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
		"--dbname="+dbURL, args[0])
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "restored %s\n", args[0])
	return nil
}

// requireEmpty refuses a database that has tables of its own (the public schema's).
func requireEmpty(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("restore: the database already has %d tables; restore into a new, empty database", n)
	}
	return nil
}

// pgTool runs a PostgreSQL client program with its output to out and its messages kept for
// the error.
func pgTool(ctx context.Context, name string, out io.Writer, args ...string) error {
	path, err := localdb.Tool(name)
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...) // #nosec G204 G702 -- a PostgreSQL client found by localdb.Tool, arguments passed without a shell
	cmd.Stdout, cmd.Stderr = out, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
