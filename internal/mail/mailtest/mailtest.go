// Package mailtest gives tests of feature stores an outbox on their test database: mail is
// queued in the outbox table as in production, and no worker runs, so a test reads what was
// queued (All) instead of waiting for a delivery.
package mailtest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// Base is the site address of the links in test mail.
var Base = &url.URL{Scheme: "http", Host: "selvhjelp.test"}

// Secret is the SECRET_KEY of Seal.
var Secret = []byte("mailtest's SECRET_KEY, 32 bytes!")

// Seal seals the bodies of test mail, under Secret.
var Seal = func() *mail.Seal {
	s, err := mail.NewSeal(Secret)
	if err != nil {
		panic(err)
	}
	return s
}()

// Outbox returns an outbox that queues on db, with links to Base and bodies sealed with Seal;
// its River client is never started.
func Outbox(t testing.TB, db *pgxpool.Pool) *mail.Outbox {
	t.Helper()
	return OutboxWith(t, db, Base, Seal)
}

// OutboxWith is Outbox with links to base and bodies sealed with seal; register adds the
// workers of jobs the code under test queues (River refuses to insert a kind it cannot run).
func OutboxWith(t testing.TB, db *pgxpool.Pool, base *url.URL, seal *mail.Seal, register ...func(*river.Workers) error) *mail.Outbox {
	t.Helper()
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := mail.Config{Sender: mail.NewDevSender(discard), Seal: seal, Domain: Base.Host, Logger: discard}
	if len(register) > 0 {
		cfg.Register = func(w *river.Workers) error {
			var errs []error
			for _, r := range register {
				errs = append(errs, r(w))
			}
			return errors.Join(errs...)
		}
	}
	c, err := mail.NewClient(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return mail.NewOutbox(c, base, seal)
}

// Queued is one queued message as a test reads it, its bodies opened.
type Queued struct {
	ID      int64
	Channel mail.Channel
	Kind    string
	To      string
	Subject string
	Text    string
	HTML    string
}

// All returns every message in the outbox, oldest first, with the bodies opened with Seal.
func All(t testing.TB, db *pgxpool.Pool) []Queued {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT id FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	list := make([]Queued, len(ids))
	for i, id := range ids {
		m, err := mail.Get(ctx, db, Seal, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Content == mail.ContentLocked {
			t.Fatalf("outbox %d is not sealed with mailtest.Seal", id)
		}
		list[i] = Queued{ID: m.ID, Channel: m.Channel, Kind: string(m.Kind), To: m.To, Subject: m.Subject, Text: m.TextBody, HTML: m.HTMLBody}
	}
	return list
}

// Last returns the newest message to the address to, or fails t when there is none.
func Last(t testing.TB, db *pgxpool.Pool, to string) Queued {
	t.Helper()
	list := All(t, db)
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].To == to {
			return list[i]
		}
	}
	t.Fatalf("no message to %s", to)
	return Queued{}
}

// Expires is the time the mail texts under CheckMessages are built with: a Thursday in winter
// time, 14.30 in Oslo.
var Expires = time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)

// Link is the link they are built with; its & must come out escaped in HTML.
const Link = "https://selvhjelpshuset.no/invitasjon/abc123?x=1&y=2"

// Builders build one kind of mail each, by name, in a language.
type Builders map[string]func(i18n.Lang) mail.Message

var tag = regexp.MustCompile(`<[a-zA-Z/!][^>]*>`)

// CheckMessages renders every kind of mail a feature sends, built with Expires and Link, in
// both languages and fails t unless each has its subject, the link (escaped in HTML, as an
// action) and none in the subject, the time of Expires in Oslo (its date only for the names in dateOnly) and the
// footer in both bodies (the centre's name, address, phone and e-mail as centre.Default() has
// them: the builder leaves Centre unset, and Enqueue fills it from the settings), no untranslated catalogue id, an HTML body that declares its
// language and fetches nothing, and a text body without tags.
func CheckMessages(t *testing.T, builders Builders, dateOnly map[string]bool) {
	t.Helper()
	c := centre.Default()
	footer := map[i18n.Lang][]string{
		i18n.NB: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sendt automatisk", c.PhoneDisplay(), c.Email},
		i18n.EN: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sent automatically", c.PhoneDisplay(), c.Email},
	}
	when := map[i18n.Lang]string{i18n.NB: "torsdag 26. november 2026 kl. 14.30", i18n.EN: "Thursday 26 November 2026 at 14:30"}
	day := map[i18n.Lang]string{i18n.NB: "torsdag 26. november 2026", i18n.EN: "Thursday 26 November 2026"}
	for name, build := range builders {
		rendered := map[i18n.Lang]mail.Rendered{}
		for _, l := range i18n.Langs {
			r, err := mail.Render(build(l))
			if err != nil {
				t.Fatalf("%s %s: %v", name, l, err)
			}
			rendered[l] = r
			at := when[l]
			if dateOnly[name] {
				at = day[l]
			}
			checkRendered(t, name, l, r, append(footer[l], at))
		}
		if rendered[i18n.NB].Subject == rendered[i18n.EN].Subject || rendered[i18n.NB].Text == rendered[i18n.EN].Text {
			t.Errorf("%s: nb and en render the same", name)
		}
	}
}

// checkRendered checks one rendered mail; want must stand in both bodies.
func checkRendered(t *testing.T, name string, l i18n.Lang, r mail.Rendered, want []string) {
	t.Helper()
	if r.Subject == "" {
		t.Errorf("%s %s: no subject", name, l)
	}
	// A subject stays in clear in the outbox (only bodies are sealed): it must hold no link.
	if strings.Contains(r.Subject, "://") || strings.Contains(r.Subject, "/invitasjon/") {
		t.Errorf("%s %s: the subject holds a link: %q", name, l, r.Subject)
	}
	for _, id := range i18n.IDs(l) {
		if strings.Contains(r.Subject+r.Text+r.HTML, id) {
			t.Errorf("%s %s: the id %q is left untranslated", name, l, id)
		}
	}
	for _, body := range []string{r.Text, r.HTML} {
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s %s: body lacks %q:\n%s", name, l, w, body)
			}
		}
	}
	if !strings.Contains(r.Text, Link) {
		t.Errorf("%s %s: text body lacks the link:\n%s", name, l, r.Text)
	}
	if !strings.Contains(r.HTML, `href="https://selvhjelpshuset.no/invitasjon/abc123?x=1&amp;y=2"`) {
		t.Errorf("%s %s: HTML body lacks the action link:\n%s", name, l, r.HTML)
	}
	if !strings.Contains(r.HTML, `<html lang="`+string(l)+`">`) {
		t.Errorf("%s %s: HTML body does not declare its language", name, l)
	}
	if m := tag.FindString(r.Text); m != "" {
		t.Errorf("%s %s: text body has the HTML tag %s", name, l, m)
	}
	for _, bad := range []string{"<img", "<link", "<script", "url(", "src="} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("%s %s: HTML body contains %q", name, l, bad)
		}
	}
}
