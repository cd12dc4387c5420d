package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// largePerson is a made-up participant.
type largePerson struct {
	id                                int64
	name, email, phone, contact, band string
	lang                              string
	created                           time.Time
}

// largeSignup is a sign-up of the large data set and, for a member or one who left, the
// membership it became.
type largeSignup struct {
	id                    int64
	person                int // index into people
	group, theme          int // indices; -1: none (a sign-up is for one group or one theme)
	status, source        string
	since, changed        time.Time
	formats, avail, langs []string
	member                int // group index of the membership; -1: none
	joined, left          time.Time
}

// peoplePools are the groups a sign-up can be for, by what happens to it.
type peoplePools struct {
	open    []int // published groups taking people: waiting sign-ups
	places  []int // groups with places left: new members
	recent  []int // groups that met in the last year: members who left
	started []int // groups that have met at some time
}

func (g *large) pools() peoplePools {
	var p peoplePools
	yearAgo := g.today.AddDate(-1, 0, 0)
	for i := range g.groups {
		gr := &g.groups[i]
		if gr.published && gr.open && gr.status != "closed" && gr.status != "paused" {
			p.open = append(p.open, i)
		}
		if gr.places > 0 {
			p.places = append(p.places, i)
		}
		if !gr.started.IsZero() {
			p.started = append(p.started, i)
			if gr.started.Before(yearAgo) && (gr.ended.IsZero() || gr.ended.After(yearAgo)) {
				p.recent = append(p.recent, i)
			}
		}
	}
	if len(p.open) == 0 {
		p.open = p.started
	}
	return p
}

// seedPeople adds the participants, their sign-ups and memberships, and keeps the yearly
// figures and waiting times they stand for.
func (g *large) seedPeople(ctx context.Context) error {
	n := g.size(largeParticipants, 1)
	people := make([]largePerson, n)
	var list []largeSignup
	r := g.rng(streamPeople)
	pools := g.pools()
	for i := range people {
		people[i] = g.makePerson(r, i)
		count := 1
		if chance(r, 0.22) {
			count = 2
		}
		var prev *largeSignup
		for k := range count {
			s := g.makeSignup(r, &pools, i, prev)
			if k == 0 || s.since.Before(people[i].created) {
				people[i].created = s.since
			}
			list = append(list, s)
			prev = &list[len(list)-1]
		}
	}
	if err := g.copyPeople(ctx, people); err != nil {
		return err
	}
	return g.copySignups(ctx, people, list)
}

func (g *large) makePerson(r *rand.Rand, i int) largePerson {
	p := largePerson{name: largeFirstNames[r.IntN(len(largeFirstNames))], contact: "email", lang: "nb"}
	if chance(r, 0.94) {
		p.email = fmt.Sprintf("%s.%d@stor.deltaker.demo.test", asciiLower(p.name, '.'), i+1)
	}
	// Norwegian numbers never begin with 0 after the country code: these reach no one.
	if p.email == "" || chance(r, 0.15) {
		p.phone = fmt.Sprintf("+470%07d", r.IntN(10_000_000))
		if p.email == "" || chance(r, 0.5) {
			p.contact = "sms"
		}
	}
	p.band = demoAges[pick(r, 10, 20, 25, 20, 15, 8)]
	if chance(r, 0.08) {
		p.lang = "en"
	}
	return p
}

// largeSources are the answers to "how did you hear about us", in proportion below.
var largeSources = append([]string{""}, signups.Sources...)

// makeSignup draws a sign-up of person. A second one (after prev) is for a theme when the
// first was for a group and the other way round, so the two never collide.
func (g *large) makeSignup(r *rand.Rand, pools *peoplePools, person int, prev *largeSignup) largeSignup {
	s := largeSignup{person: person, group: -1, theme: -1, member: -1,
		source:  largeSources[pick(r, 10, 25, 18, 6, 20, 10, 8, 3)],
		formats: demoFormats[r.IntN(len(demoFormats))], langs: [][]string{{"nb"}, {"nb", "en"}, {"en"}}[pick(r, 85, 10, 5)]}
	forGroup := chance(r, 0.45)
	if prev != nil {
		forGroup = prev.group < 0
	}
	for range 1 + r.IntN(3) {
		a := fmt.Sprintf("%d-%s", 1+r.IntN(7), demoParts[pick(r, 2, 3, 5)])
		if !slices.Contains(s.avail, a) {
			s.avail = append(s.avail, a)
		}
	}
	status := []string{"waiting", "member", "left", "withdrawn"}[pick(r, 72, 11, 7, 10)]
	if status == "member" && (len(pools.places) == 0 || prev != nil && prev.member >= 0 && prev.left.IsZero()) {
		status = "waiting" // no place left, or already a member: one membership per person at a time
	}
	if status == "left" && len(pools.recent) == 0 {
		status = "withdrawn"
	}
	switch status {
	case "member":
		g.member(r, pools, &s)
	case "left":
		g.leaver(r, pools, &s)
	default:
		g.waiter(r, pools, &s, status)
	}
	s.status = status
	switch {
	case s.member >= 0 && forGroup:
		s.group = s.member
	case s.member >= 0:
		s.group, s.theme = -1, g.groups[s.member].themes[0]
	case !forGroup || s.group < 0:
		s.group, s.theme = -1, g.randomTheme(r)
		for prev != nil && prev.group < 0 && prev.theme == s.theme && len(g.themes) > 1 {
			s.theme = g.randomTheme(r) // only when no group took people: two interests, two themes
		}
	}
	return s
}

// member places the sign-up in a group with a place left.
func (g *large) member(r *rand.Rand, pools *peoplePools, s *largeSignup) {
	k := r.IntN(len(pools.places))
	gi := pools.places[k]
	gr := &g.groups[gi]
	if gr.places--; gr.places == 0 {
		pools.places[k] = pools.places[len(pools.places)-1]
		pools.places = pools.places[:len(pools.places)-1]
	}
	from := later(gr.started, g.today.AddDate(0, 0, -1280))
	to := g.today
	if !gr.ended.IsZero() {
		to = gr.ended
	}
	s.member = gi
	s.joined = between(r, from, to)
	s.since = s.joined.Add(-days(1 + expDays(r, 75, 700)))
	s.changed = s.joined
}

// leaver makes the sign-up a member who left within the last year (older ones are deleted
// under the retention rules).
func (g *large) leaver(r *rand.Rand, pools *peoplePools, s *largeSignup) {
	gi := pools.recent[r.IntN(len(pools.recent))]
	gr := &g.groups[gi]
	to := g.today
	if !gr.ended.IsZero() {
		to = gr.ended
	}
	s.member = gi
	s.left = between(r, g.today.AddDate(-1, 0, 0), to)
	s.joined = between(r, later(gr.started, s.left.Add(-days(900))), s.left)
	s.since = s.joined.Add(-days(1 + expDays(r, 75, 700)))
	s.changed = s.left
}

// waiter makes a waiting or withdrawn sign-up; waiting times have a long tail.
func (g *large) waiter(r *rand.Rand, pools *peoplePools, s *largeSignup, status string) {
	if len(pools.open) > 0 {
		s.group = pools.open[r.IntN(len(pools.open))]
	}
	if status == "waiting" {
		s.since = g.today.Add(-days(1 + expDays(r, 240, 1460))).Add(time.Duration(r.IntN(86400)) * time.Second)
		s.changed = s.since
		return
	}
	s.changed = g.today.Add(-days(r.Float64() * 360))
	s.since = s.changed.Add(-days(7 + r.Float64()*700))
}

// between is a time drawn evenly from [from, to]; from when to is not after it.
func between(r *rand.Rand, from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(r.Int64N(int64(to.Sub(from)))))
}

// later is the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// year is t's year in Oslo.
func year(t time.Time) int { return t.In(tz.Oslo).Year() }

func (g *large) copyPeople(ctx context.Context, people []largePerson) error {
	first, err := g.reserveIDs(ctx, "participants", len(people))
	if err != nil {
		return err
	}
	for i := range people {
		people[i].id = first + int64(i)
	}
	g.res.Participants, err = g.copyRows(ctx, "participants", []string{"id", "first_name", "email", "phone", "contact",
		"age_band", "lang", "created_at"}, len(people), func(i int) []any {
		p := &people[i]
		return []any{p.id, p.name, nullString(p.email), nullString(p.phone), p.contact, p.band, p.lang, p.created}
	})
	return err
}

// nullString is s, or NULL for "".
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// copySignups loads the sign-ups and memberships and records what the app would have
// counted for the report when they happened.
func (g *large) copySignups(ctx context.Context, people []largePerson, list []largeSignup) error {
	first, err := g.reserveIDs(ctx, "signups", len(list))
	if err != nil {
		return err
	}
	r := g.rng(streamPeople + 100)
	var members []int
	for i := range list {
		s := &list[i]
		s.id = first + int64(i)
		g.count(year(s.since), "signups", s.source, 1)
		if s.status == "withdrawn" {
			g.count(year(s.changed), "withdrawn", "", 1)
		}
		if s.member >= 0 {
			members = append(members, i)
			g.placed(r, s)
		}
	}
	g.res.Signups, err = g.copyRows(ctx, "signups", []string{"id", "participant_id", "group_id", "theme_id", "formats",
		"availability", "languages", "source", "note", "consent_version", "consented_at", "status", "waiting_since",
		"status_changed_at", "created_at"}, len(list), func(i int) []any {
		s := &list[i]
		return []any{s.id, people[s.person].id, g.groupID(s.group), g.themeID(s.theme), s.formats, s.avail, s.langs,
			s.source, "", signups.ConsentVersion, s.since, s.status, s.since, s.changed, s.since}
	})
	if err != nil {
		return err
	}
	g.res.Memberships, err = g.copyRows(ctx, "memberships", []string{"group_id", "participant_id", "signup_id", "joined_at", "left_at"},
		len(members), func(i int) []any {
			s := &list[members[i]]
			return []any{g.groups[s.member].id, people[s.person].id, s.id, s.joined, nullTime(s.left)}
		})
	return err
}

// groupID is the id of group index i, or NULL for -1.
func (g *large) groupID(i int) any {
	if i < 0 {
		return nil
	}
	return g.groups[i].id
}

// themeID is the id of theme index i, or NULL for -1.
func (g *large) themeID(i int) any {
	if i < 0 {
		return nil
	}
	return g.themes[i].ID
}
