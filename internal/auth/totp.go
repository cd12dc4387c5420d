package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
)

// Issuer is the name authenticator apps show next to the account.
const Issuer = "Selvhjelpshuset"

// RecoveryCodeCount is how many one-time recovery codes a user gets.
const RecoveryCodeCount = 10

// ErrBadCode is the answer to a wrong, expired or already used code.
var ErrBadCode = errors.New("auth: wrong or used code")

// Sealer encrypts two-factor secrets at rest with AES-256-GCM under a key derived from
// SECRET_KEY; values sealed under an earlier SECRET_KEY (SECRET_KEY_PREVIOUS) still open, and
// ResealTwoFactor moves them to the current one.
type Sealer struct{ ring *secrets.Keyring }

// NewSealer derives the keys for purpose from the app secret and the earlier ones.
func NewSealer(secret []byte, purpose string, previous ...[]byte) (*Sealer, error) {
	ring, err := secrets.NewKeyring(purpose, secret, previous...)
	if err != nil {
		return nil, err
	}
	return &Sealer{ring: ring}, nil
}

// Seal returns nonce ‖ ciphertext under the current key.
func (s *Sealer) Seal(plain []byte) []byte {
	_, sealed := s.ring.Seal(plain, "")
	return sealed
}

// Open reverses Seal, under the current key or an earlier one.
func (s *Sealer) Open(sealed []byte) ([]byte, error) {
	plain, _, err := s.ring.OpenAny(sealed, "")
	return plain, err
}

// ResealTwoFactor seals every stored two-factor secret again under the current key, in one
// transaction, and returns how many it changed. One that no key opens stops it, changing
// nothing.
func (s *Store) ResealTwoFactor(ctx context.Context, seal *Sealer) (int, error) {
	n := 0
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id FOR UPDATE`)
		if err != nil {
			return err
		}
		type row struct {
			id     int64
			sealed []byte
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.sealed)
		})
		if err != nil {
			return err
		}
		for _, x := range list {
			plain, keyID, err := seal.ring.OpenAny(x.sealed, "")
			if err != nil {
				return fmt.Errorf("user %d: %w", x.id, err)
			}
			if keyID == seal.ring.Current() {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $2 WHERE id = $1`, x.id, seal.Seal(plain)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("auth: reseal: %w", err)
	}
	return n, nil
}

// Enrolment is a new, not yet confirmed TOTP secret for a user.
type Enrolment struct {
	Secret string // base32, for typing into an app by hand
	QRCode string // data: URL of a PNG QR code of the otpauth:// URL
}

// Enrol gives u's pending enrolment, so that a QR code already scanned keeps working, or
// starts a new one.
func (s *Store) Enrol(ctx context.Context, seal *Sealer, u User) (Enrolment, error) {
	e, ok, err := s.CurrentEnrolment(ctx, seal, u)
	if err == nil && !ok {
		e, err = s.StartTwoFactor(ctx, seal, u)
	}
	return e, err
}

// StartTwoFactor makes a new secret for the user and stores it sealed, not yet enabled.
func (s *Store) StartTwoFactor(ctx context.Context, seal *Sealer, u User) (Enrolment, error) {
	if u.TwoFactor() {
		return Enrolment{}, fmt.Errorf("auth: two-factor already enabled: %w", postgres.ErrConflict)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: u.Email})
	if err != nil {
		return Enrolment{}, fmt.Errorf("auth: totp: %w", err)
	}
	if err := s.exec(ctx, "start two-factor", `UPDATE users SET totp_secret = $2 WHERE id = $1`,
		u.ID, seal.Seal([]byte(key.Secret()))); err != nil {
		return Enrolment{}, err
	}
	return enrolment(key)
}

// CurrentEnrolment gives back the pending secret (after a wrong confirmation code, say),
// so the QR code the user already scanned keeps working.
func (s *Store) CurrentEnrolment(ctx context.Context, seal *Sealer, u User) (Enrolment, bool, error) {
	secret, err := s.secret(ctx, seal, u.ID)
	if err != nil || secret == "" || u.TwoFactor() {
		return Enrolment{}, false, err
	}
	v := url.Values{"secret": {secret}, "issuer": {Issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	key, err := otp.NewKeyFromURL("otpauth://totp/" + url.PathEscape(Issuer+":"+u.Email) + "?" + v.Encode())
	if err != nil {
		return Enrolment{}, false, fmt.Errorf("auth: totp: %w", err)
	}
	e, err := enrolment(key)
	return e, err == nil, err
}

// enrolment renders the key as a QR code an authenticator app can scan.
func enrolment(key *otp.Key) (Enrolment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, fmt.Errorf("auth: totp: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, fmt.Errorf("auth: totp: %w", err)
	}
	return Enrolment{Secret: key.Secret(), QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

func (s *Store) secret(ctx context.Context, seal *Sealer, userID int64) (string, error) {
	var sealed []byte
	if err := s.db.QueryRow(ctx, `SELECT totp_secret FROM users WHERE id = $1`, userID).Scan(&sealed); err != nil {
		return "", fmt.Errorf("auth: totp: %w", postgres.MapError(err))
	}
	if sealed == nil {
		return "", nil
	}
	plain, err := seal.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("auth: totp: %w", err)
	}
	return string(plain), nil
}

// ConfirmTwoFactor enables two-factor login of the user with id, done by by, when code
// matches the pending secret, and returns fresh recovery codes to show once; the change and
// its audit line land together. A wrong code gives ErrBadCode and changes nothing.
func (s *Store) ConfirmTwoFactor(ctx context.Context, seal *Sealer, id int64, code string, by audit.Actor, now time.Time) ([]string, error) {
	var codes []string
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		users := NewStore(tx)
		if err := users.checkCode(ctx, seal, id, code, now); err != nil {
			return err
		}
		if err := users.exec(ctx, "enable two-factor", `UPDATE users SET totp_enabled_at = now(), updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		var err error
		if codes, err = users.newRecoveryCodes(ctx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.TwoFactorEnabled, Entity: "user", EntityID: id})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// VerifyTwoFactor checks a login code, or a recovery code, and reports which was used.
func (s *Store) VerifyTwoFactor(ctx context.Context, seal *Sealer, userID int64, code string, now time.Time) (recovery bool, err error) {
	code, recovery = codeOf(code)
	if recovery {
		return true, s.useRecoveryCode(ctx, userID, code)
	}
	return false, s.checkCode(ctx, seal, userID, code, now)
}

// codeOf reads a typed code: spaces anywhere and case do not matter, and a recovery code
// (eight letters and digits of base32, shown as "abcd-efgh") is recognised with or without
// its dash and returned as it was shown. Anything else is returned as a login code.
func codeOf(typed string) (code string, recovery bool) {
	code = strings.ToLower(strings.Join(strings.Fields(typed), ""))
	if len(code) == 8 && strings.Trim(code, "abcdefghijklmnopqrstuvwxyz234567") == "" {
		code = code[:4] + "-" + code[4:]
	}
	return code, len(code) == 9 && code[4] == '-'
}

// checkCode accepts a 6-digit code of the current 30-second step or one step either side, and
// only for a step later than the last one used, so a code seen over a shoulder is worthless
// once it has been used.
func (s *Store) checkCode(ctx context.Context, seal *Sealer, userID int64, code string, now time.Time) error {
	secret, err := s.secret(ctx, seal, userID)
	if err != nil {
		return err
	}
	if secret == "" || len(code) != 6 {
		return ErrBadCode
	}
	opts := totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	step := now.Unix() / 30
	for _, st := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*30, 0), opts)
		if err != nil || subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		tag, err := s.db.Exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, userID, st)
		if err != nil {
			return fmt.Errorf("auth: totp: %w", err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
	}
	return ErrBadCode
}

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func (s *Store) newRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	if _, err := s.db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return nil, fmt.Errorf("auth: recovery codes: %w", err)
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 5)
		_, _ = rand.Read(b)
		c := strings.ToLower(recoveryEncoding.EncodeToString(b)) // 8 characters
		codes[i] = c[:4] + "-" + c[4:]
		if _, err := s.db.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`,
			userID, tokens.Hash(codes[i])); err != nil {
			return nil, fmt.Errorf("auth: recovery codes: %w", err)
		}
	}
	return codes, nil
}

func (s *Store) useRecoveryCode(ctx context.Context, userID int64, code string) error {
	tag, err := s.db.Exec(ctx, `UPDATE recovery_codes SET used_at = now()
		WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`, userID, tokens.Hash(code))
	if err != nil {
		return fmt.Errorf("auth: recovery code: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrBadCode
	}
	return nil
}

// ResetTwoFactor removes the second factor and recovery codes of the user with id (an admin,
// by, does this for someone who lost their phone) and ends their sessions, with its audit
// line.
func (s *Store) ResetTwoFactor(ctx context.Context, id int64, by audit.Actor) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("auth: reset two-factor: %w", err)
		}
		if err := NewStore(tx).exec(ctx, "reset two-factor", `UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL,
			session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.TwoFactorReset, Entity: "user", EntityID: id})
	})
}

// SettingsTables are the tables RequireTwoFactor reads.
func SettingsTables() []string { return []string{"settings"} }

// RequireTwoFactor reports whether admins require two-factor login of all staff.
func (s *Store) RequireTwoFactor(ctx context.Context) (bool, error) {
	var on bool
	if err := s.db.QueryRow(ctx, `SELECT require_two_factor FROM settings`).Scan(&on); err != nil {
		return false, fmt.Errorf("auth: settings: %w", err)
	}
	return on, nil
}

// SetRequireTwoFactor changes that setting, done by by, with its audit line.
func (s *Store) SetRequireTwoFactor(ctx context.Context, on bool, by audit.Actor) error {
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE settings SET require_two_factor = $1`, on); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.SettingsChanged, Entity: "settings",
			Details: map[string]any{"require_two_factor": on}})
	})
	if err != nil {
		return fmt.Errorf("auth: settings: %w", err)
	}
	return nil
}
