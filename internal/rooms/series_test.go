package rooms

import (
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Must show: a weekly series from September to December keeps its local start time across
// the end of summer time (25 October 2026).
func TestWeeklySeriesKeepsLocalTimeAcrossDST(t *testing.T) {
	t.Parallel()
	s := Series{First: time.Date(2026, 9, 1, 0, 0, 0, 0, tz.Oslo), Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute,
		Frequency: Weekly, Until: time.Date(2026, 12, 15, 0, 0, 0, 0, tz.Oslo)}
	slots := s.Slots()
	if len(slots) != 16 {
		t.Fatalf("%d meetings from 1 Sep to 15 Dec", len(slots))
	}
	offsets := map[int]bool{}
	for _, sl := range slots {
		local := sl.Start.In(tz.Oslo)
		if local.Hour() != 18 || local.Minute() != 0 || local.Weekday() != time.Tuesday || sl.End.Sub(sl.Start) != 90*time.Minute {
			t.Errorf("meeting at %s", local)
		}
		_, off := local.Zone()
		offsets[off] = true
	}
	if !offsets[2*3600] || !offsets[3600] {
		t.Errorf("the series should span summer and winter time, offsets %v", offsets)
	}
	if slots[7].Start.UTC().Hour() != 16 || slots[8].Start.UTC().Hour() != 17 {
		t.Errorf("UTC hours around the change: %s, %s", slots[7].Start.UTC(), slots[8].Start.UTC())
	}
}

func TestSeriesShapes(t *testing.T) {
	t.Parallel()
	first := time.Date(2026, 3, 2, 0, 0, 0, 0, tz.Oslo)
	cases := []struct {
		s    Series
		want int
	}{
		{Series{First: first, Start: 10 * time.Hour, End: 11 * time.Hour, Frequency: Once}, 1},
		{Series{First: first, Start: 10 * time.Hour, End: 11 * time.Hour, Frequency: Weekly, Count: 10}, 10},
		{Series{First: first, Start: 10 * time.Hour, End: 11 * time.Hour, Frequency: Biweekly, Until: first.AddDate(0, 0, 28)}, 3},
	}
	for _, c := range cases {
		if got := c.s.Slots(); len(got) != c.want {
			t.Errorf("%+v: %d slots, want %d", c.s, len(got), c.want)
		}
	}
	bad := Series{First: first, Start: 11 * time.Hour, End: 10 * time.Hour, Frequency: Weekly}
	if errs := bad.Validate(); !errs.Has("end") || !errs.Has("until") {
		t.Errorf("errors %v", errs)
	}
	tooLong := Series{First: first, Start: 10 * time.Hour, End: 11 * time.Hour, Frequency: Weekly, Until: first.AddDate(5, 0, 0)}
	if errs := tooLong.Validate(); !errs.Has("until") {
		t.Error("a five-year weekly series must be refused")
	}
}
