// Package sms sends text messages through a provider's HTTPS API and knows the rules of the
// channel: phone numbers in E.164 form, and how many GSM-7 or UCS-2 segments a text takes.
// The outbox (internal/mail) queues each SMS with the change it tells about and calls a
// Sender from its worker; this package never touches the database.
package sms

import (
	"errors"
	"strings"
)

// ErrNumber is returned by Normalize for a text that is not a phone number.
var ErrNumber = errors.New("sms: not a phone number")

// DefaultCountry is the calling code a number without one belongs to: Norway.
const DefaultCountry = "47"

// Normalize writes a phone number as people type it ("912 34 567", "+47 912 34 567",
// "0047-91234567", "(+47) 91234567") in E.164 form: "+4791234567". A number without a country
// code is Norwegian when it has eight digits; anything else without one is refused, as is a
// number of fewer than 8 or more than 15 digits after the plus.
func Normalize(raw string) (string, error) {
	var b strings.Builder
	plus := false
	for _, r := range strings.TrimSpace(raw) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && b.Len() == 0 && !plus:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", ErrNumber
		}
	}
	digits := b.String()
	switch {
	case plus:
	case strings.HasPrefix(digits, "00"):
		digits = digits[2:]
	case len(digits) == 8:
		digits = DefaultCountry + digits
	default:
		return "", ErrNumber
	}
	if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
		return "", ErrNumber
	}
	return "+" + digits, nil
}
