package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// christmasAhead is the next Christmas closure (22 December to 2 January) that has not begun,
// and a clock for the app no later than three weeks before it, so that the closure is in the
// weeks the public pages look ahead.
func christmasAhead() (first, last, now time.Time) {
	real := time.Now()
	year := real.Year()
	if !real.Before(time.Date(year, time.December, 20, 0, 0, 0, 0, tz.Oslo)) {
		year++
	}
	first = time.Date(year, time.December, 22, 0, 0, 0, 0, tz.Oslo)
	last = time.Date(year+1, time.January, 2, 0, 0, 0, 0, tz.Oslo)
	now = first.AddDate(0, 0, -21)
	if real.After(now) {
		now = real
	}
	return first, last, now
}

// Must show (issue 22, 1): a closure over Christmas shows on the week grid, the house view,
// the day sheet and the group's public page (and the partner's and contact person's pages);
// "cancel the meetings in it" cancels exactly those meetings, in one step, after saying how
// many and whom it tells; a meeting before or after it and the house's own event in it stay.
func TestChristmasClosureShowsWherePeopleLook(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	first, last, now := christmasAhead()
	app.srv.now = func() time.Time { return now }
	b := app.fixtures(t)
	g := b.Group(fixture.Named("Sorggruppe tirsdag"), fixture.Meets(2, "18:00", "19:30"))
	room := app.room(t, "Bjørkerommet")
	other := app.room(t, "Eikerommet")
	ctx := context.Background()
	store := rooms.NewStore(app.db, app.srv.outbox)

	// The group meets every Tuesday from tomorrow on, past the closure, booked with a reason to
	// meet outside the house rules, so that adding the closure keeps them.
	tuesday := tz.Midnight(now).AddDate(0, 0, 1)
	for tz.Weekday(tuesday) != 2 {
		tuesday = tuesday.AddDate(0, 0, 1)
	}
	slots := rooms.Series{First: tuesday, Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute, Frequency: rooms.Weekly, Count: 8}.Slots()
	if _, err := store.Book(ctx, rooms.Booking{RoomID: room, Title: "Sorggruppe tirsdag", Holder: "group", GroupID: g.ID,
		Frequency: rooms.Weekly, Standing: true, OverrideReason: "avtalt"}, slots, false); err != nil {
		t.Fatal(err)
	}
	closedDays := 0 // of the week of the first Tuesday in the closure
	inside := 0     // the group's meetings in the closure: one or two Tuesdays
	for _, s := range slots {
		if !s.Start.Before(first) && s.Start.Before(last.AddDate(0, 0, 1)) {
			inside++
		}
	}
	eventDay := first.AddDate(0, 0, 6)
	if _, err := store.Book(ctx, rooms.Booking{RoomID: other, Title: "Julekaffe", Holder: "internal", Frequency: rooms.Once, OverrideReason: "avtalt"},
		[]rooms.Slot{{Start: eventDay.Add(12 * time.Hour), End: eventDay.Add(14 * time.Hour)}}, false); err != nil {
		t.Fatal(err)
	}
	closureID, err := store.AddClosure(ctx, rooms.Closure{First: first, Last: last, Reason: "Juleferie"})
	if err != nil {
		t.Fatal(err)
	}
	inClosure := `SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
		WHERE b.group_id = $1 AND o.cancelled_at IS NULL AND lower(o.during) >= $2 AND lower(o.during) < $3`
	if n := app.count(t, inClosure, g.ID, first, last.AddDate(0, 0, 1)); n != inside || inside == 0 {
		t.Fatalf("the fixture: %d of the group's meetings in the closure are on, want %d", n, inside)
	}
	outside := len(slots) - inside
	var closedTuesday time.Time
	for d := first; ; d = d.AddDate(0, 0, 1) {
		if tz.Weekday(d) == 2 {
			closedTuesday = d
			break
		}
	}

	br := browsertest.New(t)
	staff := br.NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)
	week := "?uke=" + closedTuesday.Format(time.DateOnly)
	monday := closedTuesday.AddDate(0, 0, -1)
	for d := monday; d.Before(monday.AddDate(0, 0, 7)); d = d.AddDate(0, 0, 1) {
		if !d.Before(first) && !d.After(last) {
			closedDays++
		}
	}

	// The room's week grid marks the closed days and the meeting still on in one.
	got := staff.Go(t, app.URL+"/admin/rom/"+itoa(room)+week)
	if strings.Count(got.Text, "Huset er stengt: Juleferie") < 5 || !strings.Contains(got.Text, "Står fortsatt, selv om huset er stengt") {
		t.Errorf("the week grid shows no closure: %s", got.Text)
	}
	if !strings.Contains(got.Text, "Juleferie, 1. juledag") && closedTuesday.Day() <= 25 {
		t.Errorf("the week grid does not name Christmas Day: %s", got.Text)
	}
	// The house view: every room, the closed days, both meetings still on.
	got = staff.Go(t, app.URL+"/admin/rom/uke"+week)
	if !strings.Contains(got.Text, "Bjørkerommet") || !strings.Contains(got.Text, "Eikerommet") ||
		strings.Count(got.Text, "Huset er stengt: Juleferie") != closedDays || !strings.Contains(got.Text, "Står fortsatt") {
		t.Errorf("the house view: %s", got.Text)
	}
	// The day sheet of the closed Tuesday says so, and that a meeting is still listed.
	got = staff.Go(t, app.URL+"/admin/dagsark?dato="+closedTuesday.Format(time.DateOnly))
	if !strings.Contains(got.Text, "Huset er stengt denne dagen: Juleferie") || !strings.Contains(got.Text, "Likevel står 1 møte her") {
		t.Errorf("the day sheet: %s", got.Text)
	}
	// A day sheet of an open day says nothing of closures.
	got = staff.Go(t, app.URL+"/admin/dagsark?dato="+tuesday.Format(time.DateOnly))
	if strings.Contains(got.Text, "stengt") {
		t.Errorf("the day sheet of an open day speaks of a closure: %s", got.Text)
	}
	// The group's public page tells visitors.
	visitor := br.NewTab(t)
	got = visitor.Go(t, app.URL+"/grupper/"+g.Slug)
	if !strings.Contains(got.Text, "Huset er stengt") || !strings.Contains(got.Text, "Juleferie") ||
		!strings.Contains(got.Text, "Gruppen møtes ikke i huset disse dagene") {
		t.Errorf("the group's page: %s", got.Text)
	}
	// A partner sees it where they ask for rooms.
	partner := browsertest.New(t).NewTab(t)
	loginIn(t, partner, app.URL, p.partnerA.Email)
	for _, path := range []string{"/partner", "/partner/rom", "/partner/rom/ny"} {
		if got := partner.Go(t, app.URL+path); !strings.Contains(got.Text, "Juleferie") {
			t.Errorf("%s does not show the closure: %s", path, got.Text)
		}
	}

	// The closure says what is still on and cancels it in one step, after a confirmation.
	got = staff.Go(t, app.URL+"/admin/apningstider")
	stillOn := map[bool]string{true: "1 møte for en gruppe eller organisasjon står fortsatt i perioden",
		false: itoa(int64(inside)) + " møter for grupper og organisasjoner står fortsatt i perioden"}[inside == 1]
	if !strings.Contains(got.Text, stillOn) ||
		!strings.Contains(got.Text, "1 av LINK Oslos egne bookinger står også i perioden") {
		t.Errorf("the closure's card: %s", got.Text)
	}
	got = staff.Click(t, "a[href='/admin/apningstider/stengt/"+itoa(closureID)+"/avlys']")
	if !strings.Contains(got.Text, "Avlyse møtene i «Juleferie»?") || !strings.Contains(got.Text, itoa(int64(inside))+" møte") {
		t.Errorf("the confirmation: %s", got.Text)
	}
	if n := app.count(t, inClosure, g.ID, first, last.AddDate(0, 0, 1)); n != inside {
		t.Fatalf("the confirmation page cancelled meetings: %d still on, want %d", n, inside)
	}
	staff.Fill(t, "felt-note", "Vi ses igjen i januar.")
	got = staff.Click(t, "form[action$='/avlys'] button[type=submit]")
	if !strings.Contains(got.Text, map[bool]string{true: "1 møte er avlyst", false: itoa(int64(inside)) + " møter er avlyst"}[inside == 1]) {
		t.Errorf("after cancelling: %s", got.Text)
	}
	if n := app.count(t, inClosure, g.ID, first, last.AddDate(0, 0, 1)); n != 0 {
		t.Errorf("%d of the group's meetings in the closure are still on", n)
	}
	if n := app.count(t, `SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
		WHERE b.group_id = $1 AND o.cancelled_at IS NULL`, g.ID); n != outside {
		t.Errorf("%d of the group's meetings are on, want the %d outside the closure", n, outside)
	}
	if n := app.count(t, `SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
		WHERE b.title = 'Julekaffe' AND o.cancelled_at IS NULL`); n != 1 {
		t.Errorf("the house's own event was cancelled with the groups' meetings")
	}
	// The week grid now shows the meeting as cancelled, nothing as still on.
	got = staff.Go(t, app.URL+"/admin/rom/"+itoa(room)+week)
	if strings.Contains(got.Text, "Står fortsatt") || !strings.Contains(got.Text, "avlyst") {
		t.Errorf("the week grid after cancelling: %s", got.Text)
	}
	// Asking again finds nothing to cancel.
	got = staff.Go(t, app.URL+"/admin/apningstider/stengt/"+itoa(closureID)+"/avlys")
	if !strings.Contains(got.Text, "Ingen møter står i perioden lenger") {
		t.Errorf("a second cancellation: %s", got.Text)
	}
}
