package rooms_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// group makes a group named slug, run by the organisation orgID (0: by us).
func group(b *fixture.Builder, slug string, orgID int64) int64 {
	return b.Group(fixture.Named(slug), fixture.Form(func(f *groups.Form) { f.OrgID = orgID })).ID
}

// future is a Tuesday some weeks ahead, so that requests for it are in the future.
func future() time.Time {
	d := tz.Midnight(time.Now()).AddDate(0, 0, 35)
	return d.AddDate(0, 0, (2-tz.Weekday(d)+7)%7)
}

// Requests are scoped to the requester in SQL, approving books (with the booking rules) or
// cancels in one transaction with the answer mail and the audit line, and a decided request
// stays decided.
func TestRequestsAreScopedAndDecided(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, mailtest.Outbox(t, db))
	staff := audit.Actor{Label: "staff@example.test"}
	fx := fixture.New(t, db)
	roomID := fx.Room("Bjørk", 10).ID
	orgA, orgB := fx.Org("Org A").ID, fx.Org("Org B").ID
	runByA, own := group(fx, "a-gruppe", orgA), group(fx, "egen", 0)
	a := rooms.Requester{OrgID: orgA, UserID: 0, ReplyTo: "a@example.test", Lang: "nb"}
	b := rooms.Requester{OrgID: orgB, ReplyTo: "b@example.test", Lang: "nb"}
	contact := rooms.Requester{GroupID: runByA, ReplyTo: "kontakt@example.test", Lang: "en"}
	day := future()

	// Org B's meeting, and one of the group Org A runs.
	resB, err := s.Book(ctx, rooms.Booking{RoomID: roomID, Title: "B", Holder: "org", OrgID: orgB, Frequency: rooms.Once, OverrideReason: "test"},
		[]rooms.Slot{{Start: day.Add(10 * time.Hour), End: day.Add(11 * time.Hour)}}, false)
	if err != nil {
		t.Fatal(err)
	}
	resG, err := s.Book(ctx, rooms.Booking{RoomID: roomID, Title: "A-gruppa", Holder: "group", GroupID: runByA, Frequency: rooms.Once, OverrideReason: "test"},
		[]rooms.Slot{{Start: day.Add(12 * time.Hour), End: day.Add(13 * time.Hour)}}, false)
	if err != nil {
		t.Fatal(err)
	}
	occB, _ := s.Get(ctx, resB.BookingID)
	occG, _ := s.Get(ctx, resG.BookingID)

	// A slot request: two weekly meetings, the first colliding with B's meeting.
	sr := rooms.Series{First: day, Start: 10*time.Hour + 30*time.Minute, End: 11*time.Hour + 30*time.Minute, Frequency: rooms.Weekly, Until: day.AddDate(0, 0, 7)}
	slotID, err := s.RequestSlot(ctx, a, roomID, "Likepersonsmøte", sr, "Vi er ti personer.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestCancel(ctx, a, occB.Occurrences[0].ID, ""); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("cancel another organisation's meeting: %v", err)
	}
	cancelID, err := s.RequestCancel(ctx, a, occG.Occurrences[0].ID, "Ferie")
	if err != nil {
		t.Fatalf("cancel a meeting of a group the organisation runs: %v", err)
	}
	if _, err := s.RequestCancel(ctx, contact, occG.Occurrences[0].ID, ""); !errors.Is(err, postgres.ErrConflict) {
		t.Errorf("a second pending cancellation of one meeting: %v", err)
	}
	if _, err := s.RequestCancel(ctx, rooms.Requester{GroupID: own, ReplyTo: "x@example.test", Lang: "nb"}, occG.Occurrences[0].ID, ""); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("another group's contact cancels: %v", err)
	}

	for _, c := range []struct {
		who  *rooms.Requester
		want int
	}{{&a, 2}, {&b, 0}, {&contact, 0}, {&rooms.Requester{}, 0}, {nil, 2}} {
		list, total, err := s.Requests(ctx, c.who, "", 10, 0)
		if err != nil || total != c.want || len(list) != c.want {
			t.Errorf("requests of %+v: %d (%d listed), %v; want %d", c.who, total, len(list), err, c.want)
		}
	}
	if err := s.Withdraw(ctx, b, slotID); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("withdraw another organisation's request: %v", err)
	}
	meetings, total, err := s.Schedule(ctx, contact, time.Now(), 10, 0)
	if err != nil || total != 1 || meetings[0].RoomName != "Bjørk" || !meetings[0].CancelAsked {
		t.Errorf("the group's schedule: %+v %d %v", meetings, total, err)
	}

	q, err := s.GetRequest(ctx, slotID)
	if err != nil || q.From != "Org A" || !q.Series.First.Equal(day) || q.Series.Start != sr.Start || q.Series.End != sr.End ||
		!q.Series.Until.Equal(sr.Until) || len(q.Slots()) != 2 {
		t.Fatalf("request read back: %+v %v", q, err)
	}
	preview, err := s.Preview(ctx, q, time.Now())
	if err != nil || len(preview) != 1 || preview[0].Title != "B" {
		t.Errorf("preview: %+v %v", preview, err)
	}
	_, _, err = s.Decide(ctx, slotID, rooms.Decision{Now: time.Now(), Approve: true, Override: "test"}, staff)
	var ce *rooms.ErrConflicts
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 {
		t.Fatalf("approve over a collision: %v", err)
	}
	var errs validate.Errors
	if _, _, err := s.Decide(ctx, slotID, rooms.Decision{Now: time.Now(), Reason: "  "}, staff); !errors.As(err, &errs) || !errs.Has("reason") {
		t.Errorf("decline without a reason: %v", err)
	}
	// An answer that cannot be queued (to something that is no address) undoes the booking
	// and leaves no audit line.
	db.Exec(ctx, `UPDATE booking_requests SET reply_to = 'ikke en adresse' WHERE id = $1`, slotID)
	if _, _, err := s.Decide(ctx, slotID, rooms.Decision{Now: time.Now(), Approve: true, Skip: true, Override: "test"}, staff); !errors.Is(err, postgres.ErrInvalid) {
		t.Errorf("the mail failed: %v", err)
	}
	db.Exec(ctx, `UPDATE booking_requests SET reply_to = $2 WHERE id = $1`, slotID, a.ReplyTo)
	if q, err := s.GetRequest(ctx, slotID); err != nil || q.Status != rooms.Pending || q.BookingID != 0 || count(t, db, `SELECT count(*) FROM audit_log`) != 0 ||
		count(t, db, `SELECT count(*) FROM bookings WHERE title = 'Likepersonsmøte'`) != 0 {
		t.Errorf("after the failed mail: %+v %v", q, err)
	}
	q, res, err := s.Decide(ctx, slotID, rooms.Decision{Now: time.Now(), Approve: true, Skip: true, Override: "test"}, staff)
	if err != nil || q.Status != rooms.Approved || res.Booked != 1 || len(res.Skipped) != 1 || q.DecidedAt == nil {
		t.Fatalf("approve the free ones: %+v %+v %v", q, res, err)
	}
	v, err := s.Get(ctx, res.BookingID)
	if err != nil || v.Holder != "org" || v.Title != "Likepersonsmøte" || len(v.Occurrences) != 1 {
		t.Errorf("the booking made: %+v %v", v, err)
	}
	if _, _, err := s.Decide(ctx, slotID, rooms.Decision{Now: time.Now(), Reason: "nei"}, staff); !errors.Is(err, rooms.ErrDecided) {
		t.Errorf("deciding twice: %v", err)
	}

	q, _, err = s.Decide(ctx, cancelID, rooms.Decision{Now: time.Now(), Approve: true}, staff)
	if err != nil || q.Status != rooms.Approved {
		t.Fatalf("approve the cancellation: %v", err)
	}
	if occG, _ = s.Get(ctx, resG.BookingID); !occG.Occurrences[0].Cancelled {
		t.Error("the meeting is not cancelled")
	}

	// A contact person's request becomes a standing agreement of the group, titled by it.
	groupSlot, err := s.RequestSlot(ctx, contact, roomID, "", rooms.Series{First: day, Start: 15 * time.Hour, End: 16 * time.Hour,
		Frequency: rooms.Biweekly, Until: day.AddDate(0, 0, 28)}, "")
	if err != nil {
		t.Fatal(err)
	}
	if q, res, err = s.Decide(ctx, groupSlot, rooms.Decision{Now: time.Now(), Approve: true, Override: "test"}, staff); err != nil || res.Booked != 3 {
		t.Fatalf("approve the group's request: %+v %v", res, err)
	}
	if v, _ = s.Get(ctx, res.BookingID); v.Holder != "group" || v.Title != "a-gruppe" {
		t.Errorf("group booking: %+v", v)
	}
	// From here the group has a contact person, who gets its answers.
	if err := s.SetContact(ctx, rooms.Contact{GroupID: runByA, Name: "Kari", Email: "kari@example.test"}); err != nil {
		t.Fatal(err)
	}
	declined, _ := s.RequestSlot(ctx, contact, roomID, "", rooms.Series{First: day, Start: 20 * time.Hour, End: 21 * time.Hour, Frequency: rooms.Once}, "")
	if q, _, err = s.Decide(ctx, declined, rooms.Decision{Now: time.Now(), Reason: "Rommet pusses opp."}, staff); err != nil || q.Status != rooms.Declined || q.Reason == "" {
		t.Errorf("decline: %+v %v", q, err)
	}
	withdrawn, _ := s.RequestSlot(ctx, contact, roomID, "", rooms.Series{First: day, Start: 20 * time.Hour, End: 21 * time.Hour, Frequency: rooms.Once}, "")
	if err := s.Withdraw(ctx, rooms.Requester{GroupID: own}, withdrawn); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("another group's contact withdraws: %v", err)
	}
	if err := s.Withdraw(ctx, contact, withdrawn); err != nil {
		t.Errorf("withdraw: %v", err)
	}
	if _, _, err := s.Decide(ctx, withdrawn, rooms.Decision{Now: time.Now(), Approve: true}, staff); !errors.Is(err, rooms.ErrDecided) {
		t.Errorf("approve a withdrawn request: %v", err)
	}
	if list, total, err := s.Requests(ctx, &contact, "", 2, 0); err != nil || total != 3 || len(list) != 2 || list[0].ID != withdrawn {
		t.Errorf("the contact's requests, newest first, a page of 2: %d %v", total, err)
	}
	past, _ := s.RequestSlot(ctx, contact, roomID, "", rooms.Series{First: tz.Midnight(time.Now()).AddDate(0, 0, -1),
		Start: 20 * time.Hour, End: 21 * time.Hour, Frequency: rooms.Once}, "")
	if _, _, err := s.Decide(ctx, past, rooms.Decision{Now: time.Now(), Approve: true, Override: "test"}, staff); !errors.Is(err, rooms.ErrPast) {
		t.Errorf("approve a request whose time has passed: %v", err)
	}
	// A weekly request whose first meeting has passed: the preview and the approval are about
	// the meetings ahead only.
	partly, _ := s.RequestSlot(ctx, contact, roomID, "", rooms.Series{First: tz.Midnight(time.Now()).AddDate(0, 0, -8),
		Start: 7 * time.Hour, End: 8 * time.Hour, Frequency: rooms.Weekly, Until: tz.Midnight(time.Now()).AddDate(0, 0, 14)}, "")
	pq, _ := s.GetRequest(ctx, partly)
	if preview, err := s.Preview(ctx, pq, time.Now()); err != nil || len(pq.Ahead(time.Now())) != 2 || len(preview) != 2 {
		t.Errorf("partly past: %d ahead, preview %+v %v (07:00 is outside the hours)", len(pq.Ahead(time.Now())), preview, err)
	}
	if _, res, err := s.Decide(ctx, partly, rooms.Decision{Now: time.Now(), Approve: true, Override: "tidlig møte"}, staff); err != nil || res.Booked != 2 {
		t.Errorf("approve the partly past request: %+v %v", res, err)
	}
	if _, _, err := s.Decide(ctx, past, rooms.Decision{Now: time.Now(), Reason: "Tiden er passert."}, staff); err != nil {
		t.Errorf("decline it: %v", err)
	}
	pending, total, err := s.Requests(ctx, nil, rooms.Pending, 10, 0)
	if err != nil || total != 0 || len(pending) != 0 {
		t.Errorf("pending after all decisions: %d %v", total, err)
	}
	if a, d := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'room_request.approved' AND entity = 'room_request'`),
		count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'room_request.declined' AND actor_label = 'staff@example.test'`); a != 4 || d != 2 {
		t.Errorf("audit lines: %d approved, %d declined; want 4 and 2", a, d)
	}
	checkAnswers(t, mailtest.All(t, db))
	// Retention: answered and withdrawn requests go after the period; pending ones stay.
	stillPending, _ := s.RequestSlot(ctx, contact, roomID, "", rooms.Series{First: day, Start: 20 * time.Hour, End: 21 * time.Hour, Frequency: rooms.Once}, "")
	db.Exec(ctx, `UPDATE booking_requests SET created_at = now() - interval '2 years',
		decided_at = CASE WHEN decided_at IS NOT NULL THEN now() - interval '2 years' END WHERE id <> $1`, groupSlot)
	db.Exec(ctx, `UPDATE booking_requests SET created_at = now() - interval '3 years' WHERE id = $1`, stillPending)
	if n, err := s.PurgeRequests(ctx, 12); err != nil || n != 6 {
		t.Errorf("purged %d, %v; want the 6 old answered or withdrawn", n, err)
	}
	if _, err := s.GetRequest(ctx, stillPending); err != nil {
		t.Errorf("a pending request was purged: %v", err)
	}
	if _, err := s.GetRequest(ctx, groupSlot); err != nil {
		t.Errorf("a recent request was purged: %v", err)
	}
}

// Cancel one meeting, the rest of a series, or the meetings still ahead in a period.
func TestCancelAPeriod(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	id := room(t, db, "Selje")
	// Two weeks ago, and five weeks on from there.
	first := future().AddDate(0, 0, -49)
	res, err := s.Book(ctx, rooms.Booking{RoomID: id, Title: "x", Holder: "internal", Frequency: rooms.Weekly, OverrideReason: "test"},
		weekly(first, 8), false)
	if err != nil {
		t.Fatal(err)
	}
	// The whole series as a period: the meetings that have happened stay as they were.
	n, err := s.Cancel(ctx, res.BookingID, rooms.Cancellation{From: first, To: first.AddDate(0, 0, 7*7), Reason: "renovering"})
	v, _ := s.Get(ctx, res.BookingID)
	past := 0
	for _, o := range v.Occurrences {
		if o.Start.Before(time.Now()) {
			past++
			if o.Cancelled {
				t.Errorf("a past meeting (%v) was cancelled", o.Start)
			}
		} else if !o.Cancelled {
			t.Errorf("a meeting ahead (%v) was not cancelled", o.Start)
		}
	}
	if err != nil || n != 8-past || past == 0 {
		t.Fatalf("cancel a period: %d cancelled, %d past, %v", n, past, err)
	}
	if _, err := s.Cancel(ctx, res.BookingID, rooms.Cancellation{From: first.AddDate(0, 0, 1), To: first.AddDate(0, 0, 6)}); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("a period without meetings: %v", err)
	}
	res, err = s.Book(ctx, rooms.Booking{RoomID: id, Title: "y", Holder: "internal", Frequency: rooms.Weekly, OverrideReason: "test"},
		weekly(future(), 6), false)
	if err != nil {
		t.Fatal(err)
	}
	v, _ = s.Get(ctx, res.BookingID)
	if n, err := s.Cancel(ctx, res.BookingID, rooms.Cancellation{From: future().AddDate(0, 0, 7), To: future().AddDate(0, 0, 14)}); err != nil || n != 2 {
		t.Errorf("cancel weeks 2 and 3: %d %v", n, err)
	}
	if n, err := s.Cancel(ctx, res.BookingID, rooms.Cancellation{Occurrence: v.Occurrences[4].ID, Rest: true}); err != nil || n != 2 {
		t.Errorf("cancel the rest: %d %v", n, err)
	}
}

func count(t testing.TB, db *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkAnswers checks the answers TestRequestsAreScopedAndDecided queued: the partner's two
// at their address, in Norwegian, with the link to their requests; none for the group while it
// had no contact person; then the contact person's three, in English, without a link.
func checkAnswers(t *testing.T, list []mailtest.Queued) {
	t.Helper()
	if len(list) != 5 {
		t.Fatalf("%d answers queued, want 5: %+v", len(list), list)
	}
	link := mailtest.Base.String() + "/partner/rom/foresporsler"
	for i, want := range []struct{ to, subject, text string }{
		{"a@example.test", "Forespørselen om rom er godkjent", "Disse gangene var rommet ikke ledig"},
		{"a@example.test", "Forespørselen om rom er godkjent", "å avlyse møtet"},
		{"kari@example.test", "Answer to your room request", "From us: Rommet pusses opp."},
		{"kari@example.test", "Your room request is approved", "every week up to and including"},
		{"kari@example.test", "Answer to your room request", "From us: Tiden er passert."},
	} {
		m := list[i]
		if m.Kind != "room_answer" || m.To != want.to || m.Subject != want.subject || !strings.Contains(m.Text, want.text) ||
			strings.Contains(m.Text, link) != (want.to == "a@example.test") {
			t.Errorf("answer %d: %+v; want to %s, %q, with %q", i, m, want.to, want.subject, want.text)
		}
	}
}
