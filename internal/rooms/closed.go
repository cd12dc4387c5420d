package rooms

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// ClosedDay is a local date on which the house is closed: a public holiday, a day of one of
// staff's closures, or both.
type ClosedDay struct {
	Date    time.Time // local midnight
	Holiday string    // the holiday's name (catalogue id holiday.<name>), or ""
	Closure string    // the closure's reason, or ""
}

// ClosedDays lists the days from first to last (local dates, both included) on which the
// house is closed, by the public holidays and the closures given, in date order.
func ClosedDays(closures []Closure, first, last time.Time) []ClosedDay {
	var out []ClosedDay
	for d := tz.Midnight(first); !d.After(tz.Midnight(last)); d = d.AddDate(0, 0, 1) {
		c := ClosedDay{Date: d}
		if h, ok := HolidayOn(d); ok {
			c.Holiday = h.Name
		}
		for _, cl := range closures {
			if !d.Before(cl.First) && !d.After(cl.Last) {
				c.Closure = cl.Reason
				break
			}
		}
		if c.Holiday != "" || c.Closure != "" {
			out = append(out, c)
		}
	}
	return out
}

// ClosedOn returns the closed day of days on the local date of t, if any.
func ClosedOn(days []ClosedDay, t time.Time) (ClosedDay, bool) {
	d := tz.Midnight(t)
	for _, c := range days {
		if c.Date.Equal(d) {
			return c, true
		}
	}
	return ClosedDay{}, false
}

// ClosureTables are the tables ClosuresBetween reads.
func ClosureTables() []string { return []string{"closures"} }

// ClosuresBetween lists the closures that overlap the local dates first to last, soonest
// first.
func (s *Store) ClosuresBetween(ctx context.Context, first, last time.Time) ([]Closure, error) {
	rows, err := s.db.Query(ctx, `SELECT id, first_day, last_day, reason FROM closures
		WHERE last_day >= $1::date AND first_day <= $2::date ORDER BY first_day, id LIMIT 100`,
		first.In(tz.Oslo).Format(time.DateOnly), last.In(tz.Oslo).Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("rooms: closures: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Closure, error) {
		var c Closure
		err := r.Scan(&c.ID, &c.First, &c.Last, &c.Reason)
		c.First, c.Last = tz.FromDateColumn(c.First), tz.FromDateColumn(c.Last)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("rooms: closures: %w", err)
	}
	return list, nil
}

// ClosedDaysBetween is ClosedDays with the closures read from the database.
func (s *Store) ClosedDaysBetween(ctx context.Context, first, last time.Time) ([]ClosedDay, error) {
	list, err := s.ClosuresBetween(ctx, first, last)
	if err != nil {
		return nil, err
	}
	return ClosedDays(list, first, last), nil
}

// Closure returns one closure, with Booked the meetings CancelInClosure would cancel and
// Internal the house's own bookings (events) still on in it; an unknown id is ErrNotFound.
func (s *Store) Closure(ctx context.Context, id int64) (Closure, error) {
	var c Closure
	err := s.db.QueryRow(ctx, `SELECT c.id, c.first_day, c.last_day, c.reason,
			(SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
				WHERE `+stillOnInClosure+`),
			(SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
				WHERE `+internalInClosure+`)
		FROM closures c WHERE c.id = $1`, id).Scan(&c.ID, &c.First, &c.Last, &c.Reason, &c.Booked, &c.Internal)
	if err != nil {
		return c, fmt.Errorf("rooms: closure: %w", postgres.MapError(err))
	}
	c.First, c.Last = tz.FromDateColumn(c.First), tz.FromDateColumn(c.Last)
	return c, nil
}

// stillOnInClosure picks the meetings (o of booking b) of groups and organisations still on
// and not begun in closure c: those CancelInClosure cancels, booked with a reason to meet
// while the house is closed or not.
const stillOnInClosure = `o.cancelled_at IS NULL AND (b.group_id IS NOT NULL OR b.org_id IS NOT NULL)
	AND lower(o.during) >= greatest(c.first_day::timestamp AT TIME ZONE 'Europe/Oslo', now())
	AND lower(o.during) < (c.last_day + 1)::timestamp AT TIME ZONE 'Europe/Oslo'`

// internalInClosure picks the house's own bookings (events, staff meetings) still on and not
// begun in closure c: they are cancelled on their own pages, which tell who signed up.
const internalInClosure = `o.cancelled_at IS NULL AND b.group_id IS NULL AND b.org_id IS NULL
	AND lower(o.during) >= greatest(c.first_day::timestamp AT TIME ZONE 'Europe/Oslo', now())
	AND lower(o.during) < (c.last_day + 1)::timestamp AT TIME ZONE 'Europe/Oslo'`

// PreviewCancelInClosure returns what CancelInClosure would do, changing nothing.
func (s *Store) PreviewCancelInClosure(ctx context.Context, id int64) (ClosurePreview, error) {
	rows, err := s.db.Query(ctx, `SELECT o.booking_id, lower(o.during) FROM closures c, booking_occurrences o
		JOIN bookings b ON b.id = o.booking_id WHERE c.id = $1 AND `+stillOnInClosure+` LIMIT 5000`, id)
	if err != nil {
		return ClosurePreview{}, fmt.Errorf("rooms: preview closure: %w", err)
	}
	return s.preview(ctx, rows)
}

// CancelInClosure cancels, in one step, every meeting of a group or an organisation still on
// in the closure (also those booked with a reason to meet while the house is closed: staff
// ask for all of them), tells everyone they concern once, by their channel, with note, and
// writes the audit line by by. It returns how many meetings it cancelled and whom it told.
func (s *Store) CancelInClosure(ctx context.Context, id int64, note string, by audit.Actor) (ClosurePreview, error) {
	var done ClosurePreview
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var reason string
		// Two clicks at once: the second waits here and then finds nothing left to cancel.
		if err := tx.QueryRow(ctx, `SELECT reason FROM closures WHERE id = $1 FOR UPDATE`, id).Scan(&reason); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `UPDATE booking_occurrences o SET cancelled_at = now(), cancel_reason = left(c.reason, 300)
			FROM bookings b, closures c WHERE b.id = o.booking_id AND c.id = $1 AND `+stillOnInClosure+`
			RETURNING o.booking_id, lower(o.during)`, id)
		if err != nil {
			return err
		}
		cancelled, err := collectMeetings(rows)
		if err != nil {
			return err
		}
		done.Meetings = len(cancelled)
		if done.Told, err = s.on(tx).tellClosure(ctx, tx, cancelled, note); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.MeetingsCancelled, Entity: "closure", EntityID: id,
			Details: map[string]any{"meetings": done.Meetings, "told": done.Told.Total(), "phone": len(done.Told.Phone)}})
	})
	if err != nil {
		return done, fmt.Errorf("rooms: cancel in closure: %w", postgres.MapError(err))
	}
	return done, nil
}

// preview counts the meetings in rows (booking id, start) and the people they concern.
func (s *Store) preview(ctx context.Context, rows pgx.Rows) (ClosurePreview, error) {
	var p ClosurePreview
	list, err := collectMeetings(rows)
	if err != nil {
		return p, fmt.Errorf("rooms: preview closure: %w", err)
	}
	p.Meetings = len(list)
	var people []mail.Person
	for _, id := range bookingsOf(list) {
		a, err := s.Audience(ctx, id)
		if err != nil {
			return p, err
		}
		people = append(people, a.People()...)
	}
	p.Told = mail.Count(people)
	return p, nil
}

// ClosedPeriod is a stretch of days the house is closed, as visitors are told of it: one of
// staff's closures, or a public holiday outside them.
type ClosedPeriod struct {
	First, Last time.Time // local dates, both included
	Reason      string    // the closure's reason
	Holiday     string    // or the holiday's name (catalogue id holiday.<name>)
}

// ClosedPeriods lists the closures and the public holidays outside them that have a day from
// first to last (local dates) on weekday (ISO, 1 is Monday; 0 for any day), soonest first.
// A closure is given whole, also where it reaches outside first to last.
func ClosedPeriods(closures []Closure, first, last time.Time, weekday int) []ClosedPeriod {
	var out []ClosedPeriod
	seen := map[int64]bool{}
	for _, d := range ClosedDays(closures, first, last) {
		if weekday != 0 && tz.Weekday(d.Date) != weekday {
			continue
		}
		if d.Closure == "" {
			out = append(out, ClosedPeriod{First: d.Date, Last: d.Date, Holiday: d.Holiday})
			continue
		}
		for _, c := range closures {
			if !d.Date.Before(c.First) && !d.Date.After(c.Last) && !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, ClosedPeriod{First: c.First, Last: c.Last, Reason: c.Reason})
			}
		}
	}
	return out
}

// HouseMeeting is a meeting in one of the house's rooms.
type HouseMeeting struct {
	Occurrence
	RoomID int64
}

// HouseBetween lists the meetings in every room that start in [from, to), cancelled ones
// included, in order of start.
func (s *Store) HouseBetween(ctx context.Context, from, to time.Time) ([]HouseMeeting, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, o.booking_id, b.title, lower(o.during), upper(o.during), o.cancelled_at IS NOT NULL, o.room_id
		FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
		WHERE o.during && tstzrange($1, $2) AND lower(o.during) >= $1 ORDER BY lower(o.during), o.room_id LIMIT 2000`, from, to)
	if err != nil {
		return nil, fmt.Errorf("rooms: house week: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (HouseMeeting, error) {
		var m HouseMeeting
		err := r.Scan(&m.ID, &m.BookingID, &m.Title, &m.Start, &m.End, &m.Cancelled, &m.RoomID)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("rooms: house week: %w", err)
	}
	return list, nil
}
