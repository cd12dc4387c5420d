package pages

import (
	"fmt"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// The week grid draws each meeting as a block over the hours it touches; meetings that
// overlap (a cancelled one and the one booked in its place) share a block, and every other
// hour of the day is a cell of its own, so that each row of the table is whole.
func TestWeekColumnsDrawMeetingsAsBlocks(t *testing.T) {
	t.Parallel()
	monday := time.Date(2031, 3, 3, 0, 0, 0, 0, tz.Oslo)
	at := func(day, h, m int) time.Time {
		return monday.AddDate(0, 0, day).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	p := WeekPage{Monday: monday, Occurrences: []rooms.Occurrence{
		{ID: 1, Start: at(1, 18, 0), End: at(1, 19, 30)},                 // tuesday: 18 and 19
		{ID: 2, Start: at(2, 10, 0), End: at(2, 11, 0)},                  // wednesday: 10 only
		{ID: 3, Start: at(3, 12, 0), End: at(3, 14, 0), Cancelled: true}, // thursday: 12–14 …
		{ID: 4, Start: at(3, 13, 30), End: at(3, 15, 0)},                 // … and its replacement: one block 12–15
		{ID: 5, Start: at(4, 20, 0), End: at(5, 1, 0)},                   // friday past midnight: to the last row
	}}
	hours := p.hours()
	cols := p.columns(hours)
	want := map[int]string{1: "18+2[1]", 2: "10+1[2]", 3: "12+3[3 4]", 4: "20+2[5]"}
	for day, col := range cols {
		rows, got := 0, ""
		for _, h := range hours {
			c, ok := col[h]
			if !ok {
				continue
			}
			rows += c.Span
			if len(c.Meetings) > 0 {
				var ids []int64
				for _, o := range c.Meetings {
					ids = append(ids, o.ID)
				}
				got += fmt.Sprintf("%d+%d%v", c.Hour, c.Span, ids)
			}
		}
		if got != want[day] {
			t.Errorf("day %d: blocks %q, want %q", day, got, want[day])
		}
		if rows != len(hours) {
			t.Errorf("day %d: the cells cover %d rows of %d", day, rows, len(hours))
		}
	}
}
