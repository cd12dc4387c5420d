package demo

import (
	"time"

	bookingrooms "github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Years the bookings of the large data set span around the reference day.
const (
	largePastYears   = 9
	largeFutureYears = 1
)

// calendar is the span of the large data set's bookings: whole weeks from the Monday on or
// before nine years ago to about a year ahead, with the days the house is shut (the public
// holidays and the Christmas closure, 22 December to 2 January).
type calendar struct {
	dates  []civil // by day index
	closed []bool  // by day index
}

// civil is a local date.
type civil struct {
	y int
	m time.Month
	d int
}

func newCalendar(today time.Time) calendar {
	start := today.AddDate(-largePastYears, 0, 0)
	start = start.AddDate(0, 0, 1-tz.Weekday(start))
	end := today.AddDate(largeFutureYears, 0, 0)
	var c calendar
	holidays := map[civil]bool{}
	for y := start.Year(); y <= end.Year(); y++ {
		for _, h := range bookingrooms.Holidays(y) {
			yy, mm, dd := h.Date.Date()
			holidays[civil{yy, mm, dd}] = true
		}
	}
	y, m, d := start.Date()
	for i := 0; ; i++ {
		t := time.Date(y, m, d+i, 0, 0, 0, 0, tz.Oslo)
		if !t.Before(end) && i%7 == 0 {
			break
		}
		day := civil{t.Year(), t.Month(), t.Day()}
		c.dates = append(c.dates, day)
		c.closed = append(c.closed, holidays[day] || christmas(day))
	}
	return c
}

// christmas is the house's Christmas closure.
func christmas(d civil) bool {
	return d.m == time.December && d.d >= 22 || d.m == time.January && d.d <= 2
}

// weeks is the number of whole weeks the calendar spans.
func (c calendar) weeks() int { return len(c.dates) / 7 }

// days is the number of days the calendar spans.
func (c calendar) days() int { return len(c.dates) }

// at is the local time clock on day i (which may lie after the calendar's end).
func (c calendar) at(i int, clock time.Duration) time.Time {
	d := c.dates[0]
	return time.Date(d.y, d.m, d.d+i, 0, 0, int(clock/time.Second), 0, tz.Oslo)
}

// index is the day index of the local date of t (it may lie outside the calendar).
func (c calendar) index(t time.Time) int {
	t = t.In(tz.Oslo)
	first := c.dates[0]
	start := time.Date(first.y, first.m, first.d, 12, 0, 0, 0, time.UTC)
	day := time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, time.UTC)
	return int(day.Sub(start) / (24 * time.Hour))
}

// years are the calendar years the calendar touches.
func (c calendar) years() (first, last int) {
	return c.dates[0].y, c.dates[len(c.dates)-1].y
}
