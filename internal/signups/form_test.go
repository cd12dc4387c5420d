package signups

import (
	"slices"
	"testing"
)

// Days and parts of the day are stored as every day at every part, with old "day-part" values
// kept, and read back as the days and parts any slot names.
func TestSlotsAndDaysAndParts(t *testing.T) {
	cases := []struct {
		days, parts, old, want []string
	}{
		{nil, nil, nil, nil},
		{[]string{"1", "3"}, []string{"evening"}, nil, []string{"1-evening", "3-evening"}},
		{[]string{"2"}, nil, nil, []string{"2-morning", "2-afternoon", "2-evening"}},
		{nil, []string{"morning"}, nil, []string{"1-morning", "2-morning", "3-morning", "4-morning", "5-morning", "6-morning", "7-morning"}},
		{[]string{"5"}, []string{"morning"}, []string{"1-evening"}, []string{"1-evening", "5-morning"}},
	}
	for _, c := range cases {
		got := Slots(c.days, c.parts, c.old)
		p := Prefs{Formats: []string{"house"}, Availability: got}
		p.Validate()
		if !slices.Equal(p.Availability, c.want) {
			t.Errorf("Slots(%v, %v, %v) = %v, want %v", c.days, c.parts, c.old, p.Availability, c.want)
		}
	}
	days, parts := DaysAndParts([]string{"1-evening", "3-morning", "3-evening"})
	if !slices.Equal(days, []string{"1", "3"}) || !slices.Equal(parts, []string{"evening", "morning"}) {
		t.Errorf("DaysAndParts = %v, %v", days, parts)
	}
}

// The one choice of where to meet reads as formats, and formats read back as that choice;
// the old form's several check boxes still read.
func TestWhere(t *testing.T) {
	for _, c := range []struct {
		posted []string
		want   []string
		where  string
	}{
		{[]string{WhereBoth}, []string{"house", "digital"}, WhereBoth},
		{[]string{WhereHouse}, []string{"house"}, WhereHouse},
		{[]string{WhereDigital}, []string{"digital"}, WhereDigital},
		{[]string{"house", "hybrid"}, []string{"house", "hybrid"}, WhereHouse},
		{[]string{"hybrid"}, []string{"hybrid"}, WhereBoth},
	} {
		got := FormatsOf(c.posted)
		if !slices.Equal(got, c.want) || WhereOf(got) != c.where {
			t.Errorf("FormatsOf(%v) = %v (where %q), want %v (%q)", c.posted, got, WhereOf(got), c.want, c.where)
		}
	}
}
