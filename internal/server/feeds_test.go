package server

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

var feedURL = regexp.MustCompile(`http://selvhjelp\.test(/kalender/[A-Za-z0-9_-]+\.ics)`)

// Must show: the group's feed parses, holds the group's meetings at the right local times
// (across the end of summer time), marks a cancelled one, and stops working after rotation.
func TestGroupCalendarFeed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, groupID := app.catalogueFixture(t)
	room := app.room(t, "Bjørk")
	staff := app.client(t).login(p.staff.Email)
	f := bookingForm(room, "2026-10-13", "weekly", "4")
	f.Set("holder", "group")
	f.Set("group", strconv.FormatInt(groupID, 10))
	if res, _ := staff.post("/admin/bookinger/ny", f); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("booking = %d", res.StatusCode)
	}
	other := bookingForm(room, "2026-10-14", "once", "")
	other.Set("title", "Ikke gruppas")
	staff.post("/admin/bookinger/ny", other)
	var occ int64
	app.db.QueryRow(context.Background(), `SELECT min(id) FROM booking_occurrences`).Scan(&occ)
	app.db.Exec(context.Background(), `UPDATE booking_occurrences SET cancelled_at = now() WHERE id = $1`, occ)
	app.srv.now = func() time.Time { return time.Date(2026, 10, 1, 12, 0, 0, 0, tz.Oslo) }

	path := "/admin/grupper/" + strconv.FormatInt(groupID, 10) + "/kalender"
	_, body := staff.post(path, nil)
	m := feedURL.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no feed link on the page")
	}
	anon := app.client(t)
	res, feed := anon.get(m[1])
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(strings.NewReader(feed))
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) != 4 {
		t.Fatalf("%d events, want the group's 4", len(events))
	}
	cancelled := 0
	for _, e := range events {
		start, err := e.GetStartAt()
		if err != nil {
			t.Fatal(err)
		}
		if local := start.In(tz.Oslo); local.Hour() != 18 || local.Minute() != 0 {
			t.Errorf("meeting at %s local", local)
		}
		if s := e.GetProperty(ics.ComponentPropertyStatus); s != nil && s.Value == "CANCELLED" {
			cancelled++
		}
	}
	if cancelled != 1 {
		t.Errorf("%d cancelled events", cancelled)
	}
	staff.post(path, nil) // rotate
	if res, _ := anon.get(m[1]); res.StatusCode != http.StatusNotFound {
		t.Errorf("the old link after rotation = %d", res.StatusCode)
	}
}
