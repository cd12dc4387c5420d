package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// calendarAt fetches and parses a calendar feed, failing the test unless it is one.
func (c *client) calendarAt(path string) (*ics.Calendar, string) {
	c.t.Helper()
	res, body := c.get(path)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		c.t.Fatalf("%s = %d %q", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil {
		c.t.Fatalf("%s does not parse: %v", path, err)
	}
	return cal, body
}

// calendarProp is a property of the calendar itself.
func calendarProp(cal *ics.Calendar, p ics.Property) string {
	for _, cp := range cal.CalendarProperties {
		if cp.IANAToken == string(p) {
			return cp.Value
		}
	}
	return ""
}

func eventProp(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

// Must show: every published group has a public calendar that golang-ical parses, named after
// the group, with its next meetings (a digital group's from its schedule), the full address
// with postcode and city, cancelled meetings marked with a higher SEQUENCE, and never a
// meeting link; the secret feeds of a room and a group are named after them, and every name
// differs.
func TestEveryPublishedGroupHasAPublicCalendar(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	g := app.feedFixture(t)
	now := time.Date(2027, 1, 4, 12, 0, 0, 0, tz.Oslo) // a Monday
	app.srv.now = func() time.Time { return now }
	room := app.room(t, "Bjørk")
	var slots []rooms.Slot
	for week := range 4 {
		day := now.AddDate(0, 0, 7*week)
		slots = append(slots, rooms.Slot{Start: time.Date(day.Year(), day.Month(), day.Day(), 19, 0, 0, 0, tz.Oslo),
			End: time.Date(day.Year(), day.Month(), day.Day(), 20, 0, 0, 0, tz.Oslo)})
	}
	app.fixtures(t).Booking(room, slots, func(b *rooms.Booking) { b.Holder, b.GroupID, b.Title = "group", g.open.ID, "AA" })
	ctx := context.Background()
	if _, err := app.db.Exec(ctx, `UPDATE booking_occurrences SET cancelled_at = now()
		WHERE id = (SELECT min(id) FROM booking_occurrences WHERE lower(during) > $1)`, now.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	anon := app.client(t)
	names := map[string]string{} // calendar name → the feed it names
	for _, grp := range []groups.Group{g.open, g.digital, g.hybrid, g.partner, g.gathering, g.long, g.paused} {
		path := "/grupper/" + grp.Slug + "/kalender.ics"
		cal, body := anon.calendarAt(path)
		if strings.Contains(body, "zoom.example") || strings.Contains(body, secretPasscode) {
			t.Errorf("%s carries the meeting link", path)
		}
		name, xname := calendarProp(cal, ics.PropertyName), calendarProp(cal, ics.PropertyXWRCalName)
		if name != grp.Name || xname != grp.Name {
			t.Errorf("%s is named %q / %q, want %q", path, name, xname, grp.Name)
		}
		names[name] = path
		upcoming := 0
		for _, e := range cal.Events() {
			start, err := e.GetStartAt()
			if err != nil {
				t.Fatal(err)
			}
			if start.After(now) && eventProp(e, ics.ComponentPropertyStatus) != "CANCELLED" {
				upcoming++
			}
			loc := eventProp(e, ics.ComponentPropertyLocation)
			if grp.Format == groups.FormatHouse || grp.Format == groups.FormatHybrid {
				if !strings.Contains(loc, "Kirkeveien 61") || !strings.Contains(loc, "0364") || !strings.Contains(loc, "Oslo") {
					t.Errorf("%s: LOCATION %q lacks the full address", path, loc)
				}
			}
			if eventProp(e, ics.ComponentPropertySequence) == "" {
				t.Errorf("%s: an event without SEQUENCE", path)
			}
		}
		switch {
		case grp.ID == g.paused.ID && len(cal.Events()) != 0:
			t.Errorf("the paused group's calendar has %d meetings", len(cal.Events()))
		case grp.ID != g.paused.ID && upcoming == 0:
			t.Errorf("%s has no next meeting", path)
		}
	}
	checkBookedGroupCalendar(t, anon, g.open, now)
	checkDigitalGroupCalendar(t, app, anon, g.digital)

	// The secret feeds of the room and of a group: named after them, with the full address;
	// the digital group's, which has no bookings, has its schedule's meetings.
	staff := app.client(t).login(app.people(t).staff.Email)
	for _, target := range []struct{ admin, want string }{
		{"/admin/rom/" + strconv.FormatInt(room, 10) + "/kalender", "Bjørk"},
		{"/admin/grupper/" + strconv.FormatInt(g.digital.ID, 10) + "/kalender", g.digital.Name},
	} {
		_, page := staff.post(target.admin, nil)
		m := feedURL.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no feed link from %s", target.admin)
		}
		cal, body := anon.calendarAt(m[1])
		if len(cal.Events()) == 0 {
			t.Errorf("the feed of %s is empty", target.want)
		}
		if strings.Contains(body, "zoom.example") || strings.Contains(body, secretPasscode) {
			t.Errorf("the feed of %s carries the meeting link", target.want)
		}
		name := calendarProp(cal, ics.PropertyName)
		if name != target.want || calendarProp(cal, ics.PropertyXWRCalName) != target.want {
			t.Errorf("%s is named %q, want %q", target.admin, name, target.want)
		}
		if target.want == "Bjørk" {
			if other, taken := names[name]; taken {
				t.Errorf("the room's feed has the name of %s", other)
			}
			for _, e := range cal.Events() {
				if loc := eventProp(e, ics.ComponentPropertyLocation); loc != "Kirkeveien 61, 0364 Oslo, 6. etasje, Bjørk" {
					t.Errorf("the room's feed: LOCATION %q", loc)
				}
			}
		}
	}
	if len(names) != 7 {
		t.Errorf("%d different names for 7 group calendars", len(names))
	}
}

// checkBookedGroupCalendar: a group booked in the house shows its booked meetings in the room,
// the cancelled one marked, with a higher SEQUENCE than the others.
func checkBookedGroupCalendar(t *testing.T, c *client, g groups.Group, now time.Time) {
	t.Helper()
	cal, _ := c.calendarAt("/grupper/" + g.Slug + "/kalender.ics")
	events := cal.Events()
	if len(events) != 4 {
		t.Fatalf("the booked group's calendar has %d meetings, want its 4 bookings", len(events))
	}
	seq := map[string]int{}
	for _, e := range events {
		status := eventProp(e, ics.ComponentPropertyStatus)
		n, err := strconv.Atoi(eventProp(e, ics.ComponentPropertySequence))
		if err != nil {
			t.Fatal(err)
		}
		if n > seq[status] {
			seq[status] = n
		}
		if loc := eventProp(e, ics.ComponentPropertyLocation); loc != "Kirkeveien 61, 0364 Oslo, 6. etasje, Bjørk" {
			t.Errorf("LOCATION %q, want the address with floor and room", loc)
		}
		if start, _ := e.GetStartAt(); start.Before(now) {
			t.Errorf("a meeting at %s, before now", start)
		}
	}
	if seq["CANCELLED"] <= seq["CONFIRMED"] {
		t.Errorf("SEQUENCE of the cancelled meeting %d, of the others %d: want it bumped", seq["CANCELLED"], seq["CONFIRMED"])
	}
}

// checkDigitalGroupCalendar: a digital group (no bookings) has the meetings its schedule
// gives, online, linked from its page; a later change of the group bumps SEQUENCE.
func checkDigitalGroupCalendar(t *testing.T, app *testApp, c *client, g groups.Group) {
	t.Helper()
	path := "/grupper/" + g.Slug + "/kalender.ics"
	cal, _ := c.calendarAt(path)
	events := cal.Events()
	if len(events) < 4 {
		t.Fatalf("the digital group's calendar has %d meetings", len(events))
	}
	first := events[0]
	start, _ := first.GetStartAt()
	if local := start.In(tz.Oslo); local.Weekday() != time.Sunday || local.Hour() != 19 {
		t.Errorf("the digital group's first meeting is at %s", local)
	}
	if loc := eventProp(first, ics.ComponentPropertyLocation); loc != "På nett (Zoom)" {
		t.Errorf("the digital group's LOCATION %q", loc)
	}
	if u := eventProp(first, ics.ComponentPropertyUrl); u != "http://selvhjelp.test/grupper/"+g.Slug {
		t.Errorf("URL %q, want the group's page", u)
	}
	if _, page := c.get("/grupper/" + g.Slug); !strings.Contains(page, `href="`+path+`"`) {
		t.Error("the group's page does not link its calendar")
	}
	before, _ := strconv.Atoi(eventProp(first, ics.ComponentPropertySequence))
	// The group changes a little later than it was made.
	if _, err := app.db.Exec(context.Background(), `UPDATE groups SET description_nb = 'Ny tekst', updated_at = updated_at + interval '1 minute' WHERE id = $1`, g.ID); err != nil {
		t.Fatal(err)
	}
	cal, _ = c.calendarAt(path)
	after, _ := strconv.Atoi(eventProp(cal.Events()[0], ics.ComponentPropertySequence))
	if after <= before {
		t.Errorf("SEQUENCE %d after the group changed, %d before", after, before)
	}
}
