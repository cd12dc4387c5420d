package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// queryTimeout bounds each query a scrape makes, so a slow or unreachable database cannot
// hold a scrape (or a pool connection) for long.
const queryTimeout = 2 * time.Second

// poolCollector reports pgxpool.Stat at each scrape.
type poolCollector struct {
	pool                                                      *pgxpool.Pool
	acquired, idle, total, maxConns                           *prometheus.Desc
	acquires, acquireSeconds, emptyAcquires, canceledAcquires *prometheus.Desc
}

func newPoolCollector(pool *pgxpool.Pool) *poolCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &poolCollector{
		pool:             pool,
		acquired:         d("db_pool_acquired_connections", "Connections of the database pool in use now."),
		idle:             d("db_pool_idle_connections", "Idle connections of the database pool."),
		total:            d("db_pool_total_connections", "Connections the database pool holds: in use, idle and being opened."),
		maxConns:         d("db_pool_max_connections", "The most connections the database pool may hold."),
		acquires:         d("db_pool_acquires_total", "Connections acquired from the database pool."),
		acquireSeconds:   d("db_pool_acquire_duration_seconds_total", "Time spent acquiring connections from the database pool."),
		emptyAcquires:    d("db_pool_empty_acquires_total", "Acquires that had to wait for a connection because none was idle."),
		canceledAcquires: d("db_pool_canceled_acquires_total", "Acquires given up because their context ended."),
	}
}

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.acquired, c.idle, c.total, c.maxConns,
		c.acquires, c.acquireSeconds, c.emptyAcquires, c.canceledAcquires} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.acquired, float64(s.AcquiredConns()))
	gauge(c.idle, float64(s.IdleConns()))
	gauge(c.total, float64(s.TotalConns()))
	gauge(c.maxConns, float64(s.MaxConns()))
	counter(c.acquires, float64(s.AcquireCount()))
	counter(c.acquireSeconds, s.AcquireDuration().Seconds())
	counter(c.emptyAcquires, float64(s.EmptyAcquireCount()))
	counter(c.canceledAcquires, float64(s.CanceledAcquireCount()))
}

// waitingStates are the River job states that are work still to do, or being done.
var waitingStates = []string{"available", "scheduled", "retryable", "running"}

// queueCount is a row of the queue depth query.
type queueCount struct {
	Queue, State string
	N            int64
}

// riverCollector reports how many River jobs wait in each queue and state.
type riverCollector struct {
	pool *pgxpool.Pool
	jobs *prometheus.Desc
}

func newRiverCollector(pool *pgxpool.Pool) *riverCollector {
	return &riverCollector{pool: pool, jobs: prometheus.NewDesc("river_jobs",
		"River jobs not yet finished, by queue and state (available, scheduled, retryable, running).",
		[]string{"queue", "state"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *riverCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.jobs }

// Collect implements prometheus.Collector. Every state of a queue that has any job is
// reported, 0 included, so a queue that drains shows 0 rather than vanishing.
func (c *riverCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	rows, _ := c.pool.Query(ctx, `
		SELECT queue, state::text, count(*) FROM river_job
		WHERE state IN ('available', 'scheduled', 'retryable', 'running')
		GROUP BY 1, 2`)
	found, err := pgx.CollectRows(rows, pgx.RowToStructByPos[queueCount])
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.jobs, fmt.Errorf("river jobs: %w", err))
		return
	}
	counts := map[string]map[string]int64{}
	for _, f := range found {
		if counts[f.Queue] == nil {
			counts[f.Queue] = map[string]int64{}
		}
		counts[f.Queue][f.State] = f.N
	}
	for q, byState := range counts {
		for _, s := range waitingStates {
			ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(byState[s]), q, s)
		}
	}
}

// outboxCollector reports the mail and SMS not yet sent: how much, and how long the oldest
// has waited; and how many the SMS provider refused for good (they will never be sent, so
// they are not "waiting").
type outboxCollector struct {
	pool                   *pgxpool.Pool
	unsent, oldest, failed *prometheus.Desc
}

func newOutboxCollector(pool *pgxpool.Pool) *outboxCollector {
	return &outboxCollector{
		pool:   pool,
		unsent: prometheus.NewDesc("outbox_unsent_messages", "E-mails and SMS in the outbox not yet sent.", nil, nil),
		oldest: prometheus.NewDesc("outbox_oldest_unsent_age_seconds",
			"How long the oldest unsent message in the outbox has waited; 0 when none waits.", nil, nil),
		failed: prometheus.NewDesc("outbox_failed_messages",
			"Messages the provider refused for good (an SMS to a number that cannot get one).", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.unsent
	ch <- c.oldest
	ch <- c.failed
}

// Collect implements prometheus.Collector. The query reads only the partial index of unsent
// mail (outbox_unsent_idx).
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	var n, failed int64
	var age float64
	err := c.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE failed_at IS NULL),
		       COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE failed_at IS NULL)), 0)::float8,
		       count(*) FILTER (WHERE failed_at IS NOT NULL)
		FROM outbox WHERE sent_at IS NULL`).Scan(&n, &age, &failed)
	if err != nil {
		err = fmt.Errorf("outbox: %w", err)
		ch <- prometheus.NewInvalidMetric(c.unsent, err)
		ch <- prometheus.NewInvalidMetric(c.oldest, err)
		ch <- prometheus.NewInvalidMetric(c.failed, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(failed))
	ch <- prometheus.MustNewConstMetric(c.unsent, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, max(age, 0))
}
