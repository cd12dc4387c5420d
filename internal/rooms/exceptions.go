package rooms

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Exception is a standing exception to the opening hours: a group (or every booking in a
// room) may meet on Weekday from Opens to Closes although the house is otherwise closed then
// — the Al-Anon meeting on Sunday evening — without a reason written on each booking. Public
// holidays and closures still apply.
type Exception struct {
	ID            int64
	Weekday       int
	Opens, Closes time.Duration // local time of day
	RoomID        int64         // 0: any room
	RoomName      string
	GroupID       int64 // 0: any booking in the room
	GroupName     string
	Note          string
}

// ExceptionForm is the form of a new exception, as typed.
type ExceptionForm struct {
	Weekday, Opens, Closes, Room, Group, Note string
}

// ParseException reads the form.
func ParseException(v url.Values) ExceptionForm {
	return ExceptionForm{Weekday: v.Get("weekday"), Opens: v.Get("opens"), Closes: v.Get("closes"), Room: v.Get("room"),
		Group: v.Get("group"), Note: strings.TrimSpace(v.Get("exception_note"))}
}

// FormOfException is the form that makes e again (the undo of a deletion).
func FormOfException(e Exception) ExceptionForm {
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	return ExceptionForm{Weekday: strconv.Itoa(e.Weekday), Opens: tz.FormatClock(e.Opens), Closes: tz.FormatClock(e.Closes), Room: id(e.RoomID),
		Group: id(e.GroupID), Note: e.Note}
}

// Validate checks the form and returns the exception; fields are weekday, opens, closes,
// room (room or group must be chosen) and note.
func (f ExceptionForm) Validate() (Exception, validate.Errors) {
	var e validate.Errors
	var x Exception
	var err error
	if x.Weekday, err = strconv.Atoi(f.Weekday); err != nil || x.Weekday < 1 || x.Weekday > 7 {
		e.Add("weekday", "series.weekday.required")
	}
	x.Opens, x.Closes, _ = ClockRange(&e, "opens", f.Opens, "closes", f.Closes)
	x.RoomID, _ = strconv.ParseInt(f.Room, 10, 64)
	x.GroupID, _ = strconv.ParseInt(f.Group, 10, 64)
	if x.RoomID <= 0 && x.GroupID <= 0 {
		e.Add("group", "exception.who.required")
	}
	x.Note = f.Note
	e.MaxLength("exception_note", x.Note, 200, "form.tooLong")
	return x, e
}

// Exceptions lists the standing exceptions by weekday and time.
func (s *Store) Exceptions(ctx context.Context) ([]Exception, error) {
	rows, err := s.db.Query(ctx, `SELECT x.id, x.weekday, extract(epoch FROM x.opens)::int, extract(epoch FROM x.closes)::int,
			coalesce(x.room_id, 0), coalesce(r.name, ''), coalesce(x.group_id, 0), coalesce(g.name, ''), x.note
		FROM opening_exceptions x LEFT JOIN rooms r ON r.id = x.room_id LEFT JOIN groups g ON g.id = x.group_id
		ORDER BY x.weekday, x.opens, x.id LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("rooms: exceptions: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanException)
	if err != nil {
		return nil, fmt.Errorf("rooms: exceptions: %w", err)
	}
	return list, nil
}

func scanException(r pgx.CollectableRow) (Exception, error) {
	var x Exception
	var o, c int
	err := r.Scan(&x.ID, &x.Weekday, &o, &c, &x.RoomID, &x.RoomName, &x.GroupID, &x.GroupName, &x.Note)
	x.Opens, x.Closes = time.Duration(o)*time.Second, time.Duration(c)*time.Second
	return x, err
}

// AddException saves a validated exception; an unknown room or group is ErrInvalid.
func (s *Store) AddException(ctx context.Context, x Exception) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO opening_exceptions (weekday, opens, closes, room_id, group_id, note)
		VALUES ($1, make_interval(secs => $2)::time, make_interval(secs => $3)::time, NULLIF($4, 0), NULLIF($5, 0), $6) RETURNING id`,
		x.Weekday, x.Opens.Seconds(), x.Closes.Seconds(), x.RoomID, x.GroupID, x.Note).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("rooms: exception: %w", postgres.MapError(err))
	}
	return id, nil
}

// DeleteException removes an exception and returns it, for the undo; an unknown id is
// ErrNotFound. Bookings made under it stay.
func (s *Store) DeleteException(ctx context.Context, id int64) (Exception, error) {
	rows, err := s.db.Query(ctx, `WITH x AS (DELETE FROM opening_exceptions WHERE id = $1 RETURNING *)
		SELECT x.id, x.weekday, extract(epoch FROM x.opens)::int, extract(epoch FROM x.closes)::int,
			coalesce(x.room_id, 0), coalesce(r.name, ''), coalesce(x.group_id, 0), coalesce(g.name, ''), x.note
		FROM x LEFT JOIN rooms r ON r.id = x.room_id LEFT JOIN groups g ON g.id = x.group_id`, id)
	if err != nil {
		return Exception{}, fmt.Errorf("rooms: exception: %w", err)
	}
	x, err := pgx.CollectExactlyOneRow(rows, scanException)
	if err != nil {
		return x, fmt.Errorf("rooms: exception: %w", postgres.MapError(err))
	}
	return x, nil
}
