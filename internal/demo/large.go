package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// ErrLargePresent is returned by SeedLarge when the database already holds the large data
// set: a second load would double it.
var ErrLargePresent = errors.New("demo: the large data set is already in this database (room " + largeMarkerRoom + " exists); load it into a fresh database")

// largeMarkerRoom is the first extra room of the large data set; its presence marks the set.
const largeMarkerRoom = "Rom L01"

// LargeOptions chooses the large data set. The same Seed, Scale and day of Now give the same
// rows (apart from the licence passwords, which are sealed with a random nonce).
type LargeOptions struct {
	Seed    uint64           // picks the data
	Scale   float64          // 1 is the full size; 0 counts as 1
	Keyring *secrets.Keyring // seals the licence passwords; required
	Outbox  *mail.Outbox     // queues the answer to the demo's licence request; required
	Now     time.Time        // the day the data is built around; zero: today
	Log     io.Writer        // progress lines; nil: none
}

// LargeResult counts what SeedLarge added.
type LargeResult struct {
	DemoSeeded     bool // the database was empty, so the normal demo data came first
	Rooms          int
	Orgs           int
	Groups         int
	GroupThemes    int
	Participants   int
	Signups        int
	Memberships    int
	Bookings       int
	Occurrences    int
	Licences       int
	LicenceLoans   int
	Events         int
	EventSignups   int
	YearlyCounts   int
	PlacementWaits int
	Elapsed        time.Duration
}

// String renders the counts for the command line.
func (r LargeResult) String() string {
	first := ""
	if r.DemoSeeded {
		first = "the demo data, then "
	}
	return fmt.Sprintf("%s%d room(s), %d organisation(s), %d group(s) with %d theme link(s), %d participant(s) with %d sign-up(s) "+
		"and %d membership(s), %d booking(s) with %d occurrence(s), %d licence(s) with %d loan(s), %d event(s) with %d sign-up(s), "+
		"%d yearly count(s) and %d placement wait(s) added in %s",
		first, r.Rooms, r.Orgs, r.Groups, r.GroupThemes, r.Participants, r.Signups, r.Memberships, r.Bookings, r.Occurrences,
		r.Licences, r.LicenceLoans, r.Events, r.EventSignups, r.YearlyCounts, r.PlacementWaits, r.Elapsed.Round(time.Millisecond))
}

// Full-size targets of the large data set.
const (
	largeGroups       = 2_000
	largeParticipants = 100_000
	largeOccurrences  = 1_000_000
	largeLoans        = 20_000
	largeLicences     = 60
	largeOrgs         = 200
	largeEvents       = 5_000
)

// SeedLarge adds a big, fictional data set for performance runs: groups, participants and
// their sign-ups, ten years of room bookings, licence loans, events and the report's yearly
// figures, with the bulk tables loaded by COPY in one transaction. An empty database first
// gets the normal demo data (so an admin exists). A database that already holds the large
// set is refused with ErrLargePresent. The statistics are refreshed (ANALYZE) at the end.
func SeedLarge(ctx context.Context, db *pgxpool.Pool, opts LargeOptions) (LargeResult, error) {
	began := time.Now()
	var res LargeResult
	if opts.Keyring == nil || opts.Outbox == nil {
		return res, errors.New("demo: the large data set needs a keyring to seal the licence passwords and an outbox")
	}
	if opts.Scale == 0 {
		opts.Scale = 1
	}
	if opts.Scale < 0 || math.IsNaN(opts.Scale) || opts.Scale > 100 {
		return res, fmt.Errorf("demo: scale %v is not between 0 and 100", opts.Scale)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if err := seedDemoIfEmpty(ctx, db, opts, &res); err != nil {
		return res, err
	}
	g := newLarge(opts, &res, began)
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		g.tx = tx
		return g.run(ctx)
	})
	if err != nil {
		if errors.Is(err, ErrLargePresent) {
			return res, err
		}
		return res, fmt.Errorf("demo: large: %w", err)
	}
	g.step("committed")
	if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
		return res, fmt.Errorf("demo: large: analyze: %w", err)
	}
	g.step("analysed")
	res.Elapsed = time.Since(began)
	return res, nil
}

// seedDemoIfEmpty runs the normal demo seed (and its licences) on an empty database.
func seedDemoIfEmpty(ctx context.Context, db *pgxpool.Pool, opts LargeOptions, res *LargeResult) error {
	empty, err := Empty(ctx, db)
	if err != nil || !empty {
		return err
	}
	if _, err := Seed(ctx, db); err != nil {
		return err
	}
	if _, err := SeedLicences(ctx, db, opts.Keyring, opts.Outbox, opts.Now); err != nil {
		return fmt.Errorf("demo: licences: %w", err)
	}
	res.DemoSeeded = true
	return nil
}

// large is one run of the generator: its options, the reference day and what it made so
// far, which later steps refer to.
type large struct {
	opts   LargeOptions
	res    *LargeResult
	tx     pgx.Tx
	began  time.Time
	today  time.Time // midnight in Oslo of the reference day
	admin  *int64    // the demo administrator, who made and decided things
	themes []largeTheme
	cal    calendar

	orgs   []largeOrg
	groups []largeGroup
	rooms  []largeRoom
	series []largeSeries
	events []largeEvent
	counts map[yearlyKey]int
	waits  []placementWait
}

func newLarge(opts LargeOptions, res *LargeResult, began time.Time) *large {
	today := tz.Midnight(opts.Now)
	return &large{opts: opts, res: res, began: began, today: today, cal: newCalendar(today), counts: map[yearlyKey]int{}}
}

// run is the whole load, in the transaction of g.tx.
func (g *large) run(ctx context.Context) error {
	if err := g.prepare(ctx); err != nil {
		return err
	}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"organisations", g.seedOrgs},
		{"groups", g.seedGroups},
		{"participants and sign-ups", g.seedPeople},
		{"room plan", g.planBookings},
		{"rooms and bookings", g.seedBookings},
		{"events", g.seedEvents},
		{"licences and loans", g.seedLicences},
		{"yearly figures", g.seedFigures},
	}
	for _, s := range steps {
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		g.step(s.name)
	}
	return nil
}

// prepare refuses a second load and reads what the set builds on: the admin and the themes.
func (g *large) prepare(ctx context.Context) error {
	// Two loads at once wait for each other here, and the second then sees the first.
	if _, err := g.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7309, 1)`); err != nil {
		return err
	}
	var present bool
	if err := g.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM rooms WHERE name = $1)`, largeMarkerRoom).Scan(&present); err != nil {
		return err
	}
	if present {
		return ErrLargePresent
	}
	var admin int64
	err := g.tx.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, AdminEmail).Scan(&admin)
	switch {
	case err == nil:
		g.admin = &admin
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	return g.loadThemes(ctx)
}

// step prints a progress line.
func (g *large) step(what string) {
	fmt.Fprintf(g.opts.Log, "large data set: %s (%s)\n", what, time.Since(g.began).Round(100*time.Millisecond))
}

// size is a full-size count at the run's scale, at least least.
func (g *large) size(full, least int) int {
	return max(int(math.Round(float64(full)*g.opts.Scale)), least)
}

// rng returns the random source of one part of the set: each part has its own stream, so
// a change in one part leaves the others as they were.
func (g *large) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.opts.Seed, stream)) // #nosec G404 -- seeded on purpose: the same seed gives the same demo data; no secret comes from it
}

// reserveIDs takes n consecutive ids from the identity sequence of table and returns the
// first. COPY writes the ids it is given into identity columns, so rows can refer to each
// other before they are loaded. Should another session take an id in between, the load
// fails on the primary key and rolls back: it never mixes its rows with others.
func (g *large) reserveIDs(ctx context.Context, table string, n int) (int64, error) {
	var first int64
	if n == 0 {
		return 0, nil
	}
	err := g.tx.QueryRow(ctx, `WITH s AS (SELECT pg_get_serial_sequence($1, 'id')::regclass AS seq)
		SELECT setval(s.seq, nextval(s.seq) + $2::bigint - 1) - $2::bigint + 1 FROM s`, table, n).Scan(&first)
	if err != nil {
		return 0, fmt.Errorf("reserve %s ids: %w", table, err)
	}
	return first, nil
}

// copyRows loads n rows made by row(i) into table with COPY.
func (g *large) copyRows(ctx context.Context, table string, columns []string, n int, row func(i int) []any) (int, error) {
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i >= n {
			return nil, nil
		}
		i++
		return row(i - 1), nil
	})
	copied, err := g.tx.CopyFrom(ctx, pgx.Identifier{table}, columns, src)
	if err != nil {
		return int(copied), fmt.Errorf("copy %s: %w", table, err)
	}
	return int(copied), nil
}

// pick returns an index into weights, chosen in proportion to them.
func pick(r *rand.Rand, weights ...float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// days is n days as a duration.
func days(n float64) time.Duration { return time.Duration(n * 24 * float64(time.Hour)) }

// expDays draws an exponentially distributed number of days with the mean, at most limit.
func expDays(r *rand.Rand, mean, limit float64) float64 {
	return math.Min(r.ExpFloat64()*mean, limit)
}
