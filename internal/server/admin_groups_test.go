package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

func goodGroup(themeID string) url.Values {
	return url.Values{"name": {"Ærlig prat om angst"}, "kind": {"selfhelp"}, "format": {"house"}, "weekday": {"3"},
		"starts": {"17:30"}, "ends": {"19:00"}, "frequency": {"weekly"}, "language": {"nb"}, "capacity": {"8"},
		"open": {"on"}, "themes": {themeID}, "description_nb": {"En trygg gruppe."}}
}

// Staff create a theme and a group, publish it, change its status with a note, and edit it;
// each step answers with a flash and 303, and the public pages follow.
func TestStaffManageThemesAndGroups(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	staff := app.client(t).login(p.staff.Email)

	res, _ := staff.post("/admin/tema/ny", url.Values{"name_nb": {"Angst og uro"}, "name_en": {"Anxiety"}, "published": {"on"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/tema" {
		t.Fatalf("create theme = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := staff.get("/admin/tema")
	if !strings.Contains(body, "Temaet er opprettet.") || !strings.Contains(body, "angst-og-uro") {
		t.Fatal("the theme list does not show the new theme and the flash")
	}
	themeID := itoa(int64(app.count(t, `SELECT id FROM themes WHERE slug = 'angst-og-uro'`)))

	res, _ = staff.post("/admin/grupper/ny", goodGroup(themeID))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/grupper/") {
		t.Fatalf("create group = %d %s", res.StatusCode, loc)
	}
	_, body = staff.get(loc)
	if !strings.Contains(body, "Gruppa er opprettet.") || !strings.Contains(body, `value="aerlig-prat-om-angst"`) {
		t.Fatal("the new group's page lacks the flash or the slug made from the name")
	}
	if res, _ := app.client(t).get("/grupper/aerlig-prat-om-angst"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unpublished group is public: %d", res.StatusCode)
	}

	if res, _ := staff.post(loc+"/publisering", url.Values{"published": {"true"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish = %d", res.StatusCode)
	}
	if res, body := app.client(t).get("/grupper/aerlig-prat-om-angst"); res.StatusCode != http.StatusOK ||
		!strings.Contains(body, "Onsdager kl. 17.30–19.00") {
		t.Errorf("the published group's page = %d", res.StatusCode)
	}

	res, _ = staff.post(loc+"/status", url.Values{"status": {"startup"}, "note": {"Igangsetter: Kari (frivillig)"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d", res.StatusCode)
	}
	_, body = staff.get(loc)
	for _, want := range []string{"Statusen er endret.", "Igangsetter: Kari (frivillig)", "Siri Ansatt", "Oppstart med igangsetter"} {
		if !strings.Contains(body, want) {
			t.Errorf("the group page after a status change lacks %q", want)
		}
	}

	form := goodGroup(themeID)
	form.Set("name", "Ærlig prat")
	form.Set("slug", "aerlig-prat")
	if res, _ := staff.post(loc, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update = %d", res.StatusCode)
	}
	if res, _ := app.client(t).get("/grupper/aerlig-prat"); res.StatusCode != http.StatusOK {
		t.Errorf("the group is not at its new address: %d", res.StatusCode)
	}
	_, body = staff.get("/admin/grupper?q=rlig&status=startup")
	if !strings.Contains(body, "Ærlig prat") || !strings.Contains(body, "0 av 8") {
		t.Error("the staff list does not find the group by name and status")
	}
	if _, body = staff.get("/admin/grupper?status=closed"); strings.Contains(body, "Ærlig prat") {
		t.Error("the status filter does not filter")
	}
}

// A refused form answers 422, names each problem at its field and in the summary, keeps what
// was typed, and stores nothing.
func TestStaffGroupFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	staff := app.client(t).login(p.staff.Email)
	form := url.Values{"name": {""}, "venue": {"Et sted <b>fint</b>"}, "format": {"partner"}, "starts": {"19:00"},
		"ends": {"18:00"}, "capacity": {"mange"}, "language": {"norsk"}, "description_nb": {"Beholdes <script>"}}
	res, body := staff.post("/admin/grupper/ny", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad group = %d", res.StatusCode)
	}
	for _, field := range []string{"name", "kind", "weekday", "ends", "capacity", "language", "themes"} {
		if !strings.Contains(body, `href="#felt-`+field+`"`) || !strings.Contains(body, `id="felt-`+field+`-feil"`) {
			t.Errorf("no error at %s", field)
		}
	}
	for _, kept := range []string{`value="Et sted &lt;b&gt;fint&lt;/b&gt;"`, `value="mange"`, `value="norsk"`, "Beholdes &lt;script&gt;",
		`<option value="partner" selected>`} {
		if !strings.Contains(body, kept) {
			t.Errorf("the typed input %s is not kept", kept)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM groups`); n != 0 {
		t.Errorf("%d groups stored from a refused form", n)
	}

	res, body = staff.post("/admin/tema/ny", url.Values{"name_nb": {"Sorg"}, "description_nb": {strings.Repeat("x", 2001)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="felt-name_en-feil"`) ||
		!strings.Contains(body, `id="felt-description_nb-feil"`) || !strings.Contains(body, `value="Sorg"`) {
		t.Errorf("bad theme = %d", res.StatusCode)
	}
	if res, _ := staff.post("/admin/tema/ny", url.Values{"name_nb": {"Sorg"}, "name_en": {"Grief"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("theme = %d", res.StatusCode)
	}
	res, body = staff.post("/admin/tema/ny", url.Values{"name_nb": {"Sorg"}, "name_en": {"Grief again"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Adressen er allerede i bruk.") {
		t.Errorf("a taken slug = %d", res.StatusCode)
	}
	themeID := itoa(int64(app.count(t, `SELECT id FROM themes WHERE slug = 'sorg'`)))
	res, _ = staff.post("/admin/grupper/ny", goodGroup(themeID))
	loc := res.Header.Get("Location")
	res, body = staff.post(loc+"/status", url.Values{"status": {"borte"}, "note": {"Et notat"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="felt-status-feil"`) || !strings.Contains(body, ">Et notat</textarea>") {
		t.Errorf("a bad status = %d", res.StatusCode)
	}
}

// Must show (issue 22): a group that meets every second week but is booked weekly is flagged
// on its page and on the dashboard, with a link to the booking; once the booking follows the
// timetable the flag is gone.
func TestTimetableMismatchIsFlagged(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	b := app.fixtures(t)
	g := b.Group(fixture.Named("Sorggruppe onsdag"), fixture.Meets(3, "18:00", "19:30"), fixture.Form(func(f *groups.Form) { f.Frequency = "biweekly" }))
	room := b.Room("Avviksrommet", 10)
	now := time.Now()
	wednesday := tz.Midnight(now).AddDate(0, 0, (3-tz.Weekday(now)+7)%7+7)
	sr := rooms.Series{First: wednesday, Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute, Frequency: rooms.Weekly, Count: 6}
	booked := b.Booking(room.ID, sr.Slots(), func(bk *rooms.Booking) {
		bk.Holder, bk.GroupID, bk.Standing, bk.OverrideReason = "group", g.ID, true, "test"
	})
	staff := app.client(t).login(p.staff.Email)
	want := "booket hver uke, men gruppa møtes annenhver uke."
	for _, path := range []string{"/admin/grupper/" + itoa(g.ID), "/admin"} {
		if _, body := staff.get(path); !strings.Contains(body, "Bookingen følger ikke timeplanen") || !strings.Contains(body, want) ||
			!strings.Contains(body, `href="/admin/bookinger/`+itoa(booked.BookingID)+`"`) {
			t.Errorf("%s does not flag the weekly booking of a biweekly group", path)
		}
	}
	if _, err := app.db.Exec(context.Background(), `UPDATE bookings SET frequency = 'biweekly' WHERE id = $1`, booked.BookingID); err != nil {
		t.Fatal(err)
	}
	if _, body := staff.get("/admin/grupper/" + itoa(g.ID)); strings.Contains(body, "Bookingen følger ikke timeplanen") {
		t.Error("a booking that follows the timetable is flagged")
	}
}
