package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/cache"
)

// withCache makes the app's public pages read through memos kept by a running watcher, and
// returns a function that changes the database and waits until the watcher has heard of it.
func (a *testApp) withCache(t *testing.T) func(sql string, tables ...string) {
	t.Helper()
	w := cache.NewWatcher(a.db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	wait, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	if err := w.Wait(wait, cache.Stamp{}); err != nil {
		t.Fatalf("the watcher does not listen: %v", err)
	}
	a.srv.SetCache(w)
	return func(sql string, tables ...string) {
		t.Helper()
		before, _ := w.Stamp(tables...)
		if _, err := a.db.Exec(context.Background(), sql); err != nil {
			t.Fatal(err)
		}
		wait, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		if err := w.Wait(wait, before, tables...); err != nil {
			t.Fatalf("the change to %v was not heard: %v", tables, err)
		}
	}
}

// Must show: the busiest public pages are served from memory, and a change to what they show
// reaches them as soon as PostgreSQL has told the instance.
func TestPublicPagesAreCachedAndFresh(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	_, groupID := app.catalogueFixture(t)
	change := app.withCache(t)
	anon := app.client(t)
	pages := []string{"/grupper", "/grupper/sorggruppe-tirsdag", "/grupper?tema=sorg"}
	for _, p := range pages {
		if res, body := anon.get(p); res.StatusCode != http.StatusOK || !strings.Contains(body, "Sorggruppe tirsdag") {
			t.Fatalf("GET %s = %d, without the group", p, res.StatusCode)
		}
	}
	// With the trigger off, a change is not told: the pages still show what they remembered,
	// which proves they read from memory.
	change(`ALTER TABLE groups DISABLE TRIGGER groups_changed; UPDATE groups SET name = 'Stille endring';
		ALTER TABLE groups ENABLE TRIGGER groups_changed; UPDATE rooms SET name = name`, "rooms")
	for _, p := range pages {
		if _, body := anon.get(p); !strings.Contains(body, "Sorggruppe tirsdag") || strings.Contains(body, "Stille endring") {
			t.Fatalf("GET %s did not come from memory", p)
		}
	}
	change(`UPDATE groups SET name = 'Sorggruppe onsdag' WHERE id = `+strconv.FormatInt(groupID, 10), "groups")
	for _, p := range pages {
		if _, body := anon.get(p); !strings.Contains(body, "Sorggruppe onsdag") {
			t.Fatalf("GET %s still shows the old name after the change", p)
		}
	}
	change(`UPDATE groups SET published = false`, "groups")
	if res, _ := anon.get("/grupper/sorggruppe-tirsdag"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("an unpublished group's page = %d, want 404", res.StatusCode)
	}
	if _, body := anon.get("/grupper"); strings.Contains(body, "Sorggruppe onsdag") {
		t.Fatal("an unpublished group is still in the catalogue")
	}
	change(`UPDATE themes SET name_nb = 'Tap og sorg'`, "themes")
	if _, body := anon.get("/"); !strings.Contains(body, "Tap og sorg") {
		t.Fatal("the home page shows the old theme name")
	}
}

// A rotated calendar link stops working at once, even when the feed was in memory.
func TestCachedFeedStopsOnRotation(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	room := app.room(t, "Bjørk")
	change := app.withCache(t)
	staff := app.client(t).login(p.staff.Email)
	path := "/admin/rom/" + strconv.FormatInt(room, 10) + "/kalender"
	_, body := staff.post(path, nil)
	m := feedURL.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no feed link on the page")
	}
	anon := app.client(t)
	if res, _ := anon.get(m[1]); res.StatusCode != http.StatusOK {
		t.Fatalf("feed = %d", res.StatusCode)
	}
	change(`UPDATE calendar_feeds SET revoked_at = now()`, "calendar_feeds")
	if res, _ := anon.get(m[1]); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a revoked feed from memory = %d, want 404", res.StatusCode)
	}
}

// The rule that staff need a second factor is read from memory, and a change to it applies at
// once to the next request.
func TestCachedTwoFactorRule(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	change := app.withCache(t)
	staff := app.client(t).login(p.staff.Email)
	if res, _ := staff.get("/admin"); res.StatusCode != http.StatusOK {
		t.Fatalf("GET /admin = %d", res.StatusCode)
	}
	change(`UPDATE settings SET require_two_factor = true`, "settings")
	if res, _ := staff.get("/admin"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/konto/tofaktor" {
		t.Fatalf("with the rule on: %d to %q, want the two-factor set-up", res.StatusCode, res.Header.Get("Location"))
	}
}

// The dashboard's waiting list and the annual report come from memory until a table they
// read changes.
func TestCachedWaitingListAndReport(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	app.catalogueFixture(t)
	change := app.withCache(t)
	staff := app.client(t).login(p.staff.Email)
	year := strconv.Itoa(time.Now().Year() - 1)
	if _, body := staff.get("/admin"); strings.Contains(body, "Sorg og tap") {
		t.Fatal("a theme nobody waits for is on the waiting list")
	}
	_, before := staff.get("/admin/rapport/" + year + "/pameldinger.csv")
	// Raw SQL on purpose: change runs a statement and waits until the watcher has heard of it;
	// the figure of last year below is one no use case writes today.
	change(`WITH p AS (INSERT INTO participants (first_name, email) VALUES ('Kari', 'kari@example.test') RETURNING id)
		INSERT INTO signups (participant_id, theme_id, consent_version) SELECT p.id, (SELECT id FROM themes WHERE slug = 'sorg'), 'v' FROM p`,
		"signups")
	if _, body := staff.get("/admin"); !strings.Contains(body, "Sorg og tap") {
		t.Fatal("a new person waiting is not on the dashboard")
	}
	if _, again := staff.get("/admin/rapport/" + year + "/pameldinger.csv"); again != before {
		t.Fatal("a sign-up this year changed last year's report")
	}
	change(`INSERT INTO yearly_counts (year, metric, key, count) VALUES (`+year+`, 'placed', '', 17)`, "yearly_counts")
	if _, after := staff.get("/admin/rapport/" + year + "/pameldinger.csv"); after == before || !strings.Contains(after, "17") {
		t.Fatalf("the report did not change with its counts:\n%s", after)
	}
}

// A room's week comes from memory until a booking changes; a new booking then shows at once.
func TestCachedRoomWeek(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	room := app.room(t, "Bjørk")
	change := app.withCache(t)
	staff := app.client(t).login(p.staff.Email)
	week := "/admin/rom/" + strconv.FormatInt(room, 10) + "?uke=2031-03-04"
	if _, body := staff.get(week); strings.Contains(body, "Minnestund") {
		t.Fatal("the week shows a booking before it is made")
	}
	f := bookingForm(room, "2031-03-05", "once", "")
	f.Set("title", "Minnestund")
	f.Set("override", "Test")
	if res, _ := staff.post("/admin/bookinger/ny", f); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("booking = %d", res.StatusCode)
	}
	change(`UPDATE rooms SET name = name`, "rooms") // the booking's notification has come before this one
	if _, body := staff.get(week); !strings.Contains(body, "Minnestund") {
		t.Fatal("the week does not show the new booking")
	}
}
