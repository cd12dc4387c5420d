package rooms_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Every date of a request collides: staff approve it in another room and at another time
// instead of declining. The booking is made there, the request keeps what was asked, the
// answer says exactly what was changed, and the audit line names the changes. A room that
// cannot be booked and times that are no times are explained next to their fields.
func TestApproveInAnotherRoomAtAnotherTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, mailtest.Outbox(t, db))
	staff := audit.Actor{Label: "staff@example.test"}
	fx := fixture.New(t, db)
	asked, other := fx.Room("Bjørk", 10).ID, fx.Room("Lind", 10).ID
	a := rooms.Requester{OrgID: fx.Org("Org A").ID, ReplyTo: "a@example.test", Lang: "nb"}
	day := future()
	at := func(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }
	// The asked room is taken both Tuesdays, 18:00–19:30.
	if _, err := s.Book(ctx, rooms.Booking{RoomID: asked, Title: "AA", Holder: "internal", Frequency: rooms.Weekly, OverrideReason: "test"},
		rooms.Series{First: day, Start: at(18, 0), End: at(19, 30), Frequency: rooms.Weekly, Count: 2}.Slots(), false); err != nil {
		t.Fatal(err)
	}
	id, err := s.RequestSlot(ctx, a, asked, "Likepersonsmøte",
		rooms.Series{First: day, Start: at(18, 0), End: at(19, 30), Frequency: rooms.Weekly, Until: day.AddDate(0, 0, 7)}, "")
	if err != nil {
		t.Fatal(err)
	}
	approve := func(room int64, start, end string) error {
		_, _, err := s.Decide(ctx, id, rooms.Decision{Now: time.Now(), Approve: true, Override: "test", RoomID: room, Start: start, End: end}, staff)
		return err
	}
	var ce *rooms.ErrConflicts
	if err := approve(0, "", ""); !errors.As(err, &ce) || len(ce.Conflicts) != 2 || ce.Free != 0 {
		t.Fatalf("approve as asked: %v", err)
	}
	var errs validate.Errors
	if err := approve(other, "kveld", "19:00"); !errors.As(err, &errs) || !errs.Has("start") || errs.Has("end") {
		t.Errorf("a start that is no time: %v", err)
	}
	if err := approve(other, "20:00", "19:00"); !errors.As(err, &errs) || !errs.Has("end") {
		t.Errorf("an end before the start: %v", err)
	}
	if err := approve(other+1000, "", ""); !errors.As(err, &errs) || !errs.Has("room") {
		t.Errorf("a room that does not exist: %v", err)
	}
	retired := fx.Room("Gammelstua", 10).ID
	db.Exec(ctx, `UPDATE rooms SET retired_at = now() WHERE id = $1`, retired)
	if err := approve(retired, "", ""); !errors.As(err, &errs) || !errs.Has("room") {
		t.Errorf("a retired room: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log`) + count(t, db, `SELECT count(*) FROM outbox`); n != 0 {
		t.Fatalf("%d audit lines and mails after refused approvals", n)
	}

	q, res, err := s.Decide(ctx, id, rooms.Decision{Now: time.Now(), Approve: true, Override: "test", RoomID: other, Start: "19:00", End: "20:15"}, staff)
	if err != nil || res.Booked != 2 || q.Status != rooms.Approved || q.RoomName != "Lind" {
		t.Fatalf("approve in another room at another time: %+v %+v %v", q, res, err)
	}
	v, err := s.Get(ctx, res.BookingID)
	if err != nil || v.RoomID != other || len(v.Occurrences) != 2 || v.Occurrences[0].Start.Sub(day) != at(19, 0) || v.Occurrences[0].End.Sub(day) != at(20, 15) {
		t.Errorf("the booking made: %+v %v", v, err)
	}
	if stored, err := s.GetRequest(ctx, id); err != nil || stored.RoomID != asked || stored.Series.Start != at(18, 0) || stored.BookingID != res.BookingID {
		t.Errorf("the request should keep what was asked and link the booking: %+v %v", stored, err)
	}
	m := mailtest.Last(t, db, "a@example.test")
	for _, want := range []string{"rom Lind", "kl. 19.00", "Merk: Vi har booket rom Lind. Du ba om Bjørk.", "Merk: Vi har booket tiden 19.00–20.15. Du ba om 18.00–19.30."} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the answer lacks %q:\n%s", want, m.Text)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'room_request.approved'
		AND details->'changed' = '["room", "time"]'::jsonb AND (details->>'room_id')::bigint = $1`, other); n != 1 {
		t.Errorf("%d audit lines naming the changes", n)
	}
}

// Approved as asked, the answer says nothing was changed.
func TestApproveAsAskedTellsNoChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, mailtest.Outbox(t, db))
	fx := fixture.New(t, db)
	room := fx.Room("Bjørk", 10).ID
	a := rooms.Requester{OrgID: fx.Org("Org A").ID, ReplyTo: "a@example.test", Lang: "en"}
	id, err := s.RequestSlot(ctx, a, room, "Møte", rooms.Series{First: future(), Start: 18 * time.Hour, End: 19 * time.Hour, Frequency: rooms.Once}, "")
	if err != nil {
		t.Fatal(err)
	}
	// The room and times as asked, typed into the form, are no change.
	if _, _, err := s.Decide(ctx, id, rooms.Decision{Now: time.Now(), Approve: true, Override: "test", RoomID: room, Start: "18:00", End: "19:00"},
		audit.Actor{Label: "staff"}); err != nil {
		t.Fatal(err)
	}
	if m := mailtest.Last(t, db, "a@example.test"); strings.Contains(m.Text, "Please note") || !strings.Contains(m.Text, "Bjørk") {
		t.Errorf("the answer:\n%s", m.Text)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE details->'changed' = '[]'::jsonb`); n != 1 {
		t.Errorf("%d audit lines with no change", n)
	}
}
