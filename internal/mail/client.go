package mail

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// Defaults of Config.
const (
	DefaultMaxWorkers  = 2
	DefaultRescueAfter = 2 * time.Minute
	DefaultRetention   = 30 * 24 * time.Hour
	// maxSendTime bounds one attempt: the job's context ends then, and the SMTP connection with it.
	maxSendTime = time.Minute
	// stopGrace is how long a stopping client lets a message being sent finish before it cuts
	// the connection; the job then goes back to the queue.
	stopGrace = 10 * time.Second
)

// Config configures the River client that sends the outbox.
type Config struct {
	// Sender is the transport: an SMTPSender, or a DevSender in development.
	Sender Sender
	// SMSSender sends the outbox's SMS: the provider's API (internal/sms), or a DevSMSSender
	// in development. Nil leaves SMS waiting in the outbox.
	SMSSender SMSSender
	// Seal opens the bodies the outboxes stored (NewOutbox with the same seal).
	Seal *Seal
	// Domain is the right-hand side of every Message-ID: the host of BASE_URL.
	Domain string
	// Logger receives the worker's and River's log.
	Logger *slog.Logger
	// MaxWorkers is how many messages one instance sends at once; 0 means DefaultMaxWorkers.
	MaxWorkers int
	// RescueAfter is how long a job may stay running before it is taken to be stuck (its
	// instance crashed) and handed to another instance; 0 means DefaultRescueAfter. It also
	// caps the time of one attempt (at most a minute). Taking over a job that is in fact
	// still sending cannot send twice: the worker locks the outbox row while it sends.
	RescueAfter time.Duration
	// RetryPolicy decides when a failed attempt is retried; nil means River's default backoff
	// (attempt⁴ seconds: 25 attempts over about three weeks).
	RetryPolicy river.ClientRetryPolicy
	// Retention is how long sent mail is kept before it is deleted; 0 means DefaultRetention.
	Retention time.Duration
	// Register adds the workers of other features to the same client (one River client
	// serves the whole app), and Periodic their periodic jobs.
	Register func(*river.Workers) error
	Periodic []*river.PeriodicJob
}

// NewClient builds the River client that inserts and works the mail jobs on pool. Insert
// through it right away; call Start(ctx) to send (serve does). Cancelling that ctx, or Stop,
// stops the client: an e-mail being sent may finish for 10 seconds, then the connection is cut
// and its job goes back to the queue; an SMS being sent always finishes (within the attempt's
// time limit), for once the provider may have it a cut would send it twice. Several instances may run clients on one database: each
// job runs in one of them at a time.
func NewClient(pool *pgxpool.Pool, cfg Config) (*river.Client[pgx.Tx], error) {
	if cfg.Sender == nil || cfg.Seal == nil || cfg.Domain == "" || cfg.Logger == nil {
		return nil, errors.New("mail: NewClient needs a Sender, a Seal, a Domain and a Logger")
	}
	rescueAfter := cmp.Or(cfg.RescueAfter, DefaultRescueAfter)
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &SendWorker{db: pool, sender: cfg.Sender, sms: cfg.SMSSender, seal: cfg.Seal, domain: cfg.Domain, log: cfg.Logger}); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	purge := &PurgeWorker{db: pool, retention: cmp.Or(cfg.Retention, DefaultRetention), log: cfg.Logger}
	if err := river.AddWorkerSafely(workers, purge); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	if cfg.Register != nil {
		if err := cfg.Register(workers); err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger: cfg.Logger,
		Queues: map[string]river.QueueConfig{
			Queue:              {MaxWorkers: cmp.Or(cfg.MaxWorkers, DefaultMaxWorkers)},
			river.QueueDefault: {MaxWorkers: 1}, // other features' jobs: retention, reminders
		},
		Workers:              workers,
		JobTimeout:           min(maxSendTime, rescueAfter),
		RescueStuckJobsAfter: rescueAfter,
		RetryPolicy:          cfg.RetryPolicy,
		SoftStopTimeout:      stopGrace,
		PeriodicJobs: append([]*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, nil },
				&river.PeriodicJobOpts{ID: "mail_purge", RunOnStart: true}),
		}, cfg.Periodic...),
	})
	if err != nil {
		return nil, fmt.Errorf("mail: river client: %w", err)
	}
	return client, nil
}
