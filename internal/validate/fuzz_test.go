package validate

import (
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// An address Email accepts is one plain local@domain, as it would be stored and mailed: valid
// UTF-8, no spaces or control characters, one @ with text on both sides, a dot inside the
// domain, at most 254 bytes, and net/mail reads it back as exactly itself. RequiredEmail gives
// the blank and the invalid message exactly when it should.
func FuzzRequiredEmail(f *testing.F) {
	for _, s := range []string{"ola@example.no", " ola@example.no ", "å@ø.no", "a@b.c", "ola@example", "a@@b.c", "a@b..c", "a.@b.c",
		"ola@example.no\n", "ola\x00@example.no", "=?utf-8?q?a?=@b.c", "ola@[127.0.0.1]", "\u00a0ola@example.no", "ola\u00a0nordmann@example.no", "ola\u200b@example.no", "\u202eon.elpmaxe@alo", "ola@example.no.", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var e Errors
		ok := e.RequiredEmail("email", s)
		got, has := e.Get("email")
		switch {
		case strings.TrimSpace(s) == "":
			if ok || got.Msg != EmailRequired {
				t.Errorf("RequiredEmail(%q) = %v, %v", s, ok, got)
			}
		case !Email(s):
			if ok || got.Msg != EmailInvalid {
				t.Errorf("RequiredEmail(%q) = %v, %v", s, ok, got)
			}
		case !ok || has:
			t.Errorf("RequiredEmail(%q) = %v, %v", s, ok, got)
		}
		if !Email(s) {
			return
		}
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
			t.Errorf("Email(%q): spaces, control or format characters accepted", s)
		}
		local, domain, found := strings.Cut(s, "@")
		if !found || local == "" || strings.Contains(domain, "@") || !strings.Contains(strings.Trim(domain, "."), ".") || len(s) > 254 {
			t.Errorf("Email(%q): not local@domain.tld", s)
		}
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s || a.Name != "" {
			t.Errorf("Email(%q): net/mail reads %v, %v", s, a, err)
		}
	})
}

// dbPhone is what every table that stores a phone number checks.
var dbPhone = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

// A number Phone accepts is +<8–15 ASCII digits>, which every table's check takes; a
// normalised number is its own normalisation; and the digits are the ones typed, in order
// (a Norwegian 8-digit number gets +47, 00 becomes +).
func FuzzPhoneNormalised(f *testing.F) {
	for _, s := range []string{"91234567", "+47 912 34 567", "0047 91234567", "(22) 33-44.55", "+1 (555) 010-9999", "00", "+", "+0",
		"١٢٣٤٥٦٧٨", "9123 4567 ", " +4791234567", "+47+91234567", "+1234567890123456", "12345678901234567", "0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := Phone(s)
		if !ok {
			if p != "" {
				t.Errorf("Phone(%q) = %q refused", s, p)
			}
			return
		}
		if !dbPhone.MatchString(p) || p[0] != '+' {
			t.Fatalf("Phone(%q) = %q, which the tables refuse", s, p)
		}
		if again, ok := Phone(p); !ok || again != p {
			t.Errorf("Phone(%q) = %q, Phone(%q) = %q, %v", s, p, p, again, ok)
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
		typed := strings.Map(func(r rune) rune {
			if strings.ContainsRune(" -.()", r) {
				return -1
			}
			return r
		}, strings.TrimSpace(s))
		switch {
		case strings.HasPrefix(typed, "00"):
			digits = digits[2:]
		case len(digits) == 8 && !strings.HasPrefix(typed, "+"):
			digits = "47" + digits
		}
		if p[1:] != digits {
			t.Errorf("Phone(%q) = %q, want +%s", s, p, digits)
		}
	})
}
