package server

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	startTag = regexp.MustCompile(`<[a-zA-Z][a-zA-Z0-9-]*(?:\s[^>]*)?>`)
	tagAttr  = regexp.MustCompile(`\s([a-zA-Z][a-zA-Z0-9_:-]*)(?:="([^"]*)")?`)
	idAttr   = regexp.MustCompile(`\sid="([^"]+)"`)
)

// scrollRegionProblems lists the boxes of body that scroll sideways (class table-wrap,
// which WideTable makes too) but cannot be reached and named by keyboard and screen reader
// (axe scrollable-region-focusable, WCAG 2.1.1): each must have tabindex="0",
// role="region" and a name, aria-label or aria-labelledby pointing at an element of the page.
func scrollRegionProblems(body string) []string {
	ids := map[string]bool{}
	for _, m := range idAttr.FindAllStringSubmatch(body, -1) {
		ids[m[1]] = true
	}
	var out []string
	for _, tag := range startTag.FindAllString(body, -1) {
		attrs := map[string]string{}
		for _, m := range tagAttr.FindAllStringSubmatch(strings.TrimSuffix(tag, ">"), -1) {
			attrs[strings.ToLower(m[1])] = m[2]
		}
		if !slices.Contains(strings.Fields(attrs["class"]), "table-wrap") {
			continue
		}
		var missing []string
		if v, ok := attrs["tabindex"]; !ok || v != "0" {
			missing = append(missing, `tabindex="0"`)
		}
		if attrs["role"] != "region" {
			missing = append(missing, `role="region"`)
		}
		named := strings.TrimSpace(attrs["aria-label"]) != ""
		for _, id := range strings.Fields(attrs["aria-labelledby"]) {
			named = named || ids[id]
		}
		if !named {
			missing = append(missing, "a name (aria-label, or aria-labelledby an id of the page)")
		}
		if len(missing) > 0 {
			out = append(out, tag+" lacks "+strings.Join(missing, ", "))
		}
	}
	return out
}

// The check itself: a box is accepted only with all three, and a name that names something.
func TestScrollRegionProblems(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		html string
		ok   bool
	}{
		{`<div class="table-wrap" role="region" tabindex="0" aria-label="Loggen"><table></table></div>`, true},
		{`<h2 id="t">Logg</h2><div tabindex="0" class="x table-wrap" role="region" aria-labelledby="t">`, true},
		{`<div class="table-wrapper"><table></table></div>`, true},
		{`<div class="table-wrap"><table></table></div>`, false},
		{`<div class="table-wrap" role="region" aria-label="Loggen">`, false},
		{`<div class="table-wrap" tabindex="-1" role="region" aria-label="Loggen">`, false},
		{`<div class="table-wrap" tabindex="0" aria-label="Loggen">`, false},
		{`<div class="table-wrap" tabindex="0" role="region">`, false},
		{`<div class="table-wrap" tabindex="0" role="region" aria-label=" ">`, false},
		{`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="borte">`, false},
	} {
		if got := scrollRegionProblems(c.html); (len(got) == 0) != c.ok {
			t.Errorf("%s: problems %q, want ok=%v", c.html, got, c.ok)
		}
	}
}
