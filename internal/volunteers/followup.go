package volunteers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Kinds of follow-up contact with a group.
const (
	KindContactMeeting = "contact_meeting" // a contact meeting at the house
	KindPhone          = "phone"
	KindEmail          = "email"
	KindVisit          = "visit" // staff visited the group
)

// Kinds lists the kinds in the order they are offered.
var Kinds = []string{KindContactMeeting, KindPhone, KindEmail, KindVisit}

// MaxFollowUpNote is the longest note of a follow-up entry.
const MaxFollowUpNote = 2000

// FollowUp is one entry of a group's follow-up log. The latest entry's NextCheckOn is when
// the group is due for follow-up again.
type FollowUp struct {
	ID          int64
	GroupID     int64
	HappenedOn  time.Time
	Kind        string
	Note        string
	NextCheckOn *time.Time
	By          string // the staff member's name, or "" when not known
	CreatedAt   time.Time
}

// FollowUpForm is a follow-up entry as staff type it.
type FollowUpForm struct {
	HappenedOn  string // yyyy-mm-dd, not after today
	Kind        string
	Note        string
	NextCheckOn string // yyyy-mm-dd after HappenedOn; "" for none

	happened time.Time
	next     *time.Time
}

// Validate checks every field against today; messages are catalogue ids.
func (f *FollowUpForm) Validate(today time.Time) validate.Errors {
	var e validate.Errors
	f.Kind, f.Note = strings.TrimSpace(f.Kind), strings.TrimSpace(f.Note)
	happened := dateField{Field: "happened_on", Date: f.HappenedOn}
	e.Merge(happened.validate(false, true, today))
	f.HappenedOn = happened.Date
	if !slices.Contains(Kinds, f.Kind) {
		e.Add("kind", "followup.kind.required")
	}
	e.MaxLength("note", f.Note, MaxFollowUpNote, "form.tooLong")
	next := dateField{Field: "next_check_on", Date: f.NextCheckOn}
	e.Merge(next.validate(true, false, today))
	f.NextCheckOn, f.next = next.Date, next.date
	if happened.date != nil {
		f.happened = *happened.date
		if f.next != nil && !f.next.After(f.happened) {
			e.Add("next_check_on", "followup.next.beforeHappened")
		}
	}
	return e
}

// AddFollowUp writes an entry to the group's log, by by (a user id, 0: none). An unknown group
// gives ErrNotFound.
func (s *Store) AddFollowUp(ctx context.Context, groupID int64, f FollowUpForm, by int64, today time.Time) (FollowUp, error) {
	if errs := f.Validate(today); !errs.OK() {
		return FollowUp{}, errs
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO follow_ups (group_id, happened_on, kind, note, next_check_on, created_by)
		SELECT g.id, $2, $3, $4, $5, $6 FROM groups g WHERE g.id = $1 RETURNING id`,
		groupID, f.happened, f.Kind, f.Note, f.next, optional(by)).Scan(&id)
	if err != nil {
		return FollowUp{}, writeError("add follow-up", err)
	}
	return FollowUp{ID: id, GroupID: groupID, HappenedOn: f.happened, Kind: f.Kind, Note: f.Note, NextCheckOn: f.next}, nil
}

// FollowUps returns one page of the group's log, newest first, and how long it is.
func (s *Store) FollowUps(ctx context.Context, groupID int64, limit, offset int) ([]FollowUp, int, error) {
	rows, err := s.db.Query(ctx, `SELECT f.id, f.group_id, f.happened_on, f.kind, f.note, f.next_check_on,
			coalesce(u.name, ''), f.created_at, count(*) OVER ()
		FROM follow_ups f LEFT JOIN users u ON u.id = f.created_by WHERE f.group_id = $1
		ORDER BY f.happened_on DESC, f.id DESC LIMIT $2 OFFSET $3`, groupID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("volunteers: follow-ups: %w", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (FollowUp, error) {
		var f FollowUp
		err := r.Scan(&f.ID, &f.GroupID, &f.HappenedOn, &f.Kind, &f.Note, &f.NextCheckOn, &f.By, &f.CreatedAt, &total)
		return f, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("volunteers: follow-ups: %w", err)
	}
	return list, total, nil
}

// DueGroup is a group due for follow-up: the next check its log asked for has come, or a
// check-in is due and not recorded.
type DueGroup struct {
	GroupID      int64
	Name         string
	Status       string
	DueOn        time.Time  // the earliest of what is due
	NextCheckOn  *time.Time // the latest log entry's next check, when it is due
	Checkins     []int      // the months of the check-ins due
	LastFollowUp *time.Time // the day of the latest log entry
}

// DueForFollowUp returns one page of the groups due for follow-up on today, the longest due
// first, and how many there are. It creates the check-ins that are missing first (see
// EnsureCheckins). The log is read through follow_ups_group_idx (its latest entry per group)
// and the check-ins through checkins_due_idx.
func (s *Store) DueForFollowUp(ctx context.Context, today time.Time, limit, offset int) ([]DueGroup, int, error) {
	if err := EnsureCheckins(ctx, s.db, today); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `WITH latest AS (
			SELECT DISTINCT ON (group_id) group_id, happened_on, next_check_on FROM follow_ups
			ORDER BY group_id, happened_on DESC, id DESC),
		due AS (
			SELECT group_id, next_check_on AS due_on, 0 AS months FROM latest WHERE next_check_on <= $1
			UNION ALL
			SELECT group_id, due_on, months FROM checkins WHERE done_on IS NULL AND due_on <= $1)
		SELECT g.id, g.name, g.status, min(d.due_on), min(d.due_on) FILTER (WHERE d.months = 0),
			coalesce(array_agg(d.months ORDER BY d.months) FILTER (WHERE d.months > 0), '{}'),
			(SELECT l.happened_on FROM latest l WHERE l.group_id = g.id), count(*) OVER ()
		FROM due d JOIN groups g ON g.id = d.group_id
		GROUP BY g.id ORDER BY min(d.due_on), g.id LIMIT $2 OFFSET $3`, today, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("volunteers: due for follow-up: %w", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DueGroup, error) {
		var g DueGroup
		var months []int32
		err := r.Scan(&g.GroupID, &g.Name, &g.Status, &g.DueOn, &g.NextCheckOn, &months, &g.LastFollowUp, &total)
		for _, m := range months {
			g.Checkins = append(g.Checkins, int(m))
		}
		return g, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("volunteers: due for follow-up: %w", err)
	}
	return list, total, nil
}

// StartupGroup is a group in start-up without a volunteer.
type StartupGroup struct {
	ID        int64
	Name      string
	StartedOn *time.Time
	Meetings  int // start-up meetings planned
}

// WithoutVolunteer returns one page of the groups in start-up that have no active volunteer,
// those that started first first, and how many there are. It reads groups_status_idx.
func (s *Store) WithoutVolunteer(ctx context.Context, limit, offset int) ([]StartupGroup, int, error) {
	rows, err := s.db.Query(ctx, `SELECT g.id, g.name, `+startExpr+` AS start,
			(SELECT count(*)::int FROM startup_meetings m WHERE m.group_id = g.id), count(*) OVER ()
		FROM groups g
		WHERE g.status = 'startup'
		  AND NOT EXISTS (SELECT 1 FROM group_volunteers gv WHERE gv.group_id = g.id AND gv.ended_at IS NULL)
		ORDER BY start NULLS LAST, g.name COLLATE "nb-NO-x-icu", g.id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("volunteers: without volunteer: %w", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (StartupGroup, error) {
		var g StartupGroup
		err := r.Scan(&g.ID, &g.Name, &g.StartedOn, &g.Meetings, &total)
		return g, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("volunteers: without volunteer: %w", err)
	}
	return list, total, nil
}
