// Package events holds the centre's intro meetings, digital coffee meetups and other events:
// the events, sign-ups with a waiting list in arrival order, a freed place offered to the
// next person, the reminder a day before, and attendance. An event in the house books its
// room through the booking rules (internal/rooms), so it cannot collide with anything.
package events

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Kinds and formats.
const (
	Intro   = "intro"
	Coffee  = "coffee"
	Other   = "other"
	Digital = "digital"
	House   = "house"
)

// Kinds lists the kinds in the order forms show them.
var Kinds = []string{Intro, Coffee, Other}

// Event is one event.
type Event struct {
	ID          int64
	Kind        string
	Title       string
	Description string
	Starts      time.Time
	Ends        time.Time
	Format      string
	MeetingLink string // digital only; shown only to confirmed people
	RoomID      int64
	RoomName    string
	BookingID   int64
	Capacity    int
	Published   bool
	Confirmed   int // places taken (confirmed or offered)
	Waiting     int
	Cancelled   bool // staff cancelled it; those signed up were told
}

// PlacesLeft is how many can still be confirmed.
func (e Event) PlacesLeft() int { return max(e.Capacity-e.Confirmed, 0) }

// Store keeps events and their sign-ups, and sends their mail through its outbox.
type Store struct {
	db  postgres.DBTX
	out *mail.Outbox
}

// NewStore returns a Store on db (a pool or a transaction to join) that queues mail in out.
func NewStore(db postgres.DBTX, out *mail.Outbox) *Store { return &Store{db: db, out: out} }

const eventColumns = `e.id, e.kind, e.title, e.description, e.starts_at, e.ends_at, e.format, e.meeting_link,
	coalesce(e.room_id, 0), coalesce(r.name, ''), coalesce(e.booking_id, 0), e.capacity, e.published,
	(SELECT count(*) FROM event_signups s WHERE s.event_id = e.id AND s.status IN ('confirmed', 'offered')),
	(SELECT count(*) FROM event_signups s WHERE s.event_id = e.id AND s.status = 'waiting'), e.cancelled_at IS NOT NULL`

const eventJoins = ` FROM events e LEFT JOIN rooms r ON r.id = e.room_id`

func scanEvent(row pgx.CollectableRow) (Event, error) {
	var e Event
	err := row.Scan(&e.ID, &e.Kind, &e.Title, &e.Description, &e.Starts, &e.Ends, &e.Format, &e.MeetingLink,
		&e.RoomID, &e.RoomName, &e.BookingID, &e.Capacity, &e.Published, &e.Confirmed, &e.Waiting, &e.Cancelled)
	return e, err
}

// Upcoming lists events that have not ended, soonest first; published only unless all.
func (s *Store) Upcoming(ctx context.Context, now time.Time, all bool, limit, offset int) ([]Event, int, error) {
	where := ` WHERE e.ends_at > $1 AND ($2 OR e.published)`
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM events e`+where, now, all).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("events: list: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+eventColumns+eventJoins+where+` ORDER BY e.starts_at, e.id LIMIT $3 OFFSET $4`, now, all, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("events: list: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, 0, fmt.Errorf("events: list: %w", err)
	}
	return list, total, nil
}

// Get returns an event; published only unless all (an unpublished one is ErrNotFound).
func (s *Store) Get(ctx context.Context, id int64, all bool) (Event, error) {
	return get(ctx, s.db, id, all)
}

func get(ctx context.Context, db postgres.DBTX, id int64, all bool) (Event, error) {
	rows, err := db.Query(ctx, `SELECT `+eventColumns+eventJoins+` WHERE e.id = $1 AND ($2 OR e.published)`, id, all)
	if err != nil {
		return Event{}, fmt.Errorf("events: get: %w", err)
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanEvent)
	if err != nil {
		return e, fmt.Errorf("events: get: %w", postgres.MapError(err))
	}
	return e, nil
}

// Form is the event form as typed.
type Form struct {
	Kind, Title, Description, Date, Start, End, Format, MeetingLink, Capacity string
	RoomID                                                                    int64
	Published                                                                 bool
	Override                                                                  string // staff's reason to book the room when the house is closed
	Notice                                                                    string // staff's line to those told of a new time, place or link
	// CapacityOK: staff saw that the room holds fewer than Capacity and keep the number.
	CapacityOK bool

	starts, ends time.Time
	capacity     int
}

// ParseForm reads the event form.
func ParseForm(v url.Values) Form {
	f := Form{Kind: v.Get("kind"), Title: v.Get("title"), Description: v.Get("description"), Date: v.Get("date"), Start: v.Get("start"),
		End: v.Get("end"), Format: v.Get("format"), MeetingLink: v.Get("meeting_link"), Capacity: v.Get("capacity"),
		Published: v.Get("published") == "on", Override: v.Get("override"), Notice: v.Get("notice"), CapacityOK: v.Get("capacity_ok") == "on"}
	f.RoomID, _ = strconv.ParseInt(v.Get("room"), 10, 64)
	return f
}

// FormOf fills the form from an event.
func FormOf(e Event) Form {
	local, end := e.Starts.In(tz.Oslo), e.Ends.In(tz.Oslo)
	return Form{Kind: e.Kind, Title: e.Title, Description: e.Description, Date: local.Format(time.DateOnly), Start: local.Format("15:04"),
		End: end.Format("15:04"), Format: e.Format, MeetingLink: e.MeetingLink, Capacity: strconv.Itoa(e.Capacity), RoomID: e.RoomID, Published: e.Published}
}

// Validate trims and checks the form; messages are catalogue ids.
func (f *Form) Validate() validate.Errors {
	var e validate.Errors
	for _, s := range []*string{&f.Kind, &f.Title, &f.Description, &f.Date, &f.Start, &f.End, &f.Format, &f.MeetingLink, &f.Capacity, &f.Override, &f.Notice} {
		*s = strings.TrimSpace(*s)
	}
	if f.Kind != Intro && f.Kind != Coffee && f.Kind != Other {
		e.Add("kind", "events.kind.required")
	}
	if e.Required("title", f.Title, "events.title.required") {
		e.MaxLength("title", f.Title, 120, "form.tooLong")
	}
	e.MaxLength("description", f.Description, 4000, "form.tooLong")
	day, err := tz.ParseDate(f.Date)
	if err != nil {
		e.Add("date", "rooms.date.required")
	}
	start, end, times := rooms.ClockRange(&e, "start", f.Start, "end", f.End)
	if err == nil && times {
		f.starts = time.Date(day.Year(), day.Month(), day.Day(), int(start.Hours()), int(start.Minutes())%60, 0, 0, tz.Oslo)
		f.ends = time.Date(day.Year(), day.Month(), day.Day(), int(end.Hours()), int(end.Minutes())%60, 0, 0, tz.Oslo)
		if !f.ends.After(f.starts) {
			// The start fell in the hour skipped when summer time begins and moved an hour on,
			// past the end: keep the event's length.
			f.ends = f.starts.Add(end - start)
		}
	}
	switch f.Format {
	case Digital:
		if f.MeetingLink == "" && f.Published {
			e.Add("meeting_link", "events.link.required")
		}
		if f.MeetingLink != "" {
			if u, err := url.Parse(f.MeetingLink); err != nil || u.Scheme != "https" || u.Host == "" {
				e.Add("meeting_link", "events.link.invalid")
			} else {
				// "HTTPS://…" parses, but the table's check wants the scheme in lower case.
				f.MeetingLink = u.Scheme + f.MeetingLink[len(u.Scheme):]
			}
		}
		f.RoomID = 0
	case House:
		f.MeetingLink = ""
		if f.RoomID <= 0 {
			e.Add("room", "booking.room.required")
		}
	default:
		e.Add("format", "events.format.required")
	}
	f.capacity, err = strconv.Atoi(f.Capacity)
	if err != nil || f.capacity < 1 || f.capacity > 500 {
		e.Add("capacity", "events.capacity.invalid")
	}
	e.MaxLength("override", f.Override, 300, "form.tooLong")
	e.MaxLength("notice", f.Notice, 300, "notice.note.tooLong")
	return e
}

// Save creates (id 0) or updates an event from a validated form and returns its id. An
// event in the house books its room in the same transaction, by the booking rules; a
// collision is *rooms.ErrConflicts. A changed time or room gives up the old booking.
//
// A moved event is reminded of again, and offered places end by its new start; places added
// are offered to those waiting, each told by e-mail in the same transaction. Those with a
// place (or offered one) are told once of a new time, place or meeting link, with f.Notice. Save returns the
// event's id and the offers it made.
func (s *Store) Save(ctx context.Context, id int64, f Form, by int64) (int64, []Offer, error) {
	var slot rooms.Slot
	var offers []Offer
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var old Event
		if id != 0 {
			var err error
			if _, err = tx.Exec(ctx, `SELECT 1 FROM events WHERE id = $1 FOR UPDATE`, id); err != nil {
				return err
			}
			if old, err = get(ctx, tx, id, true); err != nil {
				return err
			}
			if old.Cancelled {
				// Those signed up were told it is cancelled: it cannot come back by an edit.
				var e validate.Errors
				e.Add("published", "events.cancelled.locked")
				return e
			}
		}
		if id == 0 {
			var err error
			id, err = s.create(ctx, tx, f, by, &slot)
			return err
		}
		if err := checkCapacity(ctx, tx, id, old, f); err != nil {
			return err
		}
		bookingID, err := s.rebook(ctx, tx, old, f, by, &slot)
		if err != nil {
			return err
		}
		if err := updateEvent(ctx, tx, id, old, f, bookingID); err != nil {
			return err
		}
		if err := s.tellChange(ctx, tx, old, f.Notice, by); err != nil {
			return err
		}
		offers, err = s.offerFreed(ctx, tx, id, time.Now())
		return err
	})
	var ce *rooms.ErrConflicts
	switch {
	case err == nil, errors.As(err, &ce):
	case errors.Is(postgres.MapError(err), postgres.ErrConflict) && !slot.Start.IsZero():
		err = &rooms.ErrConflicts{Conflicts: []rooms.Conflict{{Slot: slot, Closed: "booking.skipped.one"}}}
	default:
		err = fmt.Errorf("events: save: %w", postgres.MapError(err))
	}
	return id, offers, err
}

// create adds a new event on tx: its room's capacity checked, its room booked by the rules
// (slot is the meeting it tried to book), the row inserted; it returns the new id. Save and
// CreateSeries make every new event through it.
func (s *Store) create(ctx context.Context, tx pgx.Tx, f Form, by int64, slot *rooms.Slot) (int64, error) {
	if err := checkCapacity(ctx, tx, 0, Event{}, f); err != nil {
		return 0, err
	}
	bookingID, err := s.rebook(ctx, tx, Event{}, f, by, slot)
	if err != nil {
		return 0, err
	}
	var id int64
	err = insertEvent(ctx, tx, f, bookingID, by).Scan(&id)
	return id, err
}

// checkCapacity warns (*rooms.ErrOverCapacity) when an event in the house offers more places
// than its room holds, unless staff confirmed it; only when the number or the room changes,
// so an event confirmed once is not asked about again at every edit.
func checkCapacity(ctx context.Context, tx pgx.Tx, id int64, old Event, f Form) error {
	if f.Format != House || id != 0 && old.RoomID == f.RoomID && old.Capacity == f.capacity {
		return nil
	}
	return rooms.NewStore(tx, nil).CheckCapacity(ctx, rooms.Booking{RoomID: f.RoomID, Expected: f.capacity, CapacityConfirmed: f.CapacityOK})
}

// rebook gives up the booking of an event that moved (another time or room, or no longer in
// the house) and books the room of an event in the house that has none, through the rooms
// package on tx; it returns the event's booking (0: none) and sets slot to the meeting it
// tried to book.
func (s *Store) rebook(ctx context.Context, tx pgx.Tx, old Event, f Form, by int64, slot *rooms.Slot) (int64, error) {
	bookingID := old.BookingID
	moved := !old.Starts.Equal(f.starts) || !old.Ends.Equal(f.ends) || old.RoomID != f.RoomID || f.Format != House
	bookings := rooms.NewStore(tx, s.out) // the room and its booking are the rooms package's; on this transaction
	if bookingID != 0 && moved {
		if _, err := bookings.CancelBooking(ctx, bookingID, "event moved"); err != nil {
			return 0, err
		}
		bookingID = 0
	}
	if f.Format == House && bookingID == 0 {
		*slot = rooms.Slot{Start: f.starts, End: f.ends}
		res, err := bookings.Book(ctx, rooms.Booking{RoomID: f.RoomID, Title: f.Title, Holder: "internal", Frequency: rooms.Once,
			OverrideReason: f.Override, CreatedBy: by}, []rooms.Slot{*slot}, false)
		if err != nil {
			return 0, err
		}
		bookingID = res.BookingID
	}
	return bookingID, nil
}

// nullable is id as a column value: NULL for 0.
func nullable(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// insertEvent adds the event; the row it returns holds the new id.
func insertEvent(ctx context.Context, tx pgx.Tx, f Form, bookingID, by int64) pgx.Row {
	return tx.QueryRow(ctx, `INSERT INTO events (kind, title, description, starts_at, ends_at, format, meeting_link, room_id, booking_id,
		capacity, published, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULLIF($12, 0)) RETURNING id`,
		f.Kind, f.Title, f.Description, f.starts, f.ends, f.Format, f.MeetingLink, nullable(f.RoomID), nullable(bookingID), f.capacity, f.Published, by)
}

// updateEvent changes the event; a new start time means a new reminder, and a place offered
// must be answered by the new start.
func updateEvent(ctx context.Context, tx pgx.Tx, id int64, old Event, f Form, bookingID int64) error {
	if _, err := tx.Exec(ctx, `UPDATE events SET kind = $2, title = $3, description = $4, starts_at = $5, ends_at = $6, format = $7,
		meeting_link = $8, room_id = $9, booking_id = $10, capacity = $11, published = $12, updated_at = now() WHERE id = $1`,
		id, f.Kind, f.Title, f.Description, f.starts, f.ends, f.Format, f.MeetingLink, nullable(f.RoomID), nullable(bookingID), f.capacity, f.Published); err != nil {
		return err
	}
	if old.Starts.Equal(f.starts) {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE event_signups SET reminded_at = NULL,
		offer_deadline = CASE WHEN status = 'offered' THEN least(offer_deadline, $2) END WHERE event_id = $1`, id, f.starts)
	return err
}
