package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// queueMail puts an invitation for to in the outbox, as a handler would, and returns its id.
func queueMail(t *testing.T, a *testApp, to, name string) int64 {
	t.Helper()
	var id int64
	err := pgx.BeginFunc(context.Background(), a.db, func(tx pgx.Tx) (err error) {
		m := auth.InvitationMessage(i18n.NB, name, "http://selvhjelp.test/invitasjon/abc123?a=1&b=2", time.Now().Add(72*time.Hour))
		m.To = to
		id, err = a.srv.outbox.Enqueue(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A developer finds the mail the app made, opens it, and can click its link; the HTML body
// opens on its own, sandboxed.
func TestDevMailbox(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil)
	c := a.client(t)
	if res, body := c.get("/dev/mailbox"); res.StatusCode != http.StatusOK || !strings.Contains(body, "ikke laget noen e-post") {
		t.Errorf("empty mailbox = %d\n%s", res.StatusCode, body)
	}
	id := queueMail(t, a, "kari@example.org", "<b>Kari</b>")
	path := fmt.Sprintf("/dev/mailbox/%d", id)

	res, body := c.get("/dev/mailbox")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "kari@example.org") ||
		!strings.Contains(body, `href="`+path+`"`) || !strings.Contains(body, "Du har fått tilgang til Selvhjelpshuset") {
		t.Errorf("mailbox = %d\n%s", res.StatusCode, body)
	}

	res, body = c.get(path)
	for _, want := range []string{
		"kari@example.org", "Invitasjon", "Venter",
		`<a class="ds-link" href="http://selvhjelp.test/invitasjon/abc123?a=1&amp;b=2">`,
		"Hei, &lt;b&gt;Kari&lt;/b&gt;!", // the text body, escaped on the page
		`href="` + path + `/html"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("message page lacks %q", want)
		}
	}
	if res.StatusCode != http.StatusOK || strings.Contains(body, "<b>Kari</b>") {
		t.Errorf("message page = %d, or shows markup from the mail:\n%s", res.StatusCode, body)
	}

	res, body = c.get(path + "/html")
	csp := res.Header.Get("Content-Security-Policy")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "default-src 'none'") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.HasPrefix(body, "<!doctype html>") {
		t.Errorf("HTML body = %d, CSP %q\n%s", res.StatusCode, csp, body)
	}

	for _, p := range []string{fmt.Sprintf("/dev/mailbox/%d", id+1000), "/dev/mailbox/abc", fmt.Sprintf("/dev/mailbox/%d/html", id+1000)} {
		if res, _ := c.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, res.StatusCode)
		}
	}
}

// queueSMS puts an SMS to the number to in the outbox, as Reach would, and returns its id.
func queueSMS(t *testing.T, a *testApp, to, text string) int64 {
	t.Helper()
	var id int64
	err := pgx.BeginFunc(context.Background(), a.db, func(tx pgx.Tx) (err error) {
		id, err = a.srv.outbox.EnqueueSMS(context.Background(), tx, mail.SMS{To: to, Lang: i18n.NB, Kind: mail.KindOffer, Text: text})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The SMS inbox lists the SMS, newest first a page at a time, with number, kind, text,
// segments and state; the mailbox lists only e-mail, and each links to the other.
func TestDevSMSInbox(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil)
	c := a.client(t)
	if res, body := c.get("/dev/sms"); res.StatusCode != http.StatusOK || !strings.Contains(body, "ikke laget noen SMS") ||
		!strings.Contains(body, `href="/dev/mailbox"`) {
		t.Errorf("empty SMS inbox = %d\n%s", res.StatusCode, body)
	}
	queueMail(t, a, "kari@example.org", "Kari")
	for i := range perPage + 1 {
		queueSMS(t, a, fmt.Sprintf("+47912345%02d", i), fmt.Sprintf("Melding nummer %02d: du har fått plass.", i))
	}
	failed := queueSMS(t, a, "+4791234599", "Hei – en lang tankestrek gjør teksten til UCS-2")
	if _, err := a.db.Exec(context.Background(), `UPDATE outbox SET failed_at = now(), attempts = 1,
		last_error = 'sms: rejected by the provider: HTTP 400: error 21211: not valid' WHERE id = $1`, failed); err != nil {
		t.Fatal(err)
	}
	res, body := c.get("/dev/sms")
	for _, want := range []string{"+4791234599", "Hei – en lang tankestrek", "2 (UCS-2)", "Avvist", "error 21211",
		"Melding nummer 25", "1 (GSM-7)", "Venter", "Tilbud om plass", "Hilsen", `href="/dev/sms?side=2"`, `href="/dev/mailbox"`} {
		if !strings.Contains(body, want) {
			t.Errorf("SMS inbox lacks %q", want)
		}
	}
	if res.StatusCode != http.StatusOK || strings.Contains(body, "kari@example.org") || strings.Contains(body, "Melding nummer 00") {
		t.Errorf("SMS inbox = %d: shows an e-mail or the oldest SMS on page 1\n%s", res.StatusCode, body)
	}
	if res, _ := c.get(fmt.Sprintf("/dev/mailbox/%d", failed)); res.StatusCode != http.StatusNotFound {
		t.Errorf("an SMS in the mailbox's message page = %d; want 404", res.StatusCode)
	}
	if _, second := c.get("/dev/sms?side=2"); !strings.Contains(second, "Melding nummer 00") || strings.Contains(second, "+4791234599") {
		t.Errorf("page 2 of the SMS inbox does not hold the oldest")
	}
	res, body = c.get("/dev/mailbox")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "kari@example.org") || strings.Contains(body, "+47912345") ||
		!strings.Contains(body, `href="/dev/sms"`) || strings.Contains(body, `href="/dev/mailbox?side=2"`) {
		t.Errorf("mailbox = %d: lists SMS or lacks the link to them\n%s", res.StatusCode, body)
	}
}

// Once a message is sent through SMTP or the SMS provider its content is gone, and the
// mailbox says so; a message sealed under a key this server does not hold (a SECRET_KEY that
// changed) says that instead, and neither page fails.
func TestDevMailboxShowsContentNoLongerKept(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil)
	c := a.client(t)
	sent, locked := queueMail(t, a, "sendt@example.org", "Kari"), queueMail(t, a, "last@example.org", "Kari")
	text, lockedText := queueSMS(t, a, "+4791234567", "Se https://selvhjelp.test/mine/abc"), queueSMS(t, a, "+4791234568", "Se https://selvhjelp.test/mine/def")
	// What the worker leaves of a message it sent (markSent in internal/mail).
	if _, err := a.db.Exec(context.Background(), `UPDATE outbox SET sent_at = now(), attempts = 1,
		transport = CASE channel WHEN 'sms' THEN 'sms' ELSE 'smtp' END, key_id = NULL, sealed_body = NULL
		WHERE id IN ($1, $2)`, sent, text); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Exec(context.Background(), `UPDATE outbox SET key_id = 'deadbeef' WHERE id IN ($1, $2)`, locked, lockedText); err != nil {
		t.Fatal(err)
	}
	res, body := c.get(fmt.Sprintf("/dev/mailbox/%d", sent))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Innholdet ble slettet da e-posten ble sendt") ||
		strings.Contains(body, "/invitasjon/") || strings.Contains(body, fmt.Sprintf("/dev/mailbox/%d/html", sent)) {
		t.Errorf("a sent mail = %d\n%s", res.StatusCode, body)
	}
	res, body = c.get(fmt.Sprintf("/dev/mailbox/%d", locked))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "låst med en annen SECRET_KEY") || strings.Contains(body, "/invitasjon/") {
		t.Errorf("a mail under another key = %d\n%s", res.StatusCode, body)
	}
	for _, id := range []int64{sent, locked} {
		if res, _ := c.get(fmt.Sprintf("/dev/mailbox/%d/html", id)); res.StatusCode != http.StatusNotFound {
			t.Errorf("the HTML of a mail without its content = %d, want 404", res.StatusCode)
		}
	}
	res, body = c.get("/dev/sms")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "teksten er slettet etter sending") ||
		!strings.Contains(body, "teksten er låst med en annen SECRET_KEY") || strings.Contains(body, "/mine/") {
		t.Errorf("SMS inbox = %d\n%s", res.StatusCode, body)
	}
}

// The mailbox is paginated, newest first.
func TestDevMailboxPages(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil)
	c := a.client(t)
	for i := range perPage + 2 {
		queueMail(t, a, fmt.Sprintf("person%02d@example.org", i), "P")
	}
	_, first := c.get("/dev/mailbox")
	_, second := c.get("/dev/mailbox?side=2")
	newest, oldest := fmt.Sprintf("person%02d@", perPage+1), "person00@"
	if !strings.Contains(first, newest) || strings.Contains(first, oldest) || !strings.Contains(first, `href="/dev/mailbox?side=2"`) {
		t.Errorf("page 1 does not start with the newest and link to page 2")
	}
	if !strings.Contains(second, oldest) || strings.Contains(second, newest) || strings.Count(second, "@example.org") != 2 {
		t.Errorf("page 2 does not hold the two oldest")
	}
}

// Production has no dev mailbox.
func TestNoDevMailboxInProduction(t *testing.T) {
	t.Parallel()
	key := make([]byte, config.MinSecretBytes)
	rand.Read(key)
	a := newTestApp(t, map[string]string{"APP_ENV": "production", "BASE_URL": "https://selvhjelp.test", "SECRET_KEY": config.EncodeSecret(key)})
	id := queueMail(t, a, "kari@example.org", "Kari")
	for _, p := range []string{"/dev/mailbox", fmt.Sprintf("/dev/mailbox/%d", id), fmt.Sprintf("/dev/mailbox/%d/html", id), "/dev/sms"} {
		if res, _ := a.client(t).get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("production GET %s = %d, want 404", p, res.StatusCode)
		}
	}
}

// The mailbox pages pass axe-core with no console message and no sideways scrolling. (The
// HTML body itself is checked in internal/mail: in its sandbox no script runs, axe included.)
func TestDevMailboxInTheBrowser(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil)
	id := queueMail(t, a, "kari@example.org", "Kari")
	b := browsertest.New(t)
	queueSMS(t, a, "+4791234567", "Du har fått tilgang til Selvhjelpshuset. Se e-posten din.")
	for _, p := range []string{"/dev/mailbox", fmt.Sprintf("/dev/mailbox/%d", id), "/dev/sms"} {
		t.Run(p, func(t *testing.T) {
			got := b.Visit(t, a.URL+p)
			if got.Lang != "nb" || !strings.Contains(got.Text, "Du har fått tilgang") {
				t.Errorf("lang %q, text:\n%s", got.Lang, got.Text)
			}
		})
	}
}
