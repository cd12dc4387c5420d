package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// largeRoom is an extra meeting room of the large data set ("Rom L01" …): the house's five
// rooms could never hold a million meetings.
type largeRoom struct {
	id           int64
	name         string
	capacity     int
	loop, hybrid bool
	planned      int // meetings planned in it
}

// largeSeries is one booking: a season of weekly or biweekly meetings in one lane (a room,
// a weekday and a slot of houseSlots), or a single meeting in a gap between seasons. Lanes
// never overlap and seasons in a lane follow each other, so no two meetings in a room
// overlap.
type largeSeries struct {
	id                  int64
	room, weekday, slot int
	length              time.Duration
	firstWeek, weeks    int // the span, in weeks of the calendar
	step                int // 1: weekly, 2: biweekly
	count               int // meetings: the span's open days, at most what the target left
	holder, title       string
	group, org          int // indices; -1: none
	once, event         bool
	created             time.Time
}

// day is the calendar day index of week w of the series.
func (s *largeSeries) day(w int) int { return w*7 + s.weekday - 1 }

// planBookings plans the rooms and bookings: lane after lane, room after room, until the
// target number of meetings is reached. Nothing is written yet.
func (g *large) planBookings(ctx context.Context) error {
	remaining := g.size(largeOccurrences, 1)
	r := g.rng(streamPlan)
	lanes := g.houseGroups()
	for room := 0; remaining > 0; room++ {
		g.rooms = append(g.rooms, g.makeRoom(r, room))
		before := remaining
		for wd := 1; wd <= 7 && remaining > 0; wd++ {
			for slot := range houseSlots[wd-1] {
				if remaining > 0 {
					remaining -= g.fillLane(r, lanes, room, wd, slot, remaining)
				}
			}
		}
		if remaining == before {
			return errors.New("a room of the plan got no meeting")
		}
	}
	return g.planEvents(ctx)
}

// houseGroups are the indices of the groups meeting in the house, by weekday and slot.
func (g *large) houseGroups() [7][][]int {
	var out [7][][]int
	for wd := range out {
		out[wd] = make([][]int, len(houseSlots[wd]))
	}
	for i := range g.groups {
		if gr := &g.groups[i]; gr.slot >= 0 && !gr.started.IsZero() {
			out[gr.weekday-1][gr.slot] = append(out[gr.weekday-1][gr.slot], i)
		}
	}
	return out
}

func (g *large) makeRoom(r *rand.Rand, i int) largeRoom {
	return largeRoom{name: fmt.Sprintf("Rom L%02d", i+1), capacity: []int{6, 8, 10, 12, 16, 20, 30}[r.IntN(7)],
		loop: chance(r, 0.4), hybrid: chance(r, 0.3)}
}

// fillLane plans the seasons of one lane over the whole calendar, with now and then a pause
// of a few weeks that a single meeting may use; it returns the meetings planned, at most
// limit.
func (g *large) fillLane(r *rand.Rand, lanes [7][][]int, room, wd, slot, limit int) int {
	added, weeks := 0, g.cal.weeks()
	for w := r.IntN(3); w < weeks && added < limit; {
		if chance(r, 0.15) {
			gap := 1 + r.IntN(3)
			for k := 0; k < gap && w+k < weeks && added < limit; k++ {
				if chance(r, 0.45) {
					added += g.addSeries(r, lanes, largeSeries{room: room, weekday: wd, slot: slot, firstWeek: w + k, weeks: 1,
						step: 1, once: true}, limit-added)
				}
			}
			w += gap
			continue
		}
		length := 8 + r.IntN(33)
		added += g.addSeries(r, lanes, largeSeries{room: room, weekday: wd, slot: slot, firstWeek: w,
			weeks: min(length, weeks-w), step: 1}, limit-added)
		w += length
	}
	return added
}

// addSeries gives the series its holder and meetings and adds it to the plan, unless every
// day of it is closed. It returns the meetings added.
func (g *large) addSeries(r *rand.Rand, lanes [7][][]int, s largeSeries, limit int) int {
	s.group, s.org, s.holder = -1, -1, "internal"
	s.length = []time.Duration{60 * time.Minute, 90 * time.Minute}[pick(r, 35, 65)]
	first := g.cal.at(s.day(s.firstWeek), houseSlots[s.weekday-1][s.slot])
	if !s.once && chance(r, 0.2) {
		s.step = 2
	}
	if candidates := lanes[s.weekday-1][s.slot]; !s.once && len(candidates) > 0 {
		// A group meeting then, if one is: try a few at random among those that meet and
		// have no room for those weeks yet.
		for range 4 {
			gi := candidates[r.IntN(len(candidates))]
			if gr := &g.groups[gi]; gr.meets(first) && gr.free(s.firstWeek, s.firstWeek+s.weeks) {
				s.group, s.holder, s.title, s.length = gi, "group", gr.name, gr.length
				if !gr.ended.IsZero() {
					s.weeks = max(1, min(s.weeks, g.cal.index(gr.ended)/7-s.firstWeek))
				}
				if s.step = 1; gr.biweekly {
					s.step = 2
				}
				gr.booked = append(gr.booked, [2]int{s.firstWeek, s.firstWeek + s.weeks})
				break
			}
		}
	}
	if s.holder != "group" && chance(r, 0.7) {
		s.org, s.holder = r.IntN(len(g.orgs)), "org"
		s.title = truncate(fmt.Sprintf(largeOrgTitles[r.IntN(len(largeOrgTitles))], g.orgs[s.org].name), 120)
	} else if s.holder != "group" {
		s.title = largeInternalTitles[r.IntN(len(largeInternalTitles))]
	}
	for w := s.firstWeek; w < s.firstWeek+s.weeks && s.count < limit; w += s.step {
		if !g.cal.closed[s.day(w)] {
			s.count++
		}
	}
	if s.count == 0 {
		return 0
	}
	s.created = first.Add(-days(7 + r.Float64()*53))
	if s.created.After(g.today) {
		s.created = g.today.Add(-days(r.Float64() * 30))
	}
	g.series = append(g.series, s)
	g.rooms[s.room].planned += s.count
	return s.count
}
