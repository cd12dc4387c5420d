package rooms_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
)

// BusyBetween gives the times the bookable rooms are taken in a week: a cancelled meeting is
// free again, and meetings outside the week or in a room that cannot be booked are left out.
func TestBusyBetween(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	fx := fixture.New(t, db)
	room, closed := fx.Room("Bjørk", 10).ID, fx.Room("Lager", 2).ID
	day := future()
	book := func(room int64, start time.Time) int64 {
		t.Helper()
		res, err := s.Book(ctx, rooms.Booking{RoomID: room, Title: "Hemmelig", Holder: "internal", Frequency: rooms.Once, OverrideReason: "test"},
			[]rooms.Slot{{Start: start, End: start.Add(90 * time.Minute)}}, false)
		if err != nil {
			t.Fatal(err)
		}
		return res.BookingID
	}
	book(room, day.Add(18*time.Hour))
	book(closed, day.Add(18*time.Hour))
	book(room, day.AddDate(0, 0, 7).Add(18*time.Hour))
	cancelled := book(room, day.Add(12*time.Hour))
	v, _ := s.Get(ctx, cancelled)
	db.Exec(ctx, `UPDATE booking_occurrences SET cancelled_at = now() WHERE id = $1`, v.Occurrences[0].ID)
	db.Exec(ctx, `UPDATE rooms SET bookable = false WHERE id = $1`, closed)

	list, err := s.BusyBetween(ctx, day, day.AddDate(0, 0, 7))
	if err != nil || len(list) != 1 || list[0].RoomID != room || !list[0].Start.Equal(day.Add(18*time.Hour)) || !list[0].End.Equal(day.Add(19*time.Hour+30*time.Minute)) {
		t.Errorf("busy in the week: %+v %v", list, err)
	}
}
