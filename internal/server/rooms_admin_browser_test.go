package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Must show: the rooms admin works in a real browser as a person uses it (the form sent with
// its problems, then right; the question before retiring; bringing back), and every page of
// it, the refusal with meetings ahead and the capacity warnings included, passes axe-core.
func TestRoomsAdminInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	busy := app.room(t, "Furu")
	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, p.admin.Email)

	tab.Go(t, app.URL+"/admin/innstillinger/rom")
	tab.Click(t, "main a[href='/admin/innstillinger/rom/ny']")
	got, _ := tab.Submit(t, "main form", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv navnet på rommet.") || !strings.Contains(got.Text, "Skriv antall plasser som et tall fra 1 til 500.") {
		t.Fatalf("empty room form: %s", got.Text)
	}
	tab.Fill(t, "felt-name", "Eikerommet")
	tab.Fill(t, "felt-capacity", "8")
	tab.Press(t, "#felt-facilities-2") // screen
	got, _ = tab.Submit(t, "main form")
	if !strings.Contains(got.Text, "Rommet er lagret.") || !strings.Contains(got.Text, "skjerm") {
		t.Fatalf("after adding: %s", got.Text)
	}
	id := strconv.Itoa(app.count(t, `SELECT id FROM rooms WHERE name = 'Eikerommet'`))
	tab.Go(t, app.URL+"/admin/innstillinger/rom/"+id)
	got = tab.Go(t, app.URL+"/admin/innstillinger/rom/"+id+"/avvikle")
	if !strings.Contains(got.Text, "Ingen kan booke rommet eller be om det lenger.") {
		t.Fatalf("retire question: %s", got.Text)
	}
	got = tab.Click(t, "main form button[name=confirm]")
	if !strings.Contains(got.Text, "Rommet er avviklet.") {
		t.Fatalf("after retiring: %s", got.Text)
	}
	got = tab.Click(t, "main form[action$='/"+id+"/ta-i-bruk'] button")
	if !strings.Contains(got.Text, "Rommet er i bruk igjen") {
		t.Fatalf("after bringing back: %s", got.Text)
	}

	// A room with meetings ahead: the refusal, and the warnings of a room too small.
	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)
	staff.Go(t, app.URL+"/admin/bookinger/ny?rom="+strconv.FormatInt(busy, 10))
	staff.Fill(t, "felt-title", "Sorggruppe")
	staff.SetValue(t, "felt-holder", "internal")
	staff.SetValue(t, "felt-date", tz.Midnight(time.Now()).AddDate(0, 0, 7).Format(time.DateOnly))
	staff.SetValue(t, "felt-frequency", "once")
	staff.Fill(t, "felt-override", "Test")
	staff.Fill(t, "felt-expected", "30")
	got, _ = staff.Submit(t, "main form", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Furu har plass til 12, og dere venter 30.") {
		t.Fatalf("booking too large: %s", got.Text)
	}
	staff.Press(t, "#felt-capacity_ok")
	if got, _ = staff.Submit(t, "main form"); !strings.Contains(got.URL, "/admin/bookinger/") {
		t.Fatalf("booking confirmed led to %s: %s", got.URL, got.Text)
	}
	got = tab.Go(t, app.URL+"/admin/innstillinger/rom/"+strconv.FormatInt(busy, 10)+"/avvikle")
	if !strings.Contains(got.Text, "Furu har 1 møte fremover") {
		t.Errorf("retire question with a meeting ahead: %s", got.Text)
	}
}
