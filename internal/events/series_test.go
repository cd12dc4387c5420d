package events_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, tz.Oslo) }

func days(list []time.Time) string {
	var out []string
	for _, d := range list {
		out = append(out, d.Format("2006-01-02"))
	}
	return strings.Join(out, " ")
}

// The rules fall on the days a person reading them would name.
func TestSeriesDates(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name             string
		rule             string
		ordinal, weekday int
		first, last      time.Time
		want             string
	}{
		{"first Tuesday of each month", events.Monthly, 1, 2, day(2027, 1, 1), day(2027, 4, 30),
			"2027-01-05 2027-02-02 2027-03-02 2027-04-06"},
		{"from after the month's first Tuesday", events.Monthly, 1, 2, day(2027, 1, 6), day(2027, 3, 2),
			"2027-02-02 2027-03-02"},
		{"third Wednesday", events.Monthly, 3, 3, day(2027, 1, 1), day(2027, 3, 31),
			"2027-01-20 2027-02-17 2027-03-17"},
		{"last Friday, February of a leap year", events.Monthly, -1, 5, day(2028, 1, 1), day(2028, 3, 31),
			"2028-01-28 2028-02-25 2028-03-31"},
		{"fourth Monday", events.Monthly, 4, 1, day(2027, 2, 1), day(2027, 2, 28), "2027-02-22"},
		{"weekly from a Sunday", events.Weekly, 0, 4, day(2027, 3, 21), day(2027, 4, 8),
			"2027-03-25 2027-04-01 2027-04-08"},
		{"every second week", events.Biweekly, 0, 1, day(2027, 1, 4), day(2027, 2, 15),
			"2027-01-04 2027-01-18 2027-02-01 2027-02-15"},
		{"none in the period", events.Monthly, 1, 2, day(2027, 1, 6), day(2027, 1, 31), ""},
	} {
		if got := days(events.SeriesDates(c.rule, c.ordinal, c.weekday, c.first, c.last)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// openEveryDay opens the house 08–22 every day, so that only closures, holidays and other
// bookings stand in a series' way.
func openEveryDay(t *testing.T, db *pgxpool.Pool) *rooms.Store {
	t.Helper()
	rs := rooms.NewStore(db, nil)
	var week rooms.Week
	for i := range week {
		week[i] = rooms.DayHours{Weekday: i + 1, Open: true, Opens: 8 * time.Hour, Closes: 22 * time.Hour}
	}
	if err := rs.SetOpeningHours(context.Background(), week); err != nil {
		t.Fatal(err)
	}
	return rs
}

func seriesForm(room int64, first, until time.Time) events.SeriesForm {
	return events.ParseSeries(url.Values{"kind": {events.Intro}, "title": {"Hva er en selvhjelpsgruppe?"}, "rule": {events.Monthly},
		"ordinal": {"1"}, "weekday": {"2"}, "start": {"18:00"}, "end": {"19:30"}, "date": {first.Format(time.DateOnly)},
		"until": {until.Format(time.DateOnly)}, "format": {events.House}, "room": {strconv.FormatInt(room, 10)}, "capacity": {"15"}, "published": {"on"}})
}

// A series makes its events through the booking rules: the days its room is taken or the
// house is closed are refused and listed; with skip the others are made, each an event with
// its own booking; a series with no free day is refused whole.
func TestSeriesBooksItsEventsByTheRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := store(t)
	b := fixture.New(t, db)
	room := b.Room("Ospesalen", 24).ID
	openEveryDay(t, db)
	// A year ahead, the first Tuesdays of four months; the second one's room is taken.
	first := tz.Midnight(time.Now()).AddDate(1, 0, 0)
	first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, tz.Oslo)
	until := first.AddDate(0, 4, -1)
	f := seriesForm(room, first, until)
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	want := f.Dates()
	if len(want) != 4 {
		t.Fatalf("the fixture's dates: %v", want)
	}
	taken := want[1].Add(17 * time.Hour)
	b.Booking(room, []rooms.Slot{{Start: taken, End: taken.Add(2 * time.Hour)}}, func(k *rooms.Booking) { k.Title = "Kurs" })

	_, err := s.CreateSeries(ctx, f, 0)
	var ce *rooms.ErrConflicts
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].Title != "Kurs" || !tz.Midnight(ce.Conflicts[0].Start).Equal(want[1]) {
		t.Fatalf("a series with a taken day: %v", err)
	}
	var n int
	db.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&n)
	if n != 0 {
		t.Fatalf("a refused series made %d events", n)
	}

	// More places than the room holds: a warning staff must confirm, and nothing made.
	big := f
	big.Skip, big.Capacity = true, "30"
	if errs := big.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	var oc *rooms.ErrOverCapacity
	if _, err := s.CreateSeries(ctx, big, 0); !errors.As(err, &oc) {
		t.Fatalf("a series for 30 in a room for 24: %v", err)
	}
	db.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&n)
	if n != 0 {
		t.Fatalf("a series over the room's capacity made %d events", n)
	}

	f.Skip = true
	res, err := s.CreateSeries(ctx, f, 0)
	if err != nil || res.Made != 3 || len(res.Skipped) != 1 {
		t.Fatalf("with skip: %+v, %v", res, err)
	}
	sr, list, total, err := s.GetSeries(ctx, res.ID, time.Now(), 10, 0)
	if err != nil || total != 3 || sr.Events != 3 || sr.Next == nil || !sr.Next.Equal(want[0].Add(18*time.Hour)) {
		t.Fatalf("the series: %+v, %d events, %v", sr, total, err)
	}
	for i, e := range list {
		d := []time.Time{want[0], want[2], want[3]}[i]
		if !e.Starts.Equal(d.Add(18*time.Hour)) || e.BookingID == 0 || e.RoomName != "Ospesalen" || !e.Published {
			t.Errorf("event %d: %+v", i, e)
		}
	}
	var active int
	db.QueryRow(ctx, `SELECT count(*) FROM booking_occurrences WHERE cancelled_at IS NULL`).Scan(&active)
	if active != 4 {
		t.Errorf("%d active meetings, want the course and three events", active)
	}

	// The same series again: every day is taken now, so nothing is made, skip or not.
	if _, err := s.CreateSeries(ctx, f, 0); !errors.As(err, &ce) || len(ce.Conflicts) != 4 {
		t.Fatalf("a series with no free day: %v", err)
	}
	if list, total, _ := s.SeriesList(ctx, time.Now(), 10, 0); total != 1 || len(list) != 1 {
		t.Errorf("the series list: %d", total)
	}
}

// A closure and a public holiday refuse the days they cover; an event online books no room
// and has no such days.
func TestSeriesSkipsClosedDays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := store(t)
	room := fixture.New(t, db).Room("Ospesalen", 24).ID
	rs := openEveryDay(t, db)
	// Thursdays from a year ahead over four weeks; one is closed by staff.
	first := tz.Midnight(time.Now()).AddDate(1, 0, 0)
	f := seriesForm(room, first, first.AddDate(0, 0, 27))
	f.Rule, f.Weekday = events.Weekly, "4"
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	dates := f.Dates()
	closed := dates[2]
	if _, err := rs.AddClosure(ctx, rooms.Closure{First: closed, Last: closed, Reason: "Maling"}); err != nil {
		t.Fatal(err)
	}
	found, err := s.SeriesConflicts(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var closedDays []string
	for _, c := range found {
		if c.Closed == "" {
			t.Errorf("a conflict that is not a closed day: %+v", c)
		}
		closedDays = append(closedDays, tz.Midnight(c.Start).Format(time.DateOnly))
	}
	if !strings.Contains(strings.Join(closedDays, " "), closed.Format(time.DateOnly)) {
		t.Errorf("the closure's day is not refused: %v", closedDays)
	}
	for _, d := range dates {
		if _, holiday := rooms.HolidayOn(d); holiday && !strings.Contains(strings.Join(closedDays, " "), d.Format(time.DateOnly)) {
			t.Errorf("the holiday %s is not refused", d.Format(time.DateOnly))
		}
	}
	f.Format, f.MeetingLink, f.RoomID = events.Digital, "https://zoom.example/j/1", 0
	if found, err := s.SeriesConflicts(ctx, f); err != nil || len(found) != 0 {
		t.Errorf("an online series has closed days: %v %v", found, err)
	}
}

func TestSeriesFormValidation(t *testing.T) {
	t.Parallel()
	first := day(2027, 1, 1)
	for _, c := range []struct {
		name  string
		edit  func(*events.SeriesForm)
		field string
	}{
		{"no rule", func(f *events.SeriesForm) { f.Rule = "" }, "rule"},
		{"a made-up rule", func(f *events.SeriesForm) { f.Rule = "daily" }, "rule"},
		{"no weekday", func(f *events.SeriesForm) { f.Weekday = "8" }, "weekday"},
		{"monthly without a week", func(f *events.SeriesForm) { f.Ordinal = "5" }, "ordinal"},
		{"no last day", func(f *events.SeriesForm) { f.Until = "" }, "until"},
		{"last before first", func(f *events.SeriesForm) { f.Until = "2026-12-01" }, "until"},
		{"more than a year", func(f *events.SeriesForm) { f.Until = "2028-01-02" }, "until"},
		{"no day in the period", func(f *events.SeriesForm) { f.Date, f.Until = "2027-01-06", "2027-01-31" }, "until"},
		{"the event's own fields", func(f *events.SeriesForm) { f.Title = "" }, "title"},
	} {
		f := seriesForm(7, first, day(2027, 6, 30))
		c.edit(&f)
		if errs := f.Validate(); !errs.Has(c.field) {
			t.Errorf("%s: no error at %s (%v)", c.name, c.field, errs)
		}
	}
	// Weekly for a year from a Thursday is 53 Thursdays: allowed; the ordinal is dropped.
	f := seriesForm(7, day(2026, 12, 31), day(2027, 12, 31))
	f.Rule, f.Weekday = events.Weekly, "4"
	if errs := f.Validate(); !errs.OK() || len(f.Dates()) != 53 || f.Ordinal != "" {
		t.Errorf("a year of Thursdays: %v, %d dates, ordinal %q", errs, len(f.Dates()), f.Ordinal)
	}
}
