package rooms_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// room makes a bookable room for ten named name.
func room(t testing.TB, db *pgxpool.Pool, name string) int64 {
	t.Helper()
	return fixture.New(t, db).Room(name, 10).ID
}

func weekly(first time.Time, n int) []rooms.Slot {
	return rooms.Series{First: first, Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute, Frequency: rooms.Weekly, Count: n}.Slots()
}

// A Tuesday in ordinary weeks, with the house open 09–22.
var tuesday = time.Date(2026, 9, 1, 0, 0, 0, 0, tz.Oslo)

// Must show: a series colliding on 2 of 10 dates books 8 and lists the 2 skipped.
func TestBookTheFreeOnesAndListTheRest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id := room(t, db, "Bjørk")
	other := weekly(tuesday, 10)
	if _, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "AA-møte", Holder: "internal", Frequency: rooms.Once}, other[2:3], false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "Kurs", Holder: "internal", Frequency: rooms.Once},
		[]rooms.Slot{{Start: other[6].Start.Add(time.Hour), End: other[6].End.Add(time.Hour)}}, false); err != nil {
		t.Fatal(err)
	}
	b := rooms.Booking{RoomID: id, Title: "Sorggruppe", Holder: "internal", Frequency: rooms.Weekly}
	_, err := s.Book(ctx, b, weekly(tuesday, 10), false)
	var ce *rooms.ErrConflicts
	if !errors.As(err, &ce) || len(ce.Conflicts) != 2 || ce.Conflicts[0].Title != "AA-møte" || !errors.Is(err, postgres.ErrConflict) {
		t.Fatalf("preview: %v", err)
	}
	res, err := s.Book(ctx, b, weekly(tuesday, 10), true)
	if err != nil || res.Booked != 8 || len(res.Skipped) != 2 {
		t.Fatalf("book the free ones: %+v %v", res, err)
	}
	if !res.Skipped[0].Start.Equal(other[2].Start) || !res.Skipped[1].Start.Equal(other[6].Start) {
		t.Errorf("skipped %v", res.Skipped)
	}
	v, err := s.Get(ctx, res.BookingID)
	if err != nil || len(v.Occurrences) != 8 {
		t.Fatalf("booking: %d meetings, %v", len(v.Occurrences), err)
	}
	n, err := s.Cancel(ctx, res.BookingID, rooms.Cancellation{Occurrence: v.Occurrences[5].ID, Rest: true, Reason: "sommerpause"})
	if err != nil || n != 3 {
		t.Errorf("cancel the rest: %d, %v", n, err)
	}
	// A cancelled meeting frees the slot.
	if _, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "Ny", Holder: "internal", Frequency: rooms.Once},
		[]rooms.Slot{{Start: v.Occurrences[7].Start, End: v.Occurrences[7].End}}, false); err != nil {
		t.Errorf("booking a cancelled slot: %v", err)
	}
}

func TestClosedHouseNeedsAnOverride(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id := room(t, db, "Lind")
	may17 := []rooms.Slot{{Start: time.Date(2027, 5, 17, 18, 0, 0, 0, tz.Oslo), End: time.Date(2027, 5, 17, 19, 0, 0, 0, tz.Oslo)}}
	late := []rooms.Slot{{Start: time.Date(2026, 9, 1, 21, 30, 0, 0, tz.Oslo), End: time.Date(2026, 9, 1, 23, 0, 0, 0, tz.Oslo)}}
	sunday := []rooms.Slot{{Start: time.Date(2026, 9, 6, 12, 0, 0, 0, tz.Oslo), End: time.Date(2026, 9, 6, 13, 0, 0, 0, tz.Oslo)}}
	if _, err := s.AddClosure(ctx, rooms.Closure{First: time.Date(2026, 12, 21, 0, 0, 0, 0, tz.Oslo), Last: time.Date(2027, 1, 3, 0, 0, 0, 0, tz.Oslo),
		Reason: "Juleferie"}); err != nil {
		t.Fatal(err)
	}
	christmas := []rooms.Slot{{Start: time.Date(2026, 12, 22, 12, 0, 0, 0, tz.Oslo), End: time.Date(2026, 12, 22, 13, 0, 0, 0, tz.Oslo)}}
	for name, slots := range map[string][]rooms.Slot{"holiday": may17, "late": late, "sunday": sunday, "christmas": christmas} {
		b := rooms.Booking{RoomID: id, Title: name, Holder: "internal", Frequency: rooms.Once}
		var ce *rooms.ErrConflicts
		if _, err := s.Book(ctx, b, slots, false); !errors.As(err, &ce) || ce.Conflicts[0].Closed == "" {
			t.Errorf("%s: %v", name, err)
		}
		b.OverrideReason = "Årsmøte"
		if _, err := s.Book(ctx, b, slots, false); err != nil {
			t.Errorf("%s with override: %v", name, err)
		}
	}
}

// Many requests for one slot at once: exactly one booking, the others a conflict, and none
// waits for deadlock detection (the advisory lock queues them).
func TestConcurrentBookingsOfOneSlot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id := room(t, db, "Osp")
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, conflicts := 0, 0
	for i := 0; i < 50; i++ {
		wg.Go(func() {
			slot := []rooms.Slot{{Start: tuesday.Add(18*time.Hour + time.Duration(i%3)*10*time.Minute), End: tuesday.Add(20 * time.Hour)}}
			_, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "x", Holder: "internal", Frequency: rooms.Once}, slot, false)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, postgres.ErrConflict):
				conflicts++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ok != 1 || conflicts != 49 {
		t.Errorf("%d booked, %d conflicts", ok, conflicts)
	}
}

// The exclusion constraint holds even for a writer that skips the lock and the check.
func TestTheDatabaseRefusesOverlap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	id := room(t, db, "Gran")
	// SQL: the writer this test is about goes past the store.
	var b int64
	db.QueryRow(ctx, `INSERT INTO bookings (room_id, title, holder) VALUES ($1, 'a', 'internal') RETURNING id`, id).Scan(&b)
	if _, err := db.Exec(ctx, `INSERT INTO booking_occurrences (booking_id, room_id, during) VALUES ($1, $2, '[2026-09-01 16:00Z, 2026-09-01 17:00Z)')`, b, id); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(ctx, `INSERT INTO booking_occurrences (booking_id, room_id, during) VALUES ($1, $2, '[2026-09-01 16:30Z, 2026-09-01 18:00Z)')`, b, id)
	if !errors.Is(postgres.MapError(err), postgres.ErrConflict) {
		t.Errorf("overlap: %v", err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO booking_occurrences (booking_id, room_id, during) VALUES ($1, $2, '[2026-09-01 17:00Z, 2026-09-01 18:00Z)')`, b, id); err != nil {
		t.Errorf("back to back must be allowed: %v", err)
	}
}

func TestExtendAStandingAgreement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id := room(t, db, "Furu")
	res, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "AA", Holder: "internal", Frequency: rooms.Weekly, Standing: true}, weekly(tuesday, 4), false)
	if err != nil {
		t.Fatal(err)
	}
	ext, err := s.Extend(ctx, res.BookingID, tuesday.AddDate(0, 0, 7*7), false)
	if err != nil || ext.Booked != 4 || ext.BookingID != res.BookingID {
		t.Fatalf("extend: %+v %v", ext, err)
	}
	v, _ := s.Get(ctx, res.BookingID)
	if len(v.Occurrences) != 8 || v.Occurrences[7].Start.In(tz.Oslo).Hour() != 18 {
		t.Errorf("after extending: %d meetings", len(v.Occurrences))
	}
	if _, err := s.Extend(ctx, res.BookingID, tuesday, false); !errors.Is(err, postgres.ErrInvalid) {
		t.Errorf("extending to an earlier date: %v", err)
	}
}

// A store on a caller's transaction books inside it: a refused booking leaves the transaction
// usable (Book's savepoint is rolled back, not the caller's work), and what it booked goes
// when the caller rolls back.
func TestBookJoinsTheCallersTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	id := room(t, db, "Osp")
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	s := rooms.NewStore(tx, nil)
	slots := weekly(tuesday, 3)
	if _, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "a", Holder: "internal", Frequency: rooms.Once}, slots[:1], false); err != nil {
		t.Fatal(err)
	}
	var ce *rooms.ErrConflicts
	if _, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "b", Holder: "internal", Frequency: rooms.Weekly}, slots, false); !errors.As(err, &ce) ||
		len(ce.Conflicts) != 1 || ce.Conflicts[0].Title != "a" {
		t.Fatalf("a collision in the transaction: %v", err)
	}
	res, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "b", Holder: "internal", Frequency: rooms.Weekly}, slots, true)
	if err != nil || res.Booked != 2 {
		t.Fatalf("after a refusal the transaction books on: %+v %v", res, err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM booking_occurrences`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d meetings outlived the caller's rollback (%v)", n, err)
	}
}

// CancelBooking gives up every meeting of a booking that is still on, and a second time
// finds nothing to do without failing.
func TestCancelBooking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id := room(t, db, "Lind")
	res, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "a", Holder: "internal", Frequency: rooms.Weekly}, weekly(tuesday, 4), false)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := s.Get(ctx, res.BookingID)
	if _, err := s.Cancel(ctx, res.BookingID, rooms.Cancellation{Occurrence: v.Occurrences[0].ID}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CancelBooking(ctx, res.BookingID, "event moved"); err != nil || n != 3 {
		t.Errorf("cancel the booking: %d, %v", n, err)
	}
	if n, err := s.CancelBooking(ctx, res.BookingID, "event moved"); err != nil || n != 0 {
		t.Errorf("cancel it again: %d, %v", n, err)
	}
	if v, _ = s.Get(ctx, res.BookingID); !v.Occurrences[3].Cancelled {
		t.Errorf("the last meeting is still on: %+v", v.Occurrences[3])
	}
}
