package server

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// A login ends after 30 minutes without a request; requests keep it alive; and reading pages
// writes the session at most once a minute, not at every request.
func TestIdleLoginEnds(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	start := time.Now()
	clock := start
	app.srv.wallClock = func() time.Time { return clock }
	staff := app.client(t).login(p.staff.Email)
	writes := func() (n int64) {
		t.Helper()
		// Each save of the session row rewrites it; its xmin changes with each write.
		if err := app.db.QueryRow(context.Background(), `SELECT xmin::text::bigint FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	at := func(d time.Duration, want int) {
		t.Helper()
		clock = start.Add(d)
		if res, _ := staff.get("/admin"); res.StatusCode != want {
			t.Fatalf("GET /admin %s after login = %d, want %d", d, res.StatusCode, want)
		}
	}
	at(10*time.Second, http.StatusOK)
	before := writes()
	at(20*time.Second, http.StatusOK)
	at(30*time.Second, http.StatusOK)
	if after := writes(); after != before {
		t.Fatal("pages read within a minute of each other wrote the session")
	}
	at(29*time.Minute, http.StatusOK) // saves the time of this request
	if writes() == before {
		t.Fatal("a request after more than a minute did not save the time it was seen")
	}
	at(58*time.Minute, http.StatusOK)                   // 29 minutes after the last: still in
	at(88*time.Minute+time.Second, http.StatusSeeOther) // 30 minutes and a second: out
	clock = start.Add(89 * time.Minute)
	if res, _ := staff.get("/admin"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/logg-inn?neste=%2Fadmin" {
		t.Fatalf("after the idle end: %d to %q, want the login page", res.StatusCode, res.Header.Get("Location"))
	}
}
