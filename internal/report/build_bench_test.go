package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/report"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// benchYear is a busy year on top of the demo, $1 being the year: 500 groups started in it
// with their themes, volunteers and check-ins; 5 000 sign-ups and 20 000 placements'
// waiting times; meetings every hour the house is open in every bookable room (about 20 000);
// 30 licences lent every month; 300 events with 30 people each; a closure every month. SQL:
// tens of thousands of rows in a year gone by, in bulk.
var benchYear = []string{
	`INSERT INTO themes (slug, name_nb, name_en) SELECT 'benk-tema-' || i, 'Benktema ' || i, 'Bench theme ' || i FROM generate_series(1, 40) i`,
	`INSERT INTO groups (slug, name, kind, format, weekday, starts_at, ends_at, published, status, started_on, handover_on, created_at)
	SELECT 'benk-gruppe-' || i, 'Benkgruppe ' || i, (ARRAY['selfhelp', 'conversation', 'coffee'])[1 + i % 3],
		(ARRAY['house', 'digital', 'hybrid'])[1 + i % 3], 1 + i % 7, make_time(9 + i % 12, 0, 0), make_time(10 + i % 12, 30, 0), true,
		(ARRAY['startup', 'selfrunning', 'paused', 'closed'])[1 + i % 4], make_date($1, 1 + i % 12, 1 + i % 28),
		CASE WHEN i % 2 = 0 THEN make_date($1, 1 + i % 12, 1 + i % 28) + 90 END, make_timestamptz($1, 1, 1, 12, 0, 0, 'Europe/Oslo')
	FROM generate_series(1, 500) i`,
	`INSERT INTO group_themes (group_id, theme_id)
	SELECT g.id, t.id FROM groups g JOIN themes t ON t.slug IN ('benk-tema-' || (1 + g.id % 40), 'benk-tema-' || (1 + (g.id + 7) % 40))
	WHERE g.slug LIKE 'benk-gruppe-%'`,
	`INSERT INTO group_status_history (group_id, status, changed_at)
	SELECT g.id, s.status, make_timestamptz($1, (1 + g.id % 12)::int, (1 + g.id % 28)::int, 12, 0, 0, 'Europe/Oslo') + s.after
	FROM groups g, (VALUES ('startup', interval '0 days'), ('closed', interval '200 days')) s (status, after)
	WHERE g.slug LIKE 'benk-gruppe-%' AND (s.status = 'startup' OR g.status = 'closed')`,
	`WITH v AS (INSERT INTO volunteers (name) SELECT 'Benkigangsetter ' || i FROM generate_series(1, 250) i RETURNING id)
	INSERT INTO group_volunteers (group_id, volunteer_id, assigned_at, ended_at)
	SELECT g.id, v.id, make_timestamptz($1, 2, 1, 12, 0, 0, 'Europe/Oslo'), make_timestamptz($1, 8, 1, 12, 0, 0, 'Europe/Oslo')
	FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM v) v
	JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM groups WHERE slug LIKE 'benk-gruppe-%') g ON g.n % 250 = v.n % 250`,
	`INSERT INTO checkins (group_id, months, due_on, done_on, still_meets)
	SELECT g.id, m, make_date($1, (1 + (g.id + m) % 12)::int, 10), make_date($1, (1 + (g.id + m) % 12)::int, 12), g.id % 4 <> 0
	FROM groups g, unnest(ARRAY[3, 6, 12]) m WHERE g.slug LIKE 'benk-gruppe-%'`,
	`WITH p AS (INSERT INTO participants (first_name, email)
		SELECT 'Benk', 'benk' || i || '@example.test' FROM generate_series(1, 5000) i RETURNING id)
	INSERT INTO signups (participant_id, theme_id, consent_version, source, status, waiting_since, created_at)
	SELECT p.id, (SELECT id FROM themes ORDER BY id OFFSET p.id % 12 LIMIT 1), 'v', (ARRAY['friend', 'web', 'nav', 'health'])[1 + p.id % 4],
		(ARRAY['waiting', 'member', 'withdrawn'])[1 + p.id % 3], make_timestamptz($1, (1 + p.id % 12)::int, 5, 12, 0, 0, 'Europe/Oslo'),
		make_timestamptz($1, (1 + p.id % 12)::int, 5, 12, 0, 0, 'Europe/Oslo') FROM p`,
	`INSERT INTO placement_waits (year, theme_id, days, via_offer)
	SELECT $1, (SELECT id FROM themes ORDER BY id OFFSET i % 52 LIMIT 1), i % 300, i % 3 > 0 FROM generate_series(1, 20000) i`,
	`INSERT INTO yearly_counts (year, metric, key, count)
	SELECT $1, m, k, 1000 FROM unnest(ARRAY['signups', 'placed', 'withdrawn', 'offer_accepted', 'offer_declined', 'offer_expired']) m,
		unnest(ARRAY['', 'friend', 'web', 'nav', 'health', 'social', 'org', 'other']) k WHERE m = 'signups' OR k = ''
	ON CONFLICT (year, metric, key) DO UPDATE SET count = yearly_counts.count + 1000`,
	`WITH b AS (INSERT INTO bookings (room_id, title, holder) SELECT id, 'Benkmøter', 'internal' FROM rooms WHERE bookable RETURNING id, room_id),
	slots AS (SELECT (d::date + make_interval(hours => h)) AT TIME ZONE 'Europe/Oslo' AS t
		FROM generate_series(make_date($1, 1, 1), make_date($1, 12, 31), interval '1 day') d, generate_series(8, 21) h)
	INSERT INTO booking_occurrences (booking_id, room_id, during, cancelled_at)
	SELECT b.id, b.room_id, tstzrange(s.t, s.t + interval '50 minutes'), CASE WHEN extract(doy FROM s.t)::int % 17 = 0 THEN s.t END
	FROM b, slots s
	WHERE NOT EXISTS (SELECT 1 FROM booking_occurrences o
		WHERE o.room_id = b.room_id AND o.cancelled_at IS NULL AND o.during && tstzrange(s.t, s.t + interval '50 minutes'))`,
	`INSERT INTO closures (first_day, last_day, reason) SELECT make_date($1, m, 3), make_date($1, m, 4), 'Stengt ' || m FROM generate_series(1, 12) m`,
	`WITH l AS (INSERT INTO licences (provider, label, max_participants, account_login, secret, key_id)
		SELECT (ARRAY['zoom', 'whereby'])[1 + i % 2], 'Benklisens ' || i, 100, 'benk' || i || '@example.test', '\x00'::bytea, '0000beef'
		FROM generate_series(1, 30) i RETURNING id, provider),
	r AS (INSERT INTO licence_requests (org_id, group_id, provider, period, purpose, participants, contact_name, contact_email, status, decided_at, created_at)
		SELECT CASE WHEN m % 2 = 0 THEN (SELECT min(id) FROM orgs) END,
			CASE WHEN m % 2 = 1 THEN (SELECT min(id) + l.id % 400 FROM groups WHERE slug LIKE 'benk-gruppe-%') END, l.provider,
			tstzrange(make_timestamptz($1, m, 1, 0, 0, 0, 'Europe/Oslo'), make_timestamptz($1, m, 25, 0, 0, 0, 'Europe/Oslo')),
			'benk ' || l.id || '-' || m, 10, 'Kontakt', 'k@example.test', 'approved',
			make_timestamptz($1, m, 1, 0, 0, 0, 'Europe/Oslo') - interval '2 days', make_timestamptz($1, m, 1, 0, 0, 0, 'Europe/Oslo') - interval '5 days'
		FROM l, generate_series(1, 12) m RETURNING id, org_id, group_id, purpose, period)
	INSERT INTO licence_loans (licence_id, request_id, org_id, group_id, period, returned_at)
	SELECT split_part(split_part(r.purpose, ' ', 2), '-', 1)::bigint, r.id, r.org_id, r.group_id, r.period, upper(r.period) FROM r`,
	`WITH e AS (INSERT INTO events (kind, title, starts_at, ends_at, format, capacity, published)
		SELECT (ARRAY['intro', 'coffee', 'other'])[1 + i % 3], 'Benkarrangement ' || i, t, t + interval '90 minutes', 'digital', 40, true
		FROM generate_series(1, 300) i, make_timestamptz($1, 1 + i % 12, 1 + i % 28, 12 + i % 6, 0, 0, 'Europe/Oslo') t RETURNING id)
	INSERT INTO event_signups (event_id, first_name, email, status, attended, consent_version)
	SELECT e.id, 'Deltaker', 'd' || n || '-' || e.id || '@example.test', (ARRAY['confirmed', 'confirmed', 'cancelled'])[1 + n % 3],
		CASE WHEN n % 3 <> 2 THEN n % 4 <> 0 END, 'v' FROM e, generate_series(1, 30) n`,
	`VACUUM ANALYZE`,
}

// BenchmarkBuild measures report.Build for last year: on the demo data, then with a busy
// year added (benchYear), so that it measures the report's queries over many rows.
func BenchmarkBuild(b *testing.B) {
	ctx := context.Background()
	db := pgtest.New(b)
	if _, err := demo.Seed(ctx, db); err != nil {
		b.Fatal(err)
	}
	year := time.Now().In(tz.Oslo).Year() - 1
	build := func(b *testing.B) report.Report {
		r, err := report.Build(ctx, db, year, i18n.NB)
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	run := func(b *testing.B) {
		build(b)
		b.ReportAllocs()
		for b.Loop() {
			build(b)
		}
	}
	b.Run("demo", run)
	for i, sql := range benchYear {
		var args []any
		if strings.Contains(sql, "$1") {
			args = append(args, year)
		}
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("bulk statement %d: %v", i, err)
		}
	}
	// The bulk must be in the report, or the benchmark measures empty queries.
	r := build(b)
	for _, id := range []string{"rom", "lisenser", "arrangementer", "grupper-startet", "grupper-aktive", "ventetid"} {
		if t, ok := r.Table(id); !ok || len(t.Rows) == 0 {
			b.Fatalf("table %s is empty with the busy year", id)
		}
	}
	b.Run("busy-year", run)
}
