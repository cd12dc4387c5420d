package rooms

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// GroupMeetings lists the next meetings booked in the house for the group, those that have
// not ended at from, soonest first, at most limit; cancelled ones are among them, marked. The
// members' private page and the confirmation of a new member read it.
func (s *Store) GroupMeetings(ctx context.Context, groupID int64, from time.Time, limit int) ([]FeedEvent, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, b.title, r.name, lower(o.during), upper(o.during), o.cancelled_at IS NOT NULL
		FROM bookings b JOIN booking_occurrences o ON o.booking_id = b.id JOIN rooms r ON r.id = o.room_id
		WHERE b.group_id = $1 AND upper(o.during) > $2 ORDER BY lower(o.during), o.id LIMIT $3`, groupID, from, limit)
	if err != nil {
		return nil, fmt.Errorf("rooms: group meetings: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[FeedEvent])
	if err != nil {
		return nil, fmt.Errorf("rooms: group meetings: %w", err)
	}
	return list, nil
}
