package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that keeps the errors instead of failing, so the harness itself can
// be shown to catch what it claims to catch. Fatal calls still fail the real test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Helper() {}

func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n")
}

const csp = "default-src 'self'; img-src 'self' data:"

func testPage(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/t.css" { // a style sheet of its own: the CSP allows no inline style
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, `.scroll { overflow-x: auto; } .wide { width: 600px; }
				@media (prefers-color-scheme: dark) { body { background: #111; color: #eee; } .dim { color: #222; } }
				@media (max-width: 400px) { .tiny { color: #ddd; } }
				.pad { display: inline-block; width: 10px; height: 10px; overflow: hidden; }`)
			return
		}
		if r.URL.Path == "/favicon.ico" {
			w.Header().Set("Content-Type", "image/svg+xml")
			fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg"/>`)
			return
		}
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Test</title>
<link rel="stylesheet" href="/t.css"></head>
<body><main><h1>Test</h1>%s</main></body></html>`, body)
	}
}

func TestTheHarnessCatchesWhatItClaims(t *testing.T) {
	b := New(t)
	cases := []struct {
		name, body, want string
	}{
		{"clean page", `<p>Hei</p>`, ""},
		{"image without text", `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`, "accessibility (image-alt"},
		{"unlabelled field", `<form><input type="text" name="x"></form>`, "accessibility (label"},
		{"duplicate id", `<h2 id="a">A</h2><p id="a">B</p>`, "accessibility (duplicate-id)"},
		{"inline script under CSP", `<script>document.title = "x"</script>`, "browser console"},
		{"page wider than a phone", `<div class="x"></div><svg width="600" height="10"></svg>`, "scrolls sideways"},
		{"what sticks out is named", `<p class="wide">Langt avsnitt</p>`, `sticking out:` + "\n\t" + `p.wide "Langt avsnitt"`},
		{"box scrolling sideways", `<div class="scroll"><p class="wide">Skjult kolonne</p></div>`,
			`at 320 px, div.scroll "Skjult kolonne" scrolls sideways but is not marked as a wide table`},
		{"contrast lost only in dark mode", `<p class="dim">Mørk tekst</p>`, "[320 px, dark; 1280 px, dark]: accessibility (color-contrast"}, // not in light
		{"contrast lost only on a phone", `<p class="tiny">Lys tekst</p>`, "[320 px, light]: accessibility (color-contrast"},                 // not at 1280 px, nor in dark mode,
		{"best practice: a heading level skipped", `<h4>Under</h4>`, "accessibility (heading-order"},
		{"best practice: content outside the landmarks", `</main><p>Utenfor</p><main hidden>`, "accessibility (region"},
		{"WCAG 2.2: a target too small and too close", `<a class="pad" href="/a">a</a><a class="pad" href="/b">b</a>`, "accessibility (target-size"},
		{"marked wide table", `<div class="scroll" role="region" tabindex="0" aria-label="Tabell"><p class="wide">Kolonne</p></div>`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(testPage(tc.body))
			defer ts.Close()
			rec := &recorder{TB: t}
			got := b.Visit(rec, ts.URL+"/")
			if got.Title != "Test" || got.Lang != "nb" || !strings.Contains(got.Text, "Test") {
				t.Errorf("page read as %+v", got)
			}
			errs := rec.all()
			if tc.want == "" && errs != "" {
				t.Errorf("a clean page was refused:\n%s", errs)
			}
			if tc.want != "" && !strings.Contains(errs, tc.want) {
				t.Errorf("want an error with %q, got:\n%s", tc.want, errs)
			}
		})
	}
}

func TestExpectedStatusIsNotAConsoleError(t *testing.T) {
	b := New(t)
	h := testPage(`<p>Finnes ikke</p>`)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/favicon.ico" && r.URL.Path != "/t.css" { // the page's own files are there
			w.Header().Set("Content-Security-Policy", csp)
			w.WriteHeader(http.StatusNotFound)
		}
		h(w, r)
	}))
	defer ts.Close()
	rec := &recorder{TB: t}
	b.Visit(rec, ts.URL+"/borte")
	if !strings.Contains(rec.all(), "status of 404") {
		t.Errorf("an unexpected 404 must be reported, got:\n%s", rec.all())
	}
	rec = &recorder{TB: t}
	b.Visit(rec, ts.URL+"/borte", Status(http.StatusNotFound))
	if rec.all() != "" {
		t.Errorf("an expected 404 was reported:\n%s", rec.all())
	}
}

// Print finds a table wider than an A4 page, and prints a PDF.
func TestPrintFindsCutOffTables(t *testing.T) {
	ts := httptest.NewServer(testPage(`<svg id="bred" width="1200" height="10"></svg>`))
	defer ts.Close()
	tab := New(t).NewTab(t)
	tab.Go(&recorder{TB: t}, ts.URL) // the phone check rightly complains; this test is about print
	p := tab.Print(t)
	if !strings.HasPrefix(string(p.PDF), "%PDF") || len(p.CutOff) == 0 || p.CutOff[0] != "bred" {
		t.Errorf("print: %d bytes, cut off %q", len(p.PDF), p.CutOff)
	}
}

// SVGOverflow finds a label drawn past its chart's viewBox, and Print reads the PDF's pages.
func TestSVGOverflowAndPDFPages(t *testing.T) {
	ts := httptest.NewServer(testPage(`<svg viewBox="0 0 100 20" width="100" height="20"><text x="60" y="15">a label far too long</text><text x="2" y="15">ok</text></svg>`))
	defer ts.Close()
	tab := New(t).NewTab(t)
	tab.Go(t, ts.URL)
	if got := tab.SVGOverflow(t); len(got) != 1 || got[0] != "a label far too long" {
		t.Errorf("overflow: %q", got)
	}
	p := tab.Print(t)
	if len(p.Pages) != 1 || p.Pages[0].TextRuns == 0 || len(p.SVGOverflow) != 1 {
		t.Errorf("printed: %+v, overflow %q", p.Pages, p.SVGOverflow)
	}
	if _, err := PDFPages([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")); err == nil {
		t.Error("a PDF without pages was read")
	}
}

// An e-mail's body is not a page: Mail leaves out the rules on a page's structure, and only
// those.
func TestMailLeavesOutOnlyThePageStructureRules(t *testing.T) {
	b := New(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Test</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"></head>
<body><div><p>Hei</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></div></body></html>`)
	}))
	defer ts.Close()
	page, mail := &recorder{TB: t}, &recorder{TB: t}
	b.Visit(page, ts.URL+"/")
	b.Visit(mail, ts.URL+"/", Mail())
	for _, rule := range pageStructureRules {
		if !strings.Contains(page.all(), "accessibility ("+rule) {
			t.Errorf("as a page: no %s in\n%s", rule, page.all())
		}
		if strings.Contains(mail.all(), "accessibility ("+rule) {
			t.Errorf("as a mail: %s was run", rule)
		}
	}
	if !strings.Contains(mail.all(), "accessibility (image-alt") {
		t.Errorf("as a mail, the other rules must still run:\n%s", mail.all())
	}
}
