package optin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// WorkArgs is the job of one request that needs no confirmation: a link or a reset.
type WorkArgs struct {
	ID int64 `json:"id"`
}

// Kind names the job for River.
func (WorkArgs) Kind() string { return "form_request" }

// Work does request id: it looks the address up and, when it belongs to a participant (a new
// link to "My sign-ups") or an active account (a reset link), queues the mail; otherwise
// nothing. Either way the content is deleted. A request done already, or deleted, is no error.
func (s *Store) Work(ctx context.Context, id int64) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var kind Kind
		var keyID string
		var sealed []byte
		err := tx.QueryRow(ctx, `SELECT kind, key_id, payload FROM form_requests
			WHERE id = $1 AND done_at IS NULL AND payload IS NOT NULL AND expires_at > now() FOR UPDATE`, id).Scan(&kind, &keyID, &sealed)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("optin: work %d: %w", id, err)
		}
		r, err := s.open(id, keyID, sealed)
		if err != nil {
			return err
		}
		switch kind {
		case KindLink:
			err = signups.NewStore(tx, s.out).SendLink(ctx, r.Email, r.Lang)
		case KindReset:
			err = auth.NewStore(tx).AskReset(ctx, s.out, r.Email, audit.Actor{IP: r.IP})
		default:
			err = fmt.Errorf("optin: request %d of kind %q waits for its confirmation", id, kind)
		}
		if err != nil {
			return err
		}
		return done(ctx, tx, id)
	})
}

// Worker runs the request jobs. Its store's outbox is built without a client
// (mail.NewOutbox(nil, base)): it enqueues through the River client that runs the job.
type Worker struct {
	river.WorkerDefaults[WorkArgs]
	Store *Store
}

// Work runs one request job.
func (w *Worker) Work(ctx context.Context, job *river.Job[WorkArgs]) error {
	return w.Store.Work(ctx, job.Args.ID)
}

// PurgeArgs is the hourly job that deletes what the requests no longer need.
type PurgeArgs struct{}

// Kind names the job for River.
func (PurgeArgs) Kind() string { return "form_requests_purge" }

// PurgeWorker deletes the content of expired requests (nobody confirmed them within TTL) and
// the rows the limiter no longer counts.
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	Store *Store
	Log   *slog.Logger
}

// Work runs the purge.
func (w *PurgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	expired, deleted, err := w.Store.Purge(ctx)
	if err != nil {
		return err
	}
	if expired+deleted > 0 {
		w.Log.Info("form requests purged", "expired", expired, "deleted", deleted)
	}
	return nil
}

// Purge empties the requests that expired unconfirmed and deletes those older than the
// limiter's window; it returns how many of each.
func (s *Store) Purge(ctx context.Context) (expired, deleted int64, err error) {
	tag, err := s.db.Exec(ctx, `UPDATE form_requests SET payload = NULL, key_id = NULL WHERE payload IS NOT NULL AND expires_at <= now()`)
	if err != nil {
		return 0, 0, fmt.Errorf("optin: purge: %w", err)
	}
	expired = tag.RowsAffected()
	tag, err = s.db.Exec(ctx, `DELETE FROM form_requests WHERE created_at < now() - $1::interval`, keep)
	if err != nil {
		return expired, 0, fmt.Errorf("optin: purge: %w", err)
	}
	return expired, tag.RowsAffected(), nil
}

// PurgeJob runs Purge every hour.
func PurgeJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, nil },
		&river.PeriodicJobOpts{ID: "form_requests_purge", RunOnStart: true})
}
