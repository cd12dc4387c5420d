package rooms

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Mismatch is a group's standing booking that does not follow the group's timetable: staff
// changed one and not the other, so the catalogue and the house tell different stories.
type Mismatch struct {
	GroupID   int64
	GroupName string
	BookingID int64
	Room      string
	// What differs: the frequency (a weekly booking of a group that meets every second week,
	// or the other way), the weekday, or the times. Each pair is the booking's and the group's.
	Frequency, GroupFrequency string
	Weekday, GroupWeekday     int // ISO: 1 is Monday
	Starts, GroupStarts       string
	Ends, GroupEnds           string
}

// FrequencyDiffers, WeekdayDiffers and TimesDiffer say what does not agree.
func (m Mismatch) FrequencyDiffers() bool { return m.Frequency != m.GroupFrequency }

// WeekdayDiffers reports a booking on another day than the timetable's.
func (m Mismatch) WeekdayDiffers() bool { return m.Weekday != m.GroupWeekday }

// TimesDiffer reports a booking at other times than the timetable's.
func (m Mismatch) TimesDiffer() bool { return m.Starts != m.GroupStarts || m.Ends != m.GroupEnds }

// Mismatches lists the group bookings with meetings ahead (after now) whose frequency, weekday
// or times differ from their group's timetable, for the group groupID (0: every group that is
// not closed), by group name. One query, whatever the number of bookings: the next meeting of
// each booking stands for it (LATERAL on booking_occurrences' booking index).
func Mismatches(ctx context.Context, db postgres.DBTX, groupID int64, now time.Time) ([]Mismatch, error) {
	rows, err := db.Query(ctx, `SELECT g.id, g.name, b.id, r.name, b.frequency, g.frequency,
			extract(isodow FROM lower(o.during) AT TIME ZONE 'Europe/Oslo')::int, g.weekday,
			to_char(lower(o.during) AT TIME ZONE 'Europe/Oslo', 'HH24:MI'), to_char(g.starts_at, 'HH24:MI'),
			to_char(upper(o.during) AT TIME ZONE 'Europe/Oslo', 'HH24:MI'), to_char(g.ends_at, 'HH24:MI')
		FROM bookings b
		JOIN groups g ON g.id = b.group_id
		JOIN rooms r ON r.id = b.room_id
		JOIN LATERAL (SELECT during FROM booking_occurrences x
			WHERE x.booking_id = b.id AND x.cancelled_at IS NULL AND upper(x.during) > $1
			ORDER BY lower(x.during) LIMIT 1) o ON true
		WHERE b.frequency <> 'once' AND g.status <> 'closed' AND ($2 = 0 OR g.id = $2)
		  AND (b.frequency <> g.frequency
		       OR extract(isodow FROM lower(o.during) AT TIME ZONE 'Europe/Oslo') <> g.weekday
		       OR (lower(o.during) AT TIME ZONE 'Europe/Oslo')::time <> g.starts_at
		       OR (upper(o.during) AT TIME ZONE 'Europe/Oslo')::time <> g.ends_at)
		ORDER BY g.name COLLATE "nb-NO-x-icu", b.id LIMIT 200`, now, groupID)
	if err != nil {
		return nil, fmt.Errorf("rooms: mismatches: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Mismatch])
	if err != nil {
		return nil, fmt.Errorf("rooms: mismatches: %w", err)
	}
	return list, nil
}
