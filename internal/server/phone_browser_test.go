package server

import (
	"encoding/json"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// firstCardJS measures, at the top of the page, where the first group card of the catalogue
// ends and how tall the page is, in CSS pixels.
const firstCardJS = `(() => {
	window.scrollTo(0, 0);
	const card = document.querySelector("main .group-card");
	return JSON.stringify({bottom: card ? Math.ceil(card.getBoundingClientRect().bottom) : -1,
		height: document.documentElement.scrollHeight});
})()`

// Must show: on a 360 × 740 phone the first group of the catalogue, on the demo data, is seen
// whole without scrolling.
func TestCatalogueFirstGroupFitsAPhoneScreen(t *testing.T) {
	t.Parallel()
	app, _ := newDemoApp(t)
	tab := browsertest.New(t).NewTab(t)
	for _, path := range []string{"/grupper", "/grupper?tema=angst&ledig=1"} {
		tab.Go(t, app.URL+path)
		tab.Viewport(t, 360, 740)
		var got struct{ Bottom, Height int }
		evalJSON(t, tab, firstCardJS, &got)
		t.Logf("%s at 360×740: first card ends at %d px, the page is %d px tall", path, got.Bottom, got.Height)
		if got.Bottom < 0 || got.Bottom > 740 {
			t.Errorf("%s: the first group card ends at %d px, below a 740 px screen (or is missing: -1)", path, got.Bottom)
		}
	}
}

// focusBeforeFormJS puts focus just before the form, so that the next Tab lands on its first
// field.
const focusBeforeFormJS = `(() => {
	const f = document.querySelector("form.signup");
	f.tabIndex = -1; f.focus(); f.removeAttribute("tabindex");
	return "";
})()`

// tabStops presses Tab through the sign-up form on the tab's page as a keyboard user would and
// counts the stops inside it.
func tabStops(t *testing.T, tab *browsertest.Tab) int {
	t.Helper()
	tab.Eval(t, focusBeforeFormJS)
	n := 0
	for ; n < 200; n++ {
		tab.PressTab(t)
		if tab.Eval(t, `String(!!document.activeElement.closest("form.signup"))`) != "true" {
			return n
		}
	}
	t.Fatalf("Tab never leaves the form")
	return n
}

// Must show: the sign-up form, for a group and for interest in a theme, has at most 20 tab
// stops, counted by pressing Tab through it in the browser.
func TestSignupFormTabStops(t *testing.T) {
	t.Parallel()
	app, _ := newDemoApp(t)
	tab := browsertest.New(t).NewTab(t)
	for _, path := range []string{"/grupper/angst-tirsdag-kveld/meld-pa", "/tema/angst/interesse"} {
		tab.Go(t, app.URL+path)
		n := tabStops(t, tab)
		t.Logf("%s: %d tab stops", path, n)
		if n > 20 {
			t.Errorf("%s: the form has %d tab stops; at most 20", path, n)
		}
	}
}

func evalJSON(t *testing.T, tab *browsertest.Tab, js string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(tab.Eval(t, js)), v); err != nil {
		t.Fatal(err)
	}
}
