package rooms

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

var frequencies = []string{Once, Weekly, Biweekly, "monthly", ""}

// A series that Validate accepts expands to 1–MaxOccurrences meetings, each on its own local
// date step days apart, each starting at the typed local time (or, on the night summer time
// begins, as late as the clocks jump) and ending after it starts, in order and without
// overlap, as many as Count says or as fit before Until. Any series, valid or not, expands
// without panicking to a bounded list.
func FuzzSeries(f *testing.F) {
	f.Add("2026-09-01", "2026-12-15", uint16(18*60), uint16(19*60+30), uint8(1), 0)
	f.Add("2026-03-29", "", uint16(2*60+30), uint16(3*60), uint8(0), 0)      // 02:30 does not exist that night
	f.Add("2026-03-22", "", uint16(2*60), uint16(3*60+30), uint8(1), 3)      // the second meeting is on the night of the change
	f.Add("2026-10-25", "", uint16(2*60+15), uint16(2*60+45), uint8(0), 0)   // 02:15 happens twice
	f.Add("2026-10-11", "", uint16(1*60+30), uint16(2*60+30), uint8(2), 5)   // biweekly across the end of summer time
	f.Add("2026-01-05", "2030-01-01", uint16(600), uint16(660), uint8(1), 0) // too many
	f.Add("2026-01-05", "2025-01-01", uint16(600), uint16(660), uint8(2), 0) // ends before it starts
	f.Add("2199-12-20", "", uint16(600), uint16(660), uint8(1), 120)
	f.Add("2026-01-05", "", uint16(660), uint16(600), uint8(3), -1)
	f.Fuzz(func(t *testing.T, first, until string, start, end uint16, freq uint8, count int) {
		s := Series{Start: time.Duration(start%(24*60)) * time.Minute, End: time.Duration(end%(24*60)) * time.Minute,
			Frequency: frequencies[int(freq)%len(frequencies)], Count: count}
		s.First, _ = tz.ParseDate(first)
		if until != "" {
			var err error
			if s.Until, err = tz.ParseDate(until); err != nil {
				return
			}
		}
		slots := s.Slots()
		if len(slots) > MaxOccurrences+1 {
			t.Fatalf("%+v: %d meetings", s, len(slots))
		}
		if !s.Validate().OK() {
			return
		}
		if len(slots) == 0 || len(slots) > MaxOccurrences {
			t.Fatalf("%+v: a valid series has %d meetings", s, len(slots))
		}
		step := 7
		switch {
		case s.Frequency == Once:
			if len(slots) != 1 {
				t.Errorf("%+v: %d meetings of a single booking", s, len(slots))
			}
		case s.Frequency == Biweekly:
			step = 14
		}
		if s.Frequency != Once && s.Count > 0 && len(slots) != min(s.Count, MaxOccurrences+1) {
			t.Errorf("%+v: %d meetings, want %d", s, len(slots), s.Count)
		}
		fy, fm, fd := s.First.Date()
		for i, sl := range slots {
			day := time.Date(fy, fm, fd+i*step, 0, 0, 0, 0, tz.Oslo)
			checkSlot(t, s, i, sl, day)
			if i > 0 && slots[i-1].End.After(sl.Start) {
				t.Errorf("%+v: meeting %d [%s, %s) overlaps the one before [%s, %s)", s, i, sl.Start, sl.End, slots[i-1].Start, slots[i-1].End)
			}
			if s.Count == 0 && !s.Until.IsZero() && s.Frequency != Once && day.After(s.Until) {
				t.Errorf("%+v: meeting %d on %s is after the last date", s, i, day.Format(time.DateOnly))
			}
		}
		if s.Frequency != Once && s.Count == 0 {
			next := time.Date(fy, fm, fd+len(slots)*step, 0, 0, 0, 0, tz.Oslo)
			if !next.After(s.Until) {
				t.Errorf("%+v: stops after %d meetings, but %s is not after the last date", s, len(slots), next.Format(time.DateOnly))
			}
		}
	})
}

// checkSlot checks meeting i of s, held on the local day.
func checkSlot(t *testing.T, s Series, i int, sl Slot, day time.Time) {
	t.Helper()
	if !sl.End.After(sl.Start) {
		t.Fatalf("%+v: meeting %d ends at %s, not after its start %s", s, i, sl.End.In(tz.Oslo), sl.Start.In(tz.Oslo))
	}
	local := sl.Start.In(tz.Oslo)
	if y, m, d := local.Date(); y != day.Year() || m != day.Month() || d != day.Day() {
		t.Errorf("%+v: meeting %d starts on %s, want %s", s, i, local, day.Format(time.DateOnly))
	}
	clock := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute
	// The clock differs from the typed one only when that time does not exist (the night
	// summer time begins): then it is an hour later, as the clocks jump.
	if clock != s.Start && !(clock == s.Start+time.Hour && !exists(day, s.Start)) {
		t.Errorf("%+v: meeting %d starts at %s, want %v", s, i, local, s.Start)
	}
	length := sl.End.Sub(sl.Start)
	if exists(day, s.Start) && exists(day, s.End) && !(s.Start < 3*time.Hour && s.End >= 2*time.Hour) && length != s.End-s.Start {
		t.Errorf("%+v: meeting %d lasts %v, want %v", s, i, length, s.End-s.Start)
	}
	if length > s.End-s.Start+time.Hour || length < s.End-s.Start-time.Hour {
		t.Errorf("%+v: meeting %d lasts %v, want about %v", s, i, length, s.End-s.Start)
	}
}

// exists reports whether the local clock time happens on day in Oslo.
func exists(day time.Time, clock time.Duration) bool {
	y, m, d := day.Date()
	h, mi := int(clock/time.Hour), int(clock%time.Hour/time.Minute)
	at := time.Date(y, m, d, h, mi, 0, 0, tz.Oslo)
	return at.Hour() == h && at.Minute() == mi
}

// Every meeting written to a feed reads back from it with golang-ical: the same uid, title,
// room, times and status, whatever the title holds (commas, semicolons, backslashes, line
// breaks, any Unicode), and no title can add or end an event or the calendar.
func FuzzWriteICal(f *testing.F) {
	f.Add("Rom 1", "Anonyme alkoholikere", "Rom 1", int64(1), int64(1790000000), uint16(90), false, "Sorg; tap, og \\ mer")
	f.Add("Grupper, \"alle\"", "Linje 1\nLinje 2", "Stor sal", int64(2), int64(1774746000), uint16(60), true, "x\r\nEND:VEVENT\r\nBEGIN:VEVENT")
	f.Add("Rom; 2", "Ærlig talt — ÆØÅ æøå 😀", "Rom\\2", int64(9), int64(946684800), uint16(1), false, "a\rb")
	f.Add(strings.Repeat("langt navn ", 20), strings.Repeat("å", 120), "R", int64(1<<40), int64(7258118400), uint16(1440), false, "\x01\x7f\u2028\u0085")
	f.Add("", "", "", int64(0), int64(0), uint16(0), false, "")
	f.Fuzz(func(t *testing.T, name, title, room string, id, start int64, minutes uint16, cancelled bool, other string) {
		const host = "selvhjelpshuset.example"
		begin := time.Unix(946684800+mod(start, 200*365*86400), 0)
		events := []FeedEvent{
			{ID: id, Title: title, Room: room, Start: begin, End: begin.Add(time.Duration(minutes%1441) * time.Minute), Cancelled: cancelled},
			{ID: id + 1, Title: other, Room: room, Start: begin.Add(24 * time.Hour), End: begin.Add(25 * time.Hour)},
		}
		var b bytes.Buffer
		now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		if err := WriteICal(&b, name, feedAddress, host, events, now); err != nil {
			t.Fatalf("WriteICal: %v", err)
		}
		for i, line := range strings.Split(b.String(), "\r\n") {
			if len(line) > 75 || !utf8.ValidString(line) || strings.ContainsAny(line, "\r\n") {
				t.Fatalf("line %d of the feed is not a folded content line: %q", i, line)
			}
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("the feed does not parse: %v\n%s", err, b.String())
		}
		if got := calendarName(cal); got != feedText(name) {
			t.Errorf("calendar name %q, want %q", got, feedText(name))
		}
		got := cal.Events()
		if len(got) != len(events) {
			t.Fatalf("%d events read back, want %d\n%s", len(got), len(events), b.String())
		}
		for i, e := range events {
			checkEvent(t, got[i], e, host)
		}
	})
}

// feedAddress is the house's address as the centre's settings give it.
const feedAddress = "Kirkeveien 61, 0364 Oslo, 6. etasje"

func mod(a, n int64) int64 { return (a%n + n) % n }

func calendarName(cal *ics.Calendar) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyXWRCalName) {
			return p.Value
		}
	}
	return ""
}

func checkEvent(t *testing.T, ev *ics.VEvent, e FeedEvent, host string) {
	t.Helper()
	if want := "booking-" + strconv.FormatInt(e.ID, 10) + "@" + host; ev.Id() != want {
		t.Errorf("uid %q, want %q", ev.Id(), want)
	}
	prop := func(p ics.ComponentProperty) string {
		if v := ev.GetProperty(p); v != nil {
			return v.Value
		}
		return ""
	}
	if got := prop(ics.ComponentPropertySummary); got != feedText(e.Title) {
		t.Errorf("summary %q, want %q", got, feedText(e.Title))
	}
	if got, want := prop(ics.ComponentPropertyLocation), feedText(feedAddress+", "+e.Room); got != want {
		t.Errorf("location %q, want %q", got, want)
	}
	status, seq := string(ics.ObjectStatusConfirmed), "0"
	if e.Cancelled {
		status, seq = string(ics.ObjectStatusCancelled), "1"
	}
	if got := prop(ics.ComponentPropertySequence); got != seq {
		t.Errorf("sequence %q, want %q", got, seq)
	}
	if got := prop(ics.ComponentPropertyStatus); got != status {
		t.Errorf("status %q, want %q", got, status)
	}
	if start, err := ev.GetStartAt(); err != nil || !start.Equal(e.Start) {
		t.Errorf("start %v (%v), want %v", start, err, e.Start)
	}
	if end, err := ev.GetEndAt(); err != nil || !end.Equal(e.End) {
		t.Errorf("end %v (%v), want %v", end, err, e.End)
	}
}

// feedText is what a text written to a feed reads back as: a CR, alone or before a LF, is a
// line break, other control characters but tab are gone, and invalid UTF-8 is U+FFFD.
func feedText(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\r' && strings.HasPrefix(s[i:], "\r\n"):
		case r == '\r':
			b.WriteByte('\n')
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			// one U+FFFD for a run of bad bytes
			if !strings.HasSuffix(b.String(), "\uFFFD") || !badBefore(s, i) {
				b.WriteRune(utf8.RuneError)
			}
		case r < 0x20 && r != '\n' && r != '\t', r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// badBefore reports whether the byte before s[i] is part of an invalid UTF-8 sequence.
func badBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, size := utf8.DecodeLastRuneInString(s[:i])
	return r == utf8.RuneError && size == 1
}

// dbPhone is the database's check of a stored phone number.
var dbPhone = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

// A contact person that Validate accepts fits the group_contacts table (a trimmed name of
// 1–120 characters, an address, a phone number of +digits or none), and validating again
// changes nothing.
func FuzzContact(f *testing.F) {
	f.Add("Kari Nordmann", "kari@example.no", "912 34 567")
	f.Add("  ", "ikke en adresse", "+47 (22) 33-44.55")
	f.Add(strings.Repeat("æ", 121), " kari@example.no ", "0047 91234567")
	f.Add("Per\x00", "a@b.c", "++4791234567")
	f.Fuzz(func(t *testing.T, name, email, phone string) {
		c := Contact{Name: name, Email: email, Phone: phone}
		errs := c.Validate()
		again := c
		if errs2 := again.Validate(); again != c || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating %+v again gives %+v, %v (first %v)", c, again, errs2, errs)
		}
		if !errs.OK() {
			return
		}
		if c.Name != strings.TrimSpace(c.Name) || c.Name == "" || utf8.RuneCountInString(c.Name) > 120 {
			t.Errorf("name %q accepted", c.Name)
		}
		if n := utf8.RuneCountInString(c.Email); n < 3 || n > 254 || strings.TrimSpace(c.Email) != c.Email {
			t.Errorf("e-mail %q accepted", c.Email)
		}
		if c.Phone != "" && !dbPhone.MatchString(c.Phone) {
			t.Errorf("phone %q accepted", c.Phone)
		}
	})
}

// Opening hours that Validate accepts close after they open on every open day (the table's
// check), and a problem is named by the day's closes-N field.
func FuzzWeek(f *testing.F) {
	f.Add([]byte{1, 9, 0, 17, 0, 1, 8, 30, 8, 30, 0, 0, 0, 0, 0})
	f.Add([]byte{1, 23, 59, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var w Week
		for i := range w {
			w[i].Weekday = i + 1
			if len(data) >= 5 {
				w[i].Open = data[0]%2 == 1
				w[i].Opens = time.Duration(data[1]%24)*time.Hour + time.Duration(data[2]%60)*time.Minute
				w[i].Closes = time.Duration(data[3]%24)*time.Hour + time.Duration(data[4]%60)*time.Minute
				data = data[5:]
			}
		}
		errs := w.Validate()
		for _, d := range w {
			bad := d.Open && d.Closes <= d.Opens
			if has := errs.Has(fmt.Sprintf("closes-%d", d.Weekday)); has != bad {
				t.Errorf("day %d %+v: error %v, want %v", d.Weekday, d, has, bad)
			}
		}
		if len(errs) > 7 {
			t.Errorf("%d errors for 7 days", len(errs))
		}
	})
}

// A closure that Validate accepts has both dates, the last not before the first, and a
// trimmed reason of 1–200 characters (the closures table's checks).
func FuzzClosure(f *testing.F) {
	f.Add("2026-12-24", "2027-01-01", "Juleferie")
	f.Add("2026-12-24", "2026-12-23", "  ")
	f.Add("", "2026-12-23", strings.Repeat("x", 201))
	f.Add("2026-02-29", "2199-12-31", "\t Oppussing \n")
	f.Fuzz(func(t *testing.T, first, last, reason string) {
		c := Closure{Reason: reason}
		c.First, _ = tz.ParseDate(first)
		c.Last, _ = tz.ParseDate(last)
		errs := c.Validate()
		again := c
		if errs2 := again.Validate(); again != c || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating %+v again gives %+v, %v", c, again, errs2)
		}
		if !errs.OK() {
			return
		}
		if c.First.IsZero() || c.Last.IsZero() || c.Last.Before(c.First) {
			t.Errorf("dates %s–%s accepted", c.First, c.Last)
		}
		if n := utf8.RuneCountInString(c.Reason); n < 1 || n > 200 || strings.TrimSpace(c.Reason) != c.Reason {
			t.Errorf("reason %q accepted", c.Reason)
		}
	})
}
