package rooms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Room is a meeting room.
type Room struct {
	ID          int64
	Name        string
	Floor       int
	Capacity    int
	StepFree    bool
	HearingLoop bool
	Screen      bool
	Camera      bool
	Bookable    bool       // partners and groups' contacts may ask for it
	RetiredAt   *time.Time // nil: in use; a retired room takes no new meetings
}

// Hybrid says whether a group can meet in the room and online at once: screen and camera.
func (r Room) Hybrid() bool { return r.Screen && r.Camera }

// Retired says whether the room is retired.
func (r Room) Retired() bool { return r.RetiredAt != nil }

// roomColumns are the columns of a Room, in its order.
const roomColumns = `id, name, floor, capacity, step_free, hearing_loop, screen, camera, bookable, retired_at`

// Store reads and books rooms, keeps the house's hours and closures, and takes and answers
// the requests of partners and groups' contact persons.
type Store struct {
	db      postgres.DBTX
	out     *mail.Outbox
	members MembersFunc // who a cancellation tells besides the contact; see WithMembers
}

// NewStore returns a Store on db: a pool, or a transaction that the store's use cases then
// join (each opens its own with postgres.InTx, a savepoint inside the caller's). out queues
// the answers and links that Decide and SendContactLink mail; a caller that uses neither
// (another feature booking a room, a report reading the hours) may pass nil.
func NewStore(db postgres.DBTX, out *mail.Outbox) *Store { return &Store{db: db, out: out} }

// on is the store on tx, for the steps of a use case that share its transaction.
func (s *Store) on(tx pgx.Tx) *Store { return &Store{db: tx, out: s.out, members: s.members} }

// Rooms lists the rooms in use by name (the house has a handful): the rooms to choose from
// when booking, asking for a room or placing an event. Retired rooms are left out.
func (s *Store) Rooms(ctx context.Context) ([]Room, error) { return s.RoomsWith(ctx, 0) }

// RoomsWith is Rooms and, retired or not, the room with id keep: the room a form already
// holds (an event of last year in a room since retired) stays a choice, so editing it does
// not move it.
func (s *Store) RoomsWith(ctx context.Context, keep int64) ([]Room, error) {
	return s.listRooms(ctx, `WHERE retired_at IS NULL OR id = $1`, keep)
}

// AllRooms lists every room, retired ones too, by name: the rooms admin's list.
func (s *Store) AllRooms(ctx context.Context) ([]Room, error) {
	return s.listRooms(ctx, ``)
}

// listRooms lists the rooms of where (a WHERE clause or nothing), those in use first.
func (s *Store) listRooms(ctx context.Context, where string, args ...any) ([]Room, error) {
	rows, err := s.db.Query(ctx, `SELECT `+roomColumns+` FROM rooms `+where+`
		ORDER BY retired_at IS NOT NULL, name COLLATE "nb-NO-x-icu" LIMIT 100`, args...)
	if err != nil {
		return nil, fmt.Errorf("rooms: list: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Room])
	if err != nil {
		return nil, fmt.Errorf("rooms: list: %w", err)
	}
	return list, nil
}

// AddRoom adds a room of the house and returns it with its id. A name taken already is
// postgres.ErrConflict; a capacity outside 1–500 or a name of more than 80 characters is
// postgres.ErrInvalid. It writes no audit line: staff add rooms with SaveRoom.
func (s *Store) AddRoom(ctx context.Context, r Room) (Room, error) {
	err := s.db.QueryRow(ctx, `INSERT INTO rooms (name, floor, capacity, step_free, hearing_loop, screen, camera, bookable)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.Name, r.Floor, r.Capacity, r.StepFree, r.HearingLoop, r.Screen, r.Camera, r.Bookable).Scan(&r.ID)
	if err != nil {
		return Room{}, fmt.Errorf("rooms: add %q: %w", r.Name, postgres.MapError(err))
	}
	return r, nil
}

// Room returns the room with id.
func (s *Store) Room(ctx context.Context, id int64) (Room, error) {
	rows, err := s.db.Query(ctx, `SELECT `+roomColumns+` FROM rooms WHERE id = $1`, id)
	if err != nil {
		return Room{}, fmt.Errorf("rooms: get: %w", err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Room])
	if err != nil {
		return r, fmt.Errorf("rooms: get: %w", postgres.MapError(err))
	}
	return r, nil
}

// Booking is what a booking is for, before its meetings.
type Booking struct {
	ID             int64
	RoomID         int64
	Title          string
	Holder         string // group, org or internal
	GroupID        int64
	OrgID          int64
	Frequency      string
	Standing       bool
	OverrideReason string
	CreatedBy      int64
	// Expected is how many people staff expect (0: not said). More than the room holds is
	// refused with *ErrOverCapacity unless CapacityConfirmed: staff saw the warning and book
	// anyway (extra chairs, or not everyone comes).
	Expected          int
	CapacityConfirmed bool
}

// Conflict is a meeting that cannot be booked, and why: another booking in the room, or the
// house being closed.
type Conflict struct {
	Slot
	Title   string // the booking in the way; empty when the house is closed
	Closed  string // catalogue id of the reason the house is closed, or ""
	Holiday string
}

// ErrConflicts carries the meetings that collide, and how many of those asked for are free:
// the handler shows them, and offers to book the free ones only when there are some.
type ErrConflicts struct {
	Conflicts []Conflict
	Free      int
}

func (e *ErrConflicts) Error() string {
	return fmt.Sprintf("rooms: %d meetings collide", len(e.Conflicts))
}

// Unwrap makes errors.Is(err, postgres.ErrConflict) true.
func (e *ErrConflicts) Unwrap() error { return postgres.ErrConflict }

// Result is a saved booking: its id, and the meetings skipped because they collided.
type Result struct {
	BookingID int64
	Booked    int
	Skipped   []Conflict
	cancelled []time.Time // an approved cancellation: the meeting it cancelled
}

// Extend adds meetings to a recurring booking (a standing agreement for a new season) after
// its last meeting, on the same weekday, at the same local times and frequency, up to and
// including until. Collisions are handled as in Book.
func (s *Store) Extend(ctx context.Context, bookingID int64, until time.Time, skip bool) (Result, error) {
	v, err := s.Get(ctx, bookingID)
	if err != nil {
		return Result{}, err
	}
	if v.Frequency == Once || len(v.Occurrences) == 0 {
		return Result{}, fmt.Errorf("rooms: extend a one-off booking: %w", postgres.ErrInvalid)
	}
	last := v.Occurrences[len(v.Occurrences)-1]
	step := 7
	if v.Frequency == Biweekly {
		step = 14
	}
	start := last.Start.In(tz.Oslo)
	day := tz.Midnight(start)
	sr := Series{First: day.AddDate(0, 0, step), Start: start.Sub(day), End: last.End.In(tz.Oslo).Sub(day),
		Frequency: v.Frequency, Until: until}
	slots := sr.Slots()
	if len(slots) == 0 || sr.First.After(tz.Midnight(until)) {
		return Result{}, fmt.Errorf("rooms: nothing to extend: %w", postgres.ErrInvalid)
	}
	return s.Book(ctx, v.Booking, slots, skip)
}

// Book saves b with the meetings of slots. Meetings that collide with another booking, or
// fall outside the opening hours or on a closure, are refused with ErrConflicts listing them,
// unless skip is set: then the free ones are booked and the others listed as skipped. Closed
// hours are allowed when b has an override reason.
//
// Inserts into one room are serialised with a transaction-level advisory lock on the room:
// many requests for one slot then queue instead of deadlocking inside the exclusion
// constraint. The constraint stays the guarantee; a violation it still reports (a booking
// made by another path) is answered as a conflict, never as a failure. Book runs in a
// transaction of its own, a savepoint when the store is on the caller's transaction (an
// event that books its room, a request being approved).
func (s *Store) Book(ctx context.Context, b Booking, slots []Slot, skip bool) (Result, error) {
	var res Result
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		res, err = book(ctx, tx, b, slots, skip)
		return err
	})
	return res, s.conflictOrError(ctx, b, slots, err)
}

// conflictOrError turns a constraint violation that slipped past the check (a booking made by
// another path) into the list of what is there now; other errors pass through. On a caller's
// transaction the failed booking's savepoint is rolled back by then, so the list can still be
// read on it.
func (s *Store) conflictOrError(ctx context.Context, b Booking, slots []Slot, err error) error {
	var ce *ErrConflicts
	switch {
	case err == nil, errors.As(err, &ce):
		return err
	case retiredRoom(err):
		return ErrRetired
	case errors.Is(postgres.MapError(err), postgres.ErrConflict):
		c, cerr := conflicts(ctx, s.db, b.RoomID, slots, true)
		if cerr != nil {
			return cerr
		}
		return &ErrConflicts{Conflicts: c, Free: len(slots) - len(c)}
	}
	return fmt.Errorf("rooms: book: %w", err)
}

// book is Book's work on its transaction: the room's lock, the check and the rows.
func book(ctx context.Context, tx pgx.Tx, b Booking, slots []Slot, skip bool) (Result, error) {
	var res Result
	if err := checkCapacity(ctx, tx, b); err != nil {
		return res, err
	}
	found, err := checkFor(ctx, tx, b.RoomID, b.GroupID, slots, b.OverrideReason != "", true)
	if err != nil {
		return res, err
	}
	if len(found) > 0 && !skip || len(found) == len(slots) {
		return res, &ErrConflicts{Conflicts: found, Free: len(slots) - len(found)}
	}
	res.Skipped = found
	return res, insert(ctx, tx, b, free(slots, found), &res)
}

func insert(ctx context.Context, tx pgx.Tx, b Booking, slots []Slot, res *Result) error {
	if b.ID != 0 {
		res.BookingID = b.ID
		return insertOccurrences(ctx, tx, b, slots, res)
	}
	var group, org, by *int64
	if b.GroupID != 0 {
		group = &b.GroupID
	}
	if b.OrgID != 0 {
		org = &b.OrgID
	}
	if b.CreatedBy != 0 {
		by = &b.CreatedBy
	}
	ranges := tstzranges(slots)
	// The booking and its meetings in one statement: one round trip fewer while the room's
	// lock is held.
	return tx.QueryRow(ctx, `WITH b AS (
			INSERT INTO bookings (room_id, title, holder, group_id, org_id, frequency, standing, override_reason, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id),
		o AS (INSERT INTO booking_occurrences (booking_id, room_id, during)
			SELECT b.id, $1, r FROM b, unnest($10::tstzrange[]) AS r RETURNING 1)
		SELECT (SELECT id FROM b), (SELECT count(*) FROM o)`,
		b.RoomID, b.Title, b.Holder, group, org, b.Frequency, b.Standing, b.OverrideReason, by, ranges).Scan(&res.BookingID, &res.Booked)
}

func insertOccurrences(ctx context.Context, tx pgx.Tx, b Booking, slots []Slot, res *Result) error {
	ranges := tstzranges(slots)
	tag, err := tx.Exec(ctx, `INSERT INTO booking_occurrences (booking_id, room_id, during)
		SELECT $1, $2, r FROM unnest($3::tstzrange[]) AS r`, res.BookingID, b.RoomID, ranges)
	res.Booked = int(tag.RowsAffected())
	return err
}

func tstzranges(slots []Slot) []pgtype.Range[pgtype.Timestamptz] {
	ranges := make([]pgtype.Range[pgtype.Timestamptz], len(slots))
	for i, sl := range slots {
		ranges[i] = tstzrange(sl)
	}
	return ranges
}

func tstzrange(sl Slot) pgtype.Range[pgtype.Timestamptz] {
	return pgtype.Range[pgtype.Timestamptz]{
		Lower: pgtype.Timestamptz{Time: sl.Start, Valid: true}, Upper: pgtype.Timestamptz{Time: sl.End, Valid: true},
		LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true,
	}
}

// free returns the slots that are not in conflicts.
func free(slots []Slot, conflicts []Conflict) []Slot {
	var out []Slot
	for _, sl := range slots {
		taken := false
		for _, c := range conflicts {
			if c.Start.Equal(sl.Start) {
				taken = true
				break
			}
		}
		if !taken {
			out = append(out, sl)
		}
	}
	return out
}
