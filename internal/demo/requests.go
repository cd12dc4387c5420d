package demo

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	bookingrooms "github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// contactNames are fictional contact persons for the first groups with a standing booking.
var contactNames = []struct{ name, email string }{
	{"Hilde Eksempel", "hilde@kontakt.demo.test"},
	{"Omar Eksempel", "omar@kontakt.demo.test"},
	{"Siv Eksempel", "siv@kontakt.demo.test"},
}

// seedRequests gives the house a Christmas closure, a few groups a contact person, and staff
// something to answer: a partner's request for a room time and a contact person's request to
// cancel a meeting. It runs once: a database with requests is left alone.
func seedRequests(ctx context.Context, tx pgx.Tx, now time.Time) error {
	store := bookingrooms.NewStore(tx, nil)
	var any bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM booking_requests)`).Scan(&any); err != nil || any {
		return err
	}
	today := tz.Midnight(now)
	year := today.Year()
	if today.Month() == time.January && today.Day() <= 2 {
		year--
	}
	if err := seedChristmas(ctx, store, year); err != nil {
		return err
	}
	if err := seedExceptions(ctx, tx, store); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT group_id FROM bookings WHERE group_id IS NOT NULL ORDER BY group_id LIMIT $1`, len(contactNames))
	if err != nil {
		return err
	}
	groupIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for i, g := range groupIDs {
		c := contactNames[i]
		if err := store.SetContact(ctx, bookingrooms.Contact{GroupID: g, Name: c.name, Email: c.email}); err != nil {
			return err
		}
	}
	if len(groupIDs) > 0 {
		var occ int64
		err := tx.QueryRow(ctx, `SELECT o.id FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
			WHERE b.group_id = $1 AND o.cancelled_at IS NULL AND lower(o.during) > $2 ORDER BY lower(o.during) OFFSET 2 LIMIT 1`,
			groupIDs[0], now).Scan(&occ)
		if err == nil {
			who := bookingrooms.Requester{GroupID: groupIDs[0], ReplyTo: contactNames[0].email, Lang: "nb"}
			if _, err := store.RequestCancel(ctx, who, occ, "Flere er bortreist denne uka."); err != nil {
				return err
			}
		} else if err != pgx.ErrNoRows {
			return err
		}
	}
	var orgID, userID int64
	err = tx.QueryRow(ctx, `SELECT org_id, id FROM users WHERE email = 'per@angstringen.demo.test'`).Scan(&orgID, &userID)
	if err == pgx.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	var roomID int64
	if err := tx.QueryRow(ctx, `SELECT id FROM rooms WHERE bookable ORDER BY capacity DESC, id LIMIT 1`).Scan(&roomID); err != nil {
		return err
	}
	first := today.AddDate(0, 0, 14+(4-tz.Weekday(today)+7)%7) // a Thursday in two or three weeks
	sr := bookingrooms.Series{First: first, Start: 17 * time.Hour, End: 19 * time.Hour, Frequency: bookingrooms.Weekly, Until: first.AddDate(0, 0, 35)}
	who := bookingrooms.Requester{OrgID: orgID, UserID: userID, ReplyTo: "per@angstringen.demo.test", Lang: "nb"}
	_, err = store.RequestSlot(ctx, who, roomID, "Åpent medlemsmøte", sr, "Vi regner med 15–20 personer.")
	return err
}

// seedChristmas closes the house from 22 December of year to 2 January, unless a closure
// begins on that day already.
func seedChristmas(ctx context.Context, store *bookingrooms.Store, year int) error {
	first := time.Date(year, time.December, 22, 0, 0, 0, 0, tz.Oslo)
	list, _, err := store.Closures(ctx, first, 100, 0)
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.First.Equal(first) {
			return nil
		}
	}
	_, err = store.AddClosure(ctx, bookingrooms.Closure{First: first, Last: time.Date(year+1, time.January, 2, 0, 0, 0, 0, tz.Oslo), Reason: "Juleferie"})
	return err
}

// seedExceptions gives each group in the house that meets on a day the house is closed (the
// Sunday meetings) a standing exception for its time, as staff would.
func seedExceptions(ctx context.Context, tx pgx.Tx, store *bookingrooms.Store) error {
	rows, err := tx.Query(ctx, `SELECT g.id, g.weekday, extract(epoch FROM g.starts_at)::int, extract(epoch FROM g.ends_at)::int
		FROM groups g WHERE g.format IN ('house', 'hybrid') AND NOT EXISTS (SELECT 1 FROM opening_hours h WHERE h.weekday = g.weekday)
		ORDER BY g.id`)
	if err != nil {
		return err
	}
	type sunday struct{ ID, Weekday, Starts, Ends int64 }
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[sunday])
	if err != nil {
		return err
	}
	for _, g := range list {
		x := bookingrooms.Exception{Weekday: int(g.Weekday), Opens: time.Duration(g.Starts) * time.Second,
			Closes: time.Duration(g.Ends) * time.Second, GroupID: g.ID, Note: "Fast møte på en dag huset ellers er stengt"}
		if _, err := store.AddException(ctx, x); err != nil {
			return err
		}
	}
	return nil
}
