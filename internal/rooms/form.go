package rooms

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Limits of the text fields, as the database checks them.
const (
	MaxTitle    = 120
	MaxOverride = 300
	MaxMessage  = 1000
)

// BookingForm is a booking as staff type it. Parse reads it from the posted form, Validate
// checks it and makes the meetings it asks for; the booking page shows it back as typed.
type BookingForm struct {
	RoomID    int64
	Title     string
	Holder    string // group, org or internal
	GroupID   int64  // counts only for a group's booking
	OrgID     int64  // counts only for an organisation's booking
	Date      string // the first meeting's date
	Start     string // time of day
	End       string
	Frequency string
	Until     string // the last date, or "" with Count, or for one meeting
	Count     string // how many meetings
	Override  string // staff's reason to book outside opening hours or on a closure
	Expected  string // how many people come; "" when staff don't say
	// CapacityOK: staff saw that the room is too small for Expected and book it anyway.
	CapacityOK bool

	series   Series // set by Validate
	expected int
}

// Parse reads the booking form's fields from the posted values.
func (f *BookingForm) Parse(v url.Values) {
	*f = BookingForm{Title: v.Get("title"), Holder: v.Get("holder"), Date: v.Get("date"), Start: v.Get("start"), End: v.Get("end"),
		Frequency: v.Get("frequency"), Until: v.Get("until"), Count: v.Get("count"), Override: v.Get("override"),
		Expected: v.Get("expected"), CapacityOK: v.Get("capacity_ok") == "on",
		RoomID: formID(v, "room"), GroupID: formID(v, "group"), OrgID: formID(v, "org")}
}

// formID reads an id field; anything but a number is 0, which the forms treat as none.
func formID(v url.Values, key string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(v.Get(key)), 10, 64)
	return id
}

// Validate trims the fields and checks them; when they are right it makes the series of
// meetings (Series). Messages are catalogue ids.
func (f *BookingForm) Validate() validate.Errors {
	trim(&f.Title, &f.Holder, &f.Date, &f.Start, &f.End, &f.Frequency, &f.Until, &f.Count, &f.Override, &f.Expected)
	var e validate.Errors
	f.expected = 0
	if f.Expected != "" {
		var err error
		if f.expected, err = strconv.Atoi(f.Expected); err != nil || f.expected < 1 || f.expected > MaxCapacity {
			e.Add("expected", "booking.expected.invalid")
		}
	}
	if e.Required("title", f.Title, "booking.title.required") {
		e.MaxLength("title", f.Title, MaxTitle, "form.tooLong")
	}
	e.MaxLength("override", f.Override, MaxOverride, "form.tooLong")
	if f.RoomID == 0 {
		e.Add("room", "booking.room.required")
	}
	switch {
	case f.Holder == "group" && f.GroupID == 0:
		e.Add("group", "booking.group.required")
	case f.Holder == "org" && f.OrgID == 0:
		e.Add("org", "booking.org.required")
	case f.Holder != "group" && f.Holder != "org" && f.Holder != "internal":
		e.Add("holder", "booking.holder.required")
	}
	sr := parseSeries(&e, f.Date, f.Start, f.End, time.Time{})
	sr.Frequency = f.Frequency
	var err error
	if f.Until != "" {
		if sr.Until, err = tz.ParseDate(f.Until); err != nil {
			e.Add("until", "form.date.invalid")
		}
	}
	if f.Count != "" {
		if sr.Count, err = strconv.Atoi(f.Count); err != nil || sr.Count < 1 {
			e.Add("count", "booking.count.invalid")
		}
	}
	if e.OK() {
		e.Merge(sr.Validate())
	}
	f.series = sr
	return e
}

// Series is the meetings the form asks for, as Validate read them.
func (f BookingForm) Series() Series { return f.series }

// Booking is the booking the form makes, by staff user by: the holder's id only for its own
// kind, a standing agreement for a group that meets more than once, and the people expected.
func (f BookingForm) Booking(by int64) Booking {
	b := Booking{RoomID: f.RoomID, Title: f.Title, Holder: f.Holder, Frequency: f.Frequency, OverrideReason: f.Override, CreatedBy: by,
		Expected: f.expected, CapacityConfirmed: f.CapacityOK}
	switch f.Holder {
	case "group":
		b.GroupID, b.Standing = f.GroupID, f.Frequency != Once
	case "org":
		b.OrgID = f.OrgID
	}
	return b
}

// RequestForm is a request for a room time as a partner or a group's contact person types
// it. Parse reads it from the posted form, Validate checks it and makes the meetings it asks
// for; the form page shows it back as typed.
type RequestForm struct {
	RoomID    int64
	Title     string // what the booking is called; a group's is its name, so its contact gives none
	Date      string // the first meeting's date
	Start     string // time of day
	End       string
	Frequency string
	Until     string // the last date of a repeating request
	Message   string

	series Series // set by Validate
}

// Parse reads the request form's fields from the posted values.
func (f *RequestForm) Parse(v url.Values) {
	*f = RequestForm{Title: v.Get("title"), Date: v.Get("date"), Start: v.Get("start"), End: v.Get("end"),
		Frequency: v.Get("frequency"), Until: v.Get("until"), Message: v.Get("message"), RoomID: formID(v, "room")}
}

// Validate trims the fields and checks them against today, the date in Oslo: the first
// meeting may not be before it. titled says whether the requester names the booking (a
// partner does; a group's contact does not, and a title typed anyway is dropped). When the
// fields are right it makes the series of meetings (Series). Messages are catalogue ids.
func (f *RequestForm) Validate(today time.Time, titled bool) validate.Errors {
	trim(&f.Title, &f.Date, &f.Start, &f.End, &f.Frequency, &f.Until, &f.Message)
	var e validate.Errors
	if f.RoomID <= 0 {
		e.Add("room", "booking.room.required")
	}
	if !titled {
		f.Title = ""
	} else if e.Required("title", f.Title, "booking.title.required") {
		e.MaxLength("title", f.Title, MaxTitle, "form.tooLong")
	}
	e.MaxLength("message", f.Message, MaxMessage, "form.tooLong")
	sr := parseSeries(&e, f.Date, f.Start, f.End, today)
	sr.Frequency = f.Frequency
	if f.Until != "" && f.Frequency != Once {
		var err error
		if sr.Until, err = tz.ParseDate(f.Until); err != nil {
			e.Add("until", "form.date.invalid")
		}
	}
	if e.OK() {
		e.Merge(sr.Validate())
	}
	f.series = sr
	return e
}

// Series is the meetings the request asks for, as Validate read them.
func (f RequestForm) Series() Series { return f.series }

// parseSeries reads the first date and the times of a form into a series, adding to e what
// cannot be read and a first date before notBefore.
func parseSeries(e *validate.Errors, date, start, end string, notBefore time.Time) Series {
	var sr Series
	var err error
	if sr.First, err = tz.ParseDate(date); err != nil {
		e.Add("date", "rooms.date.required")
	} else if sr.First.Before(notBefore) {
		e.Add("date", "request.date.past")
	}
	if sr.Start, err = tz.ParseClock(start); err != nil {
		e.Add("start", "booking.time.invalid")
	}
	if sr.End, err = tz.ParseClock(end); err != nil {
		e.Add("end", "booking.time.invalid")
	}
	return sr
}

// trim trims the spaces around each field.
func trim(fields ...*string) {
	for _, s := range fields {
		*s = strings.TrimSpace(*s)
	}
}
