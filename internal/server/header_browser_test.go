package server

import (
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// Every link of the header shows keyboard focus with a 3px outline, not only the browser's
// thin ring (issue 23).
func TestHeaderLinksShowFocus(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	tab := browsertest.New(t).NewTab(t)
	tab.Go(t, app.URL+"/")
	got := tab.Eval(t, `(() => {
		const links = [...document.querySelectorAll(".site-header a")];
		if (links.length < 5) return "only " + links.length + " links in the header";
		const bad = [];
		for (const a of links) {
			a.focus();
			const s = getComputedStyle(a);
			if (!a.matches(":focus-visible") || s.outlineStyle !== "solid" || s.outlineWidth !== "3px") {
				bad.push(a.getAttribute("href") + ": " + s.outlineStyle + " " + s.outlineWidth);
			}
		}
		return bad.length ? bad.join("; ") : "ok";
	})()`)
	if got != "ok" {
		t.Errorf("header links without a visible focus style: %s", got)
	}
}
