package rooms

import (
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Frequencies of a booking.
const (
	Once     = "once"
	Weekly   = "weekly"
	Biweekly = "biweekly"
)

// MaxOccurrences bounds one series (a season is about 40 weeks).
const MaxOccurrences = 120

// Series says when a booking meets: from a first local date, at a local start and end time,
// once, every week or every second week, until a last date or a number of times.
type Series struct {
	First     time.Time     // the first date (its clock is ignored)
	Start     time.Duration // local time of day
	End       time.Duration
	Frequency string
	Until     time.Time // last date, inclusive; zero: use Count
	Count     int
}

// Slot is one meeting: a half-open interval [Start, End).
type Slot struct {
	Start, End time.Time
}

// ClockRange reads the times of day from and to, typed into the fields fromField and
// toField, adding to e what is wrong at its field: a time that cannot be read, or an end not
// after the start. ok is false when either is wrong.
func ClockRange(e *validate.Errors, fromField, from, toField, to string) (start, end time.Duration, ok bool) {
	start, err1 := tz.ParseClock(from)
	if err1 != nil {
		e.Add(fromField, "booking.time.invalid")
	}
	end, err2 := tz.ParseClock(to)
	switch {
	case err2 != nil:
		e.Add(toField, "booking.time.invalid")
	case err1 == nil && end <= start:
		e.Add(toField, "rooms.end.afterStart")
	}
	return start, end, err1 == nil && err2 == nil && end > start
}

// Validate checks the series; messages are catalogue ids.
func (s Series) Validate() validate.Errors {
	var e validate.Errors
	if s.First.IsZero() {
		e.Add("date", "rooms.date.required")
	}
	if s.End <= s.Start {
		e.Add("end", "rooms.end.afterStart")
	}
	switch s.Frequency {
	case Once:
	case Weekly, Biweekly:
		if s.Until.IsZero() && s.Count <= 0 {
			e.Add("until", "rooms.until.required")
		}
		if !s.Until.IsZero() && !s.First.IsZero() && s.Until.Before(s.First) {
			e.Add("until", "rooms.until.afterFirst")
		}
	default:
		e.Add("frequency", "rooms.frequency.required")
	}
	if e.OK() && len(s.Slots()) > MaxOccurrences {
		e.Add("until", "rooms.until.tooMany", "Max", MaxOccurrences)
	}
	return e
}

// Slots expands the series. Each meeting is built from its local date and clock time in
// Europe/Oslo, so an 18:00 meeting stays at 18:00 across the changes of summer time.
func (s Series) Slots() []Slot {
	y, m, d := s.First.Date()
	step := 7
	if s.Frequency == Biweekly {
		step = 14
	}
	var out []Slot
	for i := 0; i <= MaxOccurrences; i++ {
		day := time.Date(y, m, d+i*step, 0, 0, 0, 0, tz.Oslo)
		// A single meeting ignores Until and Count, which a form may still send.
		if s.Frequency == Once && i > 0 || s.Frequency != Once && (s.Count > 0 && i >= s.Count ||
			s.Count == 0 && !s.Until.IsZero() && day.After(tz.Midnight(s.Until))) {
			break
		}
		start, end := at(day, s.Start), at(day, s.End)
		if !end.After(start) {
			// The start fell in the hour skipped when summer time begins, and the clocks moved
			// it past the end (02:30–03:00 would be 03:30–03:00): keep the meeting's length.
			end = start.Add(s.End - s.Start)
		}
		out = append(out, Slot{Start: start, End: end})
	}
	return out
}

func at(day time.Time, clock time.Duration) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, int(clock/time.Hour), int(clock%time.Hour/time.Minute), 0, 0, tz.Oslo)
}
