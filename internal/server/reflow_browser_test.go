package server

import (
	"context"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// phoneCheck is the width half of TestEveryPageIsValidHTML (issue 19, must show 4: no page
// is wider than a phone). Every page that test reads — each GET route as the visitor who
// sees it, in both languages, on the demo data, the error states, and the answer to every
// form sent empty — is shown in Chromium at 360 and 320 px, where nothing may stick out of
// the page and nothing may scroll sideways but a marked wide table (browsertest.Tab.Reflow).
// The browser tests that click through the app (the sign-up form with its week grid, the GET
// forms of TestEveryGetFormSubmitsInTheBrowser) check the same on every page they visit.
type phoneCheck struct {
	tab *browsertest.Tab
}

// newPhoneCheck gives every organiser and one published group of site names longer than a
// phone is wide, as a real organisation's name can be, and opens the browser tab.
func newPhoneCheck(t *testing.T, site *htmlSite) *phoneCheck {
	t.Helper()
	ctx := context.Background()
	if _, err := site.app.db.Exec(ctx, `UPDATE orgs SET name = name || ' Landsforeningenforpårørendeinnenrusogpsykiskhelse'`); err != nil {
		t.Fatal(err)
	}
	if _, err := site.app.db.Exec(ctx, `UPDATE groups SET name = 'Samtalegruppeforetterlattepårørendeogvenner' WHERE id = $1`, site.ids["group"]); err != nil {
		t.Fatal(err)
	}
	return &phoneCheck{tab: browsertest.New(t).ShowTab(t, site.app.URL+"/kontakt")}
}

// measure shows the page body in the browser and fails t when it does not fit a phone.
func (c *phoneCheck) measure(t *testing.T, label, body string) {
	t.Helper()
	c.tab.Show(t, body)
	c.tab.Reflow(t, label)
}
