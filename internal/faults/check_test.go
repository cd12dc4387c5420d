//go:build faults

package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// stored is what the database holds of one kind of request of a load.
type stored struct {
	ok, okFound int // requests answered with success, and how many of them are in the database
	all         int // rows the load made in all, also by requests whose answer was an error
}

// checkSucceededStored fails t for any request answered with success whose change is not in
// the database, and counts the load's rows.
func checkSucceededStored(t *testing.T, db *pgxpool.Pool, l *load) (signups, bookings stored) {
	t.Helper()
	ctx := context.Background()
	okEmails := l.snapshot(signupKind).ok
	okTitles := l.snapshot(bookingKind).ok
	signups.ok, bookings.ok = len(okEmails), len(okTitles)
	// A sign-up with an address is a request waiting for its owner's confirmation, and the
	// mail that asks for it: the address is in the outbox only.
	err := db.QueryRow(ctx, `
		SELECT (SELECT count(DISTINCT to_addr) FROM outbox WHERE kind = 'confirm' AND to_addr = ANY($1)),
		       (SELECT count(*) FROM outbox WHERE kind = 'confirm' AND to_addr LIKE $3),
		       (SELECT count(*) FROM bookings WHERE title = ANY($2)),
		       (SELECT count(*) FROM bookings WHERE title LIKE $3)`,
		okEmails, okTitles, l.prefix+"-%").Scan(&signups.okFound, &signups.all, &bookings.okFound, &bookings.all)
	if err != nil {
		t.Fatal(err)
	}
	if signups.okFound != signups.ok {
		t.Errorf("%d sign-ups answered with success, %d of them in the database: committed data lost", signups.ok, signups.okFound)
	}
	if bookings.okFound != bookings.ok {
		t.Errorf("%d bookings answered with success, %d of them in the database: committed data lost", bookings.ok, bookings.okFound)
	}
	return signups, bookings
}

// checkWhole fails t for any change of the load's that is only partly in the database: each
// sign-up is a request (form_requests), the mail asking to confirm it and that mail's River
// job, all or nothing; each booking has its two meetings. It returns the number of each. The
// request holds no address (only a keyed hash), so requests and mails are matched by number:
// the test's database holds the load's requests alone.
func checkWhole(t *testing.T, db *pgxpool.Pool, prefix string) (requests, bookings int) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `
		SELECT o.to_addr,
		       (SELECT count(*) FROM outbox m WHERE m.to_addr = o.to_addr),
		       (SELECT count(*) FROM river_job j WHERE j.kind = 'mail_send' AND (j.args->>'outbox_id')::bigint = o.id)
		FROM outbox o WHERE o.kind = 'confirm' AND o.to_addr LIKE $1 ORDER BY o.id`, prefix+"-%")
	if err != nil {
		t.Fatal(err)
	}
	var broken []string
	mails := 0
	for rows.Next() {
		var email string
		var o, j int
		if err := rows.Scan(&email, &o, &j); err != nil {
			t.Fatal(err)
		}
		mails++
		if o != 1 || j != 1 {
			broken = append(broken, fmt.Sprintf("%s: %d mails, %d jobs", email, o, j))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM form_requests WHERE kind = 'signup'`).Scan(&requests); err != nil {
		t.Fatal(err)
	}
	if requests != mails {
		t.Errorf("%d sign-up requests and %d mails asking to confirm one: some are half-written", requests, mails)
	}
	if len(broken) > 0 {
		t.Errorf("%d of %d sign-ups are half-written (want 1 of each): %q", len(broken), mails, broken[:min(5, len(broken))])
	}
	var orphanMail, orphanJobs int
	var occurrences []int
	err = db.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM outbox o WHERE o.to_addr LIKE $1 AND o.kind <> 'confirm'),
		       (SELECT count(*) FROM river_job j WHERE j.kind = 'mail_send'
		        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = (j.args->>'outbox_id')::bigint)),
		       (SELECT coalesce(array_agg(n ORDER BY n), '{}') FROM (
		            SELECT count(o.id) AS n FROM bookings b LEFT JOIN booking_occurrences o ON o.booking_id = b.id
		            WHERE b.title LIKE $1 GROUP BY b.id) c)`, prefix+"-%").Scan(&orphanMail, &orphanJobs, &occurrences)
	if err != nil {
		t.Fatal(err)
	}
	if orphanMail > 0 || orphanJobs > 0 {
		t.Errorf("%d mails without their sign-up, %d mail jobs without their mail", orphanMail, orphanJobs)
	}
	bookings = len(occurrences)
	if slices.ContainsFunc(occurrences, func(n int) bool { return n != 2 }) {
		t.Errorf("bookings of two meetings hold these numbers of meetings: %v", occurrences)
	}
	return requests, bookings
}

// signupFigures returns the anonymous yearly count of sign-ups and the number of sign-up
// rows: the count is raised in the sign-up's own transaction, so the two move together.
func signupFigures(t *testing.T, db *pgxpool.Pool) (counted, rows int) {
	t.Helper()
	err := db.QueryRow(context.Background(), `
		SELECT (SELECT coalesce(sum(count), 0) FROM yearly_counts WHERE metric = 'signups'),
		       (SELECT count(*) FROM signups)`).Scan(&counted, &rows)
	if err != nil {
		t.Fatal(err)
	}
	return counted, rows
}

// mailState counts the outbox rows of prefix: all, sent, and the mail jobs not yet completed.
func mailState(ctx context.Context, db *pgxpool.Pool, prefix string) (all, sent, pendingJobs int, err error) {
	err = db.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM outbox WHERE to_addr LIKE $1),
		       (SELECT count(*) FROM outbox WHERE to_addr LIKE $1 AND sent_at IS NOT NULL),
		       (SELECT count(*) FROM river_job WHERE kind = 'mail_send' AND state <> 'completed')`,
		prefix+"-%").Scan(&all, &sent, &pendingJobs)
	return all, sent, pendingJobs, err
}

// waitMailDrained waits until every mail of prefix is marked sent and no mail job is left to
// run (so nothing can be sent again), and returns how long that took.
func waitMailDrained(t *testing.T, db *pgxpool.Pool, prefix string, within time.Duration) time.Duration {
	t.Helper()
	var all, sent, pending int
	var err error
	start := time.Now()
	for pause := 20 * time.Millisecond; ; pause = min(2*pause, 500*time.Millisecond) {
		all, sent, pending, err = mailState(context.Background(), db, prefix)
		if err == nil && all > 0 && sent == all && pending == 0 {
			return time.Since(start)
		}
		if time.Since(start) > within {
			var jobs []string
			if rows, qerr := db.Query(context.Background(), `SELECT state || coalesce(' ' || (errors[array_length(errors, 1)]->>'error'), '')
				FROM river_job WHERE kind = 'mail_send' AND state <> 'completed' LIMIT 5`); qerr == nil {
				jobs, _ = pgx.CollectRows(rows, pgx.RowTo[string])
			}
			t.Fatalf("after %s: %d of %d mails sent, %d mail jobs not completed (%v), error %v", within, sent, all, pending, jobs, err)
		}
		time.Sleep(pause)
	}
}

// checkMailOnce fails t unless the sink got every outbox message of prefix exactly once:
// one per Message-ID and one per recipient, and none the outbox does not hold. It returns
// the number of messages.
func checkMailOnce(t *testing.T, db *pgxpool.Pool, s *sink, prefix string) int {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT message_id, to_addr FROM outbox WHERE to_addr LIKE $1 ORDER BY id`, prefix+"-%")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // Message-ID → recipient
	for rows.Next() {
		var id, to string
		if err := rows.Scan(&id, &to); err != nil {
			t.Fatal(err)
		}
		want["<"+id+"@"+mailDomain+">"] = to
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	byID, byRecipient := map[string]int{}, map[string]int{}
	for _, m := range s.messages() {
		if strings.HasPrefix(m.to, prefix+"-") {
			byID[m.messageID]++
			byRecipient[m.to]++
		}
	}
	var problems []string
	for id, to := range want {
		if byID[id] != 1 || byRecipient[to] != 1 {
			problems = append(problems, fmt.Sprintf("%s to %s: %d by id, %d to the address", id, to, byID[id], byRecipient[to]))
		}
	}
	for id, n := range byID {
		if _, ok := want[id]; !ok {
			problems = append(problems, fmt.Sprintf("%s (%d times) is in no outbox row", id, n))
		}
	}
	slices.Sort(problems)
	if len(problems) > 0 {
		t.Errorf("%d problems with %d mails (want each exactly once): %q", len(problems), len(want), problems[:min(5, len(problems))])
	}
	return len(want)
}
