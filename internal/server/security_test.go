package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
)

// wantSecurityHeaders reports what of securityHeaders is missing from res. csp is the policy
// the answer should carry.
func wantSecurityHeaders(res *http.Response, csp string, production bool) []string {
	var bad []string
	want := map[string]string{
		"Content-Security-Policy":    csp,
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"X-Frame-Options":            "DENY",
		"Cross-Origin-Opener-Policy": "same-origin",
		"Permissions-Policy":         "camera=(), microphone=(), geolocation=(), interest-cohort=()",
	}
	if production {
		want["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
	}
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			bad = append(bad, fmt.Sprintf("%s = %q, want %q", k, got, v))
		}
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		bad = append(bad, "the CSP lets other sites frame the page")
	}
	if !production && res.Header.Get("Strict-Transport-Security") != "" {
		bad = append(bad, "HSTS outside production")
	}
	return bad
}

// placeholders fill a pattern's parameters when no real row is needed.
var placeholders = strings.NewReplacer("{id}", "1", "{token}", "ukjent", "{slug}", "ukjent", "{year}", "2020",
	"{table}", "ukjent.csv", "*", "ukjent.css")

// (1) Every answer carries the security headers: every route as its visitor with real rows,
// the answers no route gives (404, 405, 400, 413, 403, static files, probes), and in
// production every route again with HSTS.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	router := w.app.srv.Handler().(chi.Routes)
	valid := w.validForms()
	check := func(what string, res *http.Response, csp string, production bool) {
		t.Helper()
		for _, bad := range wantSecurityHeaders(res, csp, production) {
			t.Errorf("%s (%d): %s", what, res.StatusCode, bad)
		}
	}
	for _, route := range routesOf(router) {
		method, pattern, _ := strings.Cut(route, " ")
		path, err := w.pathFor(pattern, -1, nil)
		if err != nil {
			t.Error(err)
			continue
		}
		c := w.visitorFor(t, pattern)
		var res *http.Response
		if method == http.MethodGet {
			res, _ = c.get(path)
		} else {
			res, _ = c.post(path, valid[route])
		}
		csp := contentSecurityPolicy
		if pattern == "/dev/mailbox/{id}/html" {
			csp = devMailHTMLPolicy // a mail's own document: sandboxed, stricter still
		}
		check(route, res, csp, false)
	}

	anon := w.browser(t)
	raw := func(method, path string, body string, hdr ...string) *http.Response {
		req, _ := http.NewRequest(method, w.app.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", formURLEncoded)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, _ := anon.do(req)
		return res
	}
	same := []string{"Origin", w.app.URL, "Sec-Fetch-Site", "same-origin"}
	static := raw(http.MethodGet, w.asset, "")
	extra := []struct {
		what   string
		res    *http.Response
		status int
	}{
		{"an unknown page", raw(http.MethodGet, "/finnes/ikke", ""), http.StatusNotFound},
		{"an unknown method", raw(http.MethodDelete, "/", "", same...), http.StatusMethodNotAllowed},
		{"a static file", static, http.StatusOK},
		{"a static file revalidated", raw(http.MethodGet, w.asset, "", "If-None-Match", static.Header.Get("ETag")), http.StatusNotModified},
		{"an unknown static file", raw(http.MethodGet, "/static/finnes-ikke.css", ""), http.StatusNotFound},
		{"healthz", raw(http.MethodGet, "/healthz", ""), http.StatusOK},
		{"readyz", raw(http.MethodGet, "/readyz", ""), http.StatusOK},
		{"HEAD /", raw(http.MethodHead, "/", ""), 0}, // 405 today: chi answers HEAD only where it is routed
		{"a query that is not UTF-8", raw(http.MethodGet, "/grupper?q=%ff", ""), http.StatusBadRequest},
		{"a path that is not UTF-8", raw(http.MethodGet, "/grupper/%ff", ""), http.StatusNotFound},
		{"a body over 1 MiB", raw(http.MethodPost, "/mine", "email="+strings.Repeat("a", 1<<20), same...), http.StatusRequestEntityTooLarge},
		{"a form with a NUL", raw(http.MethodPost, "/mine", "email=a%00b", same...), http.StatusBadRequest},
		{"a cross-site post", raw(http.MethodPost, "/sprak", "lang=en", "Sec-Fetch-Site", "cross-site"), http.StatusForbidden},
		{"a feed that does not exist", raw(http.MethodGet, "/kalender/ukjent.ics", ""), http.StatusNotFound},
	}
	for _, e := range extra {
		if e.status != 0 && e.res.StatusCode != e.status {
			t.Errorf("%s = %d, want %d", e.what, e.res.StatusCode, e.status)
		}
		check(e.what, e.res, contentSecurityPolicy, false)
	}

	prod := newTestApp(t, map[string]string{"APP_ENV": "production", "BASE_URL": "https://selvhjelp.example",
		"SECRET_KEY": "MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6"})
	pc := prod.client(t)
	for _, route := range routesOf(prod.srv.Handler().(chi.Routes)) {
		method, pattern, _ := strings.Cut(route, " ")
		path := placeholders.Replace(pattern)
		var res *http.Response
		if method == http.MethodGet {
			res, _ = pc.get(path)
		} else {
			res, _ = pc.post(path, url.Values{})
		}
		check("production "+route, res, contentSecurityPolicy, true)
	}
	res, _ := prod.client(t).get("/finnes/ikke")
	check("production 404", res, contentSecurityPolicy, true)
}

// sessionClient is a browser holding the session cookie token.
func (a *testApp) sessionClient(t *testing.T, token string) *client {
	c := a.client(t)
	c.http.Transport = rotatingIP{}
	u, _ := url.Parse(a.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: token, Path: "/"}})
	return c
}

// sessionStored reports whether the session store holds token, in clear or as its digest.
func (a *testApp) sessionStored(t *testing.T, token string) bool {
	sum := sha256.Sum256([]byte(token))
	return a.count(t, `SELECT count(*) FROM sessions WHERE token = $1 OR token = $2`, token, hex.EncodeToString(sum[:])) > 0
}

// (2) Session fixation: a token the visitor had before logging in (planted by someone else,
// or an anonymous session of their own) is replaced on login, again on the second factor, on
// setting a password through a link, and on logout; no replaced token opens anything.
func TestSecuritySessionTokenIsRenewed(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.app
	loggedOut := func(what, token, page string) {
		t.Helper()
		res, _ := a.sessionClient(t, token).get(page)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/logg-inn") {
			t.Errorf("%s: the old token opens %s: %d to %q", what, page, res.StatusCode, res.Header.Get("Location"))
		}
		if a.sessionStored(t, token) {
			t.Errorf("%s: the session store still holds the old token", what)
		}
	}
	// anonymous gives a fresh browser an anonymous session of its own: logging in and out
	// leaves one holding the flash "you are logged out". (Logging out without having logged
	// in stores nothing.)
	anonymous := func() (*client, string) {
		c := w.browser(t)
		c.login(w.p.partnerA.Email)
		c.post("/logg-ut", nil)
		token := c.sessionCookie()
		if token == "" {
			t.Fatal("no anonymous session")
		}
		return c, token
	}

	planted := a.sessionClient(t, "planted-by-someone-else")
	planted.login(w.p.staff.Email)
	if got := planted.sessionCookie(); got == "planted-by-someone-else" || got == "" {
		t.Errorf("login kept the planted token %q", got)
	}
	loggedOut("a planted token", "planted-by-someone-else", "/admin")

	c, before := anonymous()
	c.login(w.p.staff.Email)
	if c.sessionCookie() == before {
		t.Error("login kept the anonymous session's token")
	}
	loggedOut("login", before, "/admin")
	if res, _ := c.get("/admin"); res.StatusCode != http.StatusOK {
		t.Fatalf("the new token does not open /admin: %d", res.StatusCode)
	}

	loggedIn := c.sessionCookie()
	c.post("/logg-ut", nil)
	if c.sessionCookie() == loggedIn {
		t.Error("logout kept the token")
	}
	loggedOut("logout", loggedIn, "/admin")

	// Two-factor: the password step and the code step each give a new token. The code of the
	// enrolment's time step is spent, so the login happens a minute later.
	later := time.Now().Add(time.Minute)
	a.srv.now = func() time.Time { return later }
	c, before = anonymous()
	res, _ := c.post("/logg-inn", url.Values{"email": {worldTwoFactor}, "password": {testPassword}})
	half := c.sessionCookie()
	if res.Header.Get("Location") != "/logg-inn/kode" || half == before {
		t.Fatalf("password step = %d to %q; token renewed: %v", res.StatusCode, res.Header.Get("Location"), half != before)
	}
	res, body := c.post("/logg-inn/kode", url.Values{"code": {code(t, w.totpSecret, later)}})
	mustStatus(t, "code step", res, body, http.StatusSeeOther)
	if c.sessionCookie() == half {
		t.Error("the code step kept the half-way token")
	}
	loggedOut("two-factor login, password step", half, "/partner")
	loggedOut("two-factor login, before", before, "/partner")
	if res, _ := c.get("/partner"); res.StatusCode != http.StatusOK {
		t.Errorf("after the code /partner = %d", res.StatusCode)
	}
	a.srv.now = time.Now

	// A new password through a reset link logs in with a new token.
	c, before = anonymous()
	res, body = c.post("/nytt-passord/"+w.tokens["reset"], url.Values{"password": {"et-nytt-og-langt-passord"}, "confirm": {"et-nytt-og-langt-passord"}})
	mustStatus(t, "set password", res, body, http.StatusSeeOther)
	if c.sessionCookie() == before {
		t.Error("setting the password kept the token")
	}
	loggedOut("password reset", before, "/partner")
}

// tableFingerprints sums up every table, to show that nothing changed.
func tableFingerprints(t *testing.T, db *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tbl := range tables {
		var sum string
		q := fmt.Sprintf(`SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM %s t`, pgx.Identifier{tbl}.Sanitize())
		if err := db.QueryRow(ctx, q).Scan(&sum); err != nil {
			t.Fatal(err)
		}
		out[tbl] = sum
	}
	return out
}

func changedTables(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if before[k] != v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// (3) Every unsafe route refuses a request from another site with 403, whatever the method,
// and the database is exactly as before; the same form from the site itself does change it.
func TestSecurityCrossSiteRequestsChangeNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	router := w.app.srv.Handler().(chi.Routes)
	valid := w.validForms()
	foreign := [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"}, // a sibling subdomain is another origin
		{"Origin", "https://evil.example"},
		{"Origin", "null"},
		{"Sec-Fetch-Site", "cross-site", "Origin", w.app.URL},
	}
	before := tableFingerprints(t, w.app.db)
	posts := 0
	for _, route := range routesOf(router) {
		method, pattern, _ := strings.Cut(route, " ")
		if method == http.MethodGet {
			continue
		}
		posts++
		path, err := w.pathFor(pattern, -1, nil)
		if err != nil {
			t.Error(err)
			continue
		}
		c := w.visitorFor(t, pattern)
		form := valid[route]
		if form == nil {
			form = url.Values{}
			for _, f := range postFields[route] {
				form.Set(f, "1")
			}
		}
		for _, hdr := range foreign {
			for _, m := range []string{method, http.MethodPut, http.MethodDelete, http.MethodPatch} {
				req, _ := http.NewRequest(m, w.app.URL+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", formURLEncoded)
				for i := 0; i+1 < len(hdr); i += 2 {
					req.Header.Set(hdr[i], hdr[i+1])
				}
				if res, _ := c.do(req); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s with %v = %d, want 403", m, path, hdr, res.StatusCode)
				}
			}
		}
	}
	if posts == 0 {
		t.Fatal("no unsafe routes found")
	}
	if changed := changedTables(before, tableFingerprints(t, w.app.db)); len(changed) > 0 {
		t.Errorf("refused requests changed tables %v", changed)
	}
	// The control: the same kind of request from the site itself is not refused.
	res, body := w.staff.post("/admin/tema/ny", valid["POST /admin/tema/ny"])
	mustStatus(t, "a same-site form", res, body, http.StatusSeeOther)
	if changed := changedTables(before, tableFingerprints(t, w.app.db)); !slices.Contains(changed, "themes") {
		t.Errorf("the same-site form changed %v, not themes", changed)
	}
}

// (4) Rate limits: one client IP may send 10 forms that mail a typed address (sign-ups, link
// requests, password resets, event sign-ups: all together) in an hour;
// logins are refused with 429 after auth.MaxFailures failures from one IP, and after as many
// against one account from any number of IPs.
func TestSecurityRateLimits(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, map[string]string{"TRUSTED_PROXIES": "1"})
	p := app.people(t)
	app.catalogueFixture(t)
	post := func(path, ip string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", formURLEncoded)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-Forwarded-For", ip)
		res, _ := app.client(t).do(req)
		return res
	}
	// Forms that mail a typed address: the 11th from one IP is refused, whatever it holds and
	// whichever form it is; another IP, and reading the form, go on. (TestOpenFormsShareOneLimiter
	// mixes the forms.)
	limited := []string{"/grupper/sorggruppe-tirsdag/meld-pa", "/tema/sorg/interesse", "/mine", "/glemt-passord"}
	for n, path := range limited {
		ip := fmt.Sprintf("203.0.113.%d", n+1)
		for i := range optin.DefaultLimits.PerClient {
			if res := post(path, ip, goodSignup(fmt.Sprintf("person%d.%d@example.no", n, i))); res.StatusCode == http.StatusTooManyRequests {
				t.Fatalf("form %d to %s = 429 before the limit", i+1, path)
			}
		}
		res := post(path, ip, goodSignup("en.til@example.no"))
		if res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("form %d to %s from one IP = %d, want 429", optin.DefaultLimits.PerClient+1, path, res.StatusCode)
		}
		for _, bad := range wantSecurityHeaders(res, contentSecurityPolicy, false) {
			t.Errorf("429: %s", bad)
		}
		req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
		req.Header.Set("X-Forwarded-For", ip)
		if res, _ := app.client(t).do(req); res.StatusCode != http.StatusOK {
			t.Errorf("reading %s after the limit = %d: only posts are limited", path, res.StatusCode)
		}
	}
	if res := post(limited[0], "203.0.113.99", goodSignup("annen.ip@example.no")); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another IP = %d, want 303", res.StatusCode)
	}

	login := func(email, password, ip string) *http.Response {
		return post("/logg-inn", ip, url.Values{"email": {email}, "password": {password}})
	}
	// Per IP: failures against many accounts from one IP lock that IP, also for the right
	// password of yet another account.
	for i := range auth.MaxFailures {
		if res := login(fmt.Sprintf("ukjent%d@example.no", i), "feil-passord-123", "198.51.100.1"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d from one IP = %d", i+1, res.StatusCode)
		}
	}
	res := login(p.partnerB.Email, testPassword, "198.51.100.1")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("the right password from a locked IP = %d (Retry-After %q), want 429", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := login(p.partnerB.Email, testPassword, "198.51.100.2"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the same login from another IP = %d, want 303", res.StatusCode)
	}
	// Per account: failures from many IPs lock the account, also from a new IP.
	for i := range auth.MaxFailures {
		if res := login(p.partnerA.Email, "feil-passord-123", fmt.Sprintf("192.0.2.%d", i+1)); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d against one account = %d", i+1, res.StatusCode)
		}
	}
	res = login(p.partnerA.Email, testPassword, "192.0.2.200")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("the right password for a locked account = %d, want 429", res.StatusCode)
	}
	// An address longer than any account's counts against the IP only, and is not stored.
	if res := login(strings.Repeat("a", 300)+"@example.no", "feil-passord-123", "192.0.2.201"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a login with a very long address = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM login_failures WHERE length(key) > 300`); n != 0 {
		t.Errorf("login_failures holds %d overlong keys", n)
	}
}

// (5) Nobody reaches another's rows: partner B gets 404 for every /partner route with
// partner A's ids, and the pages without ids show nothing of A's; a private link combined
// with another person's row, and a link of one kind used as another, is 404 and shows
// nothing of the other.
func TestSecurityNoOtherPeoplesRows(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.app
	ctx := context.Background()
	router := a.srv.Handler().(chi.Routes)
	const markA = "Alfa-hemmelig-formaal"
	// Partner A: a second room request, approved (a meeting A may ask to cancel), and a loan
	// request whose purpose only A's pages show.
	day := aFutureTuesday().AddDate(0, 0, 21).Format(time.DateOnly)
	res, body := w.partnerA.post("/partner/rom/ny", url.Values{"title": {markA}, "room": {itoa(w.ids["room"])}, "date": {day},
		"start": {"06:00"}, "end": {"06:30"}, "frequency": {"once"}, "message": {markA}})
	mustStatus(t, "A's room request", res, body, http.StatusSeeOther)
	approved := w.id(t, `SELECT max(id) FROM booking_requests WHERE org_id = $1`, w.p.orgA.ID)
	res, body = w.staff.post("/admin/foresporsler/"+itoa(approved)+"/godkjenn", url.Values{"override": {"Tidlig"}})
	mustStatus(t, "approve A's request", res, body, http.StatusSeeOther)
	occurrence := w.id(t, `SELECT min(o.id) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id WHERE b.org_id = $1`, w.p.orgA.ID)
	if _, err := a.db.Exec(ctx, `UPDATE licence_requests SET purpose = $1 WHERE org_id = $2`, markA, w.p.orgA.ID); err != nil {
		t.Fatal(err)
	}
	loanOfA := "/partner/lisenser/lan/" + itoa(w.ids["partnerLoan"])
	marksOfA := []string{markA, w.p.partnerA.Name, w.p.partnerA.Email, loanOfA,
		"/partner/lisenser/foresporsler/" + itoa(w.ids["partnerLoanRequest"]), "/partner/rom/foresporsler/" + itoa(w.ids["partnerRoomRequest"])}
	idOf := map[string]int64{"/partner/rom/foresporsler/": w.ids["partnerRoomRequest"],
		"/partner/lisenser/foresporsler/": w.ids["partnerLoanRequest"], "/partner/lisenser/lan/": w.ids["partnerLoan"]}
	form := url.Values{"occurrence": {itoa(occurrence)}, "password": {testPassword}}
	for _, route := range routesOf(router) {
		method, pattern, _ := strings.Cut(route, " ")
		if !strings.HasPrefix(pattern, "/partner") {
			continue
		}
		before, _, hasID := strings.Cut(pattern, "{id}")
		path := pattern
		if hasID {
			path = before + itoa(idOf[before]) + strings.TrimPrefix(pattern, before+"{id}")
			if idOf[before] == 0 {
				t.Errorf("%s: no row of A's for {id}", route)
				continue
			}
		}
		var res *http.Response
		var body string
		if method == http.MethodGet {
			res, body = w.partnerB.get(path)
		} else {
			res, body = w.partnerB.post(path, form)
		}
		creates := method == http.MethodPost && (pattern == "/partner/rom/ny" || pattern == "/partner/lisenser/ny") // B's own, refused as incomplete
		switch {
		case creates:
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s %s as partner B = %d, want 422", method, path, res.StatusCode)
			}
		case hasID || method != http.MethodGet:
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s as partner B = %d, want 404", method, path, res.StatusCode)
			}
		case res.StatusCode >= 400:
			t.Errorf("%s %s as partner B = %d", method, path, res.StatusCode)
		}
		marks := marksOfA
		if hasID {
			marks = marks[:3] // the page names its own path (the language form), which is A's link
		}
		for _, s := range marks {
			if strings.Contains(body, s) {
				t.Errorf("%s %s shows partner B %q, which is A's", method, path, s)
			}
		}
	}
	// The control: A may do what B was refused.
	for _, c := range []struct{ path, want string }{
		{loanOfA, ""},
		{"/partner/rom", markA},
		{"/partner/rom/foresporsler", markA},
		{"/partner/lisenser", loanOfA},
	} {
		if res, body := w.partnerA.get(c.path); res.StatusCode != http.StatusOK || !strings.Contains(body, c.want) {
			t.Errorf("A's own %s = %d (shows %q: %v)", c.path, res.StatusCode, c.want, strings.Contains(body, c.want))
		}
	}
	res, body = w.partnerA.post("/partner/rom/avlys", url.Values{"occurrence": {itoa(occurrence)}})
	mustStatus(t, "A asks to cancel A's meeting", res, body, http.StatusSeeOther)
	res, body = w.partnerA.post("/partner/rom/foresporsler/"+itoa(w.ids["partnerRoomRequest"])+"/trekk", nil)
	mustStatus(t, "A withdraws A's request", res, body, http.StatusSeeOther)

	w.otherPeoplesLinks(t)
}

// otherPeoplesLinks makes a second participant, a second group with a contact person, and
// checks every private-link route with another's rows and with tokens of the wrong kind.
func (w *sweepWorld) otherPeoplesLinks(t *testing.T) {
	a := w.app
	const nameQ = "Quintus Annenperson"
	res, body := w.browser(t).post("/tema/"+w.themeSlug+"/interesse", func() url.Values {
		f := goodSignup("quintus@example.no")
		f.Set("first_name", nameQ)
		return f
	}())
	mustStatus(t, "Q's sign-up", res, body, http.StatusSeeOther)
	res, body = w.app.confirmMail(t, "quintus@example.no")
	mustStatus(t, "Q confirms", res, body, http.StatusSeeOther)
	signupQ := w.id(t, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = 'quintus@example.no'`)
	res, body = w.staff.post("/admin/matching/tilbud", url.Values{"frist": {"7"}, "tilbud": {itoa(signupQ) + ":" + itoa(w.ids["group"])}})
	mustStatus(t, "Q's offer", res, body, http.StatusSeeOther)
	offerQ := w.id(t, `SELECT id FROM offers WHERE signup_id = $1`, signupQ)

	form := goodGroup(itoa(w.ids["theme"]))
	form.Set("name", "Hemmelig annen gruppe")
	res, body = w.staff.post("/admin/grupper/ny", form)
	mustStatus(t, "group H", res, body, http.StatusSeeOther)
	groupH := w.id(t, `SELECT id FROM groups WHERE name = 'Hemmelig annen gruppe'`)
	res, body = w.staff.post("/admin/grupper/"+itoa(groupH)+"/kontakt", url.Values{"name": {"Hedda Kontakt"}, "email": {"hedda@example.no"}})
	mustStatus(t, "H's contact", res, body, http.StatusSeeOther)
	res, body = w.staff.post("/admin/grupper/"+itoa(groupH)+"/kontakt/lenke", nil)
	mustStatus(t, "H's link", res, body, http.StatusSeeOther)
	linkH := a.lastLink(t, "hedda@example.no")
	day := aFutureTuesday().AddDate(0, 0, 28).Format(time.DateOnly)
	res, body = w.browser(t).post(linkH+"/ny", url.Values{"room": {itoa(w.ids["room"])}, "date": {day}, "start": {"06:00"}, "end": {"06:30"}, "frequency": {"once"}})
	mustStatus(t, "H's request", res, body, http.StatusSeeOther)
	requestH := w.id(t, `SELECT max(id) FROM booking_requests WHERE group_id = $1`, groupH)
	res, body = w.staff.post("/admin/foresporsler/"+itoa(requestH)+"/godkjenn", url.Values{"override": {"Tidlig"}})
	mustStatus(t, "approve H's request", res, body, http.StatusSeeOther)
	res, body = w.browser(t).post(linkH+"/ny", url.Values{"room": {itoa(w.ids["room"])}, "date": {day}, "start": {"07:00"}, "end": {"07:30"}, "frequency": {"once"}})
	mustStatus(t, "H's pending request", res, body, http.StatusSeeOther)
	pendingH := w.id(t, `SELECT max(id) FROM booking_requests WHERE group_id = $1`, groupH)
	occurrenceH := w.id(t, `SELECT min(o.id) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id WHERE b.group_id = $1`, groupH)

	secretsOfOthers := []string{nameQ, "quintus@example.no", "Hemmelig annen gruppe", "Hedda Kontakt", "hedda@example.no"}
	// Another's row behind one's own link.
	cases := []struct {
		method, path string
		form         url.Values
	}{
		{http.MethodPost, "/mine/" + w.tokens["mine"] + "/pamelding/" + itoa(signupQ), url.Values{"formats": {"house"}, "languages": {"nb"}, "availability": {"2-evening"}}},
		{http.MethodPost, "/mine/" + w.tokens["mine"] + "/pamelding/" + itoa(signupQ) + "/trekk", nil},
		{http.MethodPost, "/mine/" + w.tokens["mine"] + "/tilbud/" + itoa(offerQ), url.Values{"svar": {"decline"}}},
		{http.MethodGet, "/mine/" + w.tokens["mine"] + "?endre=" + itoa(signupQ), nil},
		{http.MethodPost, "/gruppe/" + w.tokens["contact"] + "/foresporsler/" + itoa(pendingH) + "/trekk", nil},
		{http.MethodPost, "/gruppe/" + w.tokens["contact"] + "/avlys", url.Values{"occurrence": {itoa(occurrenceH)}}},
	}
	anon := w.browser(t)
	for _, c := range cases {
		var res *http.Response
		var body string
		if c.method == http.MethodGet {
			res, body = anon.get(c.path)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d", c.path, res.StatusCode)
			}
		} else if res, body = anon.post(c.path, c.form); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s = %d, want 404", c.path, res.StatusCode)
		}
		for _, s := range secretsOfOthers {
			if strings.Contains(body, s) {
				t.Errorf("%s %s shows %q", c.method, c.path, s)
			}
		}
	}
	// Links of one kind used as another, and the digest of a link instead of the link.
	router := a.srv.Handler().(chi.Routes)
	sum := sha256.Sum256([]byte(w.tokens["mine"]))
	for _, route := range routesOf(router) {
		method, pattern, _ := strings.Cut(route, " ")
		first := strings.Split(pattern, "/")[1]
		own, ok := pathTokens[first]
		if !ok || !strings.Contains(pattern, "{token}") {
			continue
		}
		others := []string{hex.EncodeToString(sum[:])}
		for kind, tok := range w.tokens {
			if kind != own {
				others = append(others, tok)
			}
		}
		for _, tok := range others {
			path, err := w.pathFor(pattern, -1, nil)
			if err != nil {
				t.Error(err)
				break
			}
			path = strings.Replace(path, "/"+w.tokens[own], "/"+tok, 1)
			var res *http.Response
			var body string
			if method == http.MethodGet {
				res, body = anon.get(path)
			} else {
				res, body = anon.post(path, url.Values{"svar": {"accept"}, "password": {testPassword}, "confirm": {testPassword}})
			}
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s with a link of another kind = %d, want 404", method, pattern, res.StatusCode)
			}
			if strings.Contains(body, "Kari Hostil") || strings.Contains(body, worldParticipant) {
				t.Errorf("%s %s with another kind of link shows the participant", method, pattern)
			}
		}
	}
}

// (6) Links are stored as digests: no column of the database holds a token the app sent out,
// nor a session token, nor a secret that is stored sealed. And no code compares a token,
// secret or digest with == (a comparison that can leak through its timing): lookups go by
// digest in SQL, codes through subtle.ConstantTimeCompare.
func TestSecurityTokensAreStoredAsDigests(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	plain := map[string]string{}
	for k, v := range w.tokens {
		plain["link "+k] = v
	}
	for name, c := range map[string]*client{"staff": w.staff, "admin": w.admin, "partner A": w.partnerA, "two-factor half-way": w.pending} {
		plain["session of "+name] = c.sessionCookie()
	}
	plain["two-factor secret"] = w.totpSecret
	for i, r := range w.recovery {
		plain[fmt.Sprintf("recovery code %d", i)] = r
	}
	plain["licence secret"] = "demo-zoom-1-passord"
	plain["password"] = testPassword

	rows, err := w.app.db.Query(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	type column struct{ table, name, kind string }
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		return c, r.Scan(&c.table, &c.name, &c.kind)
	})
	if err != nil {
		t.Fatal(err)
	}
	for what, value := range plain {
		if value == "" {
			t.Errorf("the world has no %s", what)
			continue
		}
		for _, c := range cols {
			expr := fmt.Sprintf(`strpos(%s::text, $1) > 0`, pgx.Identifier{c.name}.Sanitize())
			if c.kind == "bytea" {
				expr = fmt.Sprintf(`position(convert_to($1, 'UTF8') IN %s) > 0`, pgx.Identifier{c.name}.Sanitize())
			}
			var n int
			q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s`, pgx.Identifier{c.table}.Sanitize(), expr)
			if err := w.app.db.QueryRow(ctx, q, value).Scan(&n); err != nil {
				t.Fatalf("%s.%s: %v", c.table, c.name, err)
			}
			if n > 0 {
				t.Errorf("%s.%s holds the %s in clear", c.table, c.name, what)
			}
		}
	}

	for _, f := range timingComparisons(t, "../..") {
		t.Errorf("compares a secret with == or !=: %s", f)
	}
}

// secretName is an identifier that holds a token, secret, digest or password.
var secretName = regexp.MustCompile(`(?i)token|secret|hash|digest|recovery|totp`)

// timingComparisons lists the == and != comparisons in the Go code under root (tests left
// out) where a side is named like a secret and the other is not nil, "" or a constant.
func timingComparisons(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_templ.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			b, ok := n.(*ast.BinaryExpr)
			if !ok || (b.Op != token.EQL && b.Op != token.NEQ) || trivial(b.X) || trivial(b.Y) {
				return true
			}
			if secretName.MatchString(nameOf(b.X)) || secretName.MatchString(nameOf(b.Y)) {
				out = append(out, fmt.Sprintf("%s: %s", fset.Position(b.Pos()), src[fset.Position(b.Pos()).Offset:fset.Position(b.End()).Offset]))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// trivial is nil, a literal or a length: comparing with one leaks nothing of a secret.
func trivial(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return e.Name == "nil" || e.Name == "true" || e.Name == "false" || strings.ToUpper(e.Name[:1]) == e.Name[:1]
	case *ast.SelectorExpr:
		return strings.ToUpper(e.Sel.Name[:1]) == e.Sel.Name[:1] && isPackage(e.X) // pkg.Constant
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") {
			return true
		}
	}
	return false
}

func isPackage(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && strings.ToLower(id.Name) == id.Name
}

func nameOf(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return nameOf(e.X) + "." + e.Sel.Name
	case *ast.CallExpr:
		return nameOf(e.Fun)
	case *ast.IndexExpr:
		return nameOf(e.X)
	case *ast.StarExpr:
		return nameOf(e.X)
	}
	return ""
}

// (7) The log holds no personal data or secret: a whole flow — sign-up with e-mail, phone
// and a note, the private link and its data download, logins with a password and with two
// factors, a wrong password, reveals of licence credentials by staff and by a partner, a
// password reset — leaves none of them in what the app logged.
func TestSecurityNoSecretsInTheLog(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.app
	anon := w.browser(t)
	for _, path := range []string{"/mine/" + w.tokens["mine"], "/mine/" + w.tokens["mine"] + "/data.json", "/tilbud/" + w.tokens["offer"],
		"/arrangement/" + w.tokens["event"], "/gruppe/" + w.tokens["contact"], "/kalender/" + w.tokens["feed"] + ".ics",
		"/invitasjon/" + w.tokens["invite"], "/mine/ukjent-lenke", "/finnes/ikke/" + w.tokens["mine"]} {
		anon.get(path)
	}
	anon.post("/logg-inn", url.Values{"email": {w.p.staff.Email}, "password": {"Feil-Passord-Som-Er-Hemmelig"}})
	later := time.Now().Add(time.Minute)
	a.srv.now = func() time.Time { return later }
	res, body := w.pending.post("/logg-inn/kode", url.Values{"code": {code(t, w.totpSecret, later)}})
	mustStatus(t, "two-factor code", res, body, http.StatusSeeOther)
	a.srv.now = time.Now
	tf := w.browser(t)
	tf.post("/logg-inn", url.Values{"email": {worldTwoFactor}, "password": {testPassword}})
	res, body = tf.post("/logg-inn/kode", url.Values{"code": {w.recovery[0]}})
	mustStatus(t, "recovery code", res, body, http.StatusSeeOther)

	res, body = w.staff.post("/admin/lisenser/"+itoa(w.ids["licence"])+"/vis", url.Values{"password": {testPassword}})
	mustStatus(t, "staff reveal", res, body, http.StatusOK)
	secrets := []string{"demo-zoom-1-passord"}
	res, body = w.partnerA.post("/partner/lisenser/lan/"+itoa(w.ids["partnerLoan"])+"/vis", url.Values{"password": {testPassword}})
	mustStatus(t, "partner reveal", res, body, http.StatusOK)
	for _, f := range demoSecrets {
		if strings.Contains(body, f) {
			secrets = append(secrets, f)
		}
	}
	res, body = anon.post("/nytt-passord/"+w.tokens["reset"], url.Values{"password": {"Et-Nytt-Hemmelig-Passord"}, "confirm": {"Et-Nytt-Hemmelig-Passord"}})
	mustStatus(t, "password reset", res, body, http.StatusSeeOther)

	logs := a.logs.String()
	if !strings.Contains(logs, "route=/mine/{token}") {
		t.Fatal("the log did not capture the flow")
	}
	look := append(slices.Clone(w.secrets), secrets...)
	look = append(look, "Feil-Passord-Som-Er-Hemmelig", "Et-Nytt-Hemmelig-Passord", "91234567", "Hemmelig-notat",
		w.p.staff.Email, w.p.partnerA.Email, w.p.staff.Name, w.p.partnerA.Name, worldEventGuest, worldContact, worldReset,
		worldInvited, worldTwoFactor, "Kontakt Hostil", "Invitert Hostil", "kontakt@alfa.test")
	for _, tok := range w.tokens {
		look = append(look, tok)
	}
	for _, c := range []*client{w.staff, w.admin, w.partnerA, tf, anon} {
		if s := c.sessionCookie(); s != "" {
			look = append(look, s)
		}
	}
	for _, s := range look {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds %q", s)
		}
	}
}

// demoSecrets are the passwords of the demo licences (internal/demo).
var demoSecrets = []string{"demo-zoom-1-passord", "demo-zoom-2-passord", "demo-zoom-3-passord", "demo-whereby-romnokkel-a", "demo-whereby-romnokkel-b"}

// The scan for comparisons of secrets finds one, and passes nil, "", constants and lengths.
func TestSecurityComparisonScanWorks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := `package x

const Size = 32

func f(token, typed string, hash []byte) bool {
	return token == typed || len(token) == Size || token != "" || hash != nil || token == "x"
}
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := timingComparisons(t, dir); len(got) != 1 || !strings.Contains(got[0], "token == typed") {
		t.Errorf("found %q, want the one comparison of token with typed", got)
	}
}
