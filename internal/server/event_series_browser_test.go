package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Staff set up "intro meeting the first Tuesday of the month" once: the form explains its
// mistakes at the fields, a day the room is taken is listed with the offer to make the free
// ones, and the series' page lists the events it made, each a normal event. Every page passes
// axe-core (the browser checks each visit).
func TestEventSeriesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	room := app.room(t, "Ospesalen")
	first := tz.Midnight(time.Now()).AddDate(0, 2, 0)
	first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, tz.Oslo)
	until := first.AddDate(0, 3, -1)
	dates := events.SeriesDates(events.Monthly, 1, 2, first, until)
	taken := dates[1].Add(18 * time.Hour)
	app.fixtures(t).Booking(room, []rooms.Slot{{Start: taken, End: taken.Add(time.Hour)}}, func(b *rooms.Booking) {
		b.Title, b.OverrideReason = "Kurs for likepersoner", "test"
	})

	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)
	staff.Go(t, app.URL+"/admin/arrangementer")
	got := staff.Click(t, "a[href='/admin/arrangementer/serier']")
	if !strings.Contains(got.Text, "Ingen serier ennå") {
		t.Errorf("the empty list: %s", got.Text)
	}
	staff.Click(t, "a[href='/admin/arrangementer/serier/ny']")
	// Sent with the title missing and the last day before the first: both said at the field,
	// nothing else lost.
	staff.Fill(t, "felt-title", "")
	staff.SetValue(t, "felt-date", first.Format(time.DateOnly))
	staff.SetValue(t, "felt-until", first.AddDate(0, 0, -1).Format(time.DateOnly))
	staff.SetValue(t, "felt-room", itoa(room))
	staff.SetValue(t, "felt-weekday", "2")
	staff.Fill(t, "felt-capacity", "10") // the room holds 12
	staff.Fill(t, "felt-override", "Fast introduksjonsmøte")
	got = staff.Click(t, "form[action$='/serier/ny'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Noe må rettes") || !strings.Contains(got.Text, "Skriv en tittel") || !strings.Contains(got.Text, "Til-datoen må være samme dag") || strings.Contains(got.Text, "Velg en ukedag") {
		t.Errorf("the form with errors: %s", got.Text)
	}
	staff.Fill(t, "felt-title", "Hva er en selvhjelpsgruppe?")
	staff.SetValue(t, "felt-until", until.Format(time.DateOnly))
	got = staff.Click(t, "form[action$='/serier/ny'] button[type=submit]", browsertest.Status(http.StatusConflict))
	if !strings.Contains(got.Text, "Kurs for likepersoner") || !strings.Contains(got.Text, "Lag de 2 ledige og hopp over resten") {
		t.Errorf("the taken day: %s", got.Text)
	}
	got = staff.Click(t, "button[name=skip]")
	if !strings.Contains(got.Text, "2 arrangementer er laget. 1 dag ble hoppet over.") || !strings.Contains(got.Text, "Første tirsdag i måneden, kl. 18.00–19.30") {
		t.Errorf("the series' page: %s", got.Text)
	}
	for _, d := range []time.Time{dates[0], dates[2]} {
		if !strings.Contains(got.Text, d.Format("02.01.2006")) {
			t.Errorf("the series' page lacks %s: %s", d.Format(time.DateOnly), got.Text)
		}
	}
	if strings.Contains(got.Text, dates[1].Format("02.01.2006")) {
		t.Errorf("the series' page lists the skipped day")
	}
	if n := app.count(t, `SELECT count(*) FROM events WHERE series_id IS NOT NULL AND booking_id IS NOT NULL AND published`); n != 2 {
		t.Errorf("%d published events with a booking in the series, want 2", n)
	}
	got = staff.Go(t, app.URL+"/admin/arrangementer/serier")
	if !strings.Contains(got.Text, "Hva er en selvhjelpsgruppe?") {
		t.Errorf("the list: %s", got.Text)
	}
	// The events are on the public list.
	visitor := browsertest.New(t).NewTab(t)
	if got := visitor.Go(t, app.URL+"/arrangementer"); strings.Count(got.Text, "Hva er en selvhjelpsgruppe?") != 2 {
		t.Errorf("the public list: %s", got.Text)
	}
}
