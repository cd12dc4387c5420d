package validate

import (
	"strings"
	"testing"
)

func TestErrorsKeepTheFirstProblemOfAField(t *testing.T) {
	t.Parallel()
	var e Errors
	if !e.OK() {
		t.Fatal("zero Errors is not OK")
	}
	e.Add("email", "first")
	e.Add("email", "second")
	e.Add("name", "x")
	if len(e) != 2 || e[0].Msg != "first" || e[1].Field != "name" {
		t.Errorf("errors = %+v", e)
	}
	if e.OK() || !e.Has("name") || e.Has("phone") {
		t.Error("Has/OK wrong")
	}
}

func TestRequiredAndMaxLength(t *testing.T) {
	t.Parallel()
	var e Errors
	if e.Required("a", "  ", "req") || !e.Required("b", "x", "req") {
		t.Error("Required wrong")
	}
	if e.MaxLength("c", "æøå", 2, "long") || !e.MaxLength("d", "æøå", 3, "long") {
		t.Error("MaxLength counts bytes, not characters")
	}
	if got, _ := e.Get("c"); got.Args[1] != 2 {
		t.Errorf("args = %v", got.Args)
	}
}

func TestEmail(t *testing.T) {
	t.Parallel()
	good := []string{"ola@example.no", "kari.nordmann+grupper@post.example.com", "å@ø.no"}
	bad := []string{"", "ola", "ola@", "@example.no", "ola@example", "Ola <ola@example.no>", "ola@example.no, kari@example.no",
		"ola @example.no", "ola@.no", "ola@no."}
	for _, s := range good {
		if !Email(s) {
			t.Errorf("Email(%q) = false", s)
		}
	}
	for _, s := range bad {
		if Email(s) {
			t.Errorf("Email(%q) = true", s)
		}
	}
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"ola@example.no", "a@b.c", "<x@y.z>", "\"a b\"@c.d", "a@b@c.d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Email(s) && (len(s) > 254 || len(s) < 5) {
			t.Errorf("Email(%q) accepted an impossible length", s)
		}
	})
}

func TestRequiredEmail(t *testing.T) {
	t.Parallel()
	var e Errors
	if e.RequiredEmail("a", "") || e.RequiredEmail("b", "ola") || !e.RequiredEmail("c", "ola@example.no") {
		t.Fatal("RequiredEmail results wrong")
	}
	if a, _ := e.Get("a"); a.Msg != EmailRequired {
		t.Errorf("blank: %q", a.Msg)
	}
	if b, _ := e.Get("b"); b.Msg != EmailInvalid {
		t.Errorf("invalid: %q", b.Msg)
	}
	if e.Has("c") {
		t.Error("a good address got a problem")
	}
}

func TestPhone(t *testing.T) {
	t.Parallel()
	good := map[string]string{"91234567": "+4791234567", "+47 912 34 567": "+4791234567", "0047 91234567": "+4791234567",
		"+46 70 123 45 67": "+46701234567"}
	for in, want := range good {
		if got, ok := Phone(in); !ok || got != want {
			t.Errorf("Phone(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "1234567", "abc", "+4", "9123456７", "91+234567"} {
		if got, ok := Phone(in); ok {
			t.Errorf("Phone(%q) = %q, accepted", in, got)
		}
	}
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"91234567", "+47 912 34 567", "0047", "++1", "(22) 33 44 55"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := Phone(s)
		if ok && (!strings.HasPrefix(p, "+") || len(p) < 9 || len(p) > 16 || strings.ContainsAny(p[1:], "+ ")) {
			t.Errorf("Phone(%q) = %q", s, p)
		}
	})
}
