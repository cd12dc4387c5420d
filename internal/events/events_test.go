package events_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// store is a Store on a fresh database whose mail is queued in its outbox.
func store(t *testing.T) (*events.Store, *pgxpool.Pool) {
	t.Helper()
	db := pgtest.New(t)
	return events.NewStore(db, mailtest.Outbox(t, db)), db
}

// event saves a published digital event starting at starts with capacity places.
func event(t *testing.T, s *events.Store, starts time.Time, capacity int) int64 {
	t.Helper()
	local := starts.In(tz.Oslo)
	f := events.Form{Kind: events.Coffee, Title: "Digitalt kaffetreff", Date: local.Format(time.DateOnly), Start: local.Format("15:04"),
		End: local.Add(time.Hour).Format("15:04"), Format: events.Digital, MeetingLink: "https://zoom.example/j/123", Capacity: fmt.Sprint(capacity), Published: true}
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	id, _, err := s.Save(context.Background(), 0, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func person(i int) events.SignupForm {
	return events.SignupForm{FirstName: fmt.Sprintf("P%02d", i), Email: fmt.Sprintf("p%02d@example.test", i), Adult: true, Consent: true}
}

// nextWeek is a day at 18:00 a week ahead (whole hours, so the form can hold it).
func nextWeek() time.Time {
	d := tz.Midnight(time.Now()).AddDate(0, 0, 7)
	return d.Add(18 * time.Hour)
}

// Must show: 50 sign-ups at once for 10 places leave exactly 10 confirmed and 40 waiting, in
// arrival order; a cancellation offers the place to the first one waiting.
func TestFiftyAtOnceForTenPlaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := store(t)
	id := event(t, s, nextWeek(), 10)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if _, err := s.SignUp(ctx, id, person(i), "nb", time.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	list, total, err := s.Signups(ctx, id, 100, 0)
	if err != nil || total != 50 {
		t.Fatalf("%d sign-ups, %v", total, err)
	}
	confirmed, waiting := 0, 0
	var lastConfirmed, firstWaiting int64
	for _, g := range list {
		switch g.Status {
		case events.Confirmed:
			confirmed++
			lastConfirmed = max(lastConfirmed, g.ID)
		case events.Waiting:
			waiting++
			if firstWaiting == 0 || g.ID < firstWaiting {
				firstWaiting = g.ID
			}
		}
	}
	if confirmed != 10 || waiting != 40 || lastConfirmed > firstWaiting {
		t.Fatalf("%d confirmed, %d waiting; the last confirmed (%d) must have come before the first waiting (%d)", confirmed, waiting, lastConfirmed, firstWaiting)
	}
	// A second sign-up with the same address changes nothing.
	again, err := s.SignUp(ctx, id, person(0), "nb", time.Now())
	var p00 int64
	for _, g := range list {
		if g.Email == "p00@example.test" {
			p00 = g.ID
		}
	}
	if err != nil || again.Created || again.Token == "" || again.ID != p00 {
		t.Errorf("the same address twice: %+v %v", again, err)
	}

	// The first confirmed cancels: the first waiting is offered the place.
	offered, err := s.Cancel(ctx, list[0].ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(offered) != 1 || offered[0].ID != firstWaiting || offered[0].Deadline.IsZero() {
		t.Fatalf("offered %+v, want the first waiting %d", offered, firstWaiting)
	}
	if err := s.Accept(ctx, list[1].ID, time.Now()); !errors.Is(err, events.ErrNotOffered) {
		t.Errorf("accept without an offer: %v", err)
	}
	if err := s.Accept(ctx, firstWaiting, time.Now()); err != nil {
		t.Fatal(err)
	}
	e, _ := s.Get(ctx, id, false)
	if e.Confirmed != 10 || e.Waiting != 39 {
		t.Errorf("after the accepted offer: %d confirmed, %d waiting", e.Confirmed, e.Waiting)
	}
	// An offer not taken before its deadline goes to the next one.
	second, _ := s.Cancel(ctx, list[2].ID, time.Now())
	later := time.Now().Add(events.OfferHours*time.Hour + time.Minute)
	n, third, err := s.ExpireOffers(ctx, later)
	if err != nil || n != 1 || len(third) != 1 || third[0].ID <= second[0].ID {
		t.Errorf("expiry: %d expired, new offers %+v (after %d), %v", n, third, second[0].ID, err)
	}
	if err := s.Accept(ctx, second[0].ID, later); !errors.Is(err, events.ErrNotOffered) {
		t.Errorf("accept after the deadline: %v", err)
	}
}

// Must show: the reminder job sends each confirmed person exactly one reminder with the
// meeting link, and nobody on the waiting list one.
func TestRemindersOnceWithTheLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := store(t)
	id := event(t, s, nextWeek(), 2)
	for i := range 4 {
		if _, err := s.SignUp(ctx, id, person(i), "nb", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	dayBefore := nextWeek().Add(-20 * time.Hour)
	for _, at := range []time.Time{nextWeek().Add(-48 * time.Hour), dayBefore, dayBefore.Add(time.Hour), nextWeek().Add(time.Hour)} {
		if _, err := s.SendReminders(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]string{}
	for _, m := range mailtest.All(t, db) {
		if m.Kind != "event_reminder" {
			continue
		}
		if _, twice := got[m.To]; twice {
			t.Errorf("%s got two reminders", m.To)
		}
		got[m.To] = m.Text
	}
	if len(got) != 2 || !strings.Contains(got["p00@example.test"], "https://zoom.example/j/123") || got["p02@example.test"] != "" {
		t.Errorf("reminders: %v", got)
	}
}

// An event in the house books its room by the booking rules; a collision is shown as such.
func TestEventBooksItsRoom(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := store(t)
	room := fixture.New(t, db).Room("Ospesalen", 24).ID
	at := nextWeek()
	if _, err := rooms.NewStore(db, nil).Book(ctx, rooms.Booking{RoomID: room, Title: "Kurs", Holder: "internal", Frequency: rooms.Once, OverrideReason: "test"},
		[]rooms.Slot{{Start: at, End: at.Add(time.Hour)}}, false); err != nil {
		t.Fatal(err)
	}
	f := events.Form{Kind: events.Intro, Title: "Hva er en selvhjelpsgruppe?", Date: at.In(tz.Oslo).Format(time.DateOnly), Start: "18:30", End: "20:00",
		Format: events.House, RoomID: room, Capacity: "20", Published: true, Override: "test"}
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	_, _, err := s.Save(ctx, 0, f, 0)
	var ce *rooms.ErrConflicts
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].Title != "Kurs" {
		t.Fatalf("a colliding event: %v", err)
	}
	f.Start, f.End = "19:00", "20:30"
	f.Validate()
	id, _, err := s.Save(ctx, 0, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := s.Get(ctx, id, true)
	if e.BookingID == 0 || e.RoomName != "Ospesalen" {
		t.Fatalf("event: %+v", e)
	}
	// Moving it gives up the old booking and books the new time.
	f.Start, f.End = "20:00", "21:00"
	f.Validate()
	if _, _, err := s.Save(ctx, id, f, 0); err != nil {
		t.Fatal(err)
	}
	var active int
	db.QueryRow(ctx, `SELECT count(*) FROM booking_occurrences WHERE cancelled_at IS NULL`).Scan(&active)
	if active != 2 {
		t.Errorf("%d active meetings, want the course and the moved event", active)
	}
}

func TestFormValidation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		f     events.Form
		field string
	}{
		{events.Form{Kind: "party"}, "kind"},
		{events.Form{Kind: events.Intro, Title: "x", Date: "2027-01-05", Start: "19:00", End: "18:00", Format: events.Digital, Capacity: "5"}, "end"},
		{events.Form{Kind: events.Intro, Title: "x", Date: "2027-01-05", Start: "18:00", End: "19:00", Format: events.Digital, MeetingLink: "http://x", Capacity: "5"}, "meeting_link"},
		{events.Form{Kind: events.Intro, Title: "x", Date: "2027-01-05", Start: "18:00", End: "19:00", Format: events.House, Capacity: "5"}, "room"},
		{events.Form{Kind: events.Intro, Title: "x", Date: "2027-01-05", Start: "18:00", End: "19:00", Format: events.Digital, Capacity: "0"}, "capacity"},
	} {
		if errs := c.f.Validate(); !errs.Has(c.field) {
			t.Errorf("%+v: no error on %s (%v)", c.f, c.field, errs)
		}
	}
}

// A month after the event its sign-ups are gone; the event and its attendance stay as
// anonymous figures for the report.
func TestPurgeKeepsTheFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := store(t)
	id := event(t, s, nextWeek(), 2)
	for i := range 3 {
		s.SignUp(ctx, id, person(i), "nb", time.Now())
	}
	list, _, _ := s.Signups(ctx, id, 10, 0)
	s.SetAttended(ctx, id, []int64{list[0].ID, list[1].ID}, []int64{list[0].ID})
	if n, err := s.Purge(ctx, nextWeek().AddDate(0, 0, events.KeepDays-1)); err != nil || n != 0 {
		t.Fatalf("purged %d before the time, %v", n, err)
	}
	if n, err := s.Purge(ctx, nextWeek().AddDate(0, 0, events.KeepDays+1)); err != nil || n != 3 {
		t.Fatalf("purged %d, %v", n, err)
	}
	var held, confirmed, came int
	db.QueryRow(ctx, `SELECT coalesce(sum(count) FILTER (WHERE metric = 'event_held'), 0), coalesce(sum(count) FILTER (WHERE metric = 'event_confirmed'), 0),
		coalesce(sum(count) FILTER (WHERE metric = 'event_attended'), 0) FROM yearly_counts WHERE key = 'coffee'`).Scan(&held, &confirmed, &came)
	if held != 1 || confirmed != 2 || came != 1 {
		t.Errorf("figures: %d held, %d confirmed, %d came", held, confirmed, came)
	}
}

// More places go to those waiting, not to a newcomer.
func TestMorePlacesGoToThoseWaiting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := store(t)
	id := event(t, s, nextWeek(), 1)
	s.SignUp(ctx, id, person(0), "nb", time.Now())
	b, _ := s.SignUp(ctx, id, person(1), "nb", time.Now())
	e, _ := s.Get(ctx, id, true)
	f := events.FormOf(e)
	f.Capacity = "2"
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	_, offered, err := s.Save(ctx, id, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(offered) != 1 || offered[0].ID != b.ID {
		t.Errorf("offered %+v, want the one waiting", offered)
	}
	if c, _ := s.SignUp(ctx, id, person(2), "nb", time.Now()); c.Status != events.Waiting {
		t.Errorf("a newcomer got %s while a place was offered", c.Status)
	}
}

// No mail of an event names it, in its subject or its text: a title may name a theme, and an
// inbox is read by others. The confirmation, the waiting-list mail, the offer of a freed place
// and the reminder give the time and a link; the private page names the event.
func TestEventMailsDoNotNameTheEvent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := store(t)
	id := event(t, s, nextWeek(), 1)
	for i := range 2 {
		if _, err := s.SignUp(ctx, id, person(i), "nb", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	e, err := s.Get(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	f := events.FormOf(e)
	f.Capacity = "2"
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	if _, _, err := s.Save(ctx, id, f, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendReminders(ctx, nextWeek().Add(-20*time.Hour)); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, m := range mailtest.All(t, db) {
		kinds[m.Kind] = true
		for part, v := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
			if strings.Contains(strings.ToLower(v), "kaffetreff") {
				t.Errorf("the %s of a %s mail names the event: %q", part, m.Kind, v)
			}
		}
	}
	for _, k := range []string{"event", "event_offer", "event_reminder"} {
		if !kinds[k] {
			t.Errorf("no %s mail among %v", k, kinds)
		}
	}
}

// A private link ends a week after its event ended, or a week after its sign-up was cancelled;
// until then it works.
func TestLinksEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := store(t)
	id := event(t, s, nextWeek(), 5)
	var links []string
	for i := range 2 {
		m, err := s.SignUp(ctx, id, person(i), "nb", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, m.Token)
	}
	works := func(step string, want ...bool) {
		t.Helper()
		for i, link := range links {
			_, err := s.ByToken(ctx, link)
			if got := err == nil; got != want[i] || (err != nil && !errors.Is(err, postgres.ErrNotFound)) {
				t.Errorf("%s: link %d works %v (%v); want %v", step, i, got, err, want[i])
			}
		}
	}
	works("before the event", true, true)
	move := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	move(`UPDATE event_signups SET status = 'cancelled', status_changed_at = now() - interval '8 days' WHERE email = 'p01@example.test'`)
	works("a week after one cancelled", true, false)
	move(`UPDATE events SET starts_at = now() - interval '6 days 2 hours', ends_at = now() - interval '6 days' WHERE id = $1`, id)
	works("six days after the event", true, false)
	move(`UPDATE events SET starts_at = now() - interval '8 days 2 hours', ends_at = now() - interval '8 days' WHERE id = $1`, id)
	works("eight days after the event", false, false)
}
