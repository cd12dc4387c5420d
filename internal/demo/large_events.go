package demo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
)

// largeEvent is an intro meeting, coffee meetup or other event of the large data set.
type largeEvent struct {
	id                               int64
	kind, title, description, format string
	link                             string
	start, end, created              time.Time
	series                           int // index of its room booking; -1: digital
	capacity                         int
	published                        bool
}

// Share of the events held in the house (the rest are digital).
const largeHouseEvents = 0.4

// planEvents plans the events evenly over the calendar. An event in the house takes a
// single meeting of the room plan as its booking, so it cannot collide with anything.
func (g *large) planEvents(context.Context) error {
	n := g.size(largeEvents, 1)
	r := g.rng(streamEvents)
	var singles []int
	for i := range g.series {
		if g.series[i].once {
			singles = append(singles, i)
		}
	}
	slices.SortStableFunc(singles, func(a, b int) int {
		return cmp.Compare(g.series[a].day(g.series[a].firstWeek), g.series[b].day(g.series[b].firstWeek))
	})
	house := min(int(math.Round(float64(n)*largeHouseEvents)), len(singles))
	for k := range house {
		e := g.makeEvent(r, "house")
		e.series = singles[k*len(singles)/house]
		s := &g.series[e.series]
		s.event, s.holder, s.group, s.org, s.title = true, "internal", -1, -1, e.title
		e.start = g.cal.at(s.day(s.firstWeek), houseSlots[s.weekday-1][s.slot])
		e.end = e.start.Add(s.length)
		e.capacity = min(e.capacity, g.rooms[s.room].capacity)
		g.events = append(g.events, e)
	}
	digital := n - house
	for k := range digital {
		e := g.makeEvent(r, "digital")
		day := min(k*g.cal.days()/digital+r.IntN(3), g.cal.days()-1)
		e.start = g.cal.at(day, []time.Duration{10 * time.Hour, 12 * time.Hour, 18 * time.Hour, 19 * time.Hour}[pick(r, 3, 1, 3, 3)])
		e.end = e.start.Add([]time.Duration{60 * time.Minute, 90 * time.Minute}[r.IntN(2)])
		e.link = fmt.Sprintf("https://zoom.example/j/stor-%d", k+1)
		if e.kind == "coffee" {
			e.link = fmt.Sprintf("https://whereby.example/stor-kaffe-%d", k+1)
		}
		g.events = append(g.events, e)
	}
	slices.SortStableFunc(g.events, func(a, b largeEvent) int { return a.start.Compare(b.start) })
	for i := range g.events {
		e := &g.events[i]
		e.created = e.start.Add(-days(14 + 46*r.Float64()))
		if e.created.After(g.today) {
			e.created = g.today.Add(-days(r.Float64() * 14))
		}
	}
	return nil
}

// makeEvent draws the kind, title and capacity of an event in format.
func (g *large) makeEvent(r *rand.Rand, format string) largeEvent {
	e := largeEvent{format: format, series: -1, published: chance(r, 0.95)}
	e.kind = []string{"intro", "coffee", "other"}[pick(r, 30, 55, 15)]
	switch {
	case e.kind == "intro" && format == "house":
		e.title, e.capacity = "Hva er en selvhjelpsgruppe?", 20+r.IntN(11)
		e.description = "Et uforpliktende møte der vi forteller hvordan selvhjelpsgrupper fungerer, og du kan stille spørsmål."
	case e.kind == "intro":
		e.title, e.capacity = "Introduksjonsmøte på nett", 20+r.IntN(11)
		e.description = "Det samme introduksjonsmøtet, digitalt. Du kan ha kamera av."
	case e.kind == "coffee" && format == "house":
		e.title, e.capacity = "Kaffetreff i huset", 8+r.IntN(8)
		e.description = "Uformell prat over en kopp kaffe i Kirkeveien 61."
	case e.kind == "coffee":
		e.title, e.capacity = "Digitalt kaffetreff", 8+r.IntN(8)
		e.description = "Uformell prat over en kopp kaffe, hver fra sitt hjem."
	default:
		th := g.themes[r.IntN(len(g.themes))]
		e.title, e.capacity = truncate("Temakveld: "+th.NameNB, 120), 20+r.IntN(41)
		e.description = th.DescNB
	}
	return e
}

// seedEvents writes the events and the sign-ups of those that ended less than
// events.KeepDays ago or lie ahead; of older ones only the yearly figures remain, as the app
// keeps them.
func (g *large) seedEvents(ctx context.Context) error {
	first, err := g.reserveIDs(ctx, "events", len(g.events))
	if err != nil {
		return err
	}
	for i := range g.events {
		g.events[i].id = first + int64(i)
	}
	g.res.Events, err = g.copyRows(ctx, "events", []string{"id", "kind", "title", "description", "starts_at", "ends_at", "format",
		"meeting_link", "room_id", "booking_id", "capacity", "published", "created_by", "created_at", "updated_at"},
		len(g.events), func(i int) []any {
			e := &g.events[i]
			var room, booking any
			if e.series >= 0 {
				s := &g.series[e.series]
				room, booking = g.rooms[s.room].id, s.id
			}
			return []any{e.id, e.kind, e.title, e.description, e.start, e.end, e.format, e.link, room, booking, e.capacity,
				e.published, g.admin, e.created, e.created}
		})
	if err != nil {
		return err
	}
	rows := g.eventSignups()
	g.res.EventSignups, err = g.copyRows(ctx, "event_signups", []string{"event_id", "first_name", "email", "lang", "status",
		"reminded_at", "attended", "consent_version", "created_at", "status_changed_at"}, len(rows), func(i int) []any { return rows[i] })
	return err
}

// eventSignups makes the sign-ups of the recent and coming events and counts the older ones.
func (g *large) eventSignups() [][]any {
	r := g.rng(streamEvents + 100)
	kept := g.today.AddDate(0, 0, -events.KeepDays)
	var rows [][]any
	for i := range g.events {
		e := &g.events[i]
		if !e.published {
			continue
		}
		people := int(math.Round(float64(e.capacity) * (0.2 + 1.1*r.Float64())))
		confirmed := min(people, e.capacity)
		if e.end.Before(kept) {
			came := int(math.Round(float64(confirmed) * (0.6 + 0.35*r.Float64())))
			g.count(year(e.start), "event_held", e.kind, 1)
			g.count(year(e.start), "event_confirmed", e.kind, confirmed)
			g.count(year(e.start), "event_attended", e.kind, came)
			continue
		}
		for j := range people + people/10 {
			rows = append(rows, g.eventSignup(r, e, j, j < confirmed))
		}
	}
	return rows
}

// eventSignup is sign-up j of the event: confirmed while places last, then waiting; a few
// cancelled. Attendance is recorded for events that are over.
func (g *large) eventSignup(r *rand.Rand, e *largeEvent, j int, place bool) []any {
	name := largeFirstNames[r.IntN(len(largeFirstNames))]
	email := fmt.Sprintf("%s.e%d.%d@arrangement.demo.test", asciiLower(name, '.'), e.id, j+1)
	created := between(r, e.created, minTime(e.start, g.today))
	status := "waiting"
	if place {
		status = "confirmed"
	}
	if chance(r, 0.09) {
		status = "cancelled"
	}
	var reminded, attended any
	if status == "confirmed" && e.start.Before(g.today.AddDate(0, 0, 1)) {
		reminded = e.start.Add(-24 * time.Hour)
	}
	if status == "confirmed" && e.end.Before(g.today) {
		attended = chance(r, 0.8)
	}
	lang := "nb"
	if chance(r, 0.08) {
		lang = "en"
	}
	return []any{e.id, name, email, lang, status, reminded, attended, events.ConsentVersion, created, created}
}

// minTime is the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
