package cache

import (
	"context"
	"sync"
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
}

type entry[V any] struct {
	v       V
	stamp   Stamp
	expires time.Time
}

// NewMemo makes a memo of at most max entries read from tables; ttl 0 means no time limit.
func NewMemo[V any](w *Watcher, ttl time.Duration, max int, tables ...string) *Memo[V] {
	return &Memo[V]{w: w, tables: tables, ttl: ttl, max: max, m: map[string]entry[V]{}}
}

// Get returns the remembered result for key, or loads, remembers and returns it. The stamp is
// taken before loading, so a change during the load makes the result stale at once.
func (m *Memo[V]) Get(ctx context.Context, key string, load func(context.Context) (V, error)) (V, error) {
	stamp, ok := m.w.Stamp(m.tables...)
	if !ok {
		return load(ctx)
	}
	now := time.Now()
	m.mu.Lock()
	e, found := m.m[key]
	m.mu.Unlock()
	if found && e.stamp == stamp && (m.ttl == 0 || now.Before(e.expires)) {
		return e.v, nil
	}
	v, err := load(ctx)
	if err != nil {
		return v, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m) >= m.max {
		for k, old := range m.m { // drop the stale ones, or else any one
			if old.stamp != stamp || len(m.m) >= m.max {
				delete(m.m, k)
			}
		}
	}
	m.m[key] = entry[V]{v: v, stamp: stamp, expires: now.Add(m.ttl)}
	return v, nil
}
