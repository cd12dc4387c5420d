package demo

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/counts"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// seedPastYear fills last year with the anonymous figures the annual report reads (what the
// app would have counted as it went), and the house week of standing bookings (houseWeek), so
// the report of last year is meaningful on `make run`. It runs once.
func seedPastYear(ctx context.Context, tx pgx.Tx, now time.Time) error {
	year := now.In(tz.Oslo).Year() - 1
	if seeded, err := counted(ctx, tx, year); err != nil || seeded {
		return err
	}
	if err := addFigures(ctx, tx, year, []figure{
		{"signups", "friend", 64}, {"signups", "health", 41}, {"signups", "web", 57}, {"signups", "nav", 12},
		{"signups", "social", 23}, {"signups", "org", 18}, {"signups", "other", 4}, {"signups", "", 9},
		{"placed", "", 131}, {"withdrawn", "", 22}, {"deleted_by_request", "", 3},
		{"offer_accepted", "", 117}, {"offer_declined", "", 26}, {"offer_expired", "", 9}, {"offer_withdrawn", "", 2},
		{"event_held", "intro", 11}, {"event_confirmed", "intro", 148}, {"event_attended", "intro", 121},
		{"event_held", "coffee", 40}, {"event_confirmed", "coffee", 212}, {"event_attended", "coffee", 167},
	}, 1); err != nil {
		return err
	}
	// Waiting times of the year's placements, spread over the themes.
	if _, err := tx.Exec(ctx, `INSERT INTO placement_waits (year, theme_id, days, via_offer)
		SELECT $1, t.id, 10 + (n * 37 + t.id * 11) % 120, n % 3 > 0
		FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM themes) t, generate_series(1, 12) n
		WHERE n <= 4 + t.rn % 9`, year); err != nil {
		return err
	}
	// The house week of standing group meetings, for the room hours.
	return bookHouseWeek(ctx, tx, time.Date(year, time.January, 6, 0, 0, 0, 0, tz.Oslo), time.Date(year, time.December, 16, 0, 0, 0, 0, tz.Oslo))
}

// figure is one of the anonymous yearly counts, as the app counts it.
type figure struct {
	metric, key string
	n           int
}

// counted reports whether the demo has filled year's counts already (the places are counted
// only by the demo's history, never by the sign-ups it adds).
func counted(ctx context.Context, tx pgx.Tx, year int) (bool, error) {
	var seeded bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM yearly_counts WHERE year = $1 AND metric = 'placed')`, year).Scan(&seeded)
	return seeded, err
}

// addFigures counts each figure of year, times share (the part of the year it stands for),
// rounded; a figure that rounds to nothing is left out.
func addFigures(ctx context.Context, tx pgx.Tx, year int, figures []figure, share float64) error {
	for _, f := range figures {
		if n := int(math.Round(float64(f.n) * share)); n > 0 {
			if err := counts.Add(ctx, tx, year, f.metric, f.key, n); err != nil {
				return err
			}
		}
	}
	return nil
}
