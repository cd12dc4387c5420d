package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/keys"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// roomFixture adds two rooms and returns their ids as form values.
func (a *testApp) roomFixture(t *testing.T) (bjork, furu string) {
	t.Helper()
	b := a.fixtures(t)
	return itoa(b.Room("Bjørkerommet", 14).ID), itoa(b.Room("Furustua", 10).ID)
}

// Staff register a key, lend it, are refused a second hand-out, take it back, and the list,
// the filters and the yearly list follow; each step answers as a form should.
func TestStaffLendAndReturnAKey(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	bjork, furu := app.roomFixture(t)
	staff := app.client(t).login(p.staff.Email)

	res, body := staff.get("/admin/nokler/ny")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `value="`+bjork+`"`) || !strings.Contains(body, "Furustua") {
		t.Fatalf("new key form = %d, without the rooms", res.StatusCode)
	}
	res, _ = staff.post("/admin/nokler/ny", url.Values{"label": {"N-01"}, "kind": {"card"}, "rooms": {bjork, furu}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/nokler/") {
		t.Fatalf("create key = %d %s", res.StatusCode, loc)
	}
	_, body = staff.get(loc)
	for _, want := range []string{"Nøkkelen er lagret.", "Bjørkerommet, Furustua", "Kort", "Her i huset", `action="` + loc + `/utlan"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the new key's page lacks %q", want)
		}
	}

	res, _ = staff.post(loc+"/utlan", url.Values{"holder_name": {"Kari Kontakt"}, "holder_phone": {"900 00 001"}, "due": {"2099-12-31"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != loc {
		t.Fatalf("hand out = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = staff.get(loc)
	for _, want := range []string{"Nøkkelen er lånt ut.", "Kari Kontakt", "+4790000001", "31.12.2099", "Siri Ansatt", `action="` + loc + `/retur"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the lent key's page lacks %q", want)
		}
	}
	if strings.Contains(body, `action="`+loc+`/utlan"`) {
		t.Error("a key that is out offers the hand-out form")
	}

	res, body = staff.post(loc+"/utlan", url.Values{"holder_name": {"Per Kontakt <b>"}, "holder_phone": {"900 00 002"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Nøkkelen er allerede lånt ut.") ||
		!strings.Contains(body, `value="Per Kontakt &lt;b&gt;"`) || !strings.Contains(body, `href="#felt-holder_name"`) {
		t.Errorf("second hand-out = %d, without the error or the input", res.StatusCode)
	}

	for _, c := range []struct{ path, want, notWant string }{
		{"/admin/nokler", "Alle (1)", ""},
		{"/admin/nokler?vis=out", "Kari Kontakt", ""},
		{"/admin/nokler?vis=overdue", "Ingen nøkler her.", "Kari Kontakt"},
		{"/admin/nokler?vis=ended", "Utlånt etter at avtalen sluttet (0)", "Kari Kontakt"},
		{"/admin/nokler/revisjon", "Hos Kari Kontakt siden", ""},
	} {
		res, body := staff.get(c.path)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, c.want) || c.notWant != "" && strings.Contains(body, c.notWant) {
			t.Errorf("%s = %d; want %q and not %q", c.path, res.StatusCode, c.want, c.notWant)
		}
	}

	res, _ = staff.post(loc+"/retur", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != loc {
		t.Fatalf("return = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = staff.get(loc)
	if !strings.Contains(body, "Nøkkelen er registrert som levert tilbake.") || !strings.Contains(body, "til Siri Ansatt") ||
		!strings.Contains(body, `action="`+loc+`/utlan"`) {
		t.Error("the returned key's page lacks the flash, the return in the history or the hand-out form")
	}
	res, _ = staff.post(loc+"/retur", url.Values{})
	if _, body = staff.get(loc); res.StatusCode != http.StatusSeeOther || !strings.Contains(body, "Nøkkelen var allerede levert tilbake.") {
		t.Errorf("second return = %d, without saying so", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'key' AND action IN ($1, $2)`, audit.KeyHandedOut, audit.KeyReturned); n != 2 {
		t.Errorf("%d audit entries for keys, want 2", n)
	}
	// A return registered by mistake is taken back a moment later: the key is out again.
	if !strings.Contains(body, "Angre innleveringen") {
		t.Fatal("no undo right after the return")
	}
	if res, _ = staff.post(loc+"/retur/angre", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("undo = %d", res.StatusCode)
	}
	if _, body = staff.get(loc); !strings.Contains(body, "Innleveringen er angret") || !strings.Contains(body, `action="`+loc+`/retur"`) ||
		strings.Contains(body, "Angre innleveringen") {
		t.Errorf("after the undo: %s", body)
	}
	// Returned again, and looked at after the undo window: no undo offered, and none taken.
	if res, _ = staff.post(loc+"/retur", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return again = %d", res.StatusCode)
	}
	app.srv.now = func() time.Time { return time.Now().Add(keys.UndoWindow + time.Minute) }
	if _, body = staff.get(loc); strings.Contains(body, "Angre innleveringen") {
		t.Error("undo offered after the window")
	}
	staff.post(loc+"/retur/angre", nil)
	if _, body = staff.get(loc); !strings.Contains(body, "kan ikke angres lenger") || !strings.Contains(body, `action="`+loc+`/utlan"`) {
		t.Errorf("a late undo: %s", body)
	}
}

// A refused key form answers 422, names each problem at its field and in the summary, keeps
// what was typed, and stores nothing; so does a bad year of the yearly list.
func TestStaffKeyFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	bjork, _ := app.roomFixture(t)
	staff := app.client(t).login(p.staff.Email)

	res, body := staff.post("/admin/nokler/ny", url.Values{"label": {""}, "kind": {"card"}, "note": {"Ligger i <skapet>"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad key = %d", res.StatusCode)
	}
	for _, field := range []string{"label", "rooms"} {
		if !strings.Contains(body, `href="#felt-`+field+`"`) || !strings.Contains(body, `id="felt-`+field+`-feil"`) {
			t.Errorf("no error at %s", field)
		}
	}
	for _, kept := range []string{">Ligger i &lt;skapet&gt;</textarea>", `<option value="card" selected>`} {
		if !strings.Contains(body, kept) {
			t.Errorf("the typed input %s is not kept", kept)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM keys`); n != 0 {
		t.Errorf("%d keys stored from a refused form", n)
	}

	if res, _ := staff.post("/admin/nokler/ny", url.Values{"label": {"N-01"}, "kind": {"key"}, "rooms": {bjork}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("key = %d", res.StatusCode)
	}
	res, body = staff.post("/admin/nokler/ny", url.Values{"label": {"N-01"}, "kind": {"key"}, "rooms": {bjork}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Det finnes allerede en nøkkel med dette navnet.") ||
		!strings.Contains(body, `value="`+bjork+`" checked`) {
		t.Errorf("a taken label = %d, or the room is not kept", res.StatusCode)
	}

	loc := "/admin/nokler/" + itoa(int64(app.count(t, `SELECT id FROM keys WHERE label = 'N-01'`)))
	res, body = staff.post(loc+"/utlan", url.Values{"holder_phone": {"ring meg"}, "due": {"2020-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="felt-holder_name-feil"`) ||
		!strings.Contains(body, `id="felt-holder_phone-feil"`) || !strings.Contains(body, "Datoen har vært.") ||
		!strings.Contains(body, `value="ring meg"`) || !strings.Contains(body, `name="due" type="date" value="2020-01-01"`) {
		t.Errorf("bad hand-out = %d", res.StatusCode)
	}
	// A date field shows only yyyy-mm-dd: a Norwegian date is shown that way, no date is cleared.
	for due, shown := range map[string]string{"1.2.2099": "2099-02-01", "neste uke": ""} {
		res, body = staff.post(loc+"/utlan", url.Values{"due": {due}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `name="due" type="date" value="`+shown+`"`) {
			t.Errorf("due %q = %d, not shown as %q", due, res.StatusCode, shown)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM key_loans`); n != 0 {
		t.Errorf("%d loans stored from a refused form", n)
	}

	res, body = staff.get("/admin/nokler/revisjon?ar=i+fjor")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="felt-ar-feil"`) || !strings.Contains(body, `value="i fjor"`) {
		t.Errorf("a bad year = %d", res.StatusCode)
	}
	if res, body := staff.get("/admin/nokler/revisjon?ar=2031"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Ingen nøkler var lånt ut i 2031.") {
		t.Errorf("a year without loans = %d", res.StatusCode)
	}
}

// A key lent to a group for its standing booking, which bears the group's name, names the
// group once on the key's page and on the printed yearly list (issue 22: it said it twice);
// an agreement with a title of its own is still shown beside the group.
func TestKeyHandOutNamesTheGroupOnce(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	b := app.fixtures(t)
	g := b.Group(fixture.Named("Samtalegruppe torsdag"), fixture.Meets(4, "18:00", "19:30"))
	room := b.Room("Nøkkelrommet", 10)
	now := time.Now()
	thursday := tz.Midnight(now).AddDate(0, 0, (4-tz.Weekday(now)+7)%7+7)
	sr := rooms.Series{First: thursday, Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute, Frequency: rooms.Weekly, Count: 4}
	booked := b.Booking(room.ID, sr.Slots(), func(bk *rooms.Booking) {
		bk.Holder, bk.GroupID, bk.Standing, bk.Title, bk.OverrideReason = "group", g.ID, true, g.Name, "test"
	})
	key := b.Key("K-7", room.ID)
	b.Lend(key.ID, keys.LoanForm{HolderName: "Kari Kontakt", GroupID: g.ID, BookingID: booked.BookingID}, now)
	staff := app.client(t).login(p.staff.Email)
	// The key's page names the loan under its holder and in its history; the yearly list once.
	seen := func(path, agreement string) {
		t.Helper()
		_, body := staff.get(path)
		for i, part := range strings.Split(body, "</section>") {
			if n := strings.Count(part, g.Name); n > 1 || n == 1 && agreement != "" && !strings.Contains(part, agreement) {
				t.Errorf("%s, part %d: the group %d times, the agreement %q: %v", path, i, n, agreement, strings.Contains(part, agreement))
			}
		}
		if !strings.Contains(body, g.Name) {
			t.Errorf("%s does not name the group", path)
		}
	}
	seen("/admin/nokler/"+itoa(key.ID), "")
	seen("/admin/nokler/revisjon", "")
	if _, err := app.db.Exec(context.Background(), `UPDATE bookings SET title = 'Vårsemesteret' WHERE id = $1`, booked.BookingID); err != nil {
		t.Fatal(err)
	}
	seen("/admin/nokler/"+itoa(key.ID), "Vårsemesteret")
	seen("/admin/nokler/revisjon", "Vårsemesteret")
}
