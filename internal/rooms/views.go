package rooms

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Occurrence is one meeting of a booking.
type Occurrence struct {
	ID        int64
	BookingID int64
	Title     string
	Start     time.Time
	End       time.Time
	Cancelled bool
}

// WeekTables are the tables Room and Between read, for a room's week.
func WeekTables() []string { return []string{"rooms", "bookings", "booking_occurrences"} }

// Between lists the room's meetings that start in [from, to), cancelled ones included.
func (s *Store) Between(ctx context.Context, roomID int64, from, to time.Time) ([]Occurrence, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, o.booking_id, b.title, lower(o.during), upper(o.during), o.cancelled_at IS NOT NULL
		FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
		WHERE o.room_id = $1 AND o.during && tstzrange($2, $3) ORDER BY lower(o.during) LIMIT 500`, roomID, from, to)
	if err != nil {
		return nil, fmt.Errorf("rooms: week: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Occurrence])
	if err != nil {
		return nil, fmt.Errorf("rooms: week: %w", err)
	}
	return list, nil
}

// BookingView is a booking with its room and meetings.
type BookingView struct {
	Booking
	RoomName    string
	Occurrences []Occurrence
}

// Get returns the booking with id and its meetings (a season has at most MaxOccurrences).
func (s *Store) Get(ctx context.Context, id int64) (BookingView, error) {
	var v BookingView
	var group, org *int64
	err := s.db.QueryRow(ctx, `SELECT b.id, b.room_id, r.name, b.title, b.holder, b.group_id, b.org_id, b.frequency, b.standing,
			b.override_reason FROM bookings b JOIN rooms r ON r.id = b.room_id WHERE b.id = $1`, id).Scan(
		&v.ID, &v.RoomID, &v.RoomName, &v.Title, &v.Holder, &group, &org, &v.Frequency, &v.Standing, &v.OverrideReason)
	if err != nil {
		return v, fmt.Errorf("rooms: booking: %w", postgres.MapError(err))
	}
	if group != nil {
		v.GroupID = *group
	}
	if org != nil {
		v.OrgID = *org
	}
	rows, err := s.db.Query(ctx, `SELECT o.id, o.booking_id, $2::text, lower(o.during), upper(o.during), o.cancelled_at IS NOT NULL
		FROM booking_occurrences o WHERE o.booking_id = $1 ORDER BY lower(o.during) LIMIT 500`, id, v.Title)
	if err != nil {
		return v, fmt.Errorf("rooms: booking: %w", err)
	}
	if v.Occurrences, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Occurrence]); err != nil {
		return v, fmt.Errorf("rooms: booking: %w", err)
	}
	return v, nil
}

// Cancellation says which meetings of a booking to cancel: one (Occurrence), one and every
// later one (Occurrence and Rest), or every meeting still ahead on the local dates From to
// To inclusive (a period never rewrites what has happened).
type Cancellation struct {
	Occurrence int64
	Rest       bool
	From, To   time.Time
	Reason     string
}

// Cancel cancels meetings of the booking and returns how many; none is ErrNotFound.
func (s *Store) Cancel(ctx context.Context, bookingID int64, c Cancellation) (int, error) {
	var from, to *time.Time
	if c.Occurrence == 0 {
		f, t := tz.Midnight(c.From), tz.Midnight(c.To).AddDate(0, 0, 1)
		from, to = &f, &t
	}
	tag, err := s.db.Exec(ctx, `UPDATE booking_occurrences o SET cancelled_at = now(), cancel_reason = $4
		WHERE o.booking_id = $1 AND o.cancelled_at IS NULL AND CASE WHEN $2::bigint = 0
			THEN lower(o.during) >= greatest($5, now()) AND lower(o.during) < $6
			ELSE o.id = $2 OR ($3 AND lower(o.during) > (SELECT lower(one.during) FROM booking_occurrences one
				WHERE one.id = $2 AND one.booking_id = $1)) END`,
		bookingID, c.Occurrence, c.Rest, c.Reason, from, to)
	if err != nil {
		return 0, fmt.Errorf("rooms: cancel: %w", postgres.MapError(err))
	}
	if tag.RowsAffected() == 0 {
		return 0, fmt.Errorf("rooms: cancel: %w", postgres.ErrNotFound)
	}
	return int(tag.RowsAffected()), nil
}

// CancelBooking cancels every meeting of the booking not cancelled yet, past ones included,
// and returns how many: the booking has been given up (an event moved to another time or
// room, or out of the house). A booking with nothing left to cancel is not an error.
func (s *Store) CancelBooking(ctx context.Context, bookingID int64, reason string) (int, error) {
	tag, err := s.db.Exec(ctx, `UPDATE booking_occurrences SET cancelled_at = now(), cancel_reason = $2
		WHERE booking_id = $1 AND cancelled_at IS NULL`, bookingID, reason)
	if err != nil {
		return 0, fmt.Errorf("rooms: cancel booking: %w", postgres.MapError(err))
	}
	return int(tag.RowsAffected()), nil
}
