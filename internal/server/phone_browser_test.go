package server

import (
	"encoding/json"
	"net/http"
	"strconv"
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
	// On the smallest phone every day and every part of the day is in sight, evening too.
	tab.Viewport(t, 320, 640)
	hidden := tab.Eval(t, `[...document.querySelectorAll("input[name=days], input[name=parts]")].filter(e => {
		const r = e.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > 320; }).map(e => e.id).join(" ")`)
	if n := tab.Eval(t, `String(document.querySelectorAll("input[name=days], input[name=parts]").length)`); n != "10" || hidden != "" {
		t.Errorf("at 320 px: %s boxes for days and parts, out of sight: %q", n, hidden)
	}
}

func evalJSON(t *testing.T, tab *browsertest.Tab, js string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(tab.Eval(t, js)), v); err != nil {
		t.Fatal(err)
	}
}

// checkboxErrorJS measures a required check box in its error state: its message must stand
// above the box, and the label right beside the box on the same line.
const checkboxErrorJS = `(name => {
	const r = id => document.getElementById(id).getBoundingClientRect();
	const m = r("felt-" + name + "-feil"), box = r("felt-" + name), l = document.querySelector("label[for=felt-" + name + "]").getBoundingClientRect();
	const problems = [];
	if (m.bottom > box.top + 1) problems.push("the message ends at " + m.bottom + ", below the box's top " + box.top);
	if (l.left < box.right || l.left - box.right > 24) problems.push("the label starts " + (l.left - box.right) + " px from the box");
	if (l.top > box.bottom || l.bottom < box.top) problems.push("the label is not on the box's line");
	return problems.join("; ");
})`

// Submitting the sign-up form empty: e-mail and phone are one question with one message, the
// 18+ and consent messages stand above their boxes, and each link of the error summary moves
// focus to a field.
func TestSignupErrorsInTheBrowser(t *testing.T) {
	t.Parallel()
	app, _ := newDemoApp(t)
	tab := browsertest.New(t).NewTab(t)
	tab.Go(t, app.URL+"/tema/angst/interesse")
	tab.Click(t, "form.signup button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	for _, name := range []string{"adult", "consent"} {
		if p := tab.Eval(t, checkboxErrorJS+`("`+name+`")`); p != "" {
			t.Errorf("%s: %s", name, p)
		}
	}
	group := tab.Eval(t, `(() => { const f = document.querySelector("fieldset.contact-ways");
		return f ? f.querySelector("legend").textContent + "|" + f.querySelectorAll(".ds-validation-message").length + "|" + f.querySelectorAll(".optional").length : ""; })()`)
	if group != "Hvordan kan vi nå deg? Fyll ut minst én.|1|0" {
		t.Errorf("e-mail and phone: legend|messages|optional marks = %q; want one group with one message and no optional mark", group)
	}
	n, _ := strconv.Atoi(tab.Eval(t, `String(document.querySelectorAll("#feiloppsummering a").length)`))
	if n < 3 {
		t.Fatalf("%d links in the error summary", n)
	}
	for i := range n {
		link := `document.querySelectorAll("#feiloppsummering a")[` + strconv.Itoa(i) + `]`
		tab.Eval(t, link+`.scrollIntoView(); ""`)
		tab.Press(t, "#feiloppsummering li:nth-child("+strconv.Itoa(i+1)+") a")
		if got := tab.Eval(t, `(() => { const a = `+link+`, e = document.activeElement;
			return ["INPUT", "SELECT", "TEXTAREA"].includes(e.tagName) && "#" + e.id === a.getAttribute("href") ? "" : a.getAttribute("href") + " focused " + e.tagName + "#" + e.id; })()`); got != "" {
			t.Errorf("error summary link %d: %s", i, got)
		}
	}
}
