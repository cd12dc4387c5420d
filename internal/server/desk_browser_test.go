package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// Must show (issue 19): staff find a person by a phone number typed as "48 12 34 56" when
// it is stored as +4748123456, change their e-mail, withdraw one of their two sign-ups, and
// sign them up by phone for a group; the person's history shows each step and the audit log
// has each. axe-core checks the
// search and the person's page on every visit (also with a form in error).
func TestDeskInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	app.catalogueFixture(t)
	theme := app.signUpToBePhoned(t, "Kari", "kari@example.org", "+4748123456")
	res, _ := app.signUp(t, "/grupper/sorggruppe-tirsdag/meld-pa", url.Values{"first_name": {"Kari"}, "email": {"kari@example.org"},
		"formats": {"digital"}, "availability": {"4-morning", "6-afternoon"}, "languages": {"nb"}, "adult": {"on"}, "consent": {"on"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the group sign-up = %d", res.StatusCode)
	}
	app.signUpToBePhoned(t, "Ola", "ola@example.org", "+4791234567")
	group := int64(app.count(t, `SELECT id FROM signups WHERE id <> $1 AND participant_id = (SELECT participant_id FROM signups WHERE id = $1)`, theme))
	id := itoa(int64(app.count(t, `SELECT participant_id FROM signups WHERE id = $1`, theme)))
	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)

	// Find them by the number, typed as people say it.
	staff.Go(t, app.URL+"/admin/sok")
	staff.Fill(t, "felt-q", "48 12 34 56")
	got, ok := staff.Submit(t, "form.search-form")
	if !ok || !strings.Contains(got.Text, "1 treff") || !strings.Contains(got.Text, "Kari") || strings.Contains(got.Text, "Ola") {
		t.Fatalf("the search: %s", got.Text)
	}
	got = staff.Click(t, "a[href='/admin/deltakere/"+id+"']")
	for _, want := range []string{"Kari", "kari@example.org", "+4748123456", "Sorggruppe tirsdag", "Torsdag", "Hos LINK Oslo i Kirkeveien 61",
		"Digitalt, på Zoom eller Whereby", "Ikke skriv helseopplysninger", "Meld på en gruppe eller et tema"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("the person's page lacks %q", want)
		}
	}

	// Change the e-mail: another person's address is refused next to the field first.
	openDetails(t, staff, "details.desk-edit")
	staff.Fill(t, "felt-email", "ola@example.org")
	got, _ = staff.Submit(t, "form[action='/admin/deltakere/"+id+"/kontakt']", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "En annen person er registrert med denne e-postadressen") {
		t.Fatalf("another's address: %s", got.Text)
	}
	staff.Fill(t, "felt-email", "kari.ny@example.org")
	got, _ = staff.Submit(t, "form[action='/admin/deltakere/"+id+"/kontakt']")
	if !strings.Contains(got.Text, "Kontaktopplysningene er endret.") || !strings.Contains(got.Text, "kari.ny@example.org") {
		t.Fatalf("after the change: %s", got.Text)
	}

	// Withdraw the group sign-up, after choosing why; the theme interest stays.
	form := "form[action='/admin/deltakere/" + id + "/pameldinger/" + itoa(group) + "/trekk']"
	openDetails(t, staff, "article[aria-labelledby='pamelding-"+itoa(group)+"'] details")
	got, _ = staff.Submit(t, form, browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Velg hvorfor påmeldingen trekkes.") {
		t.Fatalf("no reason: %s", got.Text)
	}
	staff.SetValue(t, "felt-reason", "asked")
	got, _ = staff.Submit(t, form)
	if !strings.Contains(got.Text, "Påmeldingen er trukket.") {
		t.Fatalf("after withdrawing: %s", got.Text)
	}
	if n := app.count(t, `SELECT count(*) FROM signups WHERE (id = $1 AND status = 'withdrawn') OR (id = $2 AND status = 'waiting')`, group, theme); n != 2 {
		t.Errorf("after withdrawing one of two: %d as expected", n)
	}

	// On the phone she wants the group after all: staff sign her up for it, with her oral
	// consent, from her page; she gets the confirmation by her channel.
	got = staff.Click(t, "main a[href='/admin/deltakere/"+id+"/meld-pa']")
	groupID := app.count(t, `SELECT id FROM groups WHERE slug = 'sorggruppe-tirsdag'`)
	staff.SetValue(t, "felt-target", "gruppe-"+itoa(int64(groupID)))
	staff.Press(t, "#felt-consent")
	got, ok = staff.Submit(t, "form.signup")
	if !ok || got.URL != app.URL+"/admin/deltakere/"+id || !strings.Contains(got.Text, "Muntlig samtykke til Siri Ansatt") {
		t.Fatalf("after signing her up by phone: %s\n%s", got.URL, got.Text)
	}
	if n := app.count(t, `SELECT count(*) FROM signups WHERE participant_id = $1 AND group_id = $2 AND status = 'waiting'
		AND consent_method = 'oral'`, id, groupID); n != 1 {
		t.Errorf("%d waiting sign-ups for the group by oral consent; want 1", n)
	}

	history := staff.Text(t, "ol.desk-timeline")
	for _, want := range []string{"Meldte på deltaker på vegne av personen (muntlig samtykke)", "Trakk en påmelding",
		"Grunn: Personen ba om det", "Endret kontaktopplysninger",
		"E-postadresse: kari@example.org → kari.ny@example.org", "av Siri Ansatt", "Meldte seg på"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q: %s", want, history)
		}
	}
	if strings.Index(history, "Meldte på deltaker på vegne") > strings.Index(history, "Trakk en påmelding") ||
		strings.Index(history, "Trakk en påmelding") > strings.Index(history, "Endret kontaktopplysninger") {
		t.Errorf("the history is not newest first: %s", history)
	}
	for action, entity := range map[string]string{"participant.searched": "", "personal.viewed": id,
		"participant.contact_changed": id, "participant.signup_withdrawn": id, "participant.signed_up_by_staff": id} {
		if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity = 'participant' AND entity_id = $2
			AND actor_id = $3`, action, entity, p.staff.ID); n == 0 {
			t.Errorf("the audit log has no %s", action)
		}
	}
}

// openDetails opens the <details> css selects by clicking its summary in the page (a DOM
// click: no coordinates that a sticky header or a late layout could move), and fails unless
// it opened, then waits until it has slid open, so its fields can take focus.
func openDetails(t *testing.T, tab *browsertest.Tab, css string) {
	t.Helper()
	if open := tab.Eval(t, `(() => { const d = document.querySelector(`+strconv.Quote(css)+`);
		d.querySelector("summary").click(); return String(d.open); })()`); open != "true" {
		t.Fatalf("%s did not open", css)
	}
	tab.Settle(t)
}
