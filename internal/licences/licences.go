// Package licences lends the centre's Zoom and Whereby licences — "a kind of digital key" —
// to partner organisations and groups. A loan is a row with a tstzrange; an exclusion
// constraint makes lending one licence twice at once impossible. The password or room key of
// a licence is sealed at rest (internal/secrets) and opened only for staff or for the
// borrower during the loan.
package licences

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Providers.
const (
	Zoom    = "zoom"
	Whereby = "whereby"
)

// Providers lists them in the order forms show them.
var Providers = []string{Zoom, Whereby}

// Statuses of a licence.
const (
	Active  = "active"
	Retired = "retired"
)

// Licence is one licence of the pool, without its secret.
type Licence struct {
	ID                int64
	Provider          string
	Label             string
	MaxParticipants   int
	MaxMinutes        *int // nil: no limit
	AccountLogin      string
	KeyID             string
	Status            string
	PasswordChangeDue bool
	Funding           string
	Notes             string
}

// Store keeps the licences, requests and loans.
type Store struct {
	db   *pgxpool.Pool
	ring *secrets.Keyring
}

// NewStore returns a Store that seals and opens secrets with ring.
func NewStore(db *pgxpool.Pool, ring *secrets.Keyring) *Store { return &Store{db: db, ring: ring} }

// sealContext binds a sealed secret to its licence row.
func sealContext(id int64) string { return "licence " + strconv.FormatInt(id, 10) }

// Form is the licence form as typed. Secret is the password or room key; empty on an edit
// keeps the stored one.
type Form struct {
	Provider, Label, MaxParticipants, MaxMinutes, AccountLogin, Secret, Status, Funding, Notes string

	maxParticipants int
	maxMinutes      *int
}

// FormOf fills the form from a stored licence (never with its secret).
func FormOf(l Licence) Form {
	f := Form{Provider: l.Provider, Label: l.Label, MaxParticipants: strconv.Itoa(l.MaxParticipants), AccountLogin: l.AccountLogin,
		Status: l.Status, Funding: l.Funding, Notes: l.Notes}
	if l.MaxMinutes != nil {
		f.MaxMinutes = strconv.Itoa(*l.MaxMinutes)
	}
	return f
}

// Validate trims and checks the form; a new licence needs its secret. Messages are catalogue ids.
func (f *Form) Validate(creating bool) validate.Errors {
	var e validate.Errors
	for _, s := range []*string{&f.Provider, &f.Label, &f.MaxParticipants, &f.MaxMinutes, &f.AccountLogin, &f.Status, &f.Funding, &f.Notes} {
		*s = strings.TrimSpace(*s)
	}
	if f.Provider != Zoom && f.Provider != Whereby {
		e.Add("provider", "licences.provider.required")
	}
	if e.Required("label", f.Label, "licences.label.required") {
		e.MaxLength("label", f.Label, 80, "form.tooLong")
	}
	n, err := strconv.Atoi(f.MaxParticipants)
	if err != nil || n < 1 || n > 10000 {
		e.Add("max_participants", "licences.participants.invalid")
	}
	f.maxParticipants = n
	f.maxMinutes = nil
	if f.MaxMinutes != "" {
		m, err := strconv.Atoi(f.MaxMinutes)
		if err != nil || m < 1 || m > 1440 {
			e.Add("max_minutes", "licences.minutes.invalid")
		}
		f.maxMinutes = &m
	}
	if e.Required("account_login", f.AccountLogin, "licences.login.required") {
		e.MaxLength("account_login", f.AccountLogin, 254, "form.tooLong")
	}
	if creating {
		e.Required("secret", f.Secret, "licences.secret.required")
	}
	e.MaxLength("secret", f.Secret, 500, "form.tooLong")
	if f.Status == "" {
		f.Status = Active
	}
	if f.Status != Active && f.Status != Retired {
		e.Add("status", "licences.status.required")
	}
	e.MaxLength("funding", f.Funding, 200, "form.tooLong")
	e.MaxLength("notes", f.Notes, 2000, "form.tooLong")
	return e
}

const licenceColumns = `l.id, l.provider, l.label, l.max_participants, l.max_minutes, l.account_login, l.key_id, l.status,
	l.password_change_due, l.funding, l.notes`

// Create adds a licence from a validated form, its secret sealed, and returns its id. A
// taken label is ErrConflict.
func (s *Store) Create(ctx context.Context, f Form) (int64, error) {
	var id int64
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		// The secret is bound to the row's id, which the insert gives: seal it just after.
		err := tx.QueryRow(ctx, `INSERT INTO licences (provider, label, max_participants, max_minutes, account_login, secret, key_id,
			status, funding, notes) VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, $9) RETURNING id`,
			f.Provider, f.Label, f.maxParticipants, f.maxMinutes, f.AccountLogin, s.ring.Current(), f.Status, f.Funding, f.Notes).Scan(&id)
		if err != nil {
			return err
		}
		return s.seal(ctx, tx, id, f.Secret, false)
	})
	if err != nil {
		return 0, fmt.Errorf("licences: create: %w", postgres.MapError(err))
	}
	return id, nil
}

// seal stores secret for licence id under the current key; changed marks a new password,
// which ends the password-change step after a return.
func (s *Store) seal(ctx context.Context, db postgres.DBTX, id int64, secret string, changed bool) error {
	keyID, sealed := s.ring.Seal([]byte(secret), sealContext(id))
	_, err := db.Exec(ctx, `UPDATE licences SET secret = $2, key_id = $3, updated_at = now(),
		password_change_due = password_change_due AND NOT $4 WHERE id = $1`, id, sealed, keyID, changed)
	return err
}

// Update saves a validated form. A new secret (a changed password) is sealed and ends the
// password-change step.
func (s *Store) Update(ctx context.Context, id int64, f Form) error {
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE licences SET provider = $2, label = $3, max_participants = $4, max_minutes = $5,
			account_login = $6, status = $7, funding = $8, notes = $9, updated_at = now() WHERE id = $1`,
			id, f.Provider, f.Label, f.maxParticipants, f.maxMinutes, f.AccountLogin, f.Status, f.Funding, f.Notes)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return postgres.ErrNotFound
		}
		if f.Secret != "" {
			return s.seal(ctx, tx, id, f.Secret, true)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("licences: update: %w", postgres.MapError(err))
	}
	return nil
}

// Get returns a licence without its secret.
func (s *Store) Get(ctx context.Context, id int64) (Licence, error) {
	rows, err := s.db.Query(ctx, `SELECT `+licenceColumns+` FROM licences l WHERE l.id = $1`, id)
	if err != nil {
		return Licence{}, fmt.Errorf("licences: get: %w", err)
	}
	l, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Licence])
	if err != nil {
		return l, fmt.Errorf("licences: get: %w", postgres.MapError(err))
	}
	return l, nil
}

// Secret opens the licence's password or room key. Callers decide who may see it and audit
// every call.
func (s *Store) Secret(ctx context.Context, id int64) (string, error) {
	var keyID string
	var sealed []byte
	if err := s.db.QueryRow(ctx, `SELECT key_id, secret FROM licences WHERE id = $1`, id).Scan(&keyID, &sealed); err != nil {
		return "", fmt.Errorf("licences: secret: %w", postgres.MapError(err))
	}
	plain, err := s.ring.Open(keyID, sealed, sealContext(id))
	if err != nil {
		return "", fmt.Errorf("licences: secret of %d: %w", id, err)
	}
	return string(plain), nil
}

// ListRow is a licence in the pool list, with its loan now and the next one.
type ListRow struct {
	Licence
	LentTo     string     // who has it now; "" when it is in
	LentUntil  *time.Time // end of the current loan
	NextLoanAt *time.Time // start of the next loan, if any
}

// List returns one page of the pool, by provider and label, with what each is doing at now.
func (s *Store) List(ctx context.Context, provider, status string, now time.Time, limit, offset int) ([]ListRow, int, error) {
	where := `WHERE ($1 = '' OR l.provider = $1) AND ($2 = '' OR l.status = $2)`
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM licences l `+where, provider, status).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("licences: list: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+licenceColumns+`, coalesce(cur.holder, ''), cur.until, nxt.starts
		FROM licences l
		LEFT JOIN LATERAL (SELECT coalesce(o.name, g.name) AS holder, upper(n.period) AS until FROM licence_loans n
			LEFT JOIN orgs o ON o.id = n.org_id LEFT JOIN groups g ON g.id = n.group_id
			WHERE n.licence_id = l.id AND n.cancelled_at IS NULL AND n.returned_at IS NULL AND n.period @> $3::timestamptz LIMIT 1) cur ON true
		LEFT JOIN LATERAL (SELECT min(lower(n.period)) AS starts FROM licence_loans n
			WHERE n.licence_id = l.id AND n.cancelled_at IS NULL AND lower(n.period) > $3) nxt ON true
		`+where+` ORDER BY l.provider, l.label, l.id LIMIT $4 OFFSET $5`, provider, status, now, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("licences: list: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ListRow, error) {
		var r ListRow
		err := row.Scan(&r.ID, &r.Provider, &r.Label, &r.MaxParticipants, &r.MaxMinutes, &r.AccountLogin, &r.KeyID, &r.Status,
			&r.PasswordChangeDue, &r.Funding, &r.Notes, &r.LentTo, &r.LentUntil, &r.NextLoanAt)
		return r, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("licences: list: %w", err)
	}
	return list, total, nil
}

// Rotate seals every secret not under the current key again under it, in one transaction,
// and returns how many it changed. A secret under a key the ring lacks stops it with
// secrets.ErrUnknownKey, changing nothing.
func (s *Store) Rotate(ctx context.Context) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, key_id, secret FROM licences WHERE key_id <> $1 ORDER BY id FOR UPDATE`, s.ring.Current())
		if err != nil {
			return err
		}
		type old struct {
			id     int64
			keyID  string
			sealed []byte
		}
		list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (old, error) {
			var o old
			return o, row.Scan(&o.id, &o.keyID, &o.sealed)
		})
		if err != nil {
			return err
		}
		for _, o := range list {
			plain, err := s.ring.Open(o.keyID, o.sealed, sealContext(o.id))
			if err != nil {
				return fmt.Errorf("licence %d: %w", o.id, err)
			}
			keyID, sealed := s.ring.Seal(plain, sealContext(o.id))
			if _, err := tx.Exec(ctx, `UPDATE licences SET secret = $2, key_id = $3 WHERE id = $1`, o.id, sealed, keyID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("licences: rotate: %w", err)
	}
	return n, nil
}

// ErrPasswordChange is returned when a licence's password must be changed (after a return)
// before anyone sees it again.
var ErrPasswordChange = errors.New("licences: the password must be changed first")
