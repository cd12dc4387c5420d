package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// largeGroup is a group of the large data set, with what the later parts need: its time in
// the house (for room bookings) and its life (for sign-ups, bookings and the report).
type largeGroup struct {
	id                                int64
	slug, name                        string
	kind, format, language            string
	weekday, slot                     int // slot: index into houseSlots[weekday-1]; -1: not in the house
	start, length                     time.Duration
	biweekly, twelveStep              bool
	capacity, places                  int // places: left for members while the sign-ups are made
	status                            string
	published, open                   bool
	themes                            []int // indices into large.themes
	org                               int   // index into large.orgs; -1: LINK Oslo
	created, started, handover, ended time.Time
	booked                            [][2]int // weeks of the calendar with a room, [from, to)
}

// free reports whether the group has no room booked in the weeks [from, to).
func (gr *largeGroup) free(from, to int) bool {
	for _, b := range gr.booked {
		if from < b[1] && b[0] < to {
			return false
		}
	}
	return true
}

// meets reports whether the group met on day t: started and not yet paused or closed.
func (gr *largeGroup) meets(t time.Time) bool {
	return !gr.started.IsZero() && !t.Before(gr.started) && (gr.ended.IsZero() || t.Before(gr.ended))
}

// houseSlots are the start times of meetings in the house on each ISO weekday, inside the
// opening hours. A meeting lasts at most 90 minutes, so meetings in one room at different
// slots never overlap.
var houseSlots = func() [7][]time.Duration {
	hm := func(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }
	weekday := []time.Duration{hm(9, 0), hm(10, 45), hm(12, 30), hm(14, 15), hm(16, 0), hm(17, 45), hm(19, 30)}
	return [7][]time.Duration{weekday, weekday, weekday, weekday, weekday[:6],
		{hm(10, 0), hm(11, 45), hm(13, 30), hm(15, 15)}, nil}
}()

// slotWeights make evening slots the popular ones.
var slotWeights = [7][]float64{{1, 1, 1, 1, 2, 5, 5}, {1, 1, 1, 1, 2, 5, 5}, {1, 1, 1, 1, 2, 5, 5}, {1, 1, 1, 1, 2, 5, 5},
	{1, 1, 1, 1, 2, 2}, {2, 2, 1, 1}, nil}

// seedGroups adds the groups, their themes, status history and check-ins.
func (g *large) seedGroups(ctx context.Context) error {
	n := g.size(largeGroups, 1)
	first, err := g.reserveIDs(ctx, "groups", n)
	if err != nil {
		return err
	}
	r := g.rng(streamGroups)
	g.groups = make([]largeGroup, n)
	names := map[string]int{}
	for i := range g.groups {
		gr := g.makeGroup(r, i)
		gr.id = first + int64(i)
		if names[gr.name]++; names[gr.name] > 1 {
			gr.name = fmt.Sprintf("%s (%d)", gr.name, names[gr.name])
		}
		g.groups[i] = gr
	}
	if g.res.Groups, err = g.copyGroups(ctx); err != nil {
		return err
	}
	return g.copyGroupDetails(ctx)
}

// makeGroup draws group i.
func (g *large) makeGroup(r *rand.Rand, i int) largeGroup {
	gr := largeGroup{org: -1, slot: -1, language: "nb"}
	gr.themes = []int{g.randomTheme(r)}
	if second := g.randomTheme(r); chance(r, 0.2) && second != gr.themes[0] {
		gr.themes = append(gr.themes, second)
	}
	gr.kind = []string{"selfhelp", "conversation", "coffee"}[pick(r, 70, 20, 10)]
	gr.format = []string{"house", "digital", "hybrid", "partner"}[pick(r, 45, 25, 15, 15)]
	th := g.themes[gr.themes[0]]
	gr.twelveStep = gr.kind == "selfhelp" && (th.Slug == "rus-og-avhengighet" || th.Slug == "parorende") && chance(r, 0.35)
	if gr.format == "partner" || gr.format == "digital" && chance(r, 0.2) {
		gr.org = r.IntN(len(g.orgs))
	}
	switch pick(r, 90, 8, 2) {
	case 1:
		gr.language = "en"
	case 2:
		gr.language = []string{"ar", "so", "pl", "uk"}[r.IntN(4)]
	}
	switch {
	case gr.twelveStep:
		gr.capacity = 20 + r.IntN(21)
	case gr.kind == "selfhelp":
		gr.capacity = 8 + r.IntN(5)
	case gr.kind == "conversation":
		gr.capacity = 8 + r.IntN(8)
	default:
		gr.capacity = 6 + r.IntN(15)
	}
	g.schedule(r, &gr)
	g.lifecycle(r, &gr)
	org := ""
	if gr.org >= 0 && gr.format == "partner" {
		org = g.orgs[gr.org].name
	}
	nb, en := groupName(&gr, th, org)
	if gr.name = nb; gr.language == "en" {
		gr.name = en // a group in English has an English name
	}
	gr.name = truncate(gr.name, 110)
	base := asciiLower(gr.name, '-')
	if len(base) > 70 {
		base = base[:70]
	}
	gr.slug = fmt.Sprintf("%s-%04d", trimDash(base), i+1)
	return gr
}

// trimDash removes dashes at the ends of a slug part, and names an empty one.
func trimDash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '-' {
		s = s[:len(s)-1]
	}
	if s == "" {
		return "gruppe"
	}
	return s
}

// schedule gives the group its weekday and time: a slot of the house for groups meeting
// there, any day and hour for the others.
func (g *large) schedule(r *rand.Rand, gr *largeGroup) {
	gr.length = []time.Duration{60 * time.Minute, 90 * time.Minute}[pick(r, 35, 65)]
	gr.biweekly = chance(r, 0.2)
	if gr.format == "house" || gr.format == "hybrid" {
		gr.weekday = 1 + pick(r, 20, 20, 20, 20, 10, 10)
		gr.slot = pick(r, slotWeights[gr.weekday-1]...)
		gr.start = houseSlots[gr.weekday-1][gr.slot]
		return
	}
	gr.weekday = 1 + pick(r, 16, 16, 16, 16, 12, 12, 12)
	starts := []float64{10, 11, 12, 13, 17, 17.5, 18, 18.5, 19, 19.5, 20}
	gr.start = time.Duration(starts[pick(r, 2, 1, 1, 1, 2, 3, 4, 4, 4, 3, 2)] * float64(time.Hour))
}

// lifecycle gives the group its creation, status and the dates of its changes: young
// groups gather, older ones run themselves, and the older a group, the likelier it closed.
func (g *large) lifecycle(r *rand.Rand, gr *largeGroup) {
	age := 7 + r.Float64()*(365.25*10-7)
	gr.created = g.today.Add(-days(age)).Add(time.Duration(r.IntN(8*3600)) * time.Second)
	gr.status = "gathering"
	switch {
	case age < 45:
	case age < 150:
		if chance(r, 0.75) {
			gr.status = "startup"
		}
	default:
		gr.status = []string{"selfrunning", "paused", "closed"}[pick(r, 0.88-0.35*age/3652, 0.07, 0.05+0.35*age/3652)]
	}
	if gr.status != "gathering" {
		gr.started = tz.Midnight(gr.created.Add(days(14 + r.Float64()*31)))
	}
	if gr.status == "selfrunning" || gr.status == "paused" || gr.status == "closed" {
		span := g.today.Sub(gr.started).Hours()/24 - 1
		gr.handover = tz.Midnight(gr.started.Add(days(min(60+r.Float64()*90, span))))
		if left := g.today.Sub(gr.handover).Hours()/24 - 30; gr.status != "selfrunning" && left > 1 {
			gr.ended = tz.Midnight(gr.handover.Add(days(30 + r.Float64()*left)))
		} else {
			gr.status = "selfrunning"
		}
	}
	published := 0.97
	if gr.status == "gathering" {
		published = 0.7 // some are still being planned
	}
	gr.published = gr.status != "closed" && chance(r, published)
	gr.open = gr.status != "closed" && chance(r, 0.88)
	if gr.status == "startup" || gr.status == "selfrunning" || gr.status == "paused" {
		gr.places = gr.capacity * (5 + r.IntN(6)) / 10
	}
}

// copyGroups loads the groups.
func (g *large) copyGroups(ctx context.Context) (int, error) {
	return g.copyRows(ctx, "groups", []string{"id", "slug", "name", "kind", "format", "platform", "venue", "weekday",
		"starts_at", "ends_at", "frequency", "language", "capacity", "open", "status", "twelve_step", "org_id",
		"description_nb", "description_en", "published", "created_at", "updated_at", "started_on", "handover_on"},
		len(g.groups), func(i int) []any {
			gr := &g.groups[i]
			platform, venue := "", ""
			if gr.format == "digital" || gr.format == "hybrid" {
				platform = []string{"zoom", "whereby"}[i%3/2]
			}
			var org any
			if gr.org >= 0 {
				org = g.orgs[gr.org].id
				if gr.format == "partner" {
					venue = fmt.Sprintf(largeVenueKinds[i%len(largeVenueKinds)], g.orgs[gr.org].name)
				}
			}
			frequency := "weekly"
			if gr.biweekly {
				frequency = "biweekly"
			}
			nb, en := groupDescription(gr, g.themes[gr.themes[0]])
			updated := gr.created
			for _, t := range []time.Time{gr.started, gr.handover, gr.ended} {
				if t.After(updated) {
					updated = t
				}
			}
			return []any{gr.id, gr.slug, gr.name, gr.kind, gr.format, platform, venue, gr.weekday, clock(gr.start),
				clock(gr.start + gr.length), frequency, gr.language, gr.capacity, gr.open, gr.status, gr.twelveStep, org,
				nb, en, gr.published, gr.created, updated, nullDate(gr.started), nullDate(gr.handover)}
		})
}

// copyGroupDetails loads the groups' themes, status history and check-ins.
func (g *large) copyGroupDetails(ctx context.Context) error {
	type link struct{ group, theme int64 }
	var links []link
	var history [][]any
	var checkins [][]any
	r := g.rng(streamGroups + 100)
	for i := range g.groups {
		gr := &g.groups[i]
		for _, t := range gr.themes {
			links = append(links, link{gr.id, g.themes[t].ID})
		}
		history = append(history, []any{gr.id, "gathering", gr.created, g.admin})
		for _, h := range []struct {
			status string
			at     time.Time
		}{{"startup", gr.started}, {"selfrunning", gr.handover}, {gr.status, gr.ended}} {
			if !h.at.IsZero() {
				history = append(history, []any{gr.id, h.status, h.at.Add(10 * time.Hour), g.admin})
			}
		}
		checkins = append(checkins, g.checkins(r, gr)...)
	}
	var err error
	g.res.GroupThemes, err = g.copyRows(ctx, "group_themes", []string{"group_id", "theme_id"}, len(links),
		func(i int) []any { return []any{links[i].group, links[i].theme} })
	if err != nil {
		return err
	}
	if _, err := g.copyRows(ctx, "group_status_history", []string{"group_id", "status", "changed_at", "changed_by"},
		len(history), func(i int) []any { return history[i] }); err != nil {
		return err
	}
	_, err = g.copyRows(ctx, "checkins", []string{"group_id", "months", "due_on", "done_on", "still_meets", "done_by"},
		len(checkins), func(i int) []any { return checkins[i] })
	return err
}

// checkins are the group's check-ins at 3, 6 and 12 months after its start; those due more
// than a week ago were mostly done, and a group closed by then no longer met.
func (g *large) checkins(r *rand.Rand, gr *largeGroup) [][]any {
	if gr.started.IsZero() {
		return nil
	}
	var out [][]any
	for _, months := range []int16{3, 6, 12} {
		due := gr.started.AddDate(0, int(months), 0)
		row := []any{gr.id, months, civilDate(due), nil, nil, nil}
		if due.Before(g.today.AddDate(0, 0, -7)) && chance(r, 0.9) {
			done := due.AddDate(0, 0, r.IntN(7))
			meets := (gr.status != "closed" || due.Before(gr.ended)) && chance(r, 0.92)
			row[3], row[4], row[5] = civilDate(done), meets, g.admin
		}
		out = append(out, row)
	}
	return out
}
