package pages

import (
	"context"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Norwegian writes the weekday of a date in lower case (issue 23: one style, in a sentence
// and after a comma alike), and a time of day as 18.00; English keeps its capital and 18:00.
func TestDayAndClock(t *testing.T) {
	t.Parallel()
	sunday := time.Date(2026, 7, 12, 18, 5, 0, 0, tz.Oslo)
	nb, en := i18n.WithLang(context.Background(), i18n.NB), i18n.WithLang(context.Background(), i18n.EN)
	if got := Day(nb, sunday); got != "søndag 12.07.2026" {
		t.Errorf("nb: %q", got)
	}
	if got := upperFirst(Day(nb, sunday)); got != "Søndag 12.07.2026" {
		t.Errorf("nb, beginning a heading: %q", got)
	}
	if got := Day(en, sunday); got != "Sunday 12.07.2026" {
		t.Errorf("en: %q", got)
	}
	if got := i18n.T(nb, "matching.waitingSince", "Day", Day(nb, sunday)); got != "venter siden søndag 12.07.2026" {
		t.Errorf("in a sentence: %q", got)
	}
	if got := Clock(nb, sunday.UTC()); got != "18.05" {
		t.Errorf("nb clock: %q", got)
	}
	if got := Clock(en, sunday.UTC()); got != "18:05" {
		t.Errorf("en clock: %q", got)
	}
}
