package keys

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Show is which keys the list shows.
type Show string

// What the list can show.
const (
	ShowAll            Show = ""
	ShowOut            Show = "out"     // with a holder
	ShowOverdue        Show = "overdue" // out after the day they were due back
	ShowAfterAgreement Show = "ended"   // out after the holder's standing agreement ended
)

// Shows lists the choices in the order the list offers them.
var Shows = []Show{ShowAll, ShowOut, ShowOverdue, ShowAfterAgreement}

// ShowOf reads a choice from a URL; anything else shows all keys.
func ShowOf(s string) Show {
	if slices.Contains(Shows, Show(s)) {
		return Show(s)
	}
	return ShowAll
}

// Counts are how many keys each choice of the list shows.
type Counts struct {
	All, Out, Overdue, AfterAgreement int
}

// Of returns the count of show.
func (c Counts) Of(show Show) int {
	switch show {
	case ShowOut:
		return c.Out
	case ShowOverdue:
		return c.Overdue
	case ShowAfterAgreement:
		return c.AfterAgreement
	}
	return c.All
}

// condition is the SQL condition of show over keyFrom and clock. Out and overdue use
// key_loans_out_idx and key_loans_due_idx.
func condition(show Show) string {
	switch show {
	case ShowOut:
		return "l.id IS NOT NULL"
	case ShowOverdue:
		return "l.due_at < c.today"
	case ShowAfterAgreement:
		return "l.booking_id IS NOT NULL AND (a.ends IS NULL OR a.ends <= c.now)"
	}
	return "true"
}

// clock names today in Oslo ($1, a date) and now ($2) as c.today and c.now, so every
// choice's query takes the same arguments.
const clock = ` CROSS JOIN (SELECT $1::date AS today, $2::timestamptz AS now) c`

// Counts counts the keys in use (not retired) for every choice of the list, at now, in one
// query.
func (s *Store) Counts(ctx context.Context, now time.Time) (Counts, error) {
	var c Counts
	err := s.db.QueryRow(ctx, `SELECT count(*)::int, count(l.id)::int,
			(count(*) FILTER (WHERE `+condition(ShowOverdue)+`))::int,
			(count(*) FILTER (WHERE `+condition(ShowAfterAgreement)+`))::int
		FROM `+keyFrom+clock+` WHERE k.retired_at IS NULL`, Today(now), now).Scan(&c.All, &c.Out, &c.Overdue, &c.AfterAgreement)
	if err != nil {
		return c, fmt.Errorf("keys: counts: %w", err)
	}
	return c, nil
}

// List returns one page of the keys in use that show picks at now, by label in Norwegian
// order, with their rooms and current loans. It costs two queries whatever the page's length;
// Counts gives the total.
func (s *Store) List(ctx context.Context, show Show, now time.Time, limit, offset int) ([]Key, error) {
	rows, err := s.db.Query(ctx, `SELECT `+keyColumns+` FROM `+keyFrom+clock+`
		WHERE k.retired_at IS NULL AND `+condition(show)+`
		ORDER BY k.label COLLATE "nb-NO-x-icu", k.id LIMIT $3 OFFSET $4`, Today(now), now, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("keys: list: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Key, error) { return scanKey(r) })
	if err != nil {
		return nil, fmt.Errorf("keys: list: %w", err)
	}
	if err := s.loadRooms(ctx, list); err != nil {
		return nil, err
	}
	return list, nil
}

// AuditKey is one key of the yearly audit list: where it is now and its loans in the year.
type AuditKey struct {
	Key
	Loans []Loan // oldest first
}

// Year is the yearly audit list.
type Year struct {
	Year      int
	Keys      []AuditKey
	Truncated bool // more keys or loans than the list holds
}

// Bounds of the yearly audit list. The house has a few dozen keys lent a few times a year;
// the bounds only keep a mistake from building an unbounded page.
const (
	AuditKeyLimit  = 1000
	AuditLoanLimit = 10000
)

// Audit returns the yearly audit list for year (a calendar year in Oslo): every key in use
// during the year, with where it is now, and every loan that was out at some time in the
// year. Keys retired before the year are left out. It costs three queries.
func (s *Store) Audit(ctx context.Context, year int) (Year, error) {
	y := Year{Year: year}
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, tz.Oslo)
	end := start.AddDate(1, 0, 0)
	rows, err := s.db.Query(ctx, `SELECT `+keyColumns+` FROM `+keyFrom+`
		WHERE k.retired_at IS NULL OR k.retired_at >= $1
		ORDER BY k.label COLLATE "nb-NO-x-icu", k.id LIMIT $2`, start, AuditKeyLimit+1)
	if err != nil {
		return y, fmt.Errorf("keys: audit: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Key, error) { return scanKey(r) })
	if err != nil {
		return y, fmt.Errorf("keys: audit: %w", err)
	}
	if len(list) > AuditKeyLimit {
		list, y.Truncated = list[:AuditKeyLimit], true
	}
	if err := s.loadRooms(ctx, list); err != nil {
		return y, err
	}
	rows, err = s.db.Query(ctx, `SELECT `+loanColumns+` FROM key_loans l `+loanJoins+`
		WHERE l.handed_out_at < $2 AND (l.returned_at IS NULL OR l.returned_at >= $1)
		ORDER BY l.handed_out_at, l.id LIMIT $3`, start, end, AuditLoanLimit+1)
	if err != nil {
		return y, fmt.Errorf("keys: audit loans: %w", err)
	}
	loans, err := collectLoans(rows)
	if err != nil {
		return y, fmt.Errorf("keys: audit loans: %w", err)
	}
	if len(loans) > AuditLoanLimit {
		loans, y.Truncated = loans[:AuditLoanLimit], true
	}
	at := make(map[int64]int, len(list))
	y.Keys = make([]AuditKey, len(list))
	for i, k := range list {
		y.Keys[i], at[k.ID] = AuditKey{Key: k}, i
	}
	for _, l := range loans {
		if i, ok := at[l.KeyID]; ok {
			y.Keys[i].Loans = append(y.Keys[i].Loans, l)
		}
	}
	return y, nil
}
