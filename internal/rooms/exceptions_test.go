package rooms_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// A standing exception lets its group (or every booking in its room) meet when the house is
// otherwise closed, with no reason on the booking; another group, a time past the exception,
// and a public holiday are still refused; deleting it gives back what the undo needs.
func TestStandingExceptionsToTheOpeningHours(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	s := rooms.NewStore(db, nil)
	lind, eik := room(t, db, "Lind"), room(t, db, "Eik")
	alanon := b.Group(fixture.Named("Al-Anon søndag"), fixture.Meets(7, "18:00", "19:30"))
	other := b.Group(fixture.Named("Sorggruppe"))
	// Sundays in 2027 from 7 March (the house's hours close Sundays), and Easter Sunday.
	sunday := time.Date(2027, 3, 7, 0, 0, 0, 0, tz.Oslo)
	slot := func(d time.Time, from, to time.Duration) []rooms.Slot {
		return []rooms.Slot{{Start: d.Add(from), End: d.Add(to)}}
	}
	book := func(roomID, groupID int64, slots []rooms.Slot) error {
		_, err := s.Book(ctx, rooms.Booking{RoomID: roomID, Title: "Møte", Holder: "group", GroupID: groupID, Frequency: rooms.Once}, slots, false)
		return err
	}
	closed := func(err error, want string) bool {
		var ce *rooms.ErrConflicts
		return errors.As(err, &ce) && len(ce.Conflicts) == 1 && ce.Conflicts[0].Closed == want
	}
	if err := book(lind, alanon.ID, slot(sunday, 18*time.Hour, 19*time.Hour+30*time.Minute)); !closed(err, "rooms.closed.hours") {
		t.Fatalf("a Sunday meeting without an exception: %v", err)
	}
	f := rooms.ParseException(url.Values{"weekday": {"7"}, "opens": {"17:00"}, "closes": {"21:00"}, "group": {strconv.FormatInt(alanon.ID, 10)}})
	x, errs := f.Validate()
	if !errs.OK() {
		t.Fatal(errs)
	}
	id, err := s.AddException(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if err := book(lind, alanon.ID, slot(sunday, 18*time.Hour, 19*time.Hour+30*time.Minute)); err != nil {
		t.Errorf("the group's Sunday meeting under its exception: %v", err)
	}
	next := sunday.AddDate(0, 0, 7)
	if err := book(lind, other.ID, slot(next, 18*time.Hour, 19*time.Hour)); !closed(err, "rooms.closed.hours") {
		t.Errorf("another group on Sunday: %v", err)
	}
	if err := book(lind, alanon.ID, slot(next, 20*time.Hour, 22*time.Hour)); !closed(err, "rooms.closed.hours") {
		t.Errorf("past the exception's end: %v", err)
	}
	easter := rooms.Easter(2027)
	if err := book(lind, alanon.ID, slot(easter, 18*time.Hour, 19*time.Hour)); !closed(err, "rooms.closed.holiday") {
		t.Errorf("Easter Sunday under the exception: %v", err)
	}
	// A room's exception: anyone booking Eik on Sunday afternoons.
	x, _ = rooms.ParseException(url.Values{"weekday": {"7"}, "opens": {"12:00"}, "closes": {"16:00"}, "room": {strconv.FormatInt(eik, 10)}}).Validate()
	if _, err := s.AddException(ctx, x); err != nil {
		t.Fatal(err)
	}
	if err := book(eik, other.ID, slot(next, 13*time.Hour, 14*time.Hour)); err != nil {
		t.Errorf("a booking in the room with an exception: %v", err)
	}
	if err := book(lind, other.ID, slot(next, 13*time.Hour, 14*time.Hour)); !closed(err, "rooms.closed.hours") {
		t.Errorf("the room's exception let another room through: %v", err)
	}
	list, err := s.Exceptions(ctx)
	if err != nil || len(list) != 2 || list[0].RoomName != "Eik" || list[1].GroupName != "Al-Anon søndag" {
		t.Fatalf("the list: %+v %v", list, err)
	}
	gone, err := s.DeleteException(ctx, id)
	if err != nil || rooms.FormOfException(gone) != f {
		t.Fatalf("deleted %+v (form %+v, want %+v): %v", gone, rooms.FormOfException(gone), f, err)
	}
	if err := book(lind, alanon.ID, slot(next, 18*time.Hour, 19*time.Hour)); !closed(err, "rooms.closed.hours") {
		t.Errorf("the exception still holds after its deletion: %v", err)
	}
}

func TestExceptionFormValidation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v     url.Values
		field string
	}{
		{url.Values{"weekday": {"8"}, "opens": {"17:00"}, "closes": {"21:00"}, "room": {"1"}}, "weekday"},
		{url.Values{"weekday": {"7"}, "opens": {"nå"}, "closes": {"21:00"}, "room": {"1"}}, "opens"},
		{url.Values{"weekday": {"7"}, "opens": {"17:00"}, "closes": {"16:00"}, "room": {"1"}}, "closes"},
		{url.Values{"weekday": {"7"}, "opens": {"17:00"}, "closes": {"21:00"}}, "group"},
	} {
		if _, errs := rooms.ParseException(c.v).Validate(); !errs.Has(c.field) {
			t.Errorf("%v: no error at %s (%v)", c.v, c.field, errs)
		}
	}
}
