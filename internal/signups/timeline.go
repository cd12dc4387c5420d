package signups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Event is one line of a person's history on their page: a staff action from the audit log
// (Source "audit", What the action), or what the records tell (Source "record": a sign-up
// made, an offer made or answered, a membership begun or ended, a message queued, sent or
// refused).
type Event struct {
	At      time.Time
	Source  string
	What    string
	Actor   string         // the staff member (or "cli", "system"); "" for a record
	Subject string         // the group or theme, or the kind of message
	Details map[string]any // the audit line's details; for a record, its channel
}

// TimelineStep is how many more events "show more" adds; MaxTimeline caps them.
const (
	TimelineStep = 25
	MaxTimeline  = 500
)

// Timeline returns the newest limit events of the person, newest first, and whether there
// are more. Views of the page itself (personal.viewed) are left out: they are in the log.
// Each source reads at most limit+1 rows through its index on the person.
func (s *Store) Timeline(ctx context.Context, id int64, limit int) ([]Event, bool, error) {
	limit = min(max(limit, 1), MaxTimeline)
	rows, err := s.db.Query(ctx, `
		(SELECT l.at, 'audit', l.action, coalesce(u.name, l.actor_label), '', l.details
			FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
			WHERE l.entity = 'participant' AND l.entity_id = $1::bigint::text AND l.action <> 'personal.viewed'
			ORDER BY l.at DESC LIMIT $2)
		UNION ALL
		(SELECT s.created_at, 'record', 'signup.created', '', coalesce(g.name, t.name_nb, ''), '{}'::jsonb
			FROM signups s LEFT JOIN groups g ON g.id = s.group_id LEFT JOIN themes t ON t.id = s.theme_id
			WHERE s.participant_id = $1 ORDER BY s.created_at DESC LIMIT $2)
		UNION ALL
		(SELECT e.at, 'record', e.what, '', g.name, jsonb_build_object('channel', o.channel)
			FROM offers o JOIN signups s ON s.id = o.signup_id JOIN groups g ON g.id = o.group_id,
			LATERAL (VALUES (o.made_at, 'offer.made'), (o.answered_at, 'offer.' || o.status)) e (at, what)
			WHERE s.participant_id = $1 AND e.at IS NOT NULL ORDER BY e.at DESC LIMIT $2)
		UNION ALL
		(SELECT e.at, 'record', e.what, '', g.name, '{}'::jsonb
			FROM memberships m JOIN groups g ON g.id = m.group_id,
			LATERAL (VALUES (m.joined_at, 'membership.joined'), (m.left_at, 'membership.left')) e (at, what)
			WHERE m.participant_id = $1 AND e.at IS NOT NULL ORDER BY e.at DESC LIMIT $2)
		UNION ALL
		(SELECT e.at, 'record', e.what, '', x.kind, jsonb_build_object('channel', x.channel)
			FROM (SELECT * FROM outbox WHERE participant_id = $1 ORDER BY created_at DESC LIMIT $2) x,
			LATERAL (VALUES (x.created_at, 'message.queued'), (x.sent_at, 'message.sent'), (x.failed_at, 'message.failed')) e (at, what)
			WHERE e.at IS NOT NULL)
		ORDER BY 1 DESC LIMIT $2`, id, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("signups: timeline: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Event])
	if err != nil {
		return nil, false, fmt.Errorf("signups: timeline: %w", err)
	}
	if len(list) > limit {
		return list[:limit], true, nil
	}
	return list, false, nil
}

// DeskOffer is an offer as the person's page shows it, with the answer and the calls.
type DeskOffer struct {
	ID           int64
	GroupName    string
	Channel      string
	Status       string // as Offer.Status: pending past its deadline reads expired
	MadeAt       time.Time
	Deadline     *time.Time
	AnsweredAt   *time.Time
	CalledAt     *time.Time
	CallAttempts int
	CallNote     string
}

// DeskOffers lists the person's offers, newest first (a person has a handful).
func (s *Store) DeskOffers(ctx context.Context, id int64) ([]DeskOffer, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, g.name, o.channel,
			CASE WHEN o.status = 'pending' AND o.deadline <= now() THEN 'expired' ELSE o.status END,
			o.made_at, o.deadline, o.answered_at, o.called_at, cardinality(o.call_attempts), o.call_note
		FROM offers o JOIN signups s ON s.id = o.signup_id JOIN groups g ON g.id = o.group_id
		WHERE s.participant_id = $1 ORDER BY o.made_at DESC, o.id DESC LIMIT 100`, id)
	if err != nil {
		return nil, fmt.Errorf("signups: desk offers: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DeskOffer])
	if err != nil {
		return nil, fmt.Errorf("signups: desk offers: %w", err)
	}
	return list, nil
}
