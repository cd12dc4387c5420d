package events

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
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
	rows, err := db.Query(ctx, `SELECT first_name, email::text, lang FROM event_signups
		WHERE event_id = $1 AND status = ANY($2) ORDER BY created_at, id LIMIT 1000`, eventID, status)
	if err != nil {
		return nil, fmt.Errorf("events: audience: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (mail.Person, error) {
		p := mail.Person{Recipient: mail.Recipient{Contact: "email"}}
		var lang string
		err := r.Scan(&p.Name, &p.Email, &lang)
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
	if s.out == nil {
		return told, mail.ErrNoOutbox
	}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		people, err := audience(ctx, tx, eventID, statuses(who))
		if err != nil {
			return err
		}
		if told, err = s.out.ReachAll(ctx, tx, people, func(p mail.Person) (mail.Message, string) {
			return mail.StaffMessage(p.Lang, p.Name, f.Text)
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.MessageSent, Entity: "event", EntityID: eventID,
			Details: map[string]any{"who": who, "email": told.Email, "sms": told.SMS, "phone": len(told.Phone)}})
	})
	if err != nil {
		return told, fmt.Errorf("events: message: %w", err)
	}
	return told, nil
}

