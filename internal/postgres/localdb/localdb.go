// Package localdb finds a PostgreSQL server for make run and make test on a machine where
// nothing is configured: the machine's own server on 127.0.0.1:5432 when it answers, otherwise
// a project-private cluster under .data/ started with the machine's initdb and pg_ctl. Either
// way the named database is created when it is missing, and a URL to it is returned.
package localdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// SystemURL is where the machine's own PostgreSQL is looked for first.
const SystemURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=3"

// ErrNotInstalled means there is no PostgreSQL server to use and none to start.
var ErrNotInstalled = errors.New("PostgreSQL is not installed: install it with 'sudo apt-get install postgresql' " +
	"(Debian/Ubuntu) or 'brew install postgresql' (macOS), or set DATABASE_URL / TEST_DATABASE_URL")

// Options says which database to prepare and where a private cluster lives.
type Options struct {
	Database string    // database to create when missing
	DataDir  string    // absolute directory of the private cluster
	Port     int       // port of the private cluster
	Log      io.Writer // progress of initdb and pg_ctl; nil discards it
	System   string    // server to try first; empty means SystemURL
}

// Stop stops the private cluster in dataDir (tests use it; make run leaves it running).
func Stop(ctx context.Context, dataDir string) error {
	bin, err := findBinDir()
	if err != nil {
		return err
	}
	asUser, err := runAs(dataDir)
	if err != nil {
		return err
	}
	return run(ctx, io.Discard, asUser, filepath.Join(bin, "pg_ctl"), "-D", dataDir, "-m", "fast", "-w", "stop")
}

// Ensure returns a URL to o.Database on a server that answers, setting one up if needed.
func Ensure(ctx context.Context, o Options) (string, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	system := o.System
	if system == "" {
		system = SystemURL
	}
	if err := ping(ctx, system); err == nil {
		return withDatabase(ctx, system, o.Database)
	}
	private := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=3", o.Port)
	if err := ping(ctx, private); err != nil {
		if err := startPrivate(ctx, o); err != nil {
			return "", err
		}
	}
	return withDatabase(ctx, private, o.Database)
}

func ping(ctx context.Context, u string) error {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// withDatabase creates name on the server of admin when it is missing and returns its URL.
func withDatabase(ctx context.Context, admin, name string) (string, error) {
	if !validName(name) {
		return "", fmt.Errorf("localdb: %q is not a plain database name", name)
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("localdb: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("localdb: %w", err)
	}
	if !exists {
		// Two test binaries may race to create it; the loser finds it there.
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			if err2 := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err2 != nil || !exists {
				return "", fmt.Errorf("localdb: create database %s: %w", name, err)
			}
		}
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("connect_timeout")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func validName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// startPrivate initialises the cluster in o.DataDir when it is new and starts it on o.Port,
// listening on loopback only, with trust authentication for the local user postgres.
func startPrivate(ctx context.Context, o Options) error {
	bin, err := findBinDir()
	if err != nil {
		return err
	}
	asUser, err := runAs(o.DataDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(o.DataDir, "PG_VERSION")); err != nil {
		fmt.Fprintf(o.Log, "localdb: creating a private PostgreSQL cluster in %s\n", o.DataDir)
		if err := run(ctx, o.Log, asUser, filepath.Join(bin, "initdb"), "-D", o.DataDir, "-U", "postgres",
			"--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"); err != nil {
			return fmt.Errorf("localdb: initdb: %w", err)
		}
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s", o.Port, o.DataDir)
	fmt.Fprintf(o.Log, "localdb: starting the private PostgreSQL on port %d\n", o.Port)
	if err := run(ctx, o.Log, asUser, filepath.Join(bin, "pg_ctl"), "-D", o.DataDir, "-l",
		filepath.Join(o.DataDir, "server.log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		return fmt.Errorf("localdb: pg_ctl start (see %s): %w", filepath.Join(o.DataDir, "server.log"), err)
	}
	return nil
}

// findBinDir finds initdb and pg_ctl on PATH or in Debian's versioned directories.
func findBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNotInstalled
}

// Tool finds a PostgreSQL client program (pg_dump, pg_restore): the newest of Debian's
// versioned directories, which can read every older server, else the one on PATH.
func Tool(name string) (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return filepath.Join(d, name), nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s: %w", name, ErrNotInstalled)
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// runAs returns the user to run the server as. PostgreSQL refuses to run as root, so root
// hands the cluster to the system user postgres when there is one.
func runAs(dataDir string) (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, os.MkdirAll(dataDir, 0o700)
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("localdb: PostgreSQL cannot run as root and there is no user 'postgres'; " +
			"run as another user or set DATABASE_URL / TEST_DATABASE_URL")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	// Through an os.Root, so a symbolic link swapped in during the walk cannot lead the
	// chown outside the data directory.
	root, err := os.OpenRoot(dataDir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return u, fs.WalkDir(root.FS(), ".", func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return root.Lchown(p, uid, gid)
	})
}

func run(ctx context.Context, log io.Writer, as *user.User, name string, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if as != nil {
		args = append([]string{"-u", as.Username, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.CommandContext(ctx, name, args...) // #nosec G204 -- PostgreSQL's own programs (or runuser), arguments passed without a shell
	cmd.Stdout, cmd.Stderr = log, log
	return cmd.Run()
}
