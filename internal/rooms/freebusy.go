package rooms

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Busy is a time a room is taken, as someone asking for a room sees it: when, and nothing of
// whose or what. It never leaves the store with a title, so no page can show one.
type Busy struct {
	RoomID     int64
	Start, End time.Time
}

// BusyBetween lists the times the bookable rooms in use are taken by meetings that overlap [from,
// to), cancelled ones left out, in order of start.
func (s *Store) BusyBetween(ctx context.Context, from, to time.Time) ([]Busy, error) {
	rows, err := s.db.Query(ctx, `SELECT o.room_id, lower(o.during), upper(o.during)
		FROM booking_occurrences o JOIN rooms r ON r.id = o.room_id AND r.bookable AND r.retired_at IS NULL
		WHERE o.cancelled_at IS NULL AND o.during && tstzrange($1, $2)
		ORDER BY lower(o.during), o.room_id LIMIT 2000`, from, to)
	if err != nil {
		return nil, fmt.Errorf("rooms: busy: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Busy, error) {
		var b Busy
		return b, r.Scan(&b.RoomID, &b.Start, &b.End)
	})
	if err != nil {
		return nil, fmt.Errorf("rooms: busy: %w", err)
	}
	return list, nil
}
