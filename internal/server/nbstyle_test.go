package server

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
)

// One Norwegian style (issue 23): a time of day is written kl. 18.00 (Språkrådet), a range
// kl. 18.00–19.30 or, in a table cell, 18.00–19.30; hours have two digits (08.00); a weekday
// is lower-case mid-sentence ("hver tirsdag kl. 18.00").

var (
	// blockTag is a tag that ends a run of text: a heading, a paragraph, a cell, a list item,
	// a label, a line break, an option … Inline tags (a, strong, span, time …) do not: the
	// words on either side of them are one sentence.
	blockTag = regexp.MustCompile(`(?is)<script.*?</script>|<style.*?</style>|</?(?:html|head|title|body|header|footer|main|nav|section|article|aside|div|p|h[1-6]|ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|th|td|caption|form|fieldset|legend|label|button|select|option|textarea|input|br|hr|details|summary|pre|blockquote|figure|figcaption|address)\b[^>]*>`)
	anyTag   = regexp.MustCompile(`<[^>]*>`)
	// notTimes are the only strings with digits and colons or points that are not times of
	// day: a URL (its port, or a value in its query, is for machines) and a date (31.12.2026,
	// which would otherwise read as a time 31.12).
	notTimes = regexp.MustCompile(`https?://\S+|\b\d{1,2}\.\d{1,2}\.\d{4}\b`)
	// colonTime is a time of day written the English way (18:00, 8:00).
	colonTime = regexp.MustCompile(`\b\d{1,2}:\d{2}\b`)
	// shortHour is a time of day with one digit of hours (8.00): not the page's two.
	shortHour = regexp.MustCompile(`(?:^|[^\d.])\d\.[0-5]\d\b`)
	// klock is "kl." and what follows it, which must be a time HH.MM.
	klock     = regexp.MustCompile(`\bkl\.(.{0,6})`)
	klockTime = regexp.MustCompile(`^[ \x{a0}\x{202f}]\d{2}\.[0-5]\d`)
	// capitalWeekday is a weekday with a capital letter, and what comes before it.
	capitalWeekday = regexp.MustCompile(`(^|.{0,3})\b(?:Mandag|Tirsdag|Onsdag|Torsdag|Fredag|Lørdag|Søndag)(?:er|ene|en|s)?\b`)
	// sentenceStart is what may come before a word that begins a sentence, or a fact of its
	// own: the end of a sentence, or a middle dot, which parts facts the way cells of a row
	// are parted ("Pårørendegruppa · Mandager kl. 18.00–19.30 · 2 forslag").
	sentenceStart = regexp.MustCompile(`(?:^|[.!?]["»)]?\s+|·\s+|^\W*)$`)
)

// otherLabels are the words once used for the action "Meld interesse" (register interest in a
// theme): one action has one label.
var otherLabels = []string{"Jeg finner ingen gruppe som passer", "Si fra at du ønsker"}

// textRuns splits a page into the runs of text a person reads as one: the text between two
// block tags, and each attribute a browser shows or reads out.
func textRuns(page string) []string {
	var runs []string
	for _, m := range spoken.FindAllStringSubmatch(page, -1) {
		runs = append(runs, html.UnescapeString(m[1]))
	}
	for _, block := range blockTag.Split(page, -1) {
		text := strings.Join(strings.Fields(html.UnescapeString(anyTag.ReplaceAllString(block, ""))), " ")
		if text != "" {
			runs = append(runs, text)
		}
	}
	return runs
}

// nbStyleProblems returns what in the runs of text breaks the one Norwegian style.
func nbStyleProblems(runs []string) []string {
	var out []string
	for _, run := range runs {
		text := notTimes.ReplaceAllString(run, " ")
		if m := colonTime.FindString(text); m != "" {
			out = append(out, "time "+m+" with a colon: "+excerpt(run, m))
		}
		if m := shortHour.FindString(text); m != "" {
			out = append(out, "time "+strings.TrimLeft(m, " ")+" with one digit of hours: "+excerpt(run, m))
		}
		for _, m := range klock.FindAllStringSubmatch(text, -1) {
			if !klockTime.MatchString(m[1]) {
				out = append(out, `"kl." not followed by HH.MM: `+excerpt(run, m[0]))
			}
		}
		for _, label := range otherLabels {
			if strings.Contains(run, label) {
				out = append(out, "another label for Meld interesse: "+excerpt(run, label))
			}
		}
		for _, i := range capitalWeekday.FindAllStringSubmatchIndex(run, -1) {
			if !sentenceStart.MatchString(run[:i[3]]) {
				out = append(out, "a capital weekday mid-sentence: "+excerpt(run, run[i[3]:i[1]]))
			}
		}
	}
	return out
}

// excerpt is the words of run around what.
func excerpt(run, what string) string {
	i := strings.Index(run, what)
	if i < 0 {
		return run
	}
	from, to := max(i-50, 0), min(i+len(what)+50, len(run))
	return "…" + strings.ToValidUTF8(run[from:to], "") + "…"
}

// The check reads each way of breaking the style, and passes the style itself.
func TestNbStyleProblems(t *testing.T) {
	t.Parallel()
	good := `<html><head><title>Tirsdag 18.00</title></head><body><h1>Tirsdagsgruppa</h1>` +
		`<p>Gruppa møtes hver <strong>tirsdag</strong> kl. 18.00–19.30. Torsdag er huset stengt.</p>` +
		`<table><tr><td>Mandag</td><td>08.00–16.00</td><td>31.12.2026 kl. 09.30</td></tr></table>` +
		`<p>Se https://selvhjelp.no/a?t=18:00 og http://127.0.0.1:8080.</p>` +
		`<p>Fra 1.12.2026: åpent. Søndag stengt!</p><p>Gruppa · Mandager kl. 18.00</p><script>var t = "18:00 Mandag"</script></body></html>`
	if got := nbStyleProblems(textRuns(good)); len(got) > 0 {
		t.Errorf("problems in a page in the style: %q", got)
	}
	for _, bad := range []string{`<p>hver tirsdag kl. 18:00</p>`, `<td>18:00–19:30</td>`, `<p>fra 8.00</p>`,
		`<p>klokka kl. 8.00</p>`, `<p>kl. 18</p>`, `<p>hver Tirsdag kl. 18.00</p>`, `<p>Neste møte: Onsdag</p>`,
		`<p>Gruppa møtes <strong>Fredag</strong> kl. 18.00</p>`, `<a title="åpent Lørdag">x</a>`, `<a>Jeg finner ingen gruppe som passer</a>`} {
		if got := nbStyleProblems(textRuns(`<html><body>` + bad + `</body></html>`)); len(got) == 0 {
			t.Errorf("%s: no problem found", bad)
		}
	}
}

// Must show (issue 23): one Norwegian style. Every page the HTML check visits in Norwegian
// (every GET route, the error states, the answers to forms) and every Norwegian mail and SMS
// the flows made is read as a person reads it; a time of day written another way than
// kl. 18.00 / 18.00–19.30 (18:00, 8.00, "kl." without a time), or a weekday with a capital
// letter in the middle of a sentence, or another label for "Meld interesse", fails.
func TestNorwegianPagesWriteTimesAndWeekdaysOneWay(t *testing.T) {
	t.Parallel()
	site := newHTMLSite(t)
	pages, mails, problems := 0, 0, 0
	report := func(where string, found []string) {
		for _, p := range found {
			t.Errorf("%s: %s", where, p)
		}
		problems += len(found)
	}
	for _, p := range site.pages(t, site.app.srv.Handler().(chi.Routes)) {
		if p.prepare != nil {
			p.prepare(t, &p)
		}
		body, ok := site.fetch(t, p)
		if !ok || strings.HasSuffix(p.who, " (en)") {
			continue
		}
		pages++
		report(p.method+" "+p.path+" as "+p.who, nbStyleProblems(textRuns(body)))
	}
	rows, err := site.app.db.Query(context.Background(),
		`SELECT id, channel, coalesce(subject, ''), coalesce(text_body, ''), coalesce(html_body, '') FROM outbox WHERE lang = 'nb' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type sent struct {
		ID                                   int64
		Channel, Subject, TextBody, HTMLBody string
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[sent])
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		mails++
		runs := append([]string{m.Subject}, strings.Split(m.TextBody, "\n")...)
		runs = append(runs, textRuns(m.HTMLBody)...)
		report(m.Channel+" "+itoa(m.ID)+" ("+m.Subject+")", nbStyleProblems(runs))
	}
	t.Logf("%d Norwegian pages and %d Norwegian mails and SMS read; %d problems", pages, mails, problems)
	if pages < 100 || mails < 5 {
		t.Errorf("only %d pages and %d mails read", pages, mails)
	}
}
