package dashboard_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/dashboard"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// counter counts the queries a pool sends.
type counter struct{ n atomic.Int64 }

func (c *counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func tracedPool(t *testing.T, url string, c *counter) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = c
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Must show: the dashboard's number of queries does not grow with the data (the demo data,
// then ten times as many sign-ups, meetings, keys out and e-mails).
func TestQueriesDoNotGrowWithData(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewURL(t)
	var c counter
	db := tracedPool(t, url, &c)
	if _, err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c.n.Store(0)
	small, err := load(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.n.Load(); got != dashboard.Queries {
		t.Errorf("%d queries with the demo data, want %d", got, dashboard.Queries)
	}
	for _, sql := range []string{
		`WITH p AS (INSERT INTO participants (first_name, email)
				SELECT 'Kopi', 'kopi' || s.id || '-' || n || '@example.test' FROM signups s, generate_series(1, 9) n
				WHERE s.status = 'waiting' AND s.theme_id IS NOT NULL AND s.group_id IS NULL RETURNING id, email)
			INSERT INTO signups (participant_id, theme_id, consent_version, waiting_since)
			SELECT p.id, s.theme_id, 'v', s.waiting_since FROM p JOIN signups s ON p.email LIKE 'kopi' || s.id || '-%'`,
		`INSERT INTO outbox (kind, to_addr, lang, subject, text_body, html_body, created_at)
			SELECT 'signup', 'x' || n || '@example.test', 'nb', 'Emne', 'tekst', '<p>tekst</p>', now() - interval '1 hour' FROM generate_series(1, 50) n`,
	} {
		if _, err := db.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	c.n.Store(0)
	large, err := load(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.n.Load(); got != dashboard.Queries {
		t.Errorf("%d queries with ten times the data, want %d", got, dashboard.Queries)
	}
	if large.Counts.Waiting < 5*small.Counts.Waiting || large.Counts.Undelivered != small.Counts.Undelivered+50 {
		t.Errorf("counts did not follow the data: waiting %d → %d, undelivered %d → %d",
			small.Counts.Waiting, large.Counts.Waiting, small.Counts.Undelivered, large.Counts.Undelivered)
	}
	if len(small.Themes) == 0 || small.Counts.RoomRequests != 2 || small.Counts.KeysOut == 0 {
		t.Errorf("the demo's dashboard: %+v, %d themes", small.Counts, len(small.Themes))
	}
}

// The numbers are what the data says.
func TestCounts(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	now := time.Now()
	var theme, group, participant int64
	db.QueryRow(ctx, `INSERT INTO themes (slug, name_nb, name_en) VALUES ('sorg', 'Sorg', 'Grief') RETURNING id`).Scan(&theme)
	db.QueryRow(ctx, `INSERT INTO groups (slug, name, kind, format, weekday, starts_at, ends_at, status) VALUES ('g', 'G', 'selfhelp', 'house', 2, '18:00', '19:30', 'startup') RETURNING id`).Scan(&group)
	db.QueryRow(ctx, `INSERT INTO participants (first_name, email) VALUES ('Kari', 'k@example.test') RETURNING id`).Scan(&participant)
	for _, days := range []int{2, 4, 10, 30} {
		if _, err := db.Exec(ctx, `INSERT INTO signups (participant_id, theme_id, consent_version, waiting_since)
			VALUES ($1, $2, 'v', now() - make_interval(days => $3))`, participant, theme, days); err != nil {
			// one active sign-up per person and theme: use new people
			var p int64
			db.QueryRow(ctx, `INSERT INTO participants (first_name, email) VALUES ('P', $1) RETURNING id`, "p"+string(rune('a'+days))+"@example.test").Scan(&p)
			if _, err := db.Exec(ctx, `INSERT INTO signups (participant_id, theme_id, consent_version, waiting_since)
				VALUES ($1, $2, 'v', now() - make_interval(days => $3))`, p, theme, days); err != nil {
				t.Fatal(err)
			}
		}
	}
	db.Exec(ctx, `INSERT INTO checkins (group_id, months, due_on) VALUES ($1, 3, current_date - 1)`, group)
	d, err := load(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Themes) != 1 || d.Themes[0].Waiting != 4 || d.Themes[0].MedianDays < 6.9 || d.Themes[0].MedianDays > 7.1 || !d.Themes[0].Ready() {
		t.Errorf("themes: %+v (want 4 waiting, median 7 days)", d.Themes)
	}
	if d.Counts.FollowUpsDue != 1 || d.Counts.WithoutVolunteer != 1 || d.Counts.Waiting != 4 {
		t.Errorf("counts: %+v", d.Counts)
	}
}

// load is the dashboard as the server makes it: the waiting list, then the rest.
func load(ctx context.Context, db postgres.DBTX, now time.Time) (dashboard.Dashboard, error) {
	w, err := dashboard.LoadWaiting(ctx, db)
	if err != nil {
		return dashboard.Dashboard{}, err
	}
	return dashboard.Load(ctx, db, now, w)
}
