package auth

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// CheckPassword accepts exactly the passwords of 12–256 characters that are not among the
// common ones (whatever their case), and names the problem of the others.
func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"correct horse battery", "passord12345", "PASSORD12345", "Selvhjelpshuset", "kort", strings.Repeat("æ", 12),
		strings.Repeat("x", 256), strings.Repeat("x", 257), "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4", "123456789012", "            "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		problem := CheckPassword(p)
		n := utf8.RuneCountInString(p)
		_, isCommon := common()[strings.ToLower(p)]
		var want string
		switch {
		case n < MinPasswordLength:
			want = PasswordTooShort
		case n > MaxPasswordLength:
			want = PasswordTooLong
		case isCommon:
			want = PasswordCommon
		}
		if problem != want {
			t.Errorf("CheckPassword(%q) = %q, want %q", p, problem, want)
		}
		if upper := strings.ToUpper(p); problem == PasswordCommon && utf8.RuneCountInString(upper) == n && CheckPassword(upper) != PasswordCommon {
			t.Errorf("CheckPassword(%q) = %q, but its upper case passes", p, problem)
		}
	})
}

// A new account that Validate accepts has a trimmed, single address, a trimmed name of 1–120
// characters, a role, an organisation when it is a partner's, and a password CheckPassword
// accepts or none; validating again changes nothing.
func FuzzNewUser(f *testing.F) {
	f.Add("kari@example.no", "Kari", "staff", int64(0), "")
	f.Add(" per@example.no ", "  Per ", "partner", int64(0), "kort")
	f.Add("ola@example.no", strings.Repeat("o", 121), "partner", int64(3), "et langt og godt passord")
	f.Add("Ola <ola@example.no>", "Ola", "root", int64(-1), "passord12345")
	f.Fuzz(func(t *testing.T, email, name, role string, org int64, password string) {
		n := NewUser{Email: email, Name: name, Role: Role(role), OrgID: org, Password: password}
		errs := n.Validate()
		again := n
		if errs2 := again.Validate(); again != n || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, n, errs)
		}
		if !errs.OK() {
			return
		}
		if c := utf8.RuneCountInString(n.Name); c < 1 || c > 120 || strings.TrimSpace(n.Name) != n.Name || strings.TrimSpace(n.Email) != n.Email || len(n.Email) < 3 {
			t.Errorf("%+v accepted", n)
		}
		if !n.Role.Valid() || n.Role == Partner && n.OrgID == 0 || n.Password != "" && CheckPassword(n.Password) != "" {
			t.Errorf("%+v accepted", n)
		}
	})
}

// A code is read the same whatever its case and spaces; the recovery codes newRecoveryCodes
// shows ("abcd-efgh") are recognised as typed, without the dash or in capitals, and come out
// as shown, the form whose hash is stored; a six-digit login code never is one.
func FuzzCodeOf(f *testing.F) {
	for _, s := range []string{"abcd-efgh", "ABCD-EFGH", " abcd efgh ", "abcdefgh", "123456", "123 456", "12345678", "abcd-efg1", "ab cd-ef gh", "", "\u00a0123456"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		if !utf8.ValidString(typed) {
			return // forms refuse bytes that are not UTF-8 (parseForm)
		}
		code, recovery := codeOf(typed)
		if code != strings.ToLower(code) || strings.ContainsFunc(code, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }) {
			t.Errorf("codeOf(%q) = %q", typed, code)
		}
		if again, rec := codeOf(code); again != code || rec != recovery {
			t.Errorf("codeOf(%q) = %q, %v; codeOf of that = %q, %v", typed, code, recovery, again, rec)
		}
		// Only where capitals and back give the same letters (not ı, for one).
		lower := strings.ToLower(typed)
		if again, rec := codeOf(" " + strings.ToUpper(typed) + "\t"); strings.ToLower(strings.ToUpper(typed)) == lower && (again != code || rec != recovery) {
			t.Errorf("codeOf(%q) = %q, %v, but in capitals %q, %v", typed, code, recovery, again, rec)
		}
		compact := strings.ToLower(strings.Join(strings.Fields(typed), ""))
		plain := strings.Replace(compact, "-", "", 1)
		base32 := len(plain) == 8 && strings.Trim(plain, "abcdefghijklmnopqrstuvwxyz234567") == ""
		if base32 && (compact == plain || compact[4] == '-') && (!recovery || code != plain[:4]+"-"+plain[4:]) {
			t.Errorf("codeOf(%q) = %q, %v: a recovery code not recognised", typed, code, recovery)
		}
		if len(compact) == 6 && strings.Trim(compact, "0123456789") == "" && (recovery || code != compact) {
			t.Errorf("codeOf(%q) = %q, %v: a login code", typed, code, recovery)
		}
	})
}
