package demo

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// yearlyKey names one of the report's anonymous yearly counts.
type yearlyKey struct {
	year        int
	metric, key string
}

// placementWait is one row of placement_waits: how long a placed person waited.
type placementWait struct {
	year     int
	theme    any // theme id, or nil for a sign-up for one group
	days     int
	viaOffer bool
}

// count adds n to a yearly count, as the app does when something happens.
func (g *large) count(year int, metric, key string, n int) {
	if n > 0 {
		g.counts[yearlyKey{year, metric, key}] += n
	}
}

// placed records the placement of a sign-up: the count, the offer it may have come through
// and the waiting time.
func (g *large) placed(r *rand.Rand, s *largeSignup) {
	y := year(s.joined)
	via := chance(r, 0.6)
	g.count(y, "placed", "", 1)
	if via {
		g.count(y, "offer_accepted", "", 1)
	}
	g.waits = append(g.waits, placementWait{y, g.themeID(s.theme), int(s.joined.Sub(s.since).Hours() / 24), via})
}

// seedFigures adds the figures of the people deleted over the years under the retention
// rules (what remains of them is these counts), then writes every yearly count, adding to
// those already there, and the waiting times.
func (g *large) seedFigures(ctx context.Context) error {
	r := g.rng(streamFigures)
	first, _ := g.cal.years()
	for y := first; y < g.today.Year(); y++ {
		g.purgedYear(r, y, float64(y-first)/float64(max(g.today.Year()-first, 1)))
	}
	keys := make([]yearlyKey, 0, len(g.counts))
	for k := range g.counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b yearlyKey) int {
		return cmp.Or(cmp.Compare(a.year, b.year), cmp.Compare(a.metric, b.metric), cmp.Compare(a.key, b.key))
	})
	years, metrics, names, counts := make([]int, len(keys)), make([]string, len(keys)), make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		years[i], metrics[i], names[i], counts[i] = k.year, k.metric, k.key, int64(g.counts[k])
	}
	tag, err := g.tx.Exec(ctx, `INSERT INTO yearly_counts (year, metric, key, count)
		SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::bigint[])
		ON CONFLICT (year, metric, key) DO UPDATE SET count = yearly_counts.count + excluded.count`, years, metrics, names, counts)
	if err != nil {
		return err
	}
	g.res.YearlyCounts = int(tag.RowsAffected())
	g.res.PlacementWaits, err = g.copyRows(ctx, "placement_waits", []string{"year", "theme_id", "days", "via_offer"}, len(g.waits),
		func(i int) []any {
			w := g.waits[i]
			return []any{w.year, w.theme, w.days, w.viaOffer}
		})
	return err
}

// purgedYear adds the sign-ups, placements and offers of a past year whose people are
// gone; growth (0 for the first year, towards 1 for the last) makes the house busier over
// the years.
func (g *large) purgedYear(r *rand.Rand, y int, growth float64) {
	volume := float64(g.size(largeParticipants, 1)) / 12 * (0.5 + 0.5*growth)
	share := func(f float64) int { return int(math.Round(volume * f * (0.9 + 0.2*r.Float64()))) }
	for i, f := range []float64{0.1, 0.25, 0.18, 0.06, 0.2, 0.1, 0.08, 0.03} {
		g.count(y, "signups", largeSources[i], share(f))
	}
	placed := share(0.25)
	g.count(y, "placed", "", placed)
	g.count(y, "withdrawn", "", share(0.3))
	g.count(y, "deleted_by_request", "", share(0.003))
	for _, o := range []struct {
		metric string
		f      float64
	}{{"offer_accepted", 0.6}, {"offer_declined", 0.15}, {"offer_expired", 0.05}, {"offer_withdrawn", 0.01}} {
		g.count(y, o.metric, "", int(math.Round(float64(placed)*o.f)))
	}
	for i := range placed {
		theme := g.themeID(r.IntN(len(g.themes)))
		if chance(r, 0.3) {
			theme = nil
		}
		g.waits = append(g.waits, placementWait{y, theme, int(expDays(r, 70, 900)), i < int(math.Round(float64(placed)*0.6))})
	}
}
