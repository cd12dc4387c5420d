package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

const (
	testDomain = "selvhjelpshuset.test"
	// patience bounds every wait; a healthy run needs a fraction of it.
	patience = 30 * time.Second
)

// quickRetry retries a failed attempt after 20 ms instead of River's seconds-to-weeks backoff.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(20 * time.Millisecond)
}

// testSeal seals the bodies of the tests' outboxes.
var testSeal = func() *Seal {
	s, err := NewSeal([]byte("the mail tests' SECRET_KEY"))
	if err != nil {
		panic(err)
	}
	return s
}()

// messageID reads the Message-ID header, in angle brackets, that outbox message id is sent
// with.
func messageID(t *testing.T, db *pgxpool.Pool, id int64) string {
	t.Helper()
	var local string
	if err := db.QueryRow(context.Background(), `SELECT message_id FROM outbox WHERE id = $1`, id).Scan(&local); err != nil {
		t.Fatalf("outbox %d: %v", id, err)
	}
	return "<" + MessageID(local, testDomain) + ">"
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// smtpSender sends to the sink at addr.
func smtpSender(t *testing.T, addr string) *SMTPSender {
	t.Helper()
	s, err := NewSMTPSender(SMTPConfig{URL: &url.URL{Scheme: "smtp", Host: addr}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newClient builds a client as the app does, with quick retries unless cfg says otherwise;
// it is stopped when the test ends.
func newClient(t *testing.T, pool *pgxpool.Pool, cfg Config) *river.Client[pgx.Tx] {
	t.Helper()
	cfg.Domain = testDomain
	if cfg.Seal == nil {
		cfg.Seal = testSeal
	}
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	if cfg.RetryPolicy == nil {
		cfg.RetryPolicy = quickRetry{}
	}
	c, err := NewClient(pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		defer cancel()
		c.Stop(ctx)
	})
	return c
}

func start(t *testing.T, c *river.Client[pgx.Tx]) {
	t.Helper()
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// letter is a message as a feature builds one (a greeting by name, a paragraph, a button to
// link, a note and the closing), for the tests of rendering, queueing and sending.
func letter(lang i18n.Lang, name, link string) Message {
	return Message{
		Lang:       lang,
		Kind:       KindInvitation,
		Subject:    "Du har fått tilgang til Selvhjelpshuset",
		Greeting:   i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{"Før du kan logge inn, må du lage et passord."},
		Action:     Action{Label: "Lag passord", URL: link},
		Notes:      []string{"Lenken virker i tre døgn."},
		Closing:    i18n.Translate(lang, "mail.closing"),
	}
}

// enqueue commits one letter to to and returns its outbox id.
func enqueue(t *testing.T, pool *pgxpool.Pool, c *river.Client[pgx.Tx], to string) int64 {
	t.Helper()
	var id int64
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
		m := letter(i18n.NB, "Kari", "https://selvhjelpshuset.test/invitasjon/abc")
		m.To = to
		var err error
		id, err = NewOutbox(c, nil, testSeal).Enqueue(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// outboxID reads which outbox row a mail job is for, or 0 for other jobs.
func outboxID(j *rivertype.JobRow) int64 {
	if j.Kind != (SendArgs{}).Kind() {
		return 0
	}
	var a SendArgs
	if json.Unmarshal(j.EncodedArgs, &a) != nil {
		return 0
	}
	return a.OutboxID
}

// waitFor takes events until n of them are about outbox message id, and fails the test
// when that takes longer than patience.
func waitFor(t *testing.T, events <-chan *river.Event, id int64, n int, what string) {
	t.Helper()
	timeout := time.After(patience)
	for n > 0 {
		select {
		case e := <-events:
			if outboxID(e.Job) == id {
				n--
			}
		case <-timeout:
			t.Fatalf("waited %v for %s of outbox message %d", patience, what, id)
		}
	}
}

// eventually polls cond on the database until it holds, for at most patience.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", patience, what)
		}
		<-tick.C
	}
}

// row is what the tests look at in the outbox and in River's job table.
type row struct {
	sent      bool
	transport string
	attempts  int
	lastError string
	jobState  string
	jobErrors int
}

func readRow(t *testing.T, db *pgxpool.Pool, id int64) row {
	t.Helper()
	var r row
	err := db.QueryRow(context.Background(), `
		SELECT o.sent_at IS NOT NULL, coalesce(o.transport, ''), o.attempts, coalesce(o.last_error, ''),
		       j.state::text, coalesce(array_length(j.errors, 1), 0)
		FROM outbox o JOIN river_job j ON j.kind = 'mail_send' AND (j.args->>'outbox_id')::bigint = o.id
		WHERE o.id = $1`, id).Scan(&r.sent, &r.transport, &r.attempts, &r.lastError, &r.jobState, &r.jobErrors)
	if err != nil {
		t.Fatalf("outbox %d: %v", id, err)
	}
	return r
}

// syncBuffer is a log destination that River's goroutines and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// enqueueText commits one SMS to the phone number to and returns its outbox id.
func enqueueText(t *testing.T, pool *pgxpool.Pool, c *river.Client[pgx.Tx], to string) int64 {
	t.Helper()
	var id int64
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) (err error) {
		id, err = NewOutbox(c, nil, testSeal).EnqueueSMS(context.Background(), tx, SMS{To: to, Lang: i18n.NB, Kind: KindInvitation, Text: "Hei fra Selvhjelpshuset"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
