package signups

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// What a participant does on their private page, behind the link only they have: change
// their preferences, withdraw, download or delete everything.

// UpdatePrefs changes the preferences of one of the participant's own active sign-ups. p is
// validated first, and cleaned in place so that a form shown again shows what was checked; a
// validate.Errors comes back when it does not hold. Another person's sign-up, or one that is
// no longer active, is ErrNotFound.
func (s *Store) UpdatePrefs(ctx context.Context, participantID, signupID int64, p *Prefs) error {
	if errs := p.Validate(); !errs.OK() {
		return errs
	}
	tag, err := s.db.Exec(ctx, `UPDATE signups SET formats = $3, availability = $4, languages = $5
		WHERE id = $2 AND participant_id = $1 AND status IN ('waiting', 'offered', 'member')`,
		participantID, signupID, orEmpty(p.Formats), orEmpty(p.Availability), orEmpty(p.Languages))
	return affected(tag.RowsAffected(), err, "update")
}

// Withdraw ends one of the participant's own sign-ups; no reason is asked. A membership of
// that group ends with it.
func (s *Store) Withdraw(ctx context.Context, participantID, signupID int64) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error { return s.on(tx).withdraw(ctx, participantID, signupID) })
}

func (s *Store) withdraw(ctx context.Context, participantID, signupID int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE signups SET status = 'withdrawn', status_changed_at = now()
		WHERE id = $2 AND participant_id = $1 AND status IN ('waiting', 'offered', 'member')`, participantID, signupID)
	if err := affected(tag.RowsAffected(), err, "withdraw"); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE memberships SET left_at = now() WHERE signup_id = $1 AND left_at IS NULL`, signupID)
	if err != nil {
		return fmt.Errorf("signups: withdraw: %w", err)
	}
	return s.count(ctx, "withdrawn", "")
}

// DeleteOwn removes the participant, who asked for it on their private page, and everything
// about them for real: sign-ups, memberships and links go with the row, and every mail to
// their address or number goes from the outbox. Only an anonymous yearly count remains, and no audit
// line: it would be a trace of the person.
func (s *Store) DeleteOwn(ctx context.Context, participantID int64) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error { return s.on(tx).erase(ctx, participantID) })
}

// erase deletes the participant and the mail to them, and counts it, in the caller's
// transaction.
func (s *Store) erase(ctx context.Context, participantID int64) error {
	var email, phone string
	err := s.db.QueryRow(ctx, `DELETE FROM participants WHERE id = $1
		RETURNING coalesce(email::text, ''), coalesce(phone, '')`, participantID).Scan(&email, &phone)
	if err != nil {
		return fmt.Errorf("signups: delete: %w", postgres.MapError(err))
	}
	// Their event sign-ups are the events package's: a place they held goes on to the next
	// one waiting. Then the outbox, the mail package's, deletes every mail and SMS to them
	// (the offers just made are to others). All in this transaction.
	if err := events.NewStore(s.db, s.out).Forget(ctx, email, time.Now()); err != nil {
		return err
	}
	if err := mail.Forget(ctx, s.db, email, phone); err != nil {
		return err
	}
	return s.count(ctx, "deleted_by_request", "")
}

// Export is everything stored about a participant, for the download on the private page:
// their sign-ups, memberships, links, offers, the event sign-ups made with their address and
// the messages to them still waiting to go, with a legend of the codes it uses in their
// language.
type Export struct {
	ExportedAt   time.Time          `json:"exported_at"`
	Participant  Participant        `json:"participant"`
	Signups      []Signup           `json:"signups"`
	Memberships  []ExportMembership `json:"memberships"`
	Links        []ExportLink       `json:"private_links"`
	Offers       []ExportOffer      `json:"offers"`
	EventSignups []events.Held      `json:"event_signups"`
	Queued       []ExportMessage    `json:"queued_messages"`
	Legend       Legend             `json:"legend"`
}

// ExportMessage is a message to the person not yet sent, in the export: what kind, by which
// channel and since when; never its text, which may hold a private link.
type ExportMessage struct {
	Kind     mail.Kind    `json:"kind"`
	Channel  mail.Channel `json:"channel"`
	QueuedAt time.Time    `json:"queued_at"`
}

// ExportMembership is a membership in the export.
type ExportMembership struct {
	Group    string     `json:"group"`
	JoinedAt time.Time  `json:"joined_at"`
	LeftAt   *time.Time `json:"left_at"`
}

// ExportLink is a private link in the export: when it was made and when it ends, never the
// token (only its hash is stored).
type ExportLink struct {
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ExportData gathers everything stored about the participant.
func (s *Store) ExportData(ctx context.Context, participantID int64) (Export, error) {
	x := Export{ExportedAt: time.Now().UTC()}
	var err error
	if x.Participant, err = s.Participant(ctx, participantID); err != nil {
		return x, err
	}
	if x.Signups, err = s.Signups(ctx, participantID); err != nil {
		return x, err
	}
	rows, err := s.db.Query(ctx, `SELECT g.name, m.joined_at, m.left_at FROM memberships m JOIN groups g ON g.id = m.group_id
		WHERE m.participant_id = $1 ORDER BY m.joined_at`, participantID)
	if err != nil {
		return x, fmt.Errorf("signups: export: %w", err)
	}
	if x.Memberships, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ExportMembership]); err != nil {
		return x, fmt.Errorf("signups: export: %w", err)
	}
	rows, err = s.db.Query(ctx, `SELECT created_at, expires_at FROM participant_links WHERE participant_id = $1 ORDER BY created_at`, participantID)
	if err != nil {
		return x, fmt.Errorf("signups: export: %w", err)
	}
	if x.Links, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ExportLink]); err != nil {
		return x, fmt.Errorf("signups: export: %w", err)
	}
	if x.Offers, err = s.exportOffers(ctx, participantID); err != nil {
		return x, err
	}
	if x.EventSignups, err = events.NewStore(s.db, s.out).OfAddress(ctx, deref(x.Participant.Email)); err != nil {
		return x, err
	}
	if x.Queued, err = queued(ctx, s.db, participantID); err != nil {
		return x, err
	}
	x.Legend = legendOf(x)
	return x, nil
}

// queued lists the messages to the participant that wait to go, oldest first.
func queued(ctx context.Context, db postgres.DBTX, participantID int64) ([]ExportMessage, error) {
	list, err := mail.OfPerson(ctx, db, participantID, mail.MaxOfPerson)
	if err != nil {
		return nil, err
	}
	out := []ExportMessage{}
	for _, m := range slices.Backward(list) {
		if !m.Sent() && m.FailedAt == nil {
			out = append(out, ExportMessage{Kind: m.Kind, Channel: m.Channel, QueuedAt: m.CreatedAt})
		}
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
