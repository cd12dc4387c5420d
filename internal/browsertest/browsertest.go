// Package browsertest drives pages of the real server in headless Chromium and fails a test
// on anything a visitor would be hurt by: an axe-core WCAG 2.0/2.1 A or AA violation, a
// message in the browser console (a CSP violation, a failed request, a script error), or a
// page that scrolls sideways on a 320 px wide phone (WCAG 1.4.10 reflow).
//
// Chromium comes from the machine (Debian's chromium, or CHROMIUM_PATH); make test installs
// it when it is missing. Without it the tests fail with a message saying how to get it: they
// never skip.
package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

//go:embed axe/axe.min.js
var axeSource string

// Browser is one headless Chromium shared by the pages a test visits.
type Browser struct {
	ctx context.Context
}

// New starts Chromium for t and stops it when t ends.
func New(t testing.TB) *Browser {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the tests run as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("browsertest: start Chromium (%s): %v", path, err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return &Browser{ctx: ctx}
}

func chromiumPath() (string, error) {
	for _, name := range []string{os.Getenv("CHROMIUM_PATH"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("browsertest: no Chromium found; install it with 'sudo apt-get install chromium' " +
		"(make test does this when it may) or set CHROMIUM_PATH")
}

// Page is what a visit saw, for further assertions by the test.
type Page struct {
	URL    string
	Status int // the HTTP status of the page itself, as the browser received it
	Title  string
	Lang   string
	Text   string // the visible text of the body
}

// Width of the narrowest phone the pages must fit without sideways scrolling.
const phoneWidth = 320

// Option changes what Visit expects.
type Option func(*visit)

type visit struct {
	status int  // expected HTTP status of the page itself when it is not 200
	mail   bool // the document is the body of an e-mail, not a page (Mail)
}

// Mail says the document is the HTML body of an e-mail, shown inside a mail program's own
// page: axe-core's rules for a page's structure (one main landmark, a level-one heading, all
// content in landmarks) are that program's, and are not run; every other rule is.
func Mail() Option { return func(v *visit) { v.mail = true } }

// pageStructureRules are the axe-core rules about a whole page's structure (see Mail).
var pageStructureRules = []string{"landmark-one-main", "page-has-heading-one", "region"}

// Status says the page answers with code on purpose (a 404 page, say), so the browser's
// console line about that status for the page itself is expected.
func Status(code int) Option { return func(v *visit) { v.status = code } }

// Visit opens url in a new tab, waits for it to load, and fails t on accessibility
// violations, console messages and sideways scrolling at phone width. Set
// BROWSERTEST_SCREENSHOTS to a directory to keep a full-page PNG of every visit.
func (b *Browser) Visit(t testing.TB, url string, opts ...Option) Page {
	t.Helper()
	tab := b.NewTab(t)
	defer tab.Close()
	return tab.Go(t, url, opts...)
}

// Tab is one browser tab, for a test that walks through several pages: a login, a form.
// Tabs of one Browser share cookies.
type Tab struct {
	ctx       context.Context
	cancel    func()
	noScripts bool // the pages run without JavaScript (DisableScripts)
}

// NewTab opens a tab; close it with Close (or leave it to the end of the test).
func (b *Browser) NewTab(t testing.TB) *Tab {
	ctx, cancel := chromedp.NewContext(b.ctx)
	tab := &Tab{ctx: ctx, cancel: cancel}
	t.Cleanup(tab.Close)
	return tab
}

// Close closes the tab.
func (tab *Tab) Close() { tab.cancel() }

// Go opens url in the tab and checks the page as Visit does.
func (tab *Tab) Go(t testing.TB, url string, opts ...Option) Page {
	t.Helper()
	messages := chromedp.Console(tab.ctx)
	if err := tab.do(chromedp.Navigate(url)); err != nil {
		t.Fatalf("browsertest: open %s: %v", url, err)
	}
	return tab.check(t, messages, opts)
}

// DisableScripts turns JavaScript off in the tab's pages, as for a visitor who blocks it.
// Pages load and are used without scripts; only the checks after each visit (axe-core needs
// timers) turn them on for a moment, when the page has loaded and can no longer run its own.
func (tab *Tab) DisableScripts(t testing.TB) {
	t.Helper()
	tab.noScripts = true
	tab.scripts(t, false)
}

func (tab *Tab) scripts(t testing.TB, on bool) {
	t.Helper()
	if _, err := chromedp.Call(tab.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		t.Fatalf("browsertest: turn scripts on=%v: %v", on, err)
	}
}

// Phone narrows the tab to the smallest phone, until the next visit's checks end (they
// leave it at desktop width).
func (tab *Tab) Phone(t testing.TB) {
	t.Helper()
	if err := tab.do(chromedp.EmulateViewport(phoneWidth, 640)); err != nil {
		t.Fatalf("browsertest: phone viewport: %v", err)
	}
}

// Viewport sets the tab's viewport to width × height and waits until the page has been laid
// out at that size (two animation frames), for a test that measures what fits on a screen.
// The next visit's checks leave it at desktop width.
func (tab *Tab) Viewport(t testing.TB, width, height int64) {
	t.Helper()
	if err := tab.do(chromedp.EmulateViewport(width, height), chromedp.Evaluate[chromedp.Void](
		`new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("browsertest: viewport %d×%d: %v", width, height, err)
	}
}

// PressTab presses the Tab key once, as a keyboard user moving to the next field.
func (tab *Tab) PressTab(t testing.TB) {
	t.Helper()
	if err := tab.do(chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatalf("browsertest: press Tab: %v", err)
	}
}

// Fill types value into the field with the id.
func (tab *Tab) Fill(t testing.TB, id, value string) {
	t.Helper()
	clear := chromedp.Evaluate[chromedp.Void](`document.getElementById(` + jsString(id) + `).value = ""`)
	if err := tab.do(clear, chromedp.SendKeys(chromedp.ID(id), value)); err != nil {
		t.Fatalf("browsertest: fill #%s: %v", id, err)
	}
}

// Click clicks the element that css selects, waits for the page it leads to, and checks
// that page as Visit does.
func (tab *Tab) Click(t testing.TB, css string, opts ...Option) Page {
	t.Helper()
	messages := chromedp.Console(tab.ctx)
	ctx, cancel := context.WithTimeout(tab.ctx, 60*time.Second)
	defer cancel()
	// Subscribe before the click, so the load of the next page cannot be missed.
	loads := chromedp.Events(ctx, page.LoadEventFired)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		t.Fatalf("browsertest: click %s: %v", css, err)
	}
	for _, err := range loads {
		if err != nil {
			t.Fatalf("browsertest: after clicking %s: no page loaded: %v", css, err)
		}
		break
	}
	return tab.check(t, messages, opts)
}

// Submit submits the form that css selects as pressing its submit button would (the
// browser's own requestSubmit, with its validation), waits for the page it leads to and
// checks that page as Visit does. When the browser would refuse to send the form (a required
// field left empty, a value that does not fit its field), Submit does not submit: it fails t
// with each field and the browser's own message, and returns false.
func (tab *Tab) Submit(t testing.TB, css string, opts ...Option) (Page, bool) {
	t.Helper()
	from, err := chromedp.Run(tab.ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("browsertest: location: %v", err)
	}
	blocked, err := chromedp.Run(tab.ctx, chromedp.Evaluate[[]string](`(() => {
		const f = document.querySelector(`+jsString(css)+`);
		if (!f) return ["no form " + `+jsString(css)+`];
		if (f.noValidate || f.checkValidity()) return [];
		return [...f.elements].filter(e => e.willValidate && !e.checkValidity())
			.map(e => (e.name || e.id) + ": " + e.validationMessage); })()`))
	if err != nil {
		t.Fatalf("browsertest: %s: validate %s: %v", from, css, err)
	}
	if len(blocked) > 0 {
		t.Errorf("%s: the browser will not submit %s: %s", from, css, strings.Join(blocked, "; "))
		return Page{URL: from}, false
	}
	messages := chromedp.Console(tab.ctx)
	ctx, cancel := context.WithTimeout(tab.ctx, 60*time.Second)
	defer cancel()
	loads := chromedp.Events(ctx, page.LoadEventFired)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(css)+`).requestSubmit()`)); err != nil {
		t.Fatalf("browsertest: %s: submit %s: %v", from, css, err)
	}
	for _, err := range loads {
		if err != nil {
			t.Fatalf("browsertest: %s: after submitting %s no page loaded (a script stopped it?): %v", from, css, err)
		}
		break
	}
	return tab.check(t, messages, opts), true
}

// SetValue sets the value of the field with the id as a script would, for inputs whose
// typing depends on the browser's locale (date and time pickers).
func (tab *Tab) SetValue(t testing.TB, id, value string) {
	t.Helper()
	if err := tab.do(chromedp.Evaluate[chromedp.Void](`document.getElementById(` + jsString(id) + `).value = ` + jsString(value))); err != nil {
		t.Fatalf("browsertest: set #%s: %v", id, err)
	}
}

// Upload chooses the files at paths (absolute) in the file input with the id, as a person
// picking them would.
func (tab *Tab) Upload(t testing.TB, id string, paths ...string) {
	t.Helper()
	if err := tab.do(chromedp.SetUploadFiles(chromedp.ID(id), paths)); err != nil {
		t.Fatalf("browsertest: upload to #%s: %v", id, err)
	}
}

// Press clicks the element that css selects where no new page follows: a check box, say.
func (tab *Tab) Press(t testing.TB, css string) {
	t.Helper()
	if err := tab.do(chromedp.Click(chromedp.CSS(css))); err != nil {
		t.Fatalf("browsertest: press %s: %v", css, err)
	}
}

// Eval runs a JavaScript expression in the page, awaiting a promise, and returns its text.
func (tab *Tab) Eval(t testing.TB, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 60*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: eval %s: %v", expr, err)
	}
	return s
}

// Text returns the text of the first element css selects.
func (tab *Tab) Text(t testing.TB, css string) string {
	t.Helper()
	s, err := chromedp.Run(tab.ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(css)+`).textContent`))
	if err != nil {
		t.Fatalf("browsertest: text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

func (tab *Tab) do(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(tab.ctx, 60*time.Second)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// check reads the loaded page and runs every check on it.
func (tab *Tab) check(t testing.TB, messages iter.Seq2[chromedp.ConsoleMessage, error], opts []Option) Page {
	t.Helper()
	var v visit
	for _, o := range opts {
		o(&v)
	}
	ctx := tab.ctx
	if tab.noScripts {
		tab.scripts(t, true)
		defer tab.scripts(t, false)
	}
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("browsertest: location: %v", err)
	}
	p := Page{URL: url}
	if p.Status, err = chromedp.Run(ctx, chromedp.Evaluate[int](
		`performance.getEntriesByType("navigation").map(e => e.responseStatus)[0] || 0`)); err != nil {
		t.Fatalf("browsertest: %s: status: %v", url, err)
	}
	if p.Title, err = chromedp.Run(ctx, chromedp.Title()); err != nil {
		t.Fatalf("browsertest: %s: title: %v", url, err)
	}
	if p.Lang, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); err != nil {
		t.Fatalf("browsertest: %s: lang: %v", url, err)
	}
	if p.Text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`)); err != nil {
		t.Fatalf("browsertest: %s: text: %v", url, err)
	}
	found := axeFindings{}
	if v.mail {
		found.skip = pageStructureRules
	}
	found.run(ctx, t, url, "1280 px, light")
	screenshot(ctx, t, url, "desktop")
	reflow(ctx, t, url)
	screenshot(ctx, t, url, "phone")
	found.run(ctx, t, url, "320 px, light")
	colorScheme(ctx, t, url, "dark")
	found.run(ctx, t, url, "320 px, dark")
	screenshot(ctx, t, url, "phone-dark")
	desktop(ctx, t, url)
	found.run(ctx, t, url, "1280 px, dark")
	screenshot(ctx, t, url, "desktop-dark")
	colorScheme(ctx, t, url, "")
	found.report(t, url)
	duplicateIDs(ctx, t, url)
	consoleMessages(ctx, t, url, v, messages)
	return p
}

type axeResult struct {
	Violations []struct {
		ID          string `json:"id"`
		Impact      string `json:"impact"`
		Description string `json:"description"`
		HelpURL     string `json:"helpUrl"`
		Nodes       []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
}

// axeTags are the rules axe-core runs on every visit: WCAG 2.0, 2.1 and 2.2 at levels A and
// AA, and axe's best practices (one main landmark, all content in landmarks, headings in
// order, a scrolling region reachable by keyboard …).
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]`

// axeFindings gathers the violations of one page over the widths and colour schemes it is
// checked in, so that a fault seen in all four is reported once, with where it was seen.
type axeFindings struct {
	skip  []string // rules not run
	order []string
	text  map[string]string   // violation and nodes → the message
	where map[string][]string // … → the variants it was seen in
}

// run runs axe-core in the page as it is now shown (variant names the width and colour
// scheme). Scripts evaluated through the DevTools protocol are not subject to the page's CSP,
// so the strict policy stays as it is in production.
func (f *axeFindings) run(ctx context.Context, t testing.TB, url, variant string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`if (!window.axe) {`+axeSource+`}; undefined`)); err != nil {
		t.Fatalf("browsertest: %s: load axe-core: %v", url, err)
	}
	rules := map[string]map[string]bool{}
	for _, id := range f.skip {
		rules[id] = map[string]bool{"enabled": false}
	}
	off, _ := json.Marshal(rules)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](
		`axe.run(document, {runOnly: {type: "tag", values: `+axeTags+`}, rules: `+string(off)+`, resultTypes: ["violations"]})`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: %s: run axe-core (%s): %v", url, variant, err)
	}
	var res axeResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("browsertest: %s: axe result: %v", url, err)
	}
	if f.text == nil {
		f.text, f.where = map[string]string{}, map[string][]string{}
	}
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s", n.Target, n.HTML))
		}
		msg := fmt.Sprintf("accessibility (%s, %s): %s (%s)\n\t%s", v.ID, v.Impact, v.Description, v.HelpURL,
			strings.Join(where, "\n\t"))
		if _, seen := f.text[msg]; !seen {
			f.order = append(f.order, msg)
			f.text[msg] = msg
		}
		f.where[msg] = append(f.where[msg], variant)
	}
}

// report fails t once for each violation found, naming the variants it was seen in.
func (f *axeFindings) report(t testing.TB, url string) {
	t.Helper()
	for _, msg := range f.order {
		t.Errorf("%s [%s]: %s", url, strings.Join(f.where[msg], "; "), msg)
	}
}

// colorScheme shows the page as a browser set to scheme ("dark", or "" for the default,
// light) shows it: the pages follow the system setting.
func colorScheme(ctx context.Context, t testing.TB, url, scheme string) {
	t.Helper()
	var features []*emulation.MediaFeature
	if scheme != "" {
		features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features}); err != nil {
		t.Fatalf("browsertest: %s: colour scheme %q: %v", url, scheme, err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("browsertest: %s: lay out in the colour scheme: %v", url, err)
	}
}

// duplicateIDs fails t on an id used twice. axe leaves duplicate ids "for review"; a
// duplicate id breaks labels, aria references and in-page links, so here it is an error.
func duplicateIDs(ctx context.Context, t testing.TB, url string) {
	t.Helper()
	dups, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const seen = new Set(), dup = new Set();
		for (const e of document.querySelectorAll("[id]")) { if (seen.has(e.id)) dup.add(e.id); seen.add(e.id); }
		return [...dup]; })()`))
	if err != nil {
		t.Fatalf("browsertest: %s: ids: %v", url, err)
	}
	if len(dups) > 0 {
		t.Errorf("%s: accessibility (duplicate-id): the ids %q are used more than once", url, dups)
	}
}

// reflow narrows the viewport to each phone width and fails when the page is wider than it,
// naming the elements that stick out, or when anything scrolls sideways in a box of its own
// that is not marked as a wide table (see [wideTableJS]): a column out of sight there is as
// lost as one off the page.
func reflow(ctx context.Context, t testing.TB, url string) {
	t.Helper()
	for _, w := range phoneWidths {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 640)); err != nil {
			t.Fatalf("browsertest: %s: phone viewport: %v", url, err)
		}
		res, err := chromedp.Run(ctx, chromedp.Evaluate[reflowResult](reflowJS))
		if err != nil {
			t.Fatalf("browsertest: %s: width: %v", url, err)
		}
		if res.Width > w {
			t.Errorf("%s: the page is %d px wide on a %d px phone: it scrolls sideways (WCAG 1.4.10); sticking out:\n\t%s",
				url, res.Width, w, strings.Join(res.Wide, "\n\t"))
		}
		for _, box := range res.Unmarked {
			t.Errorf("%s: at %d px, %s scrolls sideways but is not marked as a wide table "+
				"(role=\"region\", tabindex=\"0\" and a label): make it fit, or mark it", url, w, box)
		}
	}
}

// Reflow checks the page shown in the tab at phone widths as Visit does, without the other
// checks: for a test that shows many pages it made itself (see Show).
func (tab *Tab) Reflow(t testing.TB, label string) {
	t.Helper()
	reflow(tab.ctx, t, label)
	desktop(tab.ctx, t, label)
}

// Settle waits until the page's animations and transitions (a <details> that slides open)
// have finished and it has been laid out: a field that was being revealed can then take focus.
func (tab *Tab) Settle(t testing.TB) {
	t.Helper()
	if err := tab.do(chromedp.Evaluate[chromedp.Void](`Promise.all(document.getAnimations().map(a => a.finished.catch(() => {})))
		.then(() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done()))))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("browsertest: settle: %v", err)
	}
}

// desktop widens the viewport again after reflow and waits until the page has been laid out
// at that width (two animation frames): a click right after must not aim at where a button
// was on the phone.
func desktop(ctx context.Context, t testing.TB, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("browsertest: %s: desktop viewport: %v", url, err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("browsertest: %s: lay out the desktop: %v", url, err)
	}
}

// ShowTab opens a tab at origin (an address of the server, so that the pages' own links,
// their style sheets, are found) for Show. Origin's content security policy is not that of
// the pages shown (a mail's HTML allows inline styles, app pages do not), so the tab sets
// policies aside: it is for measuring, and its console is not read.
func (b *Browser) ShowTab(t testing.TB, origin string) *Tab {
	t.Helper()
	tab := b.NewTab(t)
	if _, err := chromedp.Call(tab.ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("browsertest: bypass CSP: %v", err)
	}
	if err := tab.do(chromedp.Navigate(origin)); err != nil {
		t.Fatalf("browsertest: open %s: %v", origin, err)
	}
	return tab
}

// Show replaces the document of a tab of ShowTab with html, as if its address had answered
// with it, and waits until its style sheets and fonts are in: for pages a test fetched
// itself, such as the answers to posted forms.
func (tab *Tab) Show(t testing.TB, html string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 60*time.Second)
	defer cancel()
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatalf("browsertest: frame: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: html}); err != nil {
		t.Fatalf("browsertest: show a page: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`new Promise(done => {
		const ready = () => document.fonts.ready.then(() => done());
		if (document.readyState === "complete") ready(); else addEventListener("load", ready, {once: true}); })`,
		chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("browsertest: wait for the page: %v", err)
	}
}

// phoneWidths are the narrowest phones the pages must fit without sideways scrolling: 320
// px (WCAG 1.4.10) and the common 360 px.
var phoneWidths = []int64{360, phoneWidth}

type reflowResult struct {
	Width    int64    `json:"width"`
	Wide     []string `json:"wide"`     // the elements that stick out of the page
	Unmarked []string `json:"unmarked"` // boxes that scroll sideways without being wide tables
}

// wideTableJS says whether an element is a clearly marked wide table: a region with a
// label that the keyboard can reach, so it can be scrolled and its name is heard.
const wideTableJS = `e => e.getAttribute("role") === "region" && e.getAttribute("tabindex") === "0" &&
	(e.hasAttribute("aria-label") || e.hasAttribute("aria-labelledby"))`

// reflowJS measures the page at the current width. An element sticks out when its right
// edge is past the page's, its parent's is not and no box around it clips it; form fields
// scroll inside themselves and do not count.
const reflowJS = `(() => {
	const marked = ` + wideTableJS + `;
	const W = document.documentElement.clientWidth;
	const name = e => {
		let s = e.tagName.toLowerCase();
		if (e.id) s += "#" + e.id;
		if (typeof e.className === "string" && e.className.trim()) s += "." + e.className.trim().split(/\s+/).join(".");
		return s + ' "' + (e.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50) + '"';
	};
	const clipped = e => {
		for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
			if (getComputedStyle(a).overflowX !== "visible") return true;
		}
		return false;
	};
	const wide = [], unmarked = [];
	for (const e of document.body.querySelectorAll("*")) {
		if (e.matches("input, textarea, select, option, script, style, template")) continue;
		const st = getComputedStyle(e);
		if ((st.overflowX === "auto" || st.overflowX === "scroll") && e.scrollWidth > e.clientWidth + 1 && !marked(e)) {
			unmarked.push(name(e));
		}
		const r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect();
		if (r.width > 0 && r.right > W + 1 && p.right <= W + 1 && !clipped(e)) wide.push(name(e));
	}
	return {width: document.documentElement.scrollWidth, wide: wide.slice(0, 8), unmarked};
})()`

// consoleEnd marks the end of a visit in the console stream: messages arrive in order, so
// every message the page caused has been read once the marker is.
const consoleEnd = "browsertest: end of visit"

func consoleMessages(ctx context.Context, t testing.TB, url string, v visit, messages iter.Seq2[chromedp.ConsoleMessage, error]) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`console.debug(`+jsString(consoleEnd)+`)`)); err != nil {
		t.Fatalf("browsertest: %s: console marker: %v", url, err)
	}
	for m, err := range messages {
		if err != nil {
			t.Fatalf("browsertest: %s: console: %v", url, err)
		}
		if m.Text == consoleEnd {
			return
		}
		if v.status != 0 && m.URL == url && strings.Contains(m.Text, fmt.Sprintf("status of %d", v.status)) {
			continue // the page's own, expected status
		}
		t.Errorf("%s: browser console %s: %s (%s:%d)", url, m.Type, m.Text, m.URL, m.Line+1)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func screenshot(ctx context.Context, t testing.TB, url, variant string) {
	dir := os.Getenv("BROWSERTEST_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("browsertest: %s: screenshot: %v", url, err)
		return
	}
	name := strings.Trim(strings.NewReplacer("http://", "", "https://", "", "/", "_", ":", "_", "?", "_").Replace(url), "_")
	// #nosec G703 -- the name has no path separators left; dir is the tester's BROWSERTEST_SCREENSHOTS
	if err := os.WriteFile(filepath.Join(dir, name+"-"+variant+".png"), png, 0o600); err != nil {
		t.Errorf("browsertest: save screenshot: %v", err)
	}
}

// a4Width is the printable width of an A4 page with the report's 16 mm margins, in CSS
// pixels (96 per inch): (210 − 2 × 16) mm.
const a4Width = 673

// Printed is what printing the current page gave: the PDF, and the tables or figures wider
// than the printed page (their ids, classes or first text), which would be cut off.
type Printed struct {
	PDF    []byte
	CutOff []string
	// Pages are the pages of the PDF (PDFPages); SVGOverflow the SVG texts drawn outside
	// their SVG's viewBox in print, which would be clipped.
	Pages       []PDFPage
	SVGOverflow []string
}

// svgOverflow lists the <text> elements of every SVG whose box reaches outside the SVG's
// viewBox (or, without one, its width and height): what a chart would cut off.
const svgOverflow = `(() => {
	const out = [];
	for (const svg of document.querySelectorAll("svg")) {
		const vb = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal :
			{x: 0, y: 0, width: svg.width.baseVal.value, height: svg.height.baseVal.value};
		for (const t of svg.querySelectorAll("text")) {
			const b = t.getBBox();
			if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5) {
				out.push(t.textContent);
			}
		}
	}
	return out; })()`

// SVGOverflow lists the texts of the page's SVGs drawn outside their SVG (svgOverflow).
func (tab *Tab) SVGOverflow(t testing.TB) []string {
	t.Helper()
	out, err := chromedp.Run(tab.ctx, chromedp.Evaluate[[]string](svgOverflow))
	if err != nil {
		t.Fatalf("browsertest: measure SVG text: %v", err)
	}
	return out
}

// Print prints the current page to PDF on A4 as the print stylesheet lays it out, and
// measures, in print media at the A4 width, every table and chart against its container.
func (tab *Tab) Print(t testing.TB) Printed {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 60*time.Second)
	defer cancel()
	var p Printed
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("browsertest: print media: %v", err)
	}
	defer chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(a4Width, 900)); err != nil {
		t.Fatalf("browsertest: A4 width: %v", err)
	}
	defer chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900))
	cut, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const out = [];
		for (const e of document.querySelectorAll("table, svg, .table-wrap")) {
			if (e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > document.documentElement.clientWidth + 1) {
				out.push(e.id || e.className.baseVal || e.className || (e.textContent || "").slice(0, 40));
			}
		}
		return out; })()`))
	if err != nil {
		t.Fatalf("browsertest: measure print: %v", err)
	}
	p.CutOff = cut
	if p.SVGOverflow, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](svgOverflow)); err != nil {
		t.Fatalf("browsertest: measure SVG text in print: %v", err)
	}
	preferCSS := true
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &preferCSS})
	if err != nil {
		t.Fatalf("browsertest: print to PDF: %v", err)
	}
	p.PDF = res.Data
	if p.Pages, err = PDFPages(p.PDF); err != nil {
		t.Fatalf("browsertest: read the printed PDF: %v", err)
	}
	return p
}
