package signups_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// nextWeekday returns the start of the next day (after today) in Oslo with the ISO weekday.
func nextWeekday(now time.Time, weekday int) time.Time {
	d := tz.Midnight(now).AddDate(0, 0, 1)
	for tz.Weekday(d) != weekday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// newMail returns the messages queued since the outbox held n.
func newMail(t *testing.T, db *pgxpool.Pool, n int) []mailtest.Queued {
	t.Helper()
	return mailtest.All(t, db)[n:]
}

// secret is what no message may say: the group's name and its theme in both languages.
func noSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{"Tirsdagsgruppa", "Angst", "Anxiety", "Nettgruppa"} {
		if strings.Contains(text, s) {
			t.Errorf("%s names %q:\n%s", what, s, text)
		}
	}
}

// Must show: accepting an offer to a group in the house queues exactly one confirmation, by
// e-mail, that names neither the group nor its theme and gives the first meeting that is not
// cancelled, the address with floor and how to get in, and a private link; the answer recorded
// by staff has its audit line.
func TestAcceptingConfirmsByMail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	b := fixture.New(t, db)
	room := b.Room("Sirkelen", 10)
	tue := nextWeekday(time.Now(), 2)
	var slots []rooms.Slot
	for i := range 3 {
		d := tue.AddDate(0, 0, 7*i)
		slots = append(slots, rooms.Slot{Start: d.Add(18 * time.Hour), End: d.Add(19*time.Hour + 30*time.Minute)})
	}
	res := b.Booking(room.ID, slots, func(bk *rooms.Booking) { bk.Holder, bk.GroupID, bk.Title = "group", target.GroupID, "Tirsdagsgruppa" })
	rs := rooms.NewStore(db, nil)
	booked, err := rs.GroupMeetings(ctx, target.GroupID, time.Now(), 10)
	if err != nil || len(booked) < 2 {
		t.Fatalf("booked: %v %v", booked, err)
	}
	if _, err := rs.Cancel(ctx, res.BookingID, rooms.Cancellation{Occurrence: booked[0].ID, Reason: "Stengt"}); err != nil {
		t.Fatal(err)
	}
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	ids := waiting(t, db, target, 1)
	o := offer(t, s, ids[0], target.GroupID)
	before := len(mailtest.All(t, db))
	if _, err := s.RecordCall(ctx, o.OfferID, signups.CallForm{Outcome: signups.CallAccepted}, staff, time.Now()); err != nil {
		t.Fatal(err)
	}
	got := newMail(t, db, before)
	if len(got) != 1 || got[0].Kind != string(mail.KindJoined) || got[0].To != "pa@example.test" {
		t.Fatalf("confirmation: %+v; want one joined mail to pa@example.test", got)
	}
	m := got[0]
	noSecrets(t, "the subject", m.Subject)
	noSecrets(t, "the mail", m.Text)
	c := centre.Default()
	for _, want := range []string{mail.FormatTime(i18n.NB, booked[1].Start), c.VisitingAddress(), c.HowToGetIn, mailtest.Base.String() + "/mine/"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the mail lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, mail.FormatTime(i18n.NB, booked[0].Start)) {
		t.Errorf("the mail gives the cancelled meeting as the first:\n%s", m.Text)
	}
	var answered int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_label = $2`, audit.OfferCalled, staff.Label).
		Scan(&answered); err != nil || answered != 1 {
		t.Errorf("audit lines of the recorded answer: %d (%v), want 1", answered, err)
	}
	// The private page's view: the group, its meetings with the cancelled one marked.
	list, err := s.MemberGroups(ctx, o.ParticipantID, time.Now())
	if err != nil || len(list) != 1 || list[0].Name != "Tirsdagsgruppa" || len(list[0].Meetings) != 3 || !list[0].Meetings[0].Cancelled ||
		list[0].Meetings[1].Cancelled || list[0].Place() != c.VisitingAddress() {
		t.Fatalf("member groups: %+v %v", list, err)
	}
}

// Must show: someone who chose SMS and is placed by hand gets exactly one short SMS without
// the group's name, with the first meeting's time and the link to see more; a member of a
// digital group gets its link and passcode by e-mail, and no address.
func TestPlacingConfirmsBySMSAndDigitalByLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	b := fixture.New(t, db)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	sms := b.SignUp(signups.Target{ThemeID: target.ThemeID}, func(f *signups.Form) { f.Email, f.Phone, f.Contact = "", "+4791234567", "sms" })
	before := len(mailtest.All(t, db))
	if err := s.Place(ctx, sms.ParticipantID, target.GroupID, staff); err != nil {
		t.Fatal(err)
	}
	got := newMail(t, db, before)
	if len(got) != 1 || got[0].Kind != string(mail.KindJoined) || got[0].To != "+4791234567" || got[0].Subject != "" {
		t.Fatalf("SMS: %+v; want one", got)
	}
	noSecrets(t, "the SMS", got[0].Text)
	g, err := s.MemberGroup(ctx, sms.ParticipantID, target.GroupID, time.Now(), 1)
	if err != nil || len(g.Meetings) != 1 {
		t.Fatalf("member group: %+v %v", g, err)
	}
	first := g.Meetings[0].Start.In(tz.Oslo)
	if want := first.Format("2.1.") + " kl. 18.00"; !strings.Contains(got[0].Text, want) || !strings.Contains(got[0].Text, "/mine/") {
		t.Errorf("the SMS lacks %q or the link:\n%s", want, got[0].Text)
	}
	if len([]rune(got[0].Text)) > 2*153 {
		t.Errorf("the SMS takes more than two segments (%d characters)", len([]rune(got[0].Text)))
	}

	online := b.Group(fixture.Named("Nettgruppa"), fixture.InThemes(target.ThemeID), fixture.Form(func(f *groups.Form) { f.Format = groups.FormatDigital }))
	link := &groups.MeetingLink{Link: "https://zoom.example.org/j/123?pwd=x", Passcode: "4321"}
	if err := groups.NewStore(db).SetMeetingLink(ctx, online.ID, link, staff); err != nil {
		t.Fatal(err)
	}
	person := b.SignUp(signups.Target{GroupID: online.ID})
	before = len(mailtest.All(t, db))
	if err := s.Place(ctx, person.ParticipantID, online.ID, staff); err != nil {
		t.Fatal(err)
	}
	got = newMail(t, db, before)
	if len(got) != 1 || got[0].Kind != string(mail.KindJoined) {
		t.Fatalf("digital confirmation: %+v", got)
	}
	noSecrets(t, "the subject", got[0].Subject)
	noSecrets(t, "the mail", got[0].Text)
	for _, want := range []string{link.Link, "4321", " kl. 18.00"} {
		if !strings.Contains(got[0].Text, want) {
			t.Errorf("the digital group's mail lacks %q:\n%s", want, got[0].Text)
		}
	}
	if strings.Contains(got[0].Text, "Sted:") {
		t.Errorf("the digital group's mail gives a place:\n%s", got[0].Text)
	}

	// A partner's venue often names the cause: the mail leaves it to the private page.
	const venue = "Angstforeningens lokaler, Storgata 1"
	partner := b.Group(fixture.Named("Partnergruppa"), fixture.InThemes(target.ThemeID),
		fixture.Form(func(f *groups.Form) { f.Format, f.Venue = groups.FormatPartner, venue }))
	guest := b.SignUp(signups.Target{GroupID: partner.ID})
	before = len(mailtest.All(t, db))
	if err := s.Place(ctx, guest.ParticipantID, partner.ID, staff); err != nil {
		t.Fatal(err)
	}
	if got = newMail(t, db, before); len(got) != 1 || strings.Contains(got[0].Text, "Angstforeningens") || !strings.Contains(got[0].Text, "/mine/") {
		t.Errorf("the partner group's confirmation: %+v; want one, with the private link and without the venue", got)
	}
	if g, err := s.MemberGroup(ctx, guest.ParticipantID, partner.ID, time.Now(), 1); err != nil || g.Place() != venue {
		t.Errorf("the private page's place: %q, %v; want the venue", g.Place(), err)
	}
}

// Leaving from the private page ends the membership and its sign-up, with an audit line as the
// participant; leaving twice, or a group one is not in, is ErrNotFound.
func TestLeaveGroup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	b := fixture.New(t, db)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	m := b.Member(target.GroupID)
	if err := s.LeaveGroup(ctx, m.ParticipantID, target.GroupID); err != nil {
		t.Fatal(err)
	}
	if err := s.LeaveGroup(ctx, m.ParticipantID, target.GroupID); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("leaving twice: %v", err)
	}
	if list, err := s.MemberGroups(ctx, m.ParticipantID, time.Now()); err != nil || len(list) != 0 {
		t.Errorf("still a member: %+v %v", list, err)
	}
	if su, _ := s.Signups(ctx, m.ParticipantID); len(su) != 1 || su[0].Status != signups.Left {
		t.Errorf("sign-up after leaving: %+v", su)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_label = 'participant' AND entity_id = $2::bigint::text`,
		audit.ParticipantLeft, m.ParticipantID).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit lines of leaving: %d (%v)", n, err)
	}
}

// The meeting link is checked, kept only for groups meeting online, and audited.
func TestMeetingLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	gs := groups.NewStore(db)
	for _, bad := range []string{"http://zoom.example.org/j/1", "zoom.example.org/j/1", "https://", "javascript:alert(1)", "https://a b"} {
		if err := gs.SetMeetingLink(ctx, target.GroupID, &groups.MeetingLink{Link: bad}, staff); err == nil {
			t.Errorf("%q was taken", bad)
		}
	}
	err := gs.SetMeetingLink(ctx, target.GroupID, &groups.MeetingLink{Link: "https://whereby.example.org/rom"}, staff)
	if err == nil || !strings.Contains(err.Error(), "meeting_link") {
		t.Errorf("a house group took a meeting link: %v", err)
	}
}
