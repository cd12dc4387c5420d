package tz

import (
	"testing"
	"time"
)

// ParseDate accepts exactly the yyyy-mm-dd of a real date in 2000–2199, returns its midnight
// in Oslo (which Midnight keeps and Weekday numbers 1–7), and writes it back as the same text.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-29", "2026-10-25", "2000-01-01", "2199-12-31", "1999-12-31", "2200-01-01", "2026-02-29",
		"2024-02-29", "2026-13-01", "2026-1-1", " 2026-01-01", "2026-01-01T00:00", "+2026-01-01", "0000-00-00", "２０２６-01-01", ""} {
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
		if d.Format(time.DateOnly) != s {
			t.Errorf("ParseDate(%q) = %v, which writes as %q", s, d, d.Format(time.DateOnly))
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
