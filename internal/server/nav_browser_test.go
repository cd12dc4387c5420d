package server

import (
	"strconv"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// visible tells, in the page, whether the element css selects is shown and fits across the
// screen.
func visible(t *testing.T, tab *browsertest.Tab, css string) string {
	t.Helper()
	return tab.Eval(t, `(() => { const e = document.querySelector(`+strconv.Quote(css)+`);
		if (!e) return "missing";
		if (!e.checkVisibility()) return "hidden";
		const r = e.getBoundingClientRect();
		return r.left >= 0 && r.right <= document.documentElement.clientWidth ? "shown" : "cut off at " + r.right; })()`)
}

// Must show (issue 19): on a 320 px phone with JavaScript off, the staff menu is one "Meny"
// button; pressed, it opens every group; a link leads to its page, where it is marked. On a
// wide screen the groups are always shown, with the pages of the current group.
func TestStaffMenuWithoutJavaScript(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	tab := browsertest.New(t).NewTab(t)
	tab.DisableScripts(t)
	loginIn(t, tab, app.URL, p.staff.Email)
	tab.Go(t, app.URL+"/admin/matching")

	tab.Phone(t)
	if got := visible(t, tab, "nav.role-nav summary"); got != "shown" || tab.Text(t, "nav.role-nav summary") != "Meny" {
		t.Errorf("the menu button on a phone: %s %q", got, tab.Text(t, "nav.role-nav summary"))
	}
	for _, css := range []string{"nav.role-nav a[href='/admin/nokler']", "nav.role-nav a[href='/admin/venteliste']"} {
		if got := visible(t, tab, css); got != "hidden" {
			t.Errorf("before the menu is opened, %s is %s", css, got)
		}
	}
	tab.Press(t, "nav.role-nav summary")
	for _, css := range []string{"nav.role-nav a[href='/admin/nokler']", "nav.role-nav a[href='/admin/brukere']"} {
		want := "shown"
		if strings.Contains(css, "brukere") {
			want = "missing" // an admin's page
		}
		if got := visible(t, tab, css); got != want {
			t.Errorf("in the open menu, %s is %s, want %s", css, got, want)
		}
	}
	got := tab.Click(t, "nav.role-nav a[href='/admin/nokler']")
	if !strings.Contains(got.Title, "Nøkler") || !strings.HasSuffix(got.URL, "/admin/nokler") {
		t.Fatalf("the menu's link led to %s (%s)", got.URL, got.Title)
	}
	if cur := tab.Eval(t, `[...document.querySelectorAll("nav.role-nav [aria-current]")].map(e => e.textContent + "=" + e.getAttribute("aria-current")).join(",")`); cur != "Huset=true,Nøkler=page" {
		t.Errorf("marked on the keys page: %q", cur)
	}

	// Desktop (the checks leave the tab at 1280 px): no button, the groups, and the pages of
	// the current group only.
	for css, want := range map[string]string{"nav.role-nav summary": "hidden", "nav.role-nav a[href='/admin/rom']": "shown",
		"nav.role-nav a[href='/admin/dagsark']": "shown", "nav.role-nav a[href='/admin/tilbud']": "hidden",
		"nav.role-nav a[href='/admin/venteliste']": "shown"} { // the label of the group Deltakere
		if got := visible(t, tab, css); got != want {
			t.Errorf("on a wide screen, %s is %s, want %s", css, got, want)
		}
	}
}
