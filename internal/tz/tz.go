// Package tz holds the one time zone the centre lives in. Times are stored as timestamptz
// (UTC); they are shown and scheduled in Europe/Oslo, which this package embeds so that a
// container without zoneinfo still knows its summer time.
package tz

import (
	"errors"
	"time"
	_ "time/tzdata" // the container image has no zoneinfo
)

// Oslo is Europe/Oslo.
var Oslo = func() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err) // embedded by time/tzdata, so this cannot happen
	}
	return l
}()

// Midnight returns the start of t's day in Oslo.
func Midnight(t time.Time) time.Time {
	y, m, d := t.In(Oslo).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Oslo)
}

// Weekday returns t's weekday in Oslo as ISO 8601 numbers it: 1 is Monday, 7 is Sunday.
func Weekday(t time.Time) int {
	wd := int(t.In(Oslo).Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}

// ErrDate is returned by ParseDate for anything but a date the centre could mean.
var ErrDate = errors.New("tz: not a date between 2000 and 2199")

// ParseDate reads a form's yyyy-mm-dd as a local date (midnight in Oslo). Dates outside
// 2000–2199 are refused: Go reads year 0 or 9999 happily, but they are typing mistakes, and
// PostgreSQL refuses some of them.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, Oslo)
	if err != nil || t.Year() < 2000 || t.Year() > 2199 {
		return time.Time{}, ErrDate
	}
	return t, nil
}
