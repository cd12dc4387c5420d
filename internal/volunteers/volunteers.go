// Package volunteers is the register of volunteer starters (igangsettere) and the start-up
// and follow-up of groups: a volunteer is given to a group in start-up (one or two at a
// time, with a warning when they share the group's theme), leads three to eight start-up
// meetings, and hands the group over to run itself. After the start, staff log their
// contact with the group and check in at 3, 6 and 12 months whether it still meets; those
// check-ins are the survival figures of the annual report.
package volunteers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Volunteer is one volunteer starter of the register.
type Volunteer struct {
	ID           int64
	Name         string
	Email        string // "" when none was given
	Phone        string // +<digits>, or "" when none was given
	TrainedOn    *time.Time
	Availability []string // "1-evening": ISO weekday and part of the day
	Notes        string
	Active       bool
	CreatedAt    time.Time
	Themes       []groups.Theme // of their own experience
	ActiveGroups int            // the load: groups they are given now
}

// Store reads and changes the register and the start-up and follow-up of groups.
type Store struct{ db postgres.DBTX }

// NewStore returns a Store on db.
func NewStore(db postgres.DBTX) *Store { return &Store{db: db} }

// Today is the date in Oslo at now, as midnight UTC, the way a date column reads.
func Today(now time.Time) time.Time {
	y, m, d := now.In(tz.Oslo).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return postgres.InTx(ctx, s.db, fn)
}

// writeError turns what the database refused into field errors where a field is to blame,
// else into a domain error.
func writeError(op string, err error) error {
	var e validate.Errors
	if errors.As(err, &e) {
		return e
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.ConstraintName {
		case "volunteer_themes_theme_id_fkey":
			e.Add("themes", "volunteers.themes.invalid")
		case "group_volunteers_active_idx":
			e.Add("volunteer", "followup.assign.already")
		case "group_volunteers_at_most_two":
			e.Add("volunteer", "followup.assign.full")
		case "group_volunteers_volunteer_id_fkey":
			e.Add("volunteer", "followup.assign.volunteer.invalid")
		case "startup_meetings_at_most_eight":
			e.Add("meeting_date", "followup.meetings.max", "Max", MaxMeetings)
		}
		if !e.OK() {
			return e
		}
	}
	return fmt.Errorf("volunteers: %s: %w", op, postgres.MapError(err))
}

// volunteerColumns are read by scanVolunteer from volunteers v.
const volunteerColumns = `v.id, v.name, coalesce(v.email::text, ''), coalesce(v.phone, ''), v.trained_on, v.availability,
	v.notes, v.active, v.created_at,
	(SELECT count(*)::int FROM group_volunteers gv WHERE gv.volunteer_id = v.id AND gv.ended_at IS NULL)`

func scanVolunteer(row pgx.Row, extra ...any) (Volunteer, error) {
	var v Volunteer
	err := row.Scan(append([]any{&v.ID, &v.Name, &v.Email, &v.Phone, &v.TrainedOn, &v.Availability, &v.Notes,
		&v.Active, &v.CreatedAt, &v.ActiveGroups}, extra...)...)
	return v, err
}

// Get returns the volunteer with id, with their themes and load.
func (s *Store) Get(ctx context.Context, id int64) (Volunteer, error) {
	v, err := scanVolunteer(s.db.QueryRow(ctx, `SELECT `+volunteerColumns+` FROM volunteers v WHERE v.id = $1`, id))
	if err != nil {
		return v, fmt.Errorf("volunteers: get: %w", postgres.MapError(err))
	}
	list := []Volunteer{v}
	if err := s.loadThemes(ctx, list); err != nil {
		return v, err
	}
	return list[0], nil
}

// Show is which volunteers the register lists.
type Show string

// What the register can show.
const (
	ShowActive   Show = ""         // the default
	ShowInactive Show = "inactive" // no longer taking groups
	ShowAll      Show = "all"
)

// Shows lists the choices in the order the list offers them.
var Shows = []Show{ShowActive, ShowInactive, ShowAll}

// ShowOf reads a choice from a URL; anything else shows the active volunteers.
func ShowOf(s string) Show {
	if slices.Contains(Shows, Show(s)) {
		return Show(s)
	}
	return ShowActive
}

// Filter narrows the register.
type Filter struct {
	Query string // part of the name, e-mail or phone number
	Show  Show
}

// likePattern is q as an ILIKE pattern matching q anywhere, its wildcards escaped; "" when q
// is blank.
func likePattern(q string) string {
	q = strings.TrimSpace(q)
	if q == "" {
		return ""
	}
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
}

// List returns one page of the volunteers f picks, by name in Norwegian order, with their
// themes and load, and how many it picks in all. It costs two queries whatever the page's
// length.
func (s *Store) List(ctx context.Context, f Filter, limit, offset int) ([]Volunteer, int, error) {
	rows, err := s.db.Query(ctx, `SELECT `+volunteerColumns+`, count(*) OVER () FROM volunteers v
		WHERE ($1 = '' OR v.name ILIKE $1 OR v.email::text ILIKE $1 OR v.phone ILIKE $1)
		  AND ($2 = 'all' OR v.active = ($2 = ''))
		ORDER BY v.name COLLATE "nb-NO-x-icu", v.id LIMIT $3 OFFSET $4`, likePattern(f.Query), string(f.Show), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("volunteers: list: %w", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Volunteer, error) { return scanVolunteer(r, &total) })
	if err != nil {
		return nil, 0, fmt.Errorf("volunteers: list: %w", err)
	}
	if err := s.loadThemes(ctx, list); err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// loadThemes fills in the themes of every volunteer in list with one query.
func (s *Store) loadThemes(ctx context.Context, list []Volunteer) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	at := make(map[int64]int, len(list))
	for i, v := range list {
		ids[i], at[v.ID] = v.ID, i
		list[i].Themes = nil
	}
	rows, err := s.db.Query(ctx, `SELECT vt.volunteer_id, t.id, t.slug, t.name_nb, t.name_en
		FROM volunteer_themes vt JOIN themes t ON t.id = vt.theme_id
		WHERE vt.volunteer_id = ANY($1) ORDER BY t.name_nb COLLATE "nb-NO-x-icu", t.id`, ids)
	if err != nil {
		return fmt.Errorf("volunteers: themes: %w", err)
	}
	var id int64
	var t groups.Theme
	_, err = pgx.ForEachRow(rows, []any{&id, &t.ID, &t.Slug, &t.NameNB, &t.NameEN}, func() error {
		list[at[id]].Themes = append(list[at[id]].Themes, t)
		return nil
	})
	if err != nil {
		return fmt.Errorf("volunteers: themes: %w", err)
	}
	return nil
}

// Create adds a volunteer with their themes, in one transaction.
func (s *Store) Create(ctx context.Context, f Form, today time.Time) (Volunteer, error) {
	if errs := f.Validate(today); !errs.OK() {
		return Volunteer{}, errs
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO volunteers (name, email, phone, trained_on, availability, notes, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, f.args()...).Scan(&id)
		if err != nil {
			return err
		}
		return setThemes(ctx, tx, id, f.Themes)
	})
	if err != nil {
		return Volunteer{}, writeError("create", err)
	}
	return s.Get(ctx, id)
}

// Update changes the volunteer with id and their themes, in one transaction. A volunteer
// made inactive keeps the groups they have; staff end those assignments themselves.
func (s *Store) Update(ctx context.Context, id int64, f Form, today time.Time) (Volunteer, error) {
	if errs := f.Validate(today); !errs.OK() {
		return Volunteer{}, errs
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE volunteers SET name = $2, email = $3, phone = $4, trained_on = $5,
			availability = $6, notes = $7, active = $8 WHERE id = $1`, append([]any{id}, f.args()...)...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return setThemes(ctx, tx, id, f.Themes)
	})
	if err != nil {
		return Volunteer{}, writeError("update", err)
	}
	return s.Get(ctx, id)
}

// setThemes makes themes the volunteer's themes.
func setThemes(ctx context.Context, tx pgx.Tx, id int64, themes []int64) error {
	if themes == nil {
		themes = []int64{}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM volunteer_themes WHERE volunteer_id = $1 AND NOT (theme_id = ANY($2))`, id, themes); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO volunteer_themes (volunteer_id, theme_id) SELECT $1, unnest($2::bigint[])
		ON CONFLICT DO NOTHING`, id, themes)
	return err
}

// Option is an active volunteer as a choice when assigning one to a group, with their load.
type Option struct {
	ID           int64
	Name         string
	ActiveGroups int
}

// OptionsLimit bounds the volunteers offered in a select; the centre has a few dozen.
const OptionsLimit = 500

// Options lists the active volunteers by name with their load.
func (s *Store) Options(ctx context.Context) ([]Option, error) {
	rows, err := s.db.Query(ctx, `SELECT v.id, v.name,
			(SELECT count(*)::int FROM group_volunteers gv WHERE gv.volunteer_id = v.id AND gv.ended_at IS NULL)
		FROM volunteers v WHERE v.active ORDER BY v.name COLLATE "nb-NO-x-icu", v.id LIMIT $1`, OptionsLimit)
	if err != nil {
		return nil, fmt.Errorf("volunteers: options: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Option])
	if err != nil {
		return nil, fmt.Errorf("volunteers: options: %w", err)
	}
	return list, nil
}
