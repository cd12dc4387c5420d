package server

import (
	"strconv"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// Must show: the report of last year and of this year, printed by Chromium as Ctrl+P prints
// it (print media, A4, the print stylesheet), has no page that holds nothing but the running
// footer (no blank last page), carries the report's name and year on every page and a page
// number on every page, and no chart label reaches outside its chart, on screen or in print;
// a label too long for the chart wraps instead.
func TestReportPrintsWithoutBlankPagesOrCutLabels(t *testing.T) {
	t.Parallel()
	app, _, email, year := reportSheetsApp(t)
	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, email)
	for _, y := range []int{year, year + 1} {
		page := tab.Go(t, app.URL+"/admin/rapport/"+strconv.Itoa(y))
		if out := tab.SVGOverflow(t); len(out) > 0 {
			t.Errorf("%d: chart text outside its chart on screen: %q", y, out)
		}
		if y == year && tab.Eval(t, `String(document.querySelectorAll("svg.chart tspan[dy='17']").length)`) == "0" {
			t.Errorf("%d: no chart label wrapped, though %q is long", y, "Fra fastlege eller annet helsepersonell")
		}
		printed := tab.Print(t)
		if len(printed.SVGOverflow) > 0 || len(printed.CutOff) > 0 {
			t.Errorf("%d: printed, chart text outside its chart %q, cut off %q", y, printed.SVGOverflow, printed.CutOff)
		}
		// The same pages with the running footer hidden: each page loses the footer's runs.
		tab.Eval(t, `(() => { document.querySelector(".print-footer").style.display = "none"; return ""; })()`)
		bare := tab.Print(t).Pages
		// Only the footer and the page number: what a blank page of the report holds.
		tab.Eval(t, `(() => { document.querySelector(".print-footer").style.display = "";
			for (const e of document.querySelectorAll(".report > :not(.print-footer)")) e.remove(); return ""; })()`)
		footerOnly := tab.Print(t).Pages
		tab.Eval(t, `(() => { document.querySelector(".print-footer").remove(); return ""; })()`)
		empty := tab.Print(t).Pages
		if len(footerOnly) != 1 || len(empty) != 1 || empty[0].TextRuns == 0 {
			t.Fatalf("%d: an empty report prints %d pages (%d with its footer), the page number drawn in %+v", y, len(empty), len(footerOnly), empty)
		}
		footer, number := footerOnly[0].TextRuns-empty[0].TextRuns, empty[0].TextRuns
		if footer <= 0 || len(bare) != len(printed.Pages) {
			t.Fatalf("%d: the footer draws %d runs; %d pages without it, %d with", y, footer, len(bare), len(printed.Pages))
		}
		for i, p := range printed.Pages {
			if p.TextRuns <= footer+number {
				t.Errorf("%d: page %d of %d holds only the footer and its number (%d text runs): a blank page", y, i+1, len(printed.Pages), p.TextRuns)
			}
			if p.TextRuns-bare[i].TextRuns != footer {
				t.Errorf("%d: page %d lacks the running footer (%d runs with it, %d without)", y, i+1, p.TextRuns, bare[i].TextRuns)
			}
		}
		t.Logf("%d: %d pages printed, %s", y, len(printed.Pages), page.Title)
	}
}
