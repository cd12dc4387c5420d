package rooms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Decision is staff's answer to a request.
type Decision struct {
	Now      time.Time // the meetings that start after it are booked or cancelled
	Approve  bool      // false: decline
	Reason   string    // required to decline; shown to the requester
	Skip     bool      // approve the free meetings of a slot request and skip the rest
	Override string    // staff's reason to book outside opening hours or on a closure
	RoomID   int64     // approve a slot request in this room instead; 0: the room asked for
	Start    string    // approve it at these times of day instead (18:00); "": the times asked for
	End      string

	change Change // set by Validate
}

// Validate trims staff's words and checks them: a decline needs a reason, which the
// requester reads; an approval's other times of day must be times, the end after the
// start. Messages are catalogue ids.
func (d *Decision) Validate() validate.Errors {
	var e validate.Errors
	trim(&d.Reason, &d.Override, &d.Start, &d.End)
	if !d.Approve && e.Required("reason", d.Reason, "request.reason.required") {
		e.MaxLength("reason", d.Reason, 500, "form.tooLong")
	}
	e.MaxLength("override", d.Override, 300, "form.tooLong")
	if d.Approve {
		d.parseChange(&e)
	}
	return e
}

// Decide approves or declines a pending request, decided by by, in one transaction: approving
// a slot books the meetings still ahead (with the same conflict rules as a booking),
// approving a cancellation cancels the meeting; when nothing is ahead, approving is ErrPast.
// In the same transaction it queues the answer mail, tells the members of a group whose
// meeting is cancelled (by their channel) and writes the audit line, so both exist
// if and only if the decision does. d that does not validate comes back as validate.Errors;
// a booking conflict, also one that appears in a race, is *ErrConflicts.
func (s *Store) Decide(ctx context.Context, id int64, d Decision, by audit.Actor) (Request, Result, error) {
	var q Request
	var res Result
	if errs := d.Validate(); !errs.OK() {
		return q, res, errs
	}
	if s.out == nil {
		return q, res, mail.ErrNoOutbox
	}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var asked Request
		var err error
		if asked, q, res, err = s.on(tx).decide(ctx, id, d, by); err != nil {
			return err
		}
		if err = s.mailAnswer(ctx, tx, asked, q, res, d.Now); err != nil {
			return err
		}
		// The requester has the answer; the group's members learn of the cancelled meeting.
		if _, err = s.tell(ctx, tx, res.BookingID, res.cancelled, "", true); err != nil {
			return err
		}
		action := audit.RoomRequestDeclined
		if d.Approve {
			action = audit.RoomRequestApproved
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: action, Entity: "room_request", EntityID: q.ID,
			Details: map[string]any{"kind": q.Kind, "booking_id": res.BookingID, "booked": res.Booked, "skipped": len(res.Skipped),
				"room_id": q.RoomID, "changed": changes(asked, q)}})
	})
	var ce *ErrConflicts
	var ve validate.Errors
	switch {
	case err == nil, errors.Is(err, ErrDecided), errors.Is(err, ErrPast), errors.As(err, &ce), errors.As(err, &ve):
	default:
		err = fmt.Errorf("rooms: decide: %w", postgres.MapError(err))
	}
	return q, res, err
}

// decide is the decision itself, on a store on Decide's transaction: the request locked and
// checked, the booking or the cancellation, and the request marked decided. It returns the
// request as asked and as decided (in the room and at the times staff approved it with).
func (s *Store) decide(ctx context.Context, id int64, d Decision, by audit.Actor) (asked, q Request, res Result, err error) {
	var status string
	if err = s.db.QueryRow(ctx, `SELECT status FROM booking_requests WHERE id = $1 FOR UPDATE`, id).Scan(&status); err != nil {
		return asked, q, res, err
	}
	if status != Pending {
		return asked, q, res, ErrDecided
	}
	if asked, err = s.GetRequest(ctx, id); err != nil {
		return asked, q, res, err
	}
	q = asked
	if d.Approve && q.Kind == KindSlot {
		if q, err = asked.with(ctx, s.db, d.change); err != nil {
			return asked, q, res, err
		}
	}
	slots := q.Ahead(d.Now)
	if d.Approve && len(slots) == 0 {
		return asked, q, res, ErrPast
	}
	switch {
	case d.Approve && q.Kind == KindSlot:
		if res, err = s.Book(ctx, q.booking(d, by.ID), slots, d.Skip); err != nil {
			return asked, q, res, err
		}
	case d.Approve:
		var rows pgx.Rows
		rows, err = s.db.Query(ctx, `UPDATE booking_occurrences SET cancelled_at = now(), cancel_reason = left($2, 300)
			WHERE id = $1 AND cancelled_at IS NULL RETURNING lower(during)`, q.OccurrenceID, q.Message)
		if err != nil {
			return asked, q, res, err
		}
		if res.cancelled, err = pgx.CollectRows(rows, pgx.RowTo[time.Time]); err != nil {
			return asked, q, res, err
		}
		res.BookingID = q.BookingID
	}
	q.Status, q.Reason = Declined, d.Reason
	if d.Approve {
		q.Status = Approved
	}
	var bookingID *int64
	if res.BookingID != 0 && q.Kind == KindSlot {
		bookingID = &res.BookingID
	}
	err = s.db.QueryRow(ctx, `UPDATE booking_requests SET status = $2, decision_reason = $3, decided_by = NULLIF($4, 0), decided_at = now(),
		booking_id = $5 WHERE id = $1 RETURNING decided_at`, id, q.Status, q.Reason, by.ID, bookingID).Scan(&q.DecidedAt)
	return asked, q, res, err
}

// booking is what approving a slot request books, for staff user by: for the group (a
// standing agreement when it recurs) or for the organisation.
func (q Request) booking(d Decision, by int64) Booking {
	b := Booking{RoomID: q.RoomID, Title: q.Title, Frequency: q.Series.Frequency, OverrideReason: d.Override, CreatedBy: by}
	if q.GroupID != 0 {
		b.Holder, b.GroupID, b.Standing = "group", q.GroupID, q.Series.Frequency != Once
		if b.Title == "" {
			b.Title = q.From
		}
	} else {
		b.Holder, b.OrgID = "org", q.OrgID
	}
	return b
}

// mailAnswer queues the answer to the decided request q on tx, in the language the request
// was made in. A partner gets it at their account's address, with the link to their
// requests; a group's answer goes to the group's contact person now (who may have changed
// since), without a link: their private link is not stored. A group without a contact person
// gets no mail.
func (s *Store) mailAnswer(ctx context.Context, tx pgx.Tx, asked, q Request, res Result, now time.Time) error {
	to, link := q.ReplyTo, s.out.URL("/partner/rom/foresporsler")
	if q.GroupID != 0 {
		c, err := s.on(tx).GroupContact(ctx, q.GroupID)
		if errors.Is(err, postgres.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		to, link = c.Email, ""
	}
	lang := i18n.Lang(q.Lang)
	a := q.answer(lang, res, now)
	a.Changed = changedLines(lang, asked, q)
	m := answerMessage(lang, a, link)
	m.To = to
	_, err := s.out.Enqueue(ctx, tx, m)
	return err
}

// answer is what the answer to the decided request q tells, decided with res at now.
func (q Request) answer(lang i18n.Lang, res Result, now time.Time) answer {
	a := answer{Approved: q.Status == Approved, Cancel: q.Kind == KindCancel, Room: q.RoomName, Reason: q.Reason}
	for _, c := range res.Skipped {
		a.Skipped = append(a.Skipped, c.Start)
	}
	// The first meeting the answer is about: the first booked, else the first asked for.
	slots := q.Ahead(now)
	if len(slots) == 0 {
		slots = q.Slots()
	}
	for _, sl := range slots {
		if !slices.ContainsFunc(a.Skipped, sl.Start.Equal) {
			a.First = sl.Start
			break
		}
	}
	if q.Kind == KindSlot && q.Series.Frequency != Once {
		a.Repeats = i18n.Translate(lang, "mail.room.repeats."+q.Series.Frequency, "Until", mail.FormatDate(lang, q.Series.Until))
	}
	return a
}
