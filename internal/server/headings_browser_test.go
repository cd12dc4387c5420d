package server

import (
	"regexp"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// brokenWordsJS lists the words of the page's headings that a line break cuts in two: a word
// whose letters lie on more than one line.
const brokenWordsJS = `(() => {
	const out = [];
	for (const h of document.querySelectorAll('h1, h2, h3, h4, .ds-heading')) {
		const walk = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			for (const m of n.data.matchAll(/\S+/g)) {
				const r = document.createRange();
				r.setStart(n, m.index);
				r.setEnd(n, m.index + m[0].length);
				if (new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1) out.push(m[0]);
			}
		}
	}
	return out.join(' ');
})()`

// firstHeading is the text of a page's h1.
var firstHeading = regexp.MustCompile(`(<h1[^>]*>)[^<]*(</h1>)`)

// An event's heading at 320 px breaks between words, not inside "selvhjelpsgruppe" (issue 23:
// it broke as "selvhjelpsgrupp / e", because headings could break anywhere). A word longer
// than the line still breaks (the phone check of every page holds that nothing sticks out).
func TestHeadingsBreakBetweenWordsOnAPhone(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	_, body := app.client(t).get("/kontakt")
	title := "Introduksjonsmøte for deg som vil starte en selvhjelpsgruppe"
	page := firstHeading.ReplaceAllString(body, "${1}"+title+"${2}")
	if !strings.Contains(page, title) {
		t.Fatal("the page has no h1 to put the event's title in")
	}
	tab := browsertest.New(t).ShowTab(t, app.URL+"/kontakt")
	tab.Show(t, page)
	tab.Phone(t)
	if broken := tab.Eval(t, brokenWordsJS); broken != "" {
		t.Errorf("at 320 px a heading breaks inside the words %q", broken)
	}
}
