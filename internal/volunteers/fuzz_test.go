package volunteers

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// dbPhone is the volunteers table's check of a phone number.
var dbPhone = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

// today is the day the fuzz targets validate against (midnight UTC, as Today returns it).
var today = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func ids(b []byte) []int64 {
	var out []int64
	for _, c := range b {
		out = append(out, int64(int8(c)))
	}
	return out
}

func dateText(d *time.Time) string {
	if d == nil {
		return "none"
	}
	return d.String()
}

// A volunteer that Validate accepts fits the volunteers table (a trimmed name of 1–120
// characters, an address and a phone number of the right shape or none, notes of at most
// 2000), was trained on a real date not after today (kept as typed), has known availability
// in the order of the week and positive theme ids once each. Validating again changes nothing.
func FuzzForm(f *testing.F) {
	f.Add("Kari", "kari@example.no", "912 34 567", "2026-10-01", "1-evening,3-morning", "", true, []byte{2, 1})
	f.Add("  Per ", "", "", "", "7-evening,1-evening,1-evening,8-morning", " notat ", false, []byte{0, 255, 3, 3})
	f.Add("Ola", "ola@", "12", "2026-11-02", "", strings.Repeat("n", 2001), true, []byte{})
	f.Add(strings.Repeat("å", 121), " a@b.no ", "+46 70 123 45 67", "01.10.2026", "1-night", "", true, []byte(nil))
	f.Fuzz(func(t *testing.T, name, email, phone, trained, avail, notes string, active bool, themes []byte) {
		form := Form{Name: name, Email: email, Phone: phone, TrainedOn: trained, Availability: list(avail), Notes: notes, Active: active, Themes: ids(themes)}
		errs := form.Validate(today)
		again := form
		again.Availability, again.Themes = slices.Clone(form.Availability), slices.Clone(form.Themes)
		errs2 := again.Validate(today)
		if fmt.Sprintf("%+v %s", shown(again), dateText(again.trainedOn)) != fmt.Sprintf("%+v %s", shown(form), dateText(form.trainedOn)) || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if want := Slots(list(avail)); !slices.Equal(form.Availability, want) {
			t.Errorf("availability %q kept as %q", avail, form.Availability)
		}
		for i, id := range form.Themes {
			if id <= 0 || i > 0 && form.Themes[i-1] >= id {
				t.Errorf("themes %v kept", form.Themes)
			}
		}
		if !errs.OK() {
			return
		}
		if n := utf8.RuneCountInString(form.Name); n < 1 || n > MaxName || strings.TrimSpace(form.Name) != form.Name || utf8.RuneCountInString(form.Notes) > MaxNotes {
			t.Errorf("name %q, notes %q accepted", form.Name, form.Notes)
		}
		if form.Email != "" && !validate.Email(form.Email) || form.Phone != "" && !dbPhone.MatchString(form.Phone) {
			t.Errorf("address %q, phone %q accepted", form.Email, form.Phone)
		}
		if (form.TrainedOn == "") != (form.trainedOn == nil) {
			t.Fatalf("trained on %q kept as %v", form.TrainedOn, form.trainedOn)
		}
		if d, ok := parseDay(form.TrainedOn); form.trainedOn != nil && (!ok || !d.Equal(*form.trainedOn) || d.After(today)) {
			t.Errorf("trained on %q kept as %v", form.TrainedOn, form.trainedOn)
		}
	})
}

// shown is f without its parsed date, to compare two forms by what they show.
func shown(f Form) Form {
	f.trainedOn = nil
	return f
}

// Slots keeps exactly the known slots given, once each, in the order of the week.
func FuzzSlots(f *testing.F) {
	f.Add("7-evening,1-evening,1-evening,8-morning,1-night,01-evening, 2-morning")
	f.Fuzz(func(t *testing.T, in string) {
		got := Slots(list(in))
		var want []string
		for d := 1; d <= 7; d++ {
			for _, p := range groups.DayParts {
				if slices.Contains(list(in), strconv.Itoa(d)+"-"+p) {
					want = append(want, strconv.Itoa(d)+"-"+p)
				}
			}
		}
		if !slices.Equal(got, want) || got == nil {
			t.Errorf("Slots(%q) = %q, want %q", in, got, want)
		}
	})
}

// A start-up meeting that Validate accepts is planned at the typed local time on the typed
// day in Oslo, also on the days summer time begins and ends (it was once planned an hour off
// on those days: midnight plus 18 hours is 19:00 when the night had 23 hours), and has a note
// of at most MaxMeetingNote characters.
func FuzzMeetingForm(f *testing.F) {
	f.Add("2026-11-20", "18:00", "")
	f.Add("2026-03-29", "18:00", "sommertid")
	f.Add("2026-10-25", "18:00", "vintertid")
	f.Add("2026-03-29", "02:30", "")
	f.Add("2026-10-25", "02:30", "")
	f.Add(" 2026-11-20 ", " 9.05 ", strings.Repeat("n", 501))
	f.Add("2026-02-30", "24:00", "")
	f.Fuzz(func(t *testing.T, date, clock, note string) {
		form := MeetingForm{Date: date, Time: clock, Note: note}
		errs := form.Validate()
		again := form
		if errs2 := again.Validate(); again != form || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		day, err := tz.ParseDate(form.Date)
		d, clockErr := tz.ParseClock(form.Time)
		if err != nil || clockErr != nil || utf8.RuneCountInString(form.Note) > MaxMeetingNote {
			t.Fatalf("%+v accepted", form)
		}
		local := form.at.In(tz.Oslo)
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if y, mo, dd := local.Date(); y != day.Year() || mo != day.Month() || dd != day.Day() {
			t.Errorf("%+v: planned on %s", form, local)
		}
		// 02:00–02:59 does not exist the night summer time begins: the clocks jump to 03:xx.
		if local.Hour() != h && !(local.Hour() == h+1 && h == 2) || local.Minute() != m {
			t.Errorf("%+v: planned at %s, want %02d:%02d", form, local, h, m)
		}
	})
}

// A follow-up that Validate accepts happened on a real date not after today, is of a known
// kind, has a note of at most 2000 characters and, when it has one, a next check after it
// happened (the table's check); both dates are kept as typed. Validating again changes
// nothing.
func FuzzFollowUpForm(f *testing.F) {
	f.Add("2026-10-30", "phone", "Ringte", "2027-01-30")
	f.Add(" 2026-11-01 ", " visit ", "", "")
	f.Add("2026-10-30", "email", "", "2026-10-30")
	f.Add("2026-11-02", "fax", strings.Repeat("n", 2001), "2026-02-30")
	f.Add("", "contact_meeting", "", "2026-12-01")
	f.Fuzz(func(t *testing.T, happened, kind, note, next string) {
		form := FollowUpForm{HappenedOn: happened, Kind: kind, Note: note, NextCheckOn: next}
		errs := form.Validate(today)
		again := form
		errs2 := again.Validate(today)
		if fmt.Sprint(errs2) != fmt.Sprint(errs) || followText(again) != followText(form) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		h, ok := parseDay(form.HappenedOn)
		if !ok || !h.Equal(form.happened) || h.After(today) || !slices.Contains(Kinds, form.Kind) || utf8.RuneCountInString(form.Note) > MaxFollowUpNote {
			t.Errorf("%+v accepted", form)
		}
		if n, ok := parseDay(form.NextCheckOn); (form.NextCheckOn == "") != (form.next == nil) || form.next != nil && (!ok || !n.Equal(*form.next) || !n.After(h)) {
			t.Errorf("next check %q kept as %v", form.NextCheckOn, form.next)
		}
	})
}

func followText(f FollowUpForm) string {
	next := dateText(f.next)
	f.next = nil
	return fmt.Sprintf("%+v %s", f, next)
}

// A check-in that Validate accepts is one of CheckinMonths, done on a real date not after
// today and answers yes or no; validating again changes nothing.
func FuzzCheckinForm(f *testing.F) {
	f.Add("3", "2026-10-01", "yes")
	f.Add(" 12 ", " 2026-11-01 ", " no ")
	f.Add("4", "2026-11-02", "kanskje")
	f.Add("+6", "", "yes")
	f.Add("06", "2026-10-01", "no")
	f.Fuzz(func(t *testing.T, months, done, still string) {
		form := CheckinForm{Months: months, DoneOn: done, StillMeets: still}
		errs := form.Validate(today)
		again := form
		if errs2 := again.Validate(today); again != form || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		d, ok := parseDay(form.DoneOn)
		if !slices.Contains(CheckinMonths, form.months) || !ok || !d.Equal(form.doneOn) || d.After(today) || form.StillMeets != Yes && form.StillMeets != No {
			t.Errorf("%+v accepted", form)
		}
	})
}

// like reports whether s matches the SQL LIKE pattern p, with backslash as its escape.
func like(s, p string) bool {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		switch {
		case r == '\\' && i < len(p):
			r, n = utf8.DecodeRuneInString(p[i:])
			i += n
			b.WriteString(regexp.QuoteMeta(string(r)))
		case r == '%':
			b.WriteString(`.*`)
		case r == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String()).MatchString(s)
}

// The register's search pattern matches exactly the values that contain what was typed
// (trimmed), whatever wildcards or backslashes it holds, and is "" for a blank search.
func FuzzLikePattern(f *testing.F) {
	f.Add("kari", "Kari Nordmann kari@example.no")
	f.Add("100%", "100% frivillig")
	f.Add("a_b", "axb")
	f.Add(`\`, `C:\`)
	f.Add(`\%`, `100\%`)
	f.Add("  ", "")
	f.Add("ø", "Bjørn")
	f.Fuzz(func(t *testing.T, q, value string) {
		p := likePattern(q)
		if strings.TrimSpace(q) == "" {
			if p != "" {
				t.Errorf("likePattern(%q) = %q", q, p)
			}
			return
		}
		if !utf8.ValidString(q) || !utf8.ValidString(value) {
			return
		}
		if got, want := like(value, p), strings.Contains(value, strings.TrimSpace(q)); got != want {
			t.Errorf("likePattern(%q) = %q matches %q: %v, want %v", q, p, value, got, want)
		}
		if !like(strings.TrimSpace(q), p) {
			t.Errorf("likePattern(%q) = %q does not match the search itself", q, p)
		}
	})
}

// ShowOf keeps the choices of the register and shows the active volunteers for anything else.
func FuzzShowOf(f *testing.F) {
	for _, s := range []string{"", "inactive", "all", "ALL", " all"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		show := ShowOf(s)
		if slices.Contains(Shows, Show(s)) && string(show) != s || !slices.Contains(Shows, Show(s)) && show != ShowActive || ShowOf(string(show)) != show {
			t.Errorf("ShowOf(%q) = %q", s, show)
		}
	})
}

// parseDay is tz.ParseDay as the checks above read it.
func parseDay(s string) (time.Time, bool) {
	d, err := tz.ParseDay(s)
	return d, err == nil
}
