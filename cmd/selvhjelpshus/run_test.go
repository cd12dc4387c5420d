package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// output is a goroutine-safe stdout for run that tells when the app listens.
type output struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	listening chan string
}

var listenLine = regexp.MustCompile(`listening on (http://\S+)`)

func newOutput() *output { return &output{listening: make(chan string, 1)} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	before := listenLine.MatchString(o.buf.String())
	o.buf.Write(p)
	if m := listenLine.FindStringSubmatch(o.buf.String()); m != nil && !before {
		o.listening <- m[1]
	}
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

type app struct {
	url  string
	out  *output
	done chan error
	stop context.CancelFunc
}

// start runs the whole program, as main does, on dbURL and waits until it listens.
func start(t *testing.T, dbURL string, extra ...string) *app {
	t.Helper()
	env := map[string]string{"DATABASE_URL": dbURL, "ADDR": "127.0.0.1:0", "LOG_LEVEL": "warn"}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &app{out: newOutput(), done: make(chan error, 1), stop: cancel}
	go func() { a.done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, nil, a.out) }()
	select {
	case a.url = <-a.out.listening:
	case err := <-a.done:
		cancel()
		t.Fatalf("serve stopped before listening: %v\n%s", err, a.out)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("serve did not listen within a minute:\n%s", a.out)
	}
	t.Cleanup(func() { a.shutdown(t) })
	return a
}

// shutdown stops the app the way SIGTERM does and checks that it ends cleanly.
func (a *app) shutdown(t *testing.T) {
	if a.stop == nil {
		return
	}
	a.stop()
	a.stop = nil
	select {
	case err := <-a.done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(30 * time.Second):
		t.Error("serve did not shut down within 30 s")
	}
}

func status(t *testing.T, u string) int {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestServeMigratesANewDatabaseAndAnswers(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmptyURL(t)
	a := start(t, db)
	for _, p := range []string{"/healthz", "/readyz", "/"} {
		if got := status(t, a.url+p); got != http.StatusOK {
			t.Errorf("GET %s = %d", p, got)
		}
	}
	if !strings.Contains(a.out.String(), "SECRET_KEY=") {
		t.Error("a generated development secret must be printed once")
	}
	var tables int
	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if err := conn.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_tables WHERE tablename IN ('sessions','themes','rooms')`).Scan(&tables); err != nil || tables != 3 {
		t.Errorf("schema after start: %d tables, %v", tables, err)
	}
	a.shutdown(t)
}

// Two instances started at once on one new database: the migrations run once and both serve.
func TestTwoInstancesMigrateOnce(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmptyURL(t)
	var wg sync.WaitGroup
	apps := make([]*app, 2)
	for i := range apps {
		wg.Add(1)
		go func() { defer wg.Done(); apps[i] = start(t, db) }()
	}
	wg.Wait()
	for _, a := range apps {
		if a == nil {
			t.FailNow()
		}
		if got := status(t, a.url+"/readyz"); got != http.StatusOK {
			t.Errorf("readyz = %d", got)
		}
	}
	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var applied, distinct int
	err = conn.QueryRow(context.Background(),
		`SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &distinct)
	if err != nil || applied != distinct || applied == 0 {
		t.Errorf("goose_db_version: %d rows for %d versions (%v): a migration ran twice", applied, distinct, err)
	}
}

func TestMigrateStatusAndVersion(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmptyURL(t)
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": db}[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "status"}, getenv, nil, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "00001_foundation.sql") || !strings.Contains(out.String(), "pending") {
		t.Errorf("status before up:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "up"}, getenv, nil, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "status"}, getenv, nil, &out); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`00001_foundation\.sql\s+applied \d{4}-`).MatchString(out.String()) {
		t.Errorf("status after up:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"version"}, getenv, nil, &out); err != nil || !strings.HasPrefix(out.String(), "selvhjelpshus ") {
		t.Errorf("version: %q %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, getenv, nil, &out); err == nil {
		t.Error("an unknown command must fail")
	}
}

func TestSeedDemoIsIdempotent(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmptyURL(t)
	key := base64.StdEncoding.EncodeToString([]byte("demo seed secret key of 32 bytes"))
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": db, "SECRET_KEY": key}[k] }
	counts := func() (rooms, themes int) {
		conn, err := pgx.Connect(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		conn.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM rooms), (SELECT count(*) FROM themes)`).Scan(&rooms, &themes)
		return
	}
	for i := 0; i < 2; i++ {
		if err := run(context.Background(), []string{"seed", "--demo"}, getenv, nil, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	r, th := counts()
	if r < 4 || th < 10 {
		t.Fatalf("demo data: %d rooms, %d themes", r, th)
	}
	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var lic int
	conn.QueryRow(context.Background(), `SELECT count(*) FROM licences`).Scan(&lic)
	conn.Close(context.Background())
	if lic != 5 {
		t.Errorf("%d demo licences, want 5", lic)
	}
	if err := run(context.Background(), []string{"seed", "--demo"}, getenv, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	if r2, th2 := counts(); r2 != r || th2 != th {
		t.Errorf("a second seed changed the counts: %d/%d → %d/%d", r, th, r2, th2)
	}
}

func TestProductionRefusesWeakConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "postgres://127.0.0.1:1/x", "APP_ENV": "production",
		"BASE_URL": "http://selvhjelp.example", "SECRET_KEY": "MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6"}
	err := run(context.Background(), nil, func(k string) string { return env[k] }, nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("http BASE_URL in production: %v", err)
	}
	env["BASE_URL"], env["SECRET_KEY"] = "https://selvhjelp.example", ""
	err = run(context.Background(), nil, func(k string) string { return env[k] }, nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SECRET_KEY") {
		t.Errorf("missing secret in production: %v", err)
	}
}

func TestUserCreate(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmptyURL(t)
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": db}[k] }
	var out bytes.Buffer
	err := run(context.Background(), []string{"user", "create", "--email", "Sjef@Example.no", "--name", "Sjefen", "--role", "admin", "--password-stdin"},
		getenv, strings.NewReader("en-lang-og-god-setning\n"), &out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "password") {
		t.Errorf("a password from stdin must not be printed: %q", out.String())
	}
	out.Reset()
	err = run(context.Background(), []string{"user", "create", "--email", "ny@example.no", "--name", "Ny", "--role", "staff"}, getenv, nil, &out)
	m := regexp.MustCompile(`password \(shown once\): (\S+)`).FindStringSubmatch(out.String())
	if err != nil || m == nil || len(m[1]) < 20 {
		t.Fatalf("generated password: %v %q", err, out.String())
	}
	pool, err := pgxpool.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	users := auth.NewStore(pool)
	for email, pw := range map[string]string{"sjef@example.no": "en-lang-og-god-setning", "ny@example.no": m[1]} {
		if _, err := users.Authenticate(context.Background(), email, pw); err != nil {
			t.Errorf("login %s: %v", email, err)
		}
	}
	var audited int
	pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'user.created' AND actor_label = 'cli'`).Scan(&audited)
	if audited != 2 {
		t.Errorf("%d audit entries for two users", audited)
	}
	cases := map[string][]string{
		"role":    {"--email", "a@example.no", "--name", "A", "--role", "sjef"},
		"exists":  {"--email", "SJEF@example.no", "--name", "A", "--role", "staff"},
		"partner": {"--email", "p@example.no", "--name", "P", "--role", "partner", "--org", "Ukjent forening"},
	}
	for name, args := range cases {
		if err := run(context.Background(), append([]string{"user", "create"}, args...), getenv, nil, io.Discard); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := run(context.Background(), []string{"user", "create", "--email", "b@example.no", "--name", "B", "--role", "staff", "--password-stdin"},
		getenv, strings.NewReader("kort\n"), io.Discard); err == nil || !strings.Contains(err.Error(), "12") {
		t.Errorf("short password: %v", err)
	}
}
