// Package digest sends staff who asked for it one mail a day listing the room and licence
// requests that arrived since their last one, so that a request does not wait unseen.
package digest

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Hour is the hour of the morning (Oslo) from which the day's digest is sent.
const Hour = 7

// listed is the most requests of each kind one digest lists; the link leads to the rest.
const listed = 50

// Send queues each staff member who asked for the digest, and has had none today, one mail
// listing the requests still pending that arrived since their last, and returns how many it
// queued. Nobody gets one before Hour in Oslo, more than one a day, or one with nothing new.
// The mails and the marks that they were sent are written in one transaction.
func Send(ctx context.Context, db postgres.DBTX, out *mail.Outbox, now time.Time) (int, error) {
	if now.In(tz.Oslo).Hour() < Hour {
		return 0, nil
	}
	sent := 0
	err := postgres.InTx(ctx, db, func(tx pgx.Tx) error {
		sent = 0
		due, err := auth.ClaimDigests(ctx, tx, tz.Midnight(now), now)
		if err != nil {
			return err
		}
		for _, r := range due {
			room, err := rooms.NewStore(tx, nil).Arrived(ctx, r.Since, now, listed)
			if err != nil {
				return err
			}
			loans, err := licences.NewStore(tx, nil, nil).Arrived(ctx, r.Since, now, listed)
			if err != nil {
				return err
			}
			if len(room)+len(loans) == 0 {
				continue
			}
			m := message(r.Lang, r.Name, room, loans, out.URL)
			m.To = r.Email
			if _, err := out.Enqueue(ctx, tx, m); err != nil {
				return err
			}
			if err := auth.DigestSent(ctx, tx, r.ID, now); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("digest: %w", err)
	}
	return sent, nil
}

// message is the digest for name in lang: a line per request with its link (url makes a
// page's absolute address). Like all mail it never names a group, whose name may tell its
// theme: a group's request is "the contact person of a group".
func message(lang i18n.Lang, name string, room []rooms.Request, loans []licences.Request, url func(string) string) mail.Message {
	n := len(room) + len(loans)
	m := mail.Message{
		Lang:       lang,
		Kind:       mail.KindRequestDigest,
		Subject:    i18n.Translate(lang, "mail.digest.subject", "Count", n),
		Greeting:   i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{i18n.Translate(lang, "mail.digest.lead", "Count", n)},
		Action:     mail.Action{Label: i18n.Translate(lang, "mail.digest.action"), URL: url("/admin/foresporsler")},
		Notes:      []string{i18n.Translate(lang, "mail.digest.why")},
		Closing:    i18n.Translate(lang, "mail.closing"),
	}
	who := func(org string, orgID int64) string {
		if orgID == 0 {
			return i18n.Translate(lang, "mail.digest.group")
		}
		return org
	}
	for _, q := range room {
		key, what := "mail.digest.room", "mail.room.slot"
		if q.Kind == rooms.KindCancel {
			key, what = "mail.digest.roomCancel", "mail.room.cancel"
		}
		when := mail.FormatTime(lang, tz.Midnight(q.Series.First).Add(q.Series.Start))
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, key, "Who", who(q.From, q.OrgID),
			"What", i18n.Translate(lang, what, "When", when, "Room", q.RoomName),
			"Link", url("/admin/foresporsler/"+strconv.FormatInt(q.ID, 10))))
	}
	for _, q := range loans {
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "mail.digest.licence", "Who", who(q.From, q.OrgID),
			"Provider", i18n.Translate(lang, "mail.provider."+q.Provider),
			"From", mail.FormatDate(lang, q.Starts), "To", mail.FormatDate(lang, q.LastDay()),
			"Link", url("/admin/lisenser/foresporsler/"+strconv.FormatInt(q.ID, 10))))
	}
	return m
}

// JobArgs is the job that sends the day's digests.
type JobArgs struct{}

// Kind names the job for River.
func (JobArgs) Kind() string { return "request_digest" }

// Worker sends the digests. Its Outbox is built without a client (mail.NewOutbox(nil, base,
// seal)): it enqueues through the River client that runs the job.
type Worker struct {
	river.WorkerDefaults[JobArgs]
	DB     *pgxpool.Pool
	Outbox *mail.Outbox
	Now    func() time.Time
	Log    *slog.Logger
}

// Work sends the digests due.
func (w *Worker) Work(ctx context.Context, _ *river.Job[JobArgs]) error {
	sent, err := Send(ctx, w.DB, w.Outbox, w.Now())
	if sent > 0 {
		w.Log.Info("request digests", "sent", sent)
	}
	return err
}

// daily is the schedule "every day at Hour in Oslo".
type daily struct{}

// Next is the next Hour o'clock in Oslo after t.
func (daily) Next(t time.Time) time.Time {
	local := t.In(tz.Oslo)
	next := time.Date(local.Year(), local.Month(), local.Day(), Hour, 0, 0, 0, tz.Oslo)
	if !next.After(local) {
		next = time.Date(local.Year(), local.Month(), local.Day()+1, Hour, 0, 0, 0, tz.Oslo)
	}
	return next
}

// Job runs the worker every morning at Hour, and at start (a digest missed while the app was
// down goes out then; Send never sends one twice a day).
func Job() *river.PeriodicJob {
	return river.NewPeriodicJob(daily{}, func() (river.JobArgs, *river.InsertOpts) { return JobArgs{}, nil },
		&river.PeriodicJobOpts{ID: "request_digest", RunOnStart: true})
}
