package sms_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/sms"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"91234567":             "+4791234567",
		"912 34 567":           "+4791234567",
		" 912 34 567 ":         "+4791234567",
		"+47 912 34 567":       "+4791234567",
		"+4791234567":          "+4791234567",
		"0047 91234567":        "+4791234567",
		"0047-912-34-567":      "+4791234567",
		"(+47) 91234567":       "+4791234567",
		"+47 22 00 00 00":      "+4722000000",
		"912.34.567":           "+4791234567",
		"912\u00a034\u00a0567": "+4791234567",
		"+46 70 123 45 67":     "+46701234567",
		"0046701234567":        "+46701234567",
		"+45 12 34 56 78":      "+4512345678",
		"+44 7911 123456":      "+447911123456",
	} {
		got, err := sms.Normalize(raw)
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, raw := range []string{
		"", "   ", "12", "1234567", "123456789", "070 123 45 67", "abc", "9123456a",
		"++4791234567", "+47+91234567", "4791234567", "+0791234567", "+47 912", "0091234",
		"+1234567890123456", "91234567 ext 2", "912/34/567", "kari@example.org",
	} {
		if got, err := sms.Normalize(raw); err == nil {
			t.Errorf("Normalize(%q) = %q; want an error", raw, got)
		}
	}
}

func TestSegments(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		n    int
		enc  string
	}{
		{"", 0, sms.GSM7},
		{"Hei", 1, sms.GSM7},
		{"Blåbær og ÆØÅ æøå é ü", 1, sms.GSM7},
		{strings.Repeat("a", 160), 1, sms.GSM7},
		{strings.Repeat("a", 161), 2, sms.GSM7},
		{strings.Repeat("a", 306), 2, sms.GSM7},
		{strings.Repeat("a", 307), 3, sms.GSM7},
		{strings.Repeat("€", 80), 1, sms.GSM7}, // two septets each
		{strings.Repeat("€", 81), 2, sms.GSM7},
		{strings.Repeat("a", 159) + "[", 2, sms.GSM7},
		{"Hei – tankestrek", 1, sms.UCS2},
		{"“sitat”", 1, sms.UCS2},
		{strings.Repeat("a", 69) + "’", 1, sms.UCS2},
		{strings.Repeat("a", 70) + "’", 2, sms.UCS2},
		{strings.Repeat("a", 134) + "…", 3, sms.UCS2},
		{strings.Repeat("😀", 35), 1, sms.UCS2}, // a surrogate pair each
		{strings.Repeat("😀", 36), 2, sms.UCS2},
	} {
		if n, enc := sms.Segments(c.text); n != c.n || enc != c.enc {
			t.Errorf("Segments(%.20q… %d chars) = %d %s; want %d %s", c.text, utf8.RuneCountInString(c.text), n, enc, c.n, c.enc)
		}
	}
}

// FuzzNormalize: whatever is typed, Normalize gives an E.164 number or ErrNumber, and a
// number it gives reads back as itself.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"912 34 567", "+47 912 34 567", "0047 91234567", "(+47) 91234567", "+46701234567", "12", "++1", "\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := sms.Normalize(raw)
		if err != nil {
			if err != sms.ErrNumber || got != "" {
				t.Fatalf("Normalize(%q) = %q, %v", raw, got, err)
			}
			return
		}
		if len(got) < 9 || len(got) > 16 || got[0] != '+' || got[1] == '0' || strings.Trim(got[1:], "0123456789") != "" {
			t.Fatalf("Normalize(%q) = %q: not E.164", raw, got)
		}
		if again, err := sms.Normalize(got); err != nil || again != got {
			t.Fatalf("Normalize(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}

// FuzzSegments: a text takes at least one segment when it is not empty, no more than a
// segment per character, and adding a character never takes a segment away.
func FuzzSegments(f *testing.F) {
	for _, s := range []string{"Hei", "æøå", "€[]", "“sitat”", "😀", strings.Repeat("a", 160)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n, enc := sms.Segments(text)
		runes := utf8.RuneCountInString(text)
		switch {
		case enc != sms.GSM7 && enc != sms.UCS2:
			t.Fatalf("encoding %q", enc)
		case (runes == 0) != (n == 0), n > runes:
			t.Fatalf("Segments(%q) = %d for %d characters", text, n, runes)
		}
		if more, _ := sms.Segments(text + "a"); more < n {
			t.Fatalf("Segments(%q+a) = %d < %d", text, more, n)
		}
	})
}

// The signature is Twilio's documented example (twilio.com/docs/usage/security), and only
// the right token, URL and parameters validate.
func TestSignature(t *testing.T) {
	t.Parallel()
	const token = "12345"
	const u = "https://mycompany.com/myapp.php?foo=1&bar=2"
	form := url.Values{"Digits": {"1234"}, "To": {"+18005551212"}, "From": {"+14158675310"},
		"Caller": {"+14158675310"}, "CallSid": {"CA1234567890ABCDE"}}
	const sig = "GvWf1cFY/Q7PnoempGyD5oXAezc="
	if got := sms.Signature(token, u, form); got != sig || !sms.ValidSignature(token, u, form, sig) {
		t.Fatalf("signature %q; want Twilio's %q", got, sig)
	}
	// The vector of Twilio's helper libraries, with another caller.
	lib := url.Values{"Digits": {"1234"}, "To": {"+18005551212"}, "From": {"+14158675309"},
		"Caller": {"+14158675309"}, "CallSid": {"CA1234567890ABCDE"}}
	if got := sms.Signature(token, u, lib); got != "RSOYDt4T1cUTdK1PDd93/VVr8B8=" {
		t.Errorf("signature %q; want RSOYDt4T1cUTdK1PDd93/VVr8B8=", got)
	}
	other := url.Values{"Digits": {"1235"}, "To": {"+18005551212"}, "From": {"+14158675310"},
		"Caller": {"+14158675310"}, "CallSid": {"CA1234567890ABCDE"}}
	for name, ok := range map[string]bool{
		"other token":  sms.ValidSignature("54321", u, form, sig),
		"other URL":    sms.ValidSignature(token, "https://mycompany.com/myapp.php?foo=1", form, sig),
		"other params": sms.ValidSignature(token, u, other, sig),
		"no signature": sms.ValidSignature(token, u, form, ""),
		"no token":     sms.ValidSignature("", u, form, sms.Signature("", u, form)),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestIsStop(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{"STOPP": true, "stopp": true, " Stop \n": true, "STOP.": true,
		"Stopp!": true, "stoppe": false, "ikke stopp": false, "": false, "START": false} {
		if sms.IsStop(body) != want {
			t.Errorf("IsStop(%q) = %v", body, !want)
		}
	}
}
