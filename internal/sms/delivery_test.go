package sms_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// The must-show tests of the SMS channel: the outbox's real worker sends through the real
// Twilio sender to the local stand-in of Twilio's API.

const patience = 30 * time.Second

type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(20 * time.Millisecond)
}

// newClient builds the app's River client with the Twilio sender to base; it is stopped when
// the test ends.
func newClient(t *testing.T, pool *pgxpool.Pool, base string) *river.Client[pgx.Tx] {
	t.Helper()
	return newClientLogging(t, pool, base, nil)
}

// newClientLogging is newClient whose log also goes to s.
func newClientLogging(t *testing.T, pool *pgxpool.Pool, base string, s *signal) *river.Client[pgx.Tx] {
	t.Helper()
	var h slog.Handler = slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})
	if s != nil {
		s.Handler = h
		h = s
	}
	c, err := mail.NewClient(pool, mail.Config{Sender: mail.NewDevSender(slog.New(slog.DiscardHandler)),
		SMSSender: sender(t, base), Seal: mailtest.Seal, Domain: "selvhjelpshuset.test", RetryPolicy: quickRetry{},
		Logger: slog.New(h)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		defer cancel()
		_ = c.Stop(ctx)
	})
	return c
}

// signal is a log handler that closes c the first time msg is logged, at any level, and hands
// the rest on to Handler.
type signal struct {
	slog.Handler
	msg  string
	c    chan struct{}
	once sync.Once
}

func (s *signal) Enabled(context.Context, slog.Level) bool { return true }

func (s *signal) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == s.msg {
		s.once.Do(func() { close(s.c) })
	}
	if !s.Handler.Enabled(ctx, r.Level) {
		return nil
	}
	return s.Handler.Handle(ctx, r)
}

func start(t *testing.T, c *river.Client[pgx.Tx]) {
	t.Helper()
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// enqueueSMS commits one SMS to +4791234567 and returns its outbox id.
func enqueueSMS(t *testing.T, pool *pgxpool.Pool, c *river.Client[pgx.Tx], text string) int64 {
	t.Helper()
	var id int64
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) (err error) {
		id, err = mail.NewOutbox(c, nil, mailtest.Seal).EnqueueSMS(context.Background(), tx,
			mail.SMS{To: "912 34 567", Lang: i18n.NB, Kind: mail.KindInvitation, Text: text})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitFor takes events until one is about outbox message id.
func waitFor(t *testing.T, events <-chan *river.Event, id int64, what string) *river.Event {
	t.Helper()
	timeout := time.After(patience)
	for {
		select {
		case e := <-events:
			var a mail.SendArgs
			if e.Job.Kind == a.Kind() && json.Unmarshal(e.Job.EncodedArgs, &a) == nil && a.OutboxID == id {
				return e
			}
		case <-timeout:
			t.Fatalf("waited %v for %s of outbox message %d", patience, what, id)
			return nil
		}
	}
}

func get(t *testing.T, pool *pgxpool.Pool, id int64) mail.Mail {
	t.Helper()
	m, err := mail.Get(context.Background(), pool, mailtest.Seal, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A 5xx answer (and a 429) is retried, and the SMS is then sent once.
func TestServerErrorIsRetriedThenSent(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	tw, srv := newTwilio(t, http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusInternalServerError)
	c := newClient(t, db, srv.URL)
	completed, cancel := c.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	id := enqueueSMS(t, db, c, "Du har fått plass på Blåbærgruppa. Svar på lenken.")
	start(t, c)
	waitFor(t, completed, id, "sending")
	taken := tw.taken()
	if len(taken) != 1 || tw.callCount() != 4 || taken[0].Get("To") != "+4791234567" ||
		!strings.HasPrefix(taken[0].Get("Body"), "Du har fått plass på Blåbærgruppa.") {
		t.Errorf("provider took %v in %d calls; want the SMS once after three failures", taken, tw.callCount())
	}
	m := get(t, db, id)
	if !m.Sent() || m.Transport != "sms" || m.Attempts != 4 || m.LastError != "" || m.FailedAt != nil || m.TextBody != "" {
		t.Errorf("after sending: %+v; want sent by sms after 4 attempts, body emptied", m)
	}
}

// A 4xx answer is recorded in the outbox (failed_at, last_error with the provider's code, no
// number) and never retried.
func TestRefusalIsRecordedAndNotRetried(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	tw, srv := newTwilio(t, http.StatusBadRequest, http.StatusBadRequest)
	c := newClient(t, db, srv.URL)
	cancelled, cancel := c.Subscribe(river.EventKindJobCancelled)
	defer cancel()
	id := enqueueSMS(t, db, c, "Hei")
	start(t, c)
	e := waitFor(t, cancelled, id, "the refusal")
	if tw.callCount() != 1 || len(tw.taken()) != 0 {
		t.Errorf("provider called %d times; want once", tw.callCount())
	}
	m := get(t, db, id)
	if m.Sent() || m.FailedAt == nil || m.Attempts != 1 || !strings.Contains(m.LastError, "21211") ||
		strings.Contains(m.LastError, "91234567") || m.TextBody != "" {
		t.Errorf("after the refusal: %+v; want failed, the provider's code, no number, no text kept", m)
	}
	for _, err := range e.Job.Errors {
		if strings.Contains(err.Error, "91234567") {
			t.Errorf("the job's error names the number: %q", err.Error)
		}
	}
}

// Each SMS is sent exactly once across a restart of the River client. A hard stop does not cut
// a request already on its way to the provider (the provider may have taken it, and a retry
// would send it twice): the stop waits for the answer, the SMS is marked sent, and the next
// instance sends only what was still waiting.
func TestEachSMSSentOnceAcrossRestart(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	tw, srv := newTwilio(t)
	tw.holdFirst()
	stopping := make(chan struct{})
	a := newClientLogging(t, db, srv.URL, &signal{msg: "mail: stopping; the SMS being sent is let finish", c: stopping})
	var ids []int64
	for i := range 5 {
		ids = append(ids, enqueueSMS(t, db, a, fmt.Sprintf("Melding %d: æøå", i)))
	}
	start(t, a)
	select {
	case <-tw.held:
	case <-time.After(patience):
		t.Fatal("no SMS reached the provider")
	}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- a.StopAndCancel(ctx) }()
	select {
	case <-stopping:
	case <-time.After(patience):
		t.Fatal("the hard stop never reached the SMS being sent")
	}
	close(tw.release)
	if err := <-stopped; err != nil {
		t.Fatalf("StopAndCancel: %v", err)
	}
	select {
	case <-tw.cut:
		t.Fatal("the hard stop cut the request to the provider")
	default:
	}
	var sentByA int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL`).Scan(&sentByA); err != nil || sentByA == 0 {
		t.Fatalf("%d SMS marked sent by the stopped instance, %v; want at least the held one", sentByA, err)
	}

	b := newClient(t, db, srv.URL)
	start(t, b)
	ids = append(ids, enqueueSMS(t, db, b, "Melding 5: æøå"))
	deadline := time.Now().Add(patience)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for waiting := -1; waiting != 0; <-tick.C {
		if err := db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE sent_at IS NULL`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for every SMS to be sent; %d wait", patience, waiting)
		}
	}
	var attempts int
	if err := db.QueryRow(ctx, `SELECT sum(attempts) FROM outbox`).Scan(&attempts); err != nil || attempts != 6 {
		t.Errorf("%d attempts in all, %v; want six, one a message", attempts, err)
	}
	bodies := map[string]int{}
	for _, f := range tw.taken() {
		bodies[strings.SplitN(f.Get("Body"), "\n", 2)[0]]++
	}
	for i := range 6 {
		if n := bodies[fmt.Sprintf("Melding %d: æøå", i)]; n != 1 {
			t.Errorf("SMS %d taken %d times; want once (all: %v)", i, n, bodies)
		}
	}
	for _, id := range ids {
		if m := get(t, db, id); !m.Sent() || m.Transport != "sms" {
			t.Errorf("outbox %d: %+v; want sent", id, m)
		}
	}
}
