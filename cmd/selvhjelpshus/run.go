package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/cache"
	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/metrics"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/localdb"
	"github.com/linkoslo/selvhjelpshuset/internal/server"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `usage: selvhjelpshus [serve | migrate up|down|status | seed --demo | seed --large [--seed N] [--scale F] | user create … | localdb [--name N] | rotate-key | backup [--out FILE] | restore FILE | healthcheck | version]`

// run is the whole program; main only gives it the process's context, arguments, environment
// and output, so tests can start it the same way.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, getenv, stdout)
	case "migrate":
		return migrate(ctx, args, getenv, stdout)
	case "seed":
		return seed(ctx, args, getenv, stdout)
	case "user":
		return userCmd(ctx, args, getenv, stdin, stdout)
	case "localdb":
		return localDB(ctx, args, stdout)
	case "rotate-key":
		return rotateKey(ctx, getenv, stdout)
	case "backup":
		return backup(ctx, args, getenv, stdout)
	case "restore":
		return restore(ctx, args, getenv, stdout)
	case "healthcheck":
		return healthcheck(ctx, getenv)
	case "version":
		fmt.Fprintln(stdout, "selvhjelpshus", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// defaultMemoryLimit is the heap's soft limit when GOMEMLIMIT is not set.
const defaultMemoryLimit = 40 << 20

func serve(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if err := i18n.Check(); err != nil {
		return err
	}
	log := newLogger(cfg, stdout)
	if getenv("GOMEMLIMIT") == "" {
		// A soft limit on the heap: the garbage collector works harder near it, so that a rush
		// does not double the memory in use (GOGC's headroom). GOMEMLIMIT overrides it.
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if cfg.SecretGenerated {
		fmt.Fprintf(stdout, "SECRET_KEY is not set; this run uses a new one. Keep it by setting:\n  SECRET_KEY=%s\n", config.EncodeSecret(cfg.Secret))
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 30*time.Second)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := migrateUp(ctx, pool, log); err != nil {
		return err
	}
	seal, err := mail.NewSeal(cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return err
	}
	jobs, err := newJobRunner(ctx, cfg, pool, seal, log)
	if err != nil {
		return err
	}
	defer stopJobRunner(jobs, log)
	srv, err := server.New(cfg, pool, log, mail.NewOutbox(jobs, cfg.BaseURL, seal))
	if err != nil {
		return err
	}
	defer srv.Close()
	// The public pages' memos, kept fresh by the database's table_changed notifications.
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watcher := cache.NewWatcher(pool, log)
	go watcher.Run(watchCtx)
	srv.SetCache(watcher)
	if cfg.AdminAddr != "" {
		m := metrics.New(pool)
		srv.SetMetrics(m.Middleware)
		stopAdmin, err := startAdmin(ctx, cfg.AdminAddr, m, log, stdout)
		if err != nil {
			return err
		}
		defer stopAdmin()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "Selvhjelpshuset is listening on http://%s\n", ln.Addr())
	err = server.Serve(ctx, server.NewHTTPServer(srv.Handler(), log), ln, 20*time.Second)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	log.Info("stopped")
	return err
}

func migrateUp(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	m, err := postgres.NewMigrator(pool, io.Discard)
	if err != nil {
		return err
	}
	defer m.Close()
	n, err := m.Up(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("migrated", "applied", n)
	}
	return nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: selvhjelpshus migrate up|down|status")
	}
	pool, err := openFromEnv(ctx, getenv)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := postgres.NewMigrator(pool, stdout)
	if err != nil {
		return err
	}
	defer m.Close()
	switch args[0] {
	case "up":
		n, err := m.Up(ctx)
		fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
		return err
	case "down":
		return m.Down(ctx)
	case "status":
		return m.Status(ctx, stdout)
	}
	return fmt.Errorf("unknown migrate command %q: use up, down or status", args[0])
}

// localDB prints a URL to a database on the machine's PostgreSQL, or on a project-private
// cluster under .data/ when there is none, so make run and make test need no set-up.
func localDB(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("localdb", flag.ContinueOnError)
	name := fs.String("name", "selvhjelpshus", "database name")
	dir := fs.String("dir", ".data", "directory of the project-private cluster")
	if err := fs.Parse(args); err != nil {
		return err
	}
	abs, err := filepath.Abs(filepath.Join(*dir, "postgres"))
	if err != nil {
		return err
	}
	u, err := localdb.Ensure(ctx, localdb.Options{Database: *name, DataDir: abs, Port: 55432, Log: os.Stderr})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, u)
	return nil
}

// healthcheck asks a running instance on ADDR whether it is ready; container images have no
// curl, so the binary checks itself.
func healthcheck(ctx context.Context, getenv func(string) string) error {
	host, port, err := net.SplitHostPort(cmp.Or(getenv("ADDR"), "127.0.0.1:8080"))
	if err != nil {
		return err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /readyz answered %d", res.StatusCode)
	}
	return nil
}

func openFromEnv(ctx context.Context, getenv func(string) string) (*pgxpool.Pool, error) {
	u := getenv("DATABASE_URL")
	if u == "" {
		return nil, errors.New("DATABASE_URL is not set")
	}
	return postgres.Open(ctx, u, 30*time.Second)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.Production() {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openMigrated opens DATABASE_URL and brings its schema up to date, for the commands that
// write data (seed, user create).
func openMigrated(ctx context.Context, getenv func(string) string) (*pgxpool.Pool, error) {
	pool, err := openFromEnv(ctx, getenv)
	if err != nil {
		return nil, err
	}
	if err := migrateUp(ctx, pool, discardLogger()); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
