package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Must show: in a real browser, a partner asks for a Zoom licence, staff lend the suggested
// free one, the partner reveals the credentials, staff mark it returned, and the
// password-change step blocks the next reveal. Every page on the way passes axe-core, has an
// empty console and fits a 320 px phone: the partner portal and the licence pages.
func TestLicenceLoanInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	setup := app.client(t).login(p.staff.Email)
	for _, f := range []url.Values{licenceForm("Zoom 1", "100", "Rom-nokkel-1"), licenceForm("Zoom 2", "300", "Rom-nokkel-2")} {
		if res, _ := setup.post("/admin/lisenser/ny", f); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create licence = %d", res.StatusCode)
		}
	}
	today := tz.Midnight(time.Now())

	partner := browsertest.New(t).NewTab(t)
	loginIn(t, partner, app.URL, p.partnerA.Email)
	partner.Go(t, app.URL+"/partner")
	partner.Go(t, app.URL+"/partner/lisenser")
	partner.Go(t, app.URL+"/partner/lisenser/ny")
	partner.Fill(t, "felt-purpose", "")
	got := partner.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv hva lisensen skal brukes til.") {
		t.Errorf("the request form with errors: %s", got.Text)
	}
	partner.SetValue(t, "felt-first", today.Format(time.DateOnly))
	partner.SetValue(t, "felt-last", today.AddDate(0, 0, 30).Format(time.DateOnly))
	partner.Fill(t, "felt-purpose", "Digitale medlemsmøter")
	partner.Fill(t, "felt-participants", "25")
	partner.Fill(t, "felt-meeting_minutes", "40")
	got = partner.Click(t, "main form button[type=submit]")
	if !strings.Contains(got.Text, "Venter på svar") {
		t.Fatalf("after the request: %s", got.Text)
	}

	staff := browsertest.New(t).NewTab(t) // a browser of its own: tabs share cookies
	loginIn(t, staff, app.URL, p.staff.Email)
	staff.Go(t, app.URL+"/admin/lisenser")
	got = staff.Go(t, app.URL+"/admin/lisenser/foresporsler")
	if !strings.Contains(got.Text, "Foreningen Alfa") {
		t.Fatalf("the queue: %s", got.Text)
	}
	var reqID int64
	app.db.QueryRow(context.Background(), `SELECT id FROM licence_requests`).Scan(&reqID)
	got = staff.Go(t, app.URL+"/admin/lisenser/foresporsler/"+itoa(reqID))
	if !strings.Contains(got.Text, "foreslått") {
		t.Errorf("no suggestion: %s", got.Text)
	}
	got = staff.Click(t, "form[action$='/godkjenn'] button[type=submit]")
	if !strings.Contains(got.Text, "Lisensen er lånt ut") || !strings.Contains(got.Text, "Zoom 1") {
		t.Fatalf("after lending: %s", got.Text)
	}
	staff.Go(t, app.URL+"/admin/lisenser/lan")

	got = partner.Go(t, app.URL+"/partner/lisenser")
	if !strings.Contains(got.Text, "Zoom: Zoom 1") {
		t.Fatalf("the partner's loans: %s", got.Text)
	}
	partner.Click(t, "main .card a")
	got = partner.Click(t, "form[action$='/vis'] button")
	if !strings.Contains(got.Text, "Rom-nokkel-1") {
		t.Fatalf("the reveal: %s", got.Text)
	}

	staff.Go(t, app.URL+"/admin/lisenser/lan")
	got = staff.Click(t, "form[action$='/retur'] button")
	if !strings.Contains(got.Text, "slutter i dag") {
		t.Fatalf("the question before the return: %s", got.Text)
	}
	got = staff.Click(t, "form[action$='/retur'] button[type=submit]")
	if !strings.Contains(got.Text, "registrert som levert") {
		t.Fatalf("after the return: %s", got.Text)
	}
	// The next loan of the same licence, from tomorrow: lent again, but not shown until the
	// password changes. The server's clock then moves to tomorrow morning.
	tomorrow := today.AddDate(0, 0, 1)
	reqID, err := app.srv.licences().Request(context.Background(), licences.Requester{OrgID: p.orgA.ID, UserID: p.partnerA.ID, Lang: "nb"},
		licences.RequestForm{Provider: licences.Zoom, First: tomorrow.Format(time.DateOnly), Last: tomorrow.AddDate(0, 0, 6).Format(time.DateOnly),
			Purpose: "Neste lån", Participants: "10", MeetingMinutes: "40", ContactName: "Alfa", ContactEmail: "alfa@example.no"}, 12, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got = staff.Go(t, app.URL+"/admin/lisenser/foresporsler/"+itoa(reqID))
	if !strings.Contains(got.Text, "Zoom 1 (Opptil 100 deltakere, 40 minutter per møte)") || !strings.Contains(got.Text, "Passordet må endres") {
		t.Errorf("the returned licence is not offered with its password change: %s", got.Text)
	}
	var zoom1 int64
	app.db.QueryRow(context.Background(), `SELECT id FROM licences WHERE label = 'Zoom 1'`).Scan(&zoom1)
	staff.Press(t, "#felt-licence-"+itoa(zoom1))
	staff.Click(t, "form[action$='/godkjenn'] button[type=submit]")
	var loanID int64
	app.db.QueryRow(context.Background(), `SELECT max(id) FROM licence_loans`).Scan(&loanID)
	app.srv.now = func() time.Time { return tomorrow.Add(time.Hour) }
	defer func() { app.srv.now = time.Now }()
	got = partner.Go(t, app.URL+"/partner/lisenser/lan/"+itoa(loanID))
	if !strings.Contains(got.Text, "Vi bytter passordet") || strings.Contains(got.Text, "Rom-nokkel") {
		t.Errorf("the reveal before the password change: %s", got.Text)
	}
	staff.Go(t, app.URL+"/admin/lisenser/"+itoa(zoom1))
	staff.Fill(t, "felt-secret", "Ny-rom-nokkel")
	staff.Click(t, "main form.form button[type=submit]")
	partner.Go(t, app.URL+"/partner/lisenser/lan/"+itoa(loanID))
	partner.Fill(t, "felt-password", testPassword) // the login is now hours old
	got = partner.Click(t, "form[action$='/vis'] button")
	if !strings.Contains(got.Text, "Ny-rom-nokkel") {
		t.Errorf("the reveal after the password change: %s", got.Text)
	}
	app.srv.now = time.Now
	staff.Go(t, app.URL+"/admin/lisenser/ny")
	staff.Click(t, "main form.form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	// Staff's request on behalf of a group, in its error state.
	staff.Go(t, app.URL+"/admin/lisenser/foresporsler/ny")
	got = staff.Click(t, "main form.form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Velg gruppen.") {
		t.Errorf("the request for a group with errors: %s", got.Text)
	}
	staff.Go(t, app.URL+"/admin/lisenser/bruk")

	// The register of organisations: the list, the new form in its error state, one organisation.
	staff.Go(t, app.URL+"/admin/organisasjoner")
	staff.Go(t, app.URL+"/admin/organisasjoner/ny")
	staff.SetValue(t, "felt-agreement_expires", "2020-01-01")
	got = staff.Click(t, "main form.form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv navnet på organisasjonen.") {
		t.Errorf("the organisation form with errors: %s", got.Text)
	}
	got = staff.Go(t, app.URL+"/admin/organisasjoner/"+itoa(p.orgA.ID))
	if !strings.Contains(got.Text, "Foreningen Alfa") {
		t.Errorf("the organisation's page: %s", got.Text)
	}
}
