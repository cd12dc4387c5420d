package rooms

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// DayHours are the house's opening hours on one ISO weekday (1 is Monday).
type DayHours struct {
	Weekday       int
	Open          bool
	Opens, Closes time.Duration // local time of day
}

// Week is the opening hours of each day, Monday first.
type Week [7]DayHours

// OpeningHours returns the house's week; a day without a row is closed.
func (s *Store) OpeningHours(ctx context.Context) (Week, error) {
	var w Week
	for i := range w {
		w[i].Weekday = i + 1
	}
	open, _, err := houseRules(ctx, s.db, nil)
	if err != nil {
		return w, err
	}
	for d, h := range open {
		w[d-1] = DayHours{Weekday: d, Open: true, Opens: h.opens, Closes: h.closes}
	}
	return w, nil
}

// Validate checks that every open day closes after it opens; fields are opens-N / closes-N.
func (w Week) Validate() validate.Errors {
	var e validate.Errors
	for _, d := range w {
		if d.Open && d.Closes <= d.Opens {
			e.Add(fmt.Sprintf("closes-%d", d.Weekday), "rooms.end.afterStart")
		}
	}
	return e
}

// SetOpeningHours replaces the week. Meetings already booked are not touched: the hours
// apply to new bookings.
func (s *Store) SetOpeningHours(ctx context.Context, w Week) error {
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		// Two saves at once: the second waits and then replaces the first's week whole.
		if _, err := tx.Exec(ctx, `LOCK TABLE opening_hours IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM opening_hours`); err != nil {
			return err
		}
		for _, d := range w {
			if !d.Open {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO opening_hours (weekday, opens, closes)
				VALUES ($1, make_interval(secs => $2)::time, make_interval(secs => $3)::time)`,
				d.Weekday, d.Opens.Seconds(), d.Closes.Seconds()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rooms: opening hours: %w", postgres.MapError(err))
	}
	return nil
}

// Closure is a period the house is closed besides the public holidays: the Christmas
// closure, a renovation. First and Last are local dates, both included.
type Closure struct {
	ID          int64
	First, Last time.Time
	Reason      string
	Booked      int         // meetings of groups and organisations still on in it (Closures and Closure fill it in)
	Internal    int         // the house's own bookings (events) still on in it
	Note        string      // staff's own line in the notice to those whose meetings it cancels
	By          audit.Actor // who adds it, for the audit line
}

// Validate trims the reason and checks the closure; messages are catalogue ids.
func (c *Closure) Validate() validate.Errors {
	var e validate.Errors
	c.Reason = strings.TrimSpace(c.Reason)
	if c.First.IsZero() {
		e.Add("first", "rooms.date.required")
	}
	if c.Last.IsZero() {
		e.Add("last", "rooms.date.required")
	} else if !c.First.IsZero() && c.Last.Before(c.First) {
		e.Add("last", "booking.cancelRange.order")
	}
	if e.Required("reason", c.Reason, "closure.reason.required") {
		e.MaxLength("reason", c.Reason, 200, "form.tooLong")
	}
	return e
}

// Closures lists the closures that end on or after from, soonest first.
func (s *Store) Closures(ctx context.Context, from time.Time, limit, offset int) ([]Closure, int, error) {
	day := from.In(tz.Oslo).Format(time.DateOnly)
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM closures WHERE last_day >= $1::date`, day).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("rooms: closures: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT c.id, c.first_day, c.last_day, c.reason,
			(SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id WHERE `+stillOnInClosure+`),
			(SELECT count(*) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id WHERE `+internalInClosure+`)
		FROM closures c WHERE c.last_day >= $1::date ORDER BY c.first_day, c.id LIMIT $2 OFFSET $3`, day, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("rooms: closures: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Closure, error) {
		var c Closure
		err := r.Scan(&c.ID, &c.First, &c.Last, &c.Reason, &c.Booked, &c.Internal)
		c.First, c.Last = tz.FromDateColumn(c.First), tz.FromDateColumn(c.Last)
		return c, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("rooms: closures: %w", err)
	}
	return list, total, nil
}

// AddClosure saves a closure, in one transaction with what it does: the meetings of groups
// and organisations booked in it (without staff's reason to meet while the house is closed)
// are cancelled, everyone they concern is told once, by their channel, in one message that
// lists their dates (with c.Note, staff's own line), and the audit line is written by c.By.
// Internal bookings (events) are left to their own pages.
func (s *Store) AddClosure(ctx context.Context, c Closure) (int64, error) {
	var id int64
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO closures (first_day, last_day, reason) VALUES ($1::date, $2::date, $3) RETURNING id`,
			c.First.Format(time.DateOnly), c.Last.Format(time.DateOnly), c.Reason).Scan(&id)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `UPDATE booking_occurrences o SET cancelled_at = now(), cancel_reason = left($3, 300)
			FROM bookings b WHERE b.id = o.booking_id AND `+closedMeetings+` RETURNING o.booking_id, lower(o.during)`,
			c.First.Format(time.DateOnly), c.Last.Format(time.DateOnly), c.Reason)
		if err != nil {
			return err
		}
		cancelled, err := collectMeetings(rows)
		if err != nil {
			return err
		}
		told, err := s.on(tx).tellClosure(ctx, tx, cancelled, c.Note)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, c.By, audit.Entry{Action: audit.ClosureAdded, Entity: "closure", EntityID: id,
			Details: map[string]any{"meetings": len(cancelled), "told": told.Total(), "phone": len(told.Phone)}})
	})
	if err != nil {
		return 0, fmt.Errorf("rooms: closure: %w", postgres.MapError(err))
	}
	return id, nil
}

// closedMeetings picks the meetings (o of booking b) still on in the closure's local dates
// $1 to $2 that it cancels: a group's or an organisation's, booked without a reason to meet
// while the house is closed, not begun yet.
const closedMeetings = `o.cancelled_at IS NULL AND (b.group_id IS NOT NULL OR b.org_id IS NOT NULL) AND b.override_reason = ''
	AND lower(o.during) >= greatest($1::date::timestamp AT TIME ZONE 'Europe/Oslo', now())
	AND lower(o.during) < ($2::date + 1)::timestamp AT TIME ZONE 'Europe/Oslo'`

// meeting is one meeting of a booking, by its start.
type meeting struct {
	BookingID int64
	Start     time.Time
}

func collectMeetings(rows pgx.Rows) ([]meeting, error) {
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[meeting])
	slices.SortFunc(list, func(a, b meeting) int { return a.Start.Compare(b.Start) })
	return list, err
}

// ClosurePreview is what adding a closure would do: how many meetings it cancels, and whom it
// tells.
type ClosurePreview struct {
	Meetings int
	Told     mail.Tally
}

// PreviewClosure returns what AddClosure would do with c, changing nothing.
func (s *Store) PreviewClosure(ctx context.Context, c Closure) (ClosurePreview, error) {
	rows, err := s.db.Query(ctx, `SELECT o.booking_id, lower(o.during) FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
		WHERE `+closedMeetings+` LIMIT 5000`, c.First.Format(time.DateOnly), c.Last.Format(time.DateOnly))
	if err != nil {
		return ClosurePreview{}, fmt.Errorf("rooms: preview closure: %w", err)
	}
	return s.preview(ctx, rows)
}

// bookingsOf lists the bookings of the meetings, each once, in order of their first meeting.
func bookingsOf(list []meeting) []int64 {
	var ids []int64
	for _, m := range list {
		if !slices.Contains(ids, m.BookingID) {
			ids = append(ids, m.BookingID)
		}
	}
	return ids
}

// DeleteClosure removes a closure; an unknown id is ErrNotFound.
func (s *Store) DeleteClosure(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM closures WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("rooms: closure: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("rooms: closure: %w", postgres.ErrNotFound)
	}
	return nil
}
