package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/sms"
)

const testSMSToken = "test-twilio-auth-token"

// twilioPost sends form to the webhook as Twilio does: a server's POST with no browser
// headers, signed (when token is not empty) over BASE_URL + path and the form.
func twilioPost(t *testing.T, a *testApp, token string, form url.Values, extra map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/sms/inn", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("X-Twilio-Signature", sms.Signature(token, "http://selvhjelp.test/sms/inn", form))
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	return a.client(t).do(req)
}

func incoming(from, body string) url.Values {
	return url.Values{"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"},
		"From": {from}, "To": {"+4740000000"}, "Body": {body}, "NumSegments": {"1"}}
}

// Must show: STOPP from a number, signed as Twilio signs it, stops SMS to every participant
// with that number (with an audit line) and is answered with empty TwiML; a wrong or missing
// signature is refused with 403 and changes nothing; any other text changes nothing.
func TestSMSWebhookStopp(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, map[string]string{"SMS_AUTH_TOKEN": testSMSToken})
	ctx := context.Background()
	var kari, ola int64
	app.db.QueryRow(ctx, `INSERT INTO participants (first_name, phone, contact, lang) VALUES ('Kari', '91234567', 'sms', 'nb') RETURNING id`).Scan(&kari)
	app.db.QueryRow(ctx, `INSERT INTO participants (first_name, phone, contact, lang) VALUES ('Ola', '+4791234568', 'sms', 'nb') RETURNING id`).Scan(&ola)
	stopped := func() int { return app.count(t, `SELECT count(*) FROM participants WHERE sms_stopped_at IS NOT NULL`) }

	for name, send := range map[string]func() (*http.Response, string){
		"no signature": func() (*http.Response, string) { return twilioPost(t, app, "", incoming("+4791234567", "STOPP"), nil) },
		"wrong token": func() (*http.Response, string) {
			return twilioPost(t, app, "another-token", incoming("+4791234567", "STOPP"), nil)
		},
		"signature reuse": func() (*http.Response, string) { return forged(t, app) },
	} {
		if res, _ := send(); res.StatusCode != http.StatusForbidden || stopped() != 0 {
			t.Errorf("%s: %d, %d stopped; want 403 and nothing changed", name, res.StatusCode, stopped())
		}
	}
	if res, body := twilioPost(t, app, testSMSToken, incoming("+4791234567", "Hei, kan dere ringe meg?"), nil); res.StatusCode != http.StatusOK ||
		!strings.Contains(body, "<Response></Response>") || stopped() != 0 {
		t.Errorf("another text: %d %q, %d stopped", res.StatusCode, body, stopped())
	}
	// Twilio's request carries no browser headers; even one that looked cross-site is let
	// through the cross-origin check: the signature is the proof.
	res, body := twilioPost(t, app, testSMSToken, incoming("+4791234567", " stopp\n"), map[string]string{"Sec-Fetch-Site": "cross-site"})
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/xml") ||
		body != `<?xml version="1.0" encoding="UTF-8"?><Response></Response>` {
		t.Fatalf("STOPP = %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if n := app.count(t, `SELECT count(*) FROM participants WHERE sms_stopped_at IS NOT NULL AND id = $1`, kari); n != 1 || stopped() != 1 {
		t.Errorf("after STOPP: Kari stopped %d, %d in all; want only Kari", n, stopped())
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'participant.sms_stopped' AND entity_id = $1 AND actor_label = 'sms'`,
		strconv.FormatInt(kari, 10)); n != 1 {
		t.Errorf("%d audit lines for the STOPP", n)
	}
	if strings.Contains(app.logs.String(), "91234567") || strings.Contains(app.logs.String(), "Hei, kan dere") {
		t.Errorf("the log names the number or the text:\n%s", app.logs.String())
	}
}

// forged sends a STOPP for Ola with the signature of a request about Kari.
func forged(t *testing.T, a *testApp) (*http.Response, string) {
	form := incoming("+4791234568", "STOPP")
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/sms/inn", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sms.Signature(testSMSToken, "http://selvhjelp.test/sms/inn", incoming("+4791234567", "STOPP")))
	return a.client(t).do(req)
}

// Without SMS_AUTH_TOKEN no request is signed well enough: all are refused.
func TestSMSWebhookWithoutToken(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	if res, _ := twilioPost(t, app, "", incoming("+4791234567", "STOPP"), nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned = %d; want 403", res.StatusCode)
	}
}

// Staff see the contact channel and stop SMS, then allow it again: each confirmed and audited.
func TestStaffStopAndAllowSMS(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	app.catalogueFixture(t)
	f := goodSignup("")
	f.Set("phone", "(+47) 912 34 567")
	f.Set("contact", "phone")
	if res, body := app.signUp(t, "/tema/sorg/interesse", f); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up = %d\n%s", res.StatusCode, body)
	}
	var pid int64
	app.db.QueryRow(context.Background(), `SELECT id FROM participants WHERE phone = '+4791234567' AND contact = 'phone'`).Scan(&pid)
	if pid == 0 {
		t.Fatal("the call-me participant was not stored with the number in E.164")
	}
	staff := app.client(t).login(p.staff.Email)
	path := "/admin/deltakere/" + itoa(pid)
	if _, body := staff.get(path); !strings.Contains(body, "Telefon: vil bli ringt") || !strings.Contains(body, "Kan få SMS") ||
		!strings.Contains(body, "Stopp SMS") {
		t.Fatalf("participant page lacks the channel or the SMS button:\n%s", body)
	}
	if res, body := staff.post(path+"/sms", url.Values{"sms": {"stopp"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Kryss av for å bekrefte") {
		t.Errorf("stop without confirming = %d", res.StatusCode)
	}
	if res, _ := staff.post(path+"/sms", url.Values{"sms": {"stopp"}, "sms_confirm": {"on"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("stop = %d", res.StatusCode)
	}
	if _, body := staff.get(path); !strings.Contains(body, "får ikke SMS") || !strings.Contains(body, "Tillat SMS igjen") {
		t.Errorf("after stopping, the page does not say so")
	}
	if res, _ := staff.post(path+"/sms", url.Values{"sms": {"tillat"}, "sms_confirm": {"on"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("allow = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM participants WHERE id = $1 AND sms_stopped_at IS NULL`, pid); n != 1 {
		t.Error("SMS not allowed again")
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action IN ('participant.sms_stopped', 'participant.sms_allowed') AND actor_id = $1`,
		p.staff.ID); n != 2 {
		t.Errorf("%d audit lines; want stopped and allowed", n)
	}
}

// "Ring meg" without a number gets the message next to the phone field and keeps what was
// typed; with a number, the private page shows the chosen way.
func TestSignupCallMe(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	app.catalogueFixture(t)
	c := app.client(t)
	if _, body := c.get("/tema/sorg/interesse"); !strings.Contains(body, `value="phone"`) || !strings.Contains(body, "Ring meg") {
		t.Fatal("the form offers no \"Ring meg\"")
	}
	f := goodSignup("kari@example.org")
	f.Set("contact", "phone")
	res, body := c.post("/tema/sorg/interesse", f)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "så vi kan ringe deg") ||
		!strings.Contains(body, `id="felt-phone-feil"`) || !strings.Contains(body, `value="kari@example.org"`) {
		t.Fatalf("call me without a number = %d\n%s", res.StatusCode, body)
	}
	if !strings.Contains(body, `value="phone" checked`) {
		t.Error("the choice \"Ring meg\" was lost")
	}
	f.Set("phone", "912 34 567")
	if res, _ := app.signUp(t, "/tema/sorg/interesse", f); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("call me with a number = %d", res.StatusCode)
	}
	link, _, err := app.srv.signups().IssueLink(context.Background(), int64(app.count(t, `SELECT id FROM participants WHERE contact = 'phone'`)))
	if err != nil {
		t.Fatal(err)
	}
	if _, body := c.get("/mine/" + link); !strings.Contains(body, "Vi tar kontakt på") || !strings.Contains(body, "Telefon: vi ringer deg") {
		t.Errorf("the private page does not show the chosen way:\n%s", body)
	}
}
