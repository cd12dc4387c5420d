// Package keys is the key register: the keys and cards to the rooms at Kirkeveien 61, which
// rooms each opens, and who has had it. A key is handed to one person, usually a group's
// contact person, and the database lets it be out to only one holder at a time. Every hand-out
// and return is written to the audit log in the same transaction.
package keys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Kinds of key.
const (
	KindKey  = "key"
	KindCard = "card" // an access card
)

// Kinds lists the kinds in the order they are offered.
var Kinds = []string{KindKey, KindCard}

// ErrNotOut means a return was asked for a key that is in the house.
var ErrNotOut = errors.New("keys: the key is not out")

// Room is a room a key opens.
type Room struct {
	ID   int64
	Name string
}

// Key is a key or a card, with the rooms it opens and, when it is out, its current loan.
type Key struct {
	ID        int64
	Label     string
	Kind      string
	Note      string
	RetiredAt *time.Time
	CreatedAt time.Time
	Rooms     []Room
	Loan      *Loan // nil when the key is in the house
}

// Loan is one time a key was handed out.
type Loan struct {
	ID          int64
	KeyID       int64
	HolderName  string
	HolderPhone string // +<digits>, or "" when none was given
	GroupID     *int64
	GroupName   string
	BookingID   *int64 // the standing agreement the key is for
	Agreement   string // the agreement's title
	// AgreementEnds is the end of the agreement's last active occurrence; nil when none is
	// left (every one cancelled).
	AgreementEnds *time.Time
	HandedOutAt   time.Time
	DueAt         *time.Time // a date: midnight UTC of the day it is due back
	ReturnedAt    *time.Time
	HandedOutBy   string // the staff member's name, or "" when not known
	ReturnedTo    string
}

// Out reports whether the key is still with the holder.
func (l Loan) Out() bool { return l.ReturnedAt == nil }

// Overdue reports whether the key is still out after the day it was due back, as the day is
// counted in Oslo at now.
func (l Loan) Overdue(now time.Time) bool {
	return l.Out() && l.DueAt != nil && l.DueAt.Before(Today(now))
}

// AfterAgreement reports whether the key is still out although the standing agreement it was
// handed out for has ended.
func (l Loan) AfterAgreement(now time.Time) bool {
	return l.Out() && l.BookingID != nil && (l.AgreementEnds == nil || !l.AgreementEnds.After(now))
}

// Today is the date in Oslo at now, as midnight UTC, the way a date column reads.
func Today(now time.Time) time.Time {
	y, m, d := now.In(tz.Oslo).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Store reads and changes keys and their loans.
type Store struct{ db postgres.DBTX }

// NewStore returns a Store on db.
func NewStore(db postgres.DBTX) *Store { return &Store{db: db} }

// loanColumns are read by loanScan from key_loans l and loanJoins. They allow a missing loan
// (a LEFT JOIN of a key that is in), so text columns are coalesced and the id says whether
// there is one.
const loanColumns = `l.id, coalesce(l.key_id, 0), coalesce(l.holder_name, ''), coalesce(l.holder_phone, ''),
	l.group_id, coalesce(g.name, ''), l.booking_id, coalesce(b.title, ''), a.ends, l.handed_out_at, l.due_at,
	l.returned_at, coalesce(hb.name, ''), coalesce(rt.name, '')`

// loanJoins add the names a loan is shown with, and the end of its agreement: the upper bound
// of the agreement's last occurrence that is not cancelled.
const loanJoins = `LEFT JOIN groups g ON g.id = l.group_id
	LEFT JOIN bookings b ON b.id = l.booking_id
	LEFT JOIN LATERAL (SELECT max(upper(o.during)) AS ends FROM booking_occurrences o
		WHERE o.booking_id = l.booking_id AND o.cancelled_at IS NULL) a ON true
	LEFT JOIN users hb ON hb.id = l.handed_out_by
	LEFT JOIN users rt ON rt.id = l.returned_to`

// loanScan receives loanColumns.
type loanScan struct {
	id *int64
	at *time.Time
	l  Loan
}

func (s *loanScan) dest() []any {
	return []any{&s.id, &s.l.KeyID, &s.l.HolderName, &s.l.HolderPhone, &s.l.GroupID, &s.l.GroupName, &s.l.BookingID,
		&s.l.Agreement, &s.l.AgreementEnds, &s.at, &s.l.DueAt, &s.l.ReturnedAt, &s.l.HandedOutBy, &s.l.ReturnedTo}
}

// loan returns what was read, or nil when the row had no loan.
func (s *loanScan) loan() *Loan {
	if s.id == nil {
		return nil
	}
	l := s.l
	l.ID, l.HandedOutAt = *s.id, *s.at
	return &l
}

// keyColumns are read by scanKey from keys k LEFT JOIN key_loans l (the loan that is out)
// and loanJoins.
const keyColumns = `k.id, k.label, k.kind, k.note, k.retired_at, k.created_at, ` + loanColumns

// keyFrom is keys with their current loans.
const keyFrom = `keys k LEFT JOIN key_loans l ON l.key_id = k.id AND l.returned_at IS NULL
	` + loanJoins

func scanKey(row pgx.Row) (Key, error) {
	var k Key
	var ls loanScan
	dest := append([]any{&k.ID, &k.Label, &k.Kind, &k.Note, &k.RetiredAt, &k.CreatedAt}, ls.dest()...)
	if err := row.Scan(dest...); err != nil {
		return k, err
	}
	k.Loan = ls.loan()
	return k, nil
}

// Get returns the key with id, with its rooms and the loan that is out.
func (s *Store) Get(ctx context.Context, id int64) (Key, error) {
	k, err := scanKey(s.db.QueryRow(ctx, `SELECT `+keyColumns+` FROM `+keyFrom+` WHERE k.id = $1`, id))
	if err != nil {
		return k, fmt.Errorf("keys: get: %w", postgres.MapError(err))
	}
	list := []Key{k}
	if err := s.loadRooms(ctx, list); err != nil {
		return k, err
	}
	return list[0], nil
}

// HistoryLimit is how many of the latest loans History returns. A key is lent a few times
// a year, so this is decades of history.
const HistoryLimit = 200

// History returns the key's latest loans, newest first, the one that is out included.
func (s *Store) History(ctx context.Context, id int64) ([]Loan, error) {
	rows, err := s.db.Query(ctx, `SELECT `+loanColumns+` FROM key_loans l `+loanJoins+`
		WHERE l.key_id = $1 ORDER BY l.handed_out_at DESC, l.id DESC LIMIT $2`, id, HistoryLimit)
	if err != nil {
		return nil, fmt.Errorf("keys: history: %w", err)
	}
	list, err := collectLoans(rows)
	if err != nil {
		return nil, fmt.Errorf("keys: history: %w", err)
	}
	return list, nil
}

func collectLoans(rows pgx.Rows) ([]Loan, error) {
	return pgx.CollectRows(rows, scanLoan)
}

// scanLoan reads loanColumns of a row that has a loan.
func scanLoan(r pgx.CollectableRow) (Loan, error) {
	var ls loanScan
	if err := r.Scan(ls.dest()...); err != nil {
		return Loan{}, err
	}
	if l := ls.loan(); l != nil {
		return *l, nil
	}
	return Loan{}, pgx.ErrNoRows
}

// loadRooms fills in the rooms of every key in list with one query, so a page of keys costs
// the same number of queries however long it is.
func (s *Store) loadRooms(ctx context.Context, list []Key) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	at := make(map[int64][]int, len(list))
	for i, k := range list {
		ids[i] = k.ID
		at[k.ID] = append(at[k.ID], i)
		list[i].Rooms = nil
	}
	rows, err := s.db.Query(ctx, `SELECT kr.key_id, r.id, r.name FROM key_rooms kr JOIN rooms r ON r.id = kr.room_id
		WHERE kr.key_id = ANY($1) ORDER BY r.name COLLATE "nb-NO-x-icu", r.id`, ids)
	if err != nil {
		return fmt.Errorf("keys: rooms of keys: %w", err)
	}
	var keyID int64
	var r Room
	_, err = pgx.ForEachRow(rows, []any{&keyID, &r.ID, &r.Name}, func() error {
		for _, i := range at[keyID] {
			list[i].Rooms = append(list[i].Rooms, r)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("keys: rooms of keys: %w", err)
	}
	return nil
}

// Rooms lists the rooms in use a key may open, by name, for the check boxes of the key form.
func (s *Store) Rooms(ctx context.Context) ([]Room, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name FROM rooms WHERE retired_at IS NULL ORDER BY name COLLATE "nb-NO-x-icu", id LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("keys: rooms: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Room])
	if err != nil {
		return nil, fmt.Errorf("keys: rooms: %w", err)
	}
	return list, nil
}

// Agreement is a standing agreement a key may be handed out for.
type Agreement struct {
	ID    int64
	Title string
	Room  string
	Ends  time.Time // end of its last active occurrence
}

// Agreements lists the standing agreements that have not ended at now, by title. The house
// has a few dozen at a time, so a select stays usable.
func (s *Store) Agreements(ctx context.Context, now time.Time) ([]Agreement, error) {
	rows, err := s.db.Query(ctx, `SELECT b.id, b.title, r.name, a.ends
		FROM bookings b JOIN rooms r ON r.id = b.room_id
		CROSS JOIN LATERAL (SELECT max(upper(o.during)) AS ends FROM booking_occurrences o
			WHERE o.booking_id = b.id AND o.cancelled_at IS NULL) a
		WHERE b.standing AND a.ends > $1
		ORDER BY b.title COLLATE "nb-NO-x-icu", b.id LIMIT 500`, now)
	if err != nil {
		return nil, fmt.Errorf("keys: agreements: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Agreement])
	if err != nil {
		return nil, fmt.Errorf("keys: agreements: %w", err)
	}
	return list, nil
}
