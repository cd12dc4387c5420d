package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// LockedOut is the answer to a login attempt while its client or its account has failed
// MaxFailures times in the window, whatever was typed. Retry is how long until it may try again.
type LockedOut struct {
	Retry time.Duration
}

// Error says what happened, for the log.
func (e *LockedOut) Error() string {
	return fmt.Sprintf("auth: too many failed logins, try again in %s", e.Retry.Round(time.Second))
}

// ErrCodeNeeded is LogIn's answer to the right password of an account with two-factor login:
// the user is not logged in until LogInWithCode accepts the code.
var ErrCodeNeeded = errors.New("auth: the login needs a two-factor code")

// ErrDisabled is LogInWithCode's answer when the account was disabled after its password
// was accepted.
var ErrDisabled = errors.New("auth: the account is disabled")

// maxEmail is the longest e-mail address there is (RFC 5321), and the longest of any account.
const maxEmail = 254

// LogIn checks an address and password typed by by (the request: its IP) from the client
// with throttle key client (its IP, an IPv6 address by its /64) in the browser device. Blank
// fields give validate.Errors; a wrong address and a wrong password both give
// ErrBadCredentials after the same work, and count as a failure against the client and the
// account — or, from a device that has logged in to the account before, against that device
// alone; a client or account (or device) with MaxFailures failures in the window gets
// *LockedOut. The failure that locks is recorded in the audit log, once, by a digest of the
// address typed. An account with two-factor login gives ErrCodeNeeded with
// the user; any other is logged in: its failures are forgotten and the login recorded.
func (s *Store) LogIn(ctx context.Context, email, password, client string, device Device, by audit.Actor) (User, error) {
	email = strings.TrimSpace(email)
	var errs validate.Errors
	errs.Required("email", email, validate.EmailRequired)
	errs.Required("password", password, "login.password.required")
	if !errs.OK() {
		return User{}, errs
	}
	keys := throttleKeys(client, email, device)
	if len(email) > maxEmail {
		// No account has such an address: the failure counts against the IP alone, so the
		// throttle table never holds more than an address's worth of what was typed.
		keys = keys[:1]
	}
	if err := s.refuseLocked(ctx, keys); err != nil {
		return User{}, err
	}
	u, err := s.Authenticate(ctx, email, password)
	if errors.Is(err, ErrBadCredentials) {
		if err := s.fail(ctx, keys, by, audit.Entry{Action: audit.LoginLocked, Entity: "user", Details: emailDigest(email)}); err != nil {
			return User{}, err
		}
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	if u.TwoFactor() {
		return u, ErrCodeNeeded
	}
	if err := s.completeLogin(ctx, u, false, by); err != nil {
		return User{}, err
	}
	return u, nil
}

// LogInWithCode is the second step of the login of the user with id: it checks a code from
// their authenticator app, or one of their recovery codes, under the same throttle as the
// password, so the six digits cannot be guessed without end. A disabled account gives
// ErrDisabled; a blank code validate.Errors; a wrong or used one ErrBadCode, counted as a
// failure; a locked client or account *LockedOut, recorded in the audit log. A right code
// logs the user in, recorded as a login or as the use of a recovery code. Once the account
// is found it comes back whatever the outcome, so a page can show its address.
func (s *Store) LogInWithCode(ctx context.Context, seal *Sealer, id int64, code, client string, device Device, by audit.Actor, now time.Time) (User, error) {
	u, err := s.Get(ctx, id)
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return u, ErrDisabled
	}
	var errs validate.Errors
	if !errs.Required("code", code, "login.code.required") {
		return u, errs
	}
	keys := throttleKeys(client, u.Email, device)
	if err := s.refuseLocked(ctx, keys); err != nil {
		return u, err
	}
	recovery, err := s.VerifyTwoFactor(ctx, seal, u.ID, code, now)
	if errors.Is(err, ErrBadCode) {
		if err := s.fail(ctx, keys, by, audit.Entry{Action: audit.LoginLocked, Entity: "user", Details: emailDigest(u.Email)}); err != nil {
			return u, err
		}
		return u, ErrBadCode
	}
	if err != nil {
		return u, err
	}
	return u, s.completeLogin(ctx, u, recovery, by)
}

// Reauthenticate asks the logged-in user u for their password again, before a reveal of
// credentials. It is throttled and audited like a login: a locked client or account gets
// *LockedOut even with the right password, a wrong password ErrBadCredentials, counted as a
// failure and recorded; the right one forgets the account's failures.
func (s *Store) Reauthenticate(ctx context.Context, u User, password, client string, by audit.Actor) error {
	keys := ThrottleKeys(client, u.Email)
	reauth := map[string]any{"step": "reauth"}
	if err := s.refuseLocked(ctx, keys); err != nil {
		return err
	}
	_, err := s.Authenticate(ctx, u.Email, password)
	if errors.Is(err, ErrBadCredentials) {
		err = postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
			if err := audit.Record(ctx, tx, by, audit.Entry{Action: audit.LoginFailed, Entity: "user", EntityID: u.ID,
				Details: reauth}); err != nil {
				return err
			}
			return NewStore(tx).fail(ctx, keys, by, audit.Entry{Action: audit.LoginLocked, Entity: "user", EntityID: u.ID,
				Details: reauth})
		})
		if err != nil {
			return err
		}
		return ErrBadCredentials
	}
	if err != nil {
		return err
	}
	return s.ClearFailures(ctx, u.Email)
}

// LogOut records that the user with id, done by by, ended their session.
func (s *Store) LogOut(ctx context.Context, id int64, by audit.Actor) error {
	return audit.Record(ctx, s.db, by, audit.Entry{Action: audit.Logout, Entity: "user", EntityID: id})
}

// refuseLocked gives *LockedOut when any of keys has reached MaxFailures in the window. It
// records nothing: the lock was recorded when it began (fail), and an attempt while locked
// must not be able to fill the audit log.
func (s *Store) refuseLocked(ctx context.Context, keys []string) error {
	locked, retry, err := s.Locked(ctx, keys)
	if err != nil || !locked {
		return err
	}
	return &LockedOut{Retry: retry}
}

// fail counts a failure against keys and records locked in the audit log, in one
// transaction, when this failure locks one of them.
func (s *Store) fail(ctx context.Context, keys []string, by audit.Actor, locked audit.Entry) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		locks, err := NewStore(tx).RecordFailure(ctx, keys)
		if err != nil || !locks {
			return err
		}
		return audit.Record(ctx, tx, by, locked)
	})
}

// emailDigest is what the audit log keeps of an address typed at a refused login: it may be
// anyone's, so the log has a digest that matches an account's address, never the address.
func emailDigest(email string) map[string]any {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return map[string]any{"email_sha256": hex.EncodeToString(sum[:8])}
}

// completeLogin records the login of u, as by (whose ID and label become u's), in one
// transaction with the last login time. The account's failure count ends only with a
// complete login: clearing it after the password alone would let someone who knows it guess
// two-factor codes without end.
func (s *Store) completeLogin(ctx context.Context, u User, recovery bool, by audit.Actor) error {
	by.ID, by.Label = u.ID, u.Email
	e := audit.Entry{Action: audit.Login, Entity: "user", EntityID: u.ID}
	if recovery {
		e.Action = audit.RecoveryCodeUsed
	}
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		users := NewStore(tx)
		if err := users.ClearFailures(ctx, u.Email); err != nil {
			return err
		}
		if err := users.exec(ctx, "record login", `UPDATE users SET last_login_at = now() WHERE id = $1`, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, e)
	})
}
