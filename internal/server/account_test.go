package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Staff turn the daily mail about new requests on from their account page, in the language
// they use there, and off again; a partner's account page does not offer it.
func TestStaffChooseTheRequestDigest(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	staff := app.client(t).login(p.staff.Email)
	digest := func() string {
		var lang *string
		app.db.QueryRow(t.Context(), `SELECT request_digest FROM users WHERE email = $1`, p.staff.Email).Scan(&lang)
		if lang == nil {
			return ""
		}
		return *lang
	}
	_, body := staff.get("/konto")
	if !strings.Contains(body, "Du får ikke oversikt over nye forespørsler") || !strings.Contains(body, `name="digest"`) {
		t.Fatalf("the account page offers no digest:\n%s", body)
	}
	staff.post("/sprak", url.Values{"lang": {"en"}})
	res, _ := staff.post("/konto/varsel", url.Values{"digest": {"on"}})
	if res.StatusCode != http.StatusSeeOther || digest() != "en" {
		t.Fatalf("turn on in English = %d, %q", res.StatusCode, digest())
	}
	staff.post("/sprak", url.Values{"lang": {"nb"}})
	if _, body = staff.get("/konto"); !strings.Contains(body, "Du får en daglig oversikt") || !strings.Contains(body, `name="digest" value="on" checked`) {
		t.Error("the account page does not show the digest on")
	}
	if res, _ = staff.post("/konto/varsel", nil); res.StatusCode != http.StatusSeeOther || digest() != "" {
		t.Errorf("turn off = %d, %q", res.StatusCode, digest())
	}
	partner := app.client(t).login(p.partnerA.Email)
	if _, body = partner.get("/konto"); strings.Contains(body, `name="digest"`) {
		t.Error("a partner is offered staff's digest")
	}
}
