//go:build faults

package faults

import (
	"context"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/migrations"
)

// The phases of a test, recorded with every request of the load.
const (
	phaseBefore int32 = iota // everything up
	phaseFault               // the fault is on (database stopped, instance killed)
	phaseAfter               // the fault has been repaired
)

// 1. PostgreSQL stops (pg_ctl stop -m fast) while sign-ups and bookings stream in, and starts
// again. While it is down, the pages answer 503 with the friendly page and /readyz is not
// ready; once it is back, the same process serves again, and every request that was answered
// with success is in the database, whole.
func TestDatabaseRestartUnderLoad(t *testing.T) {
	ctx := context.Background()
	dbURL := pg.newDatabase(t)
	s := prepare(t, dbURL)
	smtp := newSink(t)
	smtp.up()
	a := startApp(t, "app", baseEnv(dbURL, smtp.addr))
	s.findGroup(t, a.url)
	counted0, rows0 := signupFigures(t, s.db)
	sessions := []*http.Cookie{staffLogin(t, a.url), staffLogin(t, a.url)}
	l := newLoad(a.url, s, "restart")
	l.start(3, sessions...)
	t.Cleanup(l.stop)
	eventually(t, time.Minute, "the load to get going", func() bool {
		return l.okCount(signupKind) >= 10 && l.okCount(bookingKind) >= 5
	})

	// Whatever happens below, the cluster runs again for the next test.
	t.Cleanup(func() {
		if err := pg.start(context.Background()); err != nil {
			t.Errorf("starting PostgreSQL again: %v", err)
		}
	})
	l.phase.Store(phaseFault)
	down := time.Now()
	if err := pg.stop(ctx); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, pg.log)
	}
	stopTook := time.Since(down)
	eventually(t, 30*time.Second, "/readyz to answer 503", func() bool {
		r, err := do("GET", a.url+"/readyz", nil, nil)
		return err == nil && r.status == http.StatusServiceUnavailable
	})
	eventually(t, 30*time.Second, "sign-ups and bookings to be answered 503", func() bool {
		return l.unavailableCount(signupKind) >= 90 && l.unavailableCount(bookingKind) >= 60
	})
	for _, p := range []struct {
		path   string
		cookie *http.Cookie
	}{{"/grupper/" + s.slug + "/meld-pa", nil}, {"/admin/bookinger/ny", sessions[0]}} {
		hdr := http.Header{}
		if p.cookie != nil {
			hdr.Set("Cookie", p.cookie.String())
		}
		r, err := do("GET", a.url+p.path, nil, hdr)
		if err != nil || !r.friendlyUnavailable {
			t.Errorf("GET %s without the database: %d %v, want the friendly 503 page\n%s", p.path, r.status, err, tail(r.body, 1000))
		}
	}
	if r, err := do("GET", a.url+"/healthz", nil, nil); err != nil || r.status != http.StatusOK {
		t.Errorf("/healthz without the database: %d %v: the process must keep serving", r.status, err)
	}

	l.phase.Store(phaseAfter)
	up := time.Now()
	outage := up.Sub(down)
	if err := pg.start(ctx); err != nil {
		t.Fatalf("pg_ctl start: %v\n%s", err, pg.log)
	}
	startTook := time.Since(up)
	readyIn := eventually(t, time.Minute, "/readyz to answer 200 again", func() bool {
		r, err := do("GET", a.url+"/readyz", nil, nil)
		return err == nil && r.status == http.StatusOK
	}) + startTook
	okS, okB := l.okCount(signupKind), l.okCount(bookingKind)
	eventually(t, time.Minute, "sign-ups and bookings to succeed again", func() bool {
		return l.okCount(signupKind) >= okS+10 && l.okCount(bookingKind) >= okB+5
	})
	recoveredIn := time.Since(up)
	l.stop()

	sign, book := l.snapshot(signupKind), l.snapshot(bookingKind)
	t.Logf("outage %s (pg_ctl stop took %s, start %s); /readyz ready %s and the load succeeding %s after the start, the app not restarted",
		outage.Round(time.Millisecond), stopTook.Round(time.Millisecond), startTook.Round(time.Millisecond),
		readyIn.Round(time.Millisecond), recoveredIn.Round(time.Millisecond))
	t.Logf("%s", sign.summary(signupKind))
	t.Logf("%s", book.summary(bookingKind))
	sign.checkAnswers(t, signupKind, false)
	book.checkAnswers(t, bookingKind, false)

	db := openPool(t, dbURL) // s.db's connections died with the server
	signups, bookings := checkSucceededStored(t, db, l)
	participants, booked := checkWhole(t, db, l.prefix)
	counted1, rows1 := signupFigures(t, db)
	if counted1-counted0 != rows1-rows0 {
		t.Errorf("the yearly count grew by %d, the sign-ups by %d", counted1-counted0, rows1-rows0)
	}
	drained := waitMailDrained(t, db, l.prefix, time.Minute)
	mails := checkMailOnce(t, db, smtp, l.prefix)
	t.Logf("in the database: sign-ups %d of %d succeeded (%d in all, %d whole); bookings %d of %d succeeded (%d in all, %d with both meetings)",
		signups.okFound, signups.ok, signups.all, participants, bookings.okFound, bookings.ok, bookings.all, booked)
	t.Logf("mail: %d confirmations, each delivered once, the last %s after the load ended", mails, drained.Round(time.Millisecond))
}

// 2. The instance is killed (SIGKILL) in the middle of the load, with messages inside DATA
// at the SMTP server, and a new one starts: no change is half-written, and every queued
// e-mail is delivered exactly once.
func TestKillDuringLoad(t *testing.T) {
	ctx := context.Background()
	dbURL := pg.newDatabase(t)
	s := prepare(t, dbURL)
	smtp := newSink(t)
	smtp.up()
	env := baseEnv(dbURL, smtp.addr)
	first := startApp(t, "first", env)
	s.findGroup(t, first.url)
	counted0, rows0 := signupFigures(t, s.db)
	l := newLoad(first.url, s, "kill")
	l.start(3, staffLogin(t, first.url), staffLogin(t, first.url))
	t.Cleanup(l.stop)
	eventually(t, time.Minute, "the load to get going and mail to flow", func() bool {
		return l.okCount(signupKind) >= 20 && l.okCount(bookingKind) >= 5 && len(smtp.messages()) >= 5
	})

	// Kill while messages are inside DATA: hold every new one, and wait until each message
	// the sink took is marked sent. (A crash between the server's 250 and the worker's commit
	// would send that message again, by design: it keeps its Message-ID, so a receiver can
	// drop the copy. The test keeps that moment out.)
	smtp.holdAll()
	eventually(t, 30*time.Second, "a message held inside DATA and every accepted one marked sent", func() bool {
		var ids []string
		for _, m := range smtp.messages() {
			ids = append(ids, m.messageID)
		}
		var marked int
		err := s.db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL
			AND '<' || message_id || '@`+mailDomain+`>' = ANY($1)`, ids).Scan(&marked)
		return err == nil && smtp.heldCount() > 0 && marked == len(ids)
	})
	l.phase.Store(phaseFault)
	first.kill(t)
	l.stop()
	smtp.releaseHeld()
	held := smtp.heldCount()
	eventually(t, 30*time.Second, "the killed instance's database sessions to end", func() bool {
		var n int
		err := s.db.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND backend_type = 'client backend' AND application_name <> 'faults_test'`).Scan(&n)
		return err == nil && n == 0
	})
	participantsAtKill, bookingsAtKill := checkWhole(t, s.db, l.prefix)
	var running, unsent int
	if err := s.db.QueryRow(ctx, `SELECT (SELECT count(*) FROM river_job WHERE kind = 'mail_send' AND state = 'running'),
		(SELECT count(*) FROM outbox WHERE to_addr LIKE $1 AND sent_at IS NULL)`, l.prefix+"-%").Scan(&running, &unsent); err != nil {
		t.Fatal(err)
	}
	if running == 0 {
		t.Error("no mail job was running when the instance was killed: the test did not kill mid-delivery")
	}
	// The dead instance's running jobs are rescued once they have run for mail.DefaultRescueAfter
	// (two minutes); ageing them stands for that wait, to keep the run short.
	if _, err := s.db.Exec(ctx, `UPDATE river_job SET attempted_at = now() - interval '1 hour' WHERE state = 'running'`); err != nil {
		t.Fatal(err)
	}

	l.phase.Store(phaseAfter)
	startApp(t, "second", env)
	drained := waitMailDrained(t, s.db, l.prefix, 90*time.Second)

	sign, book := l.snapshot(signupKind), l.snapshot(bookingKind)
	t.Logf("%s", sign.summary(signupKind))
	t.Logf("%s", book.summary(bookingKind))
	sign.checkAnswers(t, signupKind, true) // requests on their way at the kill get no answer
	book.checkAnswers(t, bookingKind, true)
	signups, bookings := checkSucceededStored(t, s.db, l)
	participants, booked := checkWhole(t, s.db, l.prefix)
	counted1, rows1 := signupFigures(t, s.db)
	if counted1-counted0 != rows1-rows0 {
		t.Errorf("the yearly count grew by %d, the sign-ups by %d", counted1-counted0, rows1-rows0)
	}
	mails := checkMailOnce(t, s.db, smtp, l.prefix)
	t.Logf("at the kill: %d sign-ups and %d bookings, all whole; messages held inside DATA: %d; mail jobs left running: %d; mails unsent: %d",
		participantsAtKill, bookingsAtKill, held, running, unsent)
	t.Logf("in the database: sign-ups %d of %d succeeded (%d in all, %d whole); bookings %d of %d succeeded (%d in all, %d with both meetings)",
		signups.okFound, signups.ok, signups.all, participants, bookings.okFound, bookings.ok, bookings.all, booked)
	t.Logf("mail: %d confirmations, each delivered once; the last %s after the new instance started", mails, drained.Round(time.Millisecond))
}

// 3. The SMTP server is away: mail waits in the outbox, counting its attempts, and when the
// server is back on the same port every message is delivered exactly once.
func TestMailWaitsForSMTP(t *testing.T) {
	ctx := context.Background()
	dbURL := pg.newDatabase(t)
	s := prepare(t, dbURL)
	smtp := newSink(t)
	smtp.up()
	a := startApp(t, "app", baseEnv(dbURL, smtp.addr))
	s.findGroup(t, a.url)
	l := newLoad(a.url, s, "smtp")
	l.signup()
	waitMailDrained(t, s.db, l.prefix, 30*time.Second)
	if n := len(smtp.messages()); n != 1 {
		t.Fatalf("with SMTP up, the sink got %d messages for one sign-up", n)
	}

	smtp.down()
	const waiting = 8
	for range waiting {
		l.signup()
	}
	if n := l.okCount(signupKind); n != 1+waiting {
		t.Fatalf("%d of %d sign-ups succeeded with SMTP down: mail must not hold a sign-up up", n, 1+waiting)
	}
	var failed, maxAttempts int
	var lastError string
	waitedFor := eventually(t, time.Minute, "every new mail to fail at least once and wait", func() bool {
		err := s.db.QueryRow(ctx, `SELECT count(*), coalesce(max(attempts), 0), coalesce(max(last_error), '')
			FROM outbox WHERE to_addr LIKE $1 AND sent_at IS NULL AND attempts > 0 AND last_error IS NOT NULL`,
			l.prefix+"-%").Scan(&failed, &maxAttempts, &lastError)
		return err == nil && failed == waiting
	})
	var retryable int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'mail_send' AND state IN ('retryable', 'available', 'running')`).Scan(&retryable); err != nil {
		t.Fatal(err)
	}
	if retryable != waiting {
		t.Errorf("%d mail jobs waiting to retry, want %d", retryable, waiting)
	}
	if n := len(smtp.messages()); n != 1 {
		t.Errorf("the sink got %d messages while it was down", n)
	}

	smtp.up()
	drained := waitMailDrained(t, s.db, l.prefix, 90*time.Second)
	mails := checkMailOnce(t, s.db, smtp, l.prefix)
	var attempts []int
	rows, err := s.db.Query(ctx, `SELECT attempts FROM outbox WHERE to_addr LIKE $1 ORDER BY id`, l.prefix+"-%")
	if err == nil {
		attempts, err = pgx.CollectRows(rows, pgx.RowTo[int])
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SMTP down: %d mails failed and waited (attempts up to %d, error %q) within %s; sink back: all %d delivered once within %s; attempts per mail %v",
		waiting, maxAttempts, lastError, waitedFor.Round(time.Millisecond), mails, drained.Round(time.Millisecond), attempts)
}

// 4. Two instances start at once on one new database: the migrations run once and both
// serve; a login on one is a login on the other; queued mail goes out once whichever
// instance works it; River elects one leader, so each periodic job is queued once.
func TestTwoInstancesOneDatabase(t *testing.T) {
	ctx := context.Background()
	dbURL := pg.newDatabase(t)
	smtp := newSink(t)
	smtp.up()
	env := baseEnv(dbURL, smtp.addr)
	env["LOG_LEVEL"] = "info" // to see which instance migrated
	a, b := launch(t, "A", env), launch(t, "B", env)
	a.listening(t)
	b.listening(t)
	db := openPool(t, dbURL)

	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var applied, distinct, riverApplied, riverDistinct int
	err = db.QueryRow(ctx, `SELECT (SELECT count(*) FROM goose_db_version WHERE version_id > 0),
		(SELECT count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0),
		(SELECT count(*) FROM river_migration), (SELECT count(DISTINCT (line, version)) FROM river_migration)`).
		Scan(&applied, &distinct, &riverApplied, &riverDistinct)
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(files) || distinct != len(files) {
		t.Errorf("goose_db_version: %d rows for %d versions, want each of the %d migrations once", applied, distinct, len(files))
	}
	if riverApplied == 0 || riverApplied != riverDistinct {
		t.Errorf("river_migration: %d rows for %d versions", riverApplied, riverDistinct)
	}
	migratedA, migratedB := strings.Count(a.out.String(), "msg=migrated"), strings.Count(b.out.String(), "msg=migrated")
	if migratedA+migratedB != 1 {
		t.Errorf("instances that say they migrated: A %d, B %d; want one of them once", migratedA, migratedB)
	}
	for _, x := range []*app{a, b} {
		if r, err := do("GET", x.url+"/readyz", nil, nil); err != nil || r.status != http.StatusOK {
			t.Errorf("%s /readyz = %d %v", x.name, r.status, err)
		}
	}

	s := prepare(t, dbURL)
	s.findGroup(t, a.url)
	session := staffLogin(t, a.url)
	onB, err := do("GET", b.url+"/admin", nil, http.Header{"Cookie": {session.String()}})
	if err != nil || onB.status != http.StatusOK || !strings.Contains(onB.body, staffName) {
		t.Errorf("B with A's session: %d to %q, %v; want the staff page with %q", onB.status, onB.location, err, staffName)
	}
	out, err := do("POST", b.url+"/logg-ut", nil, http.Header{"Cookie": {session.String()}})
	if err != nil || out.status != http.StatusSeeOther {
		t.Errorf("logout on B: %d %v", out.status, err)
	}
	onA, err := do("GET", a.url+"/admin", nil, http.Header{"Cookie": {session.String()}})
	if err != nil || onA.status != http.StatusSeeOther || !strings.HasPrefix(onA.location, "/logg-inn") {
		t.Errorf("A after logout on B: %d to %q, %v; want 303 to the login page", onA.status, onA.location, err)
	}

	const perInstance = 15
	la, lb := newLoad(a.url, s, "two-a"), newLoad(b.url, s, "two-b")
	for range perInstance {
		la.signup()
		lb.signup()
	}
	if la.okCount(signupKind)+lb.okCount(signupKind) != 2*perInstance {
		t.Fatalf("sign-ups: %s; %s", la.snapshot(signupKind).summary(signupKind), lb.snapshot(signupKind).summary(signupKind))
	}
	drained := waitMailDrained(t, db, "two", time.Minute)
	mails := checkMailOnce(t, db, smtp, "two")
	if mails != 2*perInstance {
		t.Errorf("%d mails in the outbox for %d sign-ups", mails, 2*perInstance)
	}
	workedBy := map[string]int{}
	rows, err := db.Query(ctx, `SELECT attempted_by[array_length(attempted_by, 1)], count(*) FROM river_job
		WHERE kind = 'mail_send' GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		workedBy[id] = n
	}

	// The leader queues the periodic jobs (each runs on start, then daily or hourly).
	var leaders int
	eventually(t, 30*time.Second, "a leader and its periodic jobs", func() bool {
		err := db.QueryRow(ctx, `SELECT count(*) FROM river_leader`).Scan(&leaders)
		var purge int
		err2 := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'mail_purge'`).Scan(&purge)
		return err == nil && err2 == nil && leaders == 1 && purge > 0
	})
	periodic := map[string]int{}
	rows, err = db.Query(ctx, `SELECT kind, count(*) FROM river_job WHERE kind <> 'mail_send' GROUP BY kind`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			t.Fatal(err)
		}
		periodic[kind] = n
	}
	for kind, n := range periodic {
		if n != 1 {
			t.Errorf("periodic job %s queued %d times, want once", kind, n)
		}
	}
	kinds := make([]string, 0, len(periodic))
	for k := range periodic {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	t.Logf("two instances at once: %d goose migrations applied once each (%d rows), %d River migrations; migrated by A %d×, B %d×",
		len(files), applied, riverApplied, migratedA, migratedB)
	t.Logf("session: made on A, valid on B; logout on B ended it on A")
	t.Logf("mail: %d sign-ups (%d through each), %d mails delivered once each within %s; sent by River clients %v",
		2*perInstance, perInstance, mails, drained.Round(time.Millisecond), workedBy)
	t.Logf("leaders: %d; periodic jobs queued: %v (each once)", leaders, kinds)
}
