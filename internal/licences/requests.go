package licences

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Request statuses.
const (
	Pending   = "pending"
	Approved  = "approved"
	Declined  = "declined"
	Withdrawn = "withdrawn"
)

// Requester is who asks: a partner organisation's user (OrgID, UserID), or staff on behalf
// of a group (GroupID, UserID). A requester's queries are scoped to their organisation or
// group in SQL; one with neither sees nothing.
type Requester struct {
	OrgID   int64
	GroupID int64
	UserID  int64
	Lang    string
}

// RequestForm is the loan request as typed. First and Last are local dates, both included.
type RequestForm struct {
	Provider, First, Last, Purpose, Participants, MeetingMinutes, ContactName, ContactEmail, ContactPhone string

	first, last    time.Time
	participants   int
	meetingMinutes int
}

// The shortest and longest meetings a request may name, in minutes.
const (
	MinMeetingMinutes = 15
	MaxMeetingMinutes = 720
)

// Limits are what Validate checks a request against.
type Limits struct {
	Today     time.Time      // local midnight
	MaxMonths int            // the longest loan
	MaxSeats  map[string]int // per provider, the most participants any active licence takes
}

// Validate trims and checks the form; messages are catalogue ids.
func (f *RequestForm) Validate(l Limits) validate.Errors {
	var e validate.Errors
	for _, s := range []*string{&f.Provider, &f.First, &f.Last, &f.Purpose, &f.Participants, &f.MeetingMinutes, &f.ContactName, &f.ContactEmail, &f.ContactPhone} {
		*s = strings.TrimSpace(*s)
	}
	if f.Provider != Zoom && f.Provider != Whereby {
		e.Add("provider", "licences.provider.required")
	}
	var err error
	if f.first, err = tz.ParseDate(f.First); err != nil {
		e.Add("first", "rooms.date.required")
	} else if f.first.Before(l.Today) {
		e.Add("first", "request.date.past")
	}
	if f.last, err = tz.ParseDate(f.Last); err != nil {
		e.Add("last", "rooms.date.required")
	} else if !e.Has("first") && f.last.Before(f.first) {
		e.Add("last", "loans.last.order")
	} else if !e.Has("first") && !f.last.Before(addMonths(f.first, l.MaxMonths)) {
		e.Add("last", "loans.last.tooLong", "Months", l.MaxMonths)
	}
	if e.Required("purpose", f.Purpose, "loans.purpose.required") {
		e.MaxLength("purpose", f.Purpose, 500, "form.tooLong")
	}
	f.participants, err = strconv.Atoi(f.Participants)
	switch {
	case err != nil || f.participants < 1:
		e.Add("participants", "loans.participants.invalid")
	case !e.Has("provider") && f.participants > l.MaxSeats[f.Provider]:
		e.Add("participants", "loans.participants.tooMany", "Max", l.MaxSeats[f.Provider])
	}
	f.meetingMinutes, err = strconv.Atoi(f.MeetingMinutes)
	if err != nil || f.meetingMinutes < MinMeetingMinutes || f.meetingMinutes > MaxMeetingMinutes {
		e.Add("meeting_minutes", "loans.minutes.invalid", "Min", MinMeetingMinutes, "Max", MaxMeetingMinutes)
	}
	if e.Required("contact_name", f.ContactName, "contact.name.required") {
		e.MaxLength("contact_name", f.ContactName, 120, "form.tooLong")
	}
	e.RequiredEmail("contact_email", f.ContactEmail)
	if f.ContactPhone != "" {
		if p, ok := validate.Phone(f.ContactPhone); ok {
			f.ContactPhone = p
		} else {
			e.Add("contact_phone", "contact.phone.invalid")
		}
	}
	return e
}

// maxSeats returns, per provider, the most participants an active licence takes: a request
// for more can never be served.
func (s *Store) maxSeats(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.Query(ctx, `SELECT provider, max(max_participants) FROM licences WHERE status = 'active' GROUP BY provider`)
	if err != nil {
		return nil, fmt.Errorf("licences: seats: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return nil, fmt.Errorf("licences: seats: %w", err)
		}
		out[p] = n
	}
	return out, rows.Err()
}

// days is the range of whole local days first..last.
func days(first, last time.Time) pgtype.Range[pgtype.Timestamptz] {
	return pgtype.Range[pgtype.Timestamptz]{
		Lower:     pgtype.Timestamptz{Time: tz.Midnight(first), Valid: true},
		Upper:     pgtype.Timestamptz{Time: tz.Midnight(last).AddDate(0, 0, 1), Valid: true},
		LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true,
	}
}

// Request validates f and records it as asked by who, and returns its id. The form is
// checked against today at now, loans of at most maxMonths, and the seats of the active
// licences; a requester with neither organisation nor group (staff who chose none) is asked
// for the group. What is wrong comes back as a validate.Errors.
func (s *Store) Request(ctx context.Context, who Requester, f RequestForm, maxMonths int, now time.Time) (int64, error) {
	var e validate.Errors
	if who.OrgID == 0 && who.GroupID <= 0 {
		e.Add("group", "booking.group.required")
	}
	seats, err := s.maxSeats(ctx)
	if err != nil {
		return 0, err
	}
	if e.Merge(f.Validate(Limits{Today: tz.Midnight(now), MaxMonths: maxMonths, MaxSeats: seats})); !e.OK() {
		return 0, e
	}
	var id int64
	err = s.db.QueryRow(ctx, `INSERT INTO licence_requests (org_id, group_id, requested_by, provider, period, purpose, participants,
			contact_name, contact_email, contact_phone, lang, meeting_minutes)
		VALUES (NULLIF($1, 0), NULLIF($2, 0), NULLIF($3, 0), $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		who.OrgID, who.GroupID, who.UserID, f.Provider, days(f.first, f.last), f.Purpose, f.participants,
		f.ContactName, f.ContactEmail, f.ContactPhone, who.Lang, f.meetingMinutes).Scan(&id)
	err = postgres.MapError(err)
	if who.GroupID != 0 && errors.Is(err, postgres.ErrInvalid) { // the group is gone
		e.Add("group", "booking.group.required")
		return 0, e
	}
	if err != nil {
		return 0, fmt.Errorf("licences: request: %w", err)
	}
	return id, nil
}

// Request is a loan request as the lists and the decision page show it.
type Request struct {
	ID           int64
	OrgID        int64
	GroupID      int64
	From         string // the organisation's or the group's name
	Provider     string
	Starts, Ends time.Time // [Starts, Ends): Ends is the midnight after the last day
	Purpose      string
	Participants int
	// MeetingMinutes is how long the meetings last; 0 for a request made before it was asked.
	MeetingMinutes int
	ContactName    string
	ContactEmail   string
	ContactPhone   string
	Lang           string
	Status         string
	Reason         string
	CreatedAt      time.Time
	DecidedAt      *time.Time
	LoanID         int64
	LicenceLabel   string
}

// LastDay is the last local day of the period.
func (q Request) LastDay() time.Time { return tz.Midnight(q.Ends.Add(-time.Hour)) }

const requestColumns = `q.id, coalesce(q.org_id, 0), coalesce(q.group_id, 0), coalesce(o.name, g.name, ''), q.provider,
	lower(q.period), upper(q.period), q.purpose, q.participants, q.contact_name, q.contact_email, q.contact_phone, q.lang,
	q.status, q.decision_reason, q.created_at, q.decided_at, coalesce(n.id, 0), coalesce(l.label, ''), coalesce(q.meeting_minutes, 0)`

const requestJoins = ` FROM licence_requests q
	LEFT JOIN orgs o ON o.id = q.org_id
	LEFT JOIN groups g ON g.id = q.group_id
	LEFT JOIN licence_loans n ON n.request_id = q.id
	LEFT JOIN licences l ON l.id = n.licence_id`

func scanRequest(row pgx.CollectableRow) (Request, error) {
	var q Request
	err := row.Scan(&q.ID, &q.OrgID, &q.GroupID, &q.From, &q.Provider, &q.Starts, &q.Ends, &q.Purpose, &q.Participants,
		&q.ContactName, &q.ContactEmail, &q.ContactPhone, &q.Lang, &q.Status, &q.Reason, &q.CreatedAt, &q.DecidedAt, &q.LoanID, &q.LicenceLabel,
		&q.MeetingMinutes)
	return q, err
}

// Requests lists requests: with a scope only the requester's own (newest first), without one
// (staff) all. Pending ones are listed oldest first: the queue.
func (s *Store) Requests(ctx context.Context, scope *Requester, status string, limit, offset int) ([]Request, int, error) {
	where := `WHERE ($1 = '' OR q.status = $1)`
	args := []any{status}
	if scope != nil {
		where += ` AND (q.org_id = $2 OR q.group_id = $3)`
		args = append(args, scope.OrgID, scope.GroupID)
	}
	order := ` ORDER BY q.created_at DESC, q.id DESC`
	if status == Pending {
		order = ` ORDER BY q.created_at, q.id`
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM licence_requests q `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("licences: requests: %w", err)
	}
	if limit <= 0 { // only the count
		return nil, total, nil
	}
	page := ` LIMIT $` + strconv.Itoa(len(args)+1) + ` OFFSET $` + strconv.Itoa(len(args)+2)
	rows, err := s.db.Query(ctx, `SELECT `+requestColumns+requestJoins+` `+where+order+page, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("licences: requests: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanRequest)
	if err != nil {
		return nil, 0, fmt.Errorf("licences: requests: %w", err)
	}
	return list, total, nil
}

// GetRequest returns one request; with a scope, only the requester's own (else ErrNotFound).
func (s *Store) GetRequest(ctx context.Context, scope *Requester, id int64) (Request, error) {
	return getRequest(ctx, s.db, scope, id)
}

func getRequest(ctx context.Context, db postgres.DBTX, scope *Requester, id int64) (Request, error) {
	where, args := ` WHERE q.id = $1`, []any{id}
	if scope != nil {
		where += ` AND (q.org_id = $2 OR q.group_id = $3)`
		args = append(args, scope.OrgID, scope.GroupID)
	}
	rows, err := db.Query(ctx, `SELECT `+requestColumns+requestJoins+where, args...)
	if err != nil {
		return Request{}, fmt.Errorf("licences: request: %w", err)
	}
	q, err := pgx.CollectExactlyOneRow(rows, scanRequest)
	if err != nil {
		return q, fmt.Errorf("licences: request: %w", postgres.MapError(err))
	}
	return q, nil
}

// Withdraw takes back the requester's own pending request.
func (s *Store) Withdraw(ctx context.Context, who Requester, id int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE licence_requests SET status = 'withdrawn'
		WHERE id = $3 AND status = 'pending' AND (org_id = $1 OR group_id = $2)`, who.OrgID, who.GroupID, id)
	if err != nil {
		return fmt.Errorf("licences: withdraw: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("licences: withdraw: %w", postgres.ErrNotFound)
	}
	return nil
}

// Option is a licence staff may assign to a request: free for the whole period, or busy and
// free again at FreeFrom.
type Option struct {
	Licence
	Free     bool
	FreeFrom *time.Time // when busy: the end of the last loan that overlaps the period
}

// Options lists the active licences of the request's provider that take its participants
// and let its meetings run their length (Unfit lists the others, with why):
// free ones first, those not waiting for a password change before those that are, the
// smallest that fits first (the suggestion is the first), then the busy ones by when they
// free up.
func (s *Store) Options(ctx context.Context, q Request) ([]Option, error) {
	rows, err := s.db.Query(ctx, `SELECT `+licenceColumns+`, b.until
		FROM licences l
		LEFT JOIN LATERAL (SELECT max(upper(n.period)) AS until FROM licence_loans n
			WHERE n.licence_id = l.id AND n.cancelled_at IS NULL AND (n.period && tstzrange($2, $3)
				OR n.returned_at IS NULL AND upper(n.period) <= now())) b ON true
		WHERE l.provider = $1 AND l.status = 'active' AND l.max_participants >= $4 AND (l.max_minutes IS NULL OR l.max_minutes >= $5)
		ORDER BY b.until IS NOT NULL, b.until, l.password_change_due, l.max_participants, l.label LIMIT 100`,
		q.Provider, q.Starts, q.Ends, q.Participants, q.MeetingMinutes)
	if err != nil {
		return nil, fmt.Errorf("licences: options: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Option, error) {
		var o Option
		err := row.Scan(&o.ID, &o.Provider, &o.Label, &o.MaxParticipants, &o.MaxMinutes, &o.AccountLogin, &o.KeyID, &o.Status,
			&o.PasswordChangeDue, &o.Funding, &o.Notes, &o.FreeFrom)
		o.Free = o.FreeFrom == nil
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("licences: options: %w", err)
	}
	return list, nil
}

// Unfit is an active licence of the request's provider that does not fit it, and why.
type Unfit struct {
	Licence
	TooFewSeats bool // takes fewer participants than the request names
	TooShort    bool // cuts meetings before they end (MaxMinutes under the meeting length)
}

// Unfitting lists the active licences of the request's provider that Options leaves out, by
// label, each with what does not fit: staff see why the suggestion is not the small one.
func (s *Store) Unfitting(ctx context.Context, q Request) ([]Unfit, error) {
	rows, err := s.db.Query(ctx, `SELECT `+licenceColumns+`, l.max_participants < $2, coalesce(l.max_minutes < $3, false)
		FROM licences l
		WHERE l.provider = $1 AND l.status = 'active' AND (l.max_participants < $2 OR l.max_minutes < $3)
		ORDER BY l.label LIMIT 100`, q.Provider, q.Participants, q.MeetingMinutes)
	if err != nil {
		return nil, fmt.Errorf("licences: unfitting: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Unfit, error) {
		var u Unfit
		err := row.Scan(&u.ID, &u.Provider, &u.Label, &u.MaxParticipants, &u.MaxMinutes, &u.AccountLogin, &u.KeyID, &u.Status,
			&u.PasswordChangeDue, &u.Funding, &u.Notes, &u.TooFewSeats, &u.TooShort)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("licences: unfitting: %w", err)
	}
	return list, nil
}

// addMonths adds months to a date without spilling into the month after: 31 August and 6
// months is the last day of February.
func addMonths(t time.Time, months int) time.Time {
	first := time.Date(t.Year(), t.Month()+time.Month(months), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1)
	return first.AddDate(0, 0, min(t.Day(), last.Day())-1)
}

// Arrived lists the requests still pending that arrived after since and up to until, oldest
// first, at most limit: what a staff member's daily digest lists.
func (s *Store) Arrived(ctx context.Context, since, until time.Time, limit int) ([]Request, error) {
	rows, err := s.db.Query(ctx, `SELECT `+requestColumns+requestJoins+` WHERE q.status = 'pending' AND q.created_at > $1 AND q.created_at <= $2
		ORDER BY q.created_at, q.id LIMIT $3`, since, until, limit)
	if err != nil {
		return nil, fmt.Errorf("licences: arrived: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanRequest)
	if err != nil {
		return nil, fmt.Errorf("licences: arrived: %w", err)
	}
	return list, nil
}
