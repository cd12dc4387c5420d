package i18n

import (
	"testing"
	"time"
)

// Numbers and dates read as each language writes them: a decimal comma and a narrow no-break
// space between thousands in Norwegian, a point and a comma in English.
func TestNumbersAndDatesPerLanguage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		l        Lang
		v        float64
		decimals int
		shown    string
		plain    string
	}{
		{NB, 2.1, 1, "2,1", "2,1"},
		{EN, 2.1, 1, "2.1", "2.1"},
		{NB, 0.05, 1, "0,1", "0,1"},
		{NB, 1234567.25, 2, "1\u202f234\u202f567,25", "1234567,25"},
		{EN, 1234567.25, 2, "1,234,567.25", "1234567.25"},
		{NB, 228, 0, "228", "228"},
		{NB, 12345, 0, "12\u202f345", "12345"},
		{EN, 12345, 0, "12,345", "12345"},
		{NB, -1234.5, 1, "\u22121\u202f234,5", "-1234,5"},
		{EN, 3, 1, "3.0", "3.0"},
	}
	for _, c := range cases {
		if got := Number(c.l, c.v, c.decimals); got != c.shown {
			t.Errorf("Number(%s, %v, %d) = %q, want %q", c.l, c.v, c.decimals, got, c.shown)
		}
		if got := Plain(c.l, c.v, c.decimals); got != c.plain {
			t.Errorf("Plain(%s, %v, %d) = %q, want %q", c.l, c.v, c.decimals, got, c.plain)
		}
	}
	if Int(NB, 1000) != "1\u202f000" || Int(EN, 1000) != "1,000" {
		t.Errorf("Int: %q %q", Int(NB, 1000), Int(EN, 1000))
	}
	day := time.Date(2026, 3, 4, 18, 30, 0, 0, time.UTC)
	for _, c := range []struct{ got, want string }{
		{Date(NB, day), "04.03.2026"}, {Date(EN, day), "4 Mar 2026"},
		{DateTime(NB, day), "04.03.2026 kl. 18.30"}, {DateTime(EN, day), "4 Mar 2026 18:30"},
		{Clock(NB, 8*time.Hour+5*time.Minute), "08.05"}, {Clock(EN, 8*time.Hour+5*time.Minute), "08:05"},
		{ClockOf(NB, day), "18.30"}, {ClockOf(EN, day), "18:30"},
		{ClockRange(NB, 18*time.Hour, 19*time.Hour+30*time.Minute), "18.00–19.30"}, {ClockRange(EN, 0, 23*time.Hour+59*time.Minute), "00:00–23:59"},
	} {
		if c.got != c.want {
			t.Errorf("date %q, want %q", c.got, c.want)
		}
	}
}
