package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

const (
	testMeetingLink = "https://zoom.example.org/j/987654?pwd=hemmelig"
	testPasscode    = "kode-5531"
)

// digitalGroup makes a published digital group with a meeting link and passcode set by staff.
func digitalGroup(t *testing.T, app *testApp, staff *client, name string) groups.Group {
	t.Helper()
	g := app.fixtures(t).Group(fixture.Named(name), fixture.Meets(3, "19:00", "20:30"),
		fixture.Form(func(f *groups.Form) { f.Format, f.Platform = groups.FormatDigital, "zoom" }))
	res, body := staff.post("/admin/grupper/"+itoa(g.ID)+"/moetelenke", url.Values{"meeting_link": {testMeetingLink}, "meeting_passcode": {testPasscode}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("meeting link = %d\n%s", res.StatusCode, body)
	}
	return g
}

// Must show: a person placed by hand sees their group on their private page (name, when,
// the link and passcode, the next meetings), gets its calendar file, which a real parser
// reads back (a UID, DTSTAMP, DTSTART and DTEND in Europe/Oslo, the link), and can leave it,
// after a confirmation, with a kind word about what happens now.
func TestMyPageShowsAGroupPlacedByHand(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	g := digitalGroup(t, app, app.client(t).login(app.people(t).staff.Email), "Onsdagsgruppa på nett")
	r := app.fixtures(t).Member(g.ID, func(f *signups.Form) { f.Email = "medlem@example.org" })
	anon := app.client(t)
	mine := app.lastLink(t, "medlem@example.org") // the confirmation's link
	if !strings.HasPrefix(mine, "/mine/") {
		t.Fatalf("the confirmation links to %q", mine)
	}
	res, body := anon.get(mine)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("my page = %d", res.StatusCode)
	}
	next := nextWeekdayAt(time.Now(), 3, 19)
	for _, want := range []string{"Onsdagsgruppa på nett", testMeetingLink, testPasscode, "De neste møtene",
		dayText(next), mine + "/gruppe/" + itoa(g.ID) + "/kalender.ics", mine + "/gruppe/" + itoa(g.ID) + "/forlat"} {
		if !strings.Contains(body, strings.ReplaceAll(want, "&", "&amp;")) {
			t.Errorf("my page lacks %q", want)
		}
	}

	res, body = anon.get(mine + "/gruppe/" + itoa(g.ID) + "/kalender.ics")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("calendar = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) != signups.CalendarMeetings || len(cal.Timezones()) != 1 {
		t.Fatalf("%d events, %d zones; want %d and 1", len(events), len(cal.Timezones()), signups.CalendarMeetings)
	}
	first := events[0]
	start, err := first.GetStartAt()
	if err != nil || !start.Equal(next) {
		t.Errorf("first meeting starts %v (%v), want %v", start, err, next)
	}
	for _, p := range []ics.ComponentProperty{ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp, ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd} {
		if first.GetProperty(p) == nil {
			t.Errorf("the event has no %s", p)
		}
	}
	if tzid := first.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["TZID"]; len(tzid) != 1 || tzid[0] != "Europe/Oslo" {
		t.Errorf("DTSTART's TZID = %v", tzid)
	}
	if u := first.GetProperty(ics.ComponentPropertyUrl); u == nil || u.Value != testMeetingLink {
		t.Errorf("URL = %v", u)
	}
	if d := first.GetProperty(ics.ComponentPropertyDescription); d == nil || !strings.Contains(d.Value, testPasscode) {
		t.Errorf("DESCRIPTION = %v", d)
	}
	if s := first.GetProperty(ics.ComponentPropertySummary); s == nil || strings.Contains(s.Value, "Onsdagsgruppa") {
		t.Errorf("SUMMARY = %v; want a neutral title", s)
	}
	// Someone else's link does not open the group's file or its leave page.
	app.fixtures(t).SignUp(signups.Target{GroupID: g.ID}, func(f *signups.Form) { f.Email = "annen@example.org" })
	otherLink := app.lastLink(t, "annen@example.org")
	if res, _ := anon.get(otherLink + "/gruppe/" + itoa(g.ID) + "/kalender.ics"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another person's calendar of the group = %d", res.StatusCode)
	}

	res, body = anon.get(mine + "/gruppe/" + itoa(g.ID) + "/forlat")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Vil du forlate gruppa?") || !strings.Contains(body, "Onsdagsgruppa på nett") {
		t.Fatalf("leave page = %d", res.StatusCode)
	}
	res, body = anon.post(mine+"/gruppe/"+itoa(g.ID)+"/forlat", url.Values{})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Du har forlatt gruppa") || !strings.Contains(body, "Takk for at du var med") {
		t.Fatalf("leaving = %d", res.StatusCode)
	}
	if _, body = anon.get(mine); strings.Contains(body, testMeetingLink) || strings.Contains(body, "Forlat gruppa") {
		t.Error("the page still shows the group after leaving")
	}
	if res, _ := anon.post(mine+"/gruppe/"+itoa(g.ID)+"/forlat", url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("leaving twice = %d", res.StatusCode)
	}
	var n int
	if err := app.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_label = 'participant'
		AND entity_id = $2::bigint::text`, audit.ParticipantLeft, r.ParticipantID).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit lines of leaving: %d (%v)", n, err)
	}
}

// Must show: the meeting link and passcode are for members only: never on the public group
// page, in the JSON feed or in the catalogue.
func TestMeetingLinkIsNeverPublic(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	g := digitalGroup(t, app, app.client(t).login(app.people(t).staff.Email), "Torsdagsgruppa på nett")
	anon := app.client(t)
	for _, path := range []string{"/grupper/" + g.Slug, "/api/grupper.json", "/grupper", "/grupper?format=digital"} {
		res, body := anon.get(path)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Torsdagsgruppa") {
			t.Fatalf("%s = %d, or the group is not on it", path, res.StatusCode)
		}
		for _, secret := range []string{"zoom.example.org", "987654", testPasscode} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows %q", path, secret)
			}
		}
	}
}

// The group's contact person sets the meeting link behind their private link; a bad link is
// shown back with its message next to the field; the change is audited as them.
func TestContactPersonSetsTheMeetingLink(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	staff := app.client(t).login(app.people(t).staff.Email)
	g := digitalGroup(t, app, staff, "Fredagsgruppa på nett")
	group := "/admin/grupper/" + itoa(g.ID)
	if res, _ := staff.post(group+"/kontakt", url.Values{"name": {"Kari Kontakt"}, "email": {"kontakt@example.org"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("contact = %d", res.StatusCode)
	}
	if res, _ := staff.post(group+"/kontakt/lenke", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("contact link = %d", res.StatusCode)
	}
	link := app.lastLink(t, "kontakt@example.org")
	anon := app.client(t)
	res, body := anon.get(link)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+link+`/moetelenke"`) {
		t.Fatalf("the contact's page = %d, or it lacks the meeting link page", res.StatusCode)
	}
	res, body = anon.post(link+"/moetelenke", url.Values{"meeting_link": {"http://ikke-sikker.example.org"}, "meeting_passcode": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, "http://ikke-sikker.example.org") {
		t.Fatalf("a bad link = %d", res.StatusCode)
	}
	if res, _ = anon.post(link+"/moetelenke", url.Values{"meeting_link": {"https://whereby.example.org/fredag"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good link = %d", res.StatusCode)
	}
	if _, body = anon.get(link + "/moetelenke"); !strings.Contains(body, "https://whereby.example.org/fredag") {
		t.Error("the saved link is not shown")
	}
	var n int
	if err := app.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_label = 'group contact'
		AND entity_id = $2::bigint::text`, audit.MeetingLinkSet, g.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit lines of the contact's change: %d (%v)", n, err)
	}
}

// nextWeekdayAt is the next meeting of 90 minutes on the ISO weekday at hour in Oslo that has
// not ended.
func nextWeekdayAt(now time.Time, weekday, hour int) time.Time {
	d := tz.Midnight(now)
	for tz.Weekday(d) != weekday || !d.Add(time.Duration(hour)*time.Hour+90*time.Minute).After(now) {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, tz.Oslo)
}

// dayText is how components.DateTime writes the day of t in Norwegian: "02.01.2006".
func dayText(t time.Time) string { return t.In(tz.Oslo).Format("02.01.2006") }
