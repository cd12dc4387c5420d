package volunteers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// CheckinMonths are the check-ins after a group started, in months.
var CheckinMonths = []int{3, 6, 12}

// EarlyCheckin is how long before its due day a check-in may be recorded.
const EarlyCheckin = 31 * 24 * time.Hour

// Checkin is one check-in of a group: is it still meeting months after it started?
type Checkin struct {
	GroupID    int64
	Months     int
	DueOn      time.Time
	DoneOn     *time.Time
	StillMeets *bool
	DoneBy     string // the staff member's name, or "" when not known
}

// Done reports whether the check-in has been recorded.
func (c Checkin) Done() bool { return c.DoneOn != nil }

// Overdue reports whether the check-in is due on today or before and not recorded.
func (c Checkin) Overdue(today time.Time) bool { return !c.Done() && !c.DueOn.After(today) }

// DueOn is the day months after start (a date, midnight UTC). A day the month does not have
// becomes its last day: 30 November is three months after 31 August.
func DueOn(start time.Time, months int) time.Time {
	y, m, d := start.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}

// EnsureCheckins creates the check-ins of every group that has started on or before today,
// and moves those not yet recorded when the start day has changed. Running it again changes
// nothing. It costs two statements however many groups there are.
func EnsureCheckins(ctx context.Context, db postgres.DBTX, today time.Time) error {
	if err := ensureCheckins(ctx, db, today, 0); err != nil {
		return fmt.Errorf("volunteers: ensure check-ins: %w", err)
	}
	return nil
}

// ensureCheckins is EnsureCheckins for one group, or every group when groupID is 0.
func ensureCheckins(ctx context.Context, db postgres.DBTX, today time.Time, groupID int64) error {
	rows, err := db.Query(ctx, `SELECT id, start FROM (SELECT g.id, `+startExpr+` AS start FROM groups g
			WHERE ($2 = 0 OR g.id = $2)) s
		WHERE start <= $1 AND (SELECT count(*) FROM checkins c WHERE c.group_id = s.id AND c.done_on IS NOT NULL) < $3
		ORDER BY id`, today, groupID, len(CheckinMonths))
	if err != nil {
		return err
	}
	var ids []int64
	var months []int
	var due []time.Time
	var id int64
	var start time.Time
	_, err = pgx.ForEachRow(rows, []any{&id, &start}, func() error {
		for _, m := range CheckinMonths {
			ids, months, due = append(ids, id), append(months, m), append(due, DueOn(start, m))
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return err
	}
	_, err = db.Exec(ctx, `INSERT INTO checkins (group_id, months, due_on)
		SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::date[])
		ON CONFLICT (group_id, months) DO UPDATE SET due_on = EXCLUDED.due_on
		WHERE checkins.done_on IS NULL AND checkins.due_on <> EXCLUDED.due_on`, ids, months, due)
	return err
}

// Checkins lists the group's check-ins by months. Call EnsureCheckins (or the group's page
// does it for the group) first.
func (s *Store) Checkins(ctx context.Context, groupID int64, today time.Time) ([]Checkin, error) {
	if err := ensureCheckins(ctx, s.db, today, groupID); err != nil {
		return nil, fmt.Errorf("volunteers: check-ins: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT c.group_id, c.months, c.due_on, c.done_on, c.still_meets, coalesce(u.name, '')
		FROM checkins c LEFT JOIN users u ON u.id = c.done_by WHERE c.group_id = $1 ORDER BY c.months`, groupID)
	if err != nil {
		return nil, fmt.Errorf("volunteers: check-ins: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Checkin, error) {
		var c Checkin
		var m int16
		err := r.Scan(&c.GroupID, &m, &c.DueOn, &c.DoneOn, &c.StillMeets, &c.DoneBy)
		c.Months = int(m)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("volunteers: check-ins: %w", err)
	}
	return list, nil
}

// Answers to "does the group still meet?".
const (
	Yes = "yes"
	No  = "no"
)

// CheckinForm is a check-in as staff record it.
type CheckinForm struct {
	Months     string // "3", "6" or "12"
	DoneOn     string // yyyy-mm-dd
	StillMeets string // Yes or No

	months int
	doneOn time.Time
}

// Validate checks every field against today; messages are catalogue ids.
func (f *CheckinForm) Validate(today time.Time) validate.Errors {
	var e validate.Errors
	f.Months, f.StillMeets = strings.TrimSpace(f.Months), strings.TrimSpace(f.StillMeets)
	f.months, _ = strconv.Atoi(f.Months)
	if !slices.Contains(CheckinMonths, f.months) {
		e.Add("checkin_months", "followup.checkin.months.required")
	}
	d := dateField{Field: "checkin_done_on", Date: f.DoneOn}
	e.Merge(d.validate(false, true, today))
	if f.DoneOn = d.Date; d.date != nil {
		f.doneOn = *d.date
	}
	if f.StillMeets != Yes && f.StillMeets != No {
		e.Add("checkin_still_meets", "followup.checkin.stillMeets.required")
	}
	return e
}

// RecordCheckin records the group's check-in of f.Months, done by by. It may be recorded
// again to correct it, but not more than EarlyCheckin before it is due; a group that has not
// started has no check-ins. Problems are field errors.
func (s *Store) RecordCheckin(ctx context.Context, groupID int64, f CheckinForm, by int64, today time.Time) error {
	if errs := f.Validate(today); !errs.OK() {
		return errs
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := ensureCheckins(ctx, tx, today, groupID); err != nil {
			return err
		}
		var e validate.Errors
		var due time.Time
		err := tx.QueryRow(ctx, `SELECT due_on FROM checkins WHERE group_id = $1 AND months = $2 FOR UPDATE`,
			groupID, f.months).Scan(&due)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			e.Add("checkin_months", "followup.checkin.notStarted")
		case err != nil:
			return err
		case f.doneOn.Before(due.Add(-EarlyCheckin)):
			e.Add("checkin_done_on", "followup.checkin.early")
		}
		if !e.OK() {
			return e
		}
		_, err = tx.Exec(ctx, `UPDATE checkins SET done_on = $3, still_meets = $4, done_by = $5
			WHERE group_id = $1 AND months = $2`, groupID, f.months, f.doneOn, f.StillMeets == Yes, optional(by))
		return err
	})
	if err != nil {
		return writeError("record check-in", err)
	}
	return nil
}

// SurvivalFigure is how many groups were checked months after they started, and how many of
// them still met.
type SurvivalFigure struct {
	Months       int
	Checked      int
	StillMeeting int
}

// Survival returns the figure for each of CheckinMonths in year: the check-ins due in the
// year (a group reached 3, 6 or 12 months in it) that have been recorded, and how many said
// the group still meets. It is one query on checkins_done_idx.
func Survival(ctx context.Context, db postgres.DBTX, year int) ([]SurvivalFigure, error) {
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	rows, err := db.Query(ctx, `SELECT m.months, count(c.group_id)::int, (count(*) FILTER (WHERE c.still_meets))::int
		FROM unnest($1::int[]) m (months)
		LEFT JOIN checkins c ON c.months = m.months AND c.done_on IS NOT NULL AND c.due_on >= $2 AND c.due_on < $3
		GROUP BY m.months ORDER BY m.months`, CheckinMonths, from, from.AddDate(1, 0, 0))
	if err != nil {
		return nil, fmt.Errorf("volunteers: survival: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[SurvivalFigure])
	if err != nil {
		return nil, fmt.Errorf("volunteers: survival: %w", err)
	}
	return list, nil
}
