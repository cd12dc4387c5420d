package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The desk over HTTP: the search finds a person by a number typed with spaces and links to
// their page, and audits the search without the query; the contact form refuses another
// person's address next to the field and keeps what was typed; the note warns about health
// details, states the retention rule, and is saved; withdrawing asks for a reason first; the
// history shows each step.
func TestDeskOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	app.catalogueFixture(t)
	kari := app.signUpToBePhoned(t, "Kari", "kari@example.org", "+4748123456")
	app.signUpToBePhoned(t, "Ola", "ola@example.org", "+4791234567")
	id := itoa(int64(app.count(t, `SELECT participant_id FROM signups WHERE id = $1`, kari)))
	staff := app.client(t).login(p.staff.Email)

	res, body := staff.get("/admin/sok?q=" + url.QueryEscape("48 12 34 56"))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="/admin/deltakere/`+id+`"`) || strings.Contains(body, "Ola") ||
		strings.Contains(body, "kari@example.org") || !strings.Contains(body, "k…@example.org") {
		t.Fatalf("search = %d\n%s", res.StatusCode, body)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'participant.searched' AND details->>'hits' = '1'
		AND details::text NOT LIKE '%48%'`); n != 1 {
		t.Errorf("%d search lines", n)
	}
	if res, body := staff.get("/admin/sok"); res.StatusCode != http.StatusOK || regexp.MustCompile(`\d+ treff`).MatchString(body) {
		t.Errorf("no query = %d", res.StatusCode)
	}

	res, body = staff.get("/admin/deltakere/" + id)
	for _, want := range []string{"Ikke skriv helseopplysninger", "automatisk når 12 måneder har gått", `href="/admin/deltakere/` + id + `/meld-pa"`,
		"Tirsdag", "Kan", "Hos LINK Oslo i Kirkeveien 61", "Meldte seg på", "Påmelding", "Trekk denne påmeldingen"} {
		if !strings.Contains(body, want) {
			t.Errorf("the person's page lacks %q", want)
		}
	}
	if res.StatusCode != http.StatusOK || strings.Contains(body, "Takk for påmeldingen") {
		t.Fatalf("person = %d", res.StatusCode)
	}

	form := url.Values{"first_name": {"Kari"}, "email": {"OLA@example.org"}, "phone": {"48123456"}, "contact": {"phone"}, "lang": {"nb"}}
	res, body = staff.post("/admin/deltakere/"+id+"/kontakt", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "En annen person er registrert med denne e-postadressen") ||
		!strings.Contains(body, `value="OLA@example.org"`) || !strings.Contains(body, `id="felt-email-feil"`) {
		t.Fatalf("another's address = %d\n%s", res.StatusCode, body)
	}
	form.Set("email", "kari.ny@example.org")
	if res, _ := staff.post("/admin/deltakere/"+id+"/kontakt", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("contact = %d", res.StatusCode)
	}

	res, body = staff.post("/admin/deltakere/"+id+"/notat", url.Values{"staff_note": {strings.Repeat("x", 501)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Notatet kan være på høyst 500 tegn.") {
		t.Errorf("long note = %d", res.StatusCode)
	}
	if res, _ := staff.post("/admin/deltakere/"+id+"/notat", url.Values{"staff_note": {"Ring etter kl. 16"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("note = %d", res.StatusCode)
	}

	withdraw := "/admin/deltakere/" + id + "/pameldinger/" + itoa(kari) + "/trekk"
	res, body = staff.post(withdraw, url.Values{"reason_text": {"Ringte"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Velg hvorfor påmeldingen trekkes.") || !strings.Contains(body, `value="Ringte"`) {
		t.Errorf("no reason = %d", res.StatusCode)
	}
	if res, _ := staff.post("/admin/deltakere/"+id+"/pameldinger/"+itoa(kari+1)+"/trekk", url.Values{"reason": {"asked"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another person's sign-up = %d", res.StatusCode)
	}
	if res, _ := staff.post(withdraw, url.Values{"reason": {"asked"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("withdraw = %d", res.StatusCode)
	}

	_, body = staff.get("/admin/deltakere/" + id)
	for _, want := range []string{"kari.ny@example.org", "Ring etter kl. 16", "Trakk en påmelding", "Grunn: Personen ba om det",
		"Endret kontaktopplysninger", "E-postadresse: kari@example.org → kari.ny@example.org", "Endret notatet om deltakeren", "av Siri Ansatt"} {
		if !strings.Contains(body, want) {
			t.Errorf("after the changes the page lacks %q", want)
		}
	}
	if res, _ := staff.get("/admin/deltakere/999999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown person = %d", res.StatusCode)
	}
}
