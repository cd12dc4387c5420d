package server

import (
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// TestPagesInTheBrowser visits every public page in headless Chromium, in both languages, and
// fails on any WCAG 2.0/2.1 A/AA violation that axe-core finds, on any console message (a CSP
// violation shows up there) and on sideways scrolling on a small phone. Every new page is
// added to this list.
func TestPagesInTheBrowser(t *testing.T) {
	ts, _ := newTestServer(t, nil)
	b := browsertest.New(t)
	pages := []struct {
		path, lang, contains string
		status               int
	}{
		{"/", "nb", "Hva er en selvhjelpsgruppe?", 200},
		{"/personvern", "nb", "Hva lagrer vi?", 200},
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
