package rooms

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Limits of a room as the form takes them; the table checks the name and the capacity too.
const (
	MaxRoomName = 80
	MaxCapacity = 500
	MinFloor    = -5
	MaxFloor    = 50
)

// Facilities are the facilities a room may have, in the order forms list them; each is the
// value of its check box.
var Facilities = []string{"step_free", "hearing_loop", "screen", "camera"}

// RoomForm is a room as staff type it. Parse reads it, Validate checks it and makes the Room;
// the page shows it back as typed.
type RoomForm struct {
	Name       string
	Floor      string
	Capacity   string
	Facilities []string // of Facilities
	Bookable   bool
}

// RoomFormOf fills the form from a room, for editing.
func RoomFormOf(r Room) RoomForm {
	f := RoomForm{Name: r.Name, Floor: strconv.Itoa(r.Floor), Capacity: strconv.Itoa(r.Capacity), Bookable: r.Bookable}
	for i, has := range []bool{r.StepFree, r.HearingLoop, r.Screen, r.Camera} {
		if has {
			f.Facilities = append(f.Facilities, Facilities[i])
		}
	}
	return f
}

// Parse reads the room form's fields from the posted values; unknown facilities are dropped,
// the others kept in the order of Facilities.
func (f *RoomForm) Parse(v url.Values) {
	*f = RoomForm{Name: v.Get("name"), Floor: v.Get("floor"), Capacity: v.Get("capacity"), Bookable: v.Get("bookable") == "on"}
	for _, x := range Facilities {
		if slices.Contains(v["facilities"], x) {
			f.Facilities = append(f.Facilities, x)
		}
	}
}

// Has says whether the form ticks the facility.
func (f RoomForm) Has(facility string) bool { return slices.Contains(f.Facilities, facility) }

// Validate trims the fields and checks them; when they are right it returns the room they
// make (without an id). Messages are catalogue ids.
func (f *RoomForm) Validate() (Room, validate.Errors) {
	trim(&f.Name, &f.Floor, &f.Capacity)
	var e validate.Errors
	r := Room{Name: f.Name, Bookable: f.Bookable, StepFree: f.Has("step_free"), HearingLoop: f.Has("hearing_loop"),
		Screen: f.Has("screen"), Camera: f.Has("camera")}
	if e.Required("name", f.Name, "rooms.admin.name.required") {
		e.MaxLength("name", f.Name, MaxRoomName, "form.tooLong")
	}
	var err error
	if r.Floor, err = strconv.Atoi(f.Floor); err != nil || r.Floor < MinFloor || r.Floor > MaxFloor {
		e.Add("floor", "rooms.admin.floor.invalid", "Min", MinFloor, "Max", MaxFloor)
	}
	if r.Capacity, err = strconv.Atoi(f.Capacity); err != nil || r.Capacity < 1 || r.Capacity > MaxCapacity {
		e.Add("capacity", "rooms.admin.capacity.invalid", "Max", MaxCapacity)
	}
	return r, e
}

// SaveRoom checks f and adds the room (id 0) or changes room id, with its audit line, done by
// by; it returns the room's id. A form with problems, or a name another room has, gives
// validate.Errors; an unknown id postgres.ErrNotFound.
func (s *Store) SaveRoom(ctx context.Context, id int64, f RoomForm, by audit.Actor) (int64, error) {
	r, errs := f.Validate()
	if !errs.OK() {
		return 0, errs
	}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		action := audit.RoomChanged
		var err error
		if id == 0 {
			action = audit.RoomAdded
			r, err = s.on(tx).AddRoom(ctx, r)
			id = r.ID
		} else {
			err = tx.QueryRow(ctx, `UPDATE rooms SET name = $2, floor = $3, capacity = $4, step_free = $5, hearing_loop = $6,
				screen = $7, camera = $8, bookable = $9 WHERE id = $1 RETURNING id`,
				id, r.Name, r.Floor, r.Capacity, r.StepFree, r.HearingLoop, r.Screen, r.Camera, r.Bookable).Scan(&id)
		}
		if err != nil {
			return postgres.MapError(err)
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: action, Entity: "room", EntityID: id,
			Details: map[string]any{"name": r.Name, "floor": r.Floor, "capacity": r.Capacity, "facilities": f.Facilities, "bookable": r.Bookable}})
	})
	if errors.Is(err, postgres.ErrConflict) {
		var e validate.Errors
		e.Add("name", "rooms.admin.name.taken")
		return 0, e
	}
	if err != nil {
		return 0, fmt.Errorf("rooms: save room: %w", err)
	}
	return id, nil
}

// Ahead is what a room still has ahead of it: the meetings not cancelled that have not
// ended, by booking (the first few), and how many in all.
type Ahead struct {
	Meetings int
	Bookings []AheadBooking
}

// AheadBooking is one booking with meetings ahead in a room.
type AheadBooking struct {
	ID       int64
	Title    string
	Meetings int
	Next     time.Time
}

// AheadShown is how many bookings Ahead lists at most; Meetings counts them all.
const AheadShown = 20

// MeetingsAhead returns the meetings room id has after now, for the question before it is
// retired.
func (s *Store) MeetingsAhead(ctx context.Context, id int64, now time.Time) (Ahead, error) {
	return meetingsAhead(ctx, s.db, id, now)
}

func meetingsAhead(ctx context.Context, db postgres.DBTX, id int64, now time.Time) (Ahead, error) {
	var a Ahead
	rows, err := db.Query(ctx, `SELECT b.id, b.title, count(*)::int, min(lower(o.during)), sum(count(*)) OVER ()::int
		FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
		WHERE o.room_id = $1 AND o.cancelled_at IS NULL AND upper(o.during) > $2
		GROUP BY b.id, b.title ORDER BY min(lower(o.during)), b.id LIMIT $3`, id, now, AheadShown)
	if err != nil {
		return a, fmt.Errorf("rooms: meetings ahead: %w", err)
	}
	a.Bookings, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (AheadBooking, error) {
		var b AheadBooking
		return b, row.Scan(&b.ID, &b.Title, &b.Meetings, &b.Next, &a.Meetings)
	})
	if err != nil {
		return a, fmt.Errorf("rooms: meetings ahead: %w", err)
	}
	return a, nil
}

// ErrMeetingsAhead is the answer to retiring a room that still has meetings ahead: they are
// moved or cancelled first (with the notices the booking's page sends), so that nobody comes
// to a room the house no longer offers.
type ErrMeetingsAhead struct{ Ahead Ahead }

func (e *ErrMeetingsAhead) Error() string {
	return fmt.Sprintf("rooms: %d meetings ahead", e.Ahead.Meetings)
}

// Unwrap makes errors.Is(err, postgres.ErrConflict) true.
func (e *ErrMeetingsAhead) Unwrap() error { return postgres.ErrConflict }

// Retire retires room id at now, done by by, with its audit line: the room takes no new
// meetings and leaves the lists where one chooses a room, and its bookings, meetings and keys
// stay for the history. A room with meetings ahead is refused with *ErrMeetingsAhead; a room
// retired already is left as it is.
func (s *Store) Retire(ctx context.Context, id int64, now time.Time, by audit.Actor) error {
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		// The row's lock first: a booking being made in the room finishes before the count,
		// and one made after it finds the room retired (see the table's trigger).
		var was *time.Time
		if err := tx.QueryRow(ctx, `WITH old AS (SELECT retired_at FROM rooms WHERE id = $1 FOR NO KEY UPDATE)
			UPDATE rooms r SET retired_at = coalesce(old.retired_at, $2) FROM old WHERE r.id = $1 RETURNING old.retired_at`,
			id, now).Scan(&was); err != nil {
			return postgres.MapError(err)
		}
		if was != nil {
			return nil
		}
		a, err := meetingsAhead(ctx, tx, id, now)
		if err != nil {
			return err
		}
		if a.Meetings > 0 {
			return &ErrMeetingsAhead{Ahead: a}
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.RoomRetired, Entity: "room", EntityID: id})
	})
	if err != nil {
		return fmt.Errorf("rooms: retire: %w", err)
	}
	return nil
}

// Restore brings retired room id back into use, done by by, with its audit line; a room in
// use is left as it is.
func (s *Store) Restore(ctx context.Context, id int64, by audit.Actor) error {
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var was *time.Time
		if err := tx.QueryRow(ctx, `WITH old AS (SELECT retired_at FROM rooms WHERE id = $1 FOR NO KEY UPDATE)
			UPDATE rooms r SET retired_at = NULL FROM old WHERE r.id = $1 RETURNING old.retired_at`, id).Scan(&was); err != nil {
			return postgres.MapError(err)
		}
		if was == nil {
			return nil
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.RoomRestored, Entity: "room", EntityID: id,
			Details: map[string]any{"retired_at": was}})
	})
	if err != nil {
		return fmt.Errorf("rooms: restore: %w", err)
	}
	return nil
}

// ErrRetired is the answer to a meeting in a retired room (the database refuses it).
var ErrRetired = fmt.Errorf("rooms: the room is retired: %w", postgres.ErrInvalid)

// retiredRoom reports whether err is the database refusing a meeting in a retired room (the
// trigger of migration 00035).
func retiredRoom(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.ConstraintName == "booking_occurrences_room_in_use"
}

// ErrOverCapacity is the answer to a booking that expects more people than its room holds,
// unless staff confirmed it (Booking.CapacityConfirmed).
type ErrOverCapacity struct {
	Room     string
	Capacity int
	Expected int
}

func (e *ErrOverCapacity) Error() string {
	return fmt.Sprintf("rooms: %d expected in %s, which holds %d", e.Expected, e.Room, e.Capacity)
}

// Unwrap makes errors.Is(err, postgres.ErrInvalid) true.
func (e *ErrOverCapacity) Unwrap() error { return postgres.ErrInvalid }

// AddTo adds the warning to errs, next to field (the number staff typed). The form then
// offers the box that confirms it (capacity_ok).
func (e *ErrOverCapacity) AddTo(errs *validate.Errors, field string) {
	errs.Add(field, CapacityWarning, "Count", e.Capacity, "Room", e.Room, "Expected", e.Expected)
}

// CapacityWarning is the catalogue id of the warning AddTo adds.
const CapacityWarning = "rooms.capacity.over"

// CheckCapacity answers *ErrOverCapacity when b expects more people (Expected) than its room
// holds and staff have not confirmed that they know (CapacityConfirmed); nil otherwise. Book
// checks it; an event checks it when its number or room changes without a new booking.
func (s *Store) CheckCapacity(ctx context.Context, b Booking) error {
	return checkCapacity(ctx, s.db, b)
}

func checkCapacity(ctx context.Context, db postgres.DBTX, b Booking) error {
	if b.Expected <= 0 || b.CapacityConfirmed {
		return nil
	}
	e := ErrOverCapacity{Expected: b.Expected}
	err := db.QueryRow(ctx, `SELECT name, capacity FROM rooms WHERE id = $1`, b.RoomID).Scan(&e.Room, &e.Capacity)
	switch {
	case err != nil:
		return fmt.Errorf("rooms: capacity: %w", postgres.MapError(err))
	case e.Expected > e.Capacity:
		return &e
	}
	return nil
}
