package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/outreach"
	bookingrooms "github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// A believable history: last year and this year up to today look like a real centre's in the
// annual report and on the dashboard. The figures come in as the app would have counted or
// stored them as it went (yearly counts, standing bookings, loans, the outreach log); nothing
// about a person is made up beyond the sixty people waiting now.

// houseWeek is the standing week of group meetings in the house: about two dozen groups, on
// weekday evenings and a few mornings, spread over the bookable rooms (index into them,
// largest first).
var houseWeek = []struct {
	weekday    int // 1 Monday … 7 Sunday
	start, end time.Duration
	room       int
}{
	{1, 17 * time.Hour, 18*time.Hour + 30*time.Minute, 0}, {1, 17 * time.Hour, 18*time.Hour + 30*time.Minute, 1},
	{1, 18*time.Hour + 45*time.Minute, 20*time.Hour + 15*time.Minute, 0}, {1, 18*time.Hour + 45*time.Minute, 20*time.Hour + 15*time.Minute, 2},
	{2, 11 * time.Hour, 12*time.Hour + 30*time.Minute, 1}, {2, 17 * time.Hour, 18*time.Hour + 30*time.Minute, 0},
	{2, 17 * time.Hour, 18*time.Hour + 30*time.Minute, 3}, {2, 18*time.Hour + 45*time.Minute, 20*time.Hour + 15*time.Minute, 1},
	{2, 18*time.Hour + 45*time.Minute, 20*time.Hour + 15*time.Minute, 2}, {3, 12 * time.Hour, 13*time.Hour + 30*time.Minute, 2},
	{3, 17 * time.Hour, 18*time.Hour + 30*time.Minute, 0}, {3, 17 * time.Hour, 18*time.Hour + 30*time.Minute, 1},
	{3, 18*time.Hour + 45*time.Minute, 20*time.Hour + 15*time.Minute, 0}, {3, 18*time.Hour + 45*time.Minute, 20*time.Hour + 15*time.Minute, 3},
	{4, 11 * time.Hour, 12*time.Hour + 30*time.Minute, 0}, {4, 17 * time.Hour, 18*time.Hour + 30*time.Minute, 1},
	{4, 17 * time.Hour, 18*time.Hour + 30*time.Minute, 2}, {4, 18*time.Hour + 45*time.Minute, 20*time.Hour + 15*time.Minute, 0},
	{4, 18*time.Hour + 45*time.Minute, 20*time.Hour + 15*time.Minute, 1}, {5, 11 * time.Hour, 12*time.Hour + 30*time.Minute, 1},
	{5, 13 * time.Hour, 14*time.Hour + 30*time.Minute, 0}, {6, 11 * time.Hour, 12*time.Hour + 30*time.Minute, 0},
	{7, 17 * time.Hour, 18*time.Hour + 30*time.Minute, 1},
}

// bookHouseWeek books the house week as standing weekly series from first to until (both local
// midnights), through the booking rules like any booking; a slot a room has taken already is
// left out.
func bookHouseWeek(ctx context.Context, tx pgx.Tx, first, until time.Time) error {
	rows, err := tx.Query(ctx, `SELECT id FROM rooms WHERE bookable ORDER BY capacity DESC, id`)
	if err != nil {
		return err
	}
	roomIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(roomIDs) == 0 || !first.Before(until) {
		return err
	}
	store := bookingrooms.NewStore(tx, nil)
	for i, m := range houseWeek {
		day := first.AddDate(0, 0, (m.weekday-tz.Weekday(first)+7)%7)
		if !day.Before(until) {
			continue
		}
		sr := bookingrooms.Series{First: day, Start: m.start, End: m.end, Frequency: bookingrooms.Weekly, Until: until}
		b := bookingrooms.Booking{RoomID: roomIDs[m.room%len(roomIDs)], Title: fmt.Sprintf("Gruppemøte %d", i+1), Holder: "internal",
			Frequency: bookingrooms.Weekly, Standing: true, OverrideReason: "demo"}
		// Book nests in tx as a savepoint: a refusal (a clash) leaves the transaction usable.
		if _, err := store.Book(ctx, b, sr.Slots(), true); err != nil {
			continue
		}
	}
	return nil
}

// yearShare is how much of this year has passed by now, 0–1.
func yearShare(now time.Time) float64 {
	local := now.In(tz.Oslo)
	start := time.Date(local.Year(), time.January, 1, 0, 0, 0, 0, tz.Oslo)
	return local.Sub(start).Hours() / start.AddDate(1, 0, 0).Sub(start).Hours()
}

// seedThisYear fills this year up to now as the app would have counted it: the people who
// signed up and were placed before the sixty still waiting, the events held, the placements'
// waiting times, and the house week of standing bookings so far. It runs once.
func seedThisYear(ctx context.Context, tx pgx.Tx, now time.Time) error {
	year := now.In(tz.Oslo).Year()
	if seeded, err := counted(ctx, tx, year); err != nil || seeded {
		return err
	}
	if err := addFigures(ctx, tx, year, []figure{
		{"signups", "friend", 58}, {"signups", "health", 47}, {"signups", "web", 66}, {"signups", "nav", 14},
		{"signups", "social", 29}, {"signups", "org", 21}, {"signups", "other", 5}, {"signups", "", 7},
		{"placed", "", 142}, {"withdrawn", "", 25}, {"deleted_by_request", "", 4},
		{"offer_accepted", "", 126}, {"offer_declined", "", 24}, {"offer_expired", "", 8}, {"offer_withdrawn", "", 3},
		{"event_held", "intro", 12}, {"event_confirmed", "intro", 161}, {"event_attended", "intro", 133},
		{"event_held", "coffee", 42}, {"event_confirmed", "coffee", 231}, {"event_attended", "coffee", 184},
	}, yearShare(now)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO placement_waits (year, theme_id, days, via_offer)
		SELECT $1, t.id, 12 + (n * 41 + t.id * 7) % 110, n % 4 > 0
		FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM themes) t, generate_series(1, 12) n
		WHERE n <= 3 + t.rn % 9`, year); err != nil {
		return err
	}
	first := time.Date(year, time.January, 5, 0, 0, 0, 0, tz.Oslo)
	return bookHouseWeek(ctx, tx, first, tz.Midnight(now))
}

// outreachKinds is a month of the centre's outreach: two contact meetings, a talk or a stand,
// and now and then a network meeting or a conference.
var outreachMonth = []struct {
	day      int
	kind     string
	audience string
	reach    int
	every    int // only every n-th month (1: every month)
}{
	{4, "contact_meeting", "Nye deltakere som vil starte i gruppe", 6, 1},
	{18, "contact_meeting", "Nye deltakere som vil starte i gruppe", 5, 1},
	{9, "talk", "Studenter i sosialt arbeid", 35, 2},
	{11, "stand", "Besøkende på bydelens frivillighetsdag", 120, 3},
	{14, "network", "Selvhjelpsnettverket i Oslo", 14, 2},
	{22, "talk", "Ansatte ved et distriktspsykiatrisk senter", 25, 3},
	{25, "conference", "Deltakere på en fagkonferanse om psykisk helse", 200, 6},
}

// seedOutreach logs last year's and this year's outreach work up to now, and writes last
// year's introduction to the report. It runs once.
func seedOutreach(ctx context.Context, tx pgx.Tx, now time.Time) error {
	var any bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outreach)`).Scan(&any); err != nil || any {
		return err
	}
	store := outreach.NewStore(tx)
	today := tz.Midnight(now)
	year := today.Year()
	for y := year - 1; y <= year; y++ {
		for month := time.January; month <= time.December; month++ {
			for _, o := range outreachMonth {
				day := time.Date(y, month, o.day, 0, 0, 0, 0, tz.Oslo)
				if int(month)%o.every != 0 || day.After(today) || month == time.July {
					continue
				}
				f := outreach.Form{HeldOn: day.Format(time.DateOnly), Kind: o.kind, Audience: o.audience,
					Reach: fmt.Sprint(o.reach + int(month)%4), Staff: "Siri Ansatt"}
				if _, err := store.Add(ctx, &f, 0, now); err != nil {
					return fmt.Errorf("outreach: %w", err)
				}
			}
		}
	}
	intro := "Selvhjelpshuset er LINK Oslos digitale og fysiske hus for selvhjelpsgrupper i Oslo. " +
		"I året som gikk møttes om lag to dusin grupper hver uke i Kirkeveien 61, og flere digitalt.\n\n" +
		"Tallene om personer er anonyme: tall under fem vises som «< 5», så ingen kan kjennes igjen."
	return outreach.SetIntro(ctx, tx, year-1, intro, 0)
}

// seedLoanHistory lends the licences through last year and this year up to now, to the
// network's organisations in turns of four to eight weeks with a week or two between, as
// approved requests with their loans.
func seedLoanHistory(ctx context.Context, db *pgxpool.Pool, licenceIDs []int64, now time.Time) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, contact_email FROM orgs WHERE network_member ORDER BY id`)
		if err != nil {
			return err
		}
		type org struct {
			ID    int64
			Email string
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[org])
		if err != nil || len(list) == 0 {
			return err
		}
		today := tz.Midnight(now)
		start := time.Date(today.Year()-1, time.January, 8, 0, 0, 0, 0, tz.Oslo)
		for i, licence := range licenceIDs {
			var provider string
			if err := tx.QueryRow(ctx, `SELECT provider FROM licences WHERE id = $1`, licence).Scan(&provider); err != nil {
				return err
			}
			day := start.AddDate(0, 0, 3*i)
			for n := 0; ; n++ {
				weeks := 4 + (n+i)%5
				end := day.AddDate(0, 0, 7*weeks)
				if !end.Before(today.AddDate(0, 0, -14)) {
					break // the last weeks are left to the loans the demo makes through the app
				}
				o := list[(n+i)%len(list)]
				var request int64
				if err := tx.QueryRow(ctx, `INSERT INTO licence_requests (org_id, provider, period, purpose, participants, contact_name,
						contact_email, status, decided_at, created_at)
					VALUES ($1, $2, tstzrange($3, $4, '[)'), 'Digitale gruppemøter', 12, 'Kontaktperson', $5, 'approved', $6, $6)
					RETURNING id`, o.ID, provider, day, end, o.Email, day.AddDate(0, 0, -5)).Scan(&request); err != nil {
					return fmt.Errorf("loan history: %w", err)
				}
				if _, err := tx.Exec(ctx, `INSERT INTO licence_loans (licence_id, request_id, org_id, period, returned_at, created_at)
					VALUES ($1, $2, $3, tstzrange($4, $5, '[)'), $5, $6)`, licence, request, o.ID, day, end, day.AddDate(0, 0, -5)); err != nil {
					return fmt.Errorf("loan history: %w", err)
				}
				day = end.AddDate(0, 0, 7*(1+(n+i)%2))
			}
		}
		return nil
	})
}
