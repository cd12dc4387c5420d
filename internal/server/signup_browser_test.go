package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// Must show: a participant signs up in a real browser, confirms by the link in the development
// mailbox, opens the private link that follows, changes a preference, downloads the JSON and deletes everything; afterwards the
// database holds no row with the address. Every page on the way passes axe-core, the
// console check and the 320 px check, the form also in its error state.
func TestSignupJourneyInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	app.catalogueFixture(t)
	base, _ := url.Parse(app.URL)
	*app.srv.cfg.BaseURL = *base // links in mail lead back to this test server (the outbox shares the URL)
	const email = "nettleser@example.no"
	tab := browsertest.New(t).NewTab(t)

	tab.Go(t, app.URL+"/grupper/sorggruppe-tirsdag/meld-pa")
	tab.Fill(t, "felt-email", "<script>alert(1)</script>")
	got := tab.Click(t, "form.signup button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Noe må rettes") || !strings.Contains(got.Text, "Skriv inn fornavnet") {
		t.Fatalf("error state: %s", got.Text)
	}
	tab.Fill(t, "felt-first_name", "Kari")
	tab.Fill(t, "felt-email", email)
	tab.Press(t, "#felt-adult")
	tab.Press(t, "#felt-consent")
	if got := tab.Click(t, "form.signup button[type=submit]"); !strings.HasSuffix(got.URL, "/sjekk-epost") || !strings.Contains(got.Text, "Sjekk e-posten din") {
		t.Fatalf("after sign-up: %s\n%s", got.URL, got.Text)
	}
	if n := app.count(t, `SELECT count(*) FROM participants`); n != 0 {
		t.Fatalf("%d participants before the address is confirmed", n)
	}

	// The mail asks to confirm; its page shows what, and the button confirms.
	tab.Go(t, app.URL+"/dev/mailbox")
	tab.Click(t, "main table a")
	if got := tab.Click(t, ".mail-links a"); !strings.Contains(got.URL, "/bekreft/") || !strings.Contains(got.Text, "Sorggruppe tirsdag") {
		t.Fatalf("the confirmation link led to %s\n%s", got.URL, got.Text)
	}
	if got := tab.Click(t, "main form button[type=submit]"); !strings.HasSuffix(got.URL, "/takk") {
		t.Fatalf("after confirming: %s\n%s", got.URL, got.Text)
	}

	// Now the mail with the private link is the newest.
	tab.Go(t, app.URL+"/dev/mailbox")
	tab.Click(t, "main table a")
	if got := tab.Click(t, ".mail-links a"); !strings.Contains(got.URL, "/mine/") || !strings.Contains(got.Text, "Sorggruppe tirsdag") {
		t.Fatalf("the link from the mailbox led to %s", got.URL)
	}
	mine := tab.Eval(t, `location.pathname`)
	tab.Click(t, "a[href*='?endre=']")
	tab.Press(t, "#felt-days-4") // Friday
	tab.Press(t, "#felt-parts")  // morning
	if got := tab.Click(t, "main form button[type=submit]"); !strings.Contains(got.Text, "Endringene er lagret.") {
		t.Fatalf("after changing: %s", got.Text)
	}
	data := tab.Eval(t, `fetch(`+"`"+mine+`/data.json`+"`"+`).then(r => r.text())`)
	if !strings.Contains(data, email) || !strings.Contains(data, `"5-morning"`) {
		t.Fatalf("downloaded data: %s", data)
	}
	// Withdrawing asks once and says what is lost; going back changes nothing.
	if got := tab.Click(t, "a[href$='/trekk']"); !strings.Contains(got.Text, "Du mister plassen din i køen") {
		t.Fatalf("the withdrawal's question: %s", got.Text)
	}
	if got := tab.Click(t, "main form a.ds-button"); got.URL != app.URL+mine || app.count(t, `SELECT count(*) FROM signups WHERE status = 'withdrawn'`) != 0 {
		t.Fatalf("going back from the question led to %s, or withdrew", got.URL)
	}
	tab.Click(t, "footer a[href='/mine']") // the way back to the private page, from any page
	tab.Go(t, app.URL+mine)
	tab.Click(t, "a[href$='/slett']")
	if got := tab.Click(t, "main form button[type=submit]"); !strings.Contains(got.Text, "Alt om deg er slettet") {
		t.Fatalf("after deleting: %s", got.Text)
	}
	n := app.count(t, `SELECT (SELECT count(*) FROM participants WHERE email = $1) + (SELECT count(*) FROM outbox WHERE to_addr = $1)
		+ (SELECT count(*) FROM audit_log WHERE details::text ILIKE '%' || $1 || '%')`, email)
	if n != 0 {
		t.Errorf("%d rows still hold the address", n)
	}
	tab.Go(t, app.URL+mine, browsertest.Status(http.StatusNotFound))
	tab.Go(t, app.URL+"/mine")
	tab.Go(t, app.URL+"/tema/sorg/interesse")
}

// The staff's waiting list and participant pages pass the same checks.
func TestWaitingPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	themeID, _ := app.catalogueFixture(t)
	f := goodSignup("venter@example.no")
	f.Set("phone", "912 34 567")
	f.Set("contact", "phone")
	app.signUp(t, "/tema/sorg/interesse", f)
	var pid int64
	app.db.QueryRow(t.Context(), `SELECT id FROM participants`).Scan(&pid)
	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, p.staff.Email)
	tab.Go(t, app.URL+"/admin/venteliste")
	tab.Go(t, app.URL+"/admin/venteliste?tema="+itoa(themeID))
	tab.Go(t, app.URL+"/admin/deltakere/"+itoa(pid))
	got := tab.Click(t, "form[action$='/plasser'] button", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Velg en gruppe.") {
		t.Errorf("placing without a group: %s", got.Text)
	}
	got = tab.Click(t, "form[action$='/slett'] button", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Kryss av for at deltakeren har bedt om det.") {
		t.Errorf("deleting without confirmation: %s", got.Text)
	}
	got = tab.Click(t, "form[action$='/sms'] button", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Kryss av for å bekrefte at deltakeren har bedt om det.") || !strings.Contains(got.Text, "Telefon: vil bli ringt") {
		t.Errorf("stopping SMS without confirmation: %s", got.Text)
	}
	tab.Press(t, "#felt-sms_confirm")
	if got := tab.Click(t, "form[action$='/sms'] button"); !strings.Contains(got.Text, "SMS til deltakeren er stoppet.") ||
		!strings.Contains(got.Text, "Tillat SMS igjen") {
		t.Errorf("after stopping SMS: %s", got.Text)
	}
}

// Must show (issue 23): a screen reader finds the errors. Submitted empty, the sign-up form
// answers with a page whose title starts with "Feil:", the error summary has the focus
// without any script, and each of its links moves the focus to its field.
func TestSignupErrorsTakeTheFocus(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	app.catalogueFixture(t)
	tab := browsertest.New(t).NewTab(t)

	tab.Go(t, app.URL+"/grupper/sorggruppe-tirsdag/meld-pa")
	if got := tab.Eval(t, `document.title`); strings.HasPrefix(got, "Feil") {
		t.Fatalf("the form's title before any submit: %q", got)
	}
	got := tab.Click(t, "form.signup button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.HasPrefix(got.Title, "Feil: ") {
		t.Errorf("title after an empty submit: %q, want it to start with \"Feil: \"", got.Title)
	}
	if got := tab.Eval(t, `document.activeElement.id`); got != "feiloppsummering" {
		t.Errorf("after an empty submit the focus is on %q, want the error summary", got)
	}
	hrefs := tab.Eval(t, `[...document.querySelectorAll("#feiloppsummering a")].map(a => a.getAttribute("href")).join(" ")`)
	links := strings.Fields(hrefs)
	if len(links) < 3 {
		t.Fatalf("the summary links to %q, want at least first name, contact and the two boxes", hrefs)
	}
	for _, href := range links {
		if !strings.HasPrefix(href, "#felt-") {
			t.Errorf("summary link %q does not lead to a field", href)
			continue
		}
		tab.Press(t, `#feiloppsummering a[href="`+href+`"]`)
		if got := tab.Eval(t, `document.activeElement.id`); "#"+got != href {
			t.Errorf("after following %s the focus is on %q", href, got)
		}
	}
}
