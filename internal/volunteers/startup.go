package volunteers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// A group in start-up plans MinMeetings to MaxMeetings meetings with its volunteer.
const (
	MinMeetings    = 3
	MaxMeetings    = 8
	MaxMeetingNote = 500
)

// ErrHeldMeeting means a meeting that was held was asked to be removed.
var ErrHeldMeeting = errors.New("volunteers: the meeting was held")

// ErrFutureMeeting means a meeting that has not begun was marked as held.
var ErrFutureMeeting = errors.New("volunteers: the meeting has not begun")

// startExpr is the day group g started: the day set by staff, else the day (in Oslo) of its
// first change to start-up.
const startExpr = `coalesce(g.started_on, (SELECT (min(h.changed_at) AT TIME ZONE 'Europe/Oslo')::date
	FROM group_status_history h WHERE h.group_id = g.id AND h.status = 'startup'))`

// Start is when a group started and was handed over.
type Start struct {
	StartedOn  *time.Time // nil: not started
	StartSet   bool       // StartedOn was set by staff rather than read from the status history
	HandoverOn *time.Time
}

// Start returns when the group with id started and was handed over.
func (s *Store) Start(ctx context.Context, groupID int64) (Start, error) {
	var st Start
	err := s.db.QueryRow(ctx, `SELECT `+startExpr+`, g.started_on IS NOT NULL, g.handover_on FROM groups g WHERE g.id = $1`,
		groupID).Scan(&st.StartedOn, &st.StartSet, &st.HandoverOn)
	if err != nil {
		return st, fmt.Errorf("volunteers: start: %w", postgres.MapError(err))
	}
	return st, nil
}

// Meeting is one start-up meeting.
type Meeting struct {
	ID        int64
	GroupID   int64
	PlannedOn time.Time
	Held      bool
	Note      string
}

// MeetingCount is how many start-up meetings a group has planned and held.
type MeetingCount struct{ Planned, Held int }

// CountMeetings counts list.
func CountMeetings(list []Meeting) MeetingCount {
	c := MeetingCount{Planned: len(list)}
	for _, m := range list {
		if m.Held {
			c.Held++
		}
	}
	return c
}

// TooFew reports whether fewer meetings are planned than a start-up needs.
func (c MeetingCount) TooFew() bool { return c.Planned < MinMeetings }

// Full reports whether no more meetings can be planned.
func (c MeetingCount) Full() bool { return c.Planned >= MaxMeetings }

// Meetings lists the group's start-up meetings by time.
func (s *Store) Meetings(ctx context.Context, groupID int64) ([]Meeting, error) {
	rows, err := s.db.Query(ctx, `SELECT id, group_id, planned_on, held, note FROM startup_meetings
		WHERE group_id = $1 ORDER BY planned_on, id LIMIT $2`, groupID, MaxMeetings)
	if err != nil {
		return nil, fmt.Errorf("volunteers: meetings: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Meeting])
	if err != nil {
		return nil, fmt.Errorf("volunteers: meetings: %w", err)
	}
	return list, nil
}

// MeetingForm is a start-up meeting as staff plan it: a day and a time in Oslo.
type MeetingForm struct {
	Date string // yyyy-mm-dd
	Time string // 18:00
	Note string

	at time.Time
}

// Validate checks every field; messages are catalogue ids.
func (f *MeetingForm) Validate() validate.Errors {
	var e validate.Errors
	f.Date, f.Time, f.Note = strings.TrimSpace(f.Date), strings.TrimSpace(f.Time), strings.TrimSpace(f.Note)
	var day time.Time
	dayOK := false
	if e.Required("meeting_date", f.Date, "followup.meetings.date.required") {
		if d, err := tz.ParseDate(f.Date); err == nil {
			day, dayOK = d, true
		} else {
			e.Add("meeting_date", "form.date.invalid")
		}
	}
	clock, clockOK := time.Duration(0), false
	if e.Required("meeting_time", f.Time, "followup.meetings.time.required") {
		var err error
		if clock, err = tz.ParseClock(f.Time); err == nil {
			clockOK = true
		} else {
			e.Add("meeting_time", "followup.meetings.time.invalid")
		}
	}
	e.MaxLength("meeting_note", f.Note, MaxMeetingNote, "form.tooLong")
	if dayOK && clockOK {
		// From the local date and clock, not midnight plus hours: the days summer time begins
		// and ends have 23 and 25 hours.
		y, m, d := day.Date()
		f.at = time.Date(y, m, d, int(clock/time.Hour), int(clock%time.Hour/time.Minute), 0, 0, tz.Oslo)
	}
	return e
}

// PlanMeeting adds a start-up meeting to the group, which must be gathering people or in
// start-up and have fewer than MaxMeetings. The group row is locked meanwhile.
func (s *Store) PlanMeeting(ctx context.Context, groupID int64, f MeetingForm) (Meeting, error) {
	if errs := f.Validate(); !errs.OK() {
		return Meeting{}, errs
	}
	var m Meeting
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		status, err := groups.NewStore(tx).LockStatus(ctx, groupID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*)::int FROM startup_meetings WHERE group_id = $1`, groupID).Scan(&n); err != nil {
			return err
		}
		var e validate.Errors
		if status != groups.StatusGathering && status != groups.StatusStartup {
			e.Add("meeting_date", "followup.meetings.status")
		} else if n >= MaxMeetings {
			e.Add("meeting_date", "followup.meetings.max", "Max", MaxMeetings)
		}
		if !e.OK() {
			return e
		}
		rows, err := tx.Query(ctx, `INSERT INTO startup_meetings (group_id, planned_on, note) VALUES ($1, $2, $3)
			RETURNING id, group_id, planned_on, held, note`, groupID, f.at, f.Note)
		if err != nil {
			return err
		}
		m, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Meeting])
		return err
	})
	if err != nil {
		return Meeting{}, writeError("plan meeting", err)
	}
	return m, nil
}

// SetMeetingHeld marks the group's meeting with id as held or not. A meeting that has not
// begun at now cannot be held (ErrFutureMeeting); one that is not the group's gives
// ErrNotFound.
func (s *Store) SetMeetingHeld(ctx context.Context, groupID, id int64, held bool, now time.Time) error {
	var planned time.Time
	err := s.db.QueryRow(ctx, `UPDATE startup_meetings SET held = $3 WHERE id = $2 AND group_id = $1
		AND (NOT $3 OR planned_on <= $4) RETURNING planned_on`, groupID, id, held, now).Scan(&planned)
	if errors.Is(err, pgx.ErrNoRows) {
		var exists bool
		if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM startup_meetings WHERE id = $2 AND group_id = $1)`,
			groupID, id).Scan(&exists); err != nil {
			return fmt.Errorf("volunteers: meeting held: %w", err)
		}
		if exists {
			return ErrFutureMeeting
		}
	}
	if err != nil {
		return fmt.Errorf("volunteers: meeting held: %w", postgres.MapError(err))
	}
	return nil
}

// RemoveMeeting deletes the group's meeting with id, which must not have been held
// (ErrHeldMeeting).
func (s *Store) RemoveMeeting(ctx context.Context, groupID, id int64) error {
	var held bool
	err := s.db.QueryRow(ctx, `WITH m AS (SELECT id, held FROM startup_meetings WHERE id = $2 AND group_id = $1),
		d AS (DELETE FROM startup_meetings s USING m WHERE s.id = m.id AND NOT m.held)
		SELECT held FROM m`, groupID, id).Scan(&held)
	if err != nil {
		return fmt.Errorf("volunteers: remove meeting: %w", postgres.MapError(err))
	}
	if held {
		return ErrHeldMeeting
	}
	return nil
}

// dateField is one date typed into the form field named Field.
type dateField struct {
	Field string
	Date  string // yyyy-mm-dd; "" when none

	date *time.Time
}

// validate checks the date and, unless optional, that there is one; not after today when
// notFuture.
func (f *dateField) validate(optional, notFuture bool, today time.Time) validate.Errors {
	var e validate.Errors
	f.Date, f.date = strings.TrimSpace(f.Date), nil
	if f.Date == "" {
		if !optional {
			e.Add(f.Field, "followup.date.required")
		}
		return e
	}
	d, err := tz.ParseDay(f.Date)
	ok := err == nil
	switch {
	case !ok:
		e.Add(f.Field, "form.date.invalid")
	case notFuture && d.After(today):
		e.Add(f.Field, "followup.date.future")
	default:
		f.date = &d
	}
	return e
}

// Handover records the day the group was handed over to run itself (not after today, not
// before it started), moves it to self-running unless it is there already, and ends its
// volunteers' assignments at now: all in one transaction, with the group row locked. The
// group's day and status are written by groups.Store (SetHandedOver, SetStatus with its
// history line). The group must be in start-up or running itself (to correct the day).
// Problems are field errors of the field "handover_on".
func (s *Store) Handover(ctx context.Context, groupID int64, date string, by int64, now time.Time) error {
	f := dateField{Field: "handover_on", Date: date}
	if errs := f.validate(false, true, Today(now)); !errs.OK() {
		return errs
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		g := groups.NewStore(tx)
		status, err := g.LockStatus(ctx, groupID)
		if err != nil {
			return err
		}
		var start *time.Time
		if err := tx.QueryRow(ctx, `SELECT `+startExpr+` FROM groups g WHERE g.id = $1`, groupID).Scan(&start); err != nil {
			return err
		}
		var e validate.Errors
		if !slices.Contains([]string{groups.StatusStartup, groups.StatusSelfRunning}, status) {
			e.Add(f.Field, "followup.handover.status")
		} else if start != nil && f.date.Before(*start) {
			e.Add(f.Field, "followup.handover.beforeStart")
		}
		if !e.OK() {
			return e
		}
		if err := g.SetHandedOver(ctx, groupID, *f.date); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE group_volunteers SET ended_at = greatest($2, assigned_at)
			WHERE group_id = $1 AND ended_at IS NULL`, groupID, now); err != nil {
			return err
		}
		if status == groups.StatusSelfRunning {
			return nil
		}
		return g.SetStatus(ctx, groupID, groups.StatusSelfRunning, by, "")
	})
	if err != nil {
		return writeError("handover", err)
	}
	return nil
}

// SetStartedOn sets the day the group started (through groups.Store.SetStarted); "" goes
// back to the day of its first change to start-up. The check-ins follow the new day in the
// same transaction (see EnsureCheckins). Problems are field errors of the field "started_on".
func (s *Store) SetStartedOn(ctx context.Context, groupID int64, date string, today time.Time) error {
	f := dateField{Field: "started_on", Date: date}
	if errs := f.validate(true, true, today); !errs.OK() {
		return errs
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := groups.NewStore(tx).SetStarted(ctx, groupID, f.date); err != nil {
			return err
		}
		return ensureCheckins(ctx, tx, today, groupID)
	})
	if err != nil {
		return writeError("set start", err)
	}
	return nil
}
