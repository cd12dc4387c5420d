package rooms

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Conflicts lists the slots that cannot be booked in the room now: taken, or the house closed
// (unless override, staff's reason to meet while it is closed). It books nothing.
func (s *Store) Conflicts(ctx context.Context, roomID int64, slots []Slot, override bool) ([]Conflict, error) {
	return conflicts(ctx, s.db, roomID, slots, override)
}

// conflicts lists, per slot, the first reason it cannot be booked: the house closed (unless
// overridden) or another meeting in the room.
func conflicts(ctx context.Context, db postgres.DBTX, roomID int64, slots []Slot, override bool) ([]Conflict, error) {
	return check(ctx, db, roomID, slots, override, false)
}

// check is conflicts in one round trip: the meetings in the way, the opening hours and the
// closures come in one batch, and with lock the room's advisory lock is taken first in it.
// The standing exceptions to the opening hours for the room count; those for a group only
// through checkFor.
func check(ctx context.Context, db postgres.DBTX, roomID int64, slots []Slot, override, lock bool) ([]Conflict, error) {
	return checkFor(ctx, db, roomID, 0, slots, override, lock)
}

// checkFor is check for a booking of group (0: none), whose standing exceptions to the
// opening hours count too.
func checkFor(ctx context.Context, db postgres.DBTX, roomID, groupID int64, slots []Slot, override, lock bool) ([]Conflict, error) {
	ranges := tstzranges(slots)
	b := &pgx.Batch{}
	if lock {
		b.Queue(`SELECT pg_advisory_xact_lock(7302, $1::int)`, roomID)
	}
	b.Queue(`SELECT lower(s.r), b.title FROM unnest($2::tstzrange[]) AS s(r)
		JOIN booking_occurrences o ON o.room_id = $1 AND o.cancelled_at IS NULL AND o.during && s.r
		JOIN bookings b ON b.id = o.booking_id ORDER BY lower(s.r)`, roomID, ranges)
	queueHouseRules(b, slots)
	b.Queue(`SELECT weekday, extract(epoch FROM opens)::int, extract(epoch FROM closes)::int FROM opening_exceptions
		WHERE (room_id IS NULL OR room_id = $1) AND (group_id IS NULL OR group_id = $2) AND (room_id IS NOT NULL OR group_id IS NOT NULL)`,
		roomID, groupID)
	br := db.SendBatch(ctx, b)
	defer br.Close()
	if lock {
		if _, err := br.Exec(); err != nil {
			return nil, err
		}
	}
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("rooms: conflicts: %w", err)
	}
	taken := map[time.Time]string{}
	if err = forEach(rows, func(start time.Time, title string) { taken[start.UTC()] = title }); err != nil {
		return nil, err
	}
	hours, closures, err := readHouseRules(br, slots)
	if err != nil {
		return nil, err
	}
	extra, err := readExceptions(br)
	if err != nil {
		return nil, err
	}
	var out []Conflict
	for _, sl := range slots {
		c := Conflict{Slot: sl}
		if title, ok := taken[sl.Start.UTC()]; ok {
			c.Title = title
		} else if !override {
			c.Closed, c.Holiday = closedReason(sl, hours, closures)
			if c.Closed == "rooms.closed.hours" && covered(sl, extra) {
				c.Closed = "" // a standing exception: the group meets then on purpose
			}
		}
		if c.Title != "" || c.Closed != "" {
			out = append(out, c)
		}
	}
	return out, nil
}

func forEach(rows pgx.Rows, f func(time.Time, string)) error {
	defer rows.Close()
	for rows.Next() {
		var t time.Time
		var s string
		if err := rows.Scan(&t, &s); err != nil {
			return fmt.Errorf("rooms: %w", err)
		}
		f(t, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rooms: %w", err)
	}
	return nil
}

type hours struct{ opens, closes time.Duration }

type closure struct {
	first, last time.Time
	reason      string
}

// houseRules loads the opening hours and the closures that touch the slots' dates.
func houseRules(ctx context.Context, db postgres.DBTX, slots []Slot) (map[int]hours, []closure, error) {
	b := &pgx.Batch{}
	queueHouseRules(b, slots)
	br := db.SendBatch(ctx, b)
	defer br.Close()
	return readHouseRules(br, slots)
}

// queueHouseRules adds the queries readHouseRules reads: the hours, and the closures when
// there are slots.
func queueHouseRules(b *pgx.Batch, slots []Slot) {
	b.Queue(`SELECT weekday, extract(epoch FROM opens)::int, extract(epoch FROM closes)::int FROM opening_hours`)
	if len(slots) > 0 {
		b.Queue(`SELECT first_day, last_day, reason FROM closures WHERE last_day >= $1 AND first_day <= $2`,
			tz.Midnight(slots[0].Start), tz.Midnight(slots[len(slots)-1].Start))
	}
}

func readHouseRules(br pgx.BatchResults, slots []Slot) (map[int]hours, []closure, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, nil, fmt.Errorf("rooms: hours: %w", err)
	}
	open := map[int]hours{}
	var d, o, c int
	_, err = pgx.ForEachRow(rows, []any{&d, &o, &c}, func() error {
		open[d] = hours{time.Duration(o) * time.Second, time.Duration(c) * time.Second}
		return nil
	})
	if err != nil || len(slots) == 0 {
		return open, nil, err
	}
	rows, err = br.Query()
	if err != nil {
		return nil, nil, fmt.Errorf("rooms: closures: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (closure, error) {
		var c closure
		return c, r.Scan(&c.first, &c.last, &c.reason)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("rooms: closures: %w", err)
	}
	return open, list, nil
}

// closedReason says why the house is closed for sl: a holiday, a closure, or outside hours.
func closedReason(sl Slot, open map[int]hours, closures []closure) (reason, holiday string) {
	local := sl.Start.In(tz.Oslo)
	if h, ok := HolidayOn(local); ok {
		return "rooms.closed.holiday", h.Name
	}
	day := tz.Midnight(local)
	for _, c := range closures {
		if !day.Before(tz.FromDateColumn(c.first)) && !day.After(tz.FromDateColumn(c.last)) {
			return "rooms.closed.closure", c.reason
		}
	}
	h, ok := open[tz.Weekday(local)]
	start, end := local.Sub(day), sl.End.In(tz.Oslo).Sub(day)
	if !ok || start < h.opens || end > h.closes {
		return "rooms.closed.hours", ""
	}
	return "", ""
}

// exceptionHours is a standing exception to the opening hours on one weekday.
type exceptionHours struct {
	weekday int
	hours
}

func readExceptions(br pgx.BatchResults) ([]exceptionHours, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("rooms: exceptions: %w", err)
	}
	var out []exceptionHours
	var d, o, c int
	_, err = pgx.ForEachRow(rows, []any{&d, &o, &c}, func() error {
		out = append(out, exceptionHours{d, hours{time.Duration(o) * time.Second, time.Duration(c) * time.Second}})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rooms: exceptions: %w", err)
	}
	return out, nil
}

// covered reports whether one of the exceptions holds the whole slot.
func covered(sl Slot, extra []exceptionHours) bool {
	local := sl.Start.In(tz.Oslo)
	day := tz.Midnight(local)
	start, end := local.Sub(day), sl.End.In(tz.Oslo).Sub(day)
	for _, e := range extra {
		if e.weekday == tz.Weekday(local) && start >= e.opens && end <= e.closes {
			return true
		}
	}
	return false
}

// FreeRooms lists the bookable rooms free for every one of slots (no booking in the way, the
// house open), by name: the room suggestion for a new group's weekly time.
func (s *Store) FreeRooms(ctx context.Context, slots []Slot) ([]Room, error) {
	all, err := s.Rooms(ctx)
	if err != nil {
		return nil, err
	}
	var out []Room
	for _, r := range all {
		if !r.Bookable {
			continue
		}
		found, err := conflicts(ctx, s.db, r.ID, slots, false)
		if err != nil {
			return nil, fmt.Errorf("rooms: free: %w", err)
		}
		if len(found) == 0 {
			out = append(out, r)
		}
	}
	return out, nil
}
