package events

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/counts"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Sign-up statuses.
const (
	Confirmed = "confirmed"
	Waiting   = "waiting"
	Offered   = "offered"
	Cancelled = "cancelled"
	Expired   = "expired" // an offered place not taken before its deadline
)

// ConsentVersion names the privacy text a sign-up agreed to.
const ConsentVersion = "2026-11-events"

// OfferHours is how long a freed place is held for the person it is offered to (never past
// the event's start).
const OfferHours = 48

// SignupForm is the public sign-up form: a first name and an e-mail address, and the two
// boxes.
type SignupForm struct {
	FirstName, Email string
	Adult, Consent   bool
}

// Validate trims and checks the form; messages are catalogue ids.
func (f *SignupForm) Validate() validate.Errors {
	var e validate.Errors
	f.FirstName, f.Email = strings.TrimSpace(f.FirstName), strings.TrimSpace(f.Email)
	if e.Required("first_name", f.FirstName, "signup.name.required") {
		e.MaxLength("first_name", f.FirstName, 60, "form.tooLong")
	}
	e.RequiredEmail("email", f.Email)
	if !f.Adult {
		e.Add("adult", "signup.adult.required")
	}
	if !f.Consent {
		e.Add("consent", "signup.consent.required")
	}
	return e
}

// Signup is one person's sign-up for an event.
type Signup struct {
	ID            int64
	EventID       int64
	FirstName     string
	Email         string
	Lang          string
	Status        string
	OfferDeadline *time.Time
	Attended      *bool
	CreatedAt     time.Time
}

// Made is a sign-up just stored, with a new private link's token (sent once).
type Made struct {
	Signup
	Token   string
	Created bool // false: the address was already signed up; it only got a new link
}

// ErrEnded is returned for a sign-up to an event that has begun.
var ErrEnded = errors.New("events: the event has begun")

// SignUp stores a validated sign-up: confirmed while there are places and nobody waits, else
// on the waiting list, in arrival order. Sign-ups for one event are serialised on the event's
// row, so many at once can never confirm more than its places. An address already signed up
// is not signed up twice, but gets a fresh link (Created is false). The e-mail with the link
// and the status is queued in the same transaction.
func (s *Store) SignUp(ctx context.Context, eventID int64, f SignupForm, lang string, now time.Time) (Made, error) {
	m := Made{Token: tokens.New()}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var capacity, taken int
		var starts time.Time
		err := tx.QueryRow(ctx, `SELECT capacity, starts_at FROM events WHERE id = $1 AND published AND cancelled_at IS NULL FOR UPDATE`, eventID).Scan(&capacity, &starts)
		if err != nil {
			return err
		}
		if !starts.After(now) {
			return ErrEnded
		}
		m.EventID, m.FirstName, m.Email, m.Lang = eventID, f.FirstName, f.Email, lang
		err = tx.QueryRow(ctx, `SELECT id, status, first_name, lang FROM event_signups WHERE event_id = $1 AND email = $2
			AND status IN ('confirmed', 'waiting', 'offered')`, eventID, f.Email).Scan(&m.ID, &m.Status, &m.FirstName, &m.Lang)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			var waiting int
			if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status IN ('confirmed', 'offered')),
					count(*) FILTER (WHERE status IN ('waiting', 'offered'))
				FROM event_signups WHERE event_id = $1`, eventID).Scan(&taken, &waiting); err != nil {
				return err
			}
			m.Status = Confirmed
			if taken >= capacity || waiting > 0 { // nobody overtakes those waiting
				m.Status = Waiting
			}
			m.Created = true
			if err := tx.QueryRow(ctx, `INSERT INTO event_signups (event_id, first_name, email, lang, status, consent_version)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
				eventID, f.FirstName, f.Email, lang, m.Status, ConsentVersion).Scan(&m.ID, &m.CreatedAt); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if err := addLink(ctx, tx, m.ID, m.Token); err != nil {
			return err
		}
		e, err := get(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		return s.enqueue(ctx, tx, m.Email, signupMail(i18n.Lang(m.Lang), m.FirstName, e.Starts, m.Status != Confirmed,
			s.out.URL("/arrangement/"+m.Token)))
	})
	if err != nil && !errors.Is(err, ErrEnded) {
		return m, fmt.Errorf("events: sign up: %w", postgres.MapError(err))
	}
	return m, err
}

const signupColumns = `id, event_id, first_name, email, lang, status, offer_deadline, attended, created_at`

func scanSignup(row pgx.Row) (Signup, error) {
	var g Signup
	err := row.Scan(&g.ID, &g.EventID, &g.FirstName, &g.Email, &g.Lang, &g.Status, &g.OfferDeadline, &g.Attended, &g.CreatedAt)
	return g, err
}

// LinkLife is how long a private link to a sign-up works after its event ended, or after the
// sign-up was cancelled or its offer expired: then it is ErrNotFound, and its page neutral,
// naming neither the person nor the event.
const LinkLife = 7 * 24 * time.Hour

// ByToken returns the sign-up behind a private link; unknown, or ended (LinkLife), is
// ErrNotFound.
func (s *Store) ByToken(ctx context.Context, token string) (Signup, error) {
	g, err := scanSignup(s.db.QueryRow(ctx, `SELECT `+prefixed("s.", signupColumns)+` FROM event_signups s
		JOIN event_links l ON l.signup_id = s.id JOIN events e ON e.id = s.event_id
		WHERE l.token_hash = $1 AND e.ends_at > now() - $2::interval
			AND NOT (s.status IN ('cancelled', 'expired') AND s.status_changed_at <= now() - $2::interval)`,
		tokens.Hash(token), LinkLife))
	if err != nil {
		return g, fmt.Errorf("events: sign-up: %w", postgres.MapError(err))
	}
	return g, nil
}

// Signups lists an event's sign-ups in arrival order, a page at a time (staff).
func (s *Store) Signups(ctx context.Context, eventID int64, limit, offset int) ([]Signup, int, error) {
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM event_signups WHERE event_id = $1 AND status <> 'cancelled'`, eventID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("events: sign-ups: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+signupColumns+` FROM event_signups WHERE event_id = $1 AND status <> 'cancelled'
		ORDER BY CASE status WHEN 'confirmed' THEN 0 WHEN 'offered' THEN 1 WHEN 'waiting' THEN 2 ELSE 3 END, id LIMIT $2 OFFSET $3`, eventID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("events: sign-ups: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Signup, error) { return scanSignup(row) })
	if err != nil {
		return nil, 0, fmt.Errorf("events: sign-ups: %w", err)
	}
	return list, total, nil
}

// Offer is a freed place offered to the first person waiting: who, and until when.
type Offer struct {
	Signup
	Deadline time.Time
}

// offerFreed offers the event's free places to the people waiting longest, in the caller's
// transaction (which holds the event's row), mails each offer and returns the offers made.
func (s *Store) offerFreed(ctx context.Context, tx pgx.Tx, eventID int64, now time.Time) ([]Offer, error) {
	offers, err := freePlaces(ctx, tx, eventID, now)
	if err != nil {
		return nil, err
	}
	return offers, s.mailOffers(ctx, tx, offers)
}

// freePlaces marks the sign-ups to offer the event's free places to; a cancelled event has
// none.
func freePlaces(ctx context.Context, tx pgx.Tx, eventID int64, now time.Time) ([]Offer, error) {
	rows, err := tx.Query(ctx, `WITH free AS (
			SELECT e.capacity - (SELECT count(*) FROM event_signups s WHERE s.event_id = e.id AND s.status IN ('confirmed', 'offered')) AS n,
				least($2::timestamptz + make_interval(hours => $3), e.starts_at) AS deadline
			FROM events e WHERE e.id = $1 AND e.starts_at > $2 AND e.cancelled_at IS NULL),
		next AS (SELECT s.id FROM event_signups s, free WHERE s.event_id = $1 AND s.status = 'waiting' ORDER BY s.id LIMIT greatest((SELECT n FROM free), 0))
		UPDATE event_signups s SET status = 'offered', offer_deadline = (SELECT deadline FROM free), status_changed_at = $2
		FROM next WHERE s.id = next.id RETURNING `+prefixed("s.", signupColumns), eventID, now, OfferHours)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Offer, error) {
		g, err := scanSignup(row)
		o := Offer{Signup: g}
		if g.OfferDeadline != nil {
			o.Deadline = *g.OfferDeadline
		}
		return o, err
	})
}

func prefixed(p, columns string) string {
	parts := strings.Split(columns, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// ErrNotOffered is returned when accepting a place that is not (or no longer) offered.
var ErrNotOffered = errors.New("events: no place is offered")

// Cancel cancels the sign-up behind the link and offers a freed place to the next person
// waiting, by e-mail, in one transaction. It returns the offers made.
func (s *Store) Cancel(ctx context.Context, id int64, now time.Time) ([]Offer, error) {
	var offers []Offer
	err := s.withEvent(ctx, id, func(tx pgx.Tx, eventID int64) error {
		tag, err := tx.Exec(ctx, `UPDATE event_signups SET status = 'cancelled', offer_deadline = NULL, status_changed_at = $2
			WHERE id = $1 AND status IN ('confirmed', 'waiting', 'offered')`, id, now)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		offers, err = s.offerFreed(ctx, tx, eventID, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("events: cancel: %w", postgres.MapError(err))
	}
	return offers, nil
}

// Accept takes the place offered to the sign-up, before its deadline.
func (s *Store) Accept(ctx context.Context, id int64, now time.Time) error {
	err := s.withEvent(ctx, id, func(tx pgx.Tx, _ int64) error {
		tag, err := tx.Exec(ctx, `UPDATE event_signups s SET status = 'confirmed', offer_deadline = NULL, status_changed_at = $2
			FROM events e WHERE s.id = $1 AND e.id = s.event_id AND s.status = 'offered' AND s.offer_deadline > $2 AND e.starts_at > $2
			AND e.cancelled_at IS NULL`, id, now)
		if err == nil && tag.RowsAffected() == 0 {
			return ErrNotOffered
		}
		return err
	})
	if err != nil && !errors.Is(err, ErrNotOffered) {
		err = fmt.Errorf("events: accept: %w", postgres.MapError(err))
	}
	return err
}

// withEvent runs fn in a transaction holding the row of the sign-up's event.
func (s *Store) withEvent(ctx context.Context, signupID int64, fn func(pgx.Tx, int64) error) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var eventID int64
		if err := tx.QueryRow(ctx, `SELECT e.id FROM events e JOIN event_signups s ON s.event_id = e.id WHERE s.id = $1 FOR UPDATE OF e`,
			signupID).Scan(&eventID); err != nil {
			return err
		}
		return fn(tx, eventID)
	})
}

// ExpireOffers ends the offered places whose deadline has passed and offers them to the next
// people waiting, each event in a transaction of its own with the e-mails of its new offers.
// It returns how many offers expired and the new offers made.
func (s *Store) ExpireOffers(ctx context.Context, now time.Time) (int, []Offer, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT event_id FROM event_signups WHERE status = 'offered' AND offer_deadline <= $1`, now)
	if err != nil {
		return 0, nil, fmt.Errorf("events: expire: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, nil, fmt.Errorf("events: expire: %w", err)
	}
	n := 0
	var made []Offer
	for _, eventID := range ids {
		err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT 1 FROM events WHERE id = $1 FOR UPDATE`, eventID); err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, `UPDATE event_signups SET status = 'expired', offer_deadline = NULL, status_changed_at = $2
				WHERE event_id = $1 AND status = 'offered' AND offer_deadline <= $2`, eventID, now)
			if err != nil {
				return err
			}
			n += int(tag.RowsAffected())
			offers, err := s.offerFreed(ctx, tx, eventID, now)
			made = append(made, offers...)
			return err
		})
		if err != nil {
			return n, made, fmt.Errorf("events: expire: %w", err)
		}
	}
	return n, made, nil
}

// SetAttended records, for the confirmed sign-ups shown, who came (staff); ids not of the
// event are ignored, and those not shown keep what they had.
func (s *Store) SetAttended(ctx context.Context, eventID int64, shown, came []int64) error {
	_, err := s.db.Exec(ctx, `UPDATE event_signups SET attended = (id = ANY($3))
		WHERE event_id = $1 AND status = 'confirmed' AND id = ANY($2)`, eventID, shown, came)
	if err != nil {
		return fmt.Errorf("events: attendance: %w", err)
	}
	return nil
}

// addLink stores a new private link of the sign-up.
func addLink(ctx context.Context, tx pgx.Tx, signupID int64, token string) error {
	_, err := tx.Exec(ctx, `INSERT INTO event_links (token_hash, signup_id) VALUES ($1, $2)`, tokens.Hash(token), signupID)
	return err
}

// KeepDays is how long after an event its sign-ups are kept; the privacy page promises they
// are gone once the event is over, and staff need a few weeks to record attendance.
const KeepDays = 30

// Purge deletes the sign-ups of events that ended more than KeepDays ago, first adding the
// event and its attendance to the anonymous yearly figures of the report. It returns how many
// sign-ups it deleted.
func (s *Store) Purge(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		// Lock the events first (a purge running twice must not count twice), then count.
		if _, err := tx.Exec(ctx, `SELECT e.id FROM events e WHERE e.ends_at < $1::timestamptz - make_interval(days => $2)
			AND EXISTS (SELECT 1 FROM event_signups s WHERE s.event_id = e.id) ORDER BY e.id FOR UPDATE`, now, KeepDays); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT e.id, e.kind, extract(year FROM e.starts_at AT TIME ZONE 'Europe/Oslo')::int,
				count(s.id) FILTER (WHERE s.status = 'confirmed'), count(s.id) FILTER (WHERE s.attended)
			FROM events e JOIN event_signups s ON s.event_id = e.id
			WHERE e.ends_at < $1::timestamptz - make_interval(days => $2) GROUP BY e.id ORDER BY e.id`, now, KeepDays)
		if err != nil {
			return err
		}
		type done struct {
			id              int64
			kind            string
			year            int
			confirmed, came int
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (done, error) {
			var d done
			return d, r.Scan(&d.id, &d.kind, &d.year, &d.confirmed, &d.came)
		})
		if err != nil {
			return err
		}
		for _, d := range list {
			for metric, count := range map[string]int{"event_held": 1, "event_confirmed": d.confirmed, "event_attended": d.came} {
				if err := counts.Add(ctx, tx, d.year, metric, d.kind, count); err != nil {
					return err
				}
			}
			tag, err := tx.Exec(ctx, `DELETE FROM event_signups WHERE event_id = $1`, d.id)
			if err != nil {
				return err
			}
			n += tag.RowsAffected()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("events: purge: %w", err)
	}
	return n, nil
}

// Forget deletes every sign-up of the address email, for a person who deletes all their
// data: active ones are cancelled first, so a place they held goes to the first one waiting
// (mail queued in the caller's transaction), then every row and link goes.
func (s *Store) Forget(ctx context.Context, email string, now time.Time) error {
	if email == "" {
		return nil
	}
	rows, err := s.db.Query(ctx, `SELECT id FROM event_signups WHERE email = $1 AND status IN ('confirmed', 'waiting', 'offered')`, email)
	if err != nil {
		return fmt.Errorf("events: forget: %w", err)
	}
	active, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("events: forget: %w", err)
	}
	for _, id := range active {
		if _, err := s.Cancel(ctx, id, now); err != nil {
			return err
		}
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM event_signups WHERE email = $1`, email); err != nil {
		return fmt.Errorf("events: forget: %w", err)
	}
	return nil
}
