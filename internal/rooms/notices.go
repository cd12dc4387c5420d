package rooms

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// The notices of the rooms: when meetings of a group's or an organisation's booking are
// cancelled (one meeting, the rest of a series, a period, or a closure of the house), the
// people who would have come are told once, by the channel each chose, in the transaction of
// the change. Like all mail they never name the group, whose name may tell its theme.

// MembersFunc lists the members of a group, read on db (the caller's transaction). The
// members are the signups package's; the server passes signups.People, so that rooms does
// not import signups (which may come to read the rooms).
type MembersFunc func(ctx context.Context, db postgres.DBTX, groupID int64) ([]mail.Person, error)

// WithMembers returns the store with the function that finds a group's members, whom a
// cancellation tells. Without it only the contact person and the organisation are told.
func (s *Store) WithMembers(f MembersFunc) *Store {
	c := *s
	c.members = f
	return &c
}

// Audience is who a change to the meetings of a booking reaches.
type Audience struct {
	Members []mail.Person // the group's members
	Contact []mail.Person // the group's contact person, or the organisation's contact
}

// People is everyone in a, each once.
func (a Audience) People() []mail.Person {
	return mail.Unique(append(append([]mail.Person{}, a.Members...), a.Contact...))
}

// Audience returns who a cancellation of meetings of the booking tells: for a group's
// booking its members and its contact person, for an organisation's booking the
// organisation's contact; an internal booking (an event) tells nobody here.
func (s *Store) Audience(ctx context.Context, bookingID int64) (Audience, error) {
	var a Audience
	var group, org *int64
	var language string
	err := s.db.QueryRow(ctx, `SELECT b.group_id, b.org_id, coalesce(g.language, 'nb')
		FROM bookings b LEFT JOIN groups g ON g.id = b.group_id WHERE b.id = $1`, bookingID).Scan(&group, &org, &language)
	if err != nil {
		return a, fmt.Errorf("rooms: audience: %w", postgres.MapError(err))
	}
	lang, _ := i18n.Parse(language)
	switch {
	case group != nil:
		if s.members != nil {
			if a.Members, err = s.members(ctx, s.db, *group); err != nil {
				return a, fmt.Errorf("rooms: audience: %w", err)
			}
		}
		rows, err := s.db.Query(ctx, `SELECT name, email, phone FROM group_contacts WHERE group_id = $1`, *group)
		if err != nil {
			return a, fmt.Errorf("rooms: audience: %w", err)
		}
		a.Contact, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (mail.Person, error) {
			p := mail.Person{Recipient: mail.Recipient{Contact: "email", Lang: lang}}
			return p, r.Scan(&p.Name, &p.Email, &p.Phone)
		})
		if err != nil {
			return a, fmt.Errorf("rooms: audience: %w", err)
		}
	case org != nil:
		rows, err := s.db.Query(ctx, `SELECT coalesce(nullif(contact_name, ''), name), contact_email::text, contact_phone
			FROM orgs WHERE id = $1 AND (contact_email <> '' OR contact_phone <> '')`, *org)
		if err != nil {
			return a, fmt.Errorf("rooms: audience: %w", err)
		}
		a.Contact, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (mail.Person, error) {
			p := mail.Person{Recipient: mail.Recipient{Contact: "email", Lang: i18n.NB}}
			return p, r.Scan(&p.Name, &p.Email, &p.Phone)
		})
		if err != nil {
			return a, fmt.Errorf("rooms: audience: %w", err)
		}
	}
	return a, nil
}

// notice is what a cancellation tells one person.
type notice struct {
	Meetings []time.Time // the starts of the cancelled meetings
	Next     time.Time   // the next meeting still on, zero when none is known
	Closed   bool        // cancelled because the house is closed
	Note     string      // staff's own line
}

// noticeMessage is the notice as an e-mail and as an SMS text in lang, to name.
func noticeMessage(lang i18n.Lang, name string, n notice) (mail.Message, string) {
	count := len(n.Meetings)
	days := make([]string, count)
	short := make([]string, count)
	for i, t := range n.Meetings {
		days[i], short[i] = mail.FormatTime(lang, t), mail.FormatShort(lang, t)
	}
	what, subject := "notice.meeting.one", "notice.meeting.subject.one"
	if count > 1 {
		what, subject = "notice.meeting.many", "notice.meeting.subject.many"
	}
	if n.Closed {
		what = "notice.closure"
	}
	m := mail.Message{
		Lang:       lang,
		Kind:       mail.KindNotice,
		Subject:    i18n.Translate(lang, subject),
		Greeting:   i18n.Translate(lang, "mail.greeting"),
		Paragraphs: []string{i18n.Translate(lang, what, "Days", strings.Join(days, "; "))},
		Notes:      []string{i18n.Translate(lang, "notice.questions")},
		Closing:    i18n.Translate(lang, "mail.closing"),
	}
	if name != "" {
		m.Greeting = i18n.Translate(lang, "mail.greeting.name", "Name", name)
	}
	text := i18n.Translate(lang, "notice.meeting.sms", "Count", count, "Days", strings.Join(short, ", "))
	if !n.Next.IsZero() {
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "notice.next", "When", mail.FormatTime(lang, n.Next)))
		text += " " + i18n.Translate(lang, "notice.next.sms", "When", mail.FormatShort(lang, n.Next))
	}
	if n.Note != "" {
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "notice.note", "Note", n.Note))
		text += " " + n.Note
	}
	return m, text
}

// tell queues the notice of the cancelled meetings (their starts) of the booking to its
// audience on tx, each person once, and returns the tally. members only: the contact person
// or organisation asked for the cancellation and gets the answer instead.
func (s *Store) tell(ctx context.Context, tx pgx.Tx, bookingID int64, starts []time.Time, note string, membersOnly bool) (mail.Tally, error) {
	if len(starts) == 0 {
		return mail.Tally{}, nil
	}
	a, err := s.on(tx).Audience(ctx, bookingID)
	if err != nil {
		return mail.Tally{}, err
	}
	people := a.People()
	if membersOnly {
		people = mail.Unique(a.Members)
	}
	if len(people) == 0 {
		return mail.Tally{}, nil
	}
	if s.out == nil {
		return mail.Tally{}, mail.ErrNoOutbox
	}
	n := notice{Meetings: starts, Note: note}
	if n.Next, err = nextMeeting(ctx, tx, bookingID, starts[len(starts)-1]); err != nil {
		return mail.Tally{}, err
	}
	return s.out.ReachAll(ctx, tx, people, func(p mail.Person) (mail.Message, string) {
		return noticeMessage(p.Lang, p.Name, n)
	})
}

// nextMeeting is the first meeting still on after after, of the booking or of another
// booking of the same group; zero when there is none.
func nextMeeting(ctx context.Context, db postgres.DBTX, bookingID int64, after time.Time) (time.Time, error) {
	var next *time.Time
	err := db.QueryRow(ctx, `SELECT min(lower(o.during)) FROM booking_occurrences o
		WHERE o.cancelled_at IS NULL AND lower(o.during) > $2 AND lower(o.during) > now() AND o.booking_id IN (
			SELECT b.id FROM bookings b WHERE b.id = $1 OR b.group_id = (SELECT group_id FROM bookings WHERE id = $1))`,
		bookingID, after).Scan(&next)
	if err != nil || next == nil {
		return time.Time{}, err
	}
	return *next, nil
}

// tellClosure tells everyone whose meetings a closure cancelled, once per person, in one
// message that lists all their dates (a member of two groups hears of both), and returns the
// tally.
func (s *Store) tellClosure(ctx context.Context, tx pgx.Tx, cancelled []meeting, note string) (mail.Tally, error) {
	type told struct {
		person mail.Person
		notice notice
	}
	var order []string
	byKey := map[string]*told{}
	for _, id := range bookingsOf(cancelled) {
		a, err := s.Audience(ctx, id)
		if err != nil {
			return mail.Tally{}, err
		}
		var starts []time.Time
		for _, m := range cancelled {
			if m.BookingID == id {
				starts = append(starts, m.Start)
			}
		}
		next, err := nextMeeting(ctx, tx, id, starts[len(starts)-1])
		if err != nil {
			return mail.Tally{}, err
		}
		for _, p := range a.People() {
			t, ok := byKey[p.Key()]
			if !ok {
				t = &told{person: p, notice: notice{Closed: true, Note: note}}
				byKey[p.Key()] = t
				order = append(order, p.Key())
			}
			t.notice.Meetings = append(t.notice.Meetings, starts...)
			if t.notice.Next.IsZero() || !next.IsZero() && next.Before(t.notice.Next) {
				t.notice.Next = next
			}
		}
	}
	if len(order) == 0 {
		return mail.Tally{}, nil
	}
	if s.out == nil {
		return mail.Tally{}, mail.ErrNoOutbox
	}
	people := make([]mail.Person, len(order))
	for i, k := range order {
		people[i] = byKey[k].person
		slices.SortFunc(byKey[k].notice.Meetings, time.Time.Compare)
	}
	return s.out.ReachAll(ctx, tx, people, func(p mail.Person) (mail.Message, string) {
		return noticeMessage(p.Lang, p.Name, byKey[p.Key()].notice)
	})
}
