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

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
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

// Store keeps the licences, requests and loans. Built on a transaction, its use cases join
// it (their own transactions become savepoints).
type Store struct {
	db   postgres.DBTX
	ring *secrets.Keyring
	out  *mail.Outbox
}

// NewStore returns a Store on db that seals and opens the licences' secrets with ring and
// queues the answers to requests in out. Both are required; what needs neither is a
// function over a DBTX (ReadUsage, PurgeRequests, Rotate, SendReminders).
func NewStore(db postgres.DBTX, ring *secrets.Keyring, out *mail.Outbox) *Store {
	return &Store{db: db, ring: ring, out: out}
}

// inTx runs fn in a transaction of its own (a savepoint when the store is built on one), so
// a change, its mail and its audit line land together or not at all.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return postgres.InTx(ctx, s.db, fn)
}

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

// Create validates f and adds the licence, its secret sealed, and returns its id. An
// invalid form or a taken label is a validate.Errors.
func (s *Store) Create(ctx context.Context, f Form) (int64, error) {
	if errs := f.Validate(true); !errs.OK() {
		return 0, errs
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
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
		return 0, formError("create", err)
	}
	return id, nil
}

// formError makes a taken label a field error, as the form shows it.
func formError(op string, err error) error {
	err = postgres.MapError(err)
	if errors.Is(err, postgres.ErrConflict) {
		var e validate.Errors
		e.Add("label", "licences.label.taken")
		return e
	}
	return fmt.Errorf("licences: %s: %w", op, err)
}

// seal stores secret for licence id under the current key; changed marks a new password,
// which ends the password-change step after a return.
func (s *Store) seal(ctx context.Context, db postgres.DBTX, id int64, secret string, changed bool) error {
	keyID, sealed := s.ring.Seal([]byte(secret), sealContext(id))
	_, err := db.Exec(ctx, `UPDATE licences SET secret = $2, key_id = $3, updated_at = now(),
		password_change_due = password_change_due AND NOT $4 WHERE id = $1`, id, sealed, keyID, changed)
	return err
}

// Update validates f and saves it. A new secret is a changed password: it is sealed, ends the
// password-change step, and is written to the audit log as done by by, all in one
// transaction. An invalid form or a taken label is a validate.Errors.
func (s *Store) Update(ctx context.Context, id int64, f Form, by audit.Actor) error {
	if errs := f.Validate(false); !errs.OK() {
		return errs
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE licences SET provider = $2, label = $3, max_participants = $4, max_minutes = $5,
			account_login = $6, status = $7, funding = $8, notes = $9, updated_at = now() WHERE id = $1`,
			id, f.Provider, f.Label, f.maxParticipants, f.maxMinutes, f.AccountLogin, f.Status, f.Funding, f.Notes)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return postgres.ErrNotFound
		}
		if f.Secret == "" {
			return nil
		}
		if err := s.seal(ctx, tx, id, f.Secret, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.LicencePasswordChanged, Entity: "licence", EntityID: id})
	})
	if err != nil {
		return formError("update", err)
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

// secret opens the licence's password or room key. Every caller is a reveal that writes
// its audit line on the same db.
func (s *Store) secret(ctx context.Context, db postgres.DBTX, id int64) (string, error) {
	var keyID string
	var sealed []byte
	if err := db.QueryRow(ctx, `SELECT key_id, secret FROM licences WHERE id = $1`, id).Scan(&keyID, &sealed); err != nil {
		return "", fmt.Errorf("licences: secret: %w", postgres.MapError(err))
	}
	plain, err := s.ring.Open(keyID, sealed, sealContext(id))
	if err != nil {
		return "", fmt.Errorf("licences: secret of %d: %w", id, err)
	}
	return string(plain), nil
}

// RevealForStaff opens licence id's password or room key for a member of staff, by, and
// writes the reveal to the audit log in the same transaction: no secret leaves the store
// unrecorded. Who may call it (staff, after confirming their password) is the caller's rule.
func (s *Store) RevealForStaff(ctx context.Context, id int64, by audit.Actor) (string, error) {
	var plain string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if plain, err = s.secret(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.CredentialsShown, Entity: "licence", EntityID: id})
	})
	return plain, err
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

// Rotate seals every secret not under ring's current key again under it, in one
// transaction, and returns how many it changed. A secret under a key the ring lacks stops it
// with secrets.ErrUnknownKey, changing nothing. It needs the keys alone (rotate-key runs it
// from the command line), so it is a function over a DBTX rather than a use case of Store.
func Rotate(ctx context.Context, db postgres.DBTX, ring *secrets.Keyring) (int, error) {
	n := 0
	err := postgres.InTx(ctx, db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, key_id, secret FROM licences WHERE key_id <> $1 ORDER BY id FOR UPDATE`, ring.Current())
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
			plain, err := ring.Open(o.keyID, o.sealed, sealContext(o.id))
			if err != nil {
				return fmt.Errorf("licence %d: %w", o.id, err)
			}
			keyID, sealed := ring.Seal(plain, sealContext(o.id))
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
