package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/demo"
)

// refData gives the reference as many bookings as our large data set has occurrences, as its
// own harness does (bench/prep_bookings.sql): 100 000 in each of rooms 1–10 from 2030 on,
// and 20 in room 100 in the week of 2029-06-01 for the list endpoint.
const refData = `
ALTER TABLE bookings DROP CONSTRAINT IF EXISTS bookings_room_id_during_excl;
INSERT INTO bookings (room_id, during, booked_by)
SELECT r, tstzrange(timestamptz '2030-01-01 00:00+00' + (2 * k) * interval '1 hour',
                    timestamptz '2030-01-01 00:00+00' + (2 * k + 1) * interval '1 hour', '[)'), 'seed'
FROM generate_series(1, 10) AS r, generate_series(0, 99999) AS k;
INSERT INTO bookings (room_id, during, booked_by)
SELECT 100, tstzrange(timestamptz '2029-06-01 08:00+00' + k * interval '8 hours',
                      timestamptz '2029-06-01 09:00+00' + k * interval '8 hours', '[)'), 'list-seed'
FROM generate_series(0, 19) AS k;
ALTER TABLE bookings ADD CONSTRAINT bookings_room_id_during_excl EXCLUDE USING gist (room_id WITH =, during WITH &&);`

// refListWeek is the week of the reference's list bookings.
var refListWeek = time.Date(2029, 6, 1, 0, 0, 0, 0, time.UTC)

// resetReference loads the reference's schema and data once, and afterwards only removes the
// bookings and sessions earlier runs added, so every run starts from the same state.
func resetReference(ctx context.Context, db *pgxpool.Pool, dir string) error {
	var seeded bool
	err := db.QueryRow(ctx, `SELECT count(*) = 1000000 FROM bookings WHERE booked_by = 'seed'`).Scan(&seeded)
	if err == nil && seeded {
		_, err = db.Exec(ctx, `DELETE FROM bookings WHERE booked_by NOT IN ('seed', 'list-seed'); TRUNCATE sessions`)
		return vacuum(ctx, db, err)
	}
	schema, err := os.ReadFile(filepath.Join(dir, "schema.sql")) // #nosec G304 -- the reference server's schema, in the directory given by -ref
	if err != nil {
		return err
	}
	if _, err = db.Exec(ctx, string(schema)); err != nil {
		return err
	}
	_, err = db.Exec(ctx, refData)
	return vacuum(ctx, db, err)
}

// vacuum tidies the reference's bookings after the change that went before it (err).
func vacuum(ctx context.Context, db *pgxpool.Pool, err error) error {
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `VACUUM ANALYZE bookings`)
	return err
}

// prepare finds what the pages need in our data set, logs in to both servers as staff and
// makes a calendar feed link.
func prepare(ctx context.Context, ours, ref *pgxpool.Pool, s servers) (*fixture, error) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		return nil, err
	}
	f := &fixture{App: s.App.Base, RefPlain: s.RefPlain.Base, RefSess: s.RefSess.Base, Run: time.Now().Unix()}
	q := func(sql string, dst ...any) error {
		if err := ours.QueryRow(ctx, sql).Scan(dst...); err != nil {
			return fmt.Errorf("%s: %w", sql, err)
		}
		return nil
	}
	// The group and theme with the most sign-ups: the busiest pages of a real catalogue.
	if err := q(`SELECT g.slug FROM groups g WHERE g.published AND g.open ORDER BY g.id LIMIT 1`, &f.GroupSlug); err != nil {
		return nil, err
	}
	if err := q(`SELECT t.slug FROM themes t JOIN group_themes gt ON gt.theme_id = t.id GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 1`, &f.ThemeSlug); err != nil {
		return nil, err
	}
	rows, err := ours.Query(ctx, `SELECT id FROM rooms WHERE bookable ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		f.RoomIDs = append(f.RoomIDs, id)
	}
	if err := rows.Err(); err != nil || len(f.RoomIDs) == 0 {
		return nil, fmt.Errorf("no rooms in our database (is the large data set loaded?): %v", err)
	}
	// The busiest room, in the week now.
	if err := q(`SELECT room_id FROM booking_occurrences GROUP BY room_id ORDER BY count(*) DESC LIMIT 1`, &f.WeekRoom); err != nil {
		return nil, err
	}
	f.Week = time.Now().In(oslo).Format("2006-01-02")
	f.ReportYear = time.Now().In(oslo).Year() - 1
	if err := f.nextFree(ctx, ours, ref, oslo); err != nil {
		return nil, err
	}
	if f.AppCookie, err = loginApp(s.App.Base); err != nil {
		return nil, err
	}
	if f.RefCookie, err = loginRef(s.RefSess.Base); err != nil {
		return nil, err
	}
	f.FeedToken, err = feedToken(s.App.Base, f.AppCookie, f.WeekRoom)
	return f, err
}

// nextFree moves the unique bookings and the race past everything booked so far, so that
// rounds and runs never collide with each other (which would measure conflicts instead).
func (f *fixture) nextFree(ctx context.Context, ours, ref *pgxpool.Pool, oslo *time.Location) error {
	var last, refLast time.Time
	if err := ours.QueryRow(ctx, `SELECT coalesce(max(upper(during)), now()) FROM booking_occurrences`).Scan(&last); err != nil {
		return err
	}
	if err := ref.QueryRow(ctx, `SELECT coalesce(max(upper(during)), now()) FROM bookings`).Scan(&refLast); err != nil {
		return err
	}
	day := func(t time.Time, plus int) time.Time {
		t = t.In(oslo)
		return time.Date(t.Year(), t.Month(), t.Day()+plus, 0, 0, 0, 0, oslo)
	}
	// The race takes the first free years; the unique bookings start after them.
	f.OursRaceDay, f.OursFrom = day(last, 1), day(last, 1+400)
	f.RefRaceDay, f.RefFrom = day(refLast, 1), day(refLast, 1+400)
	return nil
}

var client = newClient(4)

func loginApp(base string) (string, error) {
	form := url.Values{"email": {demo.AdminEmail}, "password": {demo.DemoPassword}}
	resp, err := client.PostForm(base+"/logg-inn", form)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("login as %s: status %d", demo.AdminEmail, resp.StatusCode)
	}
	return cookies(resp), nil
}

func loginRef(base string) (string, error) {
	resp, err := client.Get(base + "/login")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return cookies(resp), nil
}

func cookies(resp *http.Response) string {
	var parts []string
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

var feedLink = regexp.MustCompile(`/kalender/([A-Za-z0-9_-]+)\.ics`)

// feedToken makes a new calendar feed link for the room, as staff do, and reads it off the page.
func feedToken(base, cookie string, room int64) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/admin/rom/%d/kalender", base, room), nil)
	req.Header.Set("Cookie", cookie)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := feedLink.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("no feed link on the page (status %d)", resp.StatusCode)
	}
	return string(m[1]) + ".ics", nil
}
