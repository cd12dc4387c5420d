package tz

import (
	"testing"
	"time"
)

func TestMidnightAndWeekdayInOslo(t *testing.T) {
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
	if d, err := ParseDate("2026-03-29"); err != nil || d.Location() != Oslo || d.Hour() != 0 || d.Day() != 29 {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	for _, bad := range []string{"", "0000-01-01", "1999-12-31", "2200-01-01", "29.03.2026", "2026-02-30"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}
