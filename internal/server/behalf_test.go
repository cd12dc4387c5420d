package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
)

// caller is the staff form for a new caller, filled in for a phone-only caller who wants SMS.
func caller(target, phone string) url.Values {
	return url.Values{"target": {target}, "first_name": {"Kari"}, "phone": {phone}, "contact": {"sms"}, "lang": {"nb"},
		"formats": {"digital"}, "availability": {"3-morning", "3-evening"}, "languages": {"nb"}, "source": {"health"},
		"note": {"Vil helst møte på dagtid"}, "adult": {"on"}, "consent": {"on"}}
}

// Staff sign up a caller: the form shows the consent text to read out; a form without a
// group and without the oral consent comes back (422) with a message at each field and
// what was typed kept; a good one registers the person, confirms by SMS, and shows the
// person with the oral consent and who took it. The same number again is not a new person:
// the form comes back (409), kept, with a link to the person and a button that adds the
// sign-up to them.
func TestStaffSignUpANewCaller(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	themeID, groupID := app.catalogueFixture(t)
	staff := app.client(t).login(p.staff.Email)

	res, body := staff.get("/admin/deltakere/ny")
	for _, want := range []string{"Les denne teksten høyt", "Vi lagrer navnet ditt", "versjon 2026-11-1", "Gruppe: Sorggruppe tirsdag",
		"Tema (venteliste): Sorg og tap", `name="consent"`} {
		if res.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("the form = %d, lacks %q", res.StatusCode, want)
		}
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	bad := caller("", "48 12 34 56")
	bad.Del("consent")
	res, body = staff.post("/admin/deltakere/ny", bad)
	for _, want := range []string{"Velg gruppen eller temaet personen vil meldes på.", "Kryss av når personen har sagt ja til samtykketeksten.",
		`value="+4748123456"`, "Vil helst møte på dagtid", `id="felt-days-2" name="days" value="3" checked`} {
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Fatalf("a form without group and consent = %d, lacks %q\n%s", res.StatusCode, want, body)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM participants`); n != 0 {
		t.Fatalf("%d participants stored from a bad form", n)
	}

	res, _ = staff.post("/admin/deltakere/ny", caller("gruppe-"+itoa(groupID), "48 12 34 56"))
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/deltakere/") {
		t.Fatalf("sign up = %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	person := res.Header.Get("Location")
	_, body = staff.get(person)
	for _, want := range []string{"Bekreftelsen med personens private lenke er sendt på SMS.", "Muntlig samtykke til Siri Ansatt",
		"+4748123456"} {
		if !strings.Contains(body, want) {
			t.Errorf("the person's page lacks %q", want)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM outbox WHERE channel = 'sms' AND kind = 'signup' AND to_addr = '+4748123456'`); n != 1 {
		t.Errorf("%d SMS confirmations; want 1", n)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_id = $2 AND entity_id = $3`,
		audit.SignedUpByStaff, p.staff.ID, strings.TrimPrefix(person, "/admin/deltakere/")); n != 1 {
		t.Errorf("%d audit lines; want 1", n)
	}

	again := caller("tema-"+itoa(themeID), "+47 48 12 34 56")
	again.Set("first_name", "Kari Nordmann")
	res, body = staff.post("/admin/deltakere/ny", again)
	for _, want := range []string{"Personen finnes fra før", `href="` + person + `"`, `name="existing" value="add"`, `value="Kari Nordmann"`} {
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, want) {
			t.Fatalf("the same number again = %d, lacks %q", res.StatusCode, want)
		}
	}
	again.Set("existing", "add")
	if res, _ = staff.post("/admin/deltakere/ny", again); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != person {
		t.Fatalf("added to the person = %d to %q; want %s", res.StatusCode, res.Header.Get("Location"), person)
	}
	if n := app.count(t, `SELECT count(*) FROM participants`); n != 1 {
		t.Errorf("%d participants; want 1", n)
	}
	if n := app.count(t, `SELECT count(*) FROM signups WHERE consent_method = 'oral' AND consent_by = $1`, p.staff.ID); n != 2 {
		t.Errorf("%d sign-ups with oral consent; want 2", n)
	}
}

// Staff add a sign-up for a known person: the form is prefilled with their latest wishes
// and audited; without consent it comes back (422) kept; with it, the sign-up is stored and
// confirmed by their channel. A person who does not exist is 404.
func TestStaffSignUpAKnownPerson(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	themeID, groupID := app.catalogueFixture(t)
	if res, body := app.signUp(t, "/tema/sorg/interesse", goodSignup("kari@example.org")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("public sign-up = %d\n%s", res.StatusCode, body)
	}
	id := itoa(int64(app.count(t, `SELECT id FROM participants WHERE email = 'kari@example.org'`)))
	staff := app.client(t).login(p.staff.Email)
	res, body := staff.get("/admin/deltakere/" + id + "/meld-pa")
	for _, want := range []string{"Ny påmelding for Kari", `name="days" value="2" checked`, `name="parts" value="evening" checked`,
		`name="formats" value="house,digital" checked`, "(E-post)"} {
		if res.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("the form = %d, lacks %q\n%s", res.StatusCode, want, body)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2`, audit.PersonalDataViewed, id); n != 1 {
		t.Errorf("%d audit lines of the view; want 1", n)
	}
	wish := url.Values{"target": {"gruppe-" + itoa(groupID)}, "formats": {"house"}, "availability": {"5-afternoon"}, "note": {"Ringte inn"}}
	res, body = staff.post("/admin/deltakere/"+id+"/meld-pa", wish)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Kryss av når personen har sagt ja") ||
		!strings.Contains(body, `name="days" value="5" checked`) || !strings.Contains(body, `name="parts" value="afternoon" checked`) ||
		!strings.Contains(body, "Ringte inn") {
		t.Fatalf("without consent = %d\n%s", res.StatusCode, body)
	}
	wish.Set("consent", "on")
	if res, _ = staff.post("/admin/deltakere/"+id+"/meld-pa", wish); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/deltakere/"+id {
		t.Fatalf("sign up = %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if n := app.count(t, `SELECT count(*) FROM signups WHERE group_id = $1 AND theme_id = $2 AND consent_by = $3`, groupID, themeID, p.staff.ID); n != 1 {
		t.Errorf("%d sign-ups for the group; want 1", n)
	}
	if n := app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'signup' AND channel = 'email' AND to_addr = 'kari@example.org'`); n != 2 {
		t.Errorf("%d confirmations by mail; want the form's and staff's", n)
	}
	if res, _ := staff.get("/admin/deltakere/999999/meld-pa"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown person = %d", res.StatusCode)
	}
}
