package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
)

// Purpose says what a one-time link is for.
type Purpose string

// The purposes of one-time links and how long each link works.
const (
	Invitation Purpose = "invitation"
	Reset      Purpose = "reset"

	InvitationTTL = 72 * time.Hour
	ResetTTL      = 2 * time.Hour
)

// IssueLink stores a new one-time link for the user and returns its token. Earlier unused
// links of the same purpose stop working, so only the newest e-mail counts.
func (s *Store) IssueLink(ctx context.Context, userID int64, p Purpose, ttl time.Duration) (string, time.Time, error) {
	token := tokens.New()
	expires := time.Now().Add(ttl)
	if _, err := s.db.Exec(ctx, `UPDATE user_tokens SET used_at = now()
		WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, userID, p); err != nil {
		return "", expires, fmt.Errorf("auth: issue link: %w", err)
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
		tokens.Hash(token), userID, p, expires); err != nil {
		return "", expires, fmt.Errorf("auth: issue link: %w", postgres.MapError(err))
	}
	return token, expires, nil
}

// CheckLink returns the user a valid, unused, unexpired link belongs to, without using it.
func (s *Store) CheckLink(ctx context.Context, token string, p Purpose) (User, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT t.user_id FROM user_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now() AND NOT u.disabled`,
		tokens.Hash(token), p).Scan(&id)
	if err != nil {
		return User{}, fmt.Errorf("auth: check link: %w", postgres.MapError(err))
	}
	return s.Get(ctx, id)
}

// UseLink marks the link used and returns its user. Of two requests racing with one link,
// exactly one gets the user; the other gets ErrNotFound.
func (s *Store) UseLink(ctx context.Context, token string, p Purpose) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `UPDATE user_tokens t SET used_at = now() FROM users u
		WHERE u.id = t.user_id AND t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL
		  AND t.expires_at > now() AND NOT u.disabled
		RETURNING t.user_id`, tokens.Hash(token), p).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("auth: use link: %w", postgres.MapError(err))
	}
	return id, nil
}
