package rooms_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// A cancelled meeting is put back on in one step while its room is free, and everyone the
// cancellation told hears it is on after all (by their channel, without the theme); a slot
// taken since, a day the house has closed since, or a meeting that is not cancelled cannot be
// put back on.
func TestReinstatingACancelledMeeting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	roomID := room(t, db, "Lind")
	g := anxietyGroup(t, db, b, roomID, future(), 4)
	s := rooms.NewStore(db, mailtest.Outbox(t, db)).WithMembers(signups.People)
	occ := g.Booking.Occurrences
	for _, o := range occ[1:4] {
		if _, err := s.Cancel(ctx, g.Booking.ID, rooms.Cancellation{Occurrence: o.ID, By: staff}); err != nil {
			t.Fatal(err)
		}
	}
	before := len(notices(t, db))

	// On again: four people told, each once.
	told, err := s.Reinstate(ctx, g.Booking.ID, occ[1].ID, staff)
	if err != nil || told.Total() != 4 || told.SMS != 1 {
		t.Fatalf("reinstate: %+v %v", told, err)
	}
	list := notices(t, db)[before:]
	if len(list) != 4 {
		t.Fatalf("%d notices, want 4", len(list))
	}
	for _, q := range list {
		if !strings.Contains(q.Subject+q.Text, "likevel") {
			t.Errorf("notice to %s: %q %q", q.To, q.Subject, q.Text)
		}
	}
	noTheme(t, list)
	v, _ := s.Get(ctx, g.Booking.ID)
	if v.Occurrences[1].Cancelled {
		t.Error("the meeting is still cancelled")
	}
	// Not cancelled (any more): nothing to put back on.
	if _, err := s.Reinstate(ctx, g.Booking.ID, occ[1].ID, staff); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("reinstating a meeting that is on: %v", err)
	}
	// Another booking took the slot of the third meeting meanwhile.
	b.Booking(roomID, []rooms.Slot{{Start: occ[2].Start, End: occ[2].End}}, func(k *rooms.Booking) { k.Title = "Kurs" })
	_, err = s.Reinstate(ctx, g.Booking.ID, occ[2].ID, staff)
	var ce *rooms.ErrConflicts
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].Title != "Kurs" {
		t.Errorf("reinstating a taken slot: %v", err)
	}
	// The house closed on the fourth meeting's day since it was cancelled.
	if _, err := s.AddClosure(ctx, rooms.Closure{First: occ[3].Start, Last: occ[3].Start, Reason: "Vannskade"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reinstate(ctx, g.Booking.ID, occ[3].ID, staff); !errors.As(err, &ce) || ce.Conflicts[0].Closed == "" {
		t.Errorf("reinstating on a closed day: %v", err)
	}
	if got := len(notices(t, db)); got != before+4 {
		t.Errorf("refused reinstatements sent notices: %d, want %d", got, before+4)
	}
	// The room has been retired since: the meeting is refused as in a retired room, not as a
	// failure of the database.
	if _, err := db.Exec(ctx, `UPDATE booking_occurrences SET cancelled_at = now() WHERE room_id = $1 AND cancelled_at IS NULL`, roomID); err != nil {
		t.Fatal(err)
	}
	if err := s.Retire(ctx, roomID, time.Now(), staff); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reinstate(ctx, g.Booking.ID, occ[0].ID, staff); !errors.Is(err, rooms.ErrRetired) {
		t.Errorf("reinstating in a retired room: %v", err)
	}
}
