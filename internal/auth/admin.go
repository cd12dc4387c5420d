package auth

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Invite creates the account of n without a password, done by by, and mails the invitation
// link where its owner chooses one, in one transaction with its audit line. roles are the
// roles by may give (the server decides: admins any, staff only partner users); another is
// a field error like the rest of n's. A taken address gives ErrConflict, an organisation
// that is gone ErrInvalid.
func (s *Store) Invite(ctx context.Context, out *mail.Outbox, n NewUser, roles []Role, by audit.Actor) (User, error) {
	errs := n.Validate()
	if !slices.Contains(roles, n.Role) {
		errs.Add("role", "users.role.required")
	}
	if !errs.OK() {
		return User{}, errs
	}
	var u User
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if u, err = NewStore(tx).Create(ctx, n); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, by, audit.Entry{Action: audit.UserInvited, Entity: "user", EntityID: u.ID,
			Details: map[string]any{"role": string(u.Role)}}); err != nil {
			return err
		}
		return mailLink(ctx, tx, out, u, Invitation)
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// ResendInvitation mails u a new invitation link, done by by, with its audit line; the
// earlier link stops working. An account that has a password already, or is disabled, gives
// a field error.
func (s *Store) ResendInvitation(ctx context.Context, out *mail.Outbox, u User, by audit.Actor) error {
	if u.Active() || u.Disabled {
		var e validate.Errors
		e.Add("role", "users.resend.notInvited")
		return e
	}
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := mailLink(ctx, tx, out, u, Invitation); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.UserInvited, Entity: "user", EntityID: u.ID})
	})
}

// Register creates the account of n with its password, done by by (the command line, for the
// first admin), with its audit line.
func (s *Store) Register(ctx context.Context, n NewUser, by audit.Actor) (User, error) {
	var u User
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if u, err = NewStore(tx).Create(ctx, n); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.UserCreated, Entity: "user", EntityID: u.ID,
			Details: map[string]any{"role": string(u.Role)}})
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// ChangeRole gives u the role, done by by, and ends u's sessions; the audit line names the
// role before and after. A partner needs an organisation, staff and admins have none: a
// missing one is a field error, one that is gone ErrInvalid.
func (s *Store) ChangeRole(ctx context.Context, u User, role Role, orgID int64, by audit.Actor) error {
	var e validate.Errors
	if !role.Valid() {
		e.Add("role", "users.role.required")
	} else if role == Partner && orgID == 0 {
		e.Add("org", "users.org.required")
	}
	if !e.OK() {
		return e
	}
	var org *int64
	if role == Partner {
		org = &orgID
	}
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := NewStore(tx).exec(ctx, "set role", `UPDATE users SET role = $2, org_id = $3,
			session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1`, u.ID, role, org); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.UserRoleChanged, Entity: "user", EntityID: u.ID,
			Details: map[string]any{"from": string(u.Role), "to": string(role)}})
	})
}

// SetDisabled disables or enables the account with id, done by by, with its audit line.
// Disabling ends all its sessions at once: the session epoch moves on, and every request with
// an older one is logged out. No one may disable their own account: that is a field error.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool, by audit.Actor) error {
	if disabled && id == by.ID {
		var e validate.Errors
		e.Add("role", "users.disable.self")
		return e
	}
	action := audit.UserEnabled
	if disabled {
		action = audit.UserDisabled
	}
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := NewStore(tx).exec(ctx, "set disabled", `UPDATE users SET disabled = $2,
			session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1`, id, disabled); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: action, Entity: "user", EntityID: id})
	})
}
