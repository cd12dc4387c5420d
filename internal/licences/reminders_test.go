package licences_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// lend approves a new request for days first..last from today with licence lic.
func lend(t *testing.T, s *licences.Store, who licences.Requester, lic int64, first, last int) licences.Loan {
	t.Helper()
	_, loan, err := s.Decide(context.Background(), request(t, s, who, first, last, 5), licences.Decision{Approve: true, Licence: lic}, staff)
	if err != nil {
		t.Fatal(err)
	}
	return loan
}

// lastMail is the id of the newest mail in the outbox (the answers to the requests that
// made the loans), after which the reminders are read; 0 when there is none.
func lastMail(t *testing.T, db *pgxpool.Pool) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT coalesce(max(id), 0) FROM outbox`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

type sentMail struct{ To, Kind, Subject, Text string }

// outbox returns the mail queued since the last call, oldest first.
func outbox(t *testing.T, db *pgxpool.Pool, after *int64) []sentMail {
	t.Helper()
	var list []sentMail
	for _, m := range mailtest.All(t, db) {
		if m.ID > *after {
			list = append(list, sentMail{To: m.To, Kind: m.Kind, Subject: m.Subject, Text: m.Text})
			*after = m.ID
		}
	}
	return list
}

// A loan gets a week reminder, a day reminder and an overdue notice, each once, at its time;
// a returned loan gets nothing.
func TestReminders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	box := mailtest.Outbox(t, db)
	who := licences.Requester{OrgID: org(t, db, "Org"), Lang: "nb"}
	loan := lend(t, s, who, licence(t, s, "Zoom 1", "x", "100"), 0, 20)
	returned := lend(t, s, who, licence(t, s, "Zoom 2", "y", "100"), 0, 20)
	if _, err := s.Return(ctx, returned.ID, staff, time.Now()); err != nil {
		t.Fatal(err)
	}
	ends := loan.Ends.In(tz.Oslo)
	seen := lastMail(t, db)
	for _, step := range []struct {
		name string
		at   time.Time
		want string // the kind queued, "" for none
		text string
	}{
		{"8 days before", ends.AddDate(0, 0, -8), "", ""},
		{"6 days before", ends.AddDate(0, 0, -6), string(mail.KindLoanReminder), "slutter om 7 dager"},
		{"6 days before, again", ends.AddDate(0, 0, -6).Add(time.Hour), "", ""},
		{"12 hours before", ends.Add(-12 * time.Hour), string(mail.KindLoanReminder), "slutter snart"},
		{"1 hour before", ends.Add(-time.Hour), "", ""},
		{"after the end", ends.Add(time.Minute), string(mail.KindLoanOverdue), "sluttet"},
		{"after the end, again", ends.AddDate(0, 0, 3), "", ""},
	} {
		n, err := licences.SendReminders(ctx, db, box, step.at)
		got := outbox(t, db, &seen)
		switch {
		case err != nil:
			t.Fatalf("%s: %v", step.name, err)
		case step.want == "" && (n != 0 || len(got) != 0):
			t.Errorf("%s: %d queued: %+v", step.name, n, got)
		case step.want == "":
		case n != 1 || len(got) != 1:
			t.Errorf("%s: %d queued: %+v", step.name, n, got)
		case got[0].Kind != step.want || got[0].To != "kari@example.test" || !strings.Contains(got[0].Text, step.text) ||
			!strings.Contains(got[0].Text, "Hei, Kari!") || !strings.Contains(got[0].Text, box.URL("/partner/lisenser")):
			t.Errorf("%s: %+v", step.name, got[0])
		}
	}
	var week, day, overdue *time.Time
	db.QueryRow(ctx, `SELECT reminded_week_at, reminded_day_at, overdue_sent_at FROM licence_loans WHERE id = $1`, returned.ID).Scan(&week, &day, &overdue)
	if week != nil || day != nil || overdue != nil {
		t.Errorf("the returned loan was reminded: %v %v %v", week, day, overdue)
	}
}

// A loan first seen on its last day gets only the day reminder; one shorter than a week gets
// no week reminder. A group's contact gets no link, and the mail never names the group.
func TestRemindersSkipTheWeekOnceTheLastDayHasBegun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	box := mailtest.Outbox(t, db)
	long := lend(t, s, licences.Requester{OrgID: org(t, db, "Org"), Lang: "en"}, licence(t, s, "Zoom 1", "x", "100"), 0, 20)
	group := groupNamed(t, db, "Sorggruppe")
	short := lend(t, s, licences.Requester{GroupID: group, Lang: "nb"}, licence(t, s, "Zoom 2", "y", "100"), 1, 3)
	seen := lastMail(t, db)

	// The short loan is within a week of its end from the start: no week reminder.
	lastDay := short.Ends.In(tz.Oslo).AddDate(0, 0, -1)
	for _, at := range []time.Time{short.Starts, lastDay.Add(-time.Minute)} {
		if n, err := licences.SendReminders(ctx, db, box, at); err != nil || n != 0 {
			t.Errorf("at %v: %d queued, %v", at, n, err)
		}
	}
	if n, err := licences.SendReminders(ctx, db, box, lastDay.Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("the short loan's last day: %d queued, %v", n, err)
	}
	got := outbox(t, db, &seen)
	if len(got) != 1 || !strings.Contains(got[0].Text, "slutter snart") || strings.Contains(got[0].Text, "://") ||
		strings.Contains(got[0].Subject+got[0].Text, "Sorg") {
		t.Errorf("group's day reminder: %+v", got)
	}
	if _, err := s.Return(ctx, short.ID, staff, time.Now()); err != nil {
		t.Fatal(err)
	}

	// The long loan is first seen on its last day.
	if n, err := licences.SendReminders(ctx, db, box, long.Ends.Add(-12*time.Hour)); err != nil || n != 1 {
		t.Fatalf("first run on the last day: %d queued, %v", n, err)
	}
	got = outbox(t, db, &seen)
	if len(got) != 1 || got[0].Kind != string(mail.KindLoanReminder) || !strings.Contains(got[0].Text, "ends soon") {
		t.Errorf("day reminder: %+v", got)
	}
	if n, err := licences.SendReminders(ctx, db, box, long.Ends.Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("a second run sent %d (the week reminder?), %v", n, err)
	}
}

// The last day begins at midnight in Oslo, also when that day is 25 hours long.
func TestRemindersAcrossSummerTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	box := mailtest.Outbox(t, db)
	loan := lend(t, s, licences.Requester{OrgID: org(t, db, "Org"), Lang: "nb"}, licence(t, s, "Zoom 1", "x", "100"), 0, 20)
	// Move the loan to 1–25 October 2026: summer time ends on the 25th at 03.00.
	starts, ends := time.Date(2026, 10, 1, 0, 0, 0, 0, tz.Oslo), time.Date(2026, 10, 26, 0, 0, 0, 0, tz.Oslo)
	if _, err := db.Exec(ctx, `UPDATE licence_loans SET period = tstzrange($2, $3) WHERE id = $1`, loan.ID, starts, ends); err != nil {
		t.Fatal(err)
	}
	lastDay := time.Date(2026, 10, 25, 0, 0, 0, 0, tz.Oslo) // 25 hours before the end
	weekFrom := time.Date(2026, 10, 19, 0, 0, 0, 0, tz.Oslo)
	seen := lastMail(t, db)
	for _, c := range []struct {
		at   time.Time
		want int
	}{
		{weekFrom.Add(-time.Minute), 0},
		{weekFrom, 1},
		{lastDay.Add(-time.Minute), 0},
		{lastDay, 1},
	} {
		if n, err := licences.SendReminders(ctx, db, box, c.at); err != nil || n != c.want {
			t.Errorf("at %v: %d queued, want %d; %v", c.at, n, c.want, err)
		}
	}
	got := outbox(t, db, &seen)
	if len(got) != 2 || !strings.Contains(got[1].Text, "Siste dag du kan bruke den, er søndag 25. oktober 2026.") ||
		!strings.Contains(got[1].Text, "Fra mandag 26. oktober 2026 kl. 00.00") {
		t.Errorf("mail: %+v", got)
	}
}

// The periodic job runs at start and queues through the River client that runs it.
func TestReminderWorker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	loan := lend(t, s, licences.Requester{OrgID: org(t, db, "Org"), Lang: "en"}, licence(t, s, "Zoom 1", "x", "100"), 0, 20)
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := &licences.ReminderWorker{DB: db, Outbox: mail.NewOutbox(nil, mailtest.Base, mailtest.Seal), Now: func() time.Time { return loan.Ends.Add(time.Hour) }, Log: discard}
	client, err := mail.NewClient(db, mail.Config{Sender: mail.NewDevSender(discard), Seal: mailtest.Seal, Domain: "selvhjelp.test", Logger: discard,
		Register: func(ws *river.Workers) error { return river.AddWorkerSafely(ws, w) },
		Periodic: []*river.PeriodicJob{licences.ReminderJob()}})
	if err != nil {
		t.Fatal(err)
	}
	// Wait for River to say the job has run, instead of polling the outbox.
	done, unsubscribe := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer unsubscribe()
	seen := lastMail(t, db)
	runCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := client.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	defer client.Stop(ctx)
	for ran := false; !ran; {
		select {
		case ev := <-done:
			if ev.Job.Kind != (licences.ReminderArgs{}).Kind() {
				continue
			}
			if ev.Kind != river.EventKindJobCompleted {
				t.Fatalf("the reminder job failed: %v", ev.Job.Errors)
			}
			ran = true
		case <-runCtx.Done():
			t.Fatal("the reminder job did not run")
		}
	}
	got := outbox(t, db, &seen)
	if len(got) != 1 || got[0].Kind != string(mail.KindLoanOverdue) || !strings.Contains(got[0].Text, "licence ended on") {
		t.Errorf("queued: %+v", got)
	}
}

// Many instances running at once queue each notice once.
func TestConcurrentRemindersSendOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	box := mailtest.Outbox(t, db)
	who := licences.Requester{OrgID: org(t, db, "Org"), Lang: "nb"}
	var ends time.Time
	for i := range 10 {
		ends = lend(t, s, who, licence(t, s, "Zoom "+itoa(i), "x", "100"), 0, 20).Ends
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 8 {
		wg.Go(func() {
			n, err := licences.SendReminders(ctx, db, box, ends.AddDate(0, 0, -3))
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	var queued int
	db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE kind = 'loan_reminder'`).Scan(&queued)
	if total != 10 || queued != 10 {
		t.Errorf("%d reported, %d queued; want 10", total, queued)
	}
}
