package rooms

import (
	"testing"
	"time"
)

// The official Norwegian public holidays 2025–2030 (helligdager and the two høytidsdager).
var official = map[int][]string{
	2025: {"01-01", "04-17", "04-18", "04-20", "04-21", "05-01", "05-17", "05-29", "06-08", "06-09", "12-25", "12-26"},
	2026: {"01-01", "04-02", "04-03", "04-05", "04-06", "05-01", "05-17", "05-14", "05-24", "05-25", "12-25", "12-26"},
	2027: {"01-01", "03-25", "03-26", "03-28", "03-29", "05-01", "05-17", "05-06", "05-16", "05-17", "12-25", "12-26"},
	2028: {"01-01", "04-13", "04-14", "04-16", "04-17", "05-01", "05-17", "05-25", "06-04", "06-05", "12-25", "12-26"},
	2029: {"01-01", "03-29", "03-30", "04-01", "04-02", "05-01", "05-17", "05-10", "05-20", "05-21", "12-25", "12-26"},
	2030: {"01-01", "04-18", "04-19", "04-21", "04-22", "05-01", "05-17", "05-30", "06-09", "06-10", "12-25", "12-26"},
}

func TestHolidaysMatchTheOfficialList(t *testing.T) {
	t.Parallel()
	for year, want := range official {
		got := Holidays(year)
		if len(got) != len(want) {
			t.Fatalf("%d: %d holidays", year, len(got))
		}
		for i, h := range got {
			if s := h.Date.Format("01-02"); s != want[i] || h.Date.Year() != year {
				t.Errorf("%d %s = %s, want %s", year, h.Name, h.Date.Format(time.DateOnly), want[i])
			}
		}
	}
}

func TestEasterKnownYears(t *testing.T) {
	t.Parallel()
	for year, want := range map[int]string{1961: "1961-04-02", 2000: "2000-04-23", 2019: "2019-04-21", 2038: "2038-04-25", 2285: "2285-03-22"} {
		if got := Easter(year).Format(time.DateOnly); got != want {
			t.Errorf("Easter(%d) = %s, want %s", year, got, want)
		}
	}
}

func TestHolidayOn(t *testing.T) {
	t.Parallel()
	if h, ok := HolidayOn(time.Date(2026, 5, 17, 23, 30, 0, 0, time.UTC)); ok {
		t.Errorf("23:30 UTC on 17 May is 18 May in Oslo, not %s", h.Name)
	}
	if h, ok := HolidayOn(time.Date(2026, 5, 16, 22, 30, 0, 0, time.UTC)); !ok || h.Name != "constitution" {
		t.Errorf("22:30 UTC on 16 May is 17 May in Oslo: %v %v", h, ok)
	}
}
