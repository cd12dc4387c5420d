package mail

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// SMTP down: the message stays queued and River keeps retrying. SMTP back on the same port:
// the message goes out, exactly once.
func TestDeliveryWaitsForTheSMTPServer(t *testing.T) {
	db := pgtest.New(t)
	sink := newSink(t)
	addr := sink.reserve() // nothing listens there yet
	c := newClient(t, db, Config{Sender: smtpSender(t, addr)})
	failed, cancelFailed := c.Subscribe(river.EventKindJobFailed)
	defer cancelFailed()
	completed, cancelCompleted := c.Subscribe(river.EventKindJobCompleted)
	defer cancelCompleted()
	start(t, c)

	id := enqueue(t, db, c, "kari@example.org")
	waitFor(t, failed, id, 2, "two failed attempts")
	r := readRow(t, db, id)
	if r.sent || r.attempts < 2 || r.jobErrors < 2 || !strings.Contains(r.lastError, "connect") {
		t.Errorf("with SMTP down: %+v; want unsent, two attempts counted, the refusal kept", r)
	}
	if r.jobState != "available" && r.jobState != "retryable" && r.jobState != "running" {
		t.Errorf("with SMTP down the job is %s; want it waiting for a retry", r.jobState)
	}

	sink.up()
	waitFor(t, completed, id, 1, "delivery")
	stop(t, c)
	if got := sink.messageIDs(); len(got) != 1 || got[messageID(t, db, id)] != 1 {
		t.Errorf("sink got %v; want the message once", got)
	}
	if r := readRow(t, db, id); !r.sent || r.transport != "smtp" || r.lastError != "" || r.jobState != "completed" {
		t.Errorf("after delivery: %+v", r)
	}
}

// An app stopped hard in the middle of DATA (StopAndCancel, as on a second SIGTERM) cuts the
// connection; the server never took the message, the job goes back to the queue, and the next
// instance sends it once.
func TestStopMidDeliveryLosesNothing(t *testing.T) {
	db := pgtest.New(t)
	sink := newSink(t)
	sink.holdNext()
	addr := sink.up()
	a := newClient(t, db, Config{Sender: smtpSender(t, addr), RescueAfter: time.Hour})
	start(t, a)
	id := enqueue(t, db, a, "kari@example.org")
	select {
	case <-sink.held:
	case <-time.After(patience):
		t.Fatal("the message never reached DATA")
	}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := a.StopAndCancel(ctx); err != nil {
		t.Fatalf("StopAndCancel: %v", err)
	}
	sink.releaseHeld()
	if n := len(sink.messages()); n != 0 {
		t.Fatalf("the sink took %d messages from the stopped instance", n)
	}
	r := readRow(t, db, id)
	if r.sent || r.attempts != 1 || !strings.Contains(r.lastError, "cut short") || r.jobState != "available" {
		t.Errorf("after the hard stop: %+v; want unsent, the cut attempt counted, the job available", r)
	}

	b := newClient(t, db, Config{Sender: smtpSender(t, addr)})
	completed, cancelCompleted := b.Subscribe(river.EventKindJobCompleted)
	defer cancelCompleted()
	start(t, b)
	waitFor(t, completed, id, 1, "delivery by the next instance")
	stop(t, b)
	if got := sink.messageIDs(); len(got) != 1 || got[messageID(t, db, id)] != 1 {
		t.Errorf("sink got %v; want the message once", got)
	}
	if r := readRow(t, db, id); !r.sent || r.attempts != 2 {
		t.Errorf("after delivery: %+v", r)
	}
}

// A job for a message that is already marked sent sends nothing; a job whose message is gone
// is cancelled.
func TestSentMessageIsNotSentAgain(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	sink := newSink(t)
	c := newClient(t, db, Config{Sender: smtpSender(t, sink.up())})
	completed, cancelCompleted := c.Subscribe(river.EventKindJobCompleted)
	defer cancelCompleted()
	cancelled, cancelCancelled := c.Subscribe(river.EventKindJobCancelled)
	defer cancelCancelled()
	sent, gone := enqueue(t, db, c, "kari@example.org"), enqueue(t, db, c, "ola@example.org")
	if _, err := db.Exec(ctx, `UPDATE outbox SET sent_at = now(), transport = 'smtp', attempts = 1 WHERE id = $1`, sent); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM outbox WHERE id = $1`, gone); err != nil {
		t.Fatal(err)
	}
	start(t, c)
	waitFor(t, completed, sent, 1, "the job of the sent message")
	waitFor(t, cancelled, gone, 1, "the job of the deleted message")
	stop(t, c)
	if n := len(sink.messages()); n != 0 {
		t.Errorf("sink got %d messages; want none", n)
	}
	if r := readRow(t, db, sent); r.attempts != 1 || r.jobState != "completed" {
		t.Errorf("sent message: %+v", r)
	}
}

// Two instances working one queue send each of many messages exactly once.
func TestTwoInstancesSendEachMessageOnce(t *testing.T) {
	const n = 30
	u := pgtest.NewURL(t)
	sink := newSink(t)
	addr := sink.up()
	var clients []*pgxpool.Pool
	for range 2 {
		pool, err := pgxpool.New(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		clients = append(clients, pool)
	}
	a := newClient(t, clients[0], Config{Sender: smtpSender(t, addr), MaxWorkers: 4})
	b := newClient(t, clients[1], Config{Sender: smtpSender(t, addr), MaxWorkers: 4})
	start(t, a)
	start(t, b)
	want := map[string]int{}
	for i := range n {
		id := enqueue(t, clients[i%2], a, fmt.Sprintf("person%d@example.org", i))
		want[messageID(t, clients[0], id)] = 1
	}
	eventually(t, "every message sent", func() bool {
		var waiting int
		err := clients[0].QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE sent_at IS NULL`).Scan(&waiting)
		return err == nil && waiting == 0
	})
	stop(t, a)
	stop(t, b)
	got := sink.messageIDs()
	if len(got) != n || len(sink.messages()) != n {
		t.Errorf("sink got %d messages with %d Message-IDs; want %d", len(sink.messages()), len(got), n)
	}
	for id, count := range got {
		if want[id] != count {
			t.Errorf("%s arrived %d times", id, count)
		}
	}
	var attempts int
	if err := clients[0].QueryRow(context.Background(), `SELECT sum(attempts) FROM outbox`).Scan(&attempts); err != nil || attempts != n {
		t.Errorf("%d attempts for %d messages (%v)", attempts, n, err)
	}
}

// stop stops c gracefully, so nothing it does can come after the test's checks.
func stop(t *testing.T, c interface{ Stop(context.Context) error }) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
}
