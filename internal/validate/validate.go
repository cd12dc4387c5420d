// Package validate collects what is wrong with a form, field by field, as message ids of the
// catalogue. The page shows them in a summary at the top, linking to each field, and next to
// the field itself.
package validate

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FieldError is one problem with one field. Msg is a catalogue id; Args are its
// placeholder name/value pairs, as for i18n.T.
type FieldError struct {
	Field string
	Msg   string
	Args  []any
}

// Errors are the problems of a form, in the order the fields appear. The zero value is an
// empty, usable set.
type Errors []FieldError

// Add records a problem with field; only the first problem of a field is kept, so the
// visitor sees one clear message at a time.
func (e *Errors) Add(field, msg string, args ...any) {
	if e.Has(field) {
		return
	}
	*e = append(*e, FieldError{Field: field, Msg: msg, Args: args})
}

// Has reports whether field has a problem.
func (e Errors) Has(field string) bool {
	_, ok := e.Get(field)
	return ok
}

// Get returns the problem of field.
func (e Errors) Get(field string) (FieldError, bool) {
	for _, f := range e {
		if f.Field == field {
			return f, true
		}
	}
	return FieldError{}, false
}

// OK reports whether there is no problem.
func (e Errors) OK() bool { return len(e) == 0 }

// Error lets Errors travel as an error from a store to a handler.
func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Field + ": " + f.Msg
	}
	return "invalid: " + strings.Join(parts, ", ")
}

// Required adds msg when value is blank.
func (e *Errors) Required(field, value, msg string) bool {
	if strings.TrimSpace(value) == "" {
		e.Add(field, msg)
		return false
	}
	return true
}

// MaxLength adds msg when value has more than n characters.
func (e *Errors) MaxLength(field, value string, n int, msg string) bool {
	if utf8.RuneCountInString(value) > n {
		e.Add(field, msg, "Max", n)
		return false
	}
	return true
}

// Email reports whether s looks like a single e-mail address a person would type:
// local@domain with a dot in the domain and no display name. Invisible characters are
// refused: net/mail takes a no-break space or a zero-width space (pasted from a document)
// inside the address, and mail to it would not arrive.
func Email(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\"(),;:\\[]") || strings.ContainsFunc(s, invisible) {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// invisible reports whether r shows as nothing or as a space: spaces, control characters
// and format characters (zero-width space, direction marks).
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// Merge appends other's problems, keeping the first per field.
func (e *Errors) Merge(other Errors) {
	for _, f := range other {
		e.Add(f.Field, f.Msg, f.Args...)
	}
}

// Catalogue ids of the e-mail field's problems.
const (
	EmailRequired = "form.email.required"
	EmailInvalid  = "form.email.invalid"
)

// RequiredEmail adds a problem when value is blank or not a single e-mail address.
func (e *Errors) RequiredEmail(field, value string) bool {
	if !e.Required(field, value, EmailRequired) {
		return false
	}
	if !Email(value) {
		e.Add(field, EmailInvalid)
		return false
	}
	return true
}

// Phone accepts a Norwegian number of 8 digits (with or without +47 or 0047, with
// spaces) or an international number with +, and returns it as +<digits>.
func Phone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsDigit(r) && r < 128:
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	p := b.String()
	if strings.HasPrefix(p, "00") {
		p = "+" + p[2:]
	}
	switch {
	case len(p) == 8 && p[0] != '+':
		return "+47" + p, true
	case strings.HasPrefix(p, "+") && len(p) >= 9 && len(p) <= 16:
		return p, true
	}
	return "", false
}
