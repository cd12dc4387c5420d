package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
)

// The room request pages pass axe-core, have an empty console and fit a 320 px phone, for
// all three who use them: a partner (schedule, form with errors, requests), a group's contact
// person behind the private link, and staff (the list, a request in its conflict state, a
// group's rooms page with the contact form in its error state).
func TestRoomRequestPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, groupID := app.catalogueFixture(t)
	roomID := app.room(t, "Bjørkerommet")
	day := aFutureTuesday()
	ctx := context.Background()
	store := rooms.NewStore(app.db, nil)
	if _, err := store.Book(ctx, rooms.Booking{RoomID: roomID, Title: "Sorggruppe tirsdag", Holder: "group", GroupID: groupID,
		Frequency: rooms.Weekly, Standing: true, OverrideReason: "test"}, rooms.Series{First: day, Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute,
		Frequency: rooms.Weekly, Count: 4}.Slots(), false); err != nil {
		t.Fatal(err)
	}
	if err := store.SetContact(ctx, rooms.Contact{GroupID: groupID, Name: "Kari Kontakt", Email: "kari@example.no"}); err != nil {
		t.Fatal(err)
	}
	_, token, _, err := store.IssueContactLink(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)

	// The contact person: schedule, ask to cancel, the form, the requests.
	contact := b.NewTab(t)
	base := app.URL + "/gruppe/" + token
	got := contact.Go(t, base)
	if strings.Count(got.Text, "Be om avlysning") != 4 {
		t.Errorf("the contact's schedule: %s", got.Text)
	}
	got = contact.Click(t, "form[action$='/avlys'] button")
	if !strings.Contains(got.Text, "avlysning er bedt om") {
		t.Errorf("after asking to cancel: %s", got.Text)
	}
	contact.Go(t, base+"/ny")
	contact.SetValue(t, "felt-date", day.Format(time.DateOnly))
	contact.SetValue(t, "felt-start", "20:00")
	contact.SetValue(t, "felt-end", "19:00")
	got = contact.Click(t, "form[method=post][action$='/ny'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Noe må rettes") {
		t.Errorf("the contact's form with errors: %s", got.Text)
	}
	contact.SetValue(t, "felt-end", "21:00")
	got = contact.Click(t, "form[method=post][action$='/ny'] button[type=submit]")
	if !strings.Contains(got.Text, "Forespørselen er sendt") || !strings.Contains(got.Text, "Trekk forespørselen") {
		t.Errorf("the contact's requests: %s", got.Text)
	}
	contact.Go(t, app.URL+"/gruppe/ukjent", browsertest.Status(http.StatusNotFound))

	// A partner: the form with errors, then a request that collides with the group.
	partner := b.NewTab(t)
	loginIn(t, partner, app.URL, p.partnerA.Email)
	partner.Go(t, app.URL+"/partner/rom")
	partner.Go(t, app.URL+"/partner/rom/ny")
	got = partner.Click(t, "form[method=post][action='/partner/rom/ny'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv hva bookingen er for.") {
		t.Errorf("the partner's form with errors: %s", got.Text)
	}
	partner.Fill(t, "felt-title", "Pårørendetreff")
	partner.SetValue(t, "felt-date", day.Format(time.DateOnly))
	partner.SetValue(t, "felt-start", "19:00")
	partner.SetValue(t, "felt-end", "20:00")
	partner.Click(t, "form[method=post][action='/partner/rom/ny'] button[type=submit]")
	partner.Go(t, app.URL+"/partner/rom/foresporsler")

	// Staff: the list, the colliding request, a decline without a reason, a group's rooms.
	staff := browsertest.New(t).NewTab(t) // a browser of its own: tabs share cookies
	loginIn(t, staff, app.URL, p.staff.Email)
	got = staff.Go(t, app.URL+"/admin/foresporsler")
	if !strings.Contains(got.Text, "Foreningen Alfa") || !strings.Contains(got.Text, "Sorggruppe tirsdag") {
		t.Errorf("the pending requests: %s", got.Text)
	}
	var partnerReq int64
	app.db.QueryRow(ctx, `SELECT id FROM booking_requests WHERE org_id IS NOT NULL`).Scan(&partnerReq)
	got = staff.Go(t, app.URL+"/admin/foresporsler/"+itoa(partnerReq))
	if !strings.Contains(got.Text, "opptatt av «Sorggruppe tirsdag»") {
		t.Errorf("the request's conflict: %s", got.Text)
	}
	got = staff.Click(t, "form[action$='/avslag'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv en begrunnelse") {
		t.Errorf("decline without a reason: %s", got.Text)
	}
	staff.Go(t, app.URL+"/admin/foresporsler?status=alle")
	staff.Go(t, app.URL+"/admin/grupper/"+itoa(groupID)+"/rom")
	staff.Fill(t, "felt-email", "ikke en adresse")
	got = staff.Click(t, "form[action$='/kontakt'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Noe må rettes") {
		t.Errorf("the contact form with errors: %s", got.Text)
	}
}

// A partner looks up when the rooms are free before asking (the week of a date, without a
// script), asks for a time that is taken every week anyway, and staff approve it in the free
// room instead: no "book the free ones" is offered, and the partner's answer says what was
// changed. Every page passes axe-core.
func TestPartnerSeesFreeBusyAndStaffApproveInAnotherRoom(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	taken, free := app.room(t, "Bjørkerommet"), app.room(t, "Lindesalen")
	day := aFutureTuesday()
	ctx := context.Background()
	if _, err := rooms.NewStore(app.db, nil).Book(ctx, rooms.Booking{RoomID: taken, Title: "Hemmelig tema", Holder: "internal",
		Frequency: rooms.Weekly, OverrideReason: "test"}, rooms.Series{First: day, Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute,
		Frequency: rooms.Weekly, Count: 2}.Slots(), false); err != nil {
		t.Fatal(err)
	}
	partner := browsertest.New(t).NewTab(t)
	loginIn(t, partner, app.URL, p.partnerA.Email)
	got := partner.Go(t, app.URL+"/partner/rom/ny")
	if strings.Contains(got.Text, "Opptatt 18.00–19.30") && isoWeek(day) != isoWeek(time.Now()) {
		t.Errorf("this week shows a meeting weeks ahead: %s", got.Text)
	}
	partner.SetValue(t, "felt-uke", day.Format(time.DateOnly))
	got, _ = partner.Submit(t, "section.free-busy form")
	if !strings.Contains(got.Text, "Opptatt 18.00–19.30") || strings.Contains(got.Text, "Hemmelig tema") {
		t.Errorf("the week of the date: %s", got.Text)
	}
	partner.Fill(t, "felt-title", "Pårørendetreff")
	partner.SetValue(t, "felt-start", "18:00")
	partner.SetValue(t, "felt-end", "19:30")
	partner.SetValue(t, "felt-frequency", "weekly")
	partner.SetValue(t, "felt-until", day.AddDate(0, 0, 7).Format(time.DateOnly))
	if got, _ = partner.Submit(t, "form[method=post][action='/partner/rom/ny']"); !strings.Contains(got.Text, "Forespørselen er sendt") {
		t.Fatalf("the request: %s", got.Text)
	}

	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)
	var reqID int64
	app.db.QueryRow(ctx, `SELECT id FROM booking_requests`).Scan(&reqID)
	got = staff.Go(t, app.URL+"/admin/foresporsler/"+itoa(reqID))
	if strings.Contains(got.Text, "Book de ledige") || !strings.Contains(got.Text, "Ingen av gangene er ledige") {
		t.Errorf("the request where no date is free: %s", got.Text)
	}
	staff.SetValue(t, "felt-room", itoa(free))
	staff.SetValue(t, "felt-start", "18:30")
	got, _ = staff.Submit(t, "form[action$='/godkjenn']")
	if !strings.Contains(got.Text, "Godkjent") || !strings.Contains(got.Text, "Åpne bookingen") {
		t.Errorf("approved in another room: %s", got.Text)
	}
	if _, text := app.lastMail(t, "alfa@example.no"); !strings.Contains(text, "Du ba om Bjørkerommet") || !strings.Contains(text, "18.30–19.30") {
		t.Errorf("the answer:\n%s", text)
	}
}
