package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/keys"
)

// room adds a bookable room for 12 named name.
func (a *testApp) room(t *testing.T, name string) int64 {
	t.Helper()
	return a.fixtures(t).Room(name, 12).ID
}

func bookingForm(room int64, date, freq, count string) url.Values {
	return url.Values{"room": {strconv.FormatInt(room, 10)}, "title": {"Sorggruppe"}, "holder": {"internal"},
		"date": {date}, "start": {"18:00"}, "end": {"19:30"}, "frequency": {freq}, "count": {count}}
}

// Must show: 200 concurrent attempts over HTTP to book overlapping times in one room leave
// exactly one booking; the others get the conflict page, none a 500, and none waits for
// deadlock detection (each answers well under the 1 s deadlock_timeout).
func TestConcurrentBookingsOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	id := app.room(t, "Bjørk")
	staff := app.client(t).login(p.staff.Email)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	var slowest time.Duration
	for i := 0; i < 200; i++ {
		wg.Go(func() {
			f := bookingForm(id, "2026-09-01", "once", "")
			f.Set("start", []string{"18:00", "18:30", "19:00"}[i%3])
			f.Set("end", "20:00")
			began := time.Now()
			res, _ := staff.post("/admin/bookinger/ny", f)
			took := time.Since(began)
			mu.Lock()
			defer mu.Unlock()
			statuses[res.StatusCode]++
			slowest = max(slowest, took)
		})
	}
	wg.Wait()
	if statuses[http.StatusSeeOther] != 1 || statuses[http.StatusConflict] != 199 {
		t.Errorf("statuses %v: want one 303 and 199 conflict pages", statuses)
	}
	if n := app.count(t, `SELECT count(*) FROM booking_occurrences`); n != 1 {
		t.Errorf("%d meetings stored", n)
	}
	if n := app.count(t, `SELECT count(*) FROM bookings`); n != 1 {
		t.Errorf("%d bookings stored", n)
	}
	t.Logf("slowest of 200 answers: %v", slowest)
}

// Must show: 2 of 10 weekly dates collide; the form lists them, and booking the free ones
// creates 8 and lists the 2 skipped.
func TestBookingFormListsConflictsAndBooksTheRest(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	id := app.room(t, "Lind")
	staff := app.client(t).login(p.staff.Email)
	for _, d := range []string{"2026-09-15", "2026-10-13"} {
		f := bookingForm(id, d, "once", "")
		f.Set("title", "AA-møte")
		if res, _ := staff.post("/admin/bookinger/ny", f); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("one-off = %d", res.StatusCode)
		}
	}
	res, body := staff.post("/admin/bookinger/ny", bookingForm(id, "2026-09-01", "weekly", "10"))
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "2 møter kan ikke bookes") ||
		!strings.Contains(body, "15.09.2026") || !strings.Contains(body, "13.10.2026") || !strings.Contains(body, "AA-møte") {
		t.Fatalf("conflict page = %d", res.StatusCode)
	}
	f := bookingForm(id, "2026-09-01", "weekly", "10")
	f.Set("skip", "1")
	res, _ = staff.post("/admin/bookinger/ny", f)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("book the rest = %d", res.StatusCode)
	}
	_, body = staff.get(res.Header.Get("Location"))
	if !strings.Contains(body, "2 møter ble hoppet over") || strings.Count(body, "Avlys resten") != 8 {
		t.Errorf("booking page does not list 8 meetings and 2 skipped")
	}
	if n := app.count(t, `SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id WHERE b.title = 'Sorggruppe'`); n != 8 {
		t.Errorf("%d meetings booked", n)
	}
	res, body = staff.post("/admin/bookinger/ny", url.Values{"room": {"x"}, "title": {"<script>"}, "start": {"kveld"}})
	if res.StatusCode != http.StatusUnprocessableEntity || strings.Contains(body, "<script>") || !strings.Contains(body, `href="#felt-date"`) {
		t.Errorf("bad form = %d", res.StatusCode)
	}
}

// "Book the free ones" is offered only when some are free: when every date of a booking or
// of an extension collides, the page says so and offers no button that would book nothing.
func TestNoneFreeOffersNoSkip(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	id := app.room(t, "Hegg")
	staff := app.client(t).login(p.staff.Email)
	block := bookingForm(id, "2026-09-01", "weekly", "6")
	block.Set("title", "AA-møte")
	res, _ := staff.post("/admin/bookinger/ny", block)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("block = %d", res.StatusCode)
	}
	res, body := staff.post("/admin/bookinger/ny", bookingForm(id, "2026-09-08", "weekly", "3"))
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "3 møter kan ikke bookes") {
		t.Fatalf("all taken = %d", res.StatusCode)
	}
	if strings.Contains(body, "Book de ledige") || !strings.Contains(body, "Ingen av møtene er ledige") {
		t.Error("the booking form offers to book the free ones when none is free")
	}
	res, body = staff.post("/admin/bookinger/ny", bookingForm(id, "2026-09-29", "weekly", "3"))
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Book de ledige og hopp over 2") {
		t.Errorf("one of three free = %d: the button is missing", res.StatusCode)
	}
	res, _ = staff.post("/admin/bookinger/ny", bookingForm(id, "2026-08-18", "weekly", "2"))
	booking := res.Header.Get("Location")
	res, body = staff.post(booking+"/forleng", url.Values{"until": {"2026-09-15"}})
	if res.StatusCode != http.StatusConflict || strings.Contains(body, "Book de ledige") || !strings.Contains(body, "3 møter kan ikke bookes") {
		t.Errorf("extension into taken weeks = %d, offering to book the free ones or not listing the three", res.StatusCode)
	}
}

func TestRoomPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	id := app.room(t, "Ospesalen")
	staff := app.client(t).login(p.staff.Email)
	res, _ := staff.post("/admin/bookinger/ny", bookingForm(id, "2026-11-24", "weekly", "4"))
	booking := res.Header.Get("Location")
	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, p.staff.Email)
	tab.Go(t, app.URL+"/admin/rom")
	got := tab.Go(t, app.URL+"/admin/rom/"+strconv.FormatInt(id, 10)+"?uke=2026-11-25")
	if !strings.Contains(got.Text, "18.00–19.30 Sorggruppe") || !strings.Contains(got.Text, "Uke 48") {
		t.Errorf("week grid: %s", got.Text)
	}
	// At 1280 px the grid shows all seven days without scrolling, and the 18.00–19.30 meeting
	// is a block over the two hours it touches, as tall as they are.
	if fits := tab.Eval(t, `(() => { const w = document.querySelector(".week-grid").closest(".table-wrap");
		return String(w.scrollWidth <= w.clientWidth) })()`); fits != "true" {
		t.Error("the week grid scrolls sideways at 1280 px: Sunday is cut off")
	}
	if block := tab.Eval(t, `(() => { const td = [...document.querySelectorAll(".week-grid td.booked")].find(c => c.textContent.includes("Sorggruppe"));
		const hour = td.closest("tr").querySelector("th").getBoundingClientRect().height;
		return td.rowSpan + " " + (td.getBoundingClientRect().height >= 1.9 * hour) })()`); block != "2 true" {
		t.Errorf("the 18.00–19.30 meeting is drawn as %q, want a block over 2 hours", block)
	}
	block := bookingForm(id, "2026-12-22", "once", "")
	block.Set("title", "Julemøte")
	staff.post("/admin/bookinger/ny", block)
	tab.Go(t, app.URL+booking)
	tab.SetValue(t, "felt-until", "2026-12-29")
	got = tab.Click(t, "form[action$='/forleng'] button", browsertest.Status(http.StatusConflict))
	if !strings.Contains(got.Text, "Julemøte") {
		t.Errorf("extension conflict state: %s", got.Text)
	}
	tab.Go(t, app.URL+"/admin/rom/"+strconv.FormatInt(id, 10))
	if got := tab.Click(t, "form[action$='/kalender'] button"); !strings.Contains(got.Text, "/kalender/") {
		t.Errorf("feed link page: %s", got.Text)
	}
	tab.Go(t, app.URL+"/admin/bookinger/ny?rom="+strconv.FormatInt(id, 10))
	tab.Fill(t, "felt-title", "Kollisjon")
	tab.SetValue(t, "felt-date", "2026-11-24")
	tab.SetValue(t, "felt-holder", "internal")
	tab.Fill(t, "felt-count", "2")
	got = tab.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusConflict))
	if !strings.Contains(got.Text, "kan ikke bookes") {
		t.Errorf("conflict state: %s", got.Text)
	}
	tab.Go(t, app.URL+"/admin/bookinger/ny")
	tab.Fill(t, "felt-title", "")
	tab.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))

	// The booking page with its cancel-a-period form in its error state.
	tab.Go(t, app.URL+booking)
	tab.Click(t, "form[action$='/avlys'] button", browsertest.Status(http.StatusUnprocessableEntity))

	// Opening hours and closures, with both forms in their error state.
	soon := aFutureTuesday()
	meeting := bookingForm(id, soon.Format(time.DateOnly), "once", "")
	meeting.Set("title", "Kurs")
	staff.post("/admin/bookinger/ny", meeting)
	if res, body := staff.post("/admin/apningstider/stengt", url.Values{"first": {soon.AddDate(0, 0, -1).Format(time.DateOnly)},
		"last": {soon.AddDate(0, 0, 5).Format(time.DateOnly)}, "reason": {"Juleferie"}, "confirm": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("closure = %d: %s", res.StatusCode, body)
	}
	got = tab.Go(t, app.URL+"/admin/apningstider")
	if !strings.Contains(got.Text, "Juleferie") || !strings.Contains(got.Text, "1 av LINK Oslos egne bookinger står også i perioden") {
		t.Errorf("house page: %s", got.Text)
	}
	tab.SetValue(t, "felt-closes-2", "08:00")
	tab.Click(t, "form[action='/admin/apningstider'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	tab.Click(t, "form[action='/admin/apningstider/stengt'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))

	// A standing exception: the form in its error state, added, deleted with its undo shown.
	tab.Go(t, app.URL+"/admin/apningstider")
	tab.SetValue(t, "felt-weekday", "7")
	tab.SetValue(t, "felt-opens", "17:00")
	tab.SetValue(t, "felt-closes", "21:00")
	got = tab.Click(t, "form[action='/admin/apningstider/unntak'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Velg en gruppe eller et rom.") {
		t.Errorf("the exception form with errors: %s", got.Text)
	}
	tab.SetValue(t, "felt-room", strconv.FormatInt(id, 10))
	tab.Click(t, "form[action='/admin/apningstider/unntak'] button[type=submit]")
	got = tab.Click(t, "form[action$='/unntak/1/slett'] button")
	if !strings.Contains(got.Text, "er slettet") || !strings.Contains(got.Text, "Angre") {
		t.Errorf("the deleted exception's undo: %s", got.Text)
	}

	// The booking page with a cancelled meeting that can be put back on.
	var occ int64
	app.db.QueryRow(context.Background(), `SELECT min(id) FROM booking_occurrences WHERE lower(during) > now()`).Scan(&occ)
	staff.post(booking+"/avlys", url.Values{"occurrence": {strconv.FormatInt(occ, 10)}, "confirm": {"1"}})
	if got = tab.Go(t, app.URL+booking); !strings.Contains(got.Text, "Sett opp igjen") {
		t.Errorf("no way to put the cancelled meeting back on: %s", got.Text)
	}
}

func TestDaySheetShowsWhoIsHereWithKeys(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, groupID := app.catalogueFixture(t)
	room := app.room(t, "Bjørk")
	staff := app.client(t).login(p.staff.Email)
	f := bookingForm(room, "2026-11-24", "once", "")
	f.Set("holder", "group")
	f.Set("group", strconv.FormatInt(groupID, 10))
	staff.post("/admin/bookinger/ny", f)
	key := app.fixtures(t).Key("Nøkkel 1", room)
	app.fixtures(t).Lend(key.ID, keys.LoanForm{HolderName: "Kontakt Karin", GroupID: groupID}, time.Now())
	res, body := staff.get("/admin/dagsark?dato=2026-11-24")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Sorggruppe tirsdag") || !strings.Contains(body, "Kontakt Karin") ||
		!strings.Contains(body, "18.00–19.30") {
		t.Errorf("day sheet = %d", res.StatusCode)
	}
	if _, body := staff.get("/admin/dagsark?dato=2026-11-25"); strings.Contains(body, "Sorggruppe") {
		t.Error("the next day shows today's meeting")
	}
	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, p.staff.Email)
	tab.Go(t, app.URL+"/admin/dagsark?dato=2026-11-24")
	tab.Go(t, app.URL+"/admin/dagsark?dato=2026-11-25")
}

func TestExtendOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	id := app.room(t, "Gran")
	staff := app.client(t).login(p.staff.Email)
	res, _ := staff.post("/admin/bookinger/ny", bookingForm(id, "2026-09-01", "weekly", "4"))
	booking := res.Header.Get("Location")
	block := bookingForm(id, "2026-10-06", "once", "")
	block.Set("title", "Kurs")
	staff.post("/admin/bookinger/ny", block)
	res, body := staff.post(booking+"/forleng", url.Values{"until": {"2026-10-20"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "06.10.2026") {
		t.Fatalf("extend with a collision = %d", res.StatusCode)
	}
	if res, _ := staff.post(booking+"/forleng", url.Values{"until": {"2026-10-20"}, "skip": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("extend, skipping = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id WHERE b.title = 'Sorggruppe'`); n != 7 {
		t.Errorf("%d meetings after extending to 20 Oct (4, then 29 Sep–20 Oct less the skipped 6 Oct)", n)
	}
	if res, _ := staff.post(booking+"/forleng", url.Values{"until": {"i morgen"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad date = %d", res.StatusCode)
	}
}

// Staff cancel the meetings of a period (autumn holiday); a bad period is explained next to
// its fields and cancels nothing.
func TestCancelAPeriodOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	id := app.room(t, "Selje")
	staff := app.client(t).login(p.staff.Email)
	day := aFutureTuesday()
	date := func(weeks, days int) string { return day.AddDate(0, 0, 7*weeks+days).Format(time.DateOnly) }
	form := bookingForm(id, date(0, 0), "weekly", "6")
	form.Set("override", "test")
	res, _ := staff.post("/admin/bookinger/ny", form)
	booking := res.Header.Get("Location")
	cancelled := func() int {
		return app.count(t, `SELECT count(*) FROM booking_occurrences WHERE cancelled_at IS NOT NULL`)
	}
	for _, c := range []struct{ from, to, want string }{
		{"", date(2, 0), "Velg en dato."},
		{"0000-01-01", date(2, 0), "Velg en dato."},
		{date(2, 0), date(1, 0), "Til-datoen må være samme dag som fra-datoen eller senere."},
		{date(1, 1), date(1, 6), "Det er ingen møter å avlyse i denne perioden."},
	} {
		res, body := staff.post(booking+"/avlys", url.Values{"from": {c.from}, "to": {c.to}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) || !strings.Contains(body, `value="`+c.to+`"`) {
			t.Errorf("%s–%s = %d, want %q", c.from, c.to, res.StatusCode, c.want)
		}
	}
	if n := cancelled(); n != 0 {
		t.Fatalf("%d cancelled by bad periods", n)
	}
	period := url.Values{"from": {date(1, 0)}, "to": {date(2, 0)}, "reason": {"høstferie"}}
	res, body := staff.post(booking+"/avlys", period)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Disse møtene blir avlyst") || !strings.Contains(body, "Ingen får beskjed") || cancelled() != 0 {
		t.Fatalf("preview of a period = %d %s", res.StatusCode, body)
	}
	period.Set("confirm", "1")
	res, _ = staff.post(booking+"/avlys", period)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel a period = %d", res.StatusCode)
	}
	if n := cancelled(); n != 2 {
		t.Errorf("%d cancelled, want 2 (the second and third meetings)", n)
	}
	// One of them is put back on from the booking's page, in one step.
	_, body = staff.get(booking)
	if strings.Count(body, "/gjeninnsett") != 2 {
		t.Fatalf("the booking page offers %d reinstatements, want 2", strings.Count(body, "/gjeninnsett"))
	}
	var occ int64
	app.db.QueryRow(context.Background(), `SELECT min(id) FROM booking_occurrences WHERE cancelled_at IS NOT NULL`).Scan(&occ)
	if res, _ := staff.post(booking+"/gjeninnsett", url.Values{"occurrence": {itoa(occ)}}); res.StatusCode != http.StatusSeeOther || cancelled() != 1 {
		t.Fatalf("reinstate = %d, %d cancelled", res.StatusCode, cancelled())
	}
	if _, body := staff.get(booking); !strings.Contains(body, "Møtet er satt opp igjen.") || strings.Count(body, "/gjeninnsett") != 1 {
		t.Errorf("after reinstating: %s", body)
	}
}

// Staff change the opening hours and add a closure on the house page; bad input is explained
// next to its field and saves nothing; a booking then follows the new rules.
func TestOpeningHoursAndClosuresOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	id := app.room(t, "Lind")
	staff := app.client(t).login(p.staff.Email)
	res, body := staff.get("/admin/apningstider")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="felt-opens-1" name="opens-1" type="time" value="09:00"`) || !strings.Contains(body, "17. mai") {
		t.Fatalf("house page = %d:\n%s", res.StatusCode, body)
	}
	hours := url.Values{}
	for d := 1; d <= 7; d++ {
		n := strconv.Itoa(d)
		hours.Set("open-"+n, "on")
		hours.Set("opens-"+n, "08:00")
		hours.Set("closes-"+n, "23:00")
	}
	hours.Del("open-7")
	hours.Set("closes-3", "07:00")
	res, body = staff.post("/admin/apningstider", hours)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Slutt må være etter start.") || !strings.Contains(body, `value="07:00"`) {
		t.Errorf("hours closing before opening = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM opening_hours WHERE opens = '08:00'`); n != 0 {
		t.Fatalf("bad hours saved %d days", n)
	}
	hours.Set("closes-3", "23:00")
	if res, _ = staff.post("/admin/apningstider", hours); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save hours = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM opening_hours WHERE opens = '08:00' AND closes = '23:00'`); n != 6 {
		t.Errorf("%d open days saved, want 6 (Sunday closed)", n)
	}
	// 22:00–23:00 on a Wednesday is now inside the hours.
	late := bookingForm(id, "2027-09-01", "once", "")
	late.Set("start", "22:00")
	late.Set("end", "23:00")
	if res, _ = staff.post("/admin/bookinger/ny", late); res.StatusCode != http.StatusSeeOther {
		t.Errorf("booking in the new hours = %d", res.StatusCode)
	}

	res, body = staff.post("/admin/apningstider/stengt", url.Values{"first": {"2027-09-10"}, "last": {"2027-09-08"}, "reason": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv hvorfor huset er stengt.") || !strings.Contains(body, "Til-datoen må være") {
		t.Errorf("bad closure = %d", res.StatusCode)
	}
	if res, _ = staff.post("/admin/apningstider/stengt", url.Values{"first": {"2027-09-06"}, "last": {"2027-09-10"}, "reason": {"Maling"}, "confirm": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add closure = %d", res.StatusCode)
	}
	res, body = staff.post("/admin/bookinger/ny", bookingForm(id, "2027-09-07", "once", ""))
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Maling") {
		t.Errorf("booking in the closure = %d", res.StatusCode)
	}
	var closure int64
	app.db.QueryRow(context.Background(), `SELECT id FROM closures`).Scan(&closure)
	if res, _ = staff.post("/admin/apningstider/stengt/"+itoa(closure)+"/slett", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete closure = %d", res.StatusCode)
	}
	if res, _ = staff.post("/admin/bookinger/ny", bookingForm(id, "2027-09-07", "once", "")); res.StatusCode != http.StatusSeeOther {
		t.Errorf("booking after the closure was deleted = %d", res.StatusCode)
	}
}

// A meeting outside the house's day (booked with an override) still shows in the week grid.
func TestWeekGridShowsEarlyAndLateMeetings(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	room := app.room(t, "Bjørk")
	staff := app.client(t).login(p.staff.Email)
	for title, times := range map[string][2]string{"Morgenmøte": {"06:00", "07:00"}, "Nattmøte": {"22:30", "23:30"}} {
		f := bookingForm(room, "2031-03-05", "once", "")
		f.Set("title", title)
		f.Set("start", times[0])
		f.Set("end", times[1])
		f.Set("override", "Avtalt med huset")
		if res, body := staff.post("/admin/bookinger/ny", f); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("booking %s = %d\n%s", title, res.StatusCode, body)
		}
	}
	_, body := staff.get("/admin/rom/" + strconv.FormatInt(room, 10) + "?uke=2031-03-04")
	for _, want := range []string{"06.00–07.00 Morgenmøte", "22.30–23.30 Nattmøte", ">06.00<", ">22.00<"} {
		if !strings.Contains(body, want) {
			t.Errorf("the week grid lacks %q", want)
		}
	}
}

// Staff give a Sunday group a standing exception on the opening hours page: a bad form is
// explained at its fields and keeps what was typed; a deletion can be undone at once.
func TestStandingExceptionOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	staff := app.client(t).login(p.staff.Email)
	g := app.fixtures(t).Group(fixture.Named("Al-Anon søndag"), fixture.Meets(7, "18:00", "19:30"))
	res, body := staff.post("/admin/apningstider/unntak", url.Values{"weekday": {"7"}, "opens": {"21:00"}, "closes": {"17:00"}, "exception_note": {"Fast møte"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Velg en gruppe eller et rom.") ||
		!strings.Contains(body, `value="Fast møte"`) || app.count(t, `SELECT count(*) FROM opening_exceptions`) != 0 {
		t.Fatalf("a bad exception = %d", res.StatusCode)
	}
	form := url.Values{"weekday": {"7"}, "opens": {"17:00"}, "closes": {"21:00"}, "group": {itoa(g.ID)}, "exception_note": {"Fast møte"}}
	if res, _ := staff.post("/admin/apningstider/unntak", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add = %d", res.StatusCode)
	}
	_, body = staff.get("/admin/apningstider")
	if !strings.Contains(body, "Søndag 17.00–21.00: Al-Anon søndag") || !strings.Contains(body, "Unntaket er lagt til.") {
		t.Errorf("the page lacks the exception: %s", body)
	}
	var id int64
	app.db.QueryRow(context.Background(), `SELECT id FROM opening_exceptions`).Scan(&id)
	res, body = staff.post("/admin/apningstider/unntak/"+itoa(id)+"/slett", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "er slettet") || app.count(t, `SELECT count(*) FROM opening_exceptions`) != 0 {
		t.Fatalf("delete = %d", res.StatusCode)
	}
	// The undo posts the same exception again.
	if res, _ := staff.post("/admin/apningstider/unntak", form); res.StatusCode != http.StatusSeeOther ||
		app.count(t, `SELECT count(*) FROM opening_exceptions WHERE group_id = $1 AND weekday = 7`, g.ID) != 1 {
		t.Errorf("undo = %d", res.StatusCode)
	}
}
