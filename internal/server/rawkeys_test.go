package server

import (
	"context"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

var (
	// spoken are the attributes a browser shows or reads out.
	spoken = regexp.MustCompile(`(?i)\s(?:alt|title|aria-label|placeholder)="([^"]*)"`)
	// keyLike is a dotted identifier: "dashboard.ready", "house.closures.booked". Addresses and
	// host names are dotted too; keyLooking tells them apart.
	keyLike = regexp.MustCompile(`[\w@/:-]*\b[a-z][a-zA-Z0-9_-]*(?:\.[a-zA-Z0-9_-]+)+\b[\w/@]*`)
)

// shownText is the text of page a person sees or hears: its visible text and the attributes
// a browser shows or reads out.
func shownText(page string) string {
	var b strings.Builder
	for _, m := range spoken.FindAllStringSubmatch(page, -1) {
		b.WriteString(html.UnescapeString(m[1]) + "\n")
	}
	b.WriteString(visibleText(page))
	return b.String()
}

// keyLooking returns the strings of text that look like message ids: a dotted identifier that
// is an id of the catalogue, or begins like one ("dashboard." of an id that is missing). An
// e-mail address, a URL or a host name ("post@link.no", "https://…", "link.no") is not.
func keyLooking(text string, ids, prefixes []string) []string {
	var out []string
	for _, m := range keyLike.FindAllString(text, -1) {
		if strings.ContainsAny(m, "@/:") {
			continue
		}
		first, _, _ := strings.Cut(m, ".")
		if slices.Contains(ids, m) || slices.Contains(prefixes, first) {
			out = append(out, m)
		}
	}
	return out
}

// idPrefixes are the first parts of the catalogue's ids: "dashboard", "house", "devmailbox" …
func idPrefixes(ids []string) []string {
	var out []string
	for _, id := range ids {
		first, _, _ := strings.Cut(id, ".")
		if !slices.Contains(out, first) {
			out = append(out, first)
		}
	}
	return out
}

// keyLooking finds ids and would-be ids, and leaves addresses and host names alone.
func TestKeyLooking(t *testing.T) {
	t.Parallel()
	ids := []string{"dashboard.ready", "house.closures.booked", "devmailbox.kind.signup"}
	text := shownText(`<html><head><title>Forside</title></head><body><p>Nok: dashboard.ready.</p>` +
		`<p title="house.closures.booked">x</p><p>devmailbox.kind.room_request</p><script>var a = "dashboard.ready"</script>` +
		`<p>post@link.no, https://selvhjelp.no/a.b, link.no, kl. 18.00, årsmelding.csv</p></body></html>`)
	got := keyLooking(text, ids, idPrefixes(ids))
	want := []string{"house.closures.booked", "dashboard.ready", "devmailbox.kind.room_request"}
	if !slices.Equal(got, want) {
		t.Errorf("keyLooking = %q, want %q", got, want)
	}
}

// Must show (issue 22): no page shows a raw message id. Every page the HTML check visits (every
// GET route, in both languages, and the error states and answers to forms) is read as a person
// sees it, and a dotted identifier that is an id of the catalogue, or begins like one, fails.
func TestNoPageShowsAMessageID(t *testing.T) {
	t.Parallel()
	site := newHTMLSite(t)
	ids := slices.Concat(i18n.IDs(i18n.NB), i18n.IDs(i18n.EN))
	prefixes := idPrefixes(ids)
	checked := 0
	for _, p := range site.pages(t, site.app.srv.Handler().(chi.Routes)) {
		if p.prepare != nil {
			p.prepare(t, &p)
		}
		body, ok := site.fetch(t, p)
		if !ok {
			continue
		}
		checked++
		if keys := keyLooking(shownText(body), ids, prefixes); len(keys) > 0 {
			t.Errorf("%s %s as %s shows message ids: %q", p.method, p.path, p.who, keys)
		}
	}
	// Every mail the flows made, as the dev mailbox shows it (text and HTML): a mail is a
	// page someone reads too.
	rows, err := site.app.db.Query(context.Background(), `SELECT id FROM outbox WHERE channel = 'email' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	mails, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(mails) < 5 {
		t.Fatalf("%d mails, %v", len(mails), err)
	}
	for _, id := range mails {
		for _, path := range []string{"/dev/mailbox/" + itoa(id), "/dev/mailbox/" + itoa(id) + "/html"} {
			if _, body := site.clients["anonymous"].get(path); len(keyLooking(shownText(body), ids, prefixes)) > 0 {
				t.Errorf("%s shows message ids: %q", path, keyLooking(shownText(body), ids, prefixes))
			}
			checked++
		}
	}
	if checked < 100 {
		t.Errorf("only %d pages checked", checked)
	}
}

// mailKind is a kind of mail declared in internal/mail: `KindOffer Kind = "offer"`.
var mailKind = regexp.MustCompile(`\bKind\w*\s+Kind\s*=\s*"([a-z_]+)"`)

// The dev mailbox and SMS inbox name every kind of message (issue 22: one showed its raw id):
// each kind declared in internal/mail has its devmailbox.kind.<kind> in both languages. A mail
// of a new kind need not be made by the page walk above to be caught here.
func TestDevMailboxNamesEveryKind(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "mail", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mailKind.FindAllStringSubmatch(string(src), -1) {
			kinds = append(kinds, m[1])
		}
	}
	if len(kinds) < 15 {
		t.Fatalf("found %d kinds of mail (%q): the pattern no longer matches internal/mail", len(kinds), kinds)
	}
	for _, l := range i18n.Langs {
		for _, k := range kinds {
			if !slices.Contains(i18n.IDs(l), "devmailbox.kind."+k) {
				t.Errorf("%s: the dev mailbox has no name for the kind %q (devmailbox.kind.%s)", l, k, k)
			}
		}
	}
}
