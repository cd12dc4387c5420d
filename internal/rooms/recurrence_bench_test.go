package rooms_test

import (
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// BenchmarkRecurrence expands a Tuesday 18:00–19:30 series, which crosses the changes of
// summer time twice a year: weekly and every second week, for one year and for ten. Slots
// stops after MaxOccurrences+1 meetings (Validate refuses a series longer than
// MaxOccurrences), so the ten-year series measure the bound: 121 meetings, about two and a
// third years weekly or four and a half every second week. "validate" is what a booking form
// costs: Validate, which expands the series once, then Slots.
func BenchmarkRecurrence(b *testing.B) {
	first := time.Date(2026, 1, 6, 0, 0, 0, 0, tz.Oslo) // a Tuesday
	series := func(freq string, years int) rooms.Series {
		return rooms.Series{First: first, Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute, Frequency: freq,
			Until: first.AddDate(years, 0, -2)} // the Monday before: n years of meetings
	}
	capped := rooms.MaxOccurrences + 1
	cases := []struct {
		name string
		s    rooms.Series
		want int
	}{
		{"weekly-1y", series(rooms.Weekly, 1), 52},
		{"weekly-10y", series(rooms.Weekly, 10), capped},
		{"biweekly-1y", series(rooms.Biweekly, 1), 26},
		{"biweekly-10y", series(rooms.Biweekly, 10), capped},
		{"weekly-count-40", rooms.Series{First: first, Start: 18 * time.Hour, End: 19 * time.Hour, Frequency: rooms.Weekly, Count: 40}, 40},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			slots := c.s.Slots()
			if len(slots) != c.want {
				b.Fatalf("%d meetings, want %d", len(slots), c.want)
			}
			for _, sl := range slots {
				if local := sl.Start.In(tz.Oslo); local.Hour() != 18 || local.Weekday() != time.Tuesday {
					b.Fatalf("a meeting at %s", local)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = c.s.Slots()
			}
		})
	}
	b.Run("validate-weekly-1y", func(b *testing.B) {
		s := series(rooms.Weekly, 1)
		b.ReportAllocs()
		for b.Loop() {
			if errs := s.Validate(); !errs.OK() {
				b.Fatal(errs)
			}
			_ = s.Slots()
		}
	})
}
