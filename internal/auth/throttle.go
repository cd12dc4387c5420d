package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Login throttling: after MaxFailures failed logins within FailureWindow from one client IP,
// or against one account, further attempts are refused until the oldest failure leaves the
// window. Counts live in the database, so every app instance sees the same numbers.
const (
	MaxFailures   = 10
	FailureWindow = 15 * time.Minute
)

// ThrottleKeys are the counters a login attempt touches.
func ThrottleKeys(clientIP, email string) []string {
	return []string{"ip:" + clientIP, "account:" + strings.ToLower(strings.TrimSpace(email))}
}

// Locked reports whether any of keys has reached MaxFailures in the window, and when the
// earliest of them may try again.
func (s *Store) Locked(ctx context.Context, keys []string) (bool, time.Duration, error) {
	var retry *time.Time
	err := s.db.QueryRow(ctx, `SELECT min(next) FROM (
			SELECT key, (array_agg(at ORDER BY at DESC))[$2] + $3::interval AS next
			FROM login_failures WHERE key = ANY($1) AND at > now() - $3::interval
			GROUP BY key HAVING count(*) >= $2) locked`,
		keys, MaxFailures, FailureWindow).Scan(&retry)
	if err != nil {
		return false, 0, fmt.Errorf("auth: throttle: %w", err)
	}
	if retry == nil {
		return false, 0, nil
	}
	return true, max(time.Until(*retry), time.Second), nil
}

// RecordFailure counts a failed login against each key and forgets failures older than the
// window for them. It reports whether this failure locked one of them: the moment to record
// a lock, once (attempts while locked are refused before they count).
func (s *Store) RecordFailure(ctx context.Context, keys []string) (bool, error) {
	if _, err := s.db.Exec(ctx, `DELETE FROM login_failures WHERE key = ANY($1) AND at <= now() - $2::interval`,
		keys, FailureWindow); err != nil {
		return false, fmt.Errorf("auth: throttle: %w", err)
	}
	var locks bool
	err := s.db.QueryRow(ctx, `WITH added AS (INSERT INTO login_failures (key) SELECT unnest($1::text[]) RETURNING key)
		SELECT EXISTS (SELECT 1 FROM login_failures WHERE key = ANY($1) GROUP BY key HAVING count(*) + 1 = $2)`,
		keys, MaxFailures).Scan(&locks)
	if err != nil {
		return false, fmt.Errorf("auth: throttle: %w", err)
	}
	return locks, nil
}

// ClearFailures forgets the failures of an account after a successful login. The client
// IP's count stays: one good password does not open the door to guessing others.
func (s *Store) ClearFailures(ctx context.Context, email string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM login_failures WHERE key = $1`, ThrottleKeys("", email)[1])
	if err != nil {
		return fmt.Errorf("auth: throttle: %w", err)
	}
	return nil
}
