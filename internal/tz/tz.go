// Package tz holds the one time zone the centre lives in. Times are stored as timestamptz
// (UTC); they are shown and scheduled in Europe/Oslo, which this package embeds so that a
// container without zoneinfo still knows its summer time.
package tz

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
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

// dateLayouts are the ways a person writes a date: as a date field sends it (2026-12-31), and
// the Norwegian way (31.12.2026).
var dateLayouts = []string{time.DateOnly, "2.1.2006"}

// ParseDate reads a date written 2026-12-31 (as a date field sends it) or 31.12.2026, around
// spaces, as a local date (midnight in Oslo). Dates outside 2000–2199 are refused: Go reads
// year 0 or 9999 happily, but they are typing mistakes, and PostgreSQL refuses some of them.
// It is the one date parser of the app: forms, filters and links all read dates with it.
func ParseDate(s string) (time.Time, error) {
	text := strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		t, err := time.ParseInLocation(layout, text, Oslo)
		if err == nil && t.Year() >= 2000 && t.Year() <= 2199 {
			return t, nil
		}
	}
	return time.Time{}, ErrDate
}

// ParseDay is ParseDate returning midnight UTC, the way a date column reads.
func ParseDay(s string) (time.Time, error) {
	t, err := ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

// ErrClock is returned by ParseClock for anything but a time of day.
var ErrClock = errors.New("tz: not a time of day")

// ParseClock reads "18:00", "18.00" or "9:30" (around spaces) as a time of day; anything more
// or less (a third digit of minutes, seconds, words after it) is refused rather than half
// read. It is the one clock parser of the app.
func ParseClock(s string) (time.Duration, error) {
	text := strings.TrimSpace(s)
	h, m, ok := strings.Cut(text, ":")
	if !ok {
		h, m, ok = strings.Cut(text, ".")
	}
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || strings.Trim(h+m, "0123456789") != "" {
		return 0, fmt.Errorf("%w: %q", ErrClock, s)
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if hh > 23 || mm > 59 {
		return 0, fmt.Errorf("%w: %q", ErrClock, s)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}

// FormatClock writes a time of day as "18:00", which ParseClock reads back: the value of a
// form field, a feed or a calendar file. Text for people goes through i18n.Clock (kl. 18.00).
func FormatClock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// FromDateColumn reads a date column (scanned as midnight UTC) as the local date it names.
func FromDateColumn(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Oslo)
}
