package pages

import (
	"context"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Inside a sentence Norwegian writes the weekday in lower case; English keeps its capital.
func TestDayInText(t *testing.T) {
	t.Parallel()
	sunday := time.Date(2026, 7, 12, 18, 0, 0, 0, tz.Oslo)
	nb, en := i18n.WithLang(context.Background(), i18n.NB), i18n.WithLang(context.Background(), i18n.EN)
	if got := DayInText(nb, sunday); got != "søndag 12.07.2026" {
		t.Errorf("nb: %q", got)
	}
	if got := Day(nb, sunday); got != "Søndag 12.07.2026" {
		t.Errorf("nb, alone: %q", got)
	}
	if got, want := DayInText(en, sunday), Day(en, sunday); got != want || got[:1] != "S" {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got := i18n.T(nb, "matching.waitingSince", "Day", DayInText(nb, sunday)); got != "venter siden søndag 12.07.2026" {
		t.Errorf("in a sentence: %q", got)
	}
}
