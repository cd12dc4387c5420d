package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// cachedOnPurpose are the GET routes whose answers may be kept by a cache even for a
// logged-in user: they hold nothing about anyone (or, the calendar feed, are polled by
// calendar apps; its link is the key, and it says private).
var cachedOnPurpose = map[string]string{
	"/static/*":         "",
	"/api/grupper.json": "public, max-age=300",
	"/api/moter.json":   "public, max-age=300", // the Meeting Guide feed: public groups only
	"/kalender/{token}": "",                    // "private, max-age=300" for a link that works (feeds.go)
	"/grupper":          "",
	"/grupper/{slug}":   "",
}

// Must show (issue 20, 6): walking every GET route of the router, as a visitor and as an
// admin, HEAD answers with the status of GET and no body, every page for a logged-in user and
// every private-link page answers Cache-Control: no-store, and a method a path does not take
// answers 405 with the methods it does take in Allow.
func TestEveryGetRouteAnswersHeadAndPrivatePagesAreNotStored(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	clients := map[string]*client{"visitor": app.client(t), "admin": app.client(t).login(p.admin.Email)}
	for _, route := range routesOf(app.router(t)) {
		method, pattern, _ := strings.Cut(route, " ")
		if method != http.MethodGet {
			continue
		}
		path := strings.NewReplacer("{id}", strconv.FormatInt(p.target.ID, 10), "{token}", "ukjent-lenke",
			"{slug}", "finnes-ikke", "{year}", "2026", "{table}", "x", "*", "ukjent.css").Replace(pattern)
		for who, c := range clients {
			got, _ := c.get(path)
			req, _ := http.NewRequest(http.MethodHead, app.URL+path, nil)
			head, body := c.do(req)
			if head.StatusCode != got.StatusCode || body != "" {
				t.Errorf("HEAD %s as %s: %d with %d bytes; GET answers %d", path, who, head.StatusCode, len(body), got.StatusCode)
			}
			cc := got.Header.Get("Cache-Control")
			private := who == "admin" || strings.Contains(pattern, "{token}")
			if want, own := cachedOnPurpose[pattern]; own {
				if want != "" && !strings.HasPrefix(cc, want) {
					t.Errorf("GET %s as %s: Cache-Control %q; want %q", path, who, cc, want)
				}
				continue
			}
			if private && cc != "no-store" {
				t.Errorf("GET %s as %s (%d): Cache-Control %q; want no-store", path, who, got.StatusCode, cc)
			}
		}
	}
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodDelete, "/grupper", "GET, HEAD"},
		{http.MethodPut, "/logg-inn", "GET, HEAD, POST"},
		{http.MethodPost, "/healthz", "GET, HEAD"},
		{http.MethodGet, "/logg-ut", "POST"},
	} {
		req, _ := http.NewRequest(tc.method, app.URL+tc.path, nil)
		res, _ := clients["visitor"].do(req)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d, Allow %q; want 405 with Allow %q", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"), tc.allow)
		}
	}
}

// Logging out without being logged in stores nothing: no session row for each request.
func TestAnonymousLogoutStoresNothing(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	before := app.count(t, `SELECT count(*) FROM sessions`)
	c := app.client(t)
	for range 5 {
		if res, _ := c.post("/logg-ut", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /logg-ut: %d", res.StatusCode)
		}
	}
	if after := app.count(t, `SELECT count(*) FROM sessions`); after != before {
		t.Errorf("%d session rows after five anonymous log-outs; %d before", after, before)
	}
}

// A database that refuses new connections (53300, too many connections) gives the visitor the
// 503 page, not a 500, and /readyz answers 503 for a while after even though its own ping finds
// an idle connection that still works.
func TestTooManyConnectionsIs503(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, err := url.Parse(pgtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	role := fmt.Sprintf("one_conn_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, `CREATE ROLE `+role+` LOGIN CONNECTION LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	pool, err := pgxpool.New(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		_, _ = admin.Exec(context.Background(), `DROP ROLE `+role)
	})
	app := newTestAppOn(t, nil, pool)
	held, err := pool.Acquire(ctx) // the role's one connection
	if err != nil {
		t.Fatal(err)
	}
	res, body := app.client(t).get("/grupper")
	held.Release()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("/grupper with no connection to be had: %d (Retry-After %q)\n%s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if res, _ := app.client(t).get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz right after: %d; want 503", res.StatusCode)
	}
	if strings.Contains(app.logs.String(), `msg="server error"`) {
		t.Errorf("logged as a server error:\n%s", app.logs)
	}
}

// A visitor who goes away while the page is being made is not a server error: no 500 in the
// log, no ERROR line.
func TestClientGoneIsNotAServerError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := newTestApp(t, nil)
	tx, err := app.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE groups IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	reqCtx, cancel := context.WithCancel(ctx)
	req, _ := http.NewRequestWithContext(reqCtx, http.MethodGet, app.URL+"/grupper", nil)
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	// Wait until the page's query waits for the lock, then hang up.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for waiting := 0; waiting == 0; <-tick.C {
		if err := app.db.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the request: %v; want it cancelled", err)
	}
	// The handler notices when its query is cancelled; the access log's line follows.
	for !strings.Contains(app.logs.String(), "route=/grupper") {
		<-tick.C
	}
	if logs := app.logs.String(); !strings.Contains(logs, "client went away") || strings.Contains(logs, "level=ERROR") ||
		strings.Contains(logs, "status=500") {
		t.Errorf("a client that went away was logged as a server error:\n%s", app.logs)
	}
}
