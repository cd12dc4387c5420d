// Package rooms holds the meeting rooms at Kirkeveien 61, the house's opening hours and
// closures, and the bookings of the rooms: one-off or recurring, each meeting a row that the
// database keeps from overlapping another in the same room.
package rooms

import (
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Holiday is a Norwegian public holiday (helligdag or offentlig høytidsdag).
type Holiday struct {
	Date time.Time // midnight, Europe/Oslo
	Name string    // catalogue id: holiday.<name>
}

// Easter returns Easter Sunday of year (Gregorian calendar; the anonymous algorithm of
// Meeus, Jones and Butcher).
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, tz.Oslo)
}

// Holidays lists the public holidays of year in date order.
func Holidays(year int) []Holiday {
	easter := Easter(year)
	day := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, tz.Oslo) }
	rel := func(days int) time.Time { return easter.AddDate(0, 0, days) }
	return []Holiday{
		{day(time.January, 1), "newyear"},
		{rel(-3), "maundy"},
		{rel(-2), "goodfriday"},
		{rel(0), "easter"},
		{rel(1), "eastermonday"},
		{day(time.May, 1), "mayday"},
		{day(time.May, 17), "constitution"},
		{rel(39), "ascension"},
		{rel(49), "whitsun"},
		{rel(50), "whitmonday"},
		{day(time.December, 25), "christmas"},
		{day(time.December, 26), "boxing"},
	}
}

// HolidayOn returns the holiday on the local date of t, if any. 17 May can fall on
// Ascension Day; the first in the list wins.
func HolidayOn(t time.Time) (Holiday, bool) {
	t = t.In(tz.Oslo)
	y, m, d := t.Date()
	for _, h := range Holidays(y) {
		hy, hm, hd := h.Date.Date()
		if hy == y && hm == m && hd == d {
			return h, true
		}
	}
	return Holiday{}, false
}
