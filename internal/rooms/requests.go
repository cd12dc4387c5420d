package rooms

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Request kinds and statuses.
const (
	KindSlot   = "slot"
	KindCancel = "cancel"

	Pending   = "pending"
	Approved  = "approved"
	Declined  = "declined"
	Withdrawn = "withdrawn"
)

// Requester is who asks for a room time or a cancellation: a partner organisation's user
// (OrgID, UserID) or a group's contact person (GroupID). Every query a requester makes is
// scoped to their own organisation or group in SQL; a Requester with neither sees nothing.
type Requester struct {
	OrgID   int64
	GroupID int64
	UserID  int64  // the partner user; 0 for a contact person
	ReplyTo string // where the answer is sent
	Lang    string // the language of the answer
}

// owns is the SQL condition "booking b belongs to the requester" ($1 org, $2 group). A
// partner organisation owns its own bookings and those of the groups it runs.
const owns = `(b.org_id = $1 OR b.group_id = $2 OR b.group_id IN (SELECT id FROM groups WHERE org_id = $1))`

// Request is a request as the lists and the decision page show it.
type Request struct {
	ID           int64
	Kind         string
	OrgID        int64
	GroupID      int64
	From         string // the organisation's or the group's name
	ReplyTo      string
	Lang         string
	RoomID       int64
	RoomName     string
	Title        string
	Series       Series // for a slot; for a cancellation, First/Start/End of the meeting
	OccurrenceID int64
	BookingID    int64
	Message      string
	Status       string
	Reason       string
	CreatedAt    time.Time
	DecidedAt    *time.Time
}

// Slots are the meetings a slot request asks for.
func (q Request) Slots() []Slot { return q.Series.Slots() }

// RequestSlot records a request for a room time. The room must be bookable and in use, and
// the first meeting in the future.
func (s *Store) RequestSlot(ctx context.Context, who Requester, roomID int64, title string, sr Series, message string) (int64, error) {
	var until *time.Time
	if sr.Frequency != Once {
		until = &sr.Until
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO booking_requests (kind, org_id, group_id, requested_by, reply_to, lang, room_id, title,
			first_day, starts_at, ends_at, frequency, until_day, message)
		SELECT 'slot', NULLIF($1, 0), NULLIF($2, 0), NULLIF($3, 0), $4, $5, r.id, $7, $8::date, make_interval(secs => $9)::time,
			make_interval(secs => $10)::time, $11, $12::date, $13
		FROM rooms r WHERE r.id = $6 AND r.bookable AND r.retired_at IS NULL RETURNING id`,
		who.OrgID, who.GroupID, who.UserID, who.ReplyTo, who.Lang, roomID, title,
		sr.First.Format(time.DateOnly), sr.Start.Seconds(), sr.End.Seconds(), sr.Frequency, dateOrNil(until), message).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("rooms: request: %w", postgres.MapError(err))
	}
	return id, nil
}

func dateOrNil(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.Format(time.DateOnly)
}

// RequestCancel records a request to cancel one future meeting of the requester's own. A
// meeting that is not theirs, past or already cancelled is ErrNotFound; one already asked
// for is ErrConflict.
func (s *Store) RequestCancel(ctx context.Context, who Requester, occurrenceID int64, message string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO booking_requests (kind, org_id, group_id, requested_by, reply_to, lang, room_id, occurrence_id, message)
		SELECT 'cancel', NULLIF($1, 0), NULLIF($2, 0), NULLIF($3, 0), $4, $5, o.room_id, o.id, $7
		FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
		WHERE o.id = $6 AND o.cancelled_at IS NULL AND lower(o.during) > now() AND `+owns+` RETURNING id`,
		who.OrgID, who.GroupID, who.UserID, who.ReplyTo, who.Lang, occurrenceID, message).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("rooms: cancel request: %w", postgres.MapError(err))
	}
	return id, nil
}

// Withdraw takes back the requester's own pending request.
func (s *Store) Withdraw(ctx context.Context, who Requester, id int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE booking_requests SET status = 'withdrawn'
		WHERE id = $3 AND status = 'pending' AND (org_id = $1 OR group_id = $2)`, who.OrgID, who.GroupID, id)
	if err != nil {
		return fmt.Errorf("rooms: withdraw: %w", postgres.MapError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("rooms: withdraw: %w", postgres.ErrNotFound)
	}
	return nil
}

const requestColumns = `q.id, q.kind, coalesce(q.org_id, 0), coalesce(q.group_id, 0), coalesce(og.name, g.name, ''), q.reply_to, q.lang,
	coalesce(q.room_id, 0), coalesce(r.name, ''), q.title,
	coalesce(q.first_day::timestamp, lower(o.during) AT TIME ZONE 'Europe/Oslo'),
	coalesce(extract(epoch FROM q.starts_at), extract(epoch FROM (lower(o.during) AT TIME ZONE 'Europe/Oslo')::time))::float8,
	coalesce(extract(epoch FROM q.ends_at), extract(epoch FROM (upper(o.during) AT TIME ZONE 'Europe/Oslo')::time))::float8,
	q.frequency, q.until_day::timestamp, coalesce(q.occurrence_id, 0), coalesce(q.booking_id, o.booking_id, 0),
	q.message, q.status, q.decision_reason, q.created_at, q.decided_at`

const requestJoins = ` FROM booking_requests q
	LEFT JOIN orgs og ON og.id = q.org_id
	LEFT JOIN groups g ON g.id = q.group_id
	LEFT JOIN rooms r ON r.id = q.room_id
	LEFT JOIN booking_occurrences o ON o.id = q.occurrence_id`

func scanRequest(row pgx.CollectableRow) (Request, error) {
	var q Request
	var first time.Time
	var until *time.Time
	var start, end float64
	err := row.Scan(&q.ID, &q.Kind, &q.OrgID, &q.GroupID, &q.From, &q.ReplyTo, &q.Lang, &q.RoomID, &q.RoomName, &q.Title,
		&first, &start, &end, &q.Series.Frequency, &until, &q.OccurrenceID, &q.BookingID,
		&q.Message, &q.Status, &q.Reason, &q.CreatedAt, &q.DecidedAt)
	q.Series.First = tz.FromDateColumn(first)
	if until != nil {
		q.Series.Until = tz.FromDateColumn(*until)
	}
	q.Series.Start = time.Duration(start * float64(time.Second))
	q.Series.End = time.Duration(end * float64(time.Second))
	return q, err
}

// Requests lists requests, newest first: with a scope only the requester's own, without one
// (staff) all. status "" lists every status.
func (s *Store) Requests(ctx context.Context, scope *Requester, status string, limit, offset int) ([]Request, int, error) {
	where := `WHERE ($1 = '' OR q.status = $1)`
	args := []any{status}
	if scope != nil {
		where += ` AND (q.org_id = $2 OR q.group_id = $3)`
		args = append(args, scope.OrgID, scope.GroupID)
	}
	order := ` ORDER BY q.created_at DESC, q.id DESC`
	if status == Pending {
		order = ` ORDER BY q.created_at, q.id` // oldest first: they have waited longest
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM booking_requests q `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("rooms: requests: %w", err)
	}
	if limit <= 0 { // only the count
		return nil, total, nil
	}
	page := ` LIMIT $` + strconv.Itoa(len(args)+1) + ` OFFSET $` + strconv.Itoa(len(args)+2)
	rows, err := s.db.Query(ctx, `SELECT `+requestColumns+requestJoins+` `+where+order+page, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("rooms: requests: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanRequest)
	if err != nil {
		return nil, 0, fmt.Errorf("rooms: requests: %w", err)
	}
	return list, total, nil
}

// GetRequest returns one request (staff).
func (s *Store) GetRequest(ctx context.Context, id int64) (Request, error) {
	rows, err := s.db.Query(ctx, `SELECT `+requestColumns+requestJoins+` WHERE q.id = $1`, id)
	if err != nil {
		return Request{}, fmt.Errorf("rooms: request: %w", err)
	}
	q, err := pgx.CollectExactlyOneRow(rows, scanRequest)
	if err != nil {
		return q, fmt.Errorf("rooms: request: %w", postgres.MapError(err))
	}
	return q, nil
}

// Ahead is the meetings of the request that start after now: what approving it would book
// or cancel.
func (q Request) Ahead(now time.Time) []Slot { return ahead(q.Slots(), now) }

// Preview lists what stands in the way of a slot request's meetings still ahead, as booking
// would find it now (staff may override closed hours, so those are listed too).
func (s *Store) Preview(ctx context.Context, q Request, now time.Time) ([]Conflict, error) {
	return conflicts(ctx, s.db, q.RoomID, q.Ahead(now), false)
}

// ErrDecided is returned when a request is no longer pending (decided or withdrawn meanwhile).
var ErrDecided = errors.New("rooms: the request is no longer pending")

// ErrPast is returned when approving a request whose meetings have all begun: there is
// nothing left to book or cancel.
var ErrPast = errors.New("rooms: the request's meetings have passed")

// ahead keeps the slots that start after now.
func ahead(slots []Slot, now time.Time) []Slot {
	out := slots[:0:0]
	for _, sl := range slots {
		if sl.Start.After(now) {
			out = append(out, sl)
		}
	}
	return out
}

// Meeting is one of a requester's meetings, with whether a cancellation is asked for.
type Meeting struct {
	Occurrence
	RoomName    string
	CancelAsked bool
}

// Schedule lists the requester's meetings from from on, cancelled ones included, in time
// order: a group's own schedule, or an organisation's.
func (s *Store) Schedule(ctx context.Context, who Requester, from time.Time, limit, offset int) ([]Meeting, int, error) {
	const base = ` FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id JOIN rooms r ON r.id = o.room_id
		WHERE ` + owns + ` AND upper(o.during) > $3`
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*)`+base, who.OrgID, who.GroupID, from).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("rooms: schedule: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT o.id, o.booking_id, b.title, lower(o.during), upper(o.during), o.cancelled_at IS NOT NULL, r.name,
			EXISTS (SELECT 1 FROM booking_requests q WHERE q.occurrence_id = o.id AND q.status = 'pending')`+base+`
		ORDER BY lower(o.during), o.id LIMIT $4 OFFSET $5`, who.OrgID, who.GroupID, from, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("rooms: schedule: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Meeting, error) {
		var m Meeting
		err := row.Scan(&m.ID, &m.BookingID, &m.Title, &m.Start, &m.End, &m.Cancelled, &m.RoomName, &m.CancelAsked)
		return m, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("rooms: schedule: %w", err)
	}
	return list, total, nil
}

// PurgeRequests deletes answered and withdrawn requests older than months: they hold the
// requester's address and message. Pending ones stay until answered. The bookings made stay.
func (s *Store) PurgeRequests(ctx context.Context, months int) (int64, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM booking_requests WHERE status <> 'pending'
		AND coalesce(decided_at, created_at) < now() - make_interval(months => $1)`, months)
	if err != nil {
		return 0, fmt.Errorf("rooms: purge requests: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Arrived lists the requests still pending that arrived after since and up to until, oldest
// first, at most limit: what a staff member's daily digest lists.
func (s *Store) Arrived(ctx context.Context, since, until time.Time, limit int) ([]Request, error) {
	rows, err := s.db.Query(ctx, `SELECT `+requestColumns+requestJoins+` WHERE q.status = 'pending' AND q.created_at > $1 AND q.created_at <= $2
		ORDER BY q.created_at, q.id LIMIT $3`, since, until, limit)
	if err != nil {
		return nil, fmt.Errorf("rooms: arrived: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanRequest)
	if err != nil {
		return nil, fmt.Errorf("rooms: arrived: %w", err)
	}
	return list, nil
}
