package rooms_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

var staff = audit.Actor{Label: "test"}

// theGroup is a group on anxiety ("Angst", a name no notice may carry) with three members
// (e-mail, SMS, e-mail) and a contact person, and its weekly booking of n meetings ahead.
type theGroup struct {
	ID      int64
	Booking rooms.BookingView
}

func anxietyGroup(t *testing.T, db *pgxpool.Pool, b *fixture.Builder, roomID int64, first time.Time, n int) theGroup {
	t.Helper()
	ctx := context.Background()
	theme := b.Theme("Angst")
	g := b.Group(fixture.Named("Angstgruppa Majorstua"), fixture.InThemes(theme.ID))
	b.Member(g.ID, func(f *signups.Form) { f.FirstName, f.Email = "Ada", "ada@example.org" })
	b.Member(g.ID, func(f *signups.Form) { f.FirstName, f.Email, f.Phone, f.Contact = "Bo", "", "+4791234567", "sms" })
	b.Member(g.ID, func(f *signups.Form) { f.FirstName, f.Email = "Cia", "cia@example.org" })
	s := rooms.NewStore(db, mailtest.Outbox(t, db))
	if err := s.SetContact(ctx, rooms.Contact{GroupID: g.ID, Name: "Kari", Email: "kari@example.org"}); err != nil {
		t.Fatal(err)
	}
	res := b.Booking(roomID, weekly(first, n), func(bk *rooms.Booking) { bk.Holder, bk.GroupID, bk.Title = "group", g.ID, g.Name })
	v, err := s.Get(ctx, res.BookingID)
	if err != nil {
		t.Fatal(err)
	}
	return theGroup{ID: g.ID, Booking: v}
}

// notices returns the notices in the outbox.
func notices(t *testing.T, db *pgxpool.Pool) []mailtest.Queued {
	t.Helper()
	var out []mailtest.Queued
	for _, q := range mailtest.All(t, db) {
		if q.Kind == string(mail.KindNotice) {
			out = append(out, q)
		}
	}
	return out
}

// noTheme fails t when a notice's subject or SMS text names the group or its theme.
func noTheme(t *testing.T, list []mailtest.Queued) {
	t.Helper()
	for _, q := range list {
		seen := q.Subject
		if strings.HasPrefix(q.To, "+") {
			seen += q.Text
		}
		if strings.Contains(strings.ToLower(seen), "angst") {
			t.Errorf("notice to %s names the theme: %q", q.To, seen)
		}
	}
}

// Must show 2: cancelling one meeting of a group with three members (e-mail, SMS, e-mail) and
// a contact person queues exactly four notices, each by the person's channel, none naming
// the theme; cancelling the same meeting again queues none.
func TestCancellingAMeetingTellsEachPersonOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	g := anxietyGroup(t, db, b, room(t, db, "Lind"), future(), 4)
	s := rooms.NewStore(db, mailtest.Outbox(t, db)).WithMembers(signups.People)
	one := g.Booking.Occurrences[1]

	p, err := s.PreviewCancel(ctx, g.Booking.ID, rooms.Cancellation{Occurrence: one.ID})
	if err != nil || len(p.Meetings) != 1 || p.Told.Email != 3 || p.Told.SMS != 1 || len(p.Told.Phone) != 0 {
		t.Fatalf("preview: %+v %v", p, err)
	}
	if len(notices(t, db)) != 0 {
		t.Fatal("the preview queued notices")
	}
	n, err := s.Cancel(ctx, g.Booking.ID, rooms.Cancellation{Occurrence: one.ID, Note: "Vi ses neste uke.", By: staff})
	if err != nil || n != 1 {
		t.Fatalf("cancel: %d %v", n, err)
	}
	list := notices(t, db)
	to := map[string]string{}
	for _, q := range list {
		to[q.To] = q.Subject + "|" + q.Text
	}
	want := []string{"ada@example.org", "+4791234567", "cia@example.org", "kari@example.org"}
	if len(list) != 4 || len(to) != 4 {
		t.Fatalf("notices: %+v", list)
	}
	for _, addr := range want {
		if _, ok := to[addr]; !ok {
			t.Errorf("no notice to %s: %v", addr, to)
		}
	}
	if sms := to["+4791234567"]; !strings.HasPrefix(sms, "|") || !strings.Contains(sms, "er avlyst") ||
		!strings.Contains(sms, "Neste møte er") || !strings.Contains(sms, "Vi ses neste uke.") {
		t.Errorf("SMS: %q", sms)
	}
	if m := to["ada@example.org"]; !strings.HasPrefix(m, "Et møte er avlyst|") || !strings.Contains(m, "Hei, Ada!") ||
		!strings.Contains(m, mail.FormatTime("nb", one.Start)) || !strings.Contains(m, mail.FormatTime("nb", g.Booking.Occurrences[2].Start)) {
		t.Errorf("mail: %q", m)
	}
	noTheme(t, list)

	if _, err := s.Cancel(ctx, g.Booking.ID, rooms.Cancellation{Occurrence: one.ID, By: staff}); err == nil {
		t.Error("a second cancel of the same meeting succeeded")
	}
	if got := len(notices(t, db)); got != 4 {
		t.Errorf("after a second cancel: %d notices, want 4", got)
	}
	var lines int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2`,
		audit.MeetingsCancelled, strconv.FormatInt(g.Booking.ID, 10)).Scan(&lines); err != nil || lines != 1 {
		t.Errorf("audit lines: %d %v", lines, err)
	}
}

// The rest of a series is told in one notice per person listing the dates, with no next
// meeting; an approved cancellation asked for by the contact person tells the members, and
// the contact person only gets the answer.
func TestCancellingTheRestAndARequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	g := anxietyGroup(t, db, b, room(t, db, "Ask"), future(), 4)
	s := rooms.NewStore(db, mailtest.Outbox(t, db)).WithMembers(signups.People)

	occ := g.Booking.Occurrences
	q, err := s.RequestCancel(ctx, rooms.Requester{GroupID: g.ID, ReplyTo: "kari@example.org", Lang: "nb"}, occ[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Decide(ctx, q, rooms.Decision{Now: time.Now(), Approve: true}, staff); err != nil {
		t.Fatal(err)
	}
	list := notices(t, db)
	if len(list) != 3 {
		t.Fatalf("after the approved request: %+v", list)
	}
	for _, n := range list {
		if n.To == "kari@example.org" {
			t.Error("the contact person got a notice besides the answer")
		}
	}
	if n, err := s.Cancel(ctx, g.Booking.ID, rooms.Cancellation{Occurrence: occ[2].ID, Rest: true, By: staff}); err != nil || n != 2 {
		t.Fatalf("cancel the rest: %d %v", n, err)
	}
	list = notices(t, db)[3:]
	if len(list) != 4 {
		t.Fatalf("rest: %+v", list)
	}
	for _, n := range list {
		if n.To == "ada@example.org" && (n.Subject != "Møter er avlyst" || strings.Contains(n.Text, "Neste møte")) {
			t.Errorf("rest: %+v", n)
		}
	}
	noTheme(t, notices(t, db))
}

// A closure over the meetings of two groups tells each affected person once, listing all
// their dates, also a person in both groups; meetings outside it and internal bookings are
// left alone, and a booking with staff's reason to meet while closed is not cancelled.
func TestClosureTellsEachPersonOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	first := future()
	g := anxietyGroup(t, db, b, room(t, db, "Eik"), first, 6)
	other := b.Group(fixture.Form(func(f *groups.Form) { f.Weekday = 3 }))
	b.Member(other.ID, func(f *signups.Form) { f.FirstName, f.Email = "Ada", "ada@example.org" })
	b.Member(other.ID, func(f *signups.Form) { f.FirstName, f.Email = "Dag", "dag@example.org" })
	b.Booking(room(t, db, "Furu"), weekly(first.AddDate(0, 0, 1), 6), func(bk *rooms.Booking) { bk.Holder, bk.GroupID = "group", other.ID })
	b.Booking(room(t, db, "Gran"), weekly(first, 6)) // internal: an event's room
	s := rooms.NewStore(db, mailtest.Outbox(t, db)).WithMembers(signups.People)

	c := rooms.Closure{First: first.AddDate(0, 0, 7), Last: first.AddDate(0, 0, 7*2+3), Reason: "Maling", Note: "Beklager!", By: staff}
	p, err := s.PreviewClosure(ctx, c)
	if err != nil || p.Meetings != 4 || p.Told.Total() != 5 {
		t.Fatalf("preview: %+v %v", p, err)
	}
	if _, err := s.AddClosure(ctx, c); err != nil {
		t.Fatal(err)
	}
	list := notices(t, db)
	if len(list) != 5 {
		t.Fatalf("notices: %+v", list)
	}
	tuesdays := []time.Time{g.Booking.Occurrences[1].Start, g.Booking.Occurrences[2].Start}
	wednesdays := []time.Time{tuesdays[0].AddDate(0, 0, 1), tuesdays[1].AddDate(0, 0, 1)}
	for _, n := range list {
		var want, not []time.Time
		switch n.To {
		case "ada@example.org":
			want = append(tuesdays, wednesdays...)
		case "dag@example.org":
			want, not = wednesdays, tuesdays
		default:
			want, not = tuesdays, wednesdays
		}
		format := mail.FormatTime
		if strings.HasPrefix(n.To, "+") {
			format = mail.FormatShort
		}
		for _, d := range want {
			if !strings.Contains(n.Text, format("nb", d)) {
				t.Errorf("to %s: no %s in %q", n.To, format("nb", d), n.Text)
			}
		}
		for _, d := range not {
			if strings.Contains(n.Text, format("nb", d)) {
				t.Errorf("to %s: %s in %q", n.To, format("nb", d), n.Text)
			}
		}
		if !strings.Contains(n.Text, "Beklager!") {
			t.Errorf("no note to %s", n.To)
		}
	}
	noTheme(t, list)
	v, _ := s.Get(ctx, g.Booking.ID)
	cancelled := 0
	for _, o := range v.Occurrences {
		if o.Cancelled {
			cancelled++
		}
	}
	if cancelled != 2 {
		t.Errorf("cancelled %d of the group's meetings", cancelled)
	}
	if list, _, _ := s.Closures(ctx, first, 10, 0); len(list) != 1 || list[0].Booked != 0 || list[0].Internal != 2 {
		t.Errorf("the internal meetings in the closure: %+v", list)
	}
}

// A period cancelled in an organisation's booking tells the organisation's contact once, in
// one notice listing the meetings; an internal booking tells nobody.
func TestCancellingAnOrganisationsBooking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	o := b.Org("Foreningen Alfa")
	d, err := orgs.NewStore(db).Details(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := orgs.FormOf(d)
	f.ContactName, f.ContactEmail = "Olga", "olga@example.org"
	if _, err := orgs.NewStore(db).Save(ctx, o.ID, f); err != nil {
		t.Fatal(err)
	}
	first := future()
	id := room(t, db, "Osp")
	res := b.Booking(id, weekly(first, 4), func(bk *rooms.Booking) { bk.Holder, bk.OrgID = "org", o.ID })
	internal := b.Booking(id, weekly(first.AddDate(0, 0, 1), 4))
	s := rooms.NewStore(db, mailtest.Outbox(t, db)).WithMembers(signups.People)
	period := rooms.Cancellation{From: first, To: first.AddDate(0, 0, 8), By: staff}
	if n, err := s.Cancel(ctx, res.BookingID, period); err != nil || n != 2 {
		t.Fatalf("cancel: %d %v", n, err)
	}
	if n, err := s.Cancel(ctx, internal.BookingID, period); err != nil || n != 2 {
		t.Fatalf("cancel internal: %d %v", n, err)
	}
	list := notices(t, db)
	if len(list) != 1 || list[0].To != "olga@example.org" || list[0].Subject != "Møter er avlyst" || !strings.Contains(list[0].Text, "Hei, Olga!") {
		t.Fatalf("notices: %+v", list)
	}
}
