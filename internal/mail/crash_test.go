package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// The crash test runs an app instance in a process of its own, so it can be killed for real.
// The test binary is that process when these variables are set.
const (
	childDBEnv   = "MAIL_TEST_CHILD_DATABASE_URL"
	childSMTPEnv = "MAIL_TEST_CHILD_SMTP_ADDR"
	childAppName = "mail_test_child"
)

func TestMain(m *testing.M) {
	if db := os.Getenv(childDBEnv); db != "" {
		os.Exit(runChild(db, os.Getenv(childSMTPEnv)))
	}
	os.Exit(m.Run())
}

// runChild sends the outbox to the SMTP server at addr, as serve does, until it is killed.
func runChild(dbURL, addr string) int {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sender, err := NewSMTPSender(SMTPConfig{URL: &url.URL{Scheme: "smtp", Host: addr}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := NewClient(pool, Config{Sender: sender, Seal: testSeal, Domain: testDomain, Logger: log, RetryPolicy: quickRetry{}})
	if err == nil {
		err = c.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	select {} // until killed
}

// An instance killed (SIGKILL) in the middle of DATA leaves its job running and the message
// unsent; once the job counts as stuck, another instance rescues it and sends the message
// once.
func TestCrashMidDeliveryIsRescued(t *testing.T) {
	ctx := context.Background()
	u := pgtest.NewURL(t)
	db, err := pgxpool.New(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	sink := newSink(t)
	sink.holdNext()
	addr := sink.up()
	id := enqueue(t, db, newClient(t, db, Config{Sender: smtpSender(t, addr)}), "kari@example.org")

	killChildInDATA(t, u, addr, sink)
	if n := len(sink.messages()); n != 0 {
		t.Fatalf("the sink took %d messages from the killed instance", n)
	}
	if r := readRow(t, db, id); r.sent || r.attempts != 0 || r.jobState != "running" {
		t.Fatalf("after the crash: %+v; want unsent, nothing recorded, the job left running", r)
	}
	eventually(t, "the killed instance's sessions to end", func() bool {
		var n int
		err := db.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, childAppName).Scan(&n)
		return err == nil && n == 0
	})
	// The killed instance was River's leader, and only a leader rescues jobs. Its lease would
	// run out by itself after about 15 seconds; ending it now keeps the test short.
	if _, err := db.Exec(ctx, `DELETE FROM river_leader`); err != nil {
		t.Fatal(err)
	}
	const rescueAfter = time.Second
	eventually(t, "the job to count as stuck", func() bool {
		var stuck bool
		err := db.QueryRow(ctx, `SELECT attempted_at < now() - make_interval(secs => $1) FROM river_job WHERE kind = 'mail_send'`,
			rescueAfter.Seconds()).Scan(&stuck)
		return err == nil && stuck
	})

	b := newClient(t, db, Config{Sender: smtpSender(t, addr), RescueAfter: rescueAfter})
	completed, cancel := b.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	start(t, b)
	waitFor(t, completed, id, 1, "delivery after the rescue")
	stop(t, b)
	if got := sink.messageIDs(); len(got) != 1 || got[messageID(t, db, id)] != 1 {
		t.Errorf("sink got %v; want the message once", got)
	}
	var rescued bool
	if err := db.QueryRow(ctx, `SELECT errors[1]->>'error' LIKE '%Stuck job rescued%' FROM river_job WHERE kind = 'mail_send'`).Scan(&rescued); err != nil || !rescued {
		t.Errorf("the job was not rescued as stuck (%v)", err)
	}
	if r := readRow(t, db, id); !r.sent || r.attempts != 1 {
		t.Errorf("after delivery: %+v", r)
	}
}

// killChildInDATA starts an app instance in a new process, waits until its message is inside
// DATA at the sink, and kills the process there.
func killChildInDATA(t *testing.T, dbURL, addr string, s *sink) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", childAppName)
	u.RawQuery = q.Encode()
	var out syncBuffer
	child := exec.Command(os.Args[0])
	child.Env = append(os.Environ(), childDBEnv+"="+u.String(), childSMTPEnv+"="+addr)
	child.Stdout, child.Stderr = &out, &out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	select {
	case <-s.held:
	case err := <-exited:
		t.Fatalf("the instance ended before sending: %v\n%s", err, out.String())
	case <-time.After(patience):
		child.Process.Kill()
		<-exited
		t.Fatalf("the instance did not reach DATA:\n%s", out.String())
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the instance was not killed: %v\n%s", err, out.String())
	}
	s.releaseHeld()
}
