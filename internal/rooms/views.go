package rooms

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
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

// WeekTables are the tables a room's week and the house's week read: the rooms, their
// meetings and the closures.
func WeekTables() []string { return []string{"rooms", "bookings", "booking_occurrences", "closures"} }

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
	Note       string      // staff's own line in the notice to those affected
	By         audit.Actor // who cancels, for the audit line
}

// Cancel cancels meetings of the booking and returns how many; none is ErrNotFound. In the
// same transaction it tells those affected (the group's members and contact person, or the
// organisation that booked) once, by their channel, and writes the audit line. A meeting
// cancelled already is left as it is and told of no more.
func (s *Store) Cancel(ctx context.Context, bookingID int64, c Cancellation) (int, error) {
	var n int
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		starts, err := cancelMeetings(ctx, tx, bookingID, c)
		if err != nil {
			return err
		}
		if n = len(starts); n == 0 {
			return postgres.ErrNotFound
		}
		told, err := s.tell(ctx, tx, bookingID, starts, c.Note, false)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, c.By, audit.Entry{Action: audit.MeetingsCancelled, Entity: "booking", EntityID: bookingID,
			Details: map[string]any{"meetings": n, "told": told.Total(), "phone": len(told.Phone)}})
	})
	if err != nil {
		return 0, fmt.Errorf("rooms: cancel: %w", postgres.MapError(err))
	}
	return n, nil
}

// cancelMeetings marks the meetings c names cancelled and returns their starts in order.
func cancelMeetings(ctx context.Context, tx pgx.Tx, bookingID int64, c Cancellation) ([]time.Time, error) {
	from, to := c.period()
	rows, err := tx.Query(ctx, `UPDATE booking_occurrences o SET cancelled_at = now(), cancel_reason = $6
		WHERE o.booking_id = $1 AND o.cancelled_at IS NULL AND `+cancelWhere+` RETURNING lower(o.during)`,
		bookingID, c.Occurrence, c.Rest, from, to, c.Reason)
	if err != nil {
		return nil, err
	}
	starts, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	slices.SortFunc(starts, time.Time.Compare)
	return starts, err
}

// cancelWhere picks the meetings of a Cancellation ($2 occurrence, $3 rest, $4 and $5 the
// period) among the booking's ($1) meetings still on.
const cancelWhere = `CASE WHEN $2::bigint = 0
	THEN lower(o.during) >= greatest($4, now()) AND lower(o.during) < $5
	ELSE o.id = $2 OR ($3 AND lower(o.during) > (SELECT lower(one.during) FROM booking_occurrences one
		WHERE one.id = $2 AND one.booking_id = $1)) END`

// period is the cancellation's period as times, nil for one meeting.
func (c Cancellation) period() (from, to *time.Time) {
	if c.Occurrence == 0 {
		f, t := tz.Midnight(c.From), tz.Midnight(c.To).AddDate(0, 0, 1)
		from, to = &f, &t
	}
	return from, to
}

// CancelPreview is what a cancellation would do: the meetings it cancels and whom it tells.
type CancelPreview struct {
	Meetings []time.Time
	Told     mail.Tally
}

// PreviewCancel returns what Cancel would do with c, changing nothing: staff see it before
// they confirm. Nothing to cancel is ErrNotFound.
func (s *Store) PreviewCancel(ctx context.Context, bookingID int64, c Cancellation) (CancelPreview, error) {
	var p CancelPreview
	from, to := c.period()
	rows, err := s.db.Query(ctx, `SELECT lower(o.during) FROM booking_occurrences o
		WHERE o.booking_id = $1 AND o.cancelled_at IS NULL AND `+cancelWhere+`
		ORDER BY lower(o.during) LIMIT 500`, bookingID, c.Occurrence, c.Rest, from, to)
	if err != nil {
		return p, fmt.Errorf("rooms: preview cancel: %w", err)
	}
	if p.Meetings, err = pgx.CollectRows(rows, pgx.RowTo[time.Time]); err != nil {
		return p, fmt.Errorf("rooms: preview cancel: %w", err)
	}
	if len(p.Meetings) == 0 {
		return p, fmt.Errorf("rooms: preview cancel: %w", postgres.ErrNotFound)
	}
	a, err := s.Audience(ctx, bookingID)
	p.Told = mail.Count(a.People())
	return p, err
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
