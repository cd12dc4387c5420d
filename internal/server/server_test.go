package server

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// newTestServer starts the real router on a fresh database. logs collects the app's log.
func newTestServer(t *testing.T, env map[string]string) (*httptest.Server, *syncBuffer) {
	t.Helper()
	a := newTestApp(t, env)
	return a.Server, a.logs
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, c *http.Client, u string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return do(t, c, req)
}

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestHomePageAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, nil)
	res, body := get(t, noRedirect, ts.URL+"/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", res.StatusCode)
	}
	if !strings.Contains(body, `<html lang="nb"`) || !strings.Contains(body, "Hva er en selvhjelpsgruppe?") {
		t.Error("home page is not the Norwegian home page")
	}
	for _, want := range []string{"113", "116 117", "116 123", `href="/personvern"`, `href="/tilgjengelighet"`, `href="#innhold"`, `<main id="innhold"`} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "img-src 'self' data:"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows unsafe code: %q", csp)
	}
	if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
	if got := res.Header.Get("Referrer-Policy"); got != "same-origin" {
		t.Errorf("Referrer-Policy = %q", got)
	}
	if res.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS must only be sent in production")
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "style=") || strings.Contains(body, "<style") {
		t.Error("pages must have no inline script or style")
	}
}

func TestHSTSInProduction(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, map[string]string{"APP_ENV": "production", "BASE_URL": "https://selvhjelp.example",
		"SECRET_KEY": "MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6"})
	res, _ := get(t, noRedirect, ts.URL+"/healthz")
	if !strings.HasPrefix(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("HSTS = %q", res.Header.Get("Strict-Transport-Security"))
	}
}

func TestNotFoundPage(t *testing.T) {
	t.Parallel()
	ts, logs := newTestServer(t, nil)
	res, body := get(t, noRedirect, ts.URL+"/finnes-ikke/her")
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("status = %d", res.StatusCode)
	}
	if !strings.Contains(body, "Vi fant ikke siden") || !strings.Contains(body, `<html lang="nb"`) {
		t.Error("404 is not the friendly page in the layout")
	}
	for _, want := range []string{`<nav class="site-nav"`, `href="/grupper"`, `href="/arrangementer"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the 404 page lacks the menu: no %s", want)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a 404 is not an error in the log:\n%s", logs)
	}
	res, _ = get(t, noRedirect, ts.URL+"/", "X-Ignored", "")
	if res.StatusCode != http.StatusOK {
		t.Fatal(res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodDelete, ts.URL+"/", nil)
	req.Header.Set("Origin", ts.URL)
	res, _ = do(t, noRedirect, req)
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("DELETE / = %d, want 405", res.StatusCode)
	}
}

func postForm(t *testing.T, u string, form url.Values, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return do(t, noRedirect, req)
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, nil)
	form := url.Values{"lang": {"en"}, "next": {"/"}}
	cases := []struct {
		name string
		hdr  []string
		want int
	}{
		{"foreign origin", []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"cross-site fetch", []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"same origin", []string{"Origin", ts.URL, "Sec-Fetch-Site", "same-origin"}, http.StatusSeeOther},
		{"no browser headers", nil, http.StatusSeeOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, body := postForm(t, ts.URL+"/sprak", form, tc.hdr...)
			if res.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d", res.StatusCode, tc.want)
			}
			if tc.want == http.StatusForbidden {
				if !strings.Contains(body, "Vi kunne ikke ta imot skjemaet") {
					t.Error("403 is not the friendly Norwegian page")
				}
				if len(res.Cookies()) != 0 {
					t.Error("a refused request must change nothing")
				}
			}
		})
	}
	// Every path is protected, known or not, before routing.
	for _, path := range []string{"/admin/anything", "/healthz", "/static/x.css"} {
		res, _ := postForm(t, ts.URL+path, form, "Origin", "https://evil.example")
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin POST to %s = %d, want 403", path, res.StatusCode)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, nil)
	res, _ := postForm(t, ts.URL+"/sprak", url.Values{"lang": {"en"}, "next": {"/personvern"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/personvern" {
		t.Fatalf("switch = %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	var lang *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == langCookie {
			lang = c
		}
	}
	if lang == nil || lang.Value != "en" || !lang.HttpOnly || lang.SameSite != http.SameSiteLaxMode {
		t.Fatalf("language cookie = %+v", lang)
	}
	_, body := get(t, noRedirect, ts.URL+"/personvern", "Cookie", "lang=en")
	if !strings.Contains(body, `<html lang="en"`) || !strings.Contains(body, "What do we store?") {
		t.Error("privacy page is not in English with the cookie")
	}
	res, _ = postForm(t, ts.URL+"/sprak", url.Values{"lang": {"en"}, "next": {"//evil.example/"}})
	if res.Header.Get("Location") != "/" {
		t.Errorf("open redirect: Location = %q", res.Header.Get("Location"))
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, nil)
	big := url.Values{"lang": {strings.Repeat("x", 2<<20)}}
	res, body := postForm(t, ts.URL+"/sprak", big)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "for stort") {
		t.Errorf("2 MiB form = %d", res.StatusCode)
	}
}

var stylesheet = regexp.MustCompile(`<link rel="stylesheet" href="(/static/[^"]+)"`)

func TestStaticFilesAreHashedAndCached(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, nil)
	_, body := get(t, noRedirect, ts.URL+"/")
	links := stylesheet.FindAllStringSubmatch(body, -1)
	if len(links) < 3 {
		t.Fatalf("expected the stylesheets in the page, found %v", links)
	}
	for _, l := range links {
		u := l[1]
		if !regexp.MustCompile(`\.[0-9a-f]{10}\.css$`).MatchString(u) {
			t.Errorf("%s has no content hash in its name", u)
		}
		res, css := get(t, noRedirect, ts.URL+u)
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s = %d, Cache-Control %q", u, res.StatusCode, res.Header.Get("Cache-Control"))
		}
		etag := res.Header.Get("ETag")
		res, _ = get(t, noRedirect, ts.URL+u, "If-None-Match", etag)
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match = %d, want 304", u, res.StatusCode)
		}
		// Fonts referenced from CSS point at hashed names that resolve.
		for _, ref := range regexp.MustCompile(`url\((/static/[^)]+\.woff2)\)`).FindAllStringSubmatch(css, -1) {
			if res, _ := get(t, noRedirect, ts.URL+ref[1]); res.StatusCode != http.StatusOK {
				t.Errorf("%s referenced from %s = %d", ref[1], u, res.StatusCode)
			}
		}
	}
	if res, _ := get(t, noRedirect, ts.URL+"/static/css/app.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unhashed name = %d, want 404", res.StatusCode)
	}
}

func TestFontsAreSelfHosted(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, nil)
	_, body := get(t, noRedirect, ts.URL+"/")
	var fonts string
	for _, l := range stylesheet.FindAllStringSubmatch(body, -1) {
		if strings.Contains(l[1], "fonts.") {
			_, fonts = get(t, noRedirect, ts.URL+l[1])
		}
	}
	if n := strings.Count(fonts, "url(/static/vendor/inter/"); n < 6 {
		t.Errorf("fonts.css has %d hashed font URLs, want 6:\n%s", n, fonts)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		res, body := get(t, noRedirect, ts.URL+p)
		if res.StatusCode != http.StatusOK || body != "ok\n" {
			t.Errorf("%s = %d %q", p, res.StatusCode, body)
		}
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/personvern":          "/personvern",
		"/grupper?tema=angst":  "/grupper?tema=angst",
		"":                     "/",
		"https://evil.example": "/",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"/a\r\nSet-Cookie: x":  "/",
		"javascript:alert(1)":  "/",
		"/\t/evil.example":     "/",
		"/\x7f/evil.example":   "/",
		"/a\\b":                "/",
	}
	for in, want := range cases {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPanicGivesFriendlyPage(t *testing.T) {
	t.Parallel()
	cfg, _ := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": "x"}[k] })
	logs := &bytes.Buffer{}
	db := pgtest.New(t)
	srv, err := New(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), testOutbox(t, db, cfg.BaseURL))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	h := srv.recoverPanic(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "Noe gikk galt hos oss") {
		t.Errorf("panic = %d %q", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Error("the panic is not in the log")
	}
}

// A store's ErrNotFound reaching serverError is the 404 page, and not an error in the log.
func TestServerErrorAnswersNotFoundWith404(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	rec := httptest.NewRecorder()
	app.srv.serverError(rec, httptest.NewRequest(http.MethodGet, "/x", nil), fmt.Errorf("rooms: get: %w", postgres.ErrNotFound))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Vi fant ikke siden") {
		t.Errorf("serverError(ErrNotFound) = %d", rec.Code)
	}
	if strings.Contains(app.logs.String(), "level=ERROR") {
		t.Error("a missing row was logged as an error")
	}
}

// The accessibility statement states the standard, how it is checked, what is missing and
// where to complain, in both languages.
func TestAccessibilityStatement(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t, nil)
	for lang, wants := range map[string][]string{
		"nb": {"Tilgjengelighetserklæring", "WCAG 2.1", "AA", "Nu Html Checker", "uutilsynet.no", "Kirkeveien 61"},
		"en": {"Accessibility statement", "WCAG 2.1", "AA", "axe-core", "uutilsynet.no", "Kirkeveien 61"},
	} {
		res, body := get(t, noRedirect, ts.URL+"/tilgjengelighet", "Cookie", "lang="+lang)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", lang, res.StatusCode)
		}
		for _, w := range wants {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the statement lacks %q", lang, w)
			}
		}
	}
}
