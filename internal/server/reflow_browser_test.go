package server

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// Must show (issue 19): no page is wider than a phone. Every page TestEveryPageIsValidHTML
// reads — each GET route as the visitor who sees it, in both languages, on the demo data,
// the error states, and the answer to every form sent empty — is shown in Chromium at 320
// and 360 px, where nothing may stick out of the page and nothing may scroll sideways but a
// marked wide table. The browser tests that click through the app (the sign-up form with
// its week grid, the GET forms of TestEveryGetFormSubmitsInTheBrowser) check the same on
// every page they visit.
func TestEveryPageFitsAPhone(t *testing.T) {
	t.Parallel()
	site := newHTMLSite(t)
	router, ok := site.app.srv.Handler().(chi.Routes)
	if !ok {
		t.Fatal("the handler is not a chi router")
	}
	// Long words: every organiser and one published group get names longer than a phone
	// is wide, as a real organisation's name can be.
	if _, err := site.app.db.Exec(context.Background(), `UPDATE orgs SET name = name || ' Landsforeningenforpårørendeinnenrusogpsykiskhelse'`); err != nil {
		t.Fatal(err)
	}
	if _, err := site.app.db.Exec(context.Background(), `UPDATE groups SET name = 'Samtalegruppeforetterlattepårørendeogvenner' WHERE id = $1`, site.ids["group"]); err != nil {
		t.Fatal(err)
	}
	tab := browsertest.New(t).ShowTab(t, site.app.URL+"/kontakt")
	n := 0
	for _, p := range site.pages(t, router) {
		if p.prepare != nil {
			p.prepare(t, &p)
		}
		body, ok := site.fetch(t, p)
		if !ok {
			continue
		}
		tab.Show(t, body)
		tab.Reflow(t, fmt.Sprintf("%s %s as %s (%d)", p.method, p.path, p.who, p.status))
		n++
	}
	t.Logf("%d pages measured", n)
}
