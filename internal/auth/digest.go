package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Staff may ask for one mail a day listing the requests that arrived since the last one (the
// digest; see package digest). The choice and when the last was sent are kept on the user.

// RequestDigest returns the language of the staff user's daily digest of requests, or ""
// when they have not asked for it.
func (s *Store) RequestDigest(ctx context.Context, userID int64) (i18n.Lang, error) {
	var lang *string
	if err := s.db.QueryRow(ctx, `SELECT request_digest FROM users WHERE id = $1`, userID).Scan(&lang); err != nil {
		return "", fmt.Errorf("auth: request digest: %w", postgres.MapError(err))
	}
	if lang == nil {
		return "", nil
	}
	return i18n.Lang(*lang), nil
}

// SetRequestDigest turns the staff user's daily digest of requests on (in lang) or off
// (lang ""). A user who is not staff is ErrNotFound: partners are not sent staff's requests.
func (s *Store) SetRequestDigest(ctx context.Context, userID int64, lang i18n.Lang) error {
	tag, err := s.db.Exec(ctx, `UPDATE users SET request_digest = NULLIF($2, ''), updated_at = now()
		WHERE id = $1 AND role IN ('staff', 'admin')`, userID, string(lang))
	if err != nil {
		return fmt.Errorf("auth: set request digest: %w", postgres.MapError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("auth: set request digest: %w", postgres.ErrNotFound)
	}
	return nil
}

// DigestRecipient is a staff user due a digest: where, in what language, and since when the
// requests are new to them.
type DigestRecipient struct {
	ID    int64
	Email string
	Name  string
	Lang  i18n.Lang
	Since time.Time // their last digest; a day before now for their first
}

// ClaimDigests locks, on tx, the active staff users who asked for the digest and have had
// none since dayStart (midnight in Oslo), skipping those another instance holds: each is
// sent at most one a day.
func ClaimDigests(ctx context.Context, tx pgx.Tx, dayStart, now time.Time) ([]DigestRecipient, error) {
	rows, err := tx.Query(ctx, `SELECT id, email::text, name, request_digest, coalesce(request_digest_sent_at, $2::timestamptz - interval '1 day')
		FROM users WHERE request_digest IS NOT NULL AND role IN ('staff', 'admin') AND NOT disabled AND password_hash IS NOT NULL
		AND (request_digest_sent_at IS NULL OR request_digest_sent_at < $1)
		ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED`, dayStart, now)
	if err != nil {
		return nil, fmt.Errorf("auth: digests: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DigestRecipient, error) {
		var d DigestRecipient
		return d, r.Scan(&d.ID, &d.Email, &d.Name, &d.Lang, &d.Since)
	})
	if err != nil {
		return nil, fmt.Errorf("auth: digests: %w", err)
	}
	return list, nil
}

// DigestSent records, on tx, that the user's digest covering requests up to at was sent.
func DigestSent(ctx context.Context, tx pgx.Tx, userID int64, at time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE users SET request_digest_sent_at = $2 WHERE id = $1`, userID, at); err != nil {
		return fmt.Errorf("auth: digest sent: %w", err)
	}
	return nil
}
