package licences

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// dbPhone is the licence_requests table's check of a contact's phone number.
var dbPhone = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

func checkText(t *testing.T, field, v string, lo, hi int) {
	t.Helper()
	if n := utf8.RuneCountInString(v); n < lo || n > hi || strings.TrimSpace(v) != v {
		t.Errorf("%s %q accepted", field, v)
	}
}

// A licence form that Validate accepts fits the licences table: a provider, a trimmed label
// of 1–80 characters, 1–10000 participants, 1–1440 minutes or no limit, a login of 1–254
// characters, a secret when creating (at most 500 characters), a status; the numbers kept are
// the ones typed. Validating again changes nothing.
func FuzzForm(f *testing.F) {
	f.Add("zoom", "Zoom 1", "100", "", "lo@example.no", "hemmelig", "", "", "", true)
	f.Add("whereby", " Rom ", " 10000 ", "1440", "x", "", "retired", "Bydel", "n", false)
	f.Add("teams", "", "0", "0", "", "", "gone", "", "", true)
	f.Add("zoom", "Z", "10001", "-5", strings.Repeat("l", 255), strings.Repeat("s", 501), "active", strings.Repeat("f", 201), "", true)
	f.Add("zoom", "Z", "1e3", "+40", "l", "  ", "Active", "", "", true)
	f.Fuzz(func(t *testing.T, provider, label, participants, minutes, login, secret, status, funding, notes string, creating bool) {
		form := Form{Provider: provider, Label: label, MaxParticipants: participants, MaxMinutes: minutes, AccountLogin: login,
			Secret: secret, Status: status, Funding: funding, Notes: notes}
		errs := form.Validate(creating)
		again := form
		errs2 := again.Validate(creating)
		if fmt.Sprint(errs2) != fmt.Sprint(errs) || fmt.Sprintf("%+v", deref(again)) != fmt.Sprintf("%+v", deref(form)) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		if form.Provider != Zoom && form.Provider != Whereby || form.Status != Active && form.Status != Retired {
			t.Errorf("provider %q, status %q accepted", form.Provider, form.Status)
		}
		checkText(t, "label", form.Label, 1, 80)
		checkText(t, "account_login", form.AccountLogin, 1, 254)
		checkText(t, "funding", form.Funding, 0, 200)
		checkText(t, "notes", form.Notes, 0, 2000)
		if n := utf8.RuneCountInString(form.Secret); n > 500 || creating && strings.TrimSpace(form.Secret) == "" {
			t.Errorf("secret %q accepted", form.Secret)
		}
		if n, err := strconv.Atoi(form.MaxParticipants); err != nil || n != form.maxParticipants || n < 1 || n > 10000 {
			t.Errorf("participants %q kept as %d", form.MaxParticipants, form.maxParticipants)
		}
		if form.MaxMinutes == "" && form.maxMinutes != nil || form.MaxMinutes != "" && (form.maxMinutes == nil || *form.maxMinutes < 1 || *form.maxMinutes > 1440 ||
			strconv.Itoa(*form.maxMinutes) != strings.TrimLeft(strings.TrimPrefix(form.MaxMinutes, "+"), "0")) {
			t.Errorf("minutes %q kept as %v", form.MaxMinutes, form.maxMinutes)
		}
	})
}

// deref shows the form with its minutes, not the pointer to them.
func deref(f Form) Form {
	if f.maxMinutes != nil {
		m := *f.maxMinutes
		f.maxMinutes = &m
		f.MaxMinutes += "→" + strconv.Itoa(m)
	}
	f.maxMinutes = nil
	return f
}

// A loan request that Validate accepts asks for a provider, a period of real local dates from
// today on, the last not before the first and shorter than MaxMonths, a purpose, as many
// participants as some licence takes, and a contact the table takes. Validating again
// changes nothing.
func FuzzRequestForm(f *testing.F) {
	f.Add("zoom", "2026-11-10", "2026-12-10", "Kurs", "20", "Kari", "kari@example.no", "", 6)
	f.Add("whereby", "2026-11-01", "2027-05-01", " Kurs ", " 5 ", " Per ", " per@example.no ", "912 34 567", 6)
	f.Add("whereby", "2026-11-01", "2027-04-30", "Kurs", "5", "Per", "per@example.no", "", 6)
	f.Add("zoom", "2026-10-31", "2026-10-30", "", "0", "", "per@", "12", 0)
	f.Add("zoom", "2026-11-30", "2027-02-28", "x", "101", "y", "a@b.no", "", 3)
	f.Add("teams", "2199-12-31", "2199-12-31", "x", "1", "y", "a@b.no", "", -1)
	f.Fuzz(func(t *testing.T, provider, first, last, purpose, participants, name, email, phone string, months int) {
		l := Limits{Today: time.Date(2026, 11, 1, 0, 0, 0, 0, tz.Oslo), MaxMonths: months, MaxSeats: map[string]int{Zoom: 100, Whereby: 50}}
		form := RequestForm{Provider: provider, First: first, Last: last, Purpose: purpose, Participants: participants, MeetingMinutes: "90",
			ContactName: name, ContactEmail: email, ContactPhone: phone}
		errs := form.Validate(l)
		again := form
		if errs2 := again.Validate(l); again != form || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		if form.Provider != Zoom && form.Provider != Whereby {
			t.Errorf("provider %q accepted", form.Provider)
		}
		d1, err1 := tz.ParseDate(form.First)
		d2, err2 := tz.ParseDate(form.Last)
		if err1 != nil || err2 != nil || !d1.Equal(form.first) || !d2.Equal(form.last) || form.first.Before(l.Today) || form.last.Before(form.first) ||
			!form.last.Before(form.first.AddDate(0, l.MaxMonths, 0).AddDate(0, 0, 1)) {
			t.Errorf("period %q–%q (%s–%s) accepted for at most %d months", form.First, form.Last, form.first, form.last, l.MaxMonths)
		}
		checkText(t, "purpose", form.Purpose, 1, 500)
		checkText(t, "contact_name", form.ContactName, 1, 120)
		if form.participants < 1 || form.participants > l.MaxSeats[form.Provider] || strconv.Itoa(form.participants) != strings.TrimLeft(strings.TrimPrefix(form.Participants, "+"), "0") {
			t.Errorf("participants %q kept as %d", form.Participants, form.participants)
		}
		if !validate.Email(form.ContactEmail) || form.ContactPhone != "" && !dbPhone.MatchString(form.ContactPhone) {
			t.Errorf("contact %q %q accepted", form.ContactEmail, form.ContactPhone)
		}
	})
}

// ParsePeriod accepts two real local dates, the last not before the first and less than
// MaxUsageYears after it, returns them as the local midnights typed, and names the field of
// each problem.
func FuzzParsePeriod(f *testing.F) {
	f.Add("2026-01-01", "2026-12-31")
	f.Add("2026-01-01", "2031-01-01")
	f.Add("2026-01-01", "2030-12-31")
	f.Add("2024-02-29", "2029-02-28")
	f.Add("2026-12-31", "2026-01-01")
	f.Add("", "2026-13-01")
	f.Add("2026-1-1", " 2026-01-02")
	f.Fuzz(func(t *testing.T, first, last string) {
		from, to, errs := ParsePeriod(first, last)
		d1, err1 := tz.ParseDate(first)
		d2, err2 := tz.ParseDate(last)
		if errs.Has("fra") != (err1 != nil) || err2 != nil && !errs.Has("til") {
			t.Fatalf("ParsePeriod(%q, %q): %v", first, last, errs)
		}
		for _, e := range errs {
			if e.Field != "fra" && e.Field != "til" {
				t.Errorf("problem of the field %q", e.Field)
			}
		}
		if !errs.OK() {
			return
		}
		if !from.Equal(d1) || !to.Equal(d2) || to.Before(from) || !to.Before(from.AddDate(MaxUsageYears, 0, 0)) {
			t.Errorf("ParsePeriod(%q, %q) = %s, %s", first, last, from, to)
		}
		if n := dayCount(from, to); n < 1 || n > MaxUsageYears*366 {
			t.Errorf("ParsePeriod(%q, %q): %d days", first, last, n)
		}
	})
}
