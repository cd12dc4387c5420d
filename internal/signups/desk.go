package signups

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// What staff do on a person's page, the desk: correct how to reach them, keep a short note,
// and withdraw one sign-up.

// ContactEdit is staff's correction of a person's name, contact details, channel and language.
type ContactEdit struct {
	ContactForm
	Lang string // of Languages
}

// Validate trims and checks the fields as the sign-up form does; messages are catalogue ids.
func (f *ContactEdit) Validate() validate.Errors {
	e := f.validate()
	if !slices.Contains(Languages, f.Lang) {
		e.Add("lang", "desk.contact.lang.invalid")
	}
	return e
}

// contactFields are the columns UpdateContact may change, in the order the history shows them.
var contactFields = []string{"first_name", "email", "phone", "contact", "lang"}

// UpdateContact corrects the person's contact details for staff member by and reports
// whether anything changed. f is validated first and cleaned in place; a validate.Errors
// comes back when it does not hold, or when another person already has the e-mail address
// (or, for people without one, the number). The audit line, in the same transaction, keeps
// each changed field's old and new value: the person's history shows what they were.
func (s *Store) UpdateContact(ctx context.Context, id int64, f *ContactEdit, by audit.Actor) (bool, error) {
	if errs := f.Validate(); !errs.OK() {
		return false, errs
	}
	next := map[string]string{"first_name": f.FirstName, "email": f.Email, "phone": f.Phone, "contact": f.Contact, "lang": f.Lang}
	changed := false
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var old [5]string
		err := tx.QueryRow(ctx, `SELECT first_name, coalesce(email::text, ''), coalesce(phone, ''), contact, lang
			FROM participants WHERE id = $1 FOR UPDATE`, id).Scan(&old[0], &old[1], &old[2], &old[3], &old[4])
		if err != nil {
			return postgres.MapError(err)
		}
		from, to := map[string]string{}, map[string]string{}
		for i, field := range contactFields {
			if old[i] != next[field] {
				from[field], to[field] = old[i], next[field]
			}
		}
		if len(to) == 0 {
			return nil
		}
		changed = true
		_, err = tx.Exec(ctx, `UPDATE participants SET first_name = $2, email = nullif($3, '')::citext, phone = nullif($4, ''),
			contact = $5, lang = $6 WHERE id = $1`, id, f.FirstName, f.Email, f.Phone, f.Contact, f.Lang)
		if err != nil {
			return contactConflict(err)
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ContactChanged, Entity: "participant", EntityID: id,
			Details: map[string]any{"from": from, "to": to}})
	})
	if err != nil && !errors.As(err, new(validate.Errors)) {
		return false, fmt.Errorf("signups: update contact: %w", err)
	}
	return changed, err
}

// contactConflict tells, next to the field, that another person has the address or number.
func contactConflict(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		var e validate.Errors
		switch pgErr.ConstraintName {
		case "participants_email_idx":
			e.Add("email", "desk.contact.emailTaken")
			return e
		case "participants_phone_idx":
			e.Add("phone", "desk.contact.phoneTaken")
			return e
		}
	}
	return postgres.MapError(err)
}

// MaxStaffNote is the longest note staff may keep about a person.
const MaxStaffNote = 500

// SetStaffNote keeps note (trimmed; "" clears it) as staff's note about the person, for staff
// member by. A note too long is a validate.Errors on "staff_note". The audit line records that the
// note changed and its length, never its text: the log outlives the person, the note does not.
func (s *Store) SetStaffNote(ctx context.Context, id int64, note string, by audit.Actor) error {
	note = strings.TrimSpace(strings.ReplaceAll(note, "\r\n", "\n"))
	var e validate.Errors
	if !e.MaxLength("staff_note", note, MaxStaffNote, "desk.note.tooLong") {
		return e
	}
	var author *int64
	if by.ID != 0 {
		author = &by.ID
	}
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE participants SET staff_note = $2, staff_note_at = now(), staff_note_by = $3 WHERE id = $1`,
			id, note, author)
		if err := affected(tag.RowsAffected(), err, "note"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.StaffNoteChanged, Entity: "participant", EntityID: id,
			Details: map[string]any{"length": len([]rune(note))}})
	})
}

// WithdrawReasons are why staff withdraw a sign-up; labels live in the catalogue as
// desk.withdraw.reason.<value>.
var WithdrawReasons = []string{"asked", "unreachable", "elsewhere", "duplicate", "other"}

// MaxWithdrawText is the longest free text a withdrawal may carry.
const MaxWithdrawText = 200

// WithdrawForm is staff's withdrawal of one sign-up: a reason of WithdrawReasons and an
// optional short text, which goes into the audit log (the form says: no health details).
type WithdrawForm struct {
	Reason string
	Text   string
}

// Validate trims the text and checks the reason.
func (f *WithdrawForm) Validate() validate.Errors {
	var e validate.Errors
	f.Text = strings.TrimSpace(f.Text)
	if !slices.Contains(WithdrawReasons, f.Reason) {
		e.Add("reason", "desk.withdraw.reason.required")
	}
	e.MaxLength("reason_text", f.Text, MaxWithdrawText, "form.tooLong")
	return e
}

// ErrNotWaiting means the sign-up neither waits nor has an open offer: there is nothing to
// withdraw (a membership ends with "left" instead).
var ErrNotWaiting = fmt.Errorf("signups: the sign-up is not on the waiting list: %w", postgres.ErrConflict)

// WithdrawFor withdraws one waiting or offered sign-up of the person, for staff member by,
// with the reason f. An open offer for it is withdrawn with it (its link answers no more);
// the audit line names the reason and the offer, in the same transaction. Another person's
// sign-up is ErrNotFound; one that no longer waits ErrNotWaiting.
func (s *Store) WithdrawFor(ctx context.Context, participantID, signupID int64, f *WithdrawForm, by audit.Actor) error {
	if errs := f.Validate(); !errs.OK() {
		return errs
	}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM signups WHERE id = $1 AND participant_id = $2 FOR UPDATE`,
			signupID, participantID).Scan(&status); err != nil {
			return postgres.MapError(err)
		}
		if status != Waiting && status != Offered {
			return ErrNotWaiting
		}
		details := map[string]any{"signup_id": signupID, "reason": f.Reason}
		if f.Text != "" {
			details["text"] = f.Text
		}
		rows, err := tx.Query(ctx, `UPDATE offers SET status = 'withdrawn', answered_at = now()
			WHERE signup_id = $1 AND status = 'pending' RETURNING id`, signupID)
		if err != nil {
			return err
		}
		offers, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(offers) > 0 {
			details["offer_id"] = offers[0]
		}
		if err := s.on(tx).withdraw(ctx, participantID, signupID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.SignupWithdrawnByStaff, Entity: "participant",
			EntityID: participantID, Details: details})
	})
	if err != nil && !errors.Is(err, ErrNotWaiting) && !errors.As(err, new(validate.Errors)) {
		return fmt.Errorf("signups: withdraw for: %w", err)
	}
	return err
}
