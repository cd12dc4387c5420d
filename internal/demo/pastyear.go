package demo

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/counts"
	bookingrooms "github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// seedPastYear fills last year with the anonymous figures the annual report reads (what the
// app would have counted as it went), and a season of standing bookings, so the report of
// last year is meaningful on `make run`. It runs once.
func seedPastYear(ctx context.Context, tx pgx.Tx, now time.Time) error {
	year := now.In(tz.Oslo).Year() - 1
	var any bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM yearly_counts WHERE year = $1)`, year).Scan(&any); err != nil || any {
		return err
	}
	figures := []struct {
		metric, key string
		n           int
	}{
		{"signups", "friend", 64}, {"signups", "health", 41}, {"signups", "web", 57}, {"signups", "nav", 12},
		{"signups", "social", 23}, {"signups", "org", 18}, {"signups", "other", 4}, {"signups", "", 9},
		{"placed", "", 131}, {"withdrawn", "", 22}, {"deleted_by_request", "", 3},
		{"offer_accepted", "", 117}, {"offer_declined", "", 26}, {"offer_expired", "", 9}, {"offer_withdrawn", "", 2},
		{"event_held", "intro", 11}, {"event_confirmed", "intro", 148}, {"event_attended", "intro", 121},
		{"event_held", "coffee", 40}, {"event_confirmed", "coffee", 212}, {"event_attended", "coffee", 167},
	}
	for _, c := range figures {
		if err := counts.Add(ctx, tx, year, c.metric, c.key, c.n); err != nil {
			return err
		}
	}
	// Waiting times of the year's placements, spread over the themes.
	if _, err := tx.Exec(ctx, `INSERT INTO placement_waits (year, theme_id, days, via_offer)
		SELECT $1, t.id, 10 + (n * 37 + t.id * 11) % 120, n % 3 > 0
		FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM themes) t, generate_series(1, 12) n
		WHERE n <= 4 + t.rn % 9`, year); err != nil {
		return err
	}
	// A season of weekly meetings in the house, for the room hours.
	rows, err := tx.Query(ctx, `SELECT id FROM rooms WHERE bookable ORDER BY capacity DESC, id LIMIT 3`)
	if err != nil {
		return err
	}
	roomIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	first := time.Date(year, time.January, 6, 0, 0, 0, 0, tz.Oslo) // a Monday or near one
	for i, room := range roomIDs {
		sr := bookingrooms.Series{First: first.AddDate(0, 0, i), Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute,
			Frequency: bookingrooms.Weekly, Until: time.Date(year, time.December, 15, 0, 0, 0, 0, tz.Oslo)}
		if _, err := bookingrooms.NewStore(tx, nil).Book(ctx, bookingrooms.Booking{RoomID: room, Title: "Gruppemøte", Holder: "internal",
			Frequency: bookingrooms.Weekly, Standing: true, OverrideReason: "demo"}, sr.Slots(), true); err != nil {
			return err
		}
	}
	return nil
}
