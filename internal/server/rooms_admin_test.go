package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// roomOption is how a form's room list offers room id, named name.
func roomOption(id int64, name string) string {
	return `<option value="` + strconv.FormatInt(id, 10) + `">` + name + `</option>`
}

// Must show: an admin adds a room (a form with problems keeps what was typed and says what is
// wrong next to each field), changes it, retires it after one plain question, and brings it
// back; a retired room is gone from every form where one chooses a room but its bookings stay,
// and every change has its audit line.
func TestRoomsAdminAddEditRetireRestore(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	admin := app.client(t).login(p.admin.Email)
	if res, body := admin.get("/admin/innstillinger/rom"); res.StatusCode != http.StatusOK || !strings.Contains(body, `href="/admin/innstillinger/rom"`) ||
		!strings.Contains(body, "Rom og utstyr") {
		t.Fatalf("rooms admin = %d, or not in the menu", res.StatusCode)
	}

	bad := url.Values{"name": {"Eikerommet"}, "floor": {"sjette"}, "capacity": {"0"}, "facilities": {"screen"}}
	res, body := admin.post("/admin/innstillinger/rom/ny", bad)
	for _, want := range []string{`id="feiloppsummering"`, `href="#felt-floor"`, `href="#felt-capacity"`, "Skriv etasjen som et tall fra -5 til 50.",
		`value="Eikerommet"`, `value="sjette"`, `name="facilities" value="screen" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("form with problems (%d) lacks %q", res.StatusCode, want)
		}
	}
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="felt-capacity" name="capacity" type="number" value="0" inputmode="numeric" required aria-describedby="felt-capacity-hint felt-capacity-feil" aria-invalid="true"`) {
		t.Errorf("form with problems = %d, or the capacity field is not marked", res.StatusCode)
	}
	good := url.Values{"name": {"Eikerommet"}, "floor": {"6"}, "capacity": {"8"}, "facilities": {"step_free", "screen"}, "bookable": {"on"}}
	if res, _ := admin.post("/admin/innstillinger/rom/ny", good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add = %d", res.StatusCode)
	}
	id := app.count(t, `SELECT id FROM rooms WHERE name = 'Eikerommet'`)
	if _, body := admin.get("/admin/innstillinger/rom"); !strings.Contains(body, "Rommet er lagret.") || !strings.Contains(body, "trinnfri adkomst, skjerm") {
		t.Errorf("the list after adding lacks the flash or the facilities")
	}
	edit := "/admin/innstillinger/rom/" + strconv.Itoa(id)
	if res, body := admin.get(edit); res.StatusCode != http.StatusOK || !strings.Contains(body, `value="8"`) {
		t.Errorf("edit page = %d", res.StatusCode)
	}
	good.Set("capacity", "9")
	good["facilities"] = []string{"hearing_loop", "screen", "camera"}
	if res, _ := admin.post(edit, good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM rooms WHERE name = 'Eikerommet' AND capacity = 9 AND hearing_loop AND camera AND NOT step_free`); n != 1 {
		t.Error("the change was not saved")
	}

	app.room(t, "Lind") // a room in use, that the forms go on offering
	staff := app.client(t).login(p.staff.Email)
	past := bookingForm(int64(id), tz.Midnight(time.Now()).AddDate(0, 0, -14).Format(time.DateOnly), "once", "")
	past.Set("override", "Tidligere møte")
	res, _ = staff.post("/admin/bookinger/ny", past)
	booking := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(booking, "/admin/bookinger/") {
		t.Fatalf("a past booking = %d to %q", res.StatusCode, booking)
	}

	// The question, in plain words; the answer retires the room.
	if res, body := admin.get(edit + "/avvikle"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Dette skjer når du avvikler Eikerommet:") ||
		!strings.Contains(body, "Du kan ta rommet i bruk igjen senere.") || !strings.Contains(body, `name="confirm" value="1"`) {
		t.Fatalf("retire question = %d", res.StatusCode)
	}
	if res, _ := admin.post(edit+"/avvikle", url.Values{}); res.StatusCode != http.StatusOK || app.count(t, `SELECT count(*) FROM rooms WHERE retired_at IS NOT NULL`) != 0 {
		t.Errorf("retiring without the answer = %d, or retired", res.StatusCode)
	}
	if res, _ := admin.post(edit+"/avvikle", url.Values{"confirm": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("retire = %d", res.StatusCode)
	}
	if _, body := admin.get("/admin/innstillinger/rom"); !strings.Contains(body, "Rommet er avviklet.") || !strings.Contains(body, "Avviklet ") ||
		!strings.Contains(body, edit+"/ta-i-bruk") {
		t.Error("the list does not show the room retired")
	}
	for _, page := range []string{"/admin/bookinger/ny", "/admin/arrangementer/ny", "/admin/nokler/ny"} {
		if _, body := staff.get(page); strings.Contains(body, "Eikerommet") || !strings.Contains(body, "Lind") {
			t.Errorf("%s still offers the retired room, or not the others", page)
		}
	}
	partner := app.client(t).login(p.partnerA.Email)
	if _, body := partner.get("/partner/rom/ny"); strings.Contains(body, "Eikerommet") {
		t.Error("partners may still ask for the retired room")
	}
	if res, body := staff.get(booking); res.StatusCode != http.StatusOK || !strings.Contains(body, "Eikerommet") {
		t.Errorf("the booking in the retired room = %d, or without its room", res.StatusCode)
	}
	future := bookingForm(int64(id), tz.Midnight(time.Now()).AddDate(0, 0, 14).Format(time.DateOnly), "once", "")
	future.Set("override", "Test")
	if res, body := staff.post("/admin/bookinger/ny", future); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Dette rommet er avviklet. Velg et annet rom.") {
		t.Errorf("booking the retired room by a stale form = %d", res.StatusCode)
	}

	// Brought back: offered again.
	if res, _ := admin.post(edit+"/ta-i-bruk", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore = %d", res.StatusCode)
	}
	if _, body := staff.get("/admin/bookinger/ny"); !strings.Contains(body, roomOption(int64(id), "Eikerommet")) {
		t.Error("the room brought back is not offered")
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'room' AND entity_id = $1
		AND action IN ('room.added', 'room.changed', 'room.retired', 'room.restored')`, strconv.Itoa(id)); n != 4 {
		t.Errorf("%d audit lines, want 4", n)
	}
	if res, _ := admin.get("/admin/innstillinger/rom/999999/avvikle"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown room = %d", res.StatusCode)
	}
}

// Must show: a room with meetings ahead is not retired; the question says how many and lists
// the bookings to move or cancel first, and offers no button.
func TestRetireRoomWithMeetingsAheadIsRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	id := app.room(t, "Furu")
	staff := app.client(t).login(p.staff.Email)
	f := bookingForm(id, tz.Midnight(time.Now()).AddDate(0, 0, 7).Format(time.DateOnly), "weekly", "3")
	f.Set("override", "Test")
	if res, _ := staff.post("/admin/bookinger/ny", f); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("booking = %d", res.StatusCode)
	}
	admin := app.client(t).login(p.admin.Email)
	retire := "/admin/innstillinger/rom/" + strconv.FormatInt(id, 10) + "/avvikle"
	res, body := admin.get(retire)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Furu har 3 møter fremover, så du kan ikke avvikle rommet ennå.") ||
		!strings.Contains(body, "Sorggruppe</a>:") || strings.Contains(body, `name="confirm"`) {
		t.Errorf("question with meetings ahead = %d:\n%s", res.StatusCode, body)
	}
	if res, body := admin.post(retire, url.Values{"confirm": {"1"}}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "3 møter fremover") {
		t.Errorf("retire with meetings ahead = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM rooms WHERE retired_at IS NOT NULL`); n != 0 {
		t.Error("the room was retired")
	}
}

// Must show: an event for 20 in a room for 12, and a booking for 15 in it, are stopped with
// the room's numbers next to the field; staff tick the box and save, or save a number that
// fits.
func TestCapacityWarningOnEventsAndBookings(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	id := app.room(t, "Lind") // 12 places
	staff := app.client(t).login(p.staff.Email)
	day := tz.Midnight(time.Now()).AddDate(0, 0, 7).Format(time.DateOnly)
	event := url.Values{"kind": {"intro"}, "title": {"Intromøte"}, "date": {day}, "start": {"18:00"}, "end": {"19:00"},
		"format": {"house"}, "room": {strconv.FormatInt(id, 10)}, "capacity": {"20"}, "override": {"Test"}}
	res, body := staff.post("/admin/arrangementer/ny", event)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Lind har plass til 12, og dere venter 20.") ||
		!strings.Contains(body, `id="felt-capacity-feil"`) || !strings.Contains(body, `name="capacity_ok"`) || !strings.Contains(body, `value="20"`) {
		t.Fatalf("event too large for its room = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM events`); n != 0 {
		t.Fatalf("%d events saved past the warning", n)
	}
	event.Set("capacity_ok", "on")
	if res, _ := staff.post("/admin/arrangementer/ny", event); res.StatusCode != http.StatusSeeOther {
		t.Errorf("event confirmed = %d", res.StatusCode)
	}

	f := bookingForm(id, tz.Midnight(time.Now()).AddDate(0, 0, 8).Format(time.DateOnly), "once", "")
	f.Set("override", "Test")
	f.Set("expected", "mange")
	if res, body := staff.post("/admin/bookinger/ny", f); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Skriv antallet som et tall fra 1 til 500, eller la feltet stå tomt.") {
		t.Errorf("expected not a number = %d", res.StatusCode)
	}
	f.Set("expected", "15")
	res, body = staff.post("/admin/bookinger/ny", f)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Lind har plass til 12, og dere venter 15.") ||
		!strings.Contains(body, `id="felt-expected-feil"`) || !strings.Contains(body, `name="capacity_ok"`) {
		t.Fatalf("booking too large for its room = %d", res.StatusCode)
	}
	f.Set("expected", "12")
	if res, _ := staff.post("/admin/bookinger/ny", f); res.StatusCode != http.StatusSeeOther {
		t.Errorf("booking that fits = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM bookings`); n != 2 {
		t.Errorf("%d bookings, want the event's and the one that fits", n)
	}
}
