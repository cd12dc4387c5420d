package cache

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Memo remembers results by key, each valid while the tables it was read from are unchanged
// and, where the result also depends on the clock, for at most a time to live. Values are
// shared between requests: callers must not change them.
type Memo[V any] struct {
	w      *Watcher
	tables []string
	ttl    time.Duration
	max    int
	mu     sync.Mutex
	m      map[string]entry[V]
	flying map[string]*flight[V] // loads under way, which later callers wait for
	waits  atomic.Int64          // callers that have waited for another's load (tests)
}

// flight is one load under way, for the stamp taken before it.
type flight[V any] struct {
	stamp Stamp
	done  chan struct{}
	v     V
	err   error
}

type entry[V any] struct {
	v       V
	stamp   Stamp
	expires time.Time
}

// NewMemo makes a memo of at most max entries read from tables; ttl 0 means no time limit.
func NewMemo[V any](w *Watcher, ttl time.Duration, max int, tables ...string) *Memo[V] {
	return &Memo[V]{w: w, tables: tables, ttl: ttl, max: max, m: map[string]entry[V]{}, flying: map[string]*flight[V]{}}
}

// Tables returns the tables the memo's results are read from: a change to any of them makes
// every result stale. Tests hold it to what the loader really reads.
func (m *Memo[V]) Tables() []string {
	return slices.Clone(m.tables)
}

// Get returns the remembered result for key, or loads, remembers and returns it. The stamp is
// taken before loading, so a change during the load makes the result stale at once. Callers
// that miss while a load for the same key and stamp is under way wait for it instead of
// loading again: a rush of requests after a change costs one load, not one each.
func (m *Memo[V]) Get(ctx context.Context, key string, load func(context.Context) (V, error)) (V, error) {
	stamp, ok := m.w.Stamp(m.tables...)
	if !ok {
		return load(ctx)
	}
	now := time.Now()
	m.mu.Lock()
	if e, found := m.m[key]; found && e.stamp == stamp && (m.ttl == 0 || now.Before(e.expires)) {
		m.mu.Unlock()
		return e.v, nil
	}
	if f, found := m.flying[key]; found && f.stamp == stamp {
		m.mu.Unlock()
		m.waits.Add(1)
		select {
		case <-f.done:
			return f.v, f.err
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
	f := &flight[V]{stamp: stamp, done: make(chan struct{})}
	m.flying[key] = f
	m.mu.Unlock()
	// The load serves the callers waiting for it too: it must not end with this one's request.
	f.v, f.err = load(context.WithoutCancel(ctx))
	m.mu.Lock()
	defer m.mu.Unlock()
	close(f.done)
	if m.flying[key] == f {
		delete(m.flying, key)
	}
	if f.err != nil {
		return f.v, f.err
	}
	m.store(key, entry[V]{v: f.v, stamp: stamp, expires: now.Add(m.ttl)})
	return f.v, nil
}

// store keeps e under key, first making room if the memo is full: the stale entries go, and
// then any others. The caller holds m.mu.
func (m *Memo[V]) store(key string, e entry[V]) {
	if len(m.m) >= m.max {
		for k, old := range m.m {
			if old.stamp != e.stamp || len(m.m) >= m.max {
				delete(m.m, k)
			}
		}
	}
	m.m[key] = e
}
