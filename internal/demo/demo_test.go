package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
)

// The demo catalogue shows every side of the catalogue, and a second run adds nothing.
func TestSeedGroups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	first, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	again, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for sql, want := range map[string]int{
		`SELECT count(*) FROM booking_requests WHERE status = 'pending' AND kind = 'slot' AND org_id IS NOT NULL`:     1,
		`SELECT count(*) FROM booking_requests WHERE status = 'pending' AND kind = 'cancel' AND group_id IS NOT NULL`: 1,
		`SELECT count(*) FROM group_contacts`:                      3,
		`SELECT count(*) FROM closures WHERE reason = 'Juleferie'`: 1,
		// The Sunday meeting has a standing exception to the opening hours (the house is
		// closed on Sundays), not a reason written on each booking.
		`SELECT count(*) FROM opening_exceptions x JOIN groups g ON g.id = x.group_id WHERE g.slug = 'al-anon-sondag' AND x.weekday = 7`: 1,
		`SELECT count(*) FROM events WHERE published`:                 4,
		`SELECT count(*) FROM events WHERE booking_id IS NOT NULL`:    1,
		`SELECT count(*) FROM event_signups WHERE status = 'waiting'`: 2,
	} {
		var n int
		if err := db.QueryRow(ctx, sql).Scan(&n); err != nil || n != want {
			t.Errorf("%s = %d, %v; want %d after seeding twice", sql, n, err, want)
		}
	}
	if first.Groups < 15 || again.Groups != 0 {
		t.Errorf("groups added: %d, then %d; want at least 15, then 0", first.Groups, again.Groups)
	}
	list, err := groups.NewStore(db).Feed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, g := range list {
		seen["kind "+g.Kind]++
		seen["format "+g.Format]++
		seen[g.Availability()]++
		if g.TwelveStep {
			seen["twelve-step"]++
		}
		if g.Language != "nb" {
			seen["not nb"]++
		}
		if g.OrgID == nil {
			seen["LINK Oslo"]++
		}
		if len(g.Themes) == 0 {
			t.Errorf("%s has no theme", g.Name)
		}
		if g.Format == groups.FormatPartner && (g.Venue == "" || g.OrgName == "") {
			t.Errorf("%s meets at a partner without a venue or organiser", g.Name)
		}
	}
	for _, k := range []string{"kind selfhelp", "kind conversation", "kind coffee", "format house", "format digital",
		"format hybrid", "format partner", groups.Places, groups.Full, groups.NotTaking, "LINK Oslo"} {
		if seen[k] == 0 {
			t.Errorf("no published demo group with %s", k)
		}
	}
	if len(list) < 15 || seen["twelve-step"] < 3 || seen["not nb"] < 2 {
		t.Errorf("%d published groups, %d twelve-step, %d not in Norwegian", len(list), seen["twelve-step"], seen["not nb"])
	}
}

func TestSeedLicences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	ring, err := secrets.NewKeyring("licence", []byte("demo test secret key, 32 bytes!!"))
	if err != nil {
		t.Fatal(err)
	}
	out := mailtest.Outbox(t, db)
	n, err := demo.SeedLicences(ctx, db, ring, out, time.Now())
	if err != nil || n != 5 {
		t.Fatalf("licences: %d %v", n, err)
	}
	if again, err := demo.SeedLicences(ctx, db, ring, out, time.Now()); err != nil || again != 0 {
		t.Errorf("a second run added %d, %v", again, err)
	}
	var loans, pending int
	db.QueryRow(ctx, `SELECT count(*) FROM licence_loans WHERE period @> now()`).Scan(&loans)
	db.QueryRow(ctx, `SELECT count(*) FROM licence_requests WHERE status = 'pending'`).Scan(&pending)
	if loans != 1 || pending != 1 {
		t.Errorf("%d running loans, %d pending requests; want 1 and 1", loans, pending)
	}
	if got, err := licences.NewStore(db, ring, out).RevealForStaff(ctx, 1, audit.Actor{Label: "test"}); err != nil || got != "demo-zoom-1-passord" {
		t.Errorf("demo secret: %q %v", got, err)
	}
}
