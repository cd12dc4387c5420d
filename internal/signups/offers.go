package signups

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/counts"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Offer statuses.
const (
	OfferPending   = "pending"
	OfferAccepted  = "accepted"
	OfferDeclined  = "declined"
	OfferExpired   = "expired"
	OfferWithdrawn = "withdrawn" // the person withdrew from the waiting list when declining, or staff withdrew the offer
)

// OfferDays is how long a person has to answer an offer.
const OfferDays = 7

// Errors of answering an offer; each leaves everything as it was.
var (
	ErrOfferAnswered = errors.New("signups: the offer is already answered")
	ErrOfferExpired  = errors.New("signups: the offer's deadline has passed")
)

// NewOffer is one place staff offer: a waiting sign-up and the group.
type NewOffer struct {
	SignupID int64
	GroupID  int64
}

// The channels an offer goes by: a mail, an SMS, or a call from staff (the person asked to be
// phoned, or nobody can write to them).
const (
	ByEmail = "email"
	BySMS   = "sms"
	ByPhone = "phone"
)

// MadeOffer is an offer just made, with what its message needs; Token is shown only once.
type MadeOffer struct {
	OfferID       int64
	ParticipantID int64
	FirstName     string
	Recipient     mail.Recipient
	Channel       string // ByEmail, BySMS or ByPhone: a call task, with no message and no deadline yet
	Token         string
	Deadline      time.Time // zero for a call task: its clock starts when staff have called
}

// MaxOfferDays is the longest time staff may give a person to answer an offer.
const MaxOfferDays = 30

// Offer offers each sign-up of offers a place in its group for days (1 to MaxOfferDays), for
// staff member by, in one transaction: each offer with its message and its audit line. The
// offer goes by the person's channel (outbox.Reach): a mail, or a short SMS; to someone who
// asked to be phoned, or whom nobody can write to, no message goes: the offer becomes a call
// task on the staff's call list, and its days only start when staff have called. A sign-up
// that no longer waits is skipped and not returned, and the others become offered. Places
// are not reserved: the first to accept gets one. No offer, or days out of range, is a
// validate.Errors.
func (s *Store) Offer(ctx context.Context, offers []NewOffer, days int, by audit.Actor, now time.Time) ([]MadeOffer, error) {
	var e validate.Errors
	if days < 1 || days > MaxOfferDays {
		e.Add("frist", "matching.deadline.invalid")
	}
	if len(offers) == 0 {
		e.Add("tilbud", "matching.none")
	}
	if !e.OK() {
		return nil, e
	}
	var made []MadeOffer
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if made, err = makeOffers(ctx, tx, offers, by.ID, days, now); err != nil {
			return err
		}
		for _, m := range made {
			if m.Channel != ByPhone {
				lang, link := m.Recipient.Lang, s.out.URL("/tilbud/"+m.Token)
				if _, err := s.out.Reach(ctx, tx, m.Recipient, offerMail(lang, m.FirstName, link, m.Deadline), offerSMS(lang, link, m.Deadline)); err != nil {
					return err
				}
			}
			if err := audit.Record(ctx, tx, by, audit.Entry{Action: audit.OfferMade, Entity: "participant", EntityID: m.ParticipantID,
				Details: map[string]any{"offer_id": m.OfferID, "channel": m.Channel}}); err != nil {
				return err
			}
		}
		return nil
	})
	return made, err
}

// OfferChannel is the channel an offer to r goes by: a call (ByPhone) when they asked to be
// phoned and gave a number, or when nobody can write to them; else the channel Reach takes.
func OfferChannel(r mail.Recipient) string {
	if r.Contact == ByPhone && r.Phone != "" {
		return ByPhone
	}
	switch r.Channel() {
	case mail.ChannelEmail:
		return ByEmail
	case mail.ChannelSMS:
		return BySMS
	}
	return ByPhone
}

// recipientColumns read a participant p as a mail.Recipient (with first name and id before).
const recipientColumns = `p.id, p.first_name, ` + reachColumns + `, p.lang`

// makeOffers makes the offers, in tx, each answered within days from now, or, for a call task,
// with no deadline yet: a sign-up that is not waiting is skipped.
func makeOffers(ctx context.Context, tx pgx.Tx, offers []NewOffer, by int64, days int, now time.Time) ([]MadeOffer, error) {
	var out []MadeOffer
	for _, o := range offers {
		m := MadeOffer{Token: tokens.New()}
		var lang string
		r := &m.Recipient
		err := tx.QueryRow(ctx, `SELECT `+recipientColumns+` FROM signups s JOIN participants p ON p.id = s.participant_id
			WHERE s.id = $1 AND s.status = 'waiting' FOR UPDATE OF s`, o.SignupID).
			Scan(&m.ParticipantID, &m.FirstName, &r.Email, &r.Phone, &r.Contact, &r.SMSStopped, &lang)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // answered meanwhile, or not waiting: nothing to offer
		}
		if err != nil {
			return nil, fmt.Errorf("signups: offer: %w", err)
		}
		r.Lang, m.Channel = i18n.Lang(lang), OfferChannel(*r)
		var deadline *time.Time
		if m.Channel != ByPhone {
			m.Deadline = now.Add(time.Duration(days) * 24 * time.Hour)
			deadline = &m.Deadline
		}
		err = tx.QueryRow(ctx, `WITH s AS (
				UPDATE signups SET status = 'offered', status_changed_at = now() WHERE id = $1 RETURNING id)
			INSERT INTO offers (signup_id, group_id, token_hash, deadline, made_by, channel, answer_days)
			SELECT s.id, g.id, $3, $4, NULLIF($5, 0), $6, $7 FROM s JOIN groups g ON g.id = $2
			RETURNING id`, o.SignupID, o.GroupID, tokens.Hash(m.Token), deadline, by, m.Channel, days).Scan(&m.OfferID)
		if err != nil {
			return nil, fmt.Errorf("signups: offer: %w", postgres.MapError(err))
		}
		out = append(out, m)
	}
	return out, nil
}

// Offer is an offer as the person sees it behind its link.
type Offer struct {
	ID            int64
	SignupID      int64
	ParticipantID int64
	FirstName     string
	GroupID       int64
	GroupName     string
	GroupSlug     string
	Weekday       int
	StartsAt      time.Duration
	EndsAt        time.Duration
	Format        string
	Venue         string
	Deadline      time.Time // zero for a call task whose clock has not started
	Status        string
	Full          bool // the group has no place left now
	Channel       string
}

const offerSelect = `SELECT o.id, o.signup_id, s.participant_id, p.first_name, g.id, g.name, g.slug, g.weekday,
		extract(epoch FROM g.starts_at)::bigint, extract(epoch FROM g.ends_at)::bigint, g.format, g.venue, o.deadline,
		CASE WHEN o.status = 'pending' AND o.deadline <= now() THEN 'expired' ELSE o.status END,
		(SELECT count(*) FROM memberships m WHERE m.group_id = g.id AND m.left_at IS NULL) >= g.capacity, o.channel
	FROM offers o JOIN signups s ON s.id = o.signup_id JOIN participants p ON p.id = s.participant_id
	JOIN groups g ON g.id = o.group_id`

func scanOffer(row pgx.Row) (Offer, error) {
	var o Offer
	var start, end int64
	var deadline *time.Time
	err := row.Scan(&o.ID, &o.SignupID, &o.ParticipantID, &o.FirstName, &o.GroupID, &o.GroupName, &o.GroupSlug, &o.Weekday,
		&start, &end, &o.Format, &o.Venue, &deadline, &o.Status, &o.Full, &o.Channel)
	o.StartsAt, o.EndsAt = time.Duration(start)*time.Second, time.Duration(end)*time.Second
	if deadline != nil {
		o.Deadline = *deadline
	}
	return o, err
}

// OfferLinkLife is how long the link in an offer's message works after the offer ended:
// answered, withdrawn, or past its deadline. Then it is ErrNotFound and its page neutral,
// naming neither the person nor the group (like an event's link, events.LinkLife). The
// person's private page still shows what became of it.
const OfferLinkLife = 7 * 24 * time.Hour

// OfferByToken returns the offer behind a link; an unknown link, or one that ended
// (OfferLinkLife), is ErrNotFound. A call task whose clock has not started has not ended.
func (s *Store) OfferByToken(ctx context.Context, token string) (Offer, error) {
	o, err := scanOffer(s.db.QueryRow(ctx, offerSelect+` WHERE o.token_hash = $1
		AND coalesce(o.answered_at, o.deadline, 'infinity') > now() - $2::interval`, tokens.Hash(token), OfferLinkLife))
	if err != nil {
		return o, fmt.Errorf("signups: offer: %w", postgres.MapError(err))
	}
	return o, nil
}

// OfferOf returns the participant's offer id; another person's offer is ErrNotFound.
func (s *Store) OfferOf(ctx context.Context, participantID, id int64) (Offer, error) {
	o, err := scanOffer(s.db.QueryRow(ctx, offerSelect+` WHERE o.id = $1 AND s.participant_id = $2`, id, participantID))
	if err != nil {
		return o, fmt.Errorf("signups: offer: %w", postgres.MapError(err))
	}
	return o, nil
}

// PendingOffers lists the participant's open offers, for their private page.
func (s *Store) PendingOffers(ctx context.Context, participantID int64) ([]Offer, error) {
	rows, err := s.db.Query(ctx, offerSelect+` WHERE s.participant_id = $1 AND o.status = 'pending' AND o.deadline > now()
		ORDER BY o.deadline, o.id LIMIT 20`, participantID)
	if err != nil {
		return nil, fmt.Errorf("signups: offers: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Offer, error) { return scanOffer(row) })
	if err != nil {
		return nil, fmt.Errorf("signups: offers: %w", err)
	}
	return list, nil
}

// Answer is the person's answer to an offer.
type Answer string

// The answers.
const (
	Accept   Answer = "accept"
	Decline  Answer = "decline"  // back to waiting, with the original waiting time
	Withdraw Answer = "withdraw" // decline and leave the waiting list
)

// AnswerOffer records the person's answer to offer id (found by its token or on the private
// page) in one transaction. Accepting makes the person a member if the group still has a
// place (ErrFull otherwise) and queues their confirmation (confirmJoin) in the same
// transaction; an answered offer is ErrOfferAnswered and one past its deadline
// ErrOfferExpired. Nothing changes on an error.
//
// Staff who took the answer on the phone record it with RecordCall, which answers through
// this use case inside its own transaction and writes the audit line.
func (s *Store) AnswerOffer(ctx context.Context, offerID int64, a Answer) (Offer, error) {
	var o Offer
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var status string
		var deadline *time.Time
		if err := tx.QueryRow(ctx, `SELECT status, deadline FROM offers WHERE id = $1 FOR UPDATE`, offerID).Scan(&status, &deadline); err != nil {
			return err
		}
		var err error
		if o, err = scanOffer(tx.QueryRow(ctx, offerSelect+` WHERE o.id = $1`, offerID)); err != nil {
			return err
		}
		switch {
		case status != OfferPending:
			return ErrOfferAnswered
		case deadline != nil && !deadline.After(time.Now()):
			return ErrOfferExpired
		}
		st := s.on(tx)
		switch a {
		case Accept:
			if err := st.placeSignup(ctx, o.SignupID, o.ParticipantID, o.GroupID); err != nil {
				return err
			}
			if _, err := st.confirmJoin(ctx, tx, o.ParticipantID, o.GroupID, time.Now()); err != nil {
				return err
			}
			status = OfferAccepted
		case Withdraw:
			if _, err := tx.Exec(ctx, `UPDATE signups SET status = 'withdrawn', status_changed_at = now() WHERE id = $1`, o.SignupID); err != nil {
				return err
			}
			status = OfferWithdrawn
		default:
			if err := backToWaiting(ctx, tx, o.SignupID); err != nil {
				return err
			}
			status = OfferDeclined
		}
		if _, err := tx.Exec(ctx, `UPDATE offers SET status = $2, answered_at = now() WHERE id = $1`, offerID, status); err != nil {
			return err
		}
		o.Status = status
		return st.count(ctx, "offer_"+status, "")
	})
	if err != nil && !errors.Is(err, ErrFull) && !errors.Is(err, ErrOfferAnswered) && !errors.Is(err, ErrOfferExpired) {
		err = fmt.Errorf("signups: answer offer: %w", postgres.MapError(err))
	}
	return o, err
}

// backToWaiting puts an offered sign-up back on the waiting list; its waiting_since stays,
// so the person keeps their place in the queue.
func backToWaiting(ctx context.Context, tx pgx.Tx, signupID int64) error {
	_, err := tx.Exec(ctx, `UPDATE signups SET status = 'waiting', status_changed_at = now() WHERE id = $1 AND status = 'offered'`, signupID)
	return err
}

// placeSignup makes the sign-up's person a member of the group, if it has a place.
func (s *Store) placeSignup(ctx context.Context, signupID, participantID, groupID int64) error {
	if err := s.roomIn(ctx, groupID); err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `UPDATE signups SET status = 'member', status_changed_at = now() WHERE id = $1`, signupID); err != nil {
		return err
	}
	if err := s.recordWait(ctx, signupID, true); err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO memberships (group_id, participant_id, signup_id) VALUES ($1, $2, $3)`,
		groupID, participantID, signupID); err != nil {
		return err
	}
	return s.count(ctx, "placed", "")
}

// ExpireOffers ends the pending offers past their deadline at now: each sign-up waits again
// with its original waiting time. It returns how many it ended.
func ExpireOffers(ctx context.Context, db postgres.DBTX, now time.Time) (int, error) {
	n := 0
	err := postgres.InTx(ctx, db, func(tx pgx.Tx) error {
		// A call task whose clock has not started (deadline NULL) never expires.
		rows, err := tx.Query(ctx, `UPDATE offers SET status = 'expired', answered_at = $1
			WHERE status = 'pending' AND deadline IS NOT NULL AND deadline <= $1 RETURNING signup_id`, now)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		n = len(ids)
		if n == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE signups SET status = 'waiting', status_changed_at = $2
			WHERE id = ANY($1) AND status = 'offered'`, ids, now); err != nil {
			return err
		}
		return counts.Add(ctx, tx, counts.Year(now), "offer_expired", "", n)
	})
	if err != nil {
		return 0, fmt.Errorf("signups: expire offers: %w", err)
	}
	return n, nil
}
