// Package cache keeps rarely changing query results in memory and drops them as soon as a
// table they were read from changes, in this instance or in any other: a statement trigger on
// each watched table sends NOTIFY table_changed with the table's name (migration 00015), and
// every instance listens. While the listening connection is down nothing is cached, and when
// it comes back everything cached before is forgotten, because changes may have been missed.
//
// A reader can see the old value for the moment between a writer's commit and the
// notification's arrival (milliseconds on one host).
package cache

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Channel is the NOTIFY channel the triggers send on.
const Channel = "table_changed"

// Stamp identifies the state of some tables: it changes whenever one of them changes or the
// watcher may have missed a change.
type Stamp struct{ epoch, sum uint64 }

// Watcher follows the table_changed notifications.
type Watcher struct {
	db    *pgxpool.Pool
	log   *slog.Logger
	mu    sync.RWMutex
	gens  map[string]uint64
	moved chan struct{} // closed and replaced at every notification and state change
	epoch atomic.Uint64 // odd while listening, even while not
	// hook, when set (tests), hears every notification and state change after it is applied.
	hook func(event string)
}

// NewWatcher makes a watcher; nothing is cached until Run is listening.
func NewWatcher(db *pgxpool.Pool, log *slog.Logger) *Watcher {
	return &Watcher{db: db, log: log, gens: map[string]uint64{}, moved: make(chan struct{})}
}

// Stamp returns the state of tables, and false when the watcher is not listening (then the
// caller must not cache). A nil watcher never caches.
func (w *Watcher) Stamp(tables ...string) (Stamp, bool) {
	if w == nil {
		return Stamp{}, false
	}
	e := w.epoch.Load()
	if e%2 == 0 {
		return Stamp{}, false
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	var sum uint64
	for _, t := range tables {
		sum += w.gens[t]
	}
	return Stamp{epoch: e, sum: sum}, true
}

// Run listens until ctx ends, reconnecting after a lost connection with a growing pause (at
// most ten seconds).
func (w *Watcher) Run(ctx context.Context) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := w.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		w.log.Warn("cache: listening for table changes stopped; caching is off until it is back", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 10*time.Second)
	}
}

// listen holds one connection with LISTEN and applies notifications until it fails.
func (w *Watcher) listen(ctx context.Context) error {
	pooled, err := w.db.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection holds a LISTEN or is broken: it must never go back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	w.epoch.Add(1) // odd: listening, and every earlier stamp is stale
	w.event("listening")
	defer func() {
		w.epoch.Add(1) // even: not listening
		w.event("stopped")
	}()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		w.mu.Lock()
		w.gens[n.Payload]++
		w.mu.Unlock()
		w.event(n.Payload)
	}
}

func (w *Watcher) event(e string) {
	w.mu.Lock()
	close(w.moved)
	w.moved = make(chan struct{})
	w.mu.Unlock()
	if w.hook != nil {
		w.hook(e)
	}
}

// Wait blocks until the stamp of tables is valid and differs from since, or ctx ends: with
// the zero Stamp, until the watcher listens. Tests use it to know a change has arrived.
func (w *Watcher) Wait(ctx context.Context, since Stamp, tables ...string) error {
	for {
		w.mu.RLock()
		moved := w.moved
		w.mu.RUnlock()
		if st, ok := w.Stamp(tables...); ok && st != since {
			return nil
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
