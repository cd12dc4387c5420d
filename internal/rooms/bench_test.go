package rooms_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// BenchmarkBook books one meeting in a room that already holds n meetings, all in the same
// room so the exclusion constraint's index is as large as it gets. The goal: the cost with a
// million stored is at most 1.5 times the cost with a thousand.
func BenchmarkBook(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) {
			ctx := context.Background()
			db := pgtest.New(b)
			s := rooms.NewStore(db, nil)
			id := room(b, db, "Benk")
			// SQL: a million meetings in one statement, not a use case per row.
			var booking int64
			db.QueryRow(ctx, `INSERT INTO bookings (room_id, title, holder) VALUES ($1, 'fylt', 'internal') RETURNING id`, id).Scan(&booking)
			// n one-hour meetings back to back, in the past.
			_, err := db.Exec(ctx, `INSERT INTO booking_occurrences (booking_id, room_id, during)
				SELECT $1, $2, tstzrange(t, t + interval '1 hour')
				FROM generate_series(timestamptz '1900-01-01', timestamptz '1900-01-01' + ($3 - 1) * interval '1 hour', interval '1 hour') t`,
				booking, id, n)
			if err != nil {
				b.Fatal(err)
			}
			// As the table would be after autovacuum: the benchmark must not race it for the CPU.
			if _, err := db.Exec(ctx, `VACUUM (ANALYZE) booking_occurrences`); err != nil {
				b.Fatal(err)
			}
			start := time.Date(2030, 1, 7, 10, 0, 0, 0, tz.Oslo) // a Monday, house open
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				day := start.AddDate(0, 0, i)
				if wd := day.Weekday(); wd == time.Sunday {
					continue
				}
				slot := []rooms.Slot{{Start: day, End: day.Add(time.Hour)}}
				if _, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "b", Holder: "internal", Frequency: rooms.Once, OverrideReason: "benchmark"}, slot, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
