package events

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
)

// Whom staff's message to an event's people reaches.
const (
	WhoConfirmed = "confirmed" // those with a place (or offered one)
	WhoWaiting   = "waiting"   // those on the waiting list
	WhoAll       = "all"
)

// ValidWho reports whether who is one of the choices.
func ValidWho(who string) bool { return who == WhoConfirmed || who == WhoWaiting || who == WhoAll }

// statuses are the sign-up statuses who reaches.
func statuses(who string) []string {
	switch who {
	case WhoConfirmed:
		return []string{Confirmed, Offered}
	case WhoWaiting:
		return []string{Waiting}
	}
	return []string{Confirmed, Offered, Waiting}
}

// Audience lists the people of the event that who reaches, by e-mail (an event's sign-up
// gives an address only), read on the store's handle.
func (s *Store) Audience(ctx context.Context, eventID int64, who string) ([]mail.Person, error) {
	return audience(ctx, s.db, eventID, statuses(who))
}

func audience(ctx context.Context, db postgres.DBTX, eventID int64, status []string) ([]mail.Person, error) {
	list, err := signedUp(ctx, db, eventID, status)
	out := make([]mail.Person, len(list))
	for i, p := range list {
		out[i] = p.Person
	}
	return out, err
}

// signedUp lists the event's sign-ups in status, in the order they came, as the outbox
// reaches them (by e-mail: an event's sign-up gives an address only). An event holds at most
// its places and its waiting list.
func signedUp(ctx context.Context, db postgres.DBTX, eventID int64, status []string) ([]person, error) {
	rows, err := db.Query(ctx, `SELECT id, first_name, email::text, lang FROM event_signups
		WHERE event_id = $1 AND status = ANY($2) ORDER BY created_at, id`, eventID, status)
	if err != nil {
		return nil, fmt.Errorf("events: audience: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (person, error) {
		p := person{Person: mail.Person{Recipient: mail.Recipient{Contact: "email"}}}
		var lang string
		err := r.Scan(&p.ID, &p.Name, &p.Email, &lang)
		p.Lang, _ = i18n.Parse(lang)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("events: audience: %w", err)
	}
	return list, nil
}

// Message sends staff's text to the event's people that who reaches, in one transaction with
// the audit line (which counts the messages and keeps no text). A form or a choice that does
// not validate comes back as validate.Errors.
func (s *Store) Message(ctx context.Context, eventID int64, who string, f mail.MessageForm, by audit.Actor) (mail.Tally, error) {
	var told mail.Tally
	errs := f.Validate()
	if !ValidWho(who) {
		errs.Add("who", "event.message.who.required")
	}
	if !errs.OK() {
		return told, errs
	}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		people, err := audience(ctx, tx, eventID, statuses(who))
		if err != nil {
			return err
		}
		if told, err = s.out.SendMessage(ctx, tx, people, f.Text); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.MessageSent, Entity: "event", EntityID: eventID,
			Details: told.Counts()})
	})
	if err != nil {
		return told, fmt.Errorf("events: message: %w", err)
	}
	return told, nil
}

// Changes an event's people are told of.
const (
	changeCancelled = "cancelled"
	changeTime      = "time"
	changePlace     = "place"
	changeLink      = "link"
)

// change is what changed in an event between old and e: its time, its place (room or
// format) or its meeting link, in that order of importance; "" when none of them.
func change(old, e Event) string {
	switch {
	case !old.Starts.Equal(e.Starts) || !old.Ends.Equal(e.Ends):
		return changeTime
	case old.Format != e.Format || old.RoomID != e.RoomID:
		return changePlace
	case e.Format == Digital && old.MeetingLink != e.MeetingLink:
		return changeLink
	}
	return ""
}

// where is the place of e as a notice names it.
func where(lang i18n.Lang, e Event) string {
	if e.Format == Digital {
		return i18n.Translate(lang, "events.format.digital")
	}
	if e.RoomName != "" {
		return HouseAddress + ", " + e.RoomName
	}
	return HouseAddress
}

// noticeMail tells one person of a cancelled or changed event, as an e-mail and an SMS text.
// The subject never names the event (its title may tell a topic); link is the person's
// private page, "" for a cancelled event.
func noticeMail(lang i18n.Lang, name string, e Event, what, note, link string) (mail.Message, string) {
	subject, body, text := "notice.event.subject.changed", "notice.event."+what, "notice.event.changed.sms"
	if what == changeCancelled {
		subject, text = "notice.event.subject.cancelled", "notice.event.cancelled.sms"
	}
	m := mail.Message{
		Lang:     lang,
		Kind:     mail.KindNotice,
		Subject:  i18n.Translate(lang, subject),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{i18n.Translate(lang, body, "Title", e.Title, "When", mail.FormatTime(lang, e.Starts),
			"Where", where(lang, e))},
		Notes:   []string{i18n.Translate(lang, "notice.questions")},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
	sms := i18n.Translate(lang, text, "When", mail.FormatShort(lang, e.Starts))
	if note != "" {
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "notice.note", "Note", note))
		sms += " " + note
	}
	if link != "" {
		m.Action = mail.Action{Label: i18n.Translate(lang, "notice.event.page"), URL: link}
	}
	return m, sms
}

// person is one sign-up a notice goes to.
type person struct {
	ID int64
	mail.Person
}

// tell queues the notice of what happened to e to its sign-ups in status, each with a new
// private link unless the event is cancelled, on tx, and writes the audit line done by by.
func (s *Store) tell(ctx context.Context, tx pgx.Tx, e Event, what, note string, status []string, by audit.Actor) (mail.Tally, error) {
	list, err := signedUp(ctx, tx, e.ID, status)
	if err != nil {
		return mail.Tally{}, err
	}
	var told mail.Tally
	if len(list) > 0 {
		if s.out == nil {
			return told, mail.ErrNoOutbox
		}
		people := make([]mail.Person, len(list))
		links := map[string]string{}
		for i, p := range list {
			people[i] = p.Person
			if what != changeCancelled {
				token := tokens.New()
				if err := addLink(ctx, tx, p.ID, token); err != nil {
					return told, err
				}
				links[p.Key()] = s.out.URL("/arrangement/" + token)
			}
		}
		if told, err = s.out.ReachAll(ctx, tx, people, func(p mail.Person) (mail.Message, string) {
			return noticeMail(p.Lang, p.Name, e, what, note, links[p.Key()])
		}); err != nil {
			return told, err
		}
	}
	return told, audit.Record(ctx, tx, by, audit.Entry{Action: audit.EventChanged, Entity: "event", EntityID: e.ID,
		Details: map[string]any{"change": what, "told": told.Total()}})
}

// CancelEvent cancels the event: it leaves the public list and takes no more sign-ups, its room's
// booking is given up, and everyone with a place, offered one or waiting is told once, with
// note (staff's own line), in the same transaction, with the audit line done by by. An event
// cancelled already is ErrNotFound and tells nobody again.
func (s *Store) CancelEvent(ctx context.Context, id int64, note string, by audit.Actor) (mail.Tally, error) {
	var told mail.Tally
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE events SET cancelled_at = now(), published = false, updated_at = now()
			WHERE id = $1 AND cancelled_at IS NULL`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return postgres.ErrNotFound
		}
		e, err := get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if e.BookingID != 0 {
			if _, err := rooms.NewStore(tx, s.out).CancelBooking(ctx, e.BookingID, "event cancelled"); err != nil {
				return err
			}
		}
		told, err = s.tell(ctx, tx, e, changeCancelled, note, []string{Confirmed, Offered, Waiting}, by)
		return err
	})
	if err != nil {
		return told, fmt.Errorf("events: cancel: %w", postgres.MapError(err))
	}
	return told, nil
}

// tellChange tells those with a place (or offered one) of a new time, place or link of the
// event old has become, on tx; an event that did not change in those tells nobody.
func (s *Store) tellChange(ctx context.Context, tx pgx.Tx, old Event, note string, by int64) error {
	e, err := get(ctx, tx, old.ID, true)
	if err != nil {
		return err
	}
	what := change(old, e)
	if what == "" || e.Cancelled {
		return nil
	}
	_, err = s.tell(ctx, tx, e, what, note, []string{Confirmed, Offered}, audit.Actor{ID: by})
	return err
}
