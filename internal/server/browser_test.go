package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// TestPagesInTheBrowser visits every public page in headless Chromium, in both languages, and
// fails on any WCAG 2.0/2.1 A/AA violation that axe-core finds, on any console message (a CSP
// violation shows up there) and on sideways scrolling on a small phone. Every new page is
// added to this list.
func TestPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, nil)
	b := browsertest.New(t)
	pages := []struct {
		path, lang, contains string
		status               int
	}{
		{"/", "nb", "Hva er en selvhjelpsgruppe?", 200},
		{"/personvern", "nb", "Hva lagrer vi?", 200},
		{"/tilgjengelighet", "nb", "WCAG 2.1", 200},
		{"/kontakt", "nb", "Slik kommer du inn", 200},
		{"/finnes-ikke", "nb", "Vi fant ikke siden", 404},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			got := b.Visit(t, ts.URL+p.path, browsertest.Status(p.status))
			if got.Lang != p.lang {
				t.Errorf("lang = %q, want %q", got.Lang, p.lang)
			}
			if !strings.Contains(got.Text, p.contains) {
				t.Errorf("page text lacks %q", p.contains)
			}
			if !strings.Contains(got.Text, "116 123") {
				t.Error("every page names the help lines")
			}
		})
	}
}

// loginIn logs the tab in through the real form.
func loginIn(t *testing.T, tab *browsertest.Tab, base, email string) browsertest.Page {
	t.Helper()
	tab.Go(t, base+"/logg-inn")
	tab.Fill(t, "felt-email", email)
	tab.Fill(t, "felt-password", testPassword)
	return tab.Click(t, "main form button[type=submit]")
}

// Must show: two-factor enrolment and login with a code work in a real browser, and the
// login, two-factor and error states pass axe-core.
func TestTwoFactorInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	now := time.Now()
	app.srv.now = func() time.Time { return now }
	b := browsertest.New(t)
	tab := b.NewTab(t)

	tab.Go(t, app.URL+"/logg-inn")
	got := tab.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Noe må rettes") || !strings.Contains(got.Text, "Skriv inn e-postadressen.") {
		t.Fatalf("empty login form: %s", got.Text)
	}
	if got := loginIn(t, tab, app.URL, p.staff.Email); !strings.HasSuffix(got.URL, "/admin") {
		t.Fatalf("after login: %s", got.URL)
	}
	tab.Go(t, app.URL+"/konto/tofaktor")
	secret := tab.Text(t, ".secret code")
	tab.Fill(t, "felt-code", code(t, secret, now))
	got = tab.Click(t, "main form button[type=submit]")
	if !strings.Contains(got.Text, "Reservekodene dine") {
		t.Fatalf("after confirming: %s", got.Text)
	}
	got = tab.Click(t, ".site-header form[action='/logg-ut'] button")
	if !strings.Contains(got.Text, "Du er logget ut.") {
		t.Fatalf("after logout: %s", got.Text)
	}

	now = now.Add(time.Minute)
	if got := loginIn(t, tab, app.URL, p.staff.Email); !strings.HasSuffix(got.URL, "/logg-inn/kode") {
		t.Fatalf("password step led to %s", got.URL)
	}
	tab.Fill(t, "felt-code", "000000")
	tab.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	tab.Fill(t, "felt-code", code(t, secret, now))
	if got := tab.Click(t, "main form button[type=submit]"); !strings.HasSuffix(got.URL, "/admin") {
		t.Fatalf("code step led to %s: %s", got.URL, got.Text)
	}
}

// Every page of accounts and administration, as the role that sees it, passes the checks.
func TestAccountPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	target := "/admin/brukere/" + strconv.FormatInt(p.target.ID, 10)

	admin := browsertest.New(t).NewTab(t)
	loginIn(t, admin, app.URL, p.admin.Email)
	for _, path := range []string{"/admin", "/admin/brukere", "/admin/brukere?q=beta&rolle=partner", target,
		"/admin/invitasjon", "/admin/logg", "/admin/innstillinger", "/konto"} {
		admin.Go(t, app.URL+path)
	}
	admin.Go(t, app.URL+"/admin/invitasjon")
	admin.Fill(t, "felt-email", "ikke en adresse")
	got := admin.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv inn navnet.") {
		t.Errorf("invitation errors: %s", got.Text)
	}
	admin.Go(t, app.URL+"/admin/logg?fra=igår", browsertest.Status(http.StatusUnprocessableEntity))
	admin.Go(t, app.URL+target)
	admin.Click(t, "form[action$='/invitasjon'] button")
	link := app.lastLink(t, p.target.Email)

	anon := browsertest.New(t).NewTab(t)
	anon.Go(t, app.URL+"/glemt-passord")
	anon.Go(t, app.URL+link)
	anon.Go(t, app.URL+"/invitasjon/ukjent", browsertest.Status(http.StatusNotFound))

	partner := browsertest.New(t).NewTab(t)
	loginIn(t, partner, app.URL, p.partnerA.Email)
	partner.Go(t, app.URL+"/partner")
	partner.Go(t, app.URL+"/admin", browsertest.Status(http.StatusForbidden))
}
