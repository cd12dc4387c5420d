package licences

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// ErrDecided is returned for a request that is no longer pending.
var ErrDecided = errors.New("licences: the request is no longer pending")

// ErrTaken is returned when the licence is lent to someone else for part of the period; it
// is postgres.ErrConflict.
var ErrTaken = fmt.Errorf("licences: the licence is lent for part of the period: %w", postgres.ErrConflict)

// ErrUnsuitable is returned when the licence chosen is retired, of another provider, or
// takes too few participants.
var ErrUnsuitable = errors.New("licences: the licence does not suit the request")

// ErrPast is returned when approving a request whose period is over.
var ErrPast = errors.New("licences: the request's period is over")

// ErrNotReturned is returned when the licence's last loan has ended but it was never marked
// returned: its password may still be in use, so it is not lent again until it is.
var ErrNotReturned = errors.New("licences: the licence's last loan is not returned")

// Decision is staff's answer to a pending request: lend Licence (Approve), or decline with
// a Reason the requester gets by e-mail.
type Decision struct {
	Approve bool
	Licence int64  // the licence to lend
	Reason  string // why not; only for a refusal
	// Told means the requester already has the answer another way (on the phone, or, for
	// the demo's loan, before the data begins): no answer mail is queued.
	Told bool
}

// Validate trims the reason and checks that an approval names a licence and a refusal gives
// a reason; messages are catalogue ids.
func (d *Decision) Validate() validate.Errors {
	var e validate.Errors
	d.Reason = strings.TrimSpace(d.Reason)
	switch {
	case d.Approve && d.Licence == 0:
		e.Add("licence", "loans.licence.required")
	case !d.Approve && e.Required("reason", d.Reason, "request.reason.required"):
		e.MaxLength("reason", d.Reason, 500, "form.tooLong")
	}
	return e
}

// Decide answers pending request id with d, as staff member by: an approval lends the
// licence, a refusal keeps the reason. In one transaction it writes the answer, queues the
// answer mail to the request's contact (a partner's with the link to the partner page; none
// when d.Told) and writes the audit line. An invalid decision is a validate.Errors. Loans of one licence are
// serialised by its row lock, so many approvals at once queue instead of deadlocking inside
// the exclusion constraint; the constraint stays the guarantee, and its violation is
// ErrTaken.
func (s *Store) Decide(ctx context.Context, id int64, d Decision, by audit.Actor) (Request, Loan, error) {
	if errs := d.Validate(); !errs.OK() {
		return Request{}, Loan{}, errs
	}
	var q Request
	var loan Loan
	var lendErr error // only the loan's insert may be "taken"; the mail's and the audit's errors pass on
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if loan.ID, lendErr, err = decide(ctx, tx, id, d, by.ID); err != nil {
			return err
		}
		if q, err = getRequest(ctx, tx, nil, id); err != nil {
			return err
		}
		if loan.ID != 0 {
			if loan, err = getLoan(ctx, tx, nil, loan.ID); err != nil {
				return err
			}
		}
		if !d.Told {
			if err := s.mailAnswer(ctx, tx, q, loan); err != nil {
				return err
			}
		}
		action := audit.LoanDeclined
		if d.Approve {
			action = audit.LoanApproved
		}
		details := map[string]any{"loan_id": loan.ID, "licence_id": loan.LicenceID}
		if d.Told {
			details["told"] = true
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: action, Entity: "licence_request", EntityID: q.ID, Details: details})
	})
	switch {
	case err == nil, errors.Is(err, ErrDecided), errors.Is(err, ErrUnsuitable), errors.Is(err, ErrPast), errors.Is(err, ErrNotReturned):
	case err == lendErr && errors.Is(postgres.MapError(err), postgres.ErrConflict): // 23P01, or 40P01 from another path
		err = ErrTaken
	default:
		err = fmt.Errorf("licences: decide: %w", postgres.MapError(err))
	}
	return q, loan, err
}

// decide writes decision d on pending request id, made by the user with id by (0: none), on
// tx, and returns the id of the loan an approval made. lendErr is err when the loan's insert
// failed, the one error that may mean the licence is taken.
func decide(ctx context.Context, tx pgx.Tx, id int64, d Decision, by int64) (loanID int64, lendErr, err error) {
	var status string
	if err := tx.QueryRow(ctx, `SELECT status FROM licence_requests WHERE id = $1 FOR UPDATE`, id).Scan(&status); err != nil {
		return 0, nil, err
	}
	if status != Pending {
		return 0, nil, ErrDecided
	}
	newStatus, reason := Declined, d.Reason
	if d.Approve {
		newStatus, reason = Approved, ""
		if err := lendable(ctx, tx, id, d.Licence); err != nil {
			return 0, nil, err
		}
		err := tx.QueryRow(ctx, `INSERT INTO licence_loans (licence_id, request_id, org_id, group_id, period, created_by)
			SELECT $2, q.id, q.org_id, q.group_id, q.period, NULLIF($3, 0) FROM licence_requests q WHERE q.id = $1
			RETURNING id`, id, d.Licence, by).Scan(&loanID)
		if err != nil {
			return 0, err, err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE licence_requests SET status = $2, decision_reason = $3, decided_by = NULLIF($4, 0),
		decided_at = now() WHERE id = $1`, id, newStatus, reason, by)
	return loanID, nil, err
}

// lendable checks, on tx, that licence may be lent for request id: active, of the request's
// provider, with the seats and no time limit under the meetings' length, its last loan
// returned, and the period not over. It takes the
// licence's row lock, which serialises its loans.
func lendable(ctx context.Context, tx pgx.Tx, id, licence int64) error {
	var suitable, outstanding, over bool
	err := tx.QueryRow(ctx, `SELECT l.status = 'active' AND l.provider = q.provider AND l.max_participants >= q.participants
				AND (l.max_minutes IS NULL OR q.meeting_minutes IS NULL OR l.max_minutes >= q.meeting_minutes),
			EXISTS (SELECT 1 FROM licence_loans x WHERE x.licence_id = l.id AND x.returned_at IS NULL
				AND x.cancelled_at IS NULL AND upper(x.period) <= now()),
			upper(q.period) <= now()
		FROM licences l, licence_requests q WHERE l.id = $1 AND q.id = $2 FOR NO KEY UPDATE OF l`, licence, id).Scan(&suitable, &outstanding, &over)
	switch {
	case errors.Is(err, pgx.ErrNoRows), err == nil && !suitable:
		return ErrUnsuitable
	case err != nil:
		return err
	case over:
		return ErrPast
	case outstanding:
		return ErrNotReturned
	}
	return nil
}
