package rooms

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// A booking form that Validate accepts is a booking the bookings table takes — a title of
// 1–120 characters, a room, a holder with exactly its own id (bookings_holder), a standing
// agreement only for a group's repeating booking — and a series that expands to
// 1–MaxOccurrences meetings, each ending after it starts, starting on the day typed or later.
// Validating again changes nothing.
func FuzzParseBooking(f *testing.F) {
	f.Add("Angst tirsdag", "group", "2026-09-01", "18:00", "19:30", "weekly", "2026-12-15", "", "", "1", "2", "3")
	f.Add(" Kurs ", "org", "2026-03-29", "02:30", "03:00", "once", "2026-01-01", "", "stengt", "1", "0", "4")
	f.Add("Intern", "internal", "2026-03-22", "02:00", "03:30", "biweekly", "", "10", "", "1", "5", "6")
	f.Add("x", "group", "2026-01-05", "10:00", "11:00", "weekly", "", "99999999999999999999", "", "1", "-2", "0")
	f.Add(strings.Repeat("t", 121), "anyone", "2026-02-30", "18:0030", "24:00", "daily", "x", "-1", "", "0", "", "")
	f.Fuzz(func(t *testing.T, title, holder, date, start, end, frequency, until, count, override, room, group, org string) {
		var form BookingForm
		form.Parse(url.Values{"title": {title}, "holder": {holder}, "date": {date}, "start": {start}, "end": {end},
			"frequency": {frequency}, "until": {until}, "count": {count}, "override": {override}, "room": {room}, "group": {group}, "org": {org}})
		errs := form.Validate()
		again := form
		if errs2 := again.Validate(); fmt.Sprintf("%+v", again) != fmt.Sprintf("%+v", form) || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		b, sr := form.Booking(7), form.Series()
		if n := utf8.RuneCountInString(b.Title); n < 1 || n > MaxTitle || b.Title != strings.TrimSpace(b.Title) || b.RoomID == 0 || b.CreatedBy != 7 {
			t.Errorf("title %q, room %d accepted", b.Title, b.RoomID)
		}
		if (b.Holder == "group") != (b.GroupID != 0) || (b.Holder == "org") != (b.OrgID != 0) ||
			b.Holder != "group" && b.Holder != "org" && b.Holder != "internal" {
			t.Errorf("holder %q with group %d, org %d accepted", b.Holder, b.GroupID, b.OrgID)
		}
		if b.Standing != (b.Holder == "group" && b.Frequency != Once) || b.Frequency != sr.Frequency {
			t.Errorf("%+v: standing %v", b, b.Standing)
		}
		slots := sr.Slots()
		if len(slots) == 0 || len(slots) > MaxOccurrences {
			t.Fatalf("%+v: %d meetings", sr, len(slots))
		}
		first, _ := tz.ParseDate(strings.TrimSpace(date))
		for i, sl := range slots {
			if !sl.End.After(sl.Start) || sl.Start.Before(first) || i > 0 && sl.Start.Before(slots[i-1].End) {
				t.Errorf("%+v: meeting %d is %s–%s", sr, i, sl.Start, sl.End)
			}
		}
	})
}

// A room request that Validate accepts fits booking_requests: a room, a title of at most 120
// characters (none for a group's contact, whose group names the booking), a message of at
// most 1000, a first day from today on, an end after the start, a last day for a repeating
// request (booking_requests_slot), and meetings that expand as a booking's would. Validating
// again changes nothing.
func FuzzParseRoomRequest(f *testing.F) {
	f.Add("Kurs", "2026-11-10", "18:00", "20:00", "once", "", "Hei", "1", true)
	f.Add("", "2026-11-10", "18:00", "20:00", "weekly", "2027-01-10", "", "2", false)
	f.Add("x", "2026-10-31", "9.30", "9.15", "weekly", "", "", "0", true)
	f.Add("x", "2027-03-28", "02:30", "03:00", "biweekly", "2027-05-01", strings.Repeat("m", 1001), "-3", true)
	f.Add("x", "2026-11-10", "18:00", "20:00", "once", "2026-11-01", "", "3", true)
	f.Fuzz(func(t *testing.T, title, date, start, end, frequency, until, message, room string, needTitle bool) {
		today := time.Date(2026, 11, 1, 0, 0, 0, 0, tz.Oslo)
		var form RequestForm
		form.Parse(url.Values{"title": {title}, "date": {date}, "start": {start}, "end": {end}, "frequency": {frequency},
			"until": {until}, "message": {message}, "room": {room}})
		errs := form.Validate(today, needTitle)
		again := form
		if errs2 := again.Validate(today, needTitle); fmt.Sprintf("%+v", again) != fmt.Sprintf("%+v", form) || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		if form.RoomID <= 0 || utf8.RuneCountInString(form.Title) > MaxTitle || needTitle && form.Title == "" || !needTitle && form.Title != "" ||
			utf8.RuneCountInString(form.Message) > MaxMessage {
			t.Errorf("%+v accepted", form)
		}
		sr := form.Series()
		if sr.First.Before(today) || sr.End <= sr.Start || sr.Frequency != Once && sr.Until.Before(sr.First) {
			t.Errorf("%+v accepted", sr)
		}
		if slots := sr.Slots(); len(slots) == 0 || len(slots) > MaxOccurrences {
			t.Errorf("%+v: %d meetings", sr, len(slots))
		}
	})
}
