package rooms

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// The smaller forms of the house and of a booking's page: the week's opening hours, a
// closure, cancelling meetings and extending a standing booking. Each reads the posted values
// (Parse), and Validate checks them and makes what the store takes; the page shows the form
// back as typed.

// HoursDay is one day of the opening hours form, as typed.
type HoursDay struct {
	Weekday       int
	Open          bool
	Opens, Closes string
}

// HoursForm is the week's opening hours as typed, Monday first.
type HoursForm [7]HoursDay

// HoursFormOf fills the form from the stored week.
func HoursFormOf(w Week) HoursForm {
	var f HoursForm
	for i, d := range w {
		f[i] = HoursDay{Weekday: d.Weekday, Open: d.Open}
		if d.Open {
			f[i].Opens, f[i].Closes = tz.FormatClock(d.Opens), tz.FormatClock(d.Closes)
		}
	}
	return f
}

// Parse reads the form: a day is open when its box ("open-N", N the ISO weekday) is ticked.
func (f *HoursForm) Parse(v url.Values) {
	for i := range f {
		n := strconv.Itoa(i + 1)
		f[i] = HoursDay{Weekday: i + 1, Open: v.Get("open-"+n) == "on",
			Opens: strings.TrimSpace(v.Get("opens-" + n)), Closes: strings.TrimSpace(v.Get("closes-" + n))}
	}
}

// Validate checks each open day's times and returns the week they make.
func (f *HoursForm) Validate() (Week, validate.Errors) {
	var week Week
	var e validate.Errors
	for i, d := range f {
		n := strconv.Itoa(d.Weekday)
		week[i] = DayHours{Weekday: d.Weekday, Open: d.Open}
		if !d.Open {
			continue
		}
		var err error
		if week[i].Opens, err = tz.ParseClock(d.Opens); err != nil {
			e.Add("opens-"+n, "booking.time.invalid")
		}
		if week[i].Closes, err = tz.ParseClock(d.Closes); err != nil {
			e.Add("closes-"+n, "booking.time.invalid")
		}
	}
	e.Merge(week.Validate())
	return week, e
}

// ClosureForm is a new closure as typed.
type ClosureForm struct {
	First, Last, Reason string
	Note                string // staff's own line in the notice to those whose meetings it cancels
	Confirmed           bool   // staff saw whom it tells and save it
}

// Parse reads the closure form.
func (f *ClosureForm) Parse(v url.Values) {
	*f = ClosureForm{First: v.Get("first"), Last: v.Get("last"), Reason: v.Get("reason"),
		Note: strings.TrimSpace(v.Get("note")), Confirmed: v.Get("confirm") == "1"}
}

// Validate checks the form and returns the closure it makes.
func (f *ClosureForm) Validate() (Closure, validate.Errors) {
	c := Closure{Reason: f.Reason, Note: f.Note}
	c.First, _ = tz.ParseDate(f.First)
	c.Last, _ = tz.ParseDate(f.Last)
	e := c.Validate()
	e.MaxLength("note", c.Note, MaxNote, "notice.note.tooLong")
	return c, e
}

// MaxNote is the longest line staff may add to a notice.
const MaxNote = 300

// CancelForm cancels one meeting of a booking (Occurrence), it and the rest of the series
// (Rest), or every meeting in a period of dates (From, To, when no meeting is named).
type CancelForm struct {
	Occurrence       int64
	Rest             bool
	From, To, Reason string
	Note             string // staff's own line in the notice to those affected
	Confirmed        bool   // staff saw whom it tells and cancel
}

// Parse reads the cancel form.
func (f *CancelForm) Parse(v url.Values) {
	*f = CancelForm{Occurrence: formID(v, "occurrence"), Rest: v.Get("rest") == "1",
		From: v.Get("from"), To: v.Get("to"), Reason: strings.TrimSpace(v.Get("reason")),
		Note: strings.TrimSpace(v.Get("note")), Confirmed: v.Get("confirm") == "1"}
}

// Validate checks the form and returns the cancellation it asks for.
func (f *CancelForm) Validate() (Cancellation, validate.Errors) {
	c := Cancellation{Occurrence: f.Occurrence, Rest: f.Rest, Reason: f.Reason, Note: f.Note}
	var e validate.Errors
	if c.Occurrence == 0 {
		var err error
		if c.From, err = tz.ParseDate(f.From); err != nil {
			e.Add("from", "rooms.date.required")
		}
		if c.To, err = tz.ParseDate(f.To); err != nil {
			e.Add("to", "rooms.date.required")
		} else if c.To.Before(c.From) {
			e.Add("to", "booking.cancelRange.order")
		}
	}
	e.MaxLength("reason", c.Reason, 300, "form.tooLong")
	e.MaxLength("note", c.Note, MaxNote, "notice.note.tooLong")
	return c, e
}

// ExtendForm moves the end of a standing booking to a later date.
type ExtendForm struct {
	Until string
	Skip  bool // book the free dates and skip the taken ones
}

// Parse reads the extend form.
func (f *ExtendForm) Parse(v url.Values) {
	*f = ExtendForm{Until: v.Get("until"), Skip: v.Get("skip") == "1"}
}

// Validate checks the form and returns the new last date.
func (f *ExtendForm) Validate() (time.Time, validate.Errors) {
	var e validate.Errors
	until, err := tz.ParseDate(f.Until)
	if err != nil {
		e.Add("until", "rooms.date.required")
	}
	return until, e
}
