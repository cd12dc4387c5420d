package keys

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// dbPhone is the key_loans table's check of a holder's phone number.
var dbPhone = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

// roomIDs turns fuzz bytes into room ids, some of them duplicates, zero or negative.
func roomIDs(b []byte) []int64 {
	var out []int64
	for _, c := range b {
		out = append(out, int64(int8(c)))
	}
	return out
}

// A key that Validate accepts fits the keys table (a trimmed label of 1–60 characters, a kind,
// a note of at most 300) and opens at least one room, each named once by a positive id, in
// order. Validating again changes nothing.
func FuzzForm(f *testing.F) {
	f.Add("N-01", "key", "", []byte{1})
	f.Add("  Kort 2 ", "card", " i skuffen ", []byte{3, 1, 3, 0, 255})
	f.Add("", "lock", strings.Repeat("n", 301), []byte{})
	f.Add(strings.Repeat("ø", 61), "key", "", []byte{0, 128})
	f.Fuzz(func(t *testing.T, label, kind, note string, rooms []byte) {
		form := Form{Label: label, Kind: kind, Note: note, Rooms: roomIDs(rooms)}
		errs := form.Validate()
		again := form
		again.Rooms = slices.Clone(form.Rooms)
		if errs2 := again.Validate(); fmt.Sprintf("%+v", again) != fmt.Sprintf("%+v", form) || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		for i, id := range form.Rooms {
			if id <= 0 || i > 0 && form.Rooms[i-1] >= id {
				t.Errorf("rooms %v kept", form.Rooms)
			}
		}
		if !errs.OK() {
			return
		}
		if n := utf8.RuneCountInString(form.Label); n < 1 || n > MaxLabel || strings.TrimSpace(form.Label) != form.Label {
			t.Errorf("label %q accepted", form.Label)
		}
		if utf8.RuneCountInString(form.Note) > MaxNote || !slices.Contains(Kinds, form.Kind) || len(form.Rooms) == 0 {
			t.Errorf("%+v accepted", form)
		}
	})
}

// A hand-out that Validate accepts has a trimmed holder's name of 1–120 characters, a phone
// number the table takes or none, ids that are not negative, and a due date that is a real
// date, not before today, kept as the date typed (written yyyy-mm-dd). Validating again
// changes nothing.
func FuzzLoanForm(f *testing.F) {
	f.Add("Kari", "912 34 567", int64(1), int64(0), "2026-12-31")
	f.Add("  Per  ", "", int64(0), int64(3), "31.12.2026")
	f.Add("Ola", "1234", int64(-1), int64(-1), "2026-10-31")
	f.Add("Ola", "", int64(0), int64(0), "1.11.2026")
	f.Add(strings.Repeat("å", 121), "+46 70 123 45 67", int64(0), int64(0), "9999-12-31")
	f.Add("Ola", "", int64(0), int64(0), "29.2.2027")
	f.Fuzz(func(t *testing.T, holder, phone string, group, booking int64, due string) {
		today := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		form := LoanForm{HolderName: holder, HolderPhone: phone, GroupID: group, BookingID: booking, Due: due}
		errs := form.Validate(today)
		again := form
		if errs2 := again.Validate(today); loanText(again) != loanText(form) || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		if n := utf8.RuneCountInString(form.HolderName); n < 1 || n > MaxHolder || strings.TrimSpace(form.HolderName) != form.HolderName {
			t.Errorf("holder %q accepted", form.HolderName)
		}
		if form.HolderPhone != "" && !dbPhone.MatchString(form.HolderPhone) || form.GroupID < 0 || form.BookingID < 0 {
			t.Errorf("%+v accepted", form)
		}
		if (form.Due == "") != (form.due == nil) {
			t.Fatalf("due %q kept as %v", form.Due, form.due)
		}
		if form.due != nil {
			typed, err := tz.ParseDay(due)
			ok := err == nil
			if !ok || !typed.Equal(*form.due) || form.Due != form.due.Format(time.DateOnly) || form.due.Before(today) {
				t.Errorf("due %q kept as %q, %v", due, form.Due, form.due)
			}
		}
	})
}

// loanText shows the form with its due date, not the pointer to it.
func loanText(f LoanForm) string {
	due := "none"
	if f.due != nil {
		due = f.due.String()
	}
	f.due = nil
	return fmt.Sprintf("%+v due %s", f, due)
}

// ShowOf keeps the choices of the key list and turns anything else into the whole list.
func FuzzShowOf(f *testing.F) {
	for _, s := range []string{"", "out", "overdue", "ended", "OUT", " out", "alle"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		show := ShowOf(s)
		if !slices.Contains(Shows, show) || slices.Contains(Shows, Show(s)) && string(show) != s || !slices.Contains(Shows, Show(s)) && show != ShowAll {
			t.Errorf("ShowOf(%q) = %q", s, show)
		}
		if ShowOf(string(show)) != show {
			t.Errorf("ShowOf(%q) = %q is not its own choice", s, show)
		}
	})
}
