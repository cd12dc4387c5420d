package rooms

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// DayRow is one meeting on the house's day sheet.
type DayRow struct {
	Start      time.Time
	End        time.Time
	Room       string
	Title      string
	Holder     string // the group's or organisation's name, or "" for LINK Oslo
	KeyHolders string // who from the group has a key out, comma-separated
}

// DaySheet lists every meeting of the local day in the house, by start time, with the key
// holders of each group ("who is here today").
func (s *Store) DaySheet(ctx context.Context, day time.Time) ([]DayRow, error) {
	from := tz.Midnight(day)
	rows, err := s.db.Query(ctx, `SELECT lower(o.during), upper(o.during), r.name, b.title, coalesce(g.name, og.name, ''),
			coalesce((SELECT string_agg(DISTINCT l.holder_name, ', ') FROM key_loans l
				WHERE l.returned_at IS NULL AND (l.booking_id = b.id OR (b.group_id IS NOT NULL AND l.group_id = b.group_id))), '')
		FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id JOIN rooms r ON r.id = o.room_id
		LEFT JOIN groups g ON g.id = b.group_id LEFT JOIN orgs og ON og.id = b.org_id
		WHERE o.cancelled_at IS NULL AND o.during && tstzrange($1, $2)
		ORDER BY lower(o.during), r.name LIMIT 500`, from, from.AddDate(0, 0, 1))
	if err != nil {
		return nil, fmt.Errorf("rooms: day sheet: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DayRow])
	if err != nil {
		return nil, fmt.Errorf("rooms: day sheet: %w", err)
	}
	return list, nil
}
