package rooms_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

var admin = audit.Actor{Label: "admin@example.test"}

// auditActions lists the actions of the audit lines about room id, oldest first.
func auditActions(t *testing.T, db *pgxpool.Pool, id int64) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT action FROM audit_log WHERE entity = 'room' AND entity_id = $1 ORDER BY id`, strconv.FormatInt(id, 10))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestRoomFormValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values url.Values
		bad    []string // fields with a problem
		want   rooms.Room
	}{
		{"a full room", url.Values{"name": {" Eikerommet "}, "floor": {"6"}, "capacity": {"12"}, "bookable": {"on"},
			"facilities": {"camera", "step_free", "screen", "hearing_loop", "jacuzzi", "camera"}}, nil,
			rooms.Room{Name: "Eikerommet", Floor: 6, Capacity: 12, StepFree: true, HearingLoop: true, Screen: true, Camera: true, Bookable: true}},
		{"the ground floor, nothing else", url.Values{"name": {"Kjelleren"}, "floor": {"0"}, "capacity": {"1"}}, nil,
			rooms.Room{Name: "Kjelleren", Capacity: 1}},
		{"nothing typed", url.Values{}, []string{"name", "floor", "capacity"}, rooms.Room{}},
		{"out of range", url.Values{"name": {"Loftet"}, "floor": {"51"}, "capacity": {"501"}}, []string{"floor", "capacity"}, rooms.Room{}},
		{"not numbers", url.Values{"name": {"Loftet"}, "floor": {"sjette"}, "capacity": {"0"}}, []string{"floor", "capacity"}, rooms.Room{}},
		{"a long name", url.Values{"name": {string(make([]byte, 81))}, "floor": {"6"}, "capacity": {"4"}}, []string{"name"}, rooms.Room{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f rooms.RoomForm
			f.Parse(tt.values)
			r, errs := f.Validate()
			var bad []string
			for _, e := range errs {
				bad = append(bad, e.Field)
			}
			if !slices.Equal(bad, tt.bad) {
				t.Fatalf("problems with %v, want %v", bad, tt.bad)
			}
			if errs.OK() && r != tt.want {
				t.Errorf("room %+v, want %+v", r, tt.want)
			}
			// The form comes back as typed, and so does a room's form.
			if errs.OK() && !slices.Equal(rooms.RoomFormOf(r).Facilities, f.Facilities) {
				t.Errorf("facilities %v, form of the room %v", f.Facilities, rooms.RoomFormOf(r).Facilities)
			}
		})
	}
}

func TestSaveRoomAddsAndChangesWithAnAuditLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	form := rooms.RoomForm{Name: "Eikerommet", Floor: "6", Capacity: "8", Facilities: []string{"step_free", "screen"}, Bookable: true}
	id, err := s.SaveRoom(ctx, 0, form, admin)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Room(ctx, id)
	want := rooms.Room{ID: id, Name: "Eikerommet", Floor: 6, Capacity: 8, StepFree: true, Screen: true, Bookable: true}
	if err != nil || got != want {
		t.Fatalf("added %+v, %v; want %+v", got, err, want)
	}
	form.Capacity, form.Facilities, form.Bookable = "10", []string{"hearing_loop", "camera", "screen"}, false
	if _, err := s.SaveRoom(ctx, id, form, admin); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.Room(ctx, id); got.Capacity != 10 || got.StepFree || !got.HearingLoop || !got.Hybrid() || got.Bookable {
		t.Errorf("changed %+v", got)
	}
	if a := auditActions(t, db, id); !slices.Equal(a, []string{audit.RoomAdded, audit.RoomChanged}) {
		t.Errorf("audit lines %v", a)
	}

	// A name in use is a problem with the name, not a failure; nothing is written.
	other, err := s.SaveRoom(ctx, 0, rooms.RoomForm{Name: "Bøkerommet", Floor: "6", Capacity: "4"}, admin)
	if err != nil {
		t.Fatal(err)
	}
	var errs validate.Errors
	_, err = s.SaveRoom(ctx, other, rooms.RoomForm{Name: "Eikerommet", Floor: "6", Capacity: "4"}, admin)
	if !errors.As(err, &errs) || !errs.Has("name") {
		t.Errorf("a taken name: %v", err)
	}
	if _, err = s.SaveRoom(ctx, 0, rooms.RoomForm{Name: "", Floor: "6", Capacity: "4"}, admin); !errors.As(err, &errs) || !errs.Has("name") {
		t.Errorf("no name: %v", err)
	}
	if a := auditActions(t, db, other); !slices.Equal(a, []string{audit.RoomAdded}) {
		t.Errorf("audit lines of a refused change: %v", a)
	}
	if _, err := s.SaveRoom(ctx, 999999, form, admin); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("an unknown room: %v", err)
	}
}

// Must show: a retired room keeps its history, takes no new meeting (not even a cancelled one
// brought back, which the database refuses), leaves the lists where one chooses a room, and
// comes back.
func TestRetiredRoomKeepsItsHistoryAndTakesNoMeetings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id, other := room(t, db, "Furu"), room(t, db, "Gran")
	now := tuesday.AddDate(0, 0, 14).Add(12 * time.Hour)
	past, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "Sorggruppe", Holder: "internal", Frequency: rooms.Weekly}, weekly(tuesday, 2), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Retire(ctx, id, now, admin); err != nil {
		t.Fatal(err)
	}
	if err := s.Retire(ctx, id, now.Add(time.Hour), admin); err != nil { // twice: nothing new
		t.Fatal(err)
	}
	r, err := s.Room(ctx, id)
	if err != nil || !r.Retired() || !r.RetiredAt.Equal(now) {
		t.Fatalf("retired room %+v, %v", r, err)
	}
	if v, err := s.Get(ctx, past.BookingID); err != nil || len(v.Occurrences) != 2 || v.RoomName != "Furu" {
		t.Errorf("its history: %+v, %v", v, err)
	}
	names := func(list []rooms.Room, err error) []string {
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range list {
			out = append(out, r.Name)
		}
		return out
	}
	if got := names(s.Rooms(ctx)); !slices.Equal(got, []string{"Gran"}) {
		t.Errorf("rooms to choose from: %v", got)
	}
	if got := names(s.RoomsWith(ctx, id)); !slices.Equal(got, []string{"Gran", "Furu"}) {
		t.Errorf("rooms to choose from, keeping the form's: %v", got)
	}
	if got := names(s.AllRooms(ctx)); !slices.Equal(got, []string{"Gran", "Furu"}) {
		t.Errorf("every room, retired last: %v", got)
	}
	free, err := s.FreeRooms(ctx, weekly(tuesday.AddDate(0, 0, 28), 2))
	if err != nil || len(free) != 1 || free[0].ID != other {
		t.Errorf("free rooms: %+v, %v", free, err)
	}
	ahead := rooms.Booking{RoomID: id, Title: "Ny gruppe", Holder: "internal", Frequency: rooms.Weekly}
	if _, err := s.Book(ctx, ahead, weekly(tuesday.AddDate(0, 0, 28), 2), false); !errors.Is(err, rooms.ErrRetired) {
		t.Errorf("booking a retired room: %v", err)
	}
	if _, err := s.RequestSlot(ctx, rooms.Requester{OrgID: orgFor(t, db), ReplyTo: "p@example.test", Lang: "nb"}, id, "Kurs",
		rooms.Series{First: tuesday.AddDate(0, 1, 0), Start: 18 * time.Hour, End: 19 * time.Hour, Frequency: rooms.Once}, ""); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("asking for a retired room: %v", err)
	}
	// The database is the guarantee: a cancelled meeting cannot come back in a retired room.
	if _, err := s.CancelBooking(ctx, past.BookingID, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE booking_occurrences SET cancelled_at = NULL WHERE booking_id = $1`, past.BookingID); !errors.Is(postgres.MapError(err), postgres.ErrInvalid) {
		t.Errorf("a meeting brought back in a retired room: %v", err)
	}

	if err := s.Restore(ctx, id, admin); err != nil {
		t.Fatal(err)
	}
	if err := s.Restore(ctx, id, admin); err != nil { // twice: nothing new
		t.Fatal(err)
	}
	if _, err := s.Book(ctx, ahead, weekly(tuesday.AddDate(0, 0, 28), 2), false); err != nil {
		t.Errorf("booking the room brought back: %v", err)
	}
	if a := auditActions(t, db, id); !slices.Equal(a, []string{audit.RoomRetired, audit.RoomRestored}) {
		t.Errorf("audit lines %v", a)
	}
	if err := s.Retire(ctx, 999999, now, admin); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("retiring an unknown room: %v", err)
	}
}

// orgFor adds a partner organisation and returns its id.
func orgFor(t *testing.T, db *pgxpool.Pool) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `INSERT INTO orgs (name, kind) VALUES ('Partner', 'voluntary') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// Must show: a room with meetings ahead is not retired; the answer says how many and in which
// bookings. Once they are cancelled it can be.
func TestRetireRefusesARoomWithMeetingsAhead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id := room(t, db, "Lind")
	now := tuesday.Add(19 * time.Hour) // during the first meeting: it has not ended
	b, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "AA Lind", Holder: "internal", Frequency: rooms.Weekly}, weekly(tuesday, 3), false)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Retire(ctx, id, now, admin)
	var ma *rooms.ErrMeetingsAhead
	if !errors.As(err, &ma) || ma.Ahead.Meetings != 3 || len(ma.Ahead.Bookings) != 1 || ma.Ahead.Bookings[0].Title != "AA Lind" ||
		ma.Ahead.Bookings[0].Meetings != 3 || !ma.Ahead.Bookings[0].Next.Equal(weekly(tuesday, 1)[0].Start) {
		t.Fatalf("retiring with meetings ahead: %v %+v", err, ma)
	}
	if r, _ := s.Room(ctx, id); r.Retired() {
		t.Error("the refused room was retired")
	}
	if a := auditActions(t, db, id); len(a) != 0 {
		t.Errorf("audit lines of a refusal: %v", a)
	}
	a, err := s.MeetingsAhead(ctx, id, weekly(tuesday, 3)[2].End)
	if err != nil || a.Meetings != 0 || len(a.Bookings) != 0 {
		t.Errorf("after the last meeting: %+v, %v", a, err)
	}
	if _, err := s.CancelBooking(ctx, b.BookingID, "rommet avvikles"); err != nil {
		t.Fatal(err)
	}
	if err := s.Retire(ctx, id, now, admin); err != nil {
		t.Errorf("retiring once the meetings are cancelled: %v", err)
	}
}

// Must show: many bookings racing one retirement never leave a meeting ahead in a retired
// room: each booking either lands before the retirement (which is then refused) or is refused.
func TestRetireRacingBookings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id := room(t, db, "Osp")
	now := tuesday.Add(-24 * time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, 9)
	for i := range 8 {
		wg.Go(func() {
			_, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "Kappløp", Holder: "internal", Frequency: rooms.Once},
				weekly(tuesday.AddDate(0, 0, 7*i), 1), false)
			if err != nil && !errors.Is(err, rooms.ErrRetired) {
				errs <- err
			}
		})
	}
	wg.Go(func() {
		var ma *rooms.ErrMeetingsAhead
		if err := s.Retire(ctx, id, now, admin); err != nil && !errors.As(err, &ma) {
			errs <- err
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	r, err := s.Room(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.MeetingsAhead(ctx, id, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Retired() && a.Meetings > 0 {
		t.Errorf("retired with %d meetings ahead", a.Meetings)
	}
}

// Must show: a retirement that comes while a booking in the room is being made waits for it,
// then sees its meetings and is refused (it never retires a room under a booking it cannot
// see yet). Whether the retirement waits is read from PostgreSQL, not guessed by a sleep.
func TestRetireWaitsForABookingBeingMade(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	id := room(t, db, "Osp")
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := rooms.NewStore(tx, nil).Book(ctx, rooms.Booking{RoomID: id, Title: "Midt i", Holder: "internal", Frequency: rooms.Once},
		weekly(tuesday, 1), false); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- rooms.NewStore(db, nil).Retire(ctx, id, tuesday.Add(-time.Hour), admin) }()
	waiting := false
	for !waiting {
		select {
		case err := <-done:
			t.Fatalf("the retirement did not wait for the booking being made: %v", err)
		default:
		}
		if err := db.QueryRow(ctx, `SELECT count(*) > 0 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var ma *rooms.ErrMeetingsAhead
	if err := <-done; !errors.As(err, &ma) || ma.Ahead.Meetings != 1 {
		t.Errorf("the retirement after the booking: %v", err)
	}
}

// Must show: more people than the room holds are refused with the room's numbers, unless
// staff confirm; as many as it holds, or nothing said, book as before.
func TestBookWarnsWhenTheRoomIsTooSmall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id := room(t, db, "Lind") // ten places
	b := rooms.Booking{RoomID: id, Title: "Intromøte", Holder: "internal", Frequency: rooms.Once, Expected: 11}
	_, err := s.Book(ctx, b, weekly(tuesday, 1), false)
	var oc *rooms.ErrOverCapacity
	if !errors.As(err, &oc) || oc.Room != "Lind" || oc.Capacity != 10 || oc.Expected != 11 {
		t.Fatalf("11 in a room for 10: %v", err)
	}
	var errs validate.Errors
	oc.AddTo(&errs, "expected")
	if e, ok := errs.Get("expected"); !ok || e.Msg != rooms.CapacityWarning {
		t.Errorf("the warning next to the field: %+v", errs)
	}
	for i, b := range []rooms.Booking{
		{RoomID: id, Title: "Bekreftet", Holder: "internal", Frequency: rooms.Once, Expected: 11, CapacityConfirmed: true},
		{RoomID: id, Title: "Akkurat", Holder: "internal", Frequency: rooms.Once, Expected: 10},
		{RoomID: id, Title: "Ikke sagt", Holder: "internal", Frequency: rooms.Once},
	} {
		if _, err := s.Book(ctx, b, weekly(tuesday.AddDate(0, 0, 7*(i+1)), 1), false); err != nil {
			t.Errorf("%s: %v", b.Title, err)
		}
	}
}
