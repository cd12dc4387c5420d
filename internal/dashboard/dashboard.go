// Package dashboard gathers what staff see first in the morning: today in the house, the
// waiting list, and everything that waits for someone to act. It runs a fixed number of
// queries, each on an index, whatever the size of the data.
package dashboard

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Counts are the numbers of things that wait for action.
type Counts struct {
	KeysOut          int
	KeysOverdue      int
	LoansOverdue     int
	LicenceRequests  int
	RoomRequests     int
	OffersOpen       int // offers of a place not yet answered
	OffersAnswered   int // answered in the last 7 days
	Calls            int // offers waiting for staff to phone the person (the call list)
	FollowUpsDue     int // groups with a check-in or next check due
	WithoutVolunteer int // groups in start-up without a volunteer
	Undelivered      int // e-mails not sent after 15 minutes
	Waiting          int // sign-ups waiting
}

// Meeting is one meeting in the house today.
type Meeting struct {
	Starts, Ends time.Time
	Room         string
	Title        string
	KeyHolders   string
}

// Event is one of today's events.
type Event struct {
	ID     int64
	Title  string
	Starts time.Time
	Format string
	Taken  int
	Places int
}

// Theme is a theme's waiting list: how many wait and the median wait in days.
type Theme struct {
	ID         int64
	NameNB     string
	NameEN     string
	Waiting    int
	MedianDays float64
	// Ready is whether there is enough for a new group: the matcher proposes one on the
	// theme (matching.Result.NewGroupThemes), not merely whether many wait.
	Ready bool
}

// Dashboard is everything on the page.
type Dashboard struct {
	Today    time.Time
	Counts   Counts
	Meetings []Meeting
	Events   []Event
	Themes   []Theme
}

// Waiting is the waiting list: how many wait in all, and by theme. It changes only with
// sign-ups and themes, so the server keeps it in memory between changes (it is the one part
// of the dashboard that reads every waiting sign-up). Each theme has the median time people
// began waiting, not a number of days, so that it stays true as time passes.
type Waiting struct {
	Total  int
	Themes []ThemeWaiting
}

// ThemeWaiting is one theme's waiting list.
type ThemeWaiting struct {
	ID             int64
	NameNB, NameEN string
	Waiting        int
	MedianSince    time.Time
}

// Queries is how many queries LoadWaiting and Load run together: a test holds it to that,
// with little and much data.
const Queries = 4

// WaitingTables are the tables LoadWaiting reads: a memo of its result is stale when one of
// them changes. Keep it with the query (a test in internal/server runs the query and holds it
// to this list).
func WaitingTables() []string { return []string{"signups", "themes"} }

// LoadWaiting reads the waiting list in one query: the total first (id 0), then the themes
// with the most people waiting.
func LoadWaiting(ctx context.Context, db postgres.DBTX) (Waiting, error) {
	var w Waiting
	rows, err := db.Query(ctx, `SELECT 0, '', '', count(*), now() FROM signups WHERE status = 'waiting'
		UNION ALL (SELECT t.id, t.name_nb, t.name_en, count(*),
			to_timestamp(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.waiting_since)))
		FROM signups s JOIN themes t ON t.id = s.theme_id
		WHERE s.status = 'waiting' GROUP BY t.id ORDER BY count(*) DESC, t.id LIMIT 100)`)
	if err != nil {
		return w, fmt.Errorf("dashboard: waiting: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ThemeWaiting])
	if err != nil {
		return w, fmt.Errorf("dashboard: waiting: %w", err)
	}
	for _, t := range list {
		if t.ID == 0 {
			w.Total = t.Waiting
		} else {
			w.Themes = append(w.Themes, t)
		}
	}
	slices.SortStableFunc(w.Themes, func(a, b ThemeWaiting) int {
		return cmp.Or(cmp.Compare(b.Waiting, a.Waiting), cmp.Compare(a.ID, b.ID))
	})
	return w, nil
}

// Tables are the tables Load reads (not those of the waiting list it is given): a memo of its
// result is stale when one of them changes. Keep it with the queries below (a test in
// internal/server runs them and holds them to this list).
func Tables() []string {
	return []string{"key_loans", "licence_loans", "licence_requests", "booking_requests", "offers", "checkins",
		"follow_ups", "groups", "group_volunteers", "outbox", "booking_occurrences", "bookings", "rooms", "events",
		"event_signups"}
}

// Load gathers the dashboard at now around the waiting list w (from LoadWaiting), flagging
// the themes in ready (matching.Result.NewGroupThemes of the matcher's run) as ready for a
// new group.
func Load(ctx context.Context, db postgres.DBTX, now time.Time, w Waiting, ready []int64) (Dashboard, error) {
	d := Dashboard{Today: tz.Midnight(now)}
	for _, t := range w.Themes {
		d.Themes = append(d.Themes, Theme{ID: t.ID, NameNB: t.NameNB, NameEN: t.NameEN, Waiting: t.Waiting,
			MedianDays: now.Sub(t.MedianSince).Hours() / 24, Ready: slices.Contains(ready, t.ID)})
	}
	tomorrow := d.Today.AddDate(0, 0, 1)
	c := &d.Counts
	c.Waiting = w.Total
	err := db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM key_loans WHERE returned_at IS NULL),
		(SELECT count(*) FROM key_loans WHERE returned_at IS NULL AND due_at < $2::date),
		(SELECT count(*) FROM licence_loans WHERE returned_at IS NULL AND cancelled_at IS NULL AND upper(period) <= $1),
		(SELECT count(*) FROM licence_requests WHERE status = 'pending'),
		(SELECT count(*) FROM booking_requests WHERE status = 'pending'),
		(SELECT count(*) FROM offers WHERE status = 'pending' AND (deadline IS NULL OR deadline > $1)),
		(SELECT count(*) FROM offers WHERE status <> 'pending' AND answered_at > $1 - interval '7 days'),
		(SELECT count(*) FROM offers WHERE status = 'pending' AND deadline IS NULL),
		(SELECT count(*) FROM (
			SELECT group_id FROM checkins WHERE done_on IS NULL AND due_on <= $2::date
			UNION
			SELECT group_id FROM (SELECT DISTINCT ON (group_id) group_id, next_check_on FROM follow_ups
				ORDER BY group_id, happened_on DESC, id DESC) latest WHERE next_check_on <= $2::date) due),
		(SELECT count(*) FROM groups g WHERE g.status = 'startup'
			AND NOT EXISTS (SELECT 1 FROM group_volunteers v WHERE v.group_id = g.id AND v.ended_at IS NULL)),
		(SELECT count(*) FROM outbox WHERE sent_at IS NULL AND created_at < $1 - interval '15 minutes')`,
		now, d.Today.Format(time.DateOnly)).Scan(&c.KeysOut, &c.KeysOverdue, &c.LoansOverdue, &c.LicenceRequests, &c.RoomRequests,
		&c.OffersOpen, &c.OffersAnswered, &c.Calls, &c.FollowUpsDue, &c.WithoutVolunteer, &c.Undelivered)
	if err != nil {
		return d, fmt.Errorf("dashboard: counts: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT lower(o.during), upper(o.during), r.name, b.title,
			coalesce((SELECT string_agg(DISTINCT l.holder_name, ', ') FROM key_loans l
				WHERE l.returned_at IS NULL AND (l.booking_id = b.id OR (b.group_id IS NOT NULL AND l.group_id = b.group_id))), '')
		FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id JOIN rooms r ON r.id = o.room_id
		WHERE o.cancelled_at IS NULL AND lower(o.during) >= $1 AND lower(o.during) < $2
		ORDER BY lower(o.during), r.name LIMIT 200`, d.Today, tomorrow)
	if err != nil {
		return d, fmt.Errorf("dashboard: house: %w", err)
	}
	if d.Meetings, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Meeting]); err != nil {
		return d, fmt.Errorf("dashboard: house: %w", err)
	}
	rows, err = db.Query(ctx, `SELECT e.id, e.title, e.starts_at, e.format,
			(SELECT count(*) FROM event_signups s WHERE s.event_id = e.id AND s.status IN ('confirmed', 'offered')), e.capacity
		FROM events e WHERE e.published AND e.starts_at >= $1 AND e.starts_at < $2 ORDER BY e.starts_at, e.id LIMIT 50`, d.Today, tomorrow)
	if err != nil {
		return d, fmt.Errorf("dashboard: events: %w", err)
	}
	if d.Events, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Event]); err != nil {
		return d, fmt.Errorf("dashboard: events: %w", err)
	}
	return d, nil
}
