package volunteers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// MaxVolunteers is how many volunteers a group in start-up has at a time.
const MaxVolunteers = 2

// ErrNotActive means an assignment that has already ended was asked to end.
var ErrNotActive = errors.New("volunteers: the assignment has ended")

// Assignment is a volunteer given to a group.
type Assignment struct {
	ID            int64
	GroupID       int64
	GroupName     string
	GroupStatus   string
	VolunteerID   int64
	VolunteerName string
	AssignedAt    time.Time
	EndedAt       *time.Time
	AssignedBy    string // the staff member's name, or "" when not known
}

// Active reports whether the volunteer still has the group.
func (a Assignment) Active() bool { return a.EndedAt == nil }

// AssignResult says what Assign did. Shared lists the themes the volunteer shares with the
// group: staff are asked to confirm such an assignment, and Assigned is false until they do.
type AssignResult struct {
	Assigned bool
	Shared   []groups.Theme
}

// SharedThemes returns the themes of the volunteer's experience that are also themes of the
// group, in the volunteer's order.
func SharedThemes(volunteer, group []groups.Theme) []groups.Theme {
	var out []groups.Theme
	for _, v := range volunteer {
		for _, g := range group {
			if v.ID == g.ID {
				out = append(out, v)
				break
			}
		}
	}
	return out
}

// Assign gives the volunteer to the group from now, done by by (a user id, 0: none). The
// group must be in start-up and have fewer than MaxVolunteers active volunteers; the group
// row is locked meanwhile, so two assignments at once cannot both take the last place. When
// the volunteer shares a theme with the group and confirm is false, nothing is stored and the
// result carries the shared themes. Problems are field errors of the field "volunteer"; an
// unknown group gives ErrNotFound.
func (s *Store) Assign(ctx context.Context, groupID, volunteerID int64, confirm bool, by int64, now time.Time) (AssignResult, error) {
	var res AssignResult
	var e validate.Errors
	if volunteerID <= 0 {
		e.Add("volunteer", "followup.assign.volunteer.required")
		return res, e
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		status, err := groups.NewStore(tx).LockStatus(ctx, groupID)
		if err != nil {
			return err
		}
		var active bool
		var taken int
		err = tx.QueryRow(ctx, `SELECT v.active, (SELECT count(*)::int FROM group_volunteers gv
				WHERE gv.group_id = $2 AND gv.ended_at IS NULL)
			FROM volunteers v WHERE v.id = $1`, volunteerID, groupID).Scan(&active, &taken)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			e.Add("volunteer", "followup.assign.volunteer.invalid")
		case err != nil:
			return err
		case status != groups.StatusStartup:
			e.Add("volunteer", "followup.assign.notStartup")
		case !active:
			e.Add("volunteer", "followup.assign.inactive")
		case taken >= MaxVolunteers:
			e.Add("volunteer", "followup.assign.full")
		}
		if !e.OK() {
			return e
		}
		if res.Shared, err = sharedThemes(ctx, tx, volunteerID, groupID); err != nil {
			return err
		}
		if len(res.Shared) > 0 && !confirm {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO group_volunteers (group_id, volunteer_id, assigned_at, assigned_by)
			VALUES ($1, $2, $3, $4)`, groupID, volunteerID, now, optional(by))
		res.Assigned = err == nil
		return err
	})
	if err != nil {
		return AssignResult{}, writeError("assign", err)
	}
	return res, nil
}

// sharedThemes reads the themes of the volunteer and of the group and returns those they
// share.
func sharedThemes(ctx context.Context, tx pgx.Tx, volunteerID, groupID int64) ([]groups.Theme, error) {
	read := func(sql string, id int64) ([]themeRow, error) {
		rows, err := tx.Query(ctx, sql, id)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowToStructByPos[themeRow])
	}
	const cols = `t.id, t.slug, t.name_nb, t.name_en`
	v, err := read(`SELECT `+cols+` FROM volunteer_themes x JOIN themes t ON t.id = x.theme_id
		WHERE x.volunteer_id = $1 ORDER BY t.name_nb COLLATE "nb-NO-x-icu", t.id`, volunteerID)
	if err != nil {
		return nil, err
	}
	g, err := read(`SELECT `+cols+` FROM group_themes x JOIN themes t ON t.id = x.theme_id WHERE x.group_id = $1`, groupID)
	if err != nil {
		return nil, err
	}
	return SharedThemes(toThemes(v), toThemes(g)), nil
}

// themeRow is what sharedThemes reads of a theme.
type themeRow struct {
	ID             int64
	Slug           string
	NameNB, NameEN string
}

func toThemes(rows []themeRow) []groups.Theme {
	out := make([]groups.Theme, len(rows))
	for i, r := range rows {
		out[i] = groups.Theme{ID: r.ID, Slug: r.Slug, NameNB: r.NameNB, NameEN: r.NameEN}
	}
	return out
}

// EndAssignment ends the assignment with id of the group at now. One that has ended already
// gives ErrNotActive; one that is not the group's gives ErrNotFound.
func (s *Store) EndAssignment(ctx context.Context, groupID, id int64, now time.Time) error {
	// greatest: a clock a little behind the one that assigned must not break the order check.
	tag, err := s.db.Exec(ctx, `UPDATE group_volunteers SET ended_at = greatest($3, assigned_at)
		WHERE id = $2 AND group_id = $1 AND ended_at IS NULL`, groupID, id, now)
	if err != nil {
		return fmt.Errorf("volunteers: end assignment: %w", postgres.MapError(err))
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var exists bool
	err = s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM group_volunteers WHERE id = $2 AND group_id = $1)`, groupID, id).Scan(&exists)
	switch {
	case err != nil:
		return fmt.Errorf("volunteers: end assignment: %w", postgres.MapError(err))
	case exists:
		return ErrNotActive
	}
	return fmt.Errorf("volunteers: end assignment: %w", postgres.ErrNotFound)
}

// AssignmentsLimit bounds the assignments listed for one group or one volunteer; a volunteer
// takes a few groups a year.
const AssignmentsLimit = 100

const assignmentColumns = `a.id, a.group_id, g.name, g.status, a.volunteer_id, v.name, a.assigned_at, a.ended_at,
	coalesce(u.name, '')`

const assignmentFrom = `group_volunteers a JOIN groups g ON g.id = a.group_id JOIN volunteers v ON v.id = a.volunteer_id
	LEFT JOIN users u ON u.id = a.assigned_by`

// Assignments lists the group's volunteers, the active ones first, then the latest.
func (s *Store) Assignments(ctx context.Context, groupID int64) ([]Assignment, error) {
	return s.assignments(ctx, `a.group_id = $1`, groupID)
}

// VolunteerAssignments lists the volunteer's groups, the active ones first, then the latest.
func (s *Store) VolunteerAssignments(ctx context.Context, volunteerID int64) ([]Assignment, error) {
	return s.assignments(ctx, `a.volunteer_id = $1`, volunteerID)
}

func (s *Store) assignments(ctx context.Context, where string, id int64) ([]Assignment, error) {
	rows, err := s.db.Query(ctx, `SELECT `+assignmentColumns+` FROM `+assignmentFrom+` WHERE `+where+`
		ORDER BY a.ended_at IS NOT NULL, a.assigned_at DESC, a.id DESC LIMIT $2`, id, AssignmentsLimit)
	if err != nil {
		return nil, fmt.Errorf("volunteers: assignments: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Assignment])
	if err != nil {
		return nil, fmt.Errorf("volunteers: assignments: %w", err)
	}
	return list, nil
}

// optional is id as a nullable column value: nil for 0.
func optional(id int64) *int64 {
	if id <= 0 {
		return nil
	}
	return &id
}
