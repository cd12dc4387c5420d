package signups

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// States of the staff's offer list filter; "" is every offer.
const (
	OffersOpen     = "open"     // pending, before the deadline
	OffersAnswered = "answered" // accepted, declined or withdrawn
	OffersExpired  = "expired"  // past the deadline without an answer
)

// OfferStates lists the filter's states, in the order the page offers them.
var OfferStates = []string{OffersOpen, OffersAnswered, OffersExpired}

// offerStateWhere is each state's condition on offers o, $1 being now.
var offerStateWhere = map[string]string{
	"":             `TRUE`,
	OffersOpen:     `o.status = 'pending' AND (o.deadline IS NULL OR o.deadline > $1)`,
	OffersAnswered: `o.status IN ('accepted', 'declined', 'withdrawn')`,
	OffersExpired:  `(o.status = 'expired' OR (o.status = 'pending' AND o.deadline <= $1))`,
}

// StaffOffer is one line of the staff's list of offers.
type StaffOffer struct {
	ID            int64
	ParticipantID int64
	FirstName     string
	GroupID       int64
	GroupName     string
	Channel       string // ByEmail, BySMS or ByPhone (a call task)
	MadeAt        time.Time
	Deadline      *time.Time // nil while a call task waits for staff to call
	Status        string     // as Offer.Status: pending past its deadline reads expired
	Note          string     // what staff keep about their calls
}

// Open reports whether staff may still record an answer to the offer or withdraw it.
func (o StaffOffer) Open() bool { return o.Status == OfferPending }

// WaitsForCall reports whether the offer is a call task whose clock has not started: it has
// no deadline to extend yet.
func (o StaffOffer) WaitsForCall() bool { return o.Open() && o.Deadline == nil }

// ListOffers lists the offers in state (one of OfferStates, or "" for all; anything else is
// a validate.Errors), newest first, with their total, and records that staff member by saw
// them (names beside groups) in the same transaction.
func (s *Store) ListOffers(ctx context.Context, state string, limit, offset int, by audit.Actor, now time.Time) ([]StaffOffer, int, error) {
	where, ok := offerStateWhere[state]
	if !ok {
		var e validate.Errors
		e.Add("tilstand", "offers.state.invalid")
		return nil, 0, e
	}
	var list []StaffOffer
	total := 0
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM offers o WHERE `+where+` AND $1::timestamptz IS NOT NULL`, now).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT o.id, p.id, p.first_name, g.id, g.name,
				o.channel,
				o.made_at, o.deadline,
				CASE WHEN o.status = 'pending' AND o.deadline <= $1 THEN 'expired' ELSE o.status END, o.call_note
			FROM offers o JOIN signups s ON s.id = o.signup_id JOIN participants p ON p.id = s.participant_id
			JOIN groups g ON g.id = o.group_id
			WHERE `+where+` ORDER BY o.made_at DESC, o.id DESC LIMIT $2 OFFSET $3`, now, limit, offset)
		if err != nil {
			return err
		}
		if list, err = pgx.CollectRows(rows, pgx.RowToStructByPos[StaffOffer]); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.PersonalDataViewed, Entity: "offers",
			Details: map[string]any{"state": state, "offset": offset, "shown": len(list)}})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("signups: list offers: %w", err)
	}
	return list, total, nil
}

// ExtendOffer moves the deadline of open offer id to the end of the day written in date
// (Oslo time), for staff member by, with its audit line. An unknown offer is
// postgres.ErrNotFound and an answered one ErrOfferAnswered; then a call task whose clock has
// not started, a date that is not one, or one whose end is not after now, is a
// validate.Errors on "frist".
func (s *Store) ExtendOffer(ctx context.Context, id int64, date string, by audit.Actor, now time.Time) error {
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		participantID, old, err := lockOpenOffer(ctx, tx, id)
		if err != nil {
			return err
		}
		if old == nil {
			var e validate.Errors
			e.Add("frist", "offers.deadline.call")
			return e
		}
		deadline, err := newDeadline(date, now)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE offers SET deadline = $2 WHERE id = $1`, id, deadline); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.OfferExtended, Entity: "participant", EntityID: participantID,
			Details: map[string]any{"offer_id": id, "from": *old, "to": deadline}})
	})
	return offerActionError("extend offer", err)
}

// newDeadline reads date as a new deadline, the end of that day in Oslo, which must be after
// now.
func newDeadline(date string, now time.Time) (time.Time, error) {
	var e validate.Errors
	day, err := tz.ParseDate(date)
	deadline := time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 0, 0, tz.Oslo)
	switch {
	case err != nil:
		e.Add("frist", "offers.deadline.invalid")
	case !deadline.After(now):
		e.Add("frist", "offers.deadline.past")
	}
	if !e.OK() {
		return deadline, e
	}
	return deadline, nil
}

// WithdrawOffer ends open offer id for staff member by: the person waits again with their
// original waiting time, as after a decline, and the offer's link answers no more. The audit
// line is written in the same transaction. An answered offer is ErrOfferAnswered and an
// unknown one postgres.ErrNotFound.
func (s *Store) WithdrawOffer(ctx context.Context, id int64, by audit.Actor) error {
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		participantID, _, err := lockOpenOffer(ctx, tx, id)
		if err != nil {
			return err
		}
		var signupID int64
		if err := tx.QueryRow(ctx, `UPDATE offers SET status = 'withdrawn', answered_at = now() WHERE id = $1 RETURNING signup_id`,
			id).Scan(&signupID); err != nil {
			return err
		}
		if err := backToWaiting(ctx, tx, signupID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.OfferWithdrawn, Entity: "participant", EntityID: participantID,
			Details: map[string]any{"offer_id": id}})
	})
	return offerActionError("withdraw offer", err)
}

// lockOpenOffer locks offer id and returns its person and deadline (nil for a call task whose
// clock has not started); an answered offer is ErrOfferAnswered.
func lockOpenOffer(ctx context.Context, tx pgx.Tx, id int64) (int64, *time.Time, error) {
	var participantID int64
	var status string
	var deadline *time.Time
	if err := tx.QueryRow(ctx, `SELECT s.participant_id, o.status, o.deadline FROM offers o
		JOIN signups s ON s.id = o.signup_id WHERE o.id = $1 FOR UPDATE OF o`, id).Scan(&participantID, &status, &deadline); err != nil {
		return 0, deadline, err
	}
	if status != OfferPending {
		return 0, deadline, ErrOfferAnswered
	}
	return participantID, deadline, nil
}

// offerActionError wraps err of a staff action on an offer, keeping the errors callers test.
func offerActionError(what string, err error) error {
	if err == nil || errors.Is(err, ErrOfferAnswered) || errors.As(err, new(validate.Errors)) {
		return err
	}
	return fmt.Errorf("signups: %s: %w", what, postgres.MapError(err))
}
