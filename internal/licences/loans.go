package licences

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

const loanColumns = `n.id, n.licence_id, l.label, l.provider, l.account_login, n.request_id, coalesce(n.org_id, 0), coalesce(n.group_id, 0),
	coalesce(o.name, g.name, ''), lower(n.period), upper(n.period), n.returned_at, n.cancelled_at,
	q.contact_name, q.contact_email, q.lang, l.password_change_due, l.max_participants, l.max_minutes`

const loanJoins = ` FROM licence_loans n
	JOIN licences l ON l.id = n.licence_id
	JOIN licence_requests q ON q.id = n.request_id
	LEFT JOIN orgs o ON o.id = n.org_id
	LEFT JOIN groups g ON g.id = n.group_id`

// Loan is a loan with its licence and borrower.
type Loan struct {
	ID           int64
	LicenceID    int64
	Label        string
	Provider     string
	AccountLogin string
	RequestID    int64
	OrgID        int64
	GroupID      int64
	Borrower     string
	Starts, Ends time.Time
	ReturnedAt   *time.Time
	CancelledAt  *time.Time
	ContactName  string
	ContactEmail string
	Lang         string
	PasswordDue  bool
	// The licence's plan: the most participants, and how long a meeting may last (nil: no limit).
	MaxParticipants int
	MaxMinutes      *int
}

func scanLoan(row pgx.CollectableRow) (Loan, error) {
	var n Loan
	err := row.Scan(&n.ID, &n.LicenceID, &n.Label, &n.Provider, &n.AccountLogin, &n.RequestID, &n.OrgID, &n.GroupID, &n.Borrower,
		&n.Starts, &n.Ends, &n.ReturnedAt, &n.CancelledAt, &n.ContactName, &n.ContactEmail, &n.Lang, &n.PasswordDue,
		&n.MaxParticipants, &n.MaxMinutes)
	return n, err
}

// Open reports whether the loan is neither returned nor cancelled.
func (n Loan) Open() bool { return n.ReturnedAt == nil && n.CancelledAt == nil }

// Current reports whether the borrower may use the licence at now.
func (n Loan) Current(now time.Time) bool {
	return n.Open() && !now.Before(n.Starts) && now.Before(n.Ends)
}

// Overdue reports whether the loan has ended and the licence is not marked returned.
func (n Loan) Overdue(now time.Time) bool { return n.Open() && !now.Before(n.Ends) }

// RevealState says whether a loan's borrower may see its credentials at a moment, and if not,
// why. The store's reveal and the loan page ask the same method, so the page never offers a
// reveal the store refuses.
type RevealState string

// The reveal states of a loan.
const (
	RevealAllowed     RevealState = ""            // the loan runs and the password is fresh
	RevealEnded       RevealState = "ended"       // returned, cancelled or over
	RevealNotYet      RevealState = "notYet"      // the loan has not begun
	RevealPasswordDue RevealState = "passwordDue" // the licence waits for a new password after a return
)

// RevealState is whether the borrower may see the credentials at now.
func (n Loan) RevealState(now time.Time) RevealState {
	switch {
	case !n.Open() || n.Overdue(now):
		return RevealEnded
	case !n.Current(now):
		return RevealNotYet
	case n.PasswordDue:
		return RevealPasswordDue
	}
	return RevealAllowed
}

// GetLoan returns one loan; with a scope, only the requester's own (else ErrNotFound).
func (s *Store) GetLoan(ctx context.Context, scope *Requester, id int64) (Loan, error) {
	return getLoan(ctx, s.db, scope, id)
}

func getLoan(ctx context.Context, db postgres.DBTX, scope *Requester, id int64) (Loan, error) {
	where, args := ` WHERE n.id = $1`, []any{id}
	if scope != nil {
		where += ` AND (n.org_id = $2 OR n.group_id = $3)`
		args = append(args, scope.OrgID, scope.GroupID)
	}
	rows, err := db.Query(ctx, `SELECT `+loanColumns+loanJoins+where, args...)
	if err != nil {
		return Loan{}, fmt.Errorf("licences: loan: %w", err)
	}
	n, err := pgx.CollectExactlyOneRow(rows, scanLoan)
	if err != nil {
		return n, fmt.Errorf("licences: loan: %w", postgres.MapError(err))
	}
	return n, nil
}

// Loan lists.
const (
	LoansOpen    = "open"    // not yet returned: current, coming and overdue
	LoansOverdue = "overdue" // ended, not returned
	LoansAll     = "all"
)

// Loans lists loans, newest first: with a scope only the requester's own.
func (s *Store) Loans(ctx context.Context, scope *Requester, show string, now time.Time, limit, offset int) ([]Loan, int, error) {
	where := `WHERE n.cancelled_at IS NULL`
	switch show {
	case LoansOpen:
		where += ` AND n.returned_at IS NULL`
	case LoansOverdue:
		where += ` AND n.returned_at IS NULL AND upper(n.period) <= $1`
	}
	args := []any{now}
	if scope != nil {
		where += ` AND (n.org_id = $2 OR n.group_id = $3)`
		args = append(args, scope.OrgID, scope.GroupID)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM licence_loans n `+where+` AND $1::timestamptz IS NOT NULL`, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("licences: loans: %w", err)
	}
	page := ` LIMIT $` + strconv.Itoa(len(args)+1) + ` OFFSET $` + strconv.Itoa(len(args)+2)
	rows, err := s.db.Query(ctx, `SELECT `+loanColumns+loanJoins+` `+where+` AND $1::timestamptz IS NOT NULL
		ORDER BY lower(n.period) DESC, n.id DESC`+page, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("licences: loans: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanLoan)
	if err != nil {
		return nil, 0, fmt.Errorf("licences: loans: %w", err)
	}
	return list, total, nil
}

// ErrNotNow is returned when the credentials are asked for outside the loan's period.
var ErrNotNow = errors.New("licences: the loan is not running now")

// RevealForBorrower opens the credentials of loan id for its borrower who (the user by):
// only during the loan, and not while the licence waits for a password change. The reveal
// is written to the audit log in the same transaction. A loan of another organisation or
// group is ErrNotFound.
func (s *Store) RevealForBorrower(ctx context.Context, who Requester, id int64, by audit.Actor, now time.Time) (Loan, string, error) {
	var n Loan
	var plain string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if n, err = getLoan(ctx, tx, &who, id); err != nil {
			return err
		}
		switch n.RevealState(now) {
		case RevealAllowed:
		case RevealPasswordDue:
			return ErrPasswordChange
		default:
			return ErrNotNow
		}
		if plain, err = s.secret(ctx, tx, n.LicenceID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.CredentialsShown, Entity: "licence_loan", EntityID: n.ID,
			Details: map[string]any{"licence_id": n.LicenceID, "org_id": n.OrgID}})
	})
	if err != nil {
		return n, "", err
	}
	return n, plain, nil
}

// Return marks the loan's licence as handed back at now, received by by: a loan not yet
// begun is cancelled, one running is shortened to the end of today (loans are whole days;
// the days after are free), and the licence waits for a password change before anyone sees
// it again. The return is written to the audit log in the same transaction.
func (s *Store) Return(ctx context.Context, id int64, by audit.Actor, now time.Time) (Loan, error) {
	var n Loan
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE licence_loans SET
				cancelled_at = CASE WHEN lower(period) >= $2 THEN $2 END,
				returned_at = CASE WHEN lower(period) < $2 THEN $2 END,
				returned_to = NULLIF($3, 0),
				period = CASE WHEN lower(period) < $2 AND upper(period) > $4 THEN tstzrange(lower(period), $4) ELSE period END
			WHERE id = $1 AND returned_at IS NULL AND cancelled_at IS NULL`, id, now, by.ID, tz.Midnight(now).AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return postgres.ErrNotFound
		}
		if _, err := tx.Exec(ctx, `UPDATE licences SET password_change_due = true, updated_at = now()
			WHERE id = (SELECT licence_id FROM licence_loans WHERE id = $1 AND returned_at IS NOT NULL)`, id); err != nil {
			return err
		}
		if n, err = getLoan(ctx, tx, nil, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.LoanReturned, Entity: "licence_loan", EntityID: n.ID,
			Details: map[string]any{"licence_id": n.LicenceID}})
	})
	if err != nil {
		return n, fmt.Errorf("licences: return: %w", postgres.MapError(err))
	}
	return n, nil
}

// PurgeRequests removes the personal data of requests older than months: declined and
// withdrawn ones go; approved ones keep their loan for the figures but lose the contact's
// name, address and phone once the loan ended that long ago. It returns how many it touched.
func PurgeRequests(ctx context.Context, db postgres.DBTX, months int) (int64, error) {
	del, err := db.Exec(ctx, `DELETE FROM licence_requests WHERE status IN ('declined', 'withdrawn')
		AND coalesce(decided_at, created_at) < now() - make_interval(months => $1)`, months)
	if err != nil {
		return 0, fmt.Errorf("licences: purge: %w", err)
	}
	anon, err := db.Exec(ctx, `UPDATE licence_requests q SET contact_name = '–', contact_email = 'slettet', contact_phone = ''
		FROM licence_loans n WHERE n.request_id = q.id AND q.contact_email <> 'slettet'
		AND upper(n.period) < now() - make_interval(months => $1)`, months)
	if err != nil {
		return 0, fmt.Errorf("licences: purge: %w", err)
	}
	return del.RowsAffected() + anon.RowsAffected(), nil
}
