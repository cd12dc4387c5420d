package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
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

// IssueLink stores a new one-time link for the user and returns its token. A new invitation
// ends the earlier ones, so only the newest counts. A new reset link leaves the earlier ones
// working until one of them is used (UseLink ends them all): otherwise anyone who knows the
// address could void the owner's link by asking again, and keep doing so.
func (s *Store) IssueLink(ctx context.Context, userID int64, p Purpose, ttl time.Duration) (string, time.Time, error) {
	token := tokens.New()
	expires := time.Now().Add(ttl)
	if p != Reset {
		if _, err := s.db.Exec(ctx, `UPDATE user_tokens SET used_at = now()
			WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, userID, p); err != nil {
			return "", expires, fmt.Errorf("auth: issue link: %w", err)
		}
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

// UseLink marks the link used, ends every other unused link of its user (a password chosen
// through one link makes the others stale), and returns the user. Of two requests racing with
// one link, or with two links of one user, exactly one gets the user; the other gets
// ErrNotFound. The user's row is locked first, so the two wait for each other instead of
// deadlocking over each other's links.
func (s *Store) UseLink(ctx context.Context, token string, p Purpose) (int64, error) {
	var id int64
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		hash := tokens.Hash(token)
		if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = (SELECT user_id FROM user_tokens WHERE token_hash = $1)
			FOR NO KEY UPDATE`, hash); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `UPDATE user_tokens t SET used_at = now() FROM users u
			WHERE u.id = t.user_id AND t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL
			  AND t.expires_at > now() AND NOT u.disabled
			RETURNING t.user_id`, hash, p).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, id)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("auth: use link: %w", postgres.MapError(err))
	}
	return id, nil
}

// AskReset sends a reset link to email, typed by by (the request: its IP), when the address
// belongs to an active account, and does nothing otherwise: the caller answers the same
// either way, so no one learns which addresses have accounts. The request is recorded in the
// audit log as done by the account's owner, with the mail in the same transaction. An
// address that is blank or not one gives validate.Errors.
func (s *Store) AskReset(ctx context.Context, out *mail.Outbox, email string, by audit.Actor) error {
	var errs validate.Errors
	if email = strings.TrimSpace(email); !errs.RequiredEmail("email", email) {
		return errs
	}
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		u, err := NewStore(tx).GetByEmail(ctx, email)
		if errors.Is(err, postgres.ErrNotFound) || err == nil && (u.Disabled || !u.Active()) {
			return nil
		}
		if err != nil {
			return err
		}
		by.ID, by.Label = u.ID, u.Email
		if err := audit.Record(ctx, tx, by, audit.Entry{Action: audit.PasswordResetAsked, Entity: "user", EntityID: u.ID}); err != nil {
			return err
		}
		return mailLink(ctx, tx, out, u, Reset)
	})
}

// NewPassword is a password chosen on the page behind an invitation or reset link, typed
// twice.
type NewPassword struct {
	Password string
	Confirm  string
}

// Validate checks the password and that both are the same; messages are catalogue ids.
func (p NewPassword) Validate() validate.Errors {
	var e validate.Errors
	if m := CheckPassword(p.Password); m != "" {
		e.Add("password", m, "Min", MinPasswordLength)
	} else if p.Confirm != p.Password {
		e.Add("confirm", "setpw.mismatch")
	}
	return e
}

// SetPasswordByLink uses the link of purpose p with token to set the password of its user,
// for by (the request: its IP), and records it as done by that user; a user without
// two-factor login is logged in too (the caller starts the session), the login recorded in
// the same transaction. Of two requests racing with one link, exactly one succeeds. A link
// that does not work (any more) gives an error wrapping postgres.ErrNotFound, before the
// password is looked at; a password that will not do gives validate.Errors with the link's
// user, whose name the form shows again.
func (s *Store) SetPasswordByLink(ctx context.Context, token string, p Purpose, pw NewPassword, by audit.Actor) (User, error) {
	errs := pw.Validate()
	var u User
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		users := NewStore(tx)
		check, err := users.CheckLink(ctx, token, p)
		if err != nil {
			return err
		}
		if !errs.OK() {
			u = check
			return errs
		}
		if _, err := users.UseLink(ctx, token, p); err != nil {
			return err
		}
		if u, err = users.SetPassword(ctx, check.ID, pw.Password); err != nil {
			return err
		}
		by.ID, by.Label = u.ID, u.Email
		if err := audit.Record(ctx, tx, by, audit.Entry{Action: audit.PasswordSet, Entity: "user", EntityID: u.ID,
			Details: map[string]any{"via": string(p)}}); err != nil {
			return err
		}
		if u.TwoFactor() {
			return nil
		}
		return users.completeLogin(ctx, u, false, by)
	})
	var invalid validate.Errors
	if err != nil && !errors.As(err, &invalid) {
		return User{}, err
	}
	return u, err
}
