package rooms_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Must show (issue 22): a group whose timetable says every second week cannot silently hold a
// weekly booking: the mismatch is found, as is one on another weekday or at other times,
// while a booking that follows the timetable is not.
func TestBookingsThatDoNotFollowTheTimetable(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	ctx := context.Background()
	// Tuesdays 18:00–19:30 from next week.
	now := time.Now()
	tuesday := tz.Midnight(now).AddDate(0, 0, (2-tz.Weekday(now)+7)%7+7)
	biweekly := func(f *groups.Form) { f.Frequency = "biweekly" }
	cases := []struct {
		name      string
		group     []fixture.GroupOption
		frequency string
		day       time.Time
		start     time.Duration
		want      func(rooms.Mismatch) bool // nil: no mismatch
	}{
		{"weekly booking, biweekly timetable", []fixture.GroupOption{fixture.Named("Sorggruppe onsdag"), fixture.Form(biweekly)}, rooms.Weekly, tuesday, 18 * time.Hour,
			func(m rooms.Mismatch) bool {
				return m.FrequencyDiffers() && m.Frequency == "weekly" && m.GroupFrequency == "biweekly" && !m.WeekdayDiffers() && !m.TimesDiffer()
			}},
		{"biweekly booking, biweekly timetable", []fixture.GroupOption{fixture.Named("Følger planen"), fixture.Form(biweekly)}, rooms.Biweekly, tuesday, 18 * time.Hour, nil},
		{"another weekday", []fixture.GroupOption{fixture.Named("Feil dag")}, rooms.Weekly, tuesday.AddDate(0, 0, 3), 18 * time.Hour,
			func(m rooms.Mismatch) bool {
				return m.WeekdayDiffers() && m.Weekday == 5 && m.GroupWeekday == 2 && !m.FrequencyDiffers()
			}},
		{"other times", []fixture.GroupOption{fixture.Named("Feil tid")}, rooms.Weekly, tuesday, 17 * time.Hour,
			func(m rooms.Mismatch) bool { return m.TimesDiffer() && m.Starts == "17:00" && m.GroupStarts == "18:00" }},
	}
	for _, c := range cases {
		g := b.Group(c.group...)
		room := b.Room("Rom for "+c.name, 12) // each case its own room: the bookings overlap in time
		sr := rooms.Series{First: c.day, Start: c.start, End: c.start + 90*time.Minute, Frequency: c.frequency, Count: 4}
		b.Booking(room.ID, sr.Slots(), func(bk *rooms.Booking) {
			bk.Holder, bk.GroupID, bk.Frequency, bk.Standing, bk.OverrideReason = "group", g.ID, c.frequency, true, "test"
		})
		got, err := rooms.Mismatches(ctx, db, g.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.want == nil && len(got) != 0:
			t.Errorf("%s: flagged %+v", c.name, got)
		case c.want != nil && (len(got) != 1 || !c.want(got[0])):
			t.Errorf("%s: %+v", c.name, got)
		}
	}
	all, err := rooms.Mismatches(ctx, db, 0, now)
	if err != nil || len(all) != 3 {
		t.Errorf("all groups: %d mismatches (%v), want 3", len(all), err)
	}
}

// The demo data agrees with itself: every group's standing booking follows its timetable.
func TestDemoBookingsFollowTheTimetables(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	if _, err := demo.Seed(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	var biweekly int
	db.QueryRow(context.Background(), `SELECT count(*) FROM bookings b JOIN groups g ON g.id = b.group_id WHERE g.frequency = 'biweekly'`).Scan(&biweekly)
	if biweekly == 0 {
		t.Fatal("the demo books no group that meets every second week: the test proves nothing")
	}
	got, err := rooms.Mismatches(context.Background(), db, 0, time.Now())
	if err != nil || len(got) != 0 {
		t.Errorf("the demo's bookings and timetables disagree: %+v %v", got, err)
	}
}
