package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// Issue 19: a caller with only a mobile number phones in. Staff open the form from the
// waiting list, send it first without the group and the oral consent (the form comes back
// with both problems and nothing lost), then sign her up for a group; her SMS confirmation,
// with her private link and without the group's name, is in the dev SMS inbox. When she calls
// again the form finds her by her number and adds the sign-up to her; from her page staff add
// interest in another theme, prefilled with her wishes. Every page passes axe-core.
func TestStaffSignUpACallerInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	themeID, groupID := app.catalogueFixture(t)
	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)

	staff.Go(t, app.URL+"/admin/venteliste")
	got := staff.Click(t, "main a[href='/admin/deltakere/ny']")
	if !strings.Contains(got.Text, "Les denne teksten høyt for personen") || !strings.Contains(got.Text, "Vi lagrer navnet ditt") {
		t.Fatalf("the form: %s", got.Text)
	}
	staff.Fill(t, "felt-first_name", "Liv")
	staff.Fill(t, "felt-phone", "48 12 34 56")
	staff.Press(t, "input[name=contact][value=sms]")
	staff.Press(t, "#felt-formats-2") // either place is chosen at first: she wants digital only
	staff.Press(t, "#felt-days-3")    // Thursday
	staff.Press(t, "#felt-parts-1")   // afternoon
	staff.Press(t, "#felt-adult")
	got, ok := staff.Submit(t, "form.signup", browsertest.Status(http.StatusUnprocessableEntity))
	if !ok || !strings.Contains(got.Text, "Velg gruppen eller temaet personen vil meldes på.") ||
		!strings.Contains(got.Text, "Kryss av når personen har sagt ja til samtykketeksten.") {
		t.Fatalf("without group and consent: %s", got.Text)
	}
	if v := staff.Eval(t, `document.getElementById("felt-first_name").value + " " + document.getElementById("felt-phone").value + " " +
		document.getElementById("felt-days-3").checked + " " + document.getElementById("felt-parts-1").checked`); v != "Liv +4748123456 true true" {
		t.Errorf("the form lost what was typed: %q", v)
	}
	staff.SetValue(t, "felt-target", "gruppe-"+itoa(groupID))
	staff.Press(t, "#felt-consent")
	got, ok = staff.Submit(t, "form.signup")
	if !ok || !strings.Contains(got.Text, "sendt på SMS") || !strings.Contains(got.Text, "Muntlig samtykke til Siri Ansatt") {
		t.Fatalf("after signing up: %s", got.Text)
	}
	person := got.URL

	got = staff.Go(t, app.URL+"/dev/sms")
	if !strings.Contains(got.Text, "+4748123456") || !strings.Contains(got.Text, "Hei Liv! Takk for påmeldingen.") {
		t.Fatalf("the dev SMS inbox: %s", got.Text)
	}
	for _, secret := range []string{"Sorggruppe", "Sorg og tap"} {
		if strings.Contains(got.Text, secret) {
			t.Errorf("the SMS inbox shows %q", secret)
		}
	}

	// She calls again, and the new form finds her by her number however it is written.
	staff.Go(t, app.URL+"/admin/deltakere/ny")
	staff.Fill(t, "felt-first_name", "Liv")
	staff.Fill(t, "felt-phone", "+47 481 23 456")
	staff.SetValue(t, "felt-target", "tema-"+itoa(themeID))
	staff.Press(t, "#felt-formats-2")
	staff.Press(t, "#felt-days-3")
	staff.Press(t, "#felt-parts-1")
	staff.Press(t, "#felt-adult")
	staff.Press(t, "#felt-consent")
	got, ok = staff.Submit(t, "form.signup", browsertest.Status(http.StatusConflict))
	if !ok || !strings.Contains(got.Text, "Personen finnes fra før") {
		t.Fatalf("the same number again: %s", got.Text)
	}
	if got = staff.Click(t, "button[name=existing]"); got.URL != person || strings.Count(got.Text, "Muntlig samtykke til Siri Ansatt") != 2 {
		t.Fatalf("after adding the sign-up to her: %s\n%s", got.URL, got.Text)
	}

	// From her page, one more: interest in another theme, prefilled with her wishes.
	other := app.fixtures(t).Theme("Ensomhet")
	got = staff.Click(t, "main a[href$='/meld-pa']")
	if v := staff.Eval(t, `document.getElementById("felt-days-3").checked + " " + document.getElementById("felt-parts-1").checked + " " +
		document.getElementById("felt-formats-2").checked + " " + document.getElementById("felt-formats").checked`); v != "true true true false" {
		t.Errorf("the wishes are not prefilled: %q", v)
	}
	staff.SetValue(t, "felt-target", "tema-"+itoa(other.ID))
	staff.Press(t, "#felt-consent")
	if got, ok = staff.Submit(t, "form.signup"); !ok || strings.Count(got.Text, "Muntlig samtykke til Siri Ansatt") != 3 {
		t.Fatalf("after the third sign-up: %s", got.Text)
	}
	if n := app.count(t, `SELECT count(*) FROM outbox WHERE channel = 'sms' AND kind = 'signup' AND to_addr = '+4748123456'`); n != 3 {
		t.Errorf("%d SMS confirmations; want 3", n)
	}
	if n := app.count(t, `SELECT count(*) FROM participants`); n != 1 {
		t.Errorf("%d participants; want Liv once", n)
	}
}
