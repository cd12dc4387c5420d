package matching_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/matching"
)

// day is a waiting-since time: a smaller n has waited longer.
func day(n int) time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, n) }

func TestCompatible(t *testing.T) {
	t.Parallel()
	g := matching.Group{ID: 7, Themes: []int64{1, 2}, Format: "house", Slot: "2-evening", Language: "nb", Places: 1}
	with := func(f func(*matching.Group)) matching.Group { c := g; f(&c); return c }
	any1 := matching.Person{ID: 1, Theme: 1}
	tests := []struct {
		name string
		p    matching.Person
		g    matching.Group
		want bool
	}{
		{"empty preferences accept any format, slot and nb", any1, g, true},
		{"second theme of the group", matching.Person{Theme: 2}, g, true},
		{"other theme", matching.Person{Theme: 3}, g, false},
		{"no theme and no group", matching.Person{}, g, false},
		{"format accepted", matching.Person{Theme: 1, Formats: []string{"digital", "house"}}, g, true},
		{"format not accepted", matching.Person{Theme: 1, Formats: []string{"digital"}}, g, false},
		{"hybrid group suits house", matching.Person{Theme: 1, Formats: []string{"house"}}, with(func(g *matching.Group) { g.Format = "hybrid" }), true},
		{"hybrid group suits digital", matching.Person{Theme: 1, Formats: []string{"digital"}}, with(func(g *matching.Group) { g.Format = "hybrid" }), true},
		{"hybrid group, partner only", matching.Person{Theme: 1, Formats: []string{"partner"}}, with(func(g *matching.Group) { g.Format = "hybrid" }), false},
		{"hybrid only does not suit a house group", matching.Person{Theme: 1, Formats: []string{"hybrid"}}, g, false},
		{"partner group, any format", any1, with(func(g *matching.Group) { g.Format = "partner" }), true},
		{"slot accepted", matching.Person{Theme: 1, Slots: []matching.Slot{"1-morning", "2-evening"}}, g, true},
		{"slot not accepted", matching.Person{Theme: 1, Slots: []matching.Slot{"2-morning"}}, g, false},
		{"no language means nb", any1, with(func(g *matching.Group) { g.Language = "en" }), false},
		{"english speaker, english group", matching.Person{Theme: 1, Languages: []string{"en"}}, with(func(g *matching.Group) { g.Language = "en" }), true},
		{"english only, nb group", matching.Person{Theme: 1, Languages: []string{"en"}}, g, false},
		{"group without language is nb", matching.Person{Theme: 1, Languages: []string{"nb"}}, with(func(g *matching.Group) { g.Language = "" }), true},
		{"full group", any1, with(func(g *matching.Group) { g.Places = 0 }), false},
		{"negative places", any1, with(func(g *matching.Group) { g.Places = -2 }), false},
		{"own group, whatever its theme, format, slot or language", matching.Person{GroupID: 7, Formats: []string{"digital"},
			Slots: []matching.Slot{"5-morning"}, Languages: []string{"en"}}, g, true},
		{"own group full", matching.Person{GroupID: 7}, with(func(g *matching.Group) { g.Places = 0 }), false},
		{"signed up for another group, even on the theme", matching.Person{GroupID: 8, Theme: 1}, g, false},
		{"declined this group", matching.Person{Theme: 1, Declined: []int64{3, 7}}, g, false},
		{"declined another group", matching.Person{Theme: 1, Declined: []int64{8}}, g, true},
		{"declined own group", matching.Person{GroupID: 7, Declined: []int64{7}}, g, false},
	}
	for _, tt := range tests {
		if got := matching.Compatible(tt.p, tt.g); got != tt.want {
			t.Errorf("%s: Compatible = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSlotValid(t *testing.T) {
	t.Parallel()
	for s, want := range map[matching.Slot]bool{"1-morning": true, "7-evening": true, "4-afternoon": true,
		"0-morning": false, "8-evening": false, "1-night": false, "1morning": false, "": false, "12-evening": false} {
		if got := s.Valid(); got != want {
			t.Errorf("Slot(%q).Valid() = %v, want %v", s, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	house := func(id int64, places int) matching.Group {
		return matching.Group{ID: id, Themes: []int64{1}, Format: "house", Slot: "1-evening", Language: "nb", Places: places}
	}
	onTheme := func(id int64, waited int, theme int64, slots ...matching.Slot) matching.Person {
		return matching.Person{ID: id, Theme: theme, Slots: slots, WaitingSince: day(waited)}
	}
	aged := func(p matching.Person, band string) matching.Person { p.AgeBand = band; return p }
	formats := func(p matching.Person, f ...string) matching.Person { p.Formats = f; return p }
	langs := func(p matching.Person, l ...string) matching.Person { p.Languages = l; return p }
	declined := func(p matching.Person, groups ...int64) matching.Person { p.Declined = groups; return p }
	forGroup := func(id int64, waited int, group int64) matching.Person {
		return matching.Person{ID: id, GroupID: group, WaitingSince: day(waited)}
	}
	tests := []struct {
		name   string
		people []matching.Person
		groups []matching.Group
		opt    matching.Options
		want   matching.Result
	}{{
		name:   "capacity goes to the longest waiting",
		people: []matching.Person{onTheme(1, 5, 1, "1-evening"), onTheme(2, 9, 1, "1-evening"), onTheme(3, 1, 1, "1-evening")},
		groups: []matching.Group{house(10, 2)},
		want: matching.Result{Placements: []matching.Placement{{1, 10}, {3, 10}},
			Unplaced: []matching.Unplaced{{2, matching.GroupFull}}},
	}, {
		name: "a longer-waiting person moves so a later one fits",
		// 1 could take either group; 2 only the digital one, which 1 would take first by ID.
		people: []matching.Person{formats(onTheme(1, 1, 1), "house", "digital"), formats(onTheme(2, 2, 1), "digital")},
		groups: []matching.Group{{ID: 10, Themes: []int64{1}, Format: "digital", Slot: "1-evening", Places: 1}, house(20, 1)},
		want:   matching.Result{Placements: []matching.Placement{{2, 10}, {1, 20}}},
	}, {
		name: "a declined group is never proposed again; another that fits may be",
		// 1 waited longest and declined 10, so 10's one place goes to 2 and 1 gets 20;
		// 3 declined both and waits, though 20 still has a place.
		people: []matching.Person{declined(onTheme(1, 1, 1), 10), onTheme(2, 2, 1), declined(onTheme(3, 3, 1), 20, 10),
			declined(forGroup(4, 0, 10), 10)},
		groups: []matching.Group{house(10, 1), house(20, 2)},
		want: matching.Result{Placements: []matching.Placement{{2, 10}, {1, 20}},
			Unplaced: []matching.Unplaced{{3, matching.TooFewOnTheme}, {4, matching.Declined}}},
	}, {
		name:   "hybrid group takes people who accept the house",
		people: []matching.Person{formats(onTheme(1, 1, 1), "house"), formats(onTheme(2, 2, 1), "hybrid")},
		groups: []matching.Group{{ID: 10, Themes: []int64{1}, Format: "hybrid", Slot: "1-evening", Places: 1}, house(20, 1)},
		// 2 accepts only hybrid meetings: the house group does not fit, so 2 gets the hybrid place.
		want: matching.Result{Placements: []matching.Placement{{2, 10}, {1, 20}}},
	}, {
		name:   "language",
		people: []matching.Person{langs(onTheme(1, 1, 1), "en"), langs(onTheme(2, 2, 1), "en", "nb"), onTheme(3, 3, 1)},
		groups: []matching.Group{{ID: 10, Themes: []int64{1}, Format: "house", Slot: "1-evening", Language: "en", Places: 3}},
		want: matching.Result{Placements: []matching.Placement{{1, 10}, {2, 10}},
			Unplaced: []matching.Unplaced{{3, matching.TooFewOnTheme}}},
	}, {
		name:   "a sign-up for one group gets only that group, whatever its theme",
		people: []matching.Person{forGroup(1, 1, 20), forGroup(2, 2, 10), forGroup(3, 3, 99)},
		groups: []matching.Group{house(10, 1), {ID: 20, Themes: []int64{5}, Format: "digital", Slot: "3-morning", Places: 0}},
		want: matching.Result{Placements: []matching.Placement{{2, 10}},
			Unplaced: []matching.Unplaced{{1, matching.GroupFull}, {3, matching.GroupFull}}},
	}, {
		name: "a full group that fits is the reason, not the theme",
		people: []matching.Person{onTheme(1, 1, 1, "1-evening"), onTheme(2, 2, 1, "1-evening"),
			onTheme(3, 3, 1, "1-evening"), onTheme(4, 4, 1, "2-evening")},
		groups: []matching.Group{house(10, 0)},
		opt:    matching.Options{MinCohort: 5},
		want: matching.Result{Unplaced: []matching.Unplaced{{1, matching.GroupFull}, {2, matching.GroupFull},
			{3, matching.GroupFull}, {4, matching.TooFewOnTheme}}},
	}, {
		name: "a new group of the narrowest age span; the rest were left out of a full cohort",
		people: []matching.Person{aged(onTheme(1, 1, 1, "2-morning"), "51-66"), aged(onTheme(2, 2, 1, "2-morning"), "18-25"),
			aged(onTheme(3, 3, 1, "2-morning"), "26-35"), aged(onTheme(4, 4, 1, "2-morning"), "18-25"),
			formats(onTheme(5, 5, 1, "2-morning"), "digital")},
		opt: matching.Options{MinCohort: 3, MaxCohort: 3},
		// Everyone fits digital on Tuesday morning; 4 and 2 share a band and 5's age is unknown.
		want: matching.Result{
			Proposals: []matching.Proposal{{Theme: 1, Format: "digital", Slot: "2-morning", Language: "nb",
				People: []int64{2, 4, 5}, AgeMin: "18-25", AgeMax: "18-25"}},
			Unplaced: []matching.Unplaced{{1, matching.CohortFull}, {3, matching.CohortFull}}},
	}, {
		name: "the fullest bucket first, and its people leave every other bucket",
		people: []matching.Person{onTheme(1, 1, 1, "1-morning"), onTheme(2, 2, 1, "1-morning"), onTheme(3, 3, 1, "1-morning"),
			formats(onTheme(4, 4, 1, "1-morning", "3-evening"), "house"), onTheme(5, 5, 1, "3-evening"),
			onTheme(6, 6, 1, "3-evening"), onTheme(7, 7, 1, "3-evening"), aged(onTheme(8, 8, 1, "1-morning"), "67+"),
			onTheme(11, 1, 2, "1-morning"), onTheme(12, 1, 2, "1-morning"), onTheme(13, 1, 2, "1-morning")},
		want: matching.Result{
			Proposals: []matching.Proposal{{Theme: 1, Format: "house", Slot: "1-morning", Language: "nb",
				People: []int64{1, 2, 3, 4, 8}, AgeMin: "67+", AgeMax: "67+"}},
			Unplaced: []matching.Unplaced{{5, matching.NoCommonTime}, {6, matching.NoCommonTime}, {7, matching.NoCommonTime},
				{11, matching.TooFewOnTheme}, {12, matching.TooFewOnTheme}, {13, matching.TooFewOnTheme}}},
	}, {
		name: "buckets equally full go by theme, format (house first), slot (week order), language",
		people: []matching.Person{langs(onTheme(1, 1, 2, "3-evening", "1-afternoon"), "nb", "en"), langs(onTheme(2, 2, 2), "en"),
			langs(onTheme(3, 3, 1, "1-afternoon", "3-evening"), "nb", "en"), langs(onTheme(4, 4, 1), "en", "nb")},
		opt: matching.Options{MinCohort: 2},
		want: matching.Result{Proposals: []matching.Proposal{
			{Theme: 1, Format: "house", Slot: "1-afternoon", Language: "en", People: []int64{3, 4}},
			{Theme: 2, Format: "house", Slot: "1-afternoon", Language: "en", People: []int64{1, 2}}}},
	}, {
		name: "a bucket that lost people to a proposal waits for its turn",
		people: []matching.Person{onTheme(1, 1, 1, "1-morning", "2-morning"), onTheme(2, 2, 1, "1-morning", "2-morning"),
			onTheme(3, 3, 1, "1-morning"), onTheme(4, 4, 1, "1-morning"), onTheme(5, 5, 1, "1-morning"),
			onTheme(6, 6, 1, "2-morning"), onTheme(7, 7, 1, "2-morning"),
			onTheme(8, 8, 1, "3-morning"), onTheme(9, 9, 1, "3-morning"), onTheme(10, 10, 1, "3-morning")},
		opt: matching.Options{MinCohort: 2, MaxCohort: 3},
		want: matching.Result{Proposals: []matching.Proposal{
			{Theme: 1, Format: "house", Slot: "1-morning", Language: "nb", People: []int64{1, 2, 3}},
			{Theme: 1, Format: "house", Slot: "3-morning", Language: "nb", People: []int64{8, 9, 10}},
			{Theme: 1, Format: "house", Slot: "1-morning", Language: "nb", People: []int64{4, 5}},
			{Theme: 1, Format: "house", Slot: "2-morning", Language: "nb", People: []int64{6, 7}}}},
	}, {
		name:   "a person named twice in a slot or language counts once",
		people: []matching.Person{langs(onTheme(1, 1, 1, "1-morning", "1-morning"), "nb", "nb"), onTheme(2, 2, 1, "1-morning")},
		opt:    matching.Options{MinCohort: 3},
		want:   matching.Result{Unplaced: []matching.Unplaced{{1, matching.TooFewOnTheme}, {2, matching.TooFewOnTheme}}},
	}, {
		name: "partner only and unknown slots fit no new group",
		people: []matching.Person{formats(onTheme(1, 1, 1), "partner"), onTheme(2, 2, 1, "9-night"),
			onTheme(3, 3, 1), onTheme(4, 4, 1), matching.Person{ID: 5, WaitingSince: day(0)}},
		opt: matching.Options{MinCohort: 3},
		want: matching.Result{Unplaced: []matching.Unplaced{{1, matching.NoCommonTime}, {2, matching.NoCommonTime},
			{3, matching.NoCommonTime}, {4, matching.NoCommonTime}, {5, matching.TooFewOnTheme}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matching.Match(tt.people, tt.groups, tt.opt)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Match =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestMatchEmpty(t *testing.T) {
	t.Parallel()
	if got := matching.Match(nil, nil, matching.Options{}); !reflect.DeepEqual(got, matching.Result{}) {
		t.Errorf("Match(nil, nil) = %+v, want the zero Result", got)
	}
}

// NewGroupThemes is the themes of the proposals, sorted and each once: a theme with two
// proposals (two slots) is one theme; a theme with many waiting but no proposal is none.
func TestNewGroupThemes(t *testing.T) {
	t.Parallel()
	var people []matching.Person
	add := func(theme int64, slot matching.Slot, n int) {
		for range n {
			people = append(people, matching.Person{ID: int64(len(people) + 1), Theme: theme, Slots: []matching.Slot{slot}, WaitingSince: day(len(people))})
		}
	}
	add(9, "1-evening", 4)
	add(9, "3-morning", 4)
	add(2, "2-evening", 4)
	add(5, "1-evening", 1) // five wait on theme 5, but no four at one time
	add(5, "2-evening", 1)
	add(5, "3-evening", 1)
	add(5, "4-evening", 1)
	add(5, "5-evening", 1)
	r := matching.Match(people, nil, matching.Options{})
	if got, want := r.NewGroupThemes(), []int64{2, 9}; !reflect.DeepEqual(got, want) || len(r.Proposals) != 3 {
		t.Errorf("NewGroupThemes = %v of %d proposals, want %v of 3", got, len(r.Proposals), want)
	}
	if got := (matching.Result{}).NewGroupThemes(); len(got) != 0 {
		t.Errorf("no proposals: NewGroupThemes = %v", got)
	}
}
