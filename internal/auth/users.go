// Package auth holds the accounts of staff, admins and partner users: passwords, two-factor
// login, invitation and reset links, and the count of failed logins. Participants never have
// an account. The package knows no HTTP; the server decides what a role may do.
//
// Each use case (LogIn, Invite, AskReset, ChangeRole …) is one Store method that writes its
// rows, its audit line and its mail in one transaction. The Store is built on the database
// alone, because most of it is read on every request and by commands that send no mail; the
// few use cases that mail a link take the outbox as an argument, as the two-factor ones take
// the Sealer, so no Store ever holds an outbox it cannot use.
package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Role is what a user may do.
type Role string

// The roles. Admin can do everything staff can, and manage users and read the audit log.
const (
	Admin   Role = "admin"
	Staff   Role = "staff"
	Partner Role = "partner"
)

// Roles lists the roles in the order they are offered.
var Roles = []Role{Staff, Partner, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Admin || r == Staff || r == Partner }

// IsStaff reports whether r works at the centre (staff or admin).
func (r Role) IsStaff() bool { return r == Admin || r == Staff }

// User is an account.
type User struct {
	ID            int64
	Email         string
	Name          string
	Role          Role
	OrgID         *int64
	OrgName       string
	PasswordHash  string
	Disabled      bool
	SessionEpoch  int
	TOTPEnabledAt *time.Time
	LastLoginAt   *time.Time
	CreatedAt     time.Time
}

// TwoFactor reports whether the user logs in with a second factor.
func (u User) TwoFactor() bool { return u.TOTPEnabledAt != nil }

// Active reports whether the user has chosen a password (accepted the invitation).
func (u User) Active() bool { return u.PasswordHash != "" }

// Store reads and changes accounts.
type Store struct {
	db postgres.DBTX
}

// NewStore returns a Store on db (a pool or a transaction).
func NewStore(db postgres.DBTX) *Store { return &Store{db: db} }

const userColumns = `u.id, u.email::text, u.name, u.role, u.org_id, coalesce(o.name, ''), coalesce(u.password_hash, ''),
	u.disabled, u.session_epoch, u.totp_enabled_at, u.last_login_at, u.created_at`

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.OrgID, &u.OrgName, &u.PasswordHash,
		&u.Disabled, &u.SessionEpoch, &u.TOTPEnabledAt, &u.LastLoginAt, &u.CreatedAt)
	return u, err
}

// Get returns the user with id.
func (s *Store) Get(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN orgs o ON o.id = u.org_id
		WHERE u.id = $1`, id))
	if err != nil {
		return u, fmt.Errorf("auth: get user: %w", postgres.MapError(err))
	}
	return u, nil
}

// GetByEmail returns the user with the address, compared without regard to case.
func (s *Store) GetByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN orgs o ON o.id = u.org_id
		WHERE u.email = $1`, strings.TrimSpace(email)))
	if err != nil {
		return u, fmt.Errorf("auth: get user: %w", postgres.MapError(err))
	}
	return u, nil
}

// NewUser is what it takes to create an account. Password may be empty: the user then sets
// one through an invitation link.
type NewUser struct {
	Email    string
	Name     string
	Role     Role
	OrgID    int64
	Password string
}

// Validate checks the fields; messages are catalogue ids.
func (n *NewUser) Validate() validate.Errors {
	var e validate.Errors
	n.Email, n.Name = strings.TrimSpace(n.Email), strings.TrimSpace(n.Name)
	e.RequiredEmail("email", n.Email)
	if e.Required("name", n.Name, "users.name.required") {
		e.MaxLength("name", n.Name, 120, "form.tooLong")
	}
	if !n.Role.Valid() {
		e.Add("role", "users.role.required")
	}
	if n.Role == Partner && n.OrgID == 0 {
		e.Add("org", "users.org.required")
	}
	if n.Password != "" {
		if p := CheckPassword(n.Password); p != "" {
			e.Add("password", p, "Min", MinPasswordLength)
		}
	}
	return e
}

// Create adds the account. A taken address gives ErrConflict; invalid fields validate.Errors.
func (s *Store) Create(ctx context.Context, n NewUser) (User, error) {
	if errs := n.Validate(); !errs.OK() {
		return User{}, errs
	}
	var hash *string
	if n.Password != "" {
		h, err := HashPassword(n.Password)
		if err != nil {
			return User{}, fmt.Errorf("auth: %w", err)
		}
		hash = &h
	}
	var org *int64
	if n.Role == Partner {
		org = &n.OrgID
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO users (email, name, role, org_id, password_hash)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, n.Email, n.Name, n.Role, org, hash).Scan(&id)
	if err != nil {
		return User{}, fmt.Errorf("auth: create user: %w", postgres.MapError(err))
	}
	return s.Get(ctx, id)
}

// SetPassword replaces the password and ends every other session of the user.
func (s *Store) SetPassword(ctx context.Context, id int64, password string) (User, error) {
	if p := CheckPassword(password); p != "" {
		var e validate.Errors
		e.Add("password", p, "Min", MinPasswordLength)
		return User{}, e
	}
	h, err := HashPassword(password)
	if err != nil {
		return User{}, fmt.Errorf("auth: %w", err)
	}
	tag, err := s.db.Exec(ctx, `UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, updated_at = now()
		WHERE id = $1`, id, h)
	if err != nil {
		return User{}, fmt.Errorf("auth: set password: %w", postgres.MapError(err))
	}
	if tag.RowsAffected() == 0 {
		return User{}, fmt.Errorf("auth: set password: %w", postgres.ErrNotFound)
	}
	return s.Get(ctx, id)
}

func (s *Store) exec(ctx context.Context, what, sql string, args ...any) error {
	tag, err := s.db.Exec(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("auth: %s: %w", what, postgres.MapError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("auth: %s: %w", what, postgres.ErrNotFound)
	}
	return nil
}

// ListFilter narrows the user list. Zero fields do not filter.
type ListFilter struct {
	Query string // part of the name or e-mail
	Role  Role
	OrgID int64
}

// List returns one page of users ordered by name, and how many match in all.
func (s *Store) List(ctx context.Context, f ListFilter, limit, offset int) ([]User, int, error) {
	q := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.TrimSpace(f.Query)) + "%"
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+`, count(*) OVER ()
		FROM users u LEFT JOIN orgs o ON o.id = u.org_id
		WHERE ($1 = '%%' OR u.name ILIKE $1 OR u.email::text ILIKE $1) AND ($2 = '' OR u.role = $2)
		  AND ($3 = 0 OR u.org_id = $3)
		ORDER BY u.name COLLATE "nb-NO-x-icu", u.id LIMIT $4 OFFSET $5`, q, string(f.Role), f.OrgID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: list users: %w", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) {
		var u User
		err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.OrgID, &u.OrgName, &u.PasswordHash,
			&u.Disabled, &u.SessionEpoch, &u.TOTPEnabledAt, &u.LastLoginAt, &u.CreatedAt, &total)
		return u, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("auth: list users: %w", err)
	}
	return list, total, nil
}

// ErrBadCredentials is the one answer to a wrong address or a wrong password.
var ErrBadCredentials = errors.New("auth: wrong e-mail or password")

// Authenticate checks an address and password. Unknown addresses, disabled accounts,
// accounts without a password and wrong passwords all give ErrBadCredentials, after the same
// amount of work.
func (s *Store) Authenticate(ctx context.Context, email, password string) (User, error) {
	u, err := s.GetByEmail(ctx, email)
	if err != nil && !errors.Is(err, postgres.ErrNotFound) {
		return User{}, err
	}
	ok := VerifyPassword(password, u.PasswordHash)
	if !ok || u.Disabled || u.ID == 0 {
		return User{}, ErrBadCredentials
	}
	return u, nil
}
