package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// cachedOnPurpose are the GET routes whose answers may be kept by a cache even for a
// logged-in user: they hold nothing about anyone (or, the calendar feed, are polled by
// calendar apps; its link is the key, and it says private).
var cachedOnPurpose = map[string]string{
	"/static/*":         "",
	"/api/grupper.json": "public, max-age=300",
	"/kalender/{token}": "", // "private, max-age=300" for a link that works (feeds.go)
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
