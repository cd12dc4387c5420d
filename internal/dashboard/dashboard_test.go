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
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
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
	t.Parallel()
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
	// SQL: ten times the data in one statement each, not a use case per row.
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
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	now := time.Now()
	b := fixture.New(t, db)
	theme := b.Theme("Sorg")
	group := b.Group(fixture.InThemes(theme.ID), fixture.Status(groups.StatusStartup))
	for _, days := range []int{2, 4, 10, 30} {
		r := b.SignUp(signups.Target{ThemeID: theme.ID})
		// SQL: a sign-up waits from the moment it is made; these have waited some days.
		if _, err := db.Exec(ctx, `UPDATE signups SET waiting_since = now() - make_interval(days => $2) WHERE id = $1`,
			r.SignupID, days); err != nil {
			t.Fatal(err)
		}
	}
	// Started four months ago: the check-in after three months is due.
	today := volunteers.Today(now)
	if err := volunteers.NewStore(db).SetStartedOn(ctx, group.ID, today.AddDate(0, -4, 0).Format(time.DateOnly), today); err != nil {
		t.Fatal(err)
	}
	// Ready is what the matcher says, given: the same numbers are ready or not as it says.
	w, err := dashboard.LoadWaiting(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dashboard.Load(ctx, db, now, w, []int64{theme.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Themes) != 1 || d.Themes[0].Waiting != 4 || d.Themes[0].MedianDays < 6.9 || d.Themes[0].MedianDays > 7.1 || !d.Themes[0].Ready {
		t.Errorf("themes: %+v (want 4 waiting, median 7 days, ready)", d.Themes)
	}
	if notReady, err := dashboard.Load(ctx, db, now, w, []int64{theme.ID + 1}); err != nil || notReady.Themes[0].Ready {
		t.Errorf("a theme the matcher proposes nothing for is ready: %+v, %v", notReady.Themes, err)
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
	return dashboard.Load(ctx, db, now, w, nil)
}
