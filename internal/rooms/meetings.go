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

// NextMeeting is a group's next meeting in the house and the room it is in: what a newcomer
// needs to find it (the floor) and to know whether they can come as they are (step-free
// access, a hearing loop).
type NextMeeting struct {
	Start, End time.Time
	Room
}

// NextGroupMeeting is the group's next meeting in the house that is not cancelled and has
// not begun at from; false when none is booked.
func (s *Store) NextGroupMeeting(ctx context.Context, groupID int64, from time.Time) (NextMeeting, bool, error) {
	rows, err := s.db.Query(ctx, `SELECT n.starts, n.ends, `+roomColumns+` FROM (
			SELECT lower(o.during) AS starts, upper(o.during) AS ends, o.room_id
			FROM bookings b JOIN booking_occurrences o ON o.booking_id = b.id
			WHERE b.group_id = $1 AND o.cancelled_at IS NULL AND lower(o.during) >= $2
			ORDER BY lower(o.during) LIMIT 1) n
		JOIN rooms ON rooms.id = n.room_id`, groupID, from)
	if err != nil {
		return NextMeeting{}, false, fmt.Errorf("rooms: next meeting: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[NextMeeting])
	if err != nil || len(list) == 0 {
		return NextMeeting{}, false, err
	}
	return list[0], true, nil
}
