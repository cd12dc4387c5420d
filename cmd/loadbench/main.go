// Command loadbench is the HTTP half of `make bench`: it starts our app and the reference
// server (../shared/bench/reference) on the same PostgreSQL, loads both with the same closed-loop
// load generator, alternating the order round by round (A B, B A, …), and prints a table of
// req/s, latency, server CPU per request and memory, with the ratio of each of our pages to
// the reference as the median of the per-round ratios. The table and a description of the
// machine are written to BENCHMARKS.md.
//
// Loopback only: every server it starts listens on 127.0.0.1.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

type options struct {
	App, RefDir, DB, RefDB, Out, GoBench, Only, LogDir, SecretKey string
	Rounds, Conc                                                  int
	Duration, Warmup                                              time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.App, "app", "bin/selvhjelpshus", "our binary")
	flag.StringVar(&o.RefDir, "ref", "../shared/bench/reference", "the reference server's source folder")
	flag.StringVar(&o.DB, "db", "", "our database (with the large data set)")
	flag.StringVar(&o.RefDB, "refdb", "", "the reference's database (made anew from its schema.sql)")
	flag.StringVar(&o.Out, "out", "BENCHMARKS.md", "where to write the result")
	flag.StringVar(&o.GoBench, "gobench", "", "a file with `go test -bench` output to include")
	flag.StringVar(&o.Only, "only", "", "a regexp: measure only the pages whose name matches")
	flag.StringVar(&o.LogDir, "logs", os.TempDir(), "where the servers' logs go")
	flag.StringVar(&o.SecretKey, "secret-key", os.Getenv("SECRET_KEY"), "our app's SECRET_KEY")
	flag.IntVar(&o.Rounds, "rounds", 3, "rounds (each page on both servers, order alternating)")
	flag.IntVar(&o.Conc, "c", 64, "connections")
	flag.DurationVar(&o.Duration, "d", 5*time.Second, "duration of one run")
	flag.DurationVar(&o.Warmup, "warmup", time.Second, "warm-up per page and server before the rounds")
	flag.Parse()
	if err := run(o); err != nil {
		log.Fatal("loadbench: ", err)
	}
}

func run(o options) error {
	if o.DB == "" || o.RefDB == "" {
		return fmt.Errorf("-db and -refdb are required")
	}
	ctx := context.Background()
	only, err := regexp.Compile(o.Only)
	if err != nil {
		return err
	}
	ours, err := pgxpool.New(ctx, o.DB)
	if err != nil {
		return err
	}
	defer ours.Close()
	refdb, err := pgxpool.New(ctx, o.RefDB)
	if err != nil {
		return err
	}
	defer refdb.Close()
	if err := resetReference(ctx, refdb, o.RefDir); err != nil {
		return err
	}
	refBin, err := filepath.Abs("bin/benchref")
	if err != nil {
		return err
	}
	build := exec.Command("go", "build", "-o", refBin, ".") // #nosec G204 -- go build of the reference server into our bin/, no shell
	build.Dir, build.Stdout, build.Stderr = o.RefDir, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the reference: %w", err)
	}
	srv, err := startAll(o, refBin)
	defer srv.stop()
	if err != nil {
		return err
	}
	fx, err := prepare(ctx, ours, refdb, srv)
	if err != nil {
		return err
	}
	var ts []target
	for _, t := range fx.targets() {
		if only.MatchString(t.Name) {
			ts = append(ts, t)
		}
	}
	rows := measure(ctx, o, fx, ours, refdb, srv, ts)
	machine, err := describe(ctx, ours, o)
	if err != nil {
		return err
	}
	return writeReport(o, machine, rows, srv)
}

// servers are the three processes under load: ours, the reference as a plain page server
// (net/http, html/template) and the reference with sessions, for the staff pages; both
// references serialise bookings per room (-lockroom).
type servers struct{ App, RefPlain, RefSess *server }

func (s servers) stop() {
	s.App.stop()
	s.RefPlain.stop()
	s.RefSess.stop()
}

func startAll(o options, refBin string) (servers, error) {
	var s servers
	var err error
	env := []string{"DATABASE_URL=" + o.DB, "ADDR=127.0.0.1:18080", "ADMIN_ADDR=127.0.0.1:18090", "APP_ENV=development",
		"BASE_URL=http://127.0.0.1:18080", "TRUSTED_PROXIES=1", "SECRET_KEY=" + o.SecretKey}
	s.App, err = start("app", "http://127.0.0.1:18080", "/readyz", filepath.Join(o.LogDir, "loadbench-app.log"), env, o.App, "serve")
	if err != nil {
		return s, err
	}
	ref := []string{"-dsn", o.RefDB, "-router", "std", "-tmpl", "html", "-lockroom"}
	s.RefPlain, err = start("reference", "http://127.0.0.1:18081", "/plain", filepath.Join(o.LogDir, "loadbench-ref.log"), nil,
		refBin, append(ref, "-addr", "127.0.0.1:18081")...)
	if err != nil {
		return s, err
	}
	s.RefSess, err = start("reference+sessions", "http://127.0.0.1:18082", "/plain", filepath.Join(o.LogDir, "loadbench-refsess.log"), nil,
		refBin, append(ref, "-addr", "127.0.0.1:18082", "-sessions")...)
	return s, err
}
