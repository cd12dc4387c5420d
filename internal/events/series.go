package events

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// The rules an event series repeats by.
const (
	Weekly   = "weekly"
	Biweekly = "biweekly"
	Monthly  = "monthly" // the n-th (or last) weekday of each month
)

// Rules lists the rules in the order forms show them; Ordinals the weeks of the month a
// monthly series may take (-1 is the last).
var (
	Rules    = []string{Monthly, Weekly, Biweekly}
	Ordinals = []int{1, 2, 3, 4, -1}
)

// MaxSeriesEvents is the most events one series makes; a year of weekly meetings fits.
const MaxSeriesEvents = 53

// SeriesForm is the form of an event series: the event's fields (its Date is the first day
// the series may fall on), the rule, and the last day.
type SeriesForm struct {
	Form
	Rule, Ordinal, Weekday, Until string
	Skip                          bool // make the events on the free dates and skip the others

	ordinal, weekday int
	until            time.Time
}

// ParseSeries reads the series form.
func ParseSeries(v url.Values) SeriesForm {
	f := SeriesForm{Rule: v.Get("rule"), Ordinal: v.Get("ordinal"), Weekday: v.Get("weekday"), Until: v.Get("until"), Skip: v.Get("skip") == "1"}
	f.Form = ParseForm(v)
	return f
}

// Validate trims and checks the form, the event's fields as an event's; messages are
// catalogue ids.
func (f *SeriesForm) Validate() validate.Errors {
	e := f.Form.Validate()
	f.Rule, f.Ordinal, f.Weekday, f.Until = strings.TrimSpace(f.Rule), strings.TrimSpace(f.Ordinal), strings.TrimSpace(f.Weekday), strings.TrimSpace(f.Until)
	if f.Rule != Weekly && f.Rule != Biweekly && f.Rule != Monthly {
		e.Add("rule", "series.rule.required")
	}
	var err error
	if f.weekday, err = strconv.Atoi(f.Weekday); err != nil || f.weekday < 1 || f.weekday > 7 {
		e.Add("weekday", "series.weekday.required")
	}
	if f.Rule == Monthly {
		if f.ordinal, err = strconv.Atoi(f.Ordinal); err != nil || !validOrdinal(f.ordinal) {
			e.Add("ordinal", "series.ordinal.required")
		}
	} else {
		f.ordinal, f.Ordinal = 0, ""
	}
	first, ferr := tz.ParseDate(f.Date)
	if f.until, err = tz.ParseDate(f.Until); err != nil {
		e.Add("until", "rooms.date.required")
	} else if ferr == nil && f.until.Before(first) {
		e.Add("until", "booking.cancelRange.order")
	} else if ferr == nil && f.until.After(first.AddDate(1, 0, 0)) {
		e.Add("until", "series.until.tooFar")
	}
	if e.OK() {
		switch n := len(f.Dates()); {
		case n == 0:
			e.Add("until", "series.none")
		case n > MaxSeriesEvents:
			e.Add("until", "series.tooMany")
		}
	}
	return e
}

func validOrdinal(n int) bool {
	for _, o := range Ordinals {
		if o == n {
			return true
		}
	}
	return false
}

// Dates are the local days the validated series falls on, from its first day to its last.
func (f SeriesForm) Dates() []time.Time {
	first, err := tz.ParseDate(f.Date)
	if err != nil || f.until.IsZero() {
		return nil
	}
	return SeriesDates(f.Rule, f.ordinal, f.weekday, first, f.until)
}

// SeriesDates are the local days from first to last (both included) that rule falls on:
// weekday every week or every second week from the first such day, or the ordinal-th (-1:
// last) weekday of each month.
func SeriesDates(rule string, ordinal, weekday int, first, last time.Time) []time.Time {
	first, last = tz.Midnight(first), tz.Midnight(last)
	var out []time.Time
	switch rule {
	case Weekly, Biweekly:
		step := 7
		if rule == Biweekly {
			step = 14
		}
		d := first
		for tz.Weekday(d) != weekday {
			d = d.AddDate(0, 0, 1)
		}
		for ; !d.After(last) && len(out) <= MaxSeriesEvents; d = d.AddDate(0, 0, step) {
			out = append(out, d)
		}
	case Monthly:
		for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, tz.Oslo); !m.After(last) && len(out) <= MaxSeriesEvents; m = m.AddDate(0, 1, 0) {
			d := nthWeekday(m, ordinal, weekday)
			if !d.Before(first) && !d.After(last) {
				out = append(out, d)
			}
		}
	}
	return out
}

// nthWeekday is the n-th (-1: last) weekday of the month that starts on month.
func nthWeekday(month time.Time, n, weekday int) time.Time {
	if n == -1 {
		d := month.AddDate(0, 1, -1)
		for tz.Weekday(d) != weekday {
			d = d.AddDate(0, 0, -1)
		}
		return d
	}
	d := month
	for tz.Weekday(d) != weekday {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 7*(n-1))
}

// eventOn is the series' event on day, as an event form validated for it.
func (f SeriesForm) eventOn(day time.Time) Form {
	e := f.Form
	e.Date = day.Format(time.DateOnly)
	e.Validate() // the fields were checked for the first day; this sets the times of this one
	return e
}

// SeriesConflicts lists the days of the validated series its room cannot be booked on (taken,
// or the house closed without staff's reason): empty for an event online.
func (s *Store) SeriesConflicts(ctx context.Context, f SeriesForm) ([]rooms.Conflict, error) {
	if f.Format != House {
		return nil, nil
	}
	slots := make([]rooms.Slot, 0, len(f.Dates()))
	for _, d := range f.Dates() {
		e := f.eventOn(d)
		slots = append(slots, rooms.Slot{Start: e.starts, End: e.ends})
	}
	return rooms.NewStore(s.db, nil).Conflicts(ctx, f.RoomID, slots, f.Override != "")
}

// SeriesResult is what saving a series did.
type SeriesResult struct {
	ID      int64
	Made    int
	Skipped []rooms.Conflict
}

// CreateSeries saves the validated series and makes its events, each as Save makes a new
// event (create: the room's capacity checked, the room booked by the rules), in one
// transaction. Days its room cannot be booked on are
// refused with *rooms.ErrConflicts listing them, unless f.Skip: then the others are made and
// those listed as skipped. A series with no free day is refused whole.
func (s *Store) CreateSeries(ctx context.Context, f SeriesForm, by int64) (SeriesResult, error) {
	var res SeriesResult
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		on := &Store{db: tx, out: s.out}
		found, err := on.SeriesConflicts(ctx, f)
		if err != nil {
			return err
		}
		days := f.Dates()
		if len(found) > 0 && !f.Skip || len(found) == len(days) {
			return &rooms.ErrConflicts{Conflicts: found, Free: len(days) - len(found)}
		}
		res.Skipped = found
		err = tx.QueryRow(ctx, `INSERT INTO event_series (kind, title, rule, ordinal, weekday, starts, ends, first_day, last_day, created_by)
			VALUES ($1, $2, $3, $4, $5, $6::time, $7::time, $8::date, $9::date, NULLIF($10, 0)) RETURNING id`,
			f.Kind, f.Title, f.Rule, nullableInt(f.ordinal), f.weekday, f.Start, f.End, f.Date, f.until.Format(time.DateOnly), by).Scan(&res.ID)
		if err != nil {
			return err
		}
		for _, d := range days {
			if taken(found, d) {
				continue
			}
			var slot rooms.Slot
			id, err := on.create(ctx, tx, f.eventOn(d), by, &slot)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE events SET series_id = $2 WHERE id = $1`, id, res.ID); err != nil {
				return err
			}
			res.Made++
		}
		return nil
	})
	var ce *rooms.ErrConflicts
	var oc *rooms.ErrOverCapacity
	if err != nil && !errors.As(err, &ce) && !errors.As(err, &oc) && !errors.Is(err, rooms.ErrRetired) {
		err = fmt.Errorf("events: series: %w", postgres.MapError(err))
	}
	return res, err
}

// taken reports whether one of the conflicts is on the local day d.
func taken(found []rooms.Conflict, d time.Time) bool {
	for _, c := range found {
		if tz.Midnight(c.Start).Equal(d) {
			return true
		}
	}
	return false
}

func nullableInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// Series is an event series with its events.
type Series struct {
	ID                int64
	Kind, Title, Rule string
	Ordinal, Weekday  int
	Starts, Ends      string // "18:00"
	First, Last       time.Time
	Events            int // made and not cancelled
	Next              *time.Time
}

const seriesColumns = `s.id, s.kind, s.title, s.rule, coalesce(s.ordinal, 0), s.weekday, to_char(s.starts, 'HH24:MI'), to_char(s.ends, 'HH24:MI'),
	s.first_day, s.last_day,
	(SELECT count(*) FROM events e WHERE e.series_id = s.id AND e.cancelled_at IS NULL),
	(SELECT min(e.starts_at) FROM events e WHERE e.series_id = s.id AND e.cancelled_at IS NULL AND e.ends_at > $1)`

func scanSeries(row pgx.CollectableRow) (Series, error) {
	var s Series
	err := row.Scan(&s.ID, &s.Kind, &s.Title, &s.Rule, &s.Ordinal, &s.Weekday, &s.Starts, &s.Ends, &s.First, &s.Last, &s.Events, &s.Next)
	s.First, s.Last = tz.FromDateColumn(s.First), tz.FromDateColumn(s.Last)
	return s, err
}

// SeriesList lists the series that have not ended by now, soonest ending last.
func (s *Store) SeriesList(ctx context.Context, now time.Time, limit, offset int) ([]Series, int, error) {
	day := now.In(tz.Oslo).Format(time.DateOnly)
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM event_series WHERE last_day >= $1::date`, day).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("events: series: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+seriesColumns+` FROM event_series s WHERE s.last_day >= $2::date
		ORDER BY s.first_day, s.id LIMIT $3 OFFSET $4`, now, day, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("events: series: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanSeries)
	if err != nil {
		return nil, 0, fmt.Errorf("events: series: %w", err)
	}
	return list, total, nil
}

// GetSeries returns a series and a page of its events, soonest first; an unknown id is
// ErrNotFound.
func (s *Store) GetSeries(ctx context.Context, id int64, now time.Time, limit, offset int) (Series, []Event, int, error) {
	rows, err := s.db.Query(ctx, `SELECT `+seriesColumns+` FROM event_series s WHERE s.id = $2`, now, id)
	if err != nil {
		return Series{}, nil, 0, fmt.Errorf("events: series: %w", err)
	}
	sr, err := pgx.CollectExactlyOneRow(rows, scanSeries)
	if err != nil {
		return sr, nil, 0, fmt.Errorf("events: series: %w", postgres.MapError(err))
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM events WHERE series_id = $1`, id).Scan(&total); err != nil {
		return sr, nil, 0, fmt.Errorf("events: series: %w", err)
	}
	rows, err = s.db.Query(ctx, `SELECT `+eventColumns+eventJoins+` WHERE e.series_id = $1 ORDER BY e.starts_at, e.id LIMIT $2 OFFSET $3`, id, limit, offset)
	if err != nil {
		return sr, nil, 0, fmt.Errorf("events: series: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return sr, nil, 0, fmt.Errorf("events: series: %w", err)
	}
	return sr, list, total, nil
}
