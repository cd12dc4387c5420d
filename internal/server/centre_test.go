package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
)

// Must show (issue 18): the centre's phone and e-mail appear on every public page (the footer,
// also of a page not found), on /kontakt and in the accessibility statement's feedback
// section; an admin changes them on the settings page, problems shown next to their fields,
// and every page shows the new ones at once.
func TestCentreContactOnEveryPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	visitor := app.client(t)
	check := func(phone, tel, email string) {
		t.Helper()
		for _, path := range []string{"/", "/grupper", "/tema", "/arrangementer", "/personvern", "/tilgjengelighet", "/kontakt", "/logg-inn", "/finnes-ikke"} {
			_, body := visitor.get(path)
			for _, want := range []string{phone, `href="tel:` + tel + `"`, `href="mailto:` + email + `"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s lacks %q", path, want)
				}
			}
		}
		_, body := visitor.get("/tilgjengelighet")
		if i := strings.Index(body, `id="uu-feedback"`); i < 0 || !strings.Contains(body[i:], "mailto:"+email) {
			t.Errorf("the statement's feedback section does not name %s", email)
		}
	}
	d := centre.Default()
	check(d.PhoneDisplay(), d.Phone, d.Email)

	admin := app.client(t).login(p.admin.Email)
	res, body := admin.post("/admin/innstillinger/kontakt", url.Values{"name": {d.Name}, "phone": {"ring oss"}, "email": {"ikke e-post"}, "address": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form = %d", res.StatusCode)
	}
	for _, field := range []string{"felt-phone", "felt-email", "felt-address"} {
		if !strings.Contains(body, `id="`+field+`" `) || !strings.Contains(body, `href="#`+field+`"`) {
			t.Errorf("the problem with %s is not shown by its field and in the summary", field)
		}
	}
	form := url.Values{"name": {d.Name}, "phone": {"23 45 67 89"}, "email": {"hei@linkoslo.example"}, "address": {d.Address},
		"floor": {d.Floor}, "how_to_get_in": {"Bruk døra til venstre."}, "phone_hours": {"Tirsdag kl. 12–14"}}
	if res, _ := admin.post("/admin/innstillinger/kontakt", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save = %d", res.StatusCode)
	}
	check("23 45 67 89", "+4723456789", "hei@linkoslo.example")
	if _, body := visitor.get("/kontakt"); !strings.Contains(body, "Bruk døra til venstre.") || !strings.Contains(body, "Tirsdag kl. 12–14") {
		t.Error("the contact page lacks how to get in or the telephone hours")
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'settings.changed' AND details->>'contact_email' = 'hei@linkoslo.example'`); n != 1 {
		t.Errorf("%d audit lines for the change, want 1", n)
	}
}
