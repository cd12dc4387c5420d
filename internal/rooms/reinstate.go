package rooms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// ErrBegun is a cancelled meeting whose time has come: it cannot be put back on.
var ErrBegun = errors.New("rooms: the meeting has begun")

// Reinstate puts a cancelled meeting of the booking back on, while its time is still ahead
// and its room free (and the house open then, unless the booking has staff's reason to meet
// while it is closed); a taken or closed slot is *ErrConflicts. Everyone a cancellation of
// the booking tells is told, once, by their channel, that the meeting is on after all, and
// the audit line is written by by. It returns whom it told.
func (s *Store) Reinstate(ctx context.Context, bookingID, occurrenceID int64, by audit.Actor) (mail.Tally, error) {
	var told mail.Tally
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var slot Slot
		var roomID, groupID int64
		var override string
		var begun bool
		err := tx.QueryRow(ctx, `SELECT lower(o.during), upper(o.during), o.room_id, coalesce(b.group_id, 0), b.override_reason, lower(o.during) <= now()
			FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
			WHERE o.id = $1 AND o.booking_id = $2 AND o.cancelled_at IS NOT NULL FOR UPDATE OF o`, occurrenceID, bookingID).
			Scan(&slot.Start, &slot.End, &roomID, &groupID, &override, &begun)
		if err != nil {
			return err
		}
		if begun {
			return ErrBegun
		}
		found, err := checkFor(ctx, tx, roomID, groupID, []Slot{slot}, override != "", true)
		if err != nil {
			return err
		}
		if len(found) > 0 {
			return &ErrConflicts{Conflicts: found}
		}
		if _, err := tx.Exec(ctx, `UPDATE booking_occurrences SET cancelled_at = NULL, cancel_reason = '' WHERE id = $1`, occurrenceID); err != nil {
			return err
		}
		a, err := s.on(tx).Audience(ctx, bookingID)
		if err != nil {
			return err
		}
		if people := a.People(); len(people) > 0 {
			if s.out == nil {
				return mail.ErrNoOutbox
			}
			if told, err = s.out.ReachAll(ctx, tx, people, func(p mail.Person) (mail.Message, string) {
				return reinstatedMessage(p.Lang, p.Name, slot.Start)
			}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.MeetingReinstated, Entity: "booking", EntityID: bookingID,
			Details: map[string]any{"occurrence": occurrenceID, "told": told.Total(), "phone": len(told.Phone)}})
	})
	var ce *ErrConflicts
	switch {
	case err == nil, errors.As(err, &ce), errors.Is(err, ErrBegun):
		return told, err
	case retiredRoom(err):
		return told, ErrRetired
	}
	return told, fmt.Errorf("rooms: reinstate: %w", postgres.MapError(err))
}

// reinstatedMessage tells name in lang that the meeting at start is on after all; like every
// notice it does not name the group.
func reinstatedMessage(lang i18n.Lang, name string, start time.Time) (mail.Message, string) {
	m := mail.Message{
		Lang:       lang,
		Kind:       mail.KindNotice,
		Subject:    i18n.Translate(lang, "notice.reinstated.subject"),
		Greeting:   i18n.Translate(lang, "mail.greeting"),
		Paragraphs: []string{i18n.Translate(lang, "notice.reinstated", "When", mail.FormatTime(lang, start))},
		Notes:      []string{i18n.Translate(lang, "notice.questions")},
		Closing:    i18n.Translate(lang, "mail.closing"),
	}
	if name != "" {
		m.Greeting = i18n.Translate(lang, "mail.greeting.name", "Name", name)
	}
	return m, i18n.Translate(lang, "notice.reinstated.sms", "When", mail.FormatShort(lang, start))
}
