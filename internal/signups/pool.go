package signups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/matching"
)

// PoolTables are the tables Pool (and so Match) reads: a memo of a result made from the pool
// is stale when one of them changes. Keep it with the queries below.
func PoolTables() []string {
	return []string{"signups", "participants", "offers", "groups", "group_themes", "memberships"}
}

// Match runs the matcher over the pool as it is now, with the house's options: the one run
// behind both the matching page's proposals and the dashboard's "enough for a new group"
// (Result.NewGroupThemes), so that they never disagree. It returns how many wait too.
func (s *Store) Match(ctx context.Context) (matching.Result, int, error) {
	people, list, err := s.Pool(ctx)
	if err != nil {
		return matching.Result{}, 0, err
	}
	return matching.Match(people, list, matching.Options{}), len(people), nil
}

// Pool loads what the matcher works on: every waiting sign-up (a matching.Person whose ID is
// the sign-up's id) and every group that takes members, with its places left after its
// members and its open offers. Two queries, whatever the size. An open meeting is never in
// the pool: people just come, so there is nobody to propose for it.
//
// A person's Declined are the groups of every offer they declined, on any of their sign-ups:
// they said "no thanks, I'll wait for another", so matching never proposes those again.
func (s *Store) Pool(ctx context.Context) ([]matching.Person, []matching.Group, error) {
	rows, err := s.db.Query(ctx, `SELECT s.id, coalesce(s.theme_id, 0), coalesce(s.group_id, 0), s.formats, s.availability,
			s.languages, p.age_band, s.waiting_since,
			coalesce((SELECT array_agg(DISTINCT o.group_id ORDER BY o.group_id)
				FROM signups mine JOIN offers o ON o.signup_id = mine.id AND o.status = 'declined'
				WHERE mine.participant_id = s.participant_id), '{}')
		FROM signups s JOIN participants p ON p.id = s.participant_id
		WHERE s.status = 'waiting' ORDER BY s.waiting_since, s.id`)
	if err != nil {
		return nil, nil, fmt.Errorf("signups: pool: %w", err)
	}
	people, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (matching.Person, error) {
		var p matching.Person
		var slots []string
		err := row.Scan(&p.ID, &p.Theme, &p.GroupID, &p.Formats, &slots, &p.Languages, &p.AgeBand, &p.WaitingSince, &p.Declined)
		for _, sl := range slots {
			p.Slots = append(p.Slots, matching.Slot(sl))
		}
		return p, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("signups: pool: %w", err)
	}
	rows, err = s.db.Query(ctx, `SELECT g.id, coalesce(array_agg(gt.theme_id ORDER BY gt.theme_id) FILTER (WHERE gt.theme_id IS NOT NULL), '{}'),
			g.format, g.weekday, extract(epoch FROM g.starts_at)::bigint, g.language,
			g.capacity - (SELECT count(*) FROM memberships m WHERE m.group_id = g.id AND m.left_at IS NULL)
				- (SELECT count(*) FROM offers o WHERE o.group_id = g.id AND o.status = 'pending' AND (o.deadline IS NULL OR o.deadline > now()))
		FROM groups g LEFT JOIN group_themes gt ON gt.group_id = g.id
		WHERE g.open AND NOT g.open_meeting AND g.status IN ('gathering', 'startup', 'selfrunning')
		GROUP BY g.id ORDER BY g.id`)
	if err != nil {
		return nil, nil, fmt.Errorf("signups: pool: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (matching.Group, error) {
		var g matching.Group
		var weekday int
		var start int64
		err := row.Scan(&g.ID, &g.Themes, &g.Format, &weekday, &start, &g.Language, &g.Places)
		g.Slot = matching.Slot(Availability(weekday, groups.DayPartOf(time.Duration(start)*time.Second)))
		g.Places = max(g.Places, 0)
		return g, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("signups: pool: %w", err)
	}
	return people, list, nil
}

// PoolEntry is what the matching page shows of a waiting sign-up: never more than staff need
// to decide.
type PoolEntry struct {
	SignupID      int64
	ParticipantID int64
	FirstName     string
	AgeBand       string
	WaitingSince  time.Time
	// Channel is how an offer would reach them: ByEmail, BySMS, ByPhone (they asked to be
	// phoned), or NotInWriting (nobody can write to them: staff must phone too).
	Channel string
}

// NotInWriting is the channel of a person nobody can write to: no e-mail address, and no
// number that takes an SMS. An offer to them becomes a call task, like one to a person who
// asked to be phoned.
const NotInWriting = "none"

// PoolEntries returns the sign-ups with the ids, by id, in one query.
func (s *Store) PoolEntries(ctx context.Context, ids []int64) (map[int64]PoolEntry, error) {
	rows, err := s.db.Query(ctx, `SELECT s.id, p.id, p.first_name, p.age_band, s.waiting_since,
			`+reachColumns+`
		FROM signups s JOIN participants p ON p.id = s.participant_id WHERE s.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("signups: pool entries: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (PoolEntry, error) {
		var e PoolEntry
		var r mail.Recipient
		err := row.Scan(&e.SignupID, &e.ParticipantID, &e.FirstName, &e.AgeBand, &e.WaitingSince, &r.Email, &r.Phone, &r.Contact, &r.SMSStopped)
		e.Channel = OfferChannel(r)
		if e.Channel == ByPhone && r.Contact != ByPhone {
			e.Channel = NotInWriting
		}
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("signups: pool entries: %w", err)
	}
	out := make(map[int64]PoolEntry, len(list))
	for _, e := range list {
		out[e.SignupID] = e
	}
	return out, nil
}
