package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// aFutureTuesday is a Tuesday some weeks ahead, as a form writes it.
func aFutureTuesday() time.Time {
	d := tz.Midnight(time.Now()).AddDate(0, 0, 42)
	return d.AddDate(0, 0, (2-tz.Weekday(d)+7)%7)
}

func (a *testApp) lastMail(t *testing.T, to string) (subject, body string) {
	t.Helper()
	m := mailtest.Last(t, a.db, to)
	return m.Subject, m.Text
}

// A partner asks for a room time that collides once; the form explains its errors; the other
// partner sees nothing of it; staff see the collision, book the free meetings and the partner
// gets the answer by e-mail with the skipped date.
func TestPartnerRequestsARoomAndStaffApprove(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	roomID := app.room(t, "Bjørkerommet")
	day := aFutureTuesday()
	staff := app.client(t).login(p.staff.Email)
	// Staff book the second Tuesday, 18:30, for someone else.
	res, _ := staff.post("/admin/bookinger/ny", url.Values{"room": {itoa(roomID)}, "title": {"Kurs"}, "holder": {"internal"},
		"date": {day.AddDate(0, 0, 7).Format(time.DateOnly)}, "start": {"18:30"}, "end": {"20:00"}, "frequency": {"once"}, "override": {"test"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("staff booking = %d", res.StatusCode)
	}

	a := app.client(t).login(p.partnerA.Email)
	res, body := a.post("/partner/rom/ny", url.Values{"room": {itoa(roomID)}, "date": {"2020-01-07"}, "start": {"18"}, "end": {"19:30"}, "frequency": {"weekly"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad request form = %d", res.StatusCode)
	}
	for _, want := range []string{"Skriv hva bookingen er for.", "Velg i dag eller en senere dato.", "Skriv klokkeslettet slik: 18.00", `value="2020-01-07"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form with errors lacks %q", want)
		}
	}
	form := url.Values{"room": {itoa(roomID)}, "title": {"Pårørendekurs"}, "date": {day.Format(time.DateOnly)}, "start": {"18:00"}, "end": {"19:30"},
		"frequency": {"weekly"}, "until": {day.AddDate(0, 0, 14).Format(time.DateOnly)}, "message": {"Vi blir tolv."}}
	res, _ = a.post("/partner/rom/ny", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/partner/rom/foresporsler" {
		t.Fatalf("request = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = a.get("/partner/rom/foresporsler")
	if !strings.Contains(body, "Forespørselen er sendt") || !strings.Contains(body, "Venter på svar") || !strings.Contains(body, "Vi blir tolv.") {
		t.Errorf("the partner's requests:\n%s", body)
	}
	b := app.client(t).login(p.partnerB.Email)
	if _, body = b.get("/partner/rom/foresporsler"); strings.Contains(body, "Vi blir tolv.") || !strings.Contains(body, "Ingen forespørsler ennå.") {
		t.Error("partner B sees partner A's request")
	}
	var reqID int64
	app.db.QueryRow(context.Background(), `SELECT id FROM booking_requests`).Scan(&reqID)
	if res, _ = b.post("/partner/rom/foresporsler/"+itoa(reqID)+"/trekk", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("partner B withdraws A's request = %d", res.StatusCode)
	}

	res, body = staff.get("/admin/foresporsler")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Foreningen Alfa") {
		t.Fatalf("pending list = %d", res.StatusCode)
	}
	path := "/admin/foresporsler/" + itoa(reqID)
	_, body = staff.get(path)
	for _, want := range []string{"alfa@example.no", "opptatt av «Kurs»", "Book de ledige og hopp over 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("the request page lacks %q", want)
		}
	}
	if res, body = staff.post(path+"/avslag", url.Values{"reason": {" "}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv en begrunnelse") {
		t.Errorf("decline without a reason = %d", res.StatusCode)
	}
	if res, body = staff.post(path+"/godkjenn", nil); res.StatusCode != http.StatusConflict || !strings.Contains(body, "opptatt av «Kurs»") {
		t.Errorf("approve over the collision = %d", res.StatusCode)
	}
	res, _ = staff.post(path+"/godkjenn", url.Values{"skip": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve the free ones = %d", res.StatusCode)
	}
	_, body = staff.get(path)
	if !strings.Contains(body, "Godkjent") || !strings.Contains(body, "Åpne bookingen") {
		t.Errorf("the approved request:\n%s", body)
	}
	if n := app.count(t, `SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id WHERE b.org_id = $1`, p.orgA.ID); n != 2 {
		t.Errorf("%d meetings booked for the organisation, want 2", n)
	}
	subject, text := app.lastMail(t, "alfa@example.no")
	if subject != "Forespørselen om rom er godkjent" || !strings.Contains(text, "Bjørkerommet") ||
		!strings.Contains(text, "ikke booket") || !strings.Contains(text, "/partner/rom/foresporsler") || strings.Contains(text, "Pårørendekurs") {
		t.Errorf("answer mail %q:\n%s", subject, text)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'room_request.approved'`); n != 1 {
		t.Errorf("%d audit lines", n)
	}
	// Deciding again changes nothing and says so.
	staff.post(path+"/avslag", url.Values{"reason": {"for sent"}})
	if _, body = staff.get(path); !strings.Contains(body, "allerede besvart") {
		t.Error("a second decision was not refused")
	}
	// The organisation's schedule lists the booked meetings.
	if _, body = a.get("/partner/rom"); strings.Count(body, "Be om avlysning") != 2 {
		t.Errorf("the partner's schedule:\n%s", body)
	}
}

// Staff save a group's contact person and send the private link; the contact sees the
// group's schedule, asks to cancel a meeting, staff decline it with a reason, and a new link
// ends the old one.
func TestGroupContactPersonAsksToCancel(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, groupID := app.catalogueFixture(t)
	roomID := app.room(t, "Furustua")
	day := aFutureTuesday()
	staff := app.client(t).login(p.staff.Email)
	res, _ := staff.post("/admin/bookinger/ny", url.Values{"room": {itoa(roomID)}, "title": {"Sorggruppe tirsdag"}, "holder": {"group"},
		"group": {itoa(groupID)}, "date": {day.Format(time.DateOnly)}, "start": {"18:00"}, "end": {"19:30"}, "frequency": {"weekly"}, "count": {"3"},
		"override": {"test"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("standing agreement = %d", res.StatusCode)
	}
	page := "/admin/grupper/" + itoa(groupID)
	if res, body := staff.post(page+"/kontakt/lenke", nil); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Lagre en kontaktperson først.") {
		t.Errorf("link without a contact = %d", res.StatusCode)
	}
	if res, body := staff.post(page+"/kontakt", url.Values{"name": {""}, "email": {"kari@"}, "phone": {"12"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Skriv navnet til kontaktpersonen.") || !strings.Contains(body, `value="kari@"`) {
		t.Errorf("invalid contact = %d", res.StatusCode)
	}
	if res, _ := staff.post(page+"/kontakt", url.Values{"name": {"Kari Kontakt"}, "email": {"kari@example.no"}, "phone": {"400 00 000"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save contact = %d", res.StatusCode)
	}
	staff.post(page+"/kontakt/lenke", nil)
	subject, text := app.lastMail(t, "kari@example.no")
	if subject != "Lenke til gruppens romoversikt hos LINK Oslo" || strings.Contains(subject+text, "Sorg") {
		t.Errorf("contact mail names the group: %q\n%s", subject, text)
	}
	link := app.lastLink(t, "kari@example.no")
	res, body := app.client(t).get(link)
	if res.StatusCode != http.StatusOK || strings.Count(body, "Be om avlysning") != 3 || !strings.Contains(body, "Kari Kontakt") ||
		res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(body, "noindex") {
		t.Fatalf("the contact's schedule = %d:\n%s", res.StatusCode, body)
	}
	var occ int64
	app.db.QueryRow(context.Background(), `SELECT min(id) FROM booking_occurrences`).Scan(&occ)
	contact := app.client(t)
	if res, _ = contact.post(link+"/avlys", url.Values{"occurrence": {itoa(occ)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask to cancel = %d", res.StatusCode)
	}
	if _, body = contact.get(link); strings.Count(body, "Be om avlysning") != 2 || !strings.Contains(body, "avlysning er bedt om") {
		t.Errorf("after asking to cancel:\n%s", body)
	}
	// The contact's form has no title field: the booking is the group's.
	if _, body = contact.get(link + "/ny"); strings.Contains(body, `name="title"`) {
		t.Error("the contact is asked for a title")
	}

	var reqID int64
	app.db.QueryRow(context.Background(), `SELECT id FROM booking_requests`).Scan(&reqID)
	res, _ = staff.post("/admin/foresporsler/"+itoa(reqID)+"/avslag", url.Values{"reason": {"Ring oss, så finner vi en løsning."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decline = %d", res.StatusCode)
	}
	subject, text = app.lastMail(t, "kari@example.no")
	if subject != "Svar på forespørselen om rom" || !strings.Contains(text, "Ring oss, så finner vi en løsning.") || strings.Contains(text, "/gruppe/") {
		t.Errorf("decline mail %q:\n%s", subject, text)
	}
	if _, body = contact.get(link + "/foresporsler"); !strings.Contains(body, "Avslått") || !strings.Contains(body, "Ring oss") {
		t.Errorf("the contact's requests:\n%s", body)
	}
	if n := app.count(t, `SELECT count(*) FROM booking_occurrences WHERE cancelled_at IS NOT NULL`); n != 0 {
		t.Errorf("a declined cancellation cancelled %d meetings", n)
	}

	staff.post(page+"/kontakt/lenke", nil)
	if res, _ = contact.get(link); res.StatusCode != http.StatusNotFound {
		t.Errorf("the old link after a new one = %d", res.StatusCode)
	}
	if res, _ = app.client(t).get(app.lastLink(t, "kari@example.no")); res.StatusCode != http.StatusOK {
		t.Errorf("the new link = %d", res.StatusCode)
	}
	staff.post(page+"/kontakt/slett", nil)
	if res, _ = app.client(t).get(app.lastLink(t, "kari@example.no")); res.StatusCode != http.StatusNotFound {
		t.Errorf("the link after the contact was removed = %d", res.StatusCode)
	}

	// The answer goes to whoever is the contact person when staff decide.
	staff.post(page+"/kontakt", url.Values{"name": {"Nils"}, "email": {"nils@example.no"}})
	staff.post(page+"/kontakt/lenke", nil)
	nils := app.lastLink(t, "nils@example.no")
	if res, _ = contact.post(nils+"/avlys", url.Values{"occurrence": {itoa(occ)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("Nils asks to cancel = %d", res.StatusCode)
	}
	app.db.QueryRow(context.Background(), `SELECT max(id) FROM booking_requests`).Scan(&reqID)
	staff.post(page+"/kontakt", url.Values{"name": {"Tone"}, "email": {"tone@example.no"}})
	if res, _ = staff.post("/admin/foresporsler/"+itoa(reqID)+"/godkjenn", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve = %d", res.StatusCode)
	}
	if subject, _ := app.lastMail(t, "tone@example.no"); subject != "Forespørselen om rom er godkjent" {
		t.Errorf("the new contact's mail: %q", subject)
	}
	if n := app.count(t, `SELECT count(*) FROM outbox WHERE to_addr = 'nils@example.no'`); n != 1 {
		t.Errorf("%d mails to the former contact, want only the link", n)
	}
	if n := app.count(t, `SELECT count(*) FROM booking_occurrences WHERE cancelled_at IS NOT NULL`); n != 1 {
		t.Errorf("%d meetings cancelled, want 1", n)
	}
}

// Must show (issue 22): the partner's start page shows a cancelled meeting as cancelled, as
// their room page does, not as happening.
func TestPartnerHomeShowsACancelledMeetingAsCancelled(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	roomID := app.room(t, "Bjørkerommet")
	day := aFutureTuesday()
	store := rooms.NewStore(app.db, app.srv.outbox)
	sr := rooms.Series{First: day, Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute, Frequency: rooms.Weekly, Count: 2}
	booked, err := store.Book(context.Background(), rooms.Booking{RoomID: roomID, Title: "Pårørendekurs", Holder: "org", OrgID: p.orgA.ID,
		Frequency: rooms.Weekly, OverrideReason: "test"}, sr.Slots(), false)
	if err != nil {
		t.Fatal(err)
	}
	var first int64
	app.db.QueryRow(context.Background(), `SELECT min(id) FROM booking_occurrences WHERE booking_id = $1`, booked.BookingID).Scan(&first)
	if _, err := store.Cancel(context.Background(), booked.BookingID, rooms.Cancellation{Occurrence: first, Reason: "Stengt"}); err != nil {
		t.Fatal(err)
	}
	_, body := app.client(t).login(p.partnerA.Email).get("/partner")
	cancelled := "<del>" + pages.Day(context.Background(), day)
	if !strings.Contains(body, cancelled) || !strings.Contains(body, "<strong>avlyst</strong>") {
		t.Errorf("the start page does not show the first meeting as cancelled:\n%s", body)
	}
	if n := strings.Count(body, "Pårørendekurs"); n != 2 || strings.Count(body, "avlyst") != 1 {
		t.Errorf("%d meetings shown, want both with one cancelled", n)
	}
}

// Every date of a partner's request collides: the request page offers no "book the free
// ones", but a room select and the times, prefilled with the request's. A time that is no
// time is explained next to its field and keeps what was typed; approved in another room at
// another time, the booking is made there and the answer tells what was changed.
func TestStaffApproveARequestInAnotherRoom(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	asked, other := app.room(t, "Bjørkerommet"), app.room(t, "Lindesalen")
	day := aFutureTuesday()
	staff := app.client(t).login(p.staff.Email)
	block := bookingForm(asked, day.Format(time.DateOnly), "weekly", "2")
	block.Set("title", "AA-møte")
	if res, _ := staff.post("/admin/bookinger/ny", block); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("block = %d", res.StatusCode)
	}
	a := app.client(t).login(p.partnerA.Email)
	res, _ := a.post("/partner/rom/ny", url.Values{"room": {itoa(asked)}, "title": {"Pårørendekurs"}, "date": {day.Format(time.DateOnly)},
		"start": {"18:00"}, "end": {"19:30"}, "frequency": {"weekly"}, "until": {day.AddDate(0, 0, 7).Format(time.DateOnly)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("request = %d", res.StatusCode)
	}
	var reqID int64
	app.db.QueryRow(context.Background(), `SELECT id FROM booking_requests`).Scan(&reqID)
	path := "/admin/foresporsler/" + itoa(reqID)
	_, body := staff.get(path)
	if strings.Contains(body, "Book de ledige") || !strings.Contains(body, "Ingen av gangene er ledige") {
		t.Error("the request page offers to book the free ones when none is free")
	}
	for _, want := range []string{`value="18:00"`, `value="19:30"`, `<option value="` + itoa(asked) + `" selected>Bjørkerommet`, "Lindesalen"} {
		if !strings.Contains(body, want) {
			t.Errorf("the approval form lacks %q", want)
		}
	}
	res, body = staff.post(path+"/godkjenn", url.Values{"room": {itoa(other)}, "start": {"kveld"}, "end": {"20:30"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#felt-start"`) || !strings.Contains(body, `value="kveld"`) ||
		!strings.Contains(body, `<option value="`+itoa(other)+`" selected>`) {
		t.Errorf("approve at a time that is no time = %d", res.StatusCode)
	}
	// The room asked for is retired meanwhile: the form still names it rather than quietly
	// showing another, and approving in it is refused at the room's field.
	app.db.Exec(context.Background(), `UPDATE rooms SET retired_at = now() WHERE id = $1`, asked)
	if _, body := staff.get(path); !strings.Contains(body, `<option value="`+itoa(asked)+`" selected>Bjørkerommet`) {
		t.Error("with its room retired, the approval form no longer shows the room asked for")
	}
	res, body = staff.post(path+"/godkjenn", url.Values{"room": {itoa(asked)}, "start": {"21:00"}, "end": {"22:00"}, "override": {"Avtalt"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Dette rommet er avviklet") {
		t.Errorf("approve in a retired room = %d", res.StatusCode)
	}
	app.db.Exec(context.Background(), `UPDATE rooms SET retired_at = NULL WHERE id = $1`, asked)
	res, _ = staff.post(path+"/godkjenn", url.Values{"room": {itoa(other)}, "start": {"19:00"}, "end": {"20:30"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve in another room = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
		WHERE b.org_id = $1 AND o.room_id = $2 AND (lower(o.during) AT TIME ZONE 'Europe/Oslo')::time = '19:00'`, p.orgA.ID, other); n != 2 {
		t.Errorf("%d meetings booked in the other room at 19:00, want 2", n)
	}
	subject, text := app.lastMail(t, "alfa@example.no")
	if subject != "Forespørselen om rom er godkjent" || !strings.Contains(text, "Du ba om Bjørkerommet") || !strings.Contains(text, "Du ba om 18.00–19.30") {
		t.Errorf("answer mail %q:\n%s", subject, text)
	}
}

// The partner's request form shows when each room is taken in the week asked for (?uke=),
// with no title or holder, the days the house is closed, and starts the form on that date;
// a form sent with errors shows the week of the date typed. A contact person sees the same.
func TestRequestFormShowsFreeBusy(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	roomID := app.room(t, "Bjørkerommet")
	app.room(t, "Lindesalen")
	day := aFutureTuesday()
	staff := app.client(t).login(p.staff.Email)
	block := bookingForm(roomID, day.Format(time.DateOnly), "once", "")
	block.Set("title", "Hemmelig tema")
	if res, _ := staff.post("/admin/bookinger/ny", block); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("booking = %d", res.StatusCode)
	}
	thursday := day.AddDate(0, 0, 2)
	if _, err := rooms.NewStore(app.db, nil).AddClosure(context.Background(), rooms.Closure{First: thursday, Last: thursday, Reason: "Dugnad"}); err != nil {
		t.Fatal(err)
	}
	a := app.client(t).login(p.partnerA.Email)
	week := "/partner/rom/ny?uke=" + day.Format(time.DateOnly)
	res, body := a.get(week)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("form = %d", res.StatusCode)
	}
	for _, want := range []string{"Opptatt 18.00–19.30", `<th scope="col">Bjørkerommet</th>`, `<th scope="col">Lindesalen</th>`,
		"Huset er stengt: Dugnad", `name="date" type="date" value="` + day.Format(time.DateOnly) + `"`, "i uke " + itoa(int64(isoWeek(day)))} {
		if !strings.Contains(body, want) {
			t.Errorf("the form of the week lacks %q", want)
		}
	}
	if strings.Contains(body, "Hemmelig tema") {
		t.Error("the free/busy grid names another booking")
	}
	if strings.Count(body, "Opptatt 18.00–19.30") != 1 || strings.Count(body, ">Stengt<") != 2 {
		t.Errorf("taken once in one room, closed in both rooms on Thursday:\n%s", body)
	}
	// This week by default; next week shows nothing taken.
	if _, body = a.get("/partner/rom/ny?uke=" + day.AddDate(0, 0, 7).Format(time.DateOnly)); strings.Contains(body, "Opptatt 18.00") {
		t.Error("the next week shows the meeting")
	}
	// A form with errors shows the week of the date typed.
	res, body = a.post("/partner/rom/ny", url.Values{"room": {itoa(roomID)}, "date": {day.Format(time.DateOnly)}, "start": {"18:00"}, "end": {"19:30"}, "frequency": {"once"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Opptatt 18.00–19.30") {
		t.Errorf("the form with errors = %d, without the week of its date", res.StatusCode)
	}
}
