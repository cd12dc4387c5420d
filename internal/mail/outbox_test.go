package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// Mail exists if and only if the change it tells about commits: a rolled-back transaction
// leaves neither an outbox row nor a job, a committed one leaves both.
func TestEnqueueFollowsTheTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	outbox := NewOutbox(newClient(t, db, Config{Sender: NewDevSender(testLogger(t))}), nil, testSeal) // never started
	counts := func() (rows, jobs int) {
		t.Helper()
		err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM river_job WHERE kind = 'mail_send')`).Scan(&rows, &jobs)
		if err != nil {
			t.Fatal(err)
		}
		return rows, jobs
	}
	msg := letter(i18n.EN, "Ola", "https://selvhjelpshuset.test/nytt-passord/x")
	msg.To = "ola@example.org"

	rollback := errors.New("the change failed")
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := outbox.Enqueue(ctx, tx, msg); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("rolled-back transaction: %v", err)
	}
	if rows, jobs := counts(); rows != 0 || jobs != 0 {
		t.Errorf("after rollback: %d outbox rows and %d jobs, want none", rows, jobs)
	}

	var id int64
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) (err error) {
		id, err = outbox.Enqueue(ctx, tx, msg)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows, jobs := counts(); rows != 1 || jobs != 1 {
		t.Errorf("after commit: %d outbox rows and %d jobs, want one of each", rows, jobs)
	}
	if r := readRow(t, db, id); r.sent || r.attempts != 0 || r.jobState != "available" {
		t.Errorf("queued message: %+v", r)
	}
	var queue string
	if err := db.QueryRow(ctx, `SELECT queue FROM river_job WHERE kind = 'mail_send'`).Scan(&queue); err != nil || queue != Queue {
		t.Errorf("job queue = %q, %v", queue, err)
	}
	m, err := Get(ctx, db, testSeal, id)
	if err != nil {
		t.Fatal(err)
	}
	if m.To != msg.To || m.Lang != i18n.EN || m.Kind != msg.Kind || m.Subject != msg.Subject ||
		!strings.Contains(m.TextBody, "nytt-passord/x") || !strings.Contains(m.HTMLBody, "nytt-passord/x") || m.Sent() {
		t.Errorf("stored message: %+v", m)
	}
}

func TestEnqueueRefusesWhatCannotBeSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	outbox := NewOutbox(newClient(t, db, Config{Sender: NewDevSender(testLogger(t))}), nil, testSeal)
	good := letter(i18n.NB, "Kari", "https://selvhjelpshuset.test/i/x")
	good.To = "kari@example.org"
	for name, change := range map[string]func(*Message){
		"no recipient":      func(m *Message) { m.To = "" },
		"display name":      func(m *Message) { m.To = "Kari <kari@example.org>" },
		"header injection":  func(m *Message) { m.To = "kari@example.org\r\nBcc: all@example.org" },
		"unknown language":  func(m *Message) { m.Lang = "sv" },
		"no subject":        func(m *Message) { m.Subject = "" },
		"no kind":           func(m *Message) { m.Kind = "" },
		"not an address":    func(m *Message) { m.To = "kari" },
		"address with text": func(m *Message) { m.To = "kari@example.org (Kari)" },
	} {
		m := good
		change(&m)
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			_, err := outbox.Enqueue(ctx, tx, m)
			return err
		})
		if !errors.Is(err, postgres.ErrInvalid) {
			t.Errorf("%s: Enqueue = %v, want ErrInvalid", name, err)
		}
	}
	var rows int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM outbox`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d rows stored from refused messages (%v)", rows, err)
	}
}

// The dev mailbox lists newest first, a page at a time, and Get tells a missing message.
func TestListAndGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	c := newClient(t, db, Config{Sender: NewDevSender(testLogger(t))})
	var ids []int64
	var texts []int64
	for i := range 7 {
		ids = append(ids, enqueue(t, db, c, fmt.Sprintf("person%d@example.org", i)))
		if i%3 == 0 {
			texts = append(texts, enqueueText(t, db, c, fmt.Sprintf("+479123456%d", i)))
		}
	}
	sms, total, err := List(ctx, db, testSeal, ChannelSMS, 1, 2)
	if err != nil || total != 3 || len(sms) != 2 || sms[0].ID != texts[2] || sms[1].ID != texts[1] ||
		sms[0].Channel != ChannelSMS || sms[0].To != "+4791234566" || !strings.HasPrefix(sms[0].TextBody, "Hei") {
		t.Errorf("SMS list: %+v of %d, %v; want the newest two SMS with their texts", sms, total, err)
	}
	page1, total, err := List(ctx, db, testSeal, ChannelEmail, 1, 3)
	if err != nil || total != 7 || len(page1) != 3 {
		t.Fatalf("page 1: %d of %d, %v", len(page1), total, err)
	}
	if page1[0].ID != ids[6] || page1[2].ID != ids[4] || page1[0].To != "person6@example.org" {
		t.Errorf("page 1 is not newest first: %d, %d", page1[0].ID, page1[2].ID)
	}
	if page1[0].TextBody != "" || page1[0].Subject == "" {
		t.Errorf("a list row carries subject but no body: %+v", page1[0])
	}
	page3, _, err := List(ctx, db, testSeal, ChannelEmail, 3, 3)
	if err != nil || len(page3) != 1 || page3[0].ID != ids[0] {
		t.Errorf("last page: %+v, %v", page3, err)
	}
	past, total, err := List(ctx, db, testSeal, ChannelEmail, 9, 3)
	if err != nil || len(past) != 0 || total != 7 {
		t.Errorf("past the end: %d rows of %d, %v", len(past), total, err)
	}
	if _, err := Get(ctx, db, testSeal, ids[6]+100); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("Get of a missing message = %v, want ErrNotFound", err)
	}
}

// In development the dev sender takes every message: the outbox marks it sent through the
// dev mailbox, and the log has recipient and subject but no body.
func TestDevSenderMarksDevMailbox(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var log syncBuffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	c := newClient(t, db, Config{Sender: NewDevSender(logger), Logger: logger})
	done, cancel := c.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	start(t, c)
	id := enqueue(t, db, c, "kari@example.org")
	waitFor(t, done, id, 1, "completion")
	if r := readRow(t, db, id); !r.sent || r.transport != "devmailbox" || r.attempts != 1 || r.jobState != "completed" {
		t.Errorf("after the dev sender: %+v", r)
	}
	line := log.String()
	if !strings.Contains(line, "kari@example.org") || !strings.Contains(line, "Du har fått tilgang") || strings.Contains(line, "invitasjon/abc") {
		t.Errorf("dev sender log: %s", line)
	}
}

// Sent mail goes after the retention period; mail still waiting stays, however old.
func TestPurgeKeepsUnsentMail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	c := newClient(t, db, Config{Sender: NewDevSender(testLogger(t))})
	oldSent, newSent, oldUnsent := enqueue(t, db, c, "a@example.org"), enqueue(t, db, c, "b@example.org"), enqueue(t, db, c, "c@example.org")
	oldFailed, newFailed := enqueue(t, db, c, "d@example.org"), enqueue(t, db, c, "e@example.org")
	for _, q := range []struct {
		sql string
		id  int64
	}{
		{`UPDATE outbox SET created_at = now() - interval '40 days' WHERE id = $1`, oldUnsent},
		{`UPDATE outbox SET sent_at = now() - interval '31 days', transport = 'smtp' WHERE id = $1`, oldSent},
		{`UPDATE outbox SET sent_at = now() - interval '29 days', transport = 'smtp' WHERE id = $1`, newSent},
		{`UPDATE outbox SET failed_at = now() - interval '31 days' WHERE id = $1`, oldFailed},
		{`UPDATE outbox SET failed_at = now() - interval '29 days' WHERE id = $1`, newFailed},
	} {
		if _, err := db.Exec(ctx, q.sql, q.id); err != nil {
			t.Fatal(err)
		}
	}
	w := &PurgeWorker{db: db, retention: DefaultRetention, log: testLogger(t)}
	if err := w.Work(ctx, &river.Job[PurgeArgs]{}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]bool{oldSent: false, newSent: true, oldUnsent: true, oldFailed: false, newFailed: true} {
		_, err := Get(ctx, db, testSeal, id)
		if kept := err == nil; kept != want {
			t.Errorf("message %d kept = %v, want %v (%v)", id, kept, want, err)
		}
	}
}

func TestRedactHidesTheRecipient(t *testing.T) {
	t.Parallel()
	base := errors.New("550 mailbox unavailable: affected recipient(s): kari@example.no")
	err := redact(base, "kari@example.no")
	if strings.Contains(err.Error(), "kari@example.no") || !strings.Contains(err.Error(), "550") || !errors.Is(err, base) {
		t.Errorf("redact = %q", err)
	}
	if redact(nil, "x@example.no") != nil {
		t.Error("nil stays nil")
	}
}
