package licences

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// ReminderArgs is the hourly job that reminds borrowers that a loan ends, and tells them
// when it has ended.
type ReminderArgs struct{}

// Kind names the job for River.
func (ReminderArgs) Kind() string { return "licence_reminders" }

// ReminderWorker queues the loan reminders that are due (SendReminders) in Outbox, which
// makes their links; built without a River client, it queues through the client running the
// job.
type ReminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	DB     *pgxpool.Pool
	Outbox *mail.Outbox
	Now    func() time.Time
	Log    *slog.Logger
}

// Work queues the reminders due now.
func (w *ReminderWorker) Work(ctx context.Context, _ *river.Job[ReminderArgs]) error {
	n, err := SendReminders(ctx, w.DB, w.Outbox, w.Now())
	if n > 0 {
		w.Log.Info("licences: loan reminders queued", "count", n)
	}
	return err
}

// ReminderJob runs the worker every hour, and at start.
func ReminderJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return ReminderArgs{}, nil },
		&river.PeriodicJobOpts{ID: "licence_reminders", RunOnStart: true})
}

// The notices a loan gets, in the order they fall due.
const (
	noticeWeek    = 1 // the last week has begun
	noticeDay     = 2 // the last day has begun
	noticeOverdue = 3 // the loan has ended and the licence is not marked returned
)

// dueLoan is an open loan with a notice due, and what its mail needs.
type dueLoan struct {
	id       int64
	ends     time.Time
	partner  bool // lent to an organisation, whose users have the partner page
	provider string
	name     string
	email    string
	lang     string
	notice   int
}

// nextDue locks the open loan whose notice is most urgent at now and returns it, or
// pgx.ErrNoRows. Loans another instance holds are skipped: it is sending theirs. "Days" are
// local days, so the last day begins at midnight in Oslo also across a change of summer
// time. The week reminder goes only to loans that had begun by then: to a shorter loan it
// would tell a wrong number of days, and the day reminder covers it.
func nextDue(ctx context.Context, tx pgx.Tx, now time.Time) (dueLoan, error) {
	var d dueLoan
	err := tx.QueryRow(ctx, `
		SELECT n.id, upper(n.period), n.org_id IS NOT NULL, l.provider, q.contact_name, q.contact_email, q.lang,
			CASE WHEN $1 >= upper(n.period) THEN 3 WHEN $1 >= t.day_from THEN 2 ELSE 1 END
		FROM licence_loans n
		JOIN licences l ON l.id = n.licence_id
		JOIN licence_requests q ON q.id = n.request_id
		CROSS JOIN LATERAL (SELECT
			(upper(n.period) AT TIME ZONE $3 - interval '7 days') AT TIME ZONE $3 AS week_from,
			(upper(n.period) AT TIME ZONE $3 - interval '1 day') AT TIME ZONE $3 AS day_from) t
		WHERE n.returned_at IS NULL AND n.cancelled_at IS NULL AND upper(n.period) <= $2
			AND ((n.overdue_sent_at IS NULL AND $1 >= upper(n.period))
				OR (n.reminded_day_at IS NULL AND $1 >= t.day_from AND $1 < upper(n.period))
				OR (n.reminded_week_at IS NULL AND $1 >= t.week_from AND $1 < t.day_from AND lower(n.period) <= t.week_from))
		ORDER BY upper(n.period), n.id
		LIMIT 1
		FOR UPDATE OF n SKIP LOCKED`,
		// upper(period) <= $2 is what lets the partial index licence_loans_open_idx find the
		// candidates: every loan with a notice due ends within a week of now.
		now, now.In(tz.Oslo).AddDate(0, 0, 7), tz.Oslo.String(),
	).Scan(&d.id, &d.ends, &d.partner, &d.provider, &d.name, &d.email, &d.lang, &d.notice)
	return d, err
}

// message is the mail of the notice due on d; a partner's links to the partner page, made by
// out.
func (d dueLoan) message(out *mail.Outbox) mail.Message {
	lang, _ := i18n.Parse(d.lang) // an unknown language gets Norwegian
	url := ""
	if d.partner {
		url = out.URL(partnerPage)
	}
	var m mail.Message
	switch d.notice {
	case noticeWeek:
		m = reminderMessage(lang, d.name, d.provider, d.ends, 7, url)
	case noticeDay:
		m = reminderMessage(lang, d.name, d.provider, d.ends, 1, url)
	default:
		m = overdueMessage(lang, d.name, d.provider, d.ends, url)
	}
	m.To = d.email
	return m
}

// markSent records that d's notice went out at now. An earlier notice not yet sent is marked
// too, without being sent: once the last day has begun, a week reminder would only confuse.
func markSent(ctx context.Context, db postgres.DBTX, d dueLoan, now time.Time) error {
	_, err := db.Exec(ctx, `UPDATE licence_loans SET
			reminded_week_at = coalesce(reminded_week_at, $2),
			reminded_day_at = CASE WHEN $3 >= 2 THEN coalesce(reminded_day_at, $2) ELSE reminded_day_at END,
			overdue_sent_at = CASE WHEN $3 = 3 THEN coalesce(overdue_sent_at, $2) ELSE overdue_sent_at END
		WHERE id = $1`, d.id, now, d.notice)
	return err
}

// SendReminders queues the loan notices due at now in out and returns how many it queued: a
// week reminder once the last 7 days have begun, a day reminder once the last day has begun,
// and a notice when the loan has ended without being returned. Each loan's mail is queued in
// the transaction that marks it sent, with the loan row locked, so several instances running
// this at once never send one twice. A loan to an organisation links to the partner page; a
// group's contact has none to log in to. A contact whose address cannot be mailed is marked
// and reported in the error, and the others are still sent.
func SendReminders(ctx context.Context, db postgres.DBTX, out *mail.Outbox, now time.Time) (int, error) {
	sent := 0
	var failed []error
	for {
		var d dueLoan
		err := postgres.InTx(ctx, db, func(tx pgx.Tx) error {
			var err error
			if d, err = nextDue(ctx, tx, now); err != nil {
				return err
			}
			if _, err := out.Enqueue(ctx, tx, d.message(out)); err != nil {
				return err
			}
			return markSent(ctx, tx, d, now)
		})
		switch {
		case err == nil:
			sent++
		case errors.Is(err, pgx.ErrNoRows):
			return sent, errors.Join(failed...)
		case errors.Is(err, postgres.ErrInvalid) && d.id != 0:
			// Not the error's text: it holds the address, which must stay out of logs.
			failed = append(failed, fmt.Errorf("licences: loan %d: the contact cannot be mailed: %w", d.id, postgres.ErrInvalid))
			if err := markSent(ctx, db, d, now); err != nil {
				return sent, fmt.Errorf("licences: reminders: %w", err)
			}
		default:
			return sent, errors.Join(append(failed, fmt.Errorf("licences: reminders: %w", err))...)
		}
	}
}
