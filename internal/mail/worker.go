package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/sms"
)

// Queue is the River queue mail jobs run in, so other jobs never hold mail up.
const Queue = "mail"

// Sender hands one message to a mail transport.
type Sender interface {
	// Send delivers m with the Message-ID header messageID (without angle brackets). It
	// returns nil only once the transport has taken the message, and gives up as soon as ctx
	// ends.
	Send(ctx context.Context, m Mail, messageID string) error
	// Transport names the transport in the outbox: "smtp" or "devmailbox".
	Transport() string
}

// MessageID is the Message-ID (without angle brackets) of the outbox message whose
// Mail.MessageID is local: random, and the same on every attempt, so a receiver that got a
// message twice (the server took it but the answer was lost) can drop the copy, and unlike
// the outbox's id never the same for two messages after a restore. domain is the host of
// BASE_URL.
func MessageID(local, domain string) string {
	return local + "@" + domain
}

// SendArgs are the arguments of the job that sends one outbox message.
type SendArgs struct {
	OutboxID int64 `json:"outbox_id"`
}

// Kind names the job for River.
func (SendArgs) Kind() string { return "mail_send" }

// InsertOpts puts the job in the mail queue.
func (SendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: Queue} }

// SendWorker sends outbox messages. It never sends a message twice: it locks the row while it
// sends, skips a row already marked sent, and marks it sent in the same transaction right
// after the transport has taken it.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	db     *pgxpool.Pool
	sender Sender
	sms    SMSSender // nil: SMS wait in the outbox until an instance with a sender runs
	seal   *Seal     // opens the bodies
	domain string
	log    *slog.Logger
}

// errBusy means another worker holds the row: an earlier attempt that was thought stuck, still
// sending.
var errBusy = errors.New("mail: message is being sent by another worker")

// Work sends one message. A failed attempt is counted in the row and returned, so River
// retries it with its backoff.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	// The database work goes on when the job's context ends: once the transport has the
	// message, marking it sent must not be cut short by a stopping app.
	dbCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	tx, err := w.db.Begin(dbCtx)
	if err != nil {
		return fmt.Errorf("mail: send %d: %w", job.Args.OutboxID, err)
	}
	defer tx.Rollback(dbCtx)
	row, err := lockMail(dbCtx, tx, job.Args.OutboxID)
	switch {
	case errors.Is(err, errBusy):
		return river.JobSnooze(time.Minute)
	case errors.Is(err, postgres.ErrNotFound):
		return river.JobCancel(err) // deleted: there is nothing left to send
	case err != nil:
		return err
	case row.Sent(), row.FailedAt != nil:
		return nil
	}
	m := row.Mail
	if err := w.seal.open(&m, row); err != nil {
		return w.unopened(dbCtx, tx, m, err)
	}
	transport, sendErr := w.send(ctx, m)
	sendErr = redact(sendErr, m.To)
	switch {
	case errors.Is(sendErr, sms.ErrRejected):
		// The provider refused the request itself: no retry can mend it. Recorded for staff.
		w.log.Warn("mail: SMS refused by the provider; not retried", "outbox_id", m.ID, "error", sendErr)
		// Its text (which may hold a private link) goes: it will never be sent.
		_, err = tx.Exec(dbCtx, markRefused, m.ID, sendErr.Error())
		sendErr = river.JobCancel(sendErr)
	case sendErr != nil:
		w.log.Warn("mail: sending failed; will retry", "outbox_id", m.ID, "attempt", job.Attempt, "error", sendErr)
		_, err = tx.Exec(dbCtx, `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
			m.ID, sendErr.Error())
	default:
		_, err = tx.Exec(dbCtx, markSent, m.ID, transport)
	}
	if err == nil {
		err = tx.Commit(dbCtx)
	}
	if err != nil && sendErr == nil && postgres.IsUnavailable(err) {
		// The transport has the message, but the database went away (a restart) before it
		// was marked sent. Failing the job would send it again on the retry: keep marking.
		err = w.markSentWhenBack(dbCtx, m.ID, transport)
	}
	if err != nil {
		return errors.Join(sendErr, fmt.Errorf("mail: record attempt for %d: %w", m.ID, err))
	}
	return sendErr
}

// send hands m to the transport of its channel and returns the transport's name.
func (w *SendWorker) send(ctx context.Context, m Mail) (string, error) {
	if m.Channel != ChannelSMS {
		return w.sender.Transport(), w.sender.Send(ctx, m, MessageID(m.MessageID, w.domain))
	}
	if w.sms == nil {
		return "", errors.New("mail: no SMS sender configured (SMS_URL); the SMS waits")
	}
	// A stopping app does not cut a request to the SMS provider: once it is on its way the
	// provider may have taken the SMS, and a cut leaves us not knowing, so the retry would
	// send it twice (an SMS has no Message-ID to drop a copy by). Only the attempt's time
	// limit ends it.
	sendCtx, cancel := context.WithoutCancel(ctx), context.CancelFunc(func() {})
	if deadline, ok := ctx.Deadline(); ok {
		sendCtx, cancel = context.WithDeadline(sendCtx, deadline)
	}
	defer cancel()
	stopped := context.AfterFunc(ctx, func() {
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			w.log.Info(smsLetFinish, "outbox_id", m.ID)
		}
	})
	defer stopped()
	return w.sms.Transport(), w.sms.SendSMS(sendCtx, m.To, m.TextBody, strconv.FormatInt(m.ID, 10))
}

// smsLetFinish is logged when the app stops while an SMS is being handed to the provider.
const smsLetFinish = "mail: stopping; the SMS being sent is let finish"

// markSent records a delivery. Once out the bodies go, sealed or (queued before they were
// sealed) clear: they hold working private links, which a database copy must not give away,
// even sealed. Only the dev mailbox and dev SMS inbox keep them (sealed) to be read.
const markSent = `
	UPDATE outbox SET sent_at = now(), transport = $2, attempts = attempts + 1, last_error = NULL,
		text_body = CASE WHEN $2 IN ('devmailbox', 'devsms') THEN text_body END,
		html_body = CASE WHEN $2 IN ('devmailbox', 'devsms') THEN html_body END,
		key_id = CASE WHEN $2 IN ('devmailbox', 'devsms') THEN key_id END,
		sealed_body = CASE WHEN $2 IN ('devmailbox', 'devsms') THEN sealed_body END
	WHERE id = $1`

// markRefused records an attempt after which the message can never be sent, and drops its
// bodies.
const markRefused = `
	UPDATE outbox SET attempts = attempts + 1, last_error = $2, failed_at = now(),
		text_body = NULL, html_body = NULL, key_id = NULL, sealed_body = NULL
	WHERE id = $1`

// unopened records an attempt on m whose body did not open (err) and ends the job's attempt. A
// body that is damaged (changed, or moved from another row or recipient) can never be sent:
// the message is marked refused, like an SMS the provider refused, and staff see it among the
// failed. One sealed under a key this server lacks (SECRET_KEY replaced without listing the old
// one in SECRET_KEY_PREVIOUS) is retried: the configuration can still mend it.
func (w *SendWorker) unopened(ctx context.Context, tx pgx.Tx, m Mail, err error) error {
	w.log.Error("mail: the message's body does not open; not sent", "outbox_id", m.ID, "error", err)
	query, result := `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, err
	if errors.Is(err, secrets.ErrDamaged) {
		query, result = markRefused, river.JobCancel(err)
	}
	if _, dbErr := tx.Exec(ctx, query, m.ID, err.Error()); dbErr != nil {
		return errors.Join(err, fmt.Errorf("mail: record attempt for %d: %w", m.ID, dbErr))
	}
	if dbErr := tx.Commit(ctx); dbErr != nil {
		return errors.Join(err, fmt.Errorf("mail: record attempt for %d: %w", m.ID, dbErr))
	}
	return result
}

// markSentWhenBack marks message id sent on a connection of its own, trying again while the
// database is unavailable, until ctx ends. A commit whose answer was lost may have marked it
// already; then nothing changes.
func (w *SendWorker) markSentWhenBack(ctx context.Context, id int64, transport string) error {
	for pause := 100 * time.Millisecond; ; pause = min(2*pause, 2*time.Second) {
		_, err := w.db.Exec(ctx, markSent+` AND sent_at IS NULL`, id, transport)
		if err == nil || !postgres.IsUnavailable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// redactedError keeps an SMTP failure's text without the recipient's address, which some
// transports put in their errors and which would otherwise land in logs and job rows.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redact(err error, addr string) error {
	if err == nil || addr == "" {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), addr, "<recipient>"), err: err}
}

// lockMail reads an outbox row, its body still sealed, and locks it for the rest of tx, or
// returns errBusy at once when another transaction holds it.
func lockMail(ctx context.Context, tx pgx.Tx, id int64) (sealedRow, error) {
	rows, err := tx.Query(ctx, selectMail+` WHERE id = $1 FOR UPDATE NOWAIT`, id)
	if err != nil {
		return sealedRow{}, fmt.Errorf("mail: send %d: %w", id, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[sealedRow])
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
		return sealedRow{}, errBusy
	}
	if err != nil {
		return sealedRow{}, fmt.Errorf("mail: send %d: %w", id, postgres.MapError(err))
	}
	return r, nil
}

// PurgeArgs are the arguments of the daily job that deletes old sent mail.
type PurgeArgs struct{}

// Kind names the job for River.
func (PurgeArgs) Kind() string { return "mail_purge" }

// InsertOpts puts the job in the mail queue.
func (PurgeArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: Queue} }

// PurgeWorker deletes sent mail older than the retention period. The outbox holds addresses
// and one-time links; nobody needs them once the mail has gone out and the links have
// expired. Unsent mail stays, whatever its age, so that nothing is lost unseen; a message the
// provider refused for good goes after the same period as sent mail.
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	db        *pgxpool.Pool
	retention time.Duration
	log       *slog.Logger
}

// Work deletes the old sent mail.
func (w *PurgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	tag, err := w.db.Exec(ctx, `DELETE FROM outbox WHERE sent_at < now() - make_interval(secs => $1)
		OR (sent_at IS NULL AND failed_at < now() - make_interval(secs => $1))`,
		w.retention.Seconds())
	if err != nil {
		return fmt.Errorf("mail: purge: %w", err)
	}
	if n := tag.RowsAffected(); n > 0 {
		w.log.Info("mail: purged sent mail", "count", n)
	}
	return nil
}
