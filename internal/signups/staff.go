package signups

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Queue is one line of the waiting list overview: a theme interest or a group, how many
// wait, and since when the longest has waited.
type Queue struct {
	ThemeID      *int64
	GroupID      *int64
	Name         string
	Waiting      int
	LongestSince time.Time
}

// Queues lists every theme and group with people waiting, longest waiting first.
func (s *Store) Queues(ctx context.Context) ([]Queue, error) {
	rows, err := s.db.Query(ctx, `SELECT NULL::bigint, s.group_id, g.name, count(*)::int, min(s.waiting_since)
			FROM signups s JOIN groups g ON g.id = s.group_id WHERE s.status = 'waiting' GROUP BY s.group_id, g.name
		UNION ALL
		SELECT s.theme_id, NULL::bigint, t.name_nb, count(*)::int, min(s.waiting_since)
			FROM signups s JOIN themes t ON t.id = s.theme_id WHERE s.status = 'waiting' AND s.group_id IS NULL
			GROUP BY s.theme_id, t.name_nb
		ORDER BY 5 LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("signups: queues: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Queue])
	if err != nil {
		return nil, fmt.Errorf("signups: queues: %w", err)
	}
	return list, nil
}

// Waiter is one waiting sign-up as staff see it in a list: first name only.
type Waiter struct {
	SignupID      int64
	ParticipantID int64
	FirstName     string
	AgeBand       string
	Formats       []string
	Availability  []string
	WaitingSince  time.Time
	// ConsentPending: imported from a spreadsheet, and staff have not yet phoned them to
	// confirm their consent (nothing automatic reaches them until then).
	ConsentPending bool
}

// Waiters lists one page of the people waiting for target, longest waiting first.
func (s *Store) Waiters(ctx context.Context, t Target, limit, offset int) ([]Waiter, int, error) {
	rows, err := s.db.Query(ctx, `SELECT s.id, p.id, p.first_name, p.age_band, s.formats, s.availability, s.waiting_since,
			p.imported_at IS NOT NULL AND p.consent_confirmed_at IS NULL, count(*) OVER ()
		FROM signups s JOIN participants p ON p.id = s.participant_id
		WHERE s.status = 'waiting' AND (($1::bigint <> 0 AND s.group_id = $1) OR ($1::bigint = 0 AND s.group_id IS NULL AND s.theme_id = $2::bigint))
		ORDER BY s.waiting_since, s.id LIMIT $3 OFFSET $4`, t.GroupID, t.ThemeID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("signups: waiters: %w", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Waiter, error) {
		var w Waiter
		err := r.Scan(&w.SignupID, &w.ParticipantID, &w.FirstName, &w.AgeBand, &w.Formats, &w.Availability, &w.WaitingSince, &w.ConsentPending, &total)
		return w, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("signups: waiters: %w", err)
	}
	return list, total, nil
}

// StaffView is a participant as staff see them on their page, the desk: with the groups
// they may be placed in, their offers, the messages to them, the newest of their history and
// who last wrote staff's note about them.
type StaffView struct {
	Participant  Participant
	Signups      []Signup
	Memberships  []Membership
	Groups       []groups.Option
	Offers       []DeskOffer
	Messages     []mail.Mail // without subject or body
	Timeline     []Event
	MoreTimeline bool
	NoteAt       *time.Time
	NoteBy       string
}

// maxMessagesShown is how many of the newest messages the person's page lists.
const maxMessagesShown = 50

// View returns the participant with id for staff member by, with the newest timeline events
// of their history, and records in the audit log, in the same transaction as the reads, that
// by saw their personal data.
func (s *Store) View(ctx context.Context, id int64, timeline int, by audit.Actor) (StaffView, error) {
	var v StaffView
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		st := s.on(tx)
		var err error
		if v.Participant, err = st.Participant(ctx, id); err != nil {
			return err
		}
		if v.Signups, err = st.Signups(ctx, id); err != nil {
			return err
		}
		if v.Memberships, err = st.Memberships(ctx, id); err != nil {
			return err
		}
		if v.Groups, err = groups.NewStore(tx).Options(ctx); err != nil {
			return err
		}
		if err := st.deskView(ctx, id, timeline, &v); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.PersonalDataViewed, Entity: "participant", EntityID: id})
	})
	return v, err
}

// deskView adds to v what only the person's page shows.
func (s *Store) deskView(ctx context.Context, id int64, timeline int, v *StaffView) error {
	err := s.db.QueryRow(ctx, `SELECT p.staff_note_at, coalesce(u.name, '') FROM participants p
		LEFT JOIN users u ON u.id = p.staff_note_by WHERE p.id = $1`, id).Scan(&v.NoteAt, &v.NoteBy)
	if err != nil {
		return fmt.Errorf("signups: view: %w", err)
	}
	if v.Offers, err = s.DeskOffers(ctx, id); err != nil {
		return err
	}
	if v.Messages, err = mail.OfPerson(ctx, s.db, id, maxMessagesShown); err != nil {
		return err
	}
	v.Timeline, v.MoreTimeline, err = s.Timeline(ctx, id, timeline)
	return err
}

// Membership is a person's place in a group.
type Membership struct {
	ID        int64
	GroupID   int64
	GroupName string
	JoinedAt  time.Time
	LeftAt    *time.Time
}

// Memberships lists the participant's memberships.
func (s *Store) Memberships(ctx context.Context, participantID int64) ([]Membership, error) {
	rows, err := s.db.Query(ctx, `SELECT m.id, m.group_id, g.name, m.joined_at, m.left_at
		FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.participant_id = $1 ORDER BY m.joined_at DESC LIMIT 100`, participantID)
	if err != nil {
		return nil, fmt.Errorf("signups: memberships: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Membership])
	if err != nil {
		return nil, fmt.Errorf("signups: memberships: %w", err)
	}
	return list, nil
}

// MemberOf is one membership with its member, for the question asked before it ends.
type MemberOf struct {
	Membership
	ParticipantID int64
	FirstName     string
}

// MembershipOf returns the membership id with its member; an unknown id is ErrNotFound.
func (s *Store) MembershipOf(ctx context.Context, id int64) (MemberOf, error) {
	var m MemberOf
	err := s.db.QueryRow(ctx, `SELECT m.id, m.group_id, g.name, m.joined_at, m.left_at, p.id, p.first_name
		FROM memberships m JOIN groups g ON g.id = m.group_id JOIN participants p ON p.id = m.participant_id WHERE m.id = $1`, id).
		Scan(&m.ID, &m.GroupID, &m.GroupName, &m.JoinedAt, &m.LeftAt, &m.ParticipantID, &m.FirstName)
	if err != nil {
		return m, fmt.Errorf("signups: membership: %w", postgres.MapError(err))
	}
	return m, nil
}

// ErrFull means the group has no place left.
var ErrFull = fmt.Errorf("signups: the group is full: %w", postgres.ErrConflict)

// Place makes the participant a member of the group, by hand, for staff member by, and
// records it in the audit log in the same transaction. No group chosen is a validate.Errors;
// a full group is ErrFull and a person already in it ErrConflict. The group row is locked so
// two staff members placing the last place at once cannot overbook it. The participant's
// waiting sign-up for the group, or for one of its themes, becomes the membership's. The
// person's confirmation (confirmJoin) is queued in the same transaction.
func (s *Store) Place(ctx context.Context, participantID, groupID int64, by audit.Actor) error {
	if groupID == 0 {
		var e validate.Errors
		e.Add("group", "participant.place.required")
		return e
	}
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		st := s.on(tx)
		if err := st.place(ctx, participantID, groupID); err != nil {
			return err
		}
		if _, err := st.confirmJoin(ctx, tx, participantID, groupID, time.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ParticipantPlaced, Entity: "participant", EntityID: participantID,
			Details: map[string]any{"group_id": groupID}})
	})
}

func (s *Store) place(ctx context.Context, participantID, groupID int64) error {
	if err := s.roomIn(ctx, groupID); err != nil {
		return err
	}
	var signupID *int64
	err := s.db.QueryRow(ctx, `UPDATE signups SET status = 'member', status_changed_at = now()
		WHERE id = (SELECT s.id FROM signups s WHERE s.participant_id = $1 AND s.status IN ('waiting', 'offered')
			AND (s.group_id = $2 OR (s.group_id IS NULL AND s.theme_id IN (SELECT theme_id FROM group_themes WHERE group_id = $2)))
			ORDER BY s.group_id NULLS LAST, s.waiting_since LIMIT 1)
		RETURNING id`, participantID, groupID).Scan(&signupID)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("signups: place: %w", postgres.MapError(err))
	}
	if signupID != nil {
		if err := s.recordWait(ctx, *signupID, false); err != nil {
			return err
		}
	}
	_, err = s.db.Exec(ctx, `INSERT INTO memberships (group_id, participant_id, signup_id) VALUES ($1, $2, $3)`,
		groupID, participantID, signupID)
	if err != nil {
		return fmt.Errorf("signups: place: %w", postgres.MapError(err))
	}
	return s.count(ctx, "placed", "")
}

// roomIn locks the group and returns ErrFull when it has no place left, in the caller's
// transaction: two placements at once cannot both take the last place.
func (s *Store) roomIn(ctx context.Context, groupID int64) error {
	var capacity, members int
	err := s.db.QueryRow(ctx, `SELECT g.capacity, (SELECT count(*) FROM memberships m WHERE m.group_id = g.id AND m.left_at IS NULL)
		FROM groups g WHERE g.id = $1 FOR UPDATE`, groupID).Scan(&capacity, &members)
	if err != nil {
		return fmt.Errorf("signups: place: %w", postgres.MapError(err))
	}
	if members >= capacity {
		return ErrFull
	}
	return nil
}

// MarkLeft ends a membership and its sign-up, for staff member by, records it in the audit
// log in the same transaction, and returns the participant it belonged to.
func (s *Store) MarkLeft(ctx context.Context, membershipID int64, by audit.Actor) (int64, error) {
	var id int64
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if id, err = s.on(tx).markLeft(ctx, membershipID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ParticipantLeft, Entity: "participant", EntityID: id})
	})
	return id, err
}

func (s *Store) markLeft(ctx context.Context, membershipID int64) (int64, error) {
	var participantID int64
	var signupID *int64
	err := s.db.QueryRow(ctx, `UPDATE memberships SET left_at = now() WHERE id = $1 AND left_at IS NULL
		RETURNING participant_id, signup_id`, membershipID).Scan(&participantID, &signupID)
	if err != nil {
		return 0, fmt.Errorf("signups: left: %w", postgres.MapError(err))
	}
	if signupID != nil {
		if _, err := s.db.Exec(ctx, `UPDATE signups SET status = 'left', status_changed_at = now() WHERE id = $1`, *signupID); err != nil {
			return 0, fmt.Errorf("signups: left: %w", err)
		}
	}
	return participantID, nil
}

// Delete removes the participant at their request, for staff member by (someone who gave
// only a phone number has no private link to do it with), as DeleteOwn does, and records who
// did it in the audit log in the same transaction.
func (s *Store) Delete(ctx context.Context, participantID int64, by audit.Actor) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := s.on(tx).erase(ctx, participantID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ParticipantDeleted, Entity: "participant", EntityID: participantID})
	})
}

// TargetName is the name of the group, or else the theme, of t.
func (s *Store) TargetName(ctx context.Context, t Target) (string, error) {
	var name string
	err := s.db.QueryRow(ctx, `SELECT name FROM groups WHERE id = $1 UNION ALL
		SELECT name_nb FROM themes WHERE $1::bigint = 0 AND id = $2::bigint`, t.GroupID, t.ThemeID).Scan(&name)
	if err != nil {
		return "", fmt.Errorf("signups: target: %w", postgres.MapError(err))
	}
	return name, nil
}

// recordWait keeps, without the person, how many days the sign-up waited before its place.
func (s *Store) recordWait(ctx context.Context, signupID int64, viaOffer bool) error {
	_, err := s.db.Exec(ctx, `INSERT INTO placement_waits (year, theme_id, days, via_offer)
		SELECT extract(year FROM now() AT TIME ZONE 'Europe/Oslo')::int, theme_id,
			greatest(extract(day FROM now() - waiting_since)::int, 0), $2
		FROM signups WHERE id = $1`, signupID, viaOffer)
	if err != nil {
		return fmt.Errorf("signups: wait: %w", err)
	}
	return nil
}

// MedianWait is the median waiting time to a place in days, for one theme (0: sign-ups for
// one group) in a year, and how many placements it is taken over.
type MedianWait struct {
	ThemeID int64
	Days    float64
	Placed  int
}

// MedianWaits returns the median waiting time to placement per theme in year, from the
// anonymous record that outlives the people.
func MedianWaits(ctx context.Context, db postgres.DBTX, year int) ([]MedianWait, error) {
	rows, err := db.Query(ctx, `SELECT coalesce(theme_id, 0), percentile_cont(0.5) WITHIN GROUP (ORDER BY days), count(*)
		FROM placement_waits WHERE year = $1 GROUP BY coalesce(theme_id, 0) ORDER BY 1`, year)
	if err != nil {
		return nil, fmt.Errorf("signups: median waits: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[MedianWait])
	if err != nil {
		return nil, fmt.Errorf("signups: median waits: %w", err)
	}
	return list, nil
}
