package keys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// inTx runs fn in a transaction of its own, so a change of several statements lands whole.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return postgres.InTx(ctx, s.db, fn)
}

// writeError turns what the database refused into field errors where a field is to blame (a
// taken label, a key that is already out, a room, group or agreement that is gone), else into
// a domain error.
func writeError(op string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		var e validate.Errors
		switch pgErr.ConstraintName {
		case "keys_label_key":
			e.Add("label", "keys.label.taken")
		case "key_rooms_room_id_fkey":
			e.Add("rooms", "keys.rooms.invalid")
		case "key_loans_out_idx":
			e.Add("holder_name", "keys.out.already")
		case "key_loans_group_id_fkey":
			e.Add("group", "keys.group.invalid")
		case "key_loans_booking_id_fkey":
			e.Add("agreement", "keys.agreement.invalid")
		}
		if !e.OK() {
			return e
		}
	}
	var e validate.Errors
	if errors.As(err, &e) || errors.Is(err, ErrNotOut) {
		return err
	}
	return fmt.Errorf("keys: %s: %w", op, postgres.MapError(err))
}

// Create adds a key with the rooms it opens, in one transaction.
func (s *Store) Create(ctx context.Context, f Form) (Key, error) {
	if errs := f.Validate(); !errs.OK() {
		return Key{}, errs
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO keys (label, kind, note) VALUES ($1, $2, $3) RETURNING id`,
			f.Label, f.Kind, f.Note).Scan(&id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO key_rooms (key_id, room_id) SELECT $1, unnest($2::bigint[])`, id, f.Rooms)
		return err
	})
	if err != nil {
		return Key{}, writeError("create", err)
	}
	return s.Get(ctx, id)
}

// HandOut lends the key with id to the holder of f from now, and records it, done by by, in
// the audit log in the same transaction. The database keeps a key out to one holder at a
// time: a key that is out already gives a field error, however many try at once. A retired
// or unknown key gives ErrNotFound.
func (s *Store) HandOut(ctx context.Context, id int64, f LoanForm, by audit.Actor, now time.Time) (Loan, error) {
	if errs := f.Validate(Today(now)); !errs.OK() {
		return Loan{}, errs
	}
	var loanID int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if f.BookingID != 0 {
			var standing bool
			err := tx.QueryRow(ctx, `SELECT standing FROM bookings WHERE id = $1`, f.BookingID).Scan(&standing)
			if errors.Is(err, pgx.ErrNoRows) || err == nil && !standing {
				var e validate.Errors
				e.Add("agreement", "keys.agreement.invalid")
				return e
			}
			if err != nil {
				return err
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO key_loans (key_id, holder_name, holder_phone, group_id, booking_id,
				handed_out_at, due_at, handed_out_by)
			SELECT k.id, $2, $3, $4, $5, $6, $7, $8 FROM keys k WHERE k.id = $1 AND k.retired_at IS NULL
			RETURNING id`, id, f.HolderName, f.HolderPhone, optional(f.GroupID), optional(f.BookingID), now, f.due,
			optional(by.ID)).Scan(&loanID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.KeyHandedOut, Entity: "key", EntityID: id,
			Details: map[string]any{"loan_id": loanID, "holder": f.HolderName}})
	})
	if err != nil {
		return Loan{}, writeError("hand out", err)
	}
	return s.loan(ctx, loanID)
}

// Return takes the key with id back into the house at now, received by by, and records it in
// the audit log in the same transaction. A key that is not out gives ErrNotOut.
func (s *Store) Return(ctx context.Context, id int64, by audit.Actor, now time.Time) (Loan, error) {
	var loanID int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var holder string
		// greatest: a clock a little behind the one that lent the key must not break
		// key_loans_order.
		err := tx.QueryRow(ctx, `UPDATE key_loans SET returned_at = greatest($2, handed_out_at), returned_to = $3
			WHERE key_id = $1 AND returned_at IS NULL RETURNING id, holder_name`, id, now, optional(by.ID)).Scan(&loanID, &holder)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotOut
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.KeyReturned, Entity: "key", EntityID: id,
			Details: map[string]any{"loan_id": loanID, "holder": holder}})
	})
	if err != nil {
		return Loan{}, writeError("return", err)
	}
	return s.loan(ctx, loanID)
}

// UndoWindow is how long after a return staff may take it back (a click on the wrong key).
const UndoWindow = 15 * time.Minute

// ErrNoUndo means there is no return of the key to take back: none in the last UndoWindow,
// or the key is out again.
var ErrNoUndo = errors.New("keys: no return to undo")

// CanUndo reports whether the key's latest loan, history[0], was returned so recently that
// the return may be taken back at now.
func CanUndo(k Key, history []Loan, now time.Time) bool {
	return k.Loan == nil && len(history) > 0 && history[0].ReturnedAt != nil && now.Sub(*history[0].ReturnedAt) < UndoWindow
}

// UndoReturn takes back the key's return registered in the last UndoWindow, while the key has
// not been lent again: the loan is open as before, and the audit log says who took it back.
func (s *Store) UndoReturn(ctx context.Context, keyID int64, by audit.Actor, now time.Time) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var loanID int64
		err := tx.QueryRow(ctx, `UPDATE key_loans SET returned_at = NULL, returned_to = NULL
			WHERE id = (SELECT id FROM key_loans WHERE key_id = $1 AND returned_at IS NOT NULL ORDER BY returned_at DESC, id DESC LIMIT 1)
			AND returned_at > $2 AND NOT EXISTS (SELECT 1 FROM key_loans WHERE key_id = $1 AND returned_at IS NULL)
			RETURNING id`, keyID, now.Add(-UndoWindow)).Scan(&loanID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoUndo
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.KeyReturnUndone, Entity: "key", EntityID: keyID,
			Details: map[string]any{"loan_id": loanID}})
	})
	if err != nil && !errors.Is(err, ErrNoUndo) {
		return writeError("undo return", err)
	}
	return err
}

func (s *Store) loan(ctx context.Context, id int64) (Loan, error) {
	rows, err := s.db.Query(ctx, `SELECT `+loanColumns+` FROM key_loans l `+loanJoins+` WHERE l.id = $1`, id)
	if err != nil {
		return Loan{}, fmt.Errorf("keys: loan: %w", err)
	}
	l, err := pgx.CollectExactlyOneRow(rows, scanLoan)
	if err != nil {
		return l, fmt.Errorf("keys: loan: %w", postgres.MapError(err))
	}
	return l, nil
}
