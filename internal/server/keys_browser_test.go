package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/keys"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
)

// keyFixture is a key register with a key in the house, one out with a history, one overdue
// and one out after its standing agreement ended.
type keyFixture struct {
	inHouse, withHistory, overdue, ended keys.Key
}

func (a *testApp) keyFixture(t *testing.T, by audit.Actor) keyFixture {
	t.Helper()
	ctx := context.Background()
	bjork, furu := a.roomFixture(t)
	roomIDs := func(ids ...string) []int64 {
		var out []int64
		for _, id := range ids {
			n, _ := strconv.ParseInt(id, 10, 64)
			out = append(out, n)
		}
		return out
	}
	s := keys.NewStore(a.db)
	mk := func(label, kind string, opens []int64) keys.Key {
		k, err := s.Create(ctx, keys.Form{Label: label, Kind: kind, Note: "Henger i nøkkelskapet på kontoret", Rooms: opens})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	lend := func(k keys.Key, f keys.LoanForm, at time.Time) {
		if _, err := s.HandOut(ctx, k.ID, f, by, at); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	var f keyFixture
	f.inHouse = mk("Hovedinngang 6. etasje – ekstranøkkel med et langt navn", keys.KindKey, roomIDs(bjork, furu))
	f.withHistory = mk("N-02", keys.KindCard, roomIDs(bjork))
	f.overdue = mk("N-03", keys.KindKey, roomIDs(furu))
	f.ended = mk("N-04", keys.KindKey, roomIDs(bjork))

	lend(f.withHistory, keys.LoanForm{HolderName: "Tidligere Kontakt", HolderPhone: "+4790000009"}, now.AddDate(0, -3, 0))
	if _, err := s.Return(ctx, f.withHistory.ID, by, now.AddDate(0, -2, 0)); err != nil {
		t.Fatal(err)
	}
	lend(f.withHistory, keys.LoanForm{HolderName: "Kari Kontakt", HolderPhone: "+4790000001",
		Due: now.AddDate(0, 1, 0).Format(time.DateOnly)}, now.AddDate(0, 0, -7))
	lend(f.overdue, keys.LoanForm{HolderName: "Per Kontakt", Due: now.AddDate(0, 0, -10).Format(time.DateOnly)}, now.AddDate(0, 0, -20))

	// A standing agreement whose last meeting ended yesterday: booked in the past, as staff
	// may, and outside the opening hours when the test runs at night, hence the override.
	yesterday := now.AddDate(0, 0, -1)
	booking := a.fixtures(t).Booking(roomIDs(bjork)[0], []rooms.Slot{{Start: yesterday.Add(-2 * time.Hour), End: yesterday}},
		func(b *rooms.Booking) {
			b.Title, b.Frequency, b.Standing, b.OverrideReason = "Angstgruppa våren", rooms.Weekly, true, "Testdata"
		}).BookingID
	lend(f.ended, keys.LoanForm{HolderName: "Eva Kontakt", BookingID: booking}, now.AddDate(0, -4, 0))
	return f
}

// Every page of the key register passes axe-core, has an empty console and fits a 320 px
// phone: the list with each filter, the new key form in its error state, a key with its
// history, a key in the house with its hand-out form, and the yearly list.
func TestKeyPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	f := app.keyFixture(t, audit.Actor{ID: p.staff.ID, Label: p.staff.Email})
	path := func(k keys.Key) string { return "/admin/nokler/" + strconv.FormatInt(k.ID, 10) }

	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, p.staff.Email)
	for _, c := range []struct{ path, want, notWant string }{
		{"/admin/nokler", "Alle (4)", ""},
		{"/admin/nokler?vis=out", "Kari Kontakt", "Hovedinngang"},
		{"/admin/nokler?vis=overdue", "Per Kontakt", "Kari Kontakt"},
		{"/admin/nokler?vis=ended", "Eva Kontakt", "Per Kontakt"},
		{path(f.withHistory), "Tidligere Kontakt", ""},
		{path(f.inHouse), "Lån ut nøkkelen", ""},
		{path(f.ended), "Avtalen er slutt", ""},
		{"/admin/nokler/revisjon", "Hvor nøklene er nå", ""},
	} {
		got := tab.Go(t, app.URL+c.path)
		if !strings.Contains(got.Text, c.want) || c.notWant != "" && strings.Contains(got.Text, c.notWant) {
			t.Errorf("%s: want %q and not %q in\n%s", c.path, c.want, c.notWant, got.Text)
		}
	}

	tab.Go(t, app.URL+"/admin/nokler/ny")
	tab.Fill(t, "felt-note", "Ligger i skapet")
	got := tab.Click(t, "form[action='/admin/nokler/ny'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Noe må rettes") || !strings.Contains(got.Text, "Velg minst ett rom.") {
		t.Errorf("new key form errors: %s", got.Text)
	}

	tab.Go(t, app.URL+path(f.inHouse))
	tab.Fill(t, "felt-holder_phone", "ring meg")
	got = tab.Click(t, "form[action$='/utlan'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv navnet til den som får nøkkelen.") {
		t.Errorf("hand-out form errors: %s", got.Text)
	}
	tab.Fill(t, "felt-holder_name", "Ola Kontakt")
	tab.Fill(t, "felt-holder_phone", "900 00 003")
	got = tab.Click(t, "form[action$='/utlan'] button[type=submit]")
	if !strings.Contains(got.Text, "Nøkkelen er lånt ut.") || !strings.Contains(got.Text, "+4790000003") {
		t.Errorf("after handing out: %s", got.Text)
	}
	got = tab.Click(t, "form[action$='/retur'] button[type=submit]")
	if !strings.Contains(got.Text, "Nøkkelen er registrert som levert tilbake.") {
		t.Errorf("after the return: %s", got.Text)
	}
	tab.Go(t, app.URL+"/admin/nokler/revisjon?ar=tjue", browsertest.Status(http.StatusUnprocessableEntity))
}
