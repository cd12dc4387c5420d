package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// testApp is the real router on a fresh database, served over loopback.
type testApp struct {
	*httptest.Server
	db   *pgxpool.Pool
	srv  *Server
	logs *syncBuffer
	fx   *fixture.Builder // made on first use by fixtures
}

// fixtures returns the builder that makes the rows a test starts from through the feature
// stores. One builder per database numbers the default names of every helper's rows, so two
// helpers never make the same name. Helpers call it from the test's own goroutine.
func (a *testApp) fixtures(t *testing.T) *fixture.Builder {
	if a.fx == nil {
		a.fx = fixture.New(t, a.db)
	}
	return a.fx
}

// syncBuffer is a log destination that handlers on many goroutines may write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestApp(t *testing.T, env map[string]string) *testApp {
	t.Helper()
	return newTestAppOn(t, env, pgtest.New(t))
}

// newTestAppOn is newTestApp on the pool db.
func newTestAppOn(t *testing.T, env map[string]string, db *pgxpool.Pool) *testApp {
	t.Helper()
	base := map[string]string{"DATABASE_URL": "postgres://unused", "APP_ENV": "development", "BASE_URL": "http://selvhjelp.test"}
	for k, v := range env {
		base[k] = v
	}
	cfg, err := config.Load(func(k string) string { return base[k] })
	if err != nil {
		t.Fatal(err)
	}
	a := &testApp{db: db, logs: &syncBuffer{}}
	a.srv, err = New(cfg, a.db, slog.New(slog.NewTextHandler(a.logs, nil)), testOutbox(t, a.db, cfg.BaseURL))
	if err != nil {
		t.Fatal(err)
	}
	a.Server = httptest.NewServer(a.srv.Handler())
	t.Cleanup(func() { a.Close(); a.srv.Close() })
	return a
}

// client is a browser: it keeps cookies, sends same-origin headers on posts and does not
// follow redirects, so tests see them.
type client struct {
	t    *testing.T
	app  *testApp
	http *http.Client
}

func (a *testApp) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, app: a, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.app.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// sessionCookie returns the value of the session cookie the client holds.
func (c *client) sessionCookie() string {
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "session" {
			return ck.Value
		}
	}
	return ""
}

const testPassword = "en-lang-og-god-setning"

// login logs c in and fails the test when that does not land on a page of the app.
func (c *client) login(email string) *client {
	c.t.Helper()
	res, body := c.post("/logg-inn", url.Values{"email": {email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || strings.HasPrefix(res.Header.Get("Location"), "/logg-inn") {
		c.t.Fatalf("login %s = %d to %q\n%s", email, res.StatusCode, res.Header.Get("Location"), body)
	}
	return c
}

// people are the accounts of the authorisation tests: two partner organisations, staff and
// an admin, and a target user the admin acts on.
type people struct {
	orgA, orgB                               orgs.Org
	partnerA, partnerB, staff, admin, target auth.User
}

func (a *testApp) people(t *testing.T) people {
	t.Helper()
	ctx := context.Background()
	var p people
	var err error
	os := orgs.NewStore(a.db)
	if p.orgA, err = os.Create(ctx, "Foreningen Alfa", orgs.Voluntary); err != nil {
		t.Fatal(err)
	}
	if p.orgB, err = os.Create(ctx, "Foreningen Beta", orgs.NonProfit); err != nil {
		t.Fatal(err)
	}
	users := auth.NewStore(a.db)
	mk := func(email, name string, role auth.Role, org int64) auth.User {
		u, err := users.Create(ctx, auth.NewUser{Email: email, Name: name, Role: role, OrgID: org, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	p.partnerA = mk("alfa@example.no", "Alfa Partner", auth.Partner, p.orgA.ID)
	p.partnerB = mk("beta@example.no", "Beta Partner", auth.Partner, p.orgB.ID)
	p.staff = mk("ansatt@example.no", "Siri Ansatt", auth.Staff, 0)
	p.admin = mk("admin@example.no", "Arne Admin", auth.Admin, 0)
	p.target, err = users.Create(ctx, auth.NewUser{Email: "invitert@example.no", Name: "Ivar Invitert", Role: auth.Partner, OrgID: p.orgB.ID})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newDemoApp is a test app with the test's people and the demo data, as staff show the app.
func newDemoApp(t *testing.T) (*testApp, people) {
	t.Helper()
	app := newTestApp(t, nil)
	p := app.people(t)
	if _, err := demo.Seed(context.Background(), app.db); err != nil {
		t.Fatal(err)
	}
	return app, p
}

// testOutbox queues mail in the test's database; no worker runs, so tests read the outbox.
func testOutbox(t *testing.T, db *pgxpool.Pool, base *url.URL) *mail.Outbox {
	t.Helper()
	return mailtest.OutboxWith(t, db, base, mailtest.Seal, func(w *river.Workers) error { return river.AddWorkerSafely(w, &optin.Worker{}) })
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
