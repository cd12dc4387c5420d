package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// queryCounter counts every query sent through the pool, whoever sends it: the handler's
// stores, the session store (scs/pgxstore), River's inserts into the job queue, and the
// BEGIN and COMMIT of transactions. Each statement of a batch (pgx.Batch) counts as one, as
// does a COPY: a batch saves round trips, but a batch that grows with the data is still an
// N+1. It keeps the start of each, to show what changed when a count is not the one expected.
type queryCounter struct {
	mu  sync.Mutex
	sql []string
}

func (c *queryCounter) add(sql string) {
	// River's wake-up for its workers after a job is queued is sent at most once per 100 ms
	// (FetchCooldown), so whether a request sends it depends on the clock, not on the page:
	// it is left out of the count.
	if strings.Contains(sql, "PGNotifyMany") {
		return
	}
	q := strings.Join(strings.Fields(sql), " ")
	if len(q) > 90 {
		q = q[:90] + "…"
	}
	c.mu.Lock()
	c.sql = append(c.sql, q)
	c.mu.Unlock()
}

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.add(d.SQL)
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *queryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (c *queryCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	c.add("(batch) " + d.SQL)
}

func (c *queryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (c *queryCounter) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	c.add("COPY " + d.TableName.Sanitize())
	return ctx
}

func (c *queryCounter) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

var _ interface {
	pgx.QueryTracer
	pgx.BatchTracer
	pgx.CopyFromTracer
} = (*queryCounter)(nil)

// take returns the queries since the last take, and forgets them.
func (c *queryCounter) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.sql
	c.sql = nil
	return q
}

// newCountingApp is newTestApp on a pool that counts its queries. As in the other server
// tests, no background worker runs: the River client is never started, and the session
// store's cleanup runs every 30 minutes, long after the test.
func newCountingApp(t *testing.T) (*testApp, *queryCounter) {
	t.Helper()
	c := &queryCounter{}
	a := newTracedApp(t, c)
	a.Server = httptest.NewServer(a.srv.Handler())
	t.Cleanup(a.Close)
	return a, c
}

// newTracedApp is a server on a fresh database whose pool passes every statement to tracer.
// It serves no HTTP until the test starts a server on its handler.
func newTracedApp(t *testing.T, tracer pgx.QueryTracer) *testApp {
	t.Helper()
	env := map[string]string{"DATABASE_URL": "postgres://unused", "APP_ENV": "development", "BASE_URL": "http://selvhjelp.test"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	pcfg, err := pgxpool.ParseConfig(pgtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	pcfg.ConnConfig.Tracer = tracer
	db, err := pgxpool.NewWithConfig(context.Background(), pcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	a := &testApp{db: db, logs: &syncBuffer{}}
	a.srv, err = New(cfg, db, slog.New(slog.NewTextHandler(a.logs, nil)), testOutbox(t, db, cfg.BaseURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.srv.Close)
	return a
}

// countedPage is one request whose number of queries is held fixed.
type countedPage struct {
	name   string // its entry in queryCounts
	status int    // the answer it must get, so that a refused request does not count
	goesTo string // for a redirect: the start of its Location
	staff  bool   // sent with the staff member's session
	// bounded: the answer's size does not grow with the data by design (a calendar of the
	// next 26 meetings), so only its query count is held.
	bounded bool
	// request builds the request of a phase: 0 on the demo data, 1 on the bulk, 2 the warm-up.
	// A request that writes writes something else in each phase.
	request func(phase int) *http.Request
}

// The query counts of the pages, acknowledged: a change here is a change in what a page
// costs, and must be deliberate. Anonymous requests carry no session cookie, so they cost no
// session query; staff requests cost 3 around the handler (load the session, load the user,
// the two-factor setting), and one more to save the session when the handler changed it (a
// flash message) or the last request was more than a minute ago. Every rendered page reads
// the centre's contact details for its footer, and every mail for its own (issue 18): one
// query each here, where no watcher keeps the memo, none from memory in production.
var queryCounts = map[string]int{
	"home":             2,
	"catalogue":        4,
	"catalogue-filter": 4,
	"group":            6, // the closures ahead on its weekday, the centre's address, the next meeting and its room (all memoised when the app runs)
	"signup":           11,
	"dashboard":        11, // + the timetable mismatches, + the matcher's pool for "enough for a new group" (issue 22)
	"call-list":        10,
	"room-week":        7,  // the closures of the week too
	"booking-series":   12, // the standing exceptions too, in the same batch (one round trip)
	"booking-once":     12,
	"feed-room":        3, // the token and name, the meetings, the centre's address
	"feed-group":       3,
	"meeting-guide":    3,  // the groups, their themes, the centre's address
	"group-calendar":   5,  // the group, its themes, the centre, its start day, its bookings
	"annual-report":    22, // + the introduction (in the report and its form) and the outreach log (issue 21)
}

// Must show: no page issues more queries when there is more data (no N+1). Every page is
// measured on the demo data, then again after about ten times as much of everything it
// shows has been added, and both counts must equal the number in queryCounts.
func TestQueryCountDoesNotGrowWithData(t *testing.T) {
	t.Parallel()
	app, counter := newCountingApp(t)
	ctx := context.Background()
	p := app.people(t)
	if _, err := demo.Seed(ctx, app.db); err != nil {
		t.Fatal(err)
	}
	f := app.queryCountFixture(t)
	staff := app.client(t).login(p.staff.Email).sessionCookie()
	pages := f.pages()
	h := app.srv.Handler()
	type measured struct {
		queries []string
		size    int // of the body
	}
	measure := func(phase int) map[string]measured {
		out := map[string]measured{}
		for _, pg := range pages {
			req := pg.request(phase)
			if pg.staff {
				req.AddCookie(&http.Cookie{Name: "session", Value: staff})
			}
			w := httptest.NewRecorder()
			counter.take()
			h.ServeHTTP(w, req)
			out[pg.name] = measured{counter.take(), w.Body.Len()}
			if w.Code != pg.status || !strings.HasPrefix(w.Header().Get("Location"), pg.goesTo) {
				t.Fatalf("%s (phase %d): %s %s = %d to %q, want %d to %q\n%s", pg.name, phase, req.Method, req.URL,
					w.Code, w.Header().Get("Location"), pg.status, pg.goesTo, w.Body.String())
			}
		}
		return out
	}
	// A first pass warms up what happens once in a process: River asks PostgreSQL for its
	// version on its first insert, and keeps it.
	measure(2)
	small := measure(0)
	f.addBulk(t, app.db)
	large := measure(1)
	for _, pg := range pages {
		want, ok := queryCounts[pg.name]
		if !ok {
			t.Errorf("%s: no acknowledged query count", pg.name)
		}
		s, l := small[pg.name], large[pg.name]
		t.Logf("%-17s %2d queries with the demo data, %2d with ten times as much; %7d → %7d bytes", pg.name, len(s.queries), len(l.queries), s.size, l.size)
		if len(s.queries) != want || len(l.queries) != want {
			t.Errorf("%s: %d queries with the demo data, %d with ten times as much, want %d\nwith the demo data:\n\t%s\nwith ten times as much:\n\t%s",
				pg.name, len(s.queries), len(l.queries), want, strings.Join(s.queries, "\n\t"), strings.Join(l.queries, "\n\t"))
		}
		// The bulk must show on the page, or the second measure proves nothing.
		if pg.request(0).Method == http.MethodGet && !pg.bounded && l.size <= s.size {
			t.Errorf("%s: the page did not grow with the data (%d → %d bytes)", pg.name, s.size, l.size)
		}
	}
	if len(queryCounts) != len(pages) {
		t.Errorf("queryCounts has %d entries for %d pages", len(queryCounts), len(pages))
	}
	if logs := app.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("errors in the log:\n%s", logs)
	}
}

// queryCountFixture names what the measured pages show, in the demo data.
type queryCountFixture struct {
	roomID, groupID     int64  // a bookable room with meetings; a group with bookings
	roomFeed, groupFeed string // their calendar feed tokens
	signupGroup         string // slug of a published group that takes members
	reportYear          int
	today               time.Time
}

func (a *testApp) queryCountFixture(t *testing.T) queryCountFixture {
	t.Helper()
	ctx := context.Background()
	f := queryCountFixture{signupGroup: "sorggruppe-onsdag", reportYear: time.Now().In(tz.Oslo).Year() - 1, today: tz.Midnight(time.Now())}
	err := a.db.QueryRow(ctx, `SELECT (SELECT id FROM rooms WHERE name = 'Bjørkerommet' AND bookable),
		(SELECT id FROM groups WHERE slug = 'aa-mote-majorstua')`).Scan(&f.roomID, &f.groupID)
	if err != nil {
		t.Fatal(err)
	}
	// Room for forty more members, so the group still takes sign-ups with the bulk added.
	if _, err := a.db.Exec(ctx, `UPDATE groups SET capacity = 60 WHERE slug = $1`, f.signupGroup); err != nil {
		t.Fatal(err)
	}
	store := rooms.NewStore(a.db, nil)
	if f.roomFeed, err = store.RotateFeed(ctx, rooms.FeedRoom, f.roomID); err != nil {
		t.Fatal(err)
	}
	if f.groupFeed, err = store.RotateFeed(ctx, rooms.FeedGroup, f.groupID); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f queryCountFixture) pages() []countedPage {
	get := func(path string) func(int) *http.Request {
		return func(int) *http.Request { return httptest.NewRequest(http.MethodGet, path, nil) }
	}
	post := func(path string, form func(phase int) url.Values) func(int) *http.Request {
		return func(phase int) *http.Request {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form(phase).Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			return req
		}
	}
	// Each phase books other dates, so that no booking collides with another phase's;
	// the override reason keeps holidays and opening hours out of the measure.
	booking := func(frequency, start, end string, days int) func(int) url.Values {
		return func(phase int) url.Values {
			return url.Values{"title": {"Telling av spørringer"}, "holder": {"group"}, "group": {itoa(f.groupID)},
				"room": {itoa(f.roomID)}, "date": {f.today.AddDate(0, 0, days+100*phase).Format(time.DateOnly)},
				"start": {start}, "end": {end}, "frequency": {frequency}, "count": {"10"}, "override": {"Måling"}}
		}
	}
	return []countedPage{
		{name: "home", status: http.StatusOK, request: get("/")},
		{name: "catalogue", status: http.StatusOK, request: get("/grupper")},
		{name: "catalogue-filter", status: http.StatusOK, request: get("/grupper?tema=sorg&dag=3&format=huset")},
		{name: "group", status: http.StatusOK, request: get("/grupper/" + f.signupGroup)},
		{name: "signup", status: http.StatusSeeOther, goesTo: "/sjekk-epost", request: post("/grupper/"+f.signupGroup+"/meld-pa",
			func(phase int) url.Values { return goodSignup("telling" + strconv.Itoa(phase) + "@example.test") })},
		{name: "dashboard", status: http.StatusOK, staff: true, request: get("/admin")},
		{name: "call-list", status: http.StatusOK, staff: true, request: get("/admin/ringeliste")},
		{name: "room-week", status: http.StatusOK, staff: true, request: get("/admin/rom/" + itoa(f.roomID))},
		{name: "booking-series", status: http.StatusSeeOther, goesTo: "/admin/bookinger/", staff: true,
			request: post("/admin/bookinger/ny", booking(rooms.Weekly, "10:00", "11:00", 400))},
		{name: "booking-once", status: http.StatusSeeOther, goesTo: "/admin/bookinger/", staff: true,
			request: post("/admin/bookinger/ny", booking(rooms.Once, "12:00", "13:00", 470))},
		{name: "feed-room", status: http.StatusOK, request: get("/kalender/" + f.roomFeed + ".ics")},
		{name: "feed-group", status: http.StatusOK, request: get("/kalender/" + f.groupFeed + ".ics")},
		{name: "meeting-guide", status: http.StatusOK, request: get("/api/moter.json")},
		{name: "group-calendar", status: http.StatusOK, bounded: true, request: get("/grupper/" + f.signupGroup + "/kalender.ics")},
		{name: "annual-report", status: http.StatusOK, staff: true, request: get("/admin/rapport/" + strconv.Itoa(f.reportYear))},
	}
}

// addBulk adds about ten times the demo's data of every kind the measured pages show. $1 is
// the report's year; "today" is the date in Oslo.
func (f queryCountFixture) addBulk(t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	for i, sql := range bulkData {
		var args []any
		if strings.Contains(sql, "$1") {
			args = append(args, f.reportYear)
		}
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("bulk statement %d: %v\n%s", i, err, sql)
		}
	}
}

// bulkData is the large data set, in statements that each make many rows. Raw SQL on
// purpose: the stores make rows one at a time and today, not thousands dated in the report's year.
var bulkData = []string{
	// 120 themes (the demo has 12).
	`INSERT INTO themes (slug, name_nb, name_en, description_nb)
	SELECT 'mengde-tema-' || i, 'Mengdetema ' || i, 'Bulk theme ' || i, 'Et tema blant mange.' FROM generate_series(1, 120) i`,
	// 180 published groups (the demo has 18), started in the report's year; every 21st
	// matches the filtered catalogue (Wednesday, in the house, theme sorg).
	`INSERT INTO groups (slug, name, kind, format, weekday, starts_at, ends_at, capacity, published, status, started_on, created_at, description_nb)
	SELECT 'mengde-gruppe-' || i, 'Mengdegruppe ' || i, (ARRAY['selfhelp', 'conversation', 'coffee'])[1 + i % 3],
		(ARRAY['house', 'digital', 'hybrid'])[1 + i % 3], 1 + i % 7, make_time(9 + i % 12, 0, 0), make_time(10 + i % 12, 30, 0),
		8, true, (ARRAY['gathering', 'startup', 'selfrunning'])[1 + i % 3], make_date($1, 1 + i % 12, 1),
		make_timestamptz($1, 1, 1, 12, 0, 0, 'Europe/Oslo'), 'En gruppe blant mange.'
	FROM generate_series(1, 180) i`,
	`INSERT INTO group_themes (group_id, theme_id)
	SELECT g.id, t.id FROM groups g JOIN themes t ON t.slug IN ('sorg', 'mengde-tema-' || (1 + g.id % 120)) WHERE g.slug LIKE 'mengde-gruppe-%'`,
	// 30 more themes on the measured group page.
	`INSERT INTO group_themes (group_id, theme_id)
	SELECT g.id, t.id FROM groups g, themes t WHERE g.slug = 'sorggruppe-onsdag' AND t.slug LIKE 'mengde-tema-%' AND t.id % 4 = 0`,
	// 600 people waiting on the themes (the demo has 60), 100 of them for the measured group.
	`WITH p AS (INSERT INTO participants (first_name, email)
		SELECT 'Mengde', 'mengde' || i || '@example.test' FROM generate_series(1, 600) i RETURNING id)
	INSERT INTO signups (participant_id, theme_id, consent_version, source, waiting_since)
	SELECT p.id, (SELECT id FROM themes ORDER BY id OFFSET p.id % 12 LIMIT 1), 'v', (ARRAY['friend', 'web', 'nav'])[1 + p.id % 3],
		now() - (p.id % 90) * interval '1 day' FROM p`,
	`INSERT INTO signups (participant_id, group_id, consent_version)
	SELECT p.id, g.id, 'v' FROM participants p, groups g
	WHERE p.email LIKE 'mengde%' AND p.id % 6 = 0 AND g.slug = 'sorggruppe-onsdag'`,
	`INSERT INTO offers (signup_id, group_id, token_hash, deadline)
	SELECT s.id, s.group_id, sha256(convert_to('telling-' || s.id, 'UTF8')), now() + interval '3 days'
	FROM signups s WHERE s.group_id IS NOT NULL AND s.status = 'waiting'`,
	// 60 offers waiting for a call (the demo has none): the call list shows a page of them.
	`INSERT INTO offers (signup_id, group_id, token_hash, channel)
	SELECT s.id, g.id, sha256(convert_to('ring-' || s.id, 'UTF8')), 'phone'
	FROM signups s JOIN participants p ON p.id = s.participant_id, groups g
	WHERE p.email LIKE 'mengde%' AND s.theme_id IS NOT NULL AND p.id % 10 = 1 AND g.slug = 'sorggruppe-onsdag'`,
	// Members: 40 in the measured group (capacity 60), about six in each new group.
	`INSERT INTO memberships (group_id, participant_id)
	SELECT g.id, p.id FROM groups g, (SELECT id FROM participants WHERE email LIKE 'mengde%' ORDER BY id LIMIT 40) p
	WHERE g.slug = 'sorggruppe-onsdag'`,
	`INSERT INTO memberships (group_id, participant_id)
	SELECT g.id, p.id FROM groups g JOIN participants p ON p.email LIKE 'mengde%' AND p.id % 100 = g.id % 100
	WHERE g.slug LIKE 'mengde-gruppe-%'`,
	// The groups' lives in the report's year: start-up, volunteers, check-ins (half done, half
	// due now), follow-ups due.
	`INSERT INTO group_status_history (group_id, status, changed_at)
	SELECT id, 'startup', make_timestamptz($1, (1 + id % 12)::int, (1 + id % 28)::int, 12, 0, 0, 'Europe/Oslo') FROM groups WHERE slug LIKE 'mengde-gruppe-%'`,
	`WITH v AS (INSERT INTO volunteers (name) SELECT 'Igangsetter ' || i FROM generate_series(1, 60) i RETURNING id)
	INSERT INTO group_volunteers (group_id, volunteer_id, assigned_at)
	SELECT g.id, v.id, make_timestamptz($1, 3, 1, 12, 0, 0, 'Europe/Oslo')
	FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM v) v
	JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM groups WHERE slug LIKE 'mengde-gruppe-%') g ON g.n = v.n`,
	`INSERT INTO checkins (group_id, months, due_on, done_on, still_meets)
	SELECT g.id, m, CASE WHEN g.id % 2 = 0 THEN make_date($1, (1 + (g.id + m) % 12)::int, 10) ELSE current_date - 1 END,
		CASE WHEN g.id % 2 = 0 THEN make_date($1, (1 + (g.id + m) % 12)::int, 12) END, CASE WHEN g.id % 2 = 0 THEN g.id % 4 <> 0 END
	FROM groups g, unnest(ARRAY[3, 6, 12]) m WHERE g.slug LIKE 'mengde-gruppe-%'`,
	`INSERT INTO follow_ups (group_id, happened_on, kind, next_check_on)
	SELECT id, current_date - 40, 'phone', current_date - 10 FROM groups WHERE slug LIKE 'mengde-gruppe-%'`,
	// Meetings: a booking of the feed's group in every bookable room, two early meetings every
	// day from the report's year to 800 days ahead, and one every 40 minutes from 08:00 (the
	// hours the week grid shows) on each day around this week, where the demo leaves room.
	`WITH b AS (INSERT INTO bookings (room_id, title, holder, group_id, frequency, standing)
		SELECT r.id, 'Mengdebooking ' || r.name, 'group', (SELECT id FROM groups WHERE slug = 'aa-mote-majorstua'), 'weekly', true
		FROM rooms r WHERE r.bookable RETURNING id, room_id),
	today AS (SELECT (now() AT TIME ZONE 'Europe/Oslo')::date AS day),
	slots AS (
		SELECT (d::date + c) AT TIME ZONE 'Europe/Oslo' AS t
		FROM today, generate_series(make_date($1, 1, 1), today.day + 800, interval '1 day') d, unnest(ARRAY[time '06:00', time '06:30']) c
		UNION ALL
		SELECT (d::date + time '08:00' + make_interval(mins => 40 * k)) AT TIME ZONE 'Europe/Oslo'
		FROM today, generate_series(today.day - 7, today.day + 14, interval '1 day') d, generate_series(0, 20) k)
	INSERT INTO booking_occurrences (booking_id, room_id, during)
	SELECT b.id, b.room_id, tstzrange(s.t, s.t + interval '20 minutes') FROM b, slots s
	WHERE NOT EXISTS (SELECT 1 FROM booking_occurrences o
		WHERE o.room_id = b.room_id AND o.cancelled_at IS NULL AND o.during && tstzrange(s.t, s.t + interval '20 minutes'))`,
	`INSERT INTO booking_requests (kind, group_id, reply_to, room_id, title, first_day, starts_at, ends_at)
	SELECT 'slot', g.id, 'kontakt@example.test', r.id, 'Ønske ' || i, current_date + 30 + i, time '12:00', time '13:00'
	FROM generate_series(1, 30) i, (SELECT id FROM groups WHERE slug = 'aa-mote-majorstua') g,
		(SELECT id FROM rooms WHERE bookable ORDER BY id LIMIT 1) r`,
	`INSERT INTO closures (first_day, last_day, reason) SELECT make_date($1, m, 3), make_date($1, m, 4), 'Stengt ' || m FROM generate_series(1, 12) m`,
	// Events: ten today, fifty in the report's year, twenty people each.
	`WITH e AS (INSERT INTO events (kind, title, starts_at, ends_at, format, capacity, published)
		SELECT (ARRAY['intro', 'coffee', 'other'])[1 + i % 3], 'Mengdearrangement ' || i, x.t, x.t + interval '1 hour', 'digital', 40, true
		FROM generate_series(1, 60) i, LATERAL (SELECT CASE WHEN i <= 10
			THEN ((now() AT TIME ZONE 'Europe/Oslo')::date + make_interval(hours => 8 + i)) AT TIME ZONE 'Europe/Oslo'
			ELSE make_timestamptz($1, 1 + i % 12, 1 + i % 28, 12, 0, 0, 'Europe/Oslo') END AS t) x
		RETURNING id)
	INSERT INTO event_signups (event_id, first_name, email, status, attended, consent_version)
	SELECT e.id, 'Deltaker', 'd' || n || '-' || e.id || '@example.test', 'confirmed', n % 2 = 0, 'v' FROM e, generate_series(1, 20) n`,
	// Keys out (the demo has four), some of them overdue.
	`WITH k AS (INSERT INTO keys (label) SELECT 'Mengdenøkkel ' || i FROM generate_series(1, 40) i RETURNING id)
	INSERT INTO key_loans (key_id, holder_name, due_at) SELECT id, 'Nøkkelholder ' || id, current_date - (id % 3)::int FROM k`,
	// Licences lent every month of the report's year (the demo has five licences and one loan).
	`WITH l AS (INSERT INTO licences (provider, label, max_participants, account_login, secret, key_id)
		SELECT (ARRAY['zoom', 'whereby'])[1 + i % 2], 'Mengdelisens ' || i, 100, 'lisens' || i || '@example.test', '\x00'::bytea, '0000beef'
		FROM generate_series(1, 20) i RETURNING id, provider),
	r AS (INSERT INTO licence_requests (org_id, provider, period, purpose, participants, contact_name, contact_email, status, decided_at, created_at)
		SELECT (SELECT min(id) FROM orgs), l.provider,
			tstzrange(make_timestamptz($1, m, 1, 0, 0, 0, 'Europe/Oslo'), make_timestamptz($1, m, 20, 0, 0, 0, 'Europe/Oslo')),
			'bulk ' || l.id || '-' || m, 10, 'Kontakt', 'k@example.test', 'approved',
			make_timestamptz($1, m, 1, 0, 0, 0, 'Europe/Oslo') - interval '2 days', make_timestamptz($1, m, 1, 0, 0, 0, 'Europe/Oslo') - interval '5 days'
		FROM l, generate_series(1, 12) m RETURNING id, purpose, period)
	INSERT INTO licence_loans (licence_id, request_id, org_id, period, returned_at)
	SELECT split_part(split_part(r.purpose, ' ', 2), '-', 1)::bigint, r.id, (SELECT min(id) FROM orgs), r.period,
		CASE WHEN r.id % 5 <> 0 THEN upper(r.period) END FROM r`,
	// The year's anonymous figures.
	`INSERT INTO placement_waits (year, theme_id, days)
	SELECT $1, (SELECT id FROM themes ORDER BY id OFFSET i % 12 LIMIT 1), i % 200 FROM generate_series(1, 2000) i`,
	`INSERT INTO yearly_counts (year, metric, key, count)
	SELECT $1, 'signups', s, 100 FROM unnest(ARRAY['friend', 'health', 'nav', 'web', 'social', 'org', 'other', '']) s
	ON CONFLICT (year, metric, key) DO UPDATE SET count = yearly_counts.count + 100`,
	// Mail not yet delivered.
	`INSERT INTO outbox (kind, to_addr, lang, subject, text_body, html_body, created_at)
	SELECT 'signup', 'x' || n || '@example.test', 'nb', 'Emne', 'tekst', '<p>tekst</p>', now() - interval '1 hour' FROM generate_series(1, 200) n`,
	`ANALYZE`,
}
