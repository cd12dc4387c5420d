package tz

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ParseDate accepts exactly the yyyy-mm-dd or d.m.yyyy of a real date in 2000–2199 (around
// spaces), returns its midnight in Oslo (which Midnight keeps and Weekday numbers 1–7), and
// writes it back as the same text; ParseDay gives the same date at midnight UTC.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-29", "2026-10-25", "2000-01-01", "2199-12-31", "1999-12-31", "2200-01-01", "2026-02-29",
		"2024-02-29", "2026-13-01", "2026-1-1", " 2026-01-01", "2026-01-01T00:00", "+2026-01-01", "0000-00-00", "２０２６-01-01", "", "31.12.2026", "1.2.2026", "01.02.2026", "31.2.2026", "1.2.26", "1.2.1999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if err != ErrDate || !d.IsZero() {
				t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
			}
			return
		}
		text := strings.TrimSpace(s)
		if d.Format(time.DateOnly) != text && d.Format("2.1.2006") != text && d.Format("02.01.2006") != text &&
			d.Format("2.01.2006") != text && d.Format("02.1.2006") != text {
			t.Errorf("ParseDate(%q) = %v, which writes as %q", s, d, d.Format(time.DateOnly))
		}
		if day, err := ParseDay(s); err != nil || day.Location() != time.UTC || day.Format(time.DateOnly) != d.Format(time.DateOnly) {
			t.Errorf("ParseDay(%q) = %v, %v; ParseDate gave %v", s, day, err, d)
		}
		if d.Location() != Oslo || d.Hour() != 0 || d.Minute() != 0 || !Midnight(d).Equal(d) || !Midnight(d.Add(23*time.Hour-time.Nanosecond)).Equal(d) {
			t.Errorf("ParseDate(%q) = %v: not a midnight in Oslo", s, d)
		}
		if d.Year() < 2000 || d.Year() > 2199 {
			t.Errorf("ParseDate(%q) = %v: outside 2000–2199", s, d)
		}
		if wd := Weekday(d); wd < 1 || wd > 7 || wd%7 != int(d.Weekday()) {
			t.Errorf("Weekday(%v) = %d", d, wd)
		}
	})
}

// clockText is what ParseClock may accept, around its surrounding spaces: H:MM, HH:MM, H.MM
// or HH.MM of a real time of day.
var clockText = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[:.][0-5][0-9]$`)

// ParseClock accepts exactly the ways a person writes a time of day and nothing after it
// ("18:0030" once read as 18:30), and what it returns reads back unchanged.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"18:00", "9.30", "09:05", "0:00", "23:59", "24:00", "18:60", "18:0030", "18:00 i morgen",
		"+9:+5", "-0:00", "18:5", "18.5", " 18:00 ", "kveld", "１８:００", "18:00:00", "7:3", "", ":", "1_8:00", "0x12:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseClock(s)
		if err != nil {
			if d != 0 {
				t.Errorf("ParseClock(%q) = %v with the error %v", s, d, err)
			}
			return
		}
		text := strings.TrimSpace(s)
		if !clockText.MatchString(text) {
			t.Fatalf("ParseClock(%q) = %v: accepted something that is not a time of day", s, d)
		}
		h, m, _ := strings.Cut(strings.ReplaceAll(text, ".", ":"), ":")
		hh, _ := strconv.Atoi(h)
		mm, _ := strconv.Atoi(m)
		if want := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute; d != want {
			t.Errorf("ParseClock(%q) = %v, want %v", s, d, want)
		}
		back := FormatClock(d)
		if back != fmt.Sprintf("%02d:%02d", hh, mm) {
			t.Errorf("FormatClock(%v) = %q", d, back)
		}
		if again, err := ParseClock(back); err != nil || again != d {
			t.Errorf("ParseClock(%q) = %v, but %q reads as %v, %v", s, d, back, again, err)
		}
	})
}
