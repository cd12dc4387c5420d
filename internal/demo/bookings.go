package demo

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	bookingrooms "github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// seedBookings gives every published group that meets at the house (or hybrid) a standing
// booking that follows its timetable (weekly or every second week) for its next twelve meetings, each in the first room with space at that
// time. It runs once: a database with bookings is left alone.
func seedBookings(ctx context.Context, tx pgx.Tx, now time.Time) (int, error) {
	var any bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM bookings)`).Scan(&any); err != nil || any {
		return 0, err
	}
	rows, err := tx.Query(ctx, `SELECT g.id, g.name, g.weekday, extract(epoch FROM g.starts_at)::int, extract(epoch FROM g.ends_at)::int, g.frequency
		FROM groups g WHERE g.published AND g.format IN ('house', 'hybrid') AND g.status <> 'closed' ORDER BY g.id`)
	if err != nil {
		return 0, err
	}
	type meeting struct {
		ID                 int64
		Name               string
		Weekday, From, Til int
		Frequency          string // the timetable's: the booking follows it
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[meeting])
	if err != nil {
		return 0, err
	}
	rows, err = tx.Query(ctx, `SELECT id FROM rooms WHERE bookable ORDER BY capacity DESC, id`)
	if err != nil {
		return 0, err
	}
	roomIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(roomIDs) == 0 {
		return 0, err
	}
	today := now.In(tz.Oslo)
	store := bookingrooms.NewStore(tx, nil)
	added := 0
	for _, m := range list {
		first := today.AddDate(0, 0, (m.Weekday-tz.Weekday(today)+7)%7)
		sr := bookingrooms.Series{First: first, Start: time.Duration(m.From) * time.Second, End: time.Duration(m.Til) * time.Second,
			Frequency: m.Frequency, Count: 12}
		for _, room := range roomIDs {
			b := bookingrooms.Booking{RoomID: room, Title: m.Name, Holder: "group", GroupID: m.ID, Frequency: m.Frequency,
				Standing: true, OverrideReason: "demo"}
			// Book nests in tx as a savepoint: a refusal leaves the transaction usable.
			if _, err := store.Book(ctx, b, sr.Slots(), true); err != nil {
				continue // this room is taken then; try the next
			}
			added++
			break
		}
	}
	return added, nil
}
