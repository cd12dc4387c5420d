// Package outreach is the log of the centre's information and outreach work and its contact
// meetings: talks, stands, conferences, network meetings and contact meetings, with whom they
// reached. Staff keep it through the year; the annual report sums it. It holds no data about
// participants: an audience is a description, a reach a number.
package outreach

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Kinds of outreach, in the order of forms and the report.
var Kinds = []string{"talk", "stand", "conference", "network", "contact_meeting", "other"}

// MaxReach bounds the number of people one activity reached.
const MaxReach = 100000

// Activity is one logged activity.
type Activity struct {
	ID       int64
	HeldOn   time.Time // a local midnight
	Kind     string
	Audience string
	Reach    int
	Staff    string // who went, as staff wrote it
	Note     string
}

// Form is the activity as typed.
type Form struct {
	HeldOn, Kind, Audience, Reach, Staff, Note string

	heldOn time.Time
	reach  int
}

// Validate trims and checks the form; messages are catalogue ids. now bounds the date: an
// activity is logged when it has been held (or on the day).
func (f *Form) Validate(now time.Time) validate.Errors {
	var e validate.Errors
	for _, s := range []*string{&f.HeldOn, &f.Kind, &f.Audience, &f.Reach, &f.Staff, &f.Note} {
		*s = strings.TrimSpace(*s)
	}
	d, err := tz.ParseDate(f.HeldOn)
	switch {
	case f.HeldOn == "":
		e.Add("held_on", "outreach.date.required")
	case err != nil:
		e.Add("held_on", "outreach.date.invalid")
	case d.After(tz.Midnight(now)):
		e.Add("held_on", "outreach.date.future")
	case d.Year() < 2000:
		e.Add("held_on", "outreach.date.invalid")
	default:
		f.heldOn = d
	}
	if !slices.Contains(Kinds, f.Kind) {
		e.Add("kind", "outreach.kind.required")
	}
	if e.Required("audience", f.Audience, "outreach.audience.required") {
		e.MaxLength("audience", f.Audience, 200, "form.tooLong")
	}
	n, err := strconv.Atoi(f.Reach)
	switch {
	case f.Reach == "":
		e.Add("reach", "outreach.reach.required")
	case err != nil || n < 0 || n > MaxReach:
		e.Add("reach", "outreach.reach.invalid", "Max", MaxReach)
	default:
		f.reach = n
	}
	e.MaxLength("staff", f.Staff, 200, "form.tooLong")
	e.MaxLength("note", f.Note, 1000, "form.tooLong")
	return e
}

// Store reads and changes the log.
type Store struct{ db postgres.DBTX }

// NewStore returns a Store on db.
func NewStore(db postgres.DBTX) *Store { return &Store{db: db} }

// Add validates f and logs it, by the user by (0: none). A form that does not hold is a
// validate.Errors.
func (s *Store) Add(ctx context.Context, f *Form, by int64, now time.Time) (int64, error) {
	if errs := f.Validate(now); !errs.OK() {
		return 0, errs
	}
	var creator *int64
	if by != 0 {
		creator = &by
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO outreach (held_on, kind, audience, reach, staff, note, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		f.heldOn.Format(time.DateOnly), f.Kind, f.Audience, f.reach, f.Staff, f.Note, creator).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("outreach: add: %w", postgres.MapError(err))
	}
	return id, nil
}

// Delete removes activity id and returns it (for the undo message); ErrNotFound when gone.
func (s *Store) Delete(ctx context.Context, id int64) (Activity, error) {
	a, err := scan(s.db.QueryRow(ctx, `DELETE FROM outreach WHERE id = $1 RETURNING `+columns, id))
	if err != nil {
		return a, fmt.Errorf("outreach: delete: %w", postgres.MapError(err))
	}
	return a, nil
}

const columns = `id, held_on, kind, audience, reach, staff, note`

func scan(row pgx.Row) (Activity, error) {
	var a Activity
	var d time.Time
	err := row.Scan(&a.ID, &d, &a.Kind, &a.Audience, &a.Reach, &a.Staff, &a.Note)
	a.HeldOn = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, tz.Oslo)
	return a, err
}

// PerPage is the log's page size.
const PerPage = 25

// List returns one page of the log of year (0: every year), newest first, and how many there
// are. page counts from 1. It reads outreach_held_idx.
func (s *Store) List(ctx context.Context, year, page int) ([]Activity, int, error) {
	from, to := "2000-01-01", "2101-01-01"
	if year != 0 {
		from, to = fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM outreach WHERE held_on >= $1::date AND held_on < $2::date`, from, to).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("outreach: list: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+columns+` FROM outreach WHERE held_on >= $1::date AND held_on < $2::date
		ORDER BY held_on DESC, id DESC LIMIT $3 OFFSET $4`, from, to, PerPage, (max(page, 1)-1)*PerPage)
	if err != nil {
		return nil, 0, fmt.Errorf("outreach: list: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Activity, error) { return scan(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("outreach: list: %w", err)
	}
	return list, total, nil
}

// Sum is one kind's figures of a year.
type Sum struct {
	Kind       string
	Activities int
	Reach      int
}

// Year sums the log of year per kind, in the order of Kinds; kinds with nothing are left out.
func Year(ctx context.Context, db postgres.DBTX, year int) ([]Sum, error) {
	rows, err := db.Query(ctx, `SELECT kind, count(*)::int, coalesce(sum(reach), 0)::int FROM outreach
		WHERE held_on >= make_date($1, 1, 1) AND held_on < make_date($1 + 1, 1, 1) GROUP BY kind`, year)
	if err != nil {
		return nil, fmt.Errorf("outreach: year: %w", err)
	}
	sums, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Sum])
	if err != nil {
		return nil, fmt.Errorf("outreach: year: %w", err)
	}
	slices.SortFunc(sums, func(a, b Sum) int { return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind) })
	return sums, nil
}

// Intro is the introduction staff wrote to year's report; "" when none.
func Intro(ctx context.Context, db postgres.DBTX, year int) (string, error) {
	var body string
	err := db.QueryRow(ctx, `SELECT body FROM report_intros WHERE year = $1`, year).Scan(&body)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("outreach: intro: %w", err)
	}
	return body, nil
}

// MaxIntro bounds the introduction's length.
const MaxIntro = 4000

// SetIntro saves the introduction of year's report, by the user by; an empty text removes it.
// A text over MaxIntro is a validate.Errors on the field "intro".
func SetIntro(ctx context.Context, db postgres.DBTX, year int, body string, by int64) error {
	body = strings.TrimSpace(body)
	var e validate.Errors
	if !e.MaxLength("intro", body, MaxIntro, "form.tooLong") {
		return e
	}
	var editor *int64
	if by != 0 {
		editor = &by
	}
	var err error
	if body == "" {
		_, err = db.Exec(ctx, `DELETE FROM report_intros WHERE year = $1`, year)
	} else {
		_, err = db.Exec(ctx, `INSERT INTO report_intros (year, body, updated_by) VALUES ($1, $2, $3)
			ON CONFLICT (year) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = now()`,
			year, body, editor)
	}
	if err != nil {
		return fmt.Errorf("outreach: intro: %w", postgres.MapError(err))
	}
	return nil
}
