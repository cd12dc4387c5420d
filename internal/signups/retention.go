package signups

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Purge deletes sign-ups withdrawn or left more than months ago, and then the participants
// who have nothing left, with the mail to them, in one transaction, and returns how many
// people it removed. The yearly counts stay.
func (s *Store) Purge(ctx context.Context, months int) (int64, error) {
	var n int64
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM signups WHERE status IN ('withdrawn', 'left')
			AND status_changed_at < now() - make_interval(months => $1)`, months); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `DELETE FROM participants p
			WHERE p.created_at < now() - make_interval(months => $1)
			  AND NOT EXISTS (SELECT 1 FROM signups s WHERE s.participant_id = p.id)
			  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.participant_id = p.id AND m.left_at IS NULL)
			RETURNING coalesce(p.email::text, ''), coalesce(p.phone, '')`, months)
		if err != nil {
			return err
		}
		type contact struct{ Email, Phone string }
		gone, err := pgx.CollectRows(rows, pgx.RowToStructByPos[contact])
		if err != nil {
			return err
		}
		n = int64(len(gone))
		// Mail and SMS to a deleted person go with them: a deletion that left the address in
		// the outbox would not be one. The outbox is the mail package's, so it deletes them.
		for _, c := range gone {
			if err := mail.Forget(ctx, tx, c.Email, c.Phone); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("signups: purge: %w", err)
	}
	return n, nil
}

// RetentionArgs is the daily job that deletes what is no longer needed.
type RetentionArgs struct{}

// Kind names the job for River.
func (RetentionArgs) Kind() string { return "signups_retention" }

// RetentionWorker deletes sign-ups withdrawn or left more than Months ago, and participants
// with nothing left (Store.Purge), then runs Also: the other areas' purges of personal data
// past the same age. Several instances may run it: deleting twice is harmless.
type RetentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	DB     *pgxpool.Pool
	Months int
	Also   map[string]func(ctx context.Context, months int) (int64, error) // by what they delete
	Log    *slog.Logger
}

// Work runs one purge.
func (w *RetentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	n, err := NewStore(w.DB, nil).Purge(ctx, w.Months)
	if err != nil {
		return err
	}
	if n > 0 {
		w.Log.Info("retention: participants deleted", "count", n, "months", w.Months)
	}
	// Uploaded waiting lists past their hour (also deleted at each upload).
	if _, err := PurgeImports(ctx, w.DB); err != nil {
		return err
	}
	for what, purge := range w.Also {
		n, err := purge(ctx, w.Months)
		if err != nil {
			return err
		}
		if n > 0 {
			w.Log.Info("retention: "+what+" deleted", "count", n, "months", w.Months)
		}
	}
	return nil
}

// RetentionJob runs the worker once a day, and at start.
func RetentionJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil },
		&river.PeriodicJobOpts{ID: "signups_retention", RunOnStart: true})
}

// OfferExpiryArgs is the hourly job that ends offers past their deadline.
type OfferExpiryArgs struct{}

// Kind names the job for River.
func (OfferExpiryArgs) Kind() string { return "offer_expiry" }

// OfferExpiryWorker ends the pending offers past their deadline (ExpireOffers): the people
// wait again with their original waiting time. Several instances may run it.
type OfferExpiryWorker struct {
	river.WorkerDefaults[OfferExpiryArgs]
	DB  *pgxpool.Pool
	Now func() time.Time
	Log *slog.Logger
}

// Work runs one expiry.
func (w *OfferExpiryWorker) Work(ctx context.Context, _ *river.Job[OfferExpiryArgs]) error {
	n, err := ExpireOffers(ctx, w.DB, w.Now())
	if n > 0 {
		w.Log.Info("offers expired", "count", n)
	}
	return err
}

// OfferExpiryJob runs the worker every hour, and at start.
func OfferExpiryJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return OfferExpiryArgs{}, nil },
		&river.PeriodicJobOpts{ID: "offer_expiry", RunOnStart: true})
}
