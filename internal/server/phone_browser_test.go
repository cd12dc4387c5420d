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

func evalJSON(t *testing.T, tab *browsertest.Tab, js string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(tab.Eval(t, js)), v); err != nil {
		t.Fatal(err)
	}
}
