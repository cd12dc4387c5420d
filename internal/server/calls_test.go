package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// signUpToBePhoned signs a person up for the theme "sorg" with e-mail and phone, as one who
// asked to be phoned, and returns their sign-up's id.
func (a *testApp) signUpToBePhoned(t *testing.T, name, email, phone string) int64 {
	t.Helper()
	res, _ := a.signUp(t, "/tema/sorg/interesse", url.Values{"first_name": {name}, "email": {email}, "phone": {phone}, "adult": {"on"},
		"consent": {"on"}, "formats": {"house"}, "availability": {"2-evening"}, "languages": {"nb"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign up = %d", res.StatusCode)
	}
	ctx := context.Background()
	if _, err := a.db.Exec(ctx, `UPDATE participants SET contact = 'phone' WHERE email = $1`, email); err != nil {
		t.Fatal(err)
	}
	var id int64
	a.db.QueryRow(ctx, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = $1`, email).Scan(&id)
	return id
}

// Matching shows each person's channel and says how the offers went: by e-mail, and onto the
// call list for one who asked to be phoned, with no message to them. The call list shows whom
// to call (number as a tel: link, language, the group's name, time and place), and the view
// is audited. A problem with the form is shown next to its field with the note kept; no
// answer is noted and keeps the offer on the list; "wants to think" starts the clock and
// moves it to the offers, where the answer given on the phone makes the person a member.
func TestCallList(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, groupID := app.catalogueFixture(t)
	ctx := context.Background()
	ola := app.signUpToBePhoned(t, "Ola", "ola@example.org", "+4791234567")
	if res, _ := app.signUp(t, "/tema/sorg/interesse", url.Values{"first_name": {"Kari"}, "email": {"kari@example.org"}, "adult": {"on"},
		"consent": {"on"}, "formats": {"house"}, "availability": {"2-evening"}, "languages": {"nb"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign up = %d", res.StatusCode)
	}
	var kari int64
	app.db.QueryRow(ctx, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = 'kari@example.org'`).Scan(&kari)
	staff := app.client(t).login(p.staff.Email)
	if _, body := staff.get("/admin/matching"); !strings.Contains(body, "Ring meg") || !strings.Contains(body, "E-post") || !strings.Contains(body, ">Send tilbud<") {
		t.Errorf("matching does not show the channels: %s", body)
	}
	before := app.count(t, `SELECT count(*) FROM outbox`)
	if res, _ := staff.post("/admin/matching/tilbud", url.Values{"frist": {"5"},
		"tilbud": {itoa(ola) + ":" + itoa(groupID), itoa(kari) + ":" + itoa(groupID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send = %d", res.StatusCode)
	}
	if _, body := staff.get("/admin/matching"); !strings.Contains(body, "1 tilbud er sendt på e-post. 1 tilbud er satt på ringelista") {
		t.Errorf("after sending: %s", body)
	}
	if n := app.count(t, `SELECT count(*) FROM outbox`) - before; n != 1 || app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'offer' AND to_addr IN ('ola@example.org', '+4791234567')`) != 0 {
		t.Errorf("%d messages, or one to the person to be phoned", n)
	}
	if _, body := staff.get("/admin"); !strings.Contains(body, `href="/admin/ringeliste"><strong>1</strong> tilbud som venter på at dere ringer`) {
		t.Errorf("the dashboard does not count the call: %s", body)
	}
	var offer int64
	app.db.QueryRow(ctx, `SELECT id FROM offers WHERE signup_id = $1`, ola).Scan(&offer)
	call := "/admin/ringeliste/" + itoa(offer)

	res, body := staff.get("/admin/ringeliste")
	for _, want := range []string{">Ola</a>", `href="tel:+4791234567"`, "91 23 45 67", "norsk", "Sorggruppe tirsdag", "Kirkeveien 61",
		"Ikke ringt ennå", `action="` + call + `"`, "Ringt – ja takk", "Ringt – vil tenke", "Ja, Ola sa nei takk"} {
		if res.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the call list (%d) lacks %q", res.StatusCode, want)
		}
	}
	if strings.Contains(body, "Kari") {
		t.Error("the call list shows the person who got a mail")
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'personal.viewed' AND entity = 'call_list'`); n != 1 {
		t.Errorf("%d audited views of the call list", n)
	}

	long := strings.Repeat("å", 501)
	res, body = staff.post(call, url.Values{"svar": {"ikke-svar"}, "notat": {long}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Notatet kan være på høyst 500 tegn.") ||
		!strings.Contains(body, `id="felt-notat"`) || !strings.Contains(body, long+"</textarea>") || !strings.Contains(body, `href="#felt-notat"`) {
		t.Errorf("a long note (%d): %s", res.StatusCode, body)
	}
	res, body = staff.post(call, url.Values{"notat": {"Ringte kl. 10"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Velg hva som kom ut av samtalen.") || !strings.Contains(body, "Ringte kl. 10</textarea>") {
		t.Errorf("no outcome (%d): %s", res.StatusCode, body)
	}
	if res, _ := staff.post(call, url.Values{"svar": {"ikke-svar"}, "notat": {"Prøv etter kl. 16"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/ringeliste" {
		t.Fatalf("no answer = %d", res.StatusCode)
	}
	if _, body = staff.get("/admin/ringeliste"); !strings.Contains(body, "Forsøket er notert") || strings.Contains(body, "Ikke ringt ennå") ||
		!strings.Contains(body, "Prøv etter kl. 16</textarea>") {
		t.Errorf("after no answer: %s", body)
	}
	if res, _ := staff.post(call, url.Values{"svar": {"tenke"}, "notat": {"Ringer tilbake fredag"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("wants to think = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM offers WHERE id = $1 AND deadline > now() + interval '4 days' AND deadline < now() + interval '6 days'`, offer); n != 1 {
		t.Error("the clock did not start with the offer's days")
	}
	// They stay on the call list with their deadline, and only their answer is left to record.
	if _, body = staff.get("/admin/ringeliste"); !strings.Contains(body, ">Ola</a>") || !strings.Contains(body, "Vil tenke – svarfrist") ||
		strings.Contains(body, `value="tenke"`) || !strings.Contains(body, `value="ja"`) {
		t.Errorf("the call list after 'wants to think': %s", body)
	}
	if _, body = staff.get("/admin/tilbud?tilstand=open"); !strings.Contains(body, "Telefon (ringeliste)") || !strings.Contains(body, `action="/admin/tilbud/`+itoa(offer)+`/svar"`) {
		t.Errorf("the offers list: %s", body)
	}

	// The answer given on the phone, from the list of offers: only an answer is taken there.
	answer := "/admin/tilbud/" + itoa(offer) + "/svar"
	if res, body := staff.post(answer, url.Values{"svar": {"ikke-svar"}, "tilstand": {"open"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Velg hva som kom ut av samtalen.") {
		t.Errorf("no answer from the offers list (%d)", res.StatusCode)
	}
	if res, _ := staff.post(answer, url.Values{"svar": {"ja"}, "notat": {"Gleder seg"}, "tilstand": {"open"}}); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/admin/tilbud?tilstand=open" {
		t.Fatalf("yes = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM memberships WHERE signup_id = $1 AND left_at IS NULL`, ola); n != 1 {
		t.Error("the yes on the phone made no member")
	}
	if _, body = staff.get("/admin/tilbud"); !strings.Contains(body, "Svaret er registrert: personen er med i gruppa.") {
		t.Errorf("after yes: %s", body)
	}
	if res, _ := staff.post(answer, url.Values{"svar": {"nei"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a second answer = %d", res.StatusCode)
	}
	if _, body = staff.get("/admin/tilbud"); !strings.Contains(body, "Tilbudet er alt besvart") {
		t.Errorf("after a second answer: %s", body)
	}
	if res, _ := staff.post("/admin/ringeliste/999999", url.Values{"svar": {"ja"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown offer = %d", res.StatusCode)
	}
	calls := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'offer.called' AND actor_id = $1 AND details->>'offer_id' = $2`, p.staff.ID, itoa(offer))
	if calls != 3 {
		t.Errorf("%d audited calls, want 3", calls)
	}
}
