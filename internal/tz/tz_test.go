package tz

import (
	"testing"
	"time"
)

func TestMidnightAndWeekdayInOslo(t *testing.T) {
	t.Parallel()
	// 23:30 UTC on Sunday 25 October 2026 is 00:30 on Monday in Oslo (winter time).
	t0 := time.Date(2026, 10, 25, 23, 30, 0, 0, time.UTC)
	if got := Weekday(t0); got != 1 {
		t.Errorf("Weekday = %d, want 1 (Monday)", got)
	}
	if got := Midnight(t0); !got.Equal(time.Date(2026, 10, 26, 0, 0, 0, 0, Oslo)) {
		t.Errorf("Midnight = %s", got)
	}
	if got := Weekday(time.Date(2026, 10, 25, 12, 0, 0, 0, Oslo)); got != 7 {
		t.Errorf("Sunday = %d, want 7", got)
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	if d, err := ParseDate("2026-03-29"); err != nil || d.Location() != Oslo || d.Hour() != 0 || d.Day() != 29 {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	for _, typed := range []string{"29.03.2026", "29.3.2026", " 2026-03-29 "} {
		if d, err := ParseDate(typed); err != nil || d.Format(time.DateOnly) != "2026-03-29" || d.Location() != Oslo {
			t.Errorf("ParseDate(%q) = %v, %v", typed, d, err)
		}
	}
	if d, err := ParseDay("31.12.2026"); err != nil || d.Location() != time.UTC || d.Format(time.DateOnly) != "2026-12-31" {
		t.Errorf("ParseDay = %v, %v", d, err)
	}
	for _, bad := range []string{"", "0000-01-01", "1999-12-31", "2200-01-01", "29.03.26", "29/03/2026", "2026-02-30", "31.2.2026", "1.1.9999"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"18:00": 18 * time.Hour, "9:30": 9*time.Hour + 30*time.Minute,
		"09.05": 9*time.Hour + 5*time.Minute, "00:00": 0, "23:59": 23*time.Hour + 59*time.Minute} {
		if got, err := ParseClock(in); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v", in, got, err)
		}
		if in == "18:00" && FormatClock(want) != "18:00" {
			t.Errorf("FormatClock(18h) = %q", FormatClock(want))
		}
	}
	for _, bad := range []string{"", "18", "24:00", "18:60", "+1:30", "1:+5", "18:0", "123:00", "18-00", "ti:mm"} {
		if _, err := ParseClock(bad); err == nil {
			t.Errorf("ParseClock(%q) accepted", bad)
		}
	}
}
