package demo

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	bookingrooms "github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// seedEvents adds coming intro meetings (one in the house, its room booked) and digital
// coffee meetups, with a few fictional sign-ups. It runs once.
func seedEvents(ctx context.Context, tx pgx.Tx, now time.Time) error {
	var any bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events)`).Scan(&any); err != nil || any {
		return err
	}
	today := tz.Midnight(now)
	// The next Wednesday after a week, 18:00.
	wed := today.AddDate(0, 0, 7+(3-tz.Weekday(today)+7)%7)
	type ev struct {
		kind, title, description, format, link string
		at                                     time.Time
		minutes, capacity                      int
	}
	list := []ev{
		{"intro", "Hva er en selvhjelpsgruppe?", "Et uforpliktende møte der vi forteller hvordan selvhjelpsgrupper fungerer, og du kan stille spørsmål. Du trenger ikke si noe om deg selv.",
			"house", "", wed.Add(18 * time.Hour), 90, 20},
		{"intro", "Introduksjonsmøte på nett", "Det samme introduksjonsmøtet, digitalt. Du kan ha kamera av.",
			"digital", "https://zoom.example/j/demo-intro", wed.AddDate(0, 0, 14).Add(12 * time.Hour), 60, 30},
		{"coffee", "Digitalt kaffetreff", "Uformell prat over en kopp kaffe, hver fra sitt hjem.",
			"digital", "https://whereby.example/demo-kaffe", wed.AddDate(0, 0, 2).Add(10 * time.Hour), 60, 8},
		{"coffee", "Digitalt kaffetreff", "Uformell prat over en kopp kaffe, hver fra sitt hjem.",
			"digital", "https://whereby.example/demo-kaffe", wed.AddDate(0, 0, 9).Add(10 * time.Hour), 60, 8},
	}
	rows, err := tx.Query(ctx, `SELECT id FROM rooms WHERE bookable ORDER BY capacity DESC, id`)
	if err != nil {
		return err
	}
	roomIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for i, e := range list {
		ends := e.at.Add(time.Duration(e.minutes) * time.Minute)
		var room, booking *int64
		if e.format == "house" {
			// The first room free then; a taken one is tried no further.
			for _, roomID := range roomIDs {
				// Book nests in tx as a savepoint: a refusal leaves the transaction usable.
				res, err := bookingrooms.NewStore(tx, nil).Book(ctx, bookingrooms.Booking{RoomID: roomID, Title: e.title, Holder: "internal",
					Frequency: bookingrooms.Once, OverrideReason: "demo", Expected: e.capacity}, []bookingrooms.Slot{{Start: e.at, End: ends}}, false)
				if err != nil {
					continue
				}
				room, booking = &roomID, &res.BookingID
				break
			}
			if room == nil {
				continue // every room is taken then: no house event in the demo
			}
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO events (kind, title, description, starts_at, ends_at, format, meeting_link, room_id, booking_id, capacity, published)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true) RETURNING id`,
			e.kind, e.title, e.description, e.at, ends, e.format, e.link, room, booking, e.capacity).Scan(&id); err != nil {
			return err
		}
		// A few fictional sign-ups; the coffee meetup on the third fills up with a waiting list.
		n := []int{3, 2, 10, 1}[i]
		for j := range n {
			status := "confirmed"
			if j >= e.capacity {
				status = "waiting"
			}
			var sid int64
			if err := tx.QueryRow(ctx, `INSERT INTO event_signups (event_id, first_name, email, status, consent_version)
				VALUES ($1, $2, $3, $4, 'demo') RETURNING id`, id, demoFirstNames[j%len(demoFirstNames)],
				"deltaker"+string(rune('a'+i))+string(rune('a'+j))+"@arrangement.demo.test", status).Scan(&sid); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO event_links (token_hash, signup_id) VALUES ($1, $2)`, tokens.Hash(tokens.New()), sid); err != nil {
				return err
			}
		}
	}
	return nil
}

var demoFirstNames = []string{"Ingrid", "Jonas", "Amina", "Lars", "Sofie", "Ahmed", "Mari", "Ola", "Nora", "Eirik"}
