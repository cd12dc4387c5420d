package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// eventForm is a digital event as staff type it, a week ahead.
func eventForm(capacity string) url.Values {
	day := tz.Midnight(time.Now()).AddDate(0, 0, 7)
	return url.Values{"kind": {"coffee"}, "title": {"Digitalt kaffetreff"}, "date": {day.Format(time.DateOnly)}, "start": {"10:00"}, "end": {"11:00"},
		"format": {"digital"}, "meeting_link": {"https://zoom.example/j/hemmelig"}, "capacity": {capacity}, "published": {"on"}}
}

// Staff make an event; people sign up until it is full and then onto the waiting list; the
// meeting link is on no public page, only on a confirmed person's own page and calendar file;
// a cancellation offers the place to the first waiting, who takes it.
func TestEventSignupAndWaitingList(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	staff := app.client(t).login(p.staff.Email)
	bad := eventForm("0")
	bad.Set("meeting_link", "http://usikker")
	if res, body := staff.post("/admin/arrangementer/ny", bad); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Skriv en https-lenke") || !strings.Contains(body, "mellom 1 og 500") {
		t.Fatalf("bad event = %d", res.StatusCode)
	}
	res, _ := staff.post("/admin/arrangementer/ny", eventForm("1"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create = %d", res.StatusCode)
	}
	var id int64
	app.db.QueryRow(context.Background(), `SELECT id FROM events`).Scan(&id)
	page := "/arrangementer/" + itoa(id)

	visitor := app.client(t)
	for _, path := range []string{"/arrangementer", page} {
		if _, body := visitor.get(path); strings.Contains(body, "zoom.example") || !strings.Contains(body, "Digitalt kaffetreff") {
			t.Errorf("%s shows the meeting link, or not the event", path)
		}
	}
	if res, body := visitor.post(page, url.Values{"first_name": {""}, "email": {"nei"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Kryss av for at du er 18 år eller eldre.") {
		t.Errorf("bad sign-up = %d", res.StatusCode)
	}
	// A sign-up is confirmed by the link mailed to the address; only then is a place taken.
	signup := func(name, email string) string {
		res, _ := visitor.post(page, url.Values{"first_name": {name}, "email": {email}, "adult": {"on"}, "consent": {"on"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign up %s = %d", email, res.StatusCode)
		}
		if confirmed, _ := app.confirmMail(t, email); confirmed.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(confirmed.Header.Get("Location"), "/arrangement/") {
			t.Fatalf("confirm %s = %d to %q", email, confirmed.StatusCode, confirmed.Header.Get("Location"))
		}
		return res.Header.Get("Location")
	}
	if loc := signup("Kari", "kari@example.no"); loc != page+"/takk" {
		t.Errorf("confirmed to %s", loc)
	}
	if loc := signup("Per", "per@example.no"); loc != page+"/takk" {
		t.Errorf("waiting to %s: the answer must not tell who has a place", loc)
	}
	if subject, _ := app.lastMail(t, "per@example.no"); !strings.Contains(subject, "venteliste") {
		t.Errorf("the waiting person's mail: %q", subject)
	}
	// The same address again: the same answer, and once confirmed a fresh link by e-mail.
	mails := app.count(t, `SELECT count(*) FROM outbox WHERE to_addr = 'kari@example.no' AND kind <> 'confirm'`)
	if loc := signup("Kari", "kari@example.no"); loc != page+"/takk" || app.count(t, `SELECT count(*) FROM outbox WHERE to_addr = 'kari@example.no' AND kind <> 'confirm'`) != mails+1 {
		t.Errorf("signing up again: %s", loc)
	}
	kari, per := app.lastLink(t, "kari@example.no"), app.lastLink(t, "per@example.no")
	if _, body := visitor.get(kari); !strings.Contains(body, "https://zoom.example/j/hemmelig") || !strings.Contains(body, "Legg i kalenderen") {
		t.Errorf("the confirmed person's page lacks the link:\n%s", body)
	}
	if _, body := visitor.get(per); strings.Contains(body, "zoom.example") || !strings.Contains(body, "Du står på ventelista") {
		t.Errorf("the waiting person's page:\n%s", body)
	}
	res, ics := visitor.get(kari + "/kalender.ics")
	if res.StatusCode != http.StatusOK || !strings.Contains(ics, "BEGIN:VEVENT") || !strings.Contains(ics, "zoom.example") {
		t.Errorf("calendar file = %d:\n%s", res.StatusCode, ics)
	}
	if res, _ := visitor.get(per + "/kalender.ics"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the waiting person's calendar file = %d", res.StatusCode)
	}
	// Kari cancels: Per is offered the place by e-mail and takes it.
	if res, body := visitor.post(kari+"/avmeld", nil); res.StatusCode != http.StatusOK || !strings.Contains(body, "Du er meldt av") {
		t.Fatalf("cancel = %d", res.StatusCode)
	}
	subject, _ := app.lastMail(t, "per@example.no")
	if !strings.Contains(subject, "En plass er ledig") {
		t.Fatalf("no offer to the first waiting: %q", subject)
	}
	offer := app.lastLink(t, "per@example.no")
	if res, body := visitor.post(offer+"/ja", nil); res.StatusCode != http.StatusOK || !strings.Contains(body, "https://zoom.example/j/hemmelig") {
		t.Errorf("accept = %d", res.StatusCode)
	}
	if res, _ := visitor.post(offer+"/ja", nil); res.StatusCode != http.StatusConflict {
		t.Errorf("accept twice = %d", res.StatusCode)
	}
	// Staff mark attendance: not before the event has begun (the page says when), then yes.
	var perID int64
	app.db.QueryRow(context.Background(), `SELECT id FROM event_signups WHERE email = 'per@example.no'`).Scan(&perID)
	if res, body := staff.post("/admin/arrangementer/"+itoa(id)+"/oppmote", url.Values{"vist": {itoa(perID)}, "kom": {itoa(perID)}}); res.StatusCode != http.StatusConflict ||
		!strings.Contains(body, "Oppmøte kan føres når arrangementet har begynt") || strings.Contains(body, `name="kom"`) {
		t.Errorf("attendance before the event = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM event_signups WHERE attended`); n != 0 {
		t.Errorf("%d attended an event that has not begun", n)
	}
	var starts time.Time
	app.db.QueryRow(context.Background(), `SELECT starts_at FROM events WHERE id = $1`, id).Scan(&starts)
	app.srv.now = func() time.Time { return starts.Add(time.Minute) }
	if _, body := staff.get("/admin/arrangementer/" + itoa(id)); !strings.Contains(body, `name="kom"`) {
		t.Errorf("the attendance form is missing once the event has begun")
	}
	if res, _ := staff.post("/admin/arrangementer/"+itoa(id)+"/oppmote", url.Values{"vist": {itoa(perID)}, "kom": {itoa(perID)}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("attendance = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM event_signups WHERE attended`); n != 1 {
		t.Errorf("%d attended", n)
	}
}
