package demo

import (
	"context"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// seedBookings writes the planned rooms, the Christmas closures of the years the bookings
// span, the bookings and their meetings.
func (g *large) seedBookings(ctx context.Context) error {
	if err := g.copyRooms(ctx); err != nil {
		return err
	}
	if err := g.seedClosures(ctx); err != nil {
		return err
	}
	first, err := g.reserveIDs(ctx, "bookings", len(g.series))
	if err != nil {
		return err
	}
	for i := range g.series {
		g.series[i].id = first + int64(i)
	}
	g.res.Bookings, err = g.copyRows(ctx, "bookings", []string{"id", "room_id", "title", "holder", "group_id", "org_id",
		"frequency", "standing", "override_reason", "created_by", "created_at"}, len(g.series), func(i int) []any {
		s := &g.series[i]
		frequency := "weekly"
		switch {
		case s.once:
			frequency = "once"
		case s.step == 2:
			frequency = "biweekly"
		}
		var org any
		if s.org >= 0 {
			org = g.orgs[s.org].id
		}
		return []any{s.id, g.rooms[s.room].id, s.title, s.holder, g.groupID(s.group), org, frequency,
			!s.once && s.weeks >= 20, "", g.admin, s.created}
	})
	if err != nil {
		return err
	}
	copied, err := g.tx.CopyFrom(ctx, pgx.Identifier{"booking_occurrences"},
		[]string{"booking_id", "room_id", "during", "cancelled_at", "cancel_reason"}, pgx.CopyFromFunc(g.occurrences()))
	g.res.Occurrences = int(copied)
	return err
}

// copyRooms writes the extra rooms, on a floor of their own.
func (g *large) copyRooms(ctx context.Context) error {
	first, err := g.reserveIDs(ctx, "rooms", len(g.rooms))
	if err != nil {
		return err
	}
	for i := range g.rooms {
		g.rooms[i].id = first + int64(i)
	}
	g.res.Rooms, err = g.copyRows(ctx, "rooms", []string{"id", "name", "floor", "capacity", "step_free", "hearing_loop",
		"screen", "camera", "bookable", "created_at"}, len(g.rooms), func(i int) []any {
		rm := &g.rooms[i]
		return []any{rm.id, rm.name, int16(5), rm.capacity, true, rm.loop, rm.hybrid, rm.hybrid, true, g.cal.at(0, 0).AddDate(0, 0, -30)}
	})
	return err
}

// seedClosures adds the Christmas closure of every year the bookings span, as the demo does
// for this year.
func (g *large) seedClosures(ctx context.Context) error {
	first, last := g.cal.years()
	_, err := g.tx.Exec(ctx, `INSERT INTO closures (first_day, last_day, reason, created_at)
		SELECT make_date(y, 12, 22), make_date(y + 1, 1, 2), 'Juleferie', make_timestamptz(y, 6, 1, 12, 0, 0, 'Europe/Oslo')
		FROM generate_series($1::int, $2::int) y
		WHERE NOT EXISTS (SELECT 1 FROM closures WHERE first_day = make_date(y, 12, 22))`, first-1, last)
	return err
}

// occurrences returns the rows of every planned meeting, series after series, made as COPY
// asks for them: a million rows never sit in memory at once.
func (g *large) occurrences() func() ([]any, error) {
	r := g.rng(streamOccurrences)
	si, w, emitted := 0, -1, 0
	return func() ([]any, error) {
		for si < len(g.series) {
			s := &g.series[si]
			if w < 0 {
				w, emitted = s.firstWeek, 0
			}
			for emitted < s.count && w < s.firstWeek+s.weeks {
				day := s.day(w)
				w += s.step
				if g.cal.closed[day] {
					continue
				}
				emitted++
				return g.occurrence(r, s, day), nil
			}
			si, w = si+1, -1
		}
		return nil, nil
	}
}

// occurrence is the row of the series' meeting on day; a few are cancelled (never an
// event's: its page would show a cancelled room).
func (g *large) occurrence(r *rand.Rand, s *largeSeries, day int) []any {
	start := g.cal.at(day, houseSlots[s.weekday-1][s.slot])
	during := pgtype.Range[pgtype.Timestamptz]{
		Lower: pgtype.Timestamptz{Time: start, Valid: true}, Upper: pgtype.Timestamptz{Time: start.Add(s.length), Valid: true},
		LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true,
	}
	var cancelled any
	reason := ""
	if !s.event && chance(r, 0.025) {
		at := start.Add(-days(1 + 9*r.Float64()))
		if at.After(g.today) {
			at = g.today.Add(-days(7 * r.Float64()))
		}
		cancelled, reason = later(at, s.created), largeCancelReasons[r.IntN(len(largeCancelReasons))]
	}
	return []any{s.id, g.rooms[s.room].id, during, cancelled, reason}
}
