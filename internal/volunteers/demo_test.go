package volunteers_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
)

// The demo volunteers fill every list of the follow-up pages, and a second run adds nothing.
func TestSeedVolunteers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error { return demo.SeedVolunteers(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
	}
	for sql, want := range map[string]int{
		`SELECT count(*) FROM volunteers`:                                  4,
		`SELECT count(*) FROM volunteers WHERE NOT active`:                 1,
		`SELECT count(*) FROM group_volunteers WHERE ended_at IS NULL`:     1,
		`SELECT count(*) FROM group_volunteers WHERE ended_at IS NOT NULL`: 2,
		`SELECT count(*) FROM startup_meetings`:                            5,
		`SELECT count(*) FROM startup_meetings WHERE held`:                 2,
		`SELECT count(*) FROM follow_ups`:                                  5,
		`SELECT count(*) FROM checkins WHERE done_on IS NOT NULL`:          6,
	} {
		var n int
		if err := db.QueryRow(ctx, sql).Scan(&n); err != nil || n != want {
			t.Errorf("%s = %d, %v; want %d", sql, n, err, want)
		}
	}
	s := volunteers.NewStore(db)
	today := volunteers.Today(time.Now())
	due, total, err := s.DueForFollowUp(ctx, today, 25, 0)
	if err != nil || total < 2 {
		t.Errorf("due for follow-up: %+v, %d, %v", due, total, err)
	}
	without, total, err := s.WithoutVolunteer(ctx, 25, 0)
	if err != nil || total != 1 || without[0].Meetings != 1 {
		t.Errorf("without volunteer: %+v, %d, %v", without, total, err)
	}
}
