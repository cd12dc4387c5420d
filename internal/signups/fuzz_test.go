package signups_test

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// dbPhone is the participants table's check of a phone number.
var dbPhone = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

// list splits a fuzzed string into the values of a repeated form field.
func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// A sign-up that Validate accepts fits the participants and signups tables: a trimmed first
// name of 1–60 characters, an address or a phone number (the one chosen for contact among
// them), a known age band and source, a note of at most 500 characters, at least one format,
// known choices only, once each, and the two boxes ticked. Validating again changes nothing.
func FuzzForm(f *testing.F) {
	f.Add("Kari", "kari@example.no", "", "email", "30-44", "web", "", true, true, "house,digital", "1-evening,7-morning", "nb")
	f.Add("  Per ", "", "912 34 567", "email", "", "tv", "  hei  ", true, true, "hybrid,hybrid,x", "1-evening,1-evening,8-evening,1-night,12-evening", "")
	f.Add("Ola", "ola@example.no", "  ", "sms", "17", "", strings.Repeat("n", 501), false, false, "", "", "sv,en")
	f.Add(strings.Repeat("å", 61), "<ola@example.no>", "+47abc", "sms", "75+", "friend", "", true, false, "digital", "0-evening", "en,en")
	f.Add("\t", "", "", "", "", "", "", true, true, ",", ",-,1-", ",")
	f.Add("Kari", "kari@example.no", "(+47) 912 34 567", "phone", "", "", "", true, true, "house", "", "")
	f.Add("Kari", "kari@example.no", "", "phone", "", "", "", true, true, "house", "", "")
	f.Fuzz(func(t *testing.T, name, email, phone, contact, age, source, note string, adult, consent bool, formats, avail, langs string) {
		in := signups.Form{FirstName: name, Email: email, Phone: phone, Contact: contact, AgeBand: age, Source: source, Note: note,
			Adult: adult, Consent: consent, Prefs: signups.Prefs{Formats: list(formats), Availability: list(avail), Languages: list(langs)}}
		form := in
		errs := form.Validate()
		again := form
		again.Prefs = signups.Prefs{Formats: slices.Clone(form.Formats), Availability: slices.Clone(form.Availability), Languages: slices.Clone(form.Languages)}
		if errs2 := again.Validate(); !reflect.DeepEqual(again, form) || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		checkPrefs(t, form.Prefs)
		if !errs.OK() {
			if adult && consent && errs.Has("adult") {
				t.Errorf("%+v: the adult box was ticked: %v", in, errs)
			}
			return
		}
		if n := utf8.RuneCountInString(form.FirstName); n < 1 || n > signups.MaxName || strings.TrimSpace(form.FirstName) != form.FirstName {
			t.Errorf("first name %q accepted", form.FirstName)
		}
		if form.Email != "" && !validate.Email(form.Email) || form.Phone != "" && !dbPhone.MatchString(form.Phone) || form.Email == "" && form.Phone == "" {
			t.Errorf("address %q and phone %q accepted", form.Email, form.Phone)
		}
		if !(form.Contact == "email" && form.Email != "" || (form.Contact == "sms" || form.Contact == "phone") && form.Phone != "") {
			t.Errorf("contact %q with address %q and phone %q", form.Contact, form.Email, form.Phone)
		}
		if form.AgeBand != "" && !slices.Contains(signups.AgeBands, form.AgeBand) || form.Source != "" && !slices.Contains(signups.Sources, form.Source) {
			t.Errorf("age band %q, source %q accepted", form.AgeBand, form.Source)
		}
		if utf8.RuneCountInString(form.Note) > signups.MaxNote || strings.TrimSpace(form.Note) != form.Note {
			t.Errorf("note %q accepted", form.Note)
		}
		if len(form.Formats) == 0 || !form.Adult || !form.Consent {
			t.Errorf("%+v accepted", form)
		}
	})
}

// availability is what a known weekday and part of the day are written as.
var availability = regexp.MustCompile(`^[1-7]-(morning|afternoon|evening)$`)

// checkPrefs checks preferences after Validate: known choices only, once each, in the order
// given, and at least one language.
func checkPrefs(t *testing.T, p signups.Prefs) {
	t.Helper()
	for _, c := range []struct {
		values []string
		ok     func(string) bool
	}{
		{p.Formats, func(s string) bool { return slices.Contains(signups.Formats, s) }},
		{p.Languages, func(s string) bool { return slices.Contains(signups.Languages, s) }},
		{p.Availability, availability.MatchString},
	} {
		for i, v := range c.values {
			if !c.ok(v) || slices.Index(c.values, v) != i {
				t.Errorf("%q kept in %q", v, c.values)
			}
		}
	}
	if len(p.Languages) == 0 {
		t.Error("no language")
	}
}

// Preferences changed on the private page keep only known choices, once each, every known
// choice that was given, and ask for a format; validating again changes nothing.
func FuzzPrefs(f *testing.F) {
	f.Add("house,digital", "1-evening,7-morning", "nb")
	f.Add("", "1-evening,1-evening,8-evening,1-night,12-evening,1-", "sv")
	f.Add("hybrid,HOUSE,house ", "7-afternoon,0-morning", "en,en,nb")
	f.Fuzz(func(t *testing.T, formats, avail, langs string) {
		p := signups.Prefs{Formats: list(formats), Availability: list(avail), Languages: list(langs)}
		errs := p.Validate()
		checkPrefs(t, p)
		for _, v := range list(avail) {
			if availability.MatchString(v) && !slices.Contains(p.Availability, v) {
				t.Errorf("%q dropped from %q", v, avail)
			}
		}
		for _, v := range list(formats) {
			if slices.Contains(signups.Formats, v) && !slices.Contains(p.Formats, v) {
				t.Errorf("%q dropped from %q", v, formats)
			}
		}
		if errs.Has("formats") != (len(p.Formats) == 0) {
			t.Errorf("formats %q: %v", p.Formats, errs)
		}
		again := signups.Prefs{Formats: slices.Clone(p.Formats), Availability: slices.Clone(p.Availability), Languages: slices.Clone(p.Languages)}
		if errs2 := again.Validate(); !reflect.DeepEqual(again, p) || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, p, errs)
		}
	})
}
