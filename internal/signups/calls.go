package signups

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// A person who asked to be phoned, or whom nobody can write to, gets an offer as a call task:
// staff phone them from the call list and record what came of it. The offer's days to answer
// start only when staff have called and the person wants to think it over.

// What staff record after a call about an offer.
const (
	CallAccepted = "ja"        // yes: a member, by the same path as the person's own yes
	CallWaits    = "vent"      // no thanks, I'll wait for another: waits again, never proposed this group
	CallDeclined = "nei"       // no thanks: off the waiting list
	CallNoAnswer = "ikke-svar" // nobody answered: the attempt is noted and the task stays
	CallThinking = "tenke"     // wants to think: the days to answer start now
)

// CallOutcomes lists what staff may record, in the order the call list offers them.
var CallOutcomes = []string{CallAccepted, CallWaits, CallDeclined, CallNoAnswer, CallThinking}

// PhoneAnswers are the outcomes that answer an offer, as the person's own answers do.
var PhoneAnswers = map[string]Answer{CallAccepted: Accept, CallWaits: Decline, CallDeclined: Withdraw}

// MaxCallNote is the longest note staff may keep about the calls, in characters.
const MaxCallNote = 500

// CallForm is what staff record after a call about an offer.
type CallForm struct {
	Outcome string
	Note    string
}

// Validate trims the note and checks the outcome and the note's length.
func (f *CallForm) Validate() validate.Errors {
	var e validate.Errors
	f.Note = strings.TrimSpace(f.Note)
	if !slices.Contains(CallOutcomes, f.Outcome) {
		e.Add("svar", "calls.outcome.invalid")
	}
	if utf8.RuneCountInString(f.Note) > MaxCallNote || !utf8.ValidString(f.Note) {
		e.Add("notat", "calls.note.long", "Max", MaxCallNote)
	}
	return e
}

// CallTask is one offer on the call list: whom to phone, at which number, in which language,
// and what to tell them about the group: its name, when and where it meets.
type CallTask struct {
	OfferID       int64
	ParticipantID int64
	FirstName     string
	Phone         string // as stored: +4791234567
	Lang          string // the language they chose: nb or en
	GroupID       int64
	GroupName     string
	Weekday       int
	StartsAt      time.Duration
	EndsAt        time.Duration
	Frequency     string
	Format        string
	Venue         string     // a partner's venue
	Room          string     // the room of its next booked meeting, or ""
	NextMeeting   *time.Time // its next booked meeting, if any
	MadeAt        time.Time
	Attempts      []time.Time // calls that got no answer, oldest first
	Note          string
	Deadline      *time.Time // set once they said they want to think: the task stays until they answer
}

// CallList lists the offers waiting for a call, oldest first, with their total, and records
// that staff member by saw them (names and phone numbers) in the same transaction. One query
// for the page, whatever the number of offers, on offers_calls_idx.
func (s *Store) CallList(ctx context.Context, limit, offset int, by audit.Actor, now time.Time) ([]CallTask, int, error) {
	var list []CallTask
	total := 0
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM offers WHERE status = 'pending' AND channel = 'phone'`).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT o.id, p.id, p.first_name, coalesce(p.phone, ''), p.lang, g.id, g.name, g.weekday,
				extract(epoch FROM g.starts_at)::bigint, extract(epoch FROM g.ends_at)::bigint, g.frequency, g.format, g.venue,
				coalesce(m.room, ''), m.starts, o.made_at, o.call_attempts, o.call_note, o.deadline
			FROM offers o JOIN signups s ON s.id = o.signup_id JOIN participants p ON p.id = s.participant_id
			JOIN groups g ON g.id = o.group_id
			LEFT JOIN LATERAL (SELECT r.name AS room, lower(bo.during) AS starts
				FROM bookings b JOIN booking_occurrences bo ON bo.booking_id = b.id JOIN rooms r ON r.id = bo.room_id
				WHERE b.group_id = g.id AND bo.cancelled_at IS NULL AND lower(bo.during) > $1
				ORDER BY lower(bo.during) LIMIT 1) m ON true
			WHERE o.status = 'pending' AND o.channel = 'phone'
			ORDER BY o.made_at, o.id LIMIT $2 OFFSET $3`, now, limit, offset)
		if err != nil {
			return err
		}
		if list, err = pgx.CollectRows(rows, scanCallTask); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.PersonalDataViewed, Entity: "call_list",
			Details: map[string]any{"offset": offset, "shown": len(list)}})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("signups: call list: %w", err)
	}
	return list, total, nil
}

func scanCallTask(row pgx.CollectableRow) (CallTask, error) {
	var c CallTask
	var start, end int64
	err := row.Scan(&c.OfferID, &c.ParticipantID, &c.FirstName, &c.Phone, &c.Lang, &c.GroupID, &c.GroupName, &c.Weekday,
		&start, &end, &c.Frequency, &c.Format, &c.Venue, &c.Room, &c.NextMeeting, &c.MadeAt, &c.Attempts, &c.Note, &c.Deadline)
	c.StartsAt, c.EndsAt = time.Duration(start)*time.Second, time.Duration(end)*time.Second
	return c, err
}

// RecordCall records what came of staff member by's call about open offer id at now, keeping
// the note, in one transaction with its audit line:
//   - ja, vent and nei answer the offer through AnswerOffer, the path of the person's own
//     answer (a yes makes them a member, with all that goes with it);
//   - ikke-svar notes the attempt, and the offer stays on the call list;
//   - tenke starts the offer's clock: the person answers within the offer's days from now.
//
// An unknown offer is postgres.ErrNotFound and an answered one ErrOfferAnswered; then a form
// that does not validate is a validate.Errors, and so are ikke-svar and tenke on an offer
// whose clock already runs; one past its deadline is ErrOfferExpired, and a yes to a full
// group ErrFull.
// Nothing changes on an error.
func (s *Store) RecordCall(ctx context.Context, id int64, f CallForm, by audit.Actor, now time.Time) (Offer, error) {
	var o Offer
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		participantID, deadline, err := lockOpenOffer(ctx, tx, id)
		if err != nil {
			return err
		}
		e := f.Validate()
		if (f.Outcome == CallNoAnswer || f.Outcome == CallThinking) && deadline != nil {
			e.Add("svar", "calls.outcome.started")
		}
		if !e.OK() {
			return e
		}
		if err := recordCall(ctx, tx, id, f, now); err != nil {
			return err
		}
		if a, ok := PhoneAnswers[f.Outcome]; ok {
			if _, err := s.on(tx).AnswerOffer(ctx, id, a); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, by, audit.Entry{Action: audit.OfferCalled, Entity: "participant", EntityID: participantID,
			Details: map[string]any{"offer_id": id, "outcome": f.Outcome}}); err != nil {
			return err
		}
		o, err = scanOffer(tx.QueryRow(ctx, offerSelect+` WHERE o.id = $1`, id))
		return err
	})
	return o, offerActionError("record call", err)
}

// recordCall writes the call on offer id: an attempt, the start of the clock, or that staff
// spoke with the person; and the note.
func recordCall(ctx context.Context, tx pgx.Tx, id int64, f CallForm, now time.Time) error {
	q := `UPDATE offers SET called_at = $2, call_note = $3 WHERE id = $1`
	switch f.Outcome {
	case CallNoAnswer:
		q = `UPDATE offers SET call_attempts = call_attempts || $2::timestamptz, call_note = $3 WHERE id = $1`
	case CallThinking:
		q = `UPDATE offers SET called_at = $2, deadline = $2::timestamptz + make_interval(days => answer_days), call_note = $3 WHERE id = $1`
	}
	_, err := tx.Exec(ctx, q, id, now, f.Note)
	return err
}

// ExportOffer is an offer in the person's export, with what staff noted about calling them.
type ExportOffer struct {
	Group        string      `json:"group"`
	Channel      string      `json:"channel"`
	MadeAt       time.Time   `json:"made_at"`
	Deadline     *time.Time  `json:"deadline"`
	Status       string      `json:"status"`
	AnsweredAt   *time.Time  `json:"answered_at"` // or withdrawn, or expired: when it ended
	CalledAt     *time.Time  `json:"called_at"`
	CallAttempts []time.Time `json:"calls_without_answer"`
	CallNote     string      `json:"call_note"`
}

// exportOffers lists the participant's offers, oldest first, for their export.
func (s *Store) exportOffers(ctx context.Context, participantID int64) ([]ExportOffer, error) {
	rows, err := s.db.Query(ctx, `SELECT g.name, o.channel, o.made_at, o.deadline, o.status, o.answered_at, o.called_at, o.call_attempts, o.call_note
		FROM offers o JOIN signups s ON s.id = o.signup_id JOIN groups g ON g.id = o.group_id
		WHERE s.participant_id = $1 ORDER BY o.made_at, o.id`, participantID)
	if err != nil {
		return nil, fmt.Errorf("signups: export offers: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ExportOffer])
	if err != nil {
		return nil, fmt.Errorf("signups: export offers: %w", err)
	}
	return list, nil
}
