package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
)

// The event pages pass axe-core, have an empty console and fit a 320 px phone: the public
// list and page with the sign-up form in its error state, the thank-you page, the private
// page, and staff's list and form (with its error state).
func TestEventPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	if _, err := demo.Seed(context.Background(), app.db); err != nil {
		t.Fatal(err)
	}
	var id int64
	app.db.QueryRow(context.Background(), `SELECT id FROM events WHERE format = 'house'`).Scan(&id)
	tab := browsertest.New(t).NewTab(t)
	got := tab.Go(t, app.URL+"/arrangementer")
	if !strings.Contains(got.Text, "Hva er en selvhjelpsgruppe?") {
		t.Fatalf("the list: %s", got.Text)
	}
	tab.Go(t, app.URL+"/arrangementer/"+itoa(id))
	tab.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	tab.Fill(t, "felt-first_name", "Kari")
	tab.Fill(t, "felt-email", "kari@example.no")
	tab.Press(t, "#felt-adult")
	tab.Press(t, "#felt-consent")
	got = tab.Click(t, "main form button[type=submit]")
	if !strings.Contains(got.Text, "Sjekk e-posten din") {
		t.Fatalf("after signing up: %s", got.Text)
	}
	// The link in the mail shows what to confirm; the button takes the place and leads to the
	// private page.
	got = tab.Go(t, app.URL+app.lastLink(t, "kari@example.no"))
	if !strings.Contains(got.Text, "Bekreft påmeldingen") || !strings.Contains(got.Text, "Kari") {
		t.Fatalf("the confirmation page: %s", got.Text)
	}
	got = tab.Click(t, "main form button[type=submit]")
	if !strings.Contains(got.URL, "/arrangement/") || !strings.Contains(got.Text, "Du har plass") {
		t.Errorf("the private page: %s", got.Text)
	}

	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)
	staff.Go(t, app.URL+"/admin/arrangementer")
	staff.Go(t, app.URL+"/admin/arrangementer/"+itoa(id))
	staff.Go(t, app.URL+"/admin/arrangementer/ny")
	staff.Fill(t, "felt-title", "")
	staff.Click(t, "main form.form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
}
