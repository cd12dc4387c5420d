package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// largeOptions is a hundredth of the large data set for db, built around a fixed day.
func largeOptions(t *testing.T, db *pgxpool.Pool) demo.LargeOptions {
	ring, err := secrets.NewKeyring("licence", []byte("demo test secret key, 32 bytes!!"))
	if err != nil {
		t.Fatal(err)
	}
	return demo.LargeOptions{Seed: 7, Scale: 0.01, Keyring: ring, Outbox: mailtest.Outbox(t, db), Now: time.Date(2026, 11, 18, 15, 0, 0, 0, tz.Oslo)}
}

// On an empty database the large set brings the demo data, holds what its scale asks for,
// and refuses to load twice.
func TestSeedLargeScalesAndRefusesTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	opts := largeOptions(t, db)
	res, err := demo.SeedLarge(ctx, db, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.DemoSeeded || res.Groups != 20 || res.Participants != 1_000 || res.Occurrences != 10_000 ||
		res.LicenceLoans != 200 || res.Licences != 2 || res.Events != 50 || res.Orgs != 10 {
		t.Errorf("a hundredth of the set: %+v", res)
	}
	if res.Signups < res.Participants || res.Memberships == 0 || res.EventSignups == 0 || res.YearlyCounts == 0 || res.PlacementWaits == 0 {
		t.Errorf("missing parts: %+v", res)
	}
	for sql, want := range map[string]int{
		`SELECT count(*) FROM groups WHERE slug ~ '-[0-9]{4}$'`:                                                  20,
		`SELECT count(*) FROM booking_occurrences o JOIN rooms r ON r.id = o.room_id WHERE r.name LIKE 'Rom L%'`: 10_000,
		`SELECT count(*) FROM licence_loans n JOIN licences l ON l.id = n.licence_id WHERE l.label LIKE '% L__'`: 200,
		`SELECT count(*) FROM users WHERE email = '` + demo.AdminEmail + `'`:                                     1,
		// Every status a sign-up of a person can have, the report's figures for nine past years.
		`SELECT count(DISTINCT status) FROM signups WHERE status <> 'offered'`:                    4,
		`SELECT count(DISTINCT year) FROM yearly_counts WHERE metric = 'signups' AND year < 2026`: 9,
		`SELECT count(DISTINCT year) FROM placement_waits WHERE year < 2026`:                      9,
		// No group has more members than places.
		`SELECT count(*) FROM groups g WHERE (SELECT count(*) FROM memberships m WHERE m.group_id = g.id AND m.left_at IS NULL) > g.capacity`: 0,
	} {
		var n int
		if err := db.QueryRow(ctx, sql).Scan(&n); err != nil || n != want {
			t.Errorf("%s = %d, %v; want %d", sql, n, err, want)
		}
	}
	var id int64
	if err := db.QueryRow(ctx, `SELECT id FROM licences WHERE label = 'Zoom L01' OR label = 'Whereby L01'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if secret, err := licences.NewStore(db, opts.Keyring, opts.Outbox).RevealForStaff(ctx, id, audit.Actor{Label: "test"}); err != nil || secret == "" {
		t.Errorf("the first licence's password: %q %v", secret, err)
	}
	if _, err := demo.SeedLarge(ctx, db, opts); !errors.Is(err, demo.ErrLargePresent) {
		t.Errorf("a second load: %v; want ErrLargePresent", err)
	}
}

// The same seed gives the same rows in two databases; on a database with the demo data the
// set is added beside it.
func TestSeedLargeIsDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := pgtest.New(t), pgtest.New(t)
	for _, db := range []*pgxpool.Pool{a, b} {
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		res, err := demo.SeedLarge(ctx, db, largeOptions(t, db))
		if err != nil {
			t.Fatal(err)
		}
		if res.DemoSeeded || res.Occurrences != 10_000 {
			t.Errorf("beside the demo data: %+v", res)
		}
	}
	for _, sql := range []string{
		`SELECT g::text FROM groups g WHERE slug ~ '-[0-9]{4}$' ORDER BY id`,
		`SELECT s::text FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email LIKE '%@stor.deltaker.demo.test' OR (p.email IS NULL AND p.phone !~ '^\+4700000') ORDER BY s.id`,
		`SELECT (o.booking_id, o.room_id, o.during, o.cancelled_at, o.cancel_reason)::text FROM booking_occurrences o
			JOIN rooms r ON r.id = o.room_id WHERE r.name LIKE 'Rom L%' ORDER BY lower(o.during), o.room_id`,
		`SELECT n::text FROM licence_loans n JOIN licences l ON l.id = n.licence_id WHERE l.label LIKE '% L__' ORDER BY n.id`,
		`SELECT e::text FROM events e WHERE e.meeting_link LIKE '%stor%' OR e.room_id IN (SELECT id FROM rooms WHERE name LIKE 'Rom L%') ORDER BY e.id`,
		`SELECT c::text FROM yearly_counts c ORDER BY year, metric, key`,
	} {
		if ha, hb := digest(t, a, sql), digest(t, b, sql); ha != hb {
			t.Errorf("two loads with one seed differ in %s", sql)
		}
	}
	// Another seed gives another set.
	c := pgtest.New(t)
	other := largeOptions(t, c)
	other.Seed = 8
	if _, err := demo.SeedLarge(ctx, c, other); err != nil {
		t.Fatal(err)
	}
	const groups = `SELECT g::text FROM groups g WHERE slug ~ '-[0-9]{4}$' ORDER BY id`
	if digest(t, a, groups) == digest(t, c, groups) {
		t.Error("seeds 7 and 8 gave the same groups")
	}
}

// digest is the MD5 of the rows of query (one column, text), in its order.
func digest(t *testing.T, db *pgxpool.Pool, query string) string {
	t.Helper()
	var sum *string
	if err := db.QueryRow(context.Background(), `SELECT md5(nullif(array_to_string(ARRAY(`+query+`), E'\n'), ''))`).Scan(&sum); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	if sum == nil {
		t.Fatalf("%s: no rows", query)
	}
	return *sum
}
