package events

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
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
)

// HouseAddress is where events in the house take place, for the reminder.
const HouseAddress = "LINK Oslo, Kirkeveien 61, 6. etasje"

// mailOffers queues the e-mail of each offer, in tx, each with a new private link (only
// links' hashes are stored; the earlier ones keep working).
func (s *Store) mailOffers(ctx context.Context, tx pgx.Tx, offers []Offer) error {
	for _, o := range offers {
		token := tokens.New()
		if err := addLink(ctx, tx, o.ID, token); err != nil {
			return err
		}
		e, err := get(ctx, tx, o.EventID, true)
		if err != nil {
			return err
		}
		m := offerMail(i18n.Lang(o.Lang), o.FirstName, e.Starts, o.Deadline, s.out.URL("/arrangement/"+token))
		if err := s.enqueue(ctx, tx, o.Email, m); err != nil {
			return err
		}
	}
	return nil
}

// enqueue queues m to the address to, in tx.
func (s *Store) enqueue(ctx context.Context, tx pgx.Tx, to string, m mail.Message) error {
	m.To = to
	_, err := s.out.Enqueue(ctx, tx, m)
	return err
}

// SendReminders sends each confirmed person of an event starting within the next 24 hours
// one reminder, with the meeting link of a digital event or the house's address, and
// returns how many it sent. Each is queued in the transaction that marks it sent, and rows
// are skipped while another instance holds them: nobody gets two.
func (s *Store) SendReminders(ctx context.Context, now time.Time) (int, error) {
	sent := 0
	for {
		done := false
		err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
			var err error
			done, err = s.remindOne(ctx, tx, now)
			return err
		})
		if err != nil {
			return sent, fmt.Errorf("events: reminders: %w", err)
		}
		if done {
			return sent, nil
		}
		sent++
	}
}

// remindOne sends the next reminder due, in tx; done means none is left.
func (s *Store) remindOne(ctx context.Context, tx pgx.Tx, now time.Time) (done bool, err error) {
	var id int64
	var name, email, lang, format, meeting string
	var starts time.Time
	err = tx.QueryRow(ctx, `SELECT s.id, s.first_name, s.email, s.lang, e.format, e.meeting_link, e.starts_at
		FROM event_signups s JOIN events e ON e.id = s.event_id
		WHERE s.status = 'confirmed' AND s.reminded_at IS NULL AND e.published AND e.cancelled_at IS NULL AND e.starts_at > $1 AND e.starts_at <= $1 + interval '24 hours'
		ORDER BY e.starts_at, s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED`, now).
		Scan(&id, &name, &email, &lang, &format, &meeting, &starts)
	if errors.Is(err, pgx.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	where := HouseAddress
	if format == Digital {
		where = meeting
	}
	token := tokens.New()
	if _, err := tx.Exec(ctx, `UPDATE event_signups SET reminded_at = $2 WHERE id = $1`, id, now); err != nil {
		return false, err
	}
	if err := addLink(ctx, tx, id, token); err != nil {
		return false, err
	}
	return false, s.enqueue(ctx, tx, email, reminderMail(i18n.Lang(lang), name, starts, where, s.out.URL("/arrangement/"+token)))
}

// JobArgs is the hourly job of events: offers past their deadline go to the next person,
// tomorrow's reminders go out, and the sign-ups of events long over are deleted.
type JobArgs struct{}

// Kind names the job for River.
func (JobArgs) Kind() string { return "events_hourly" }

// Worker runs the hourly job. Its Outbox is built without a client (mail.NewOutbox(nil,
// base, seal)): it enqueues through the River client that runs the job.
type Worker struct {
	river.WorkerDefaults[JobArgs]
	DB     *pgxpool.Pool
	Outbox *mail.Outbox
	Now    func() time.Time
	Log    *slog.Logger
}

// Work expires offers, makes new ones and sends the reminders.
func (w *Worker) Work(ctx context.Context, _ *river.Job[JobArgs]) error {
	store := NewStore(w.DB, w.Outbox)
	now := w.Now()
	expired, _, err := store.ExpireOffers(ctx, now)
	if err != nil {
		return err
	}
	sent, err := store.SendReminders(ctx, now)
	if err != nil {
		return err
	}
	purged, err := store.Purge(ctx, now)
	if expired+sent+int(purged) > 0 {
		w.Log.Info("events", "offers_expired", expired, "reminders", sent, "signups_deleted", purged)
	}
	return err
}

// Job runs the worker every hour, and at start.
func Job() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return JobArgs{}, nil },
		&river.PeriodicJobOpts{ID: "events_hourly", RunOnStart: true})
}
