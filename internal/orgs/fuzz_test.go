package orgs

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// dbPhone is the orgs table's check of a contact's phone number.
var dbPhone = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

// An organisation form that Validate accepts fits the orgs table: a trimmed name of 1–160
// characters, a kind, agreement dates that are real local dates with the expiry not before
// the signing (and no expiry without a signing), a contact's address and phone number of the
// right shape or none, notes of at most 2000 characters. The dates it keeps are the ones
// typed; validating again changes nothing.
func FuzzForm(f *testing.F) {
	f.Add("Mental Helse Oslo", "voluntary", true, "2026-01-01", "2027-12-31", "Kari", "kari@example.no", "22 33 44 55", "")
	f.Add("  Kommunen ", "public", false, "", "2027-12-31", "", "", "", "")
	f.Add("Stiftelse", "nonprofit", false, "2026-02-30", "2026-01-01", "", "ikke@", "123", strings.Repeat("n", 2001))
	f.Add(strings.Repeat("o", 161), "company", false, "2027-01-01", "2026-01-01", strings.Repeat("k", 121), "", "+4791234567", "")
	f.Add("X", "public", false, " 2026-06-01 ", "1999-01-01", "", " a@b.no ", " 0047 912 34 567 ", " notat ")
	f.Fuzz(func(t *testing.T, name, kind string, network bool, signed, expires, contact, email, phone, notes string) {
		in := Form{Name: name, Kind: kind, NetworkMember: network, AgreementSigned: signed, AgreementExpires: expires,
			ContactName: contact, ContactEmail: email, ContactPhone: phone, Notes: notes}
		form := in
		errs := form.Validate()
		again := form
		if errs2 := again.Validate(); !reflect.DeepEqual(again, form) || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		text := func(field, v string, lo, hi int) {
			if n := utf8.RuneCountInString(v); n < lo || n > hi || strings.TrimSpace(v) != v {
				t.Errorf("%s %q accepted", field, v)
			}
		}
		text("name", form.Name, 1, 160)
		text("contact_name", form.ContactName, 0, 120)
		text("notes", form.Notes, 0, 2000)
		if form.Kind != string(Voluntary) && form.Kind != string(NonProfit) && form.Kind != string(Public) {
			t.Errorf("kind %q accepted", form.Kind)
		}
		if form.ContactEmail != "" && (!validate.Email(form.ContactEmail) || len(form.ContactEmail) < 3) || form.ContactPhone != "" && !dbPhone.MatchString(form.ContactPhone) {
			t.Errorf("contact %q %q accepted", form.ContactEmail, form.ContactPhone)
		}
		for _, d := range []struct {
			typed string
			kept  interface{ String() string }
			ok    bool
		}{{form.AgreementSigned, form.signed, form.signed != nil}, {form.AgreementExpires, form.expires, form.expires != nil}} {
			if (d.typed != "") != d.ok {
				t.Errorf("%q kept as %v", d.typed, d.kept)
			} else if day, err := tz.ParseDate(d.typed); d.ok && (err != nil || day.String() != d.kept.String()) {
				t.Errorf("%q kept as %v", d.typed, d.kept)
			}
		}
		if form.expires != nil && (form.signed == nil || form.expires.Before(*form.signed)) {
			t.Errorf("agreement %v–%v accepted", form.signed, form.expires)
		}
	})
}
