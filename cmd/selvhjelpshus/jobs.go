package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/digest"
	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/sms"
)

// newJobRunner starts River, the runner of every background job: the worker that delivers the
// outbox (through SMTP_URL, or in development without it into the dev mailbox), retention,
// licence reminders, offer expiry, the events' hourly job, the open forms' requests and staff's
// daily digest of new requests.
// Production refuses to start without SMTP, since invitations and participants' links would
// silently go nowhere.
func newJobRunner(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, seal *mail.Seal, log *slog.Logger) (*river.Client[pgx.Tx], error) {
	var sender mail.Sender = mail.NewDevSender(log)
	switch {
	case cfg.SMTPURL != nil:
		smtp, err := mail.NewSMTPSender(mail.SMTPConfig{URL: cfg.SMTPURL, From: cfg.MailFrom})
		if err != nil {
			return nil, err
		}
		sender = smtp
	case cfg.Production():
		return nil, errors.New("SMTP_URL is required in production (e.g. smtp://user:password@smtp.example.no:587)")
	}
	retention := &signups.RetentionWorker{DB: pool, Months: cfg.RetentionMonths, Log: log,
		Also: map[string]func(context.Context, int) (int64, error){
			"room requests":    rooms.NewStore(pool, nil).PurgeRequests,
			"licence requests": func(ctx context.Context, months int) (int64, error) { return licences.PurgeRequests(ctx, pool, months) },
		}}
	// The workers' outbox queues through the client running their job.
	outbox := mail.NewOutbox(nil, cfg.BaseURL, seal)
	reminders := &licences.ReminderWorker{DB: pool, Outbox: outbox, Now: time.Now, Log: log}
	// SMS: Twilio's API once SMS_URL is configured; without it the dev SMS inbox keeps them in
	// development. Production without it has no SMS sender: each SMS waits in the outbox (the
	// dashboard counts it as not delivered) until SMS_URL is set, instead of being marked sent.
	var smsSender mail.SMSSender = mail.NewDevSMSSender(log)
	switch {
	case cfg.SMSURL != nil:
		twilio, err := sms.NewSender(sms.Config{URL: cfg.SMSURL, AccountSID: cfg.SMSAccountSID,
			AuthToken: cfg.SMSAuthToken, From: cfg.SMSFrom})
		if err != nil {
			return nil, err
		}
		smsSender = twilio
	case cfg.Production():
		smsSender = nil
		log.Warn("SMS_URL is not set: SMS to participants wait in the outbox and are not sent")
	}
	formKeys, err := optin.NewKeys(cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return nil, err
	}
	forms := optin.NewStore(pool, outbox, formKeys, optin.DefaultLimits)
	client, err := mail.NewClient(pool, mail.Config{Sender: sender, SMSSender: smsSender, Seal: seal, Domain: cfg.BaseURL.Hostname(), Logger: log,
		Register: func(w *river.Workers) error {
			return errors.Join(river.AddWorkerSafely(w, retention), river.AddWorkerSafely(w, reminders),
				river.AddWorkerSafely(w, &signups.OfferExpiryWorker{DB: pool, Now: time.Now, Log: log}),
				river.AddWorkerSafely(w, &events.Worker{DB: pool, Outbox: outbox, Now: time.Now, Log: log}),
				river.AddWorkerSafely(w, &optin.Worker{Store: forms}), river.AddWorkerSafely(w, &optin.PurgeWorker{Store: forms, Log: log}),
				river.AddWorkerSafely(w, &digest.Worker{DB: pool, Outbox: outbox, Now: time.Now, Log: log}))
		},
		Periodic: []*river.PeriodicJob{signups.RetentionJob(), licences.ReminderJob(), signups.OfferExpiryJob(), events.Job(), optin.PurgeJob(), digest.Job()}})
	if err != nil {
		return nil, err
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	return client, nil
}

// stopJobRunner lets a job being worked (a message being sent) finish, for at most a while.
func stopJobRunner(c *river.Client[pgx.Tx], log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := c.Stop(ctx); err != nil {
		log.Warn("job runner did not stop cleanly", "error", err)
	}
}
