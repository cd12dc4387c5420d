package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// noticeGroup is a group on anxiety with members Ada (e-mail), Bo (SMS) and Cia (asked to be
// phoned, and took herself off SMS: nobody can write to her), the contact person Kari, and a
// weekly booking of four meetings; it returns the group and the booking.
func (a *testApp) noticeGroup(t *testing.T) (groups.Group, rooms.BookingView, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	b := a.fixtures(t)
	g := b.Group(fixture.Named("Angstgruppa"), fixture.InThemes(b.Theme("Angst").ID))
	ids := map[string]int64{}
	ids["Ada"] = b.Member(g.ID, func(f *signups.Form) { f.FirstName, f.Email = "Ada", "ada@example.org" }).ParticipantID
	ids["Bo"] = b.Member(g.ID, func(f *signups.Form) { f.FirstName, f.Email, f.Phone, f.Contact = "Bo", "", "+4791234567", "sms" }).ParticipantID
	ids["Cia"] = b.Member(g.ID, func(f *signups.Form) { f.FirstName, f.Email, f.Phone, f.Contact = "Cia", "", "+4791234568", "phone" }).ParticipantID
	if _, err := a.db.Exec(ctx, `UPDATE participants SET sms_stopped_at = now() WHERE id = $1`, ids["Cia"]); err != nil {
		t.Fatal(err)
	}
	s := rooms.NewStore(a.db, nil)
	if err := s.SetContact(ctx, rooms.Contact{GroupID: g.ID, Name: "Kari", Email: "kari@example.org"}); err != nil {
		t.Fatal(err)
	}
	day := aFutureTuesday()
	slots := rooms.Series{First: day, Start: 18 * 60 * 60 * 1e9, End: 19 * 60 * 60 * 1e9, Frequency: rooms.Weekly, Count: 4}.Slots()
	res := b.Booking(b.Room("Lindesalen", 10).ID, slots, func(bk *rooms.Booking) { bk.Holder, bk.GroupID, bk.Title = "group", g.ID, "Gruppemøte" })
	v, err := s.Get(ctx, res.BookingID)
	if err != nil {
		t.Fatal(err)
	}
	return g, v, ids
}

// The members page lists each member with a link to their page and their channel, and its
// view is audited; a message is checked next to its field, previewed (who by e-mail, SMS, and
// whom to phone, with the number) without sending, and sent on confirmation, audited with
// counts only.
func TestMembersAndMessagesOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	g, _, ids := app.noticeGroup(t)
	staff := app.client(t).login(p.staff.Email)
	base := "/admin/grupper/" + itoa(g.ID)

	res, body := staff.get(base + "/medlemmer")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="/admin/deltakere/`+itoa(ids["Bo"])+`"`) ||
		!strings.Contains(body, "SMS") || !strings.Contains(body, "kan ikke få skriftlig beskjed") || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("members = %d\n%s", res.StatusCode, body)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'personal.viewed' AND entity = 'group_members' AND entity_id = $1`, itoa(g.ID)); n != 1 {
		t.Errorf("%d audit lines for the members page", n)
	}
	if _, body = staff.get(base); !strings.Contains(body, base+"/medlemmer") {
		t.Error("the group page does not link to its members")
	}

	messages := func() int { return app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'message'`) }
	res, body = staff.post(base+"/melding", url.Values{"text": {strings.Repeat("x", 601)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Meldingen kan ha høyst 600 tegn.") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("too long = %d", res.StatusCode)
	}
	res, body = staff.post(base+"/melding", url.Values{"text": {"Husk møtet på tirsdag."}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "3 personer får beskjed: 1 på e-post, 1 på SMS, 1 må ringes.") ||
		!strings.Contains(body, "Cia") || !strings.Contains(body, "+4791234568") || messages() != 0 {
		t.Fatalf("preview = %d\n%s", res.StatusCode, body)
	}
	res, _ = staff.post(base+"/melding", url.Values{"text": {"Husk møtet på tirsdag."}, "confirm": {"1"}})
	if res.StatusCode != http.StatusSeeOther || messages() != 2 {
		t.Fatalf("send = %d, %d messages", res.StatusCode, messages())
	}
	if n := countMail(t, app, "message", func(m mailtest.Queued) bool { return namesTheme(m) }); n != 0 {
		t.Errorf("%d messages name the theme", n)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'message.sent' AND details::text NOT LIKE '%tirsdag%'
		AND (details->>'email')::int = 1 AND (details->>'sms')::int = 1 AND (details->>'phone')::int = 1`); n != 1 {
		t.Errorf("%d audit lines for the message", n)
	}
}

// Must show 2 over HTTP: cancelling one meeting first shows how many will be told, then, with
// staff's line, queues four notices (Cia must be phoned); a second cancel queues none.
func TestCancelAMeetingTellsThemOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, v, _ := app.noticeGroup(t)
	staff := app.client(t).login(p.staff.Email)
	booking := "/admin/bookinger/" + itoa(v.ID)
	notices := func() int { return app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'notice'`) }
	one := url.Values{"occurrence": {itoa(v.Occurrences[0].ID)}}

	res, body := staff.post(booking+"/avlys", one)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "4 personer får beskjed: 2 på e-post, 1 på SMS, 1 må ringes.") || notices() != 0 {
		t.Fatalf("preview = %d\n%s", res.StatusCode, body)
	}
	one.Set("confirm", "1")
	one.Set("note", "Vi ses uka etter.")
	if res, _ = staff.post(booking+"/avlys", one); res.StatusCode != http.StatusSeeOther || notices() != 3 {
		t.Fatalf("cancel = %d, %d notices", res.StatusCode, notices())
	}
	if n := countMail(t, app, "notice", func(m mailtest.Queued) bool {
		return strings.Contains(m.Text, "Vi ses uka etter.") && !namesTheme(m)
	}); n != 3 {
		t.Errorf("%d notices carry the line and no theme", n)
	}
	if res, _ = staff.post(booking+"/avlys", one); res.StatusCode != http.StatusNotFound || notices() != 3 {
		t.Errorf("second cancel = %d, %d notices", res.StatusCode, notices())
	}
}

// The members list, the message form (empty, with its error and its preview), the
// confirmation of a cancellation and the closure's preview pass axe-core in the browser, and
// a message is sent the way staff send it.
func TestMembersAndNoticesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	g, v, _ := app.noticeGroup(t)
	base := "/admin/grupper/" + itoa(g.ID)
	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, p.staff.Email)

	got := tab.Go(t, app.URL+base+"/medlemmer")
	if !strings.Contains(got.Text, "Ada") || !strings.Contains(got.Text, "Send melding til medlemmene") {
		t.Fatalf("members: %s", got.Text)
	}
	got = tab.Click(t, "main a.ds-button")
	if !strings.Contains(got.Text, "Ikke skriv gruppas tema") {
		t.Fatalf("message form: %s", got.Text)
	}
	got = tab.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv meldingen.") {
		t.Errorf("error state: %s", got.Text)
	}
	tab.Fill(t, "felt-text", "Husk møtet.")
	got = tab.Click(t, "main form button[type=submit]")
	if !strings.Contains(got.Text, "1 må ringes") {
		t.Errorf("preview: %s", got.Text)
	}
	tab.Click(t, "main form button[name=confirm]")
	if n := app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'message'`); n != 2 {
		t.Errorf("%d messages sent from the browser", n)
	}

	tab.Go(t, app.URL+"/admin/bookinger/"+itoa(v.ID))
	got = tab.Click(t, "ul.meetings form button")
	if !strings.Contains(got.Text, "4 personer får beskjed") {
		t.Errorf("cancel confirmation: %s", got.Text)
	}
	tab.Go(t, app.URL+"/admin/apningstider")
	day := v.Occurrences[1].Start.Format("2006-01-02")
	tab.SetValue(t, "felt-first", day)
	tab.SetValue(t, "felt-last", day)
	tab.Fill(t, "felt-reason", "Maling")
	got = tab.Click(t, "form[action='/admin/apningstider/stengt'] button[type=submit]")
	if !strings.Contains(got.Text, "Stengingen avlyser 1 møte for") {
		t.Errorf("closure preview: %s", got.Text)
	}

	// An event: its message form with the choice of whom, and its cancel form's error state.
	staff := app.client(t).login(p.staff.Email)
	res, _ := staff.post("/admin/arrangementer/ny", eventForm("5"))
	event := res.Header.Get("Location")
	app.signUp(t, strings.TrimPrefix(event, "/admin"), url.Values{"first_name": {"Gjest"}, "email": {"gjest@example.org"}, "adult": {"on"}, "consent": {"on"}})
	tab.Go(t, app.URL+event+"/melding")
	tab.Fill(t, "felt-text", "Velkommen!")
	if got = tab.Click(t, "main form button[type=submit]"); !strings.Contains(got.Text, "1 person får beskjed") {
		t.Errorf("event message preview: %s", got.Text)
	}
	tab.Go(t, app.URL+event)
	got = tab.Click(t, "form[action$='/avlys'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Kryss av for å bekrefte") {
		t.Errorf("event cancel error state: %s", got.Text)
	}
	tab.Press(t, "#felt-confirm")
	if got = tab.Click(t, "form[action$='/avlys'] button[type=submit]"); !strings.Contains(got.Text, "Dette arrangementet er avlyst.") ||
		app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'notice' AND to_addr = 'gjest@example.org'`) != 1 {
		t.Errorf("after cancelling the event: %s", got.Text)
	}
}

// countMail counts the queued messages of kind for which ok holds, their bodies opened.
func countMail(t *testing.T, app *testApp, kind string, ok func(mailtest.Queued) bool) int {
	t.Helper()
	n := 0
	for _, m := range mailtest.All(t, app.db) {
		if m.Kind == kind && ok(m) {
			n++
		}
	}
	return n
}

// namesTheme reports whether a message names the notice group's theme.
func namesTheme(m mailtest.Queued) bool {
	return strings.Contains(strings.ToLower(m.Subject+" "+m.Text), "angst")
}
