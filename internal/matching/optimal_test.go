package matching_test

import (
	"cmp"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/matching"
)

// TestPlacementsOptimal compares Match's placements with a brute force over every set of
// people: the number placed must be the most any assignment can place, and the people placed
// must be the lexicographically earliest such set in waiting order (ties by ID).
func TestPlacementsOptimal(t *testing.T) {
	t.Parallel()
	nonTrivial := 0
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 2))
		in := denseInstance(r)
		slices.SortFunc(in.people, func(a, b matching.Person) int {
			return cmp.Or(a.WaitingSince.Compare(b.WaitingSince), cmp.Compare(a.ID, b.ID))
		})
		want := bestPlaced(in.people, in.groups)
		res := matching.Match(in.people, in.groups, in.opt)
		placed := map[int64]bool{}
		for _, pl := range res.Placements {
			placed[pl.PersonID] = true
		}
		var got []int64
		for _, p := range in.people {
			if placed[p.ID] {
				got = append(got, p.ID)
			}
		}
		if len(got) != len(want) {
			t.Errorf("seed %d: placed %d people %v, but %d can be placed: %v", seed, len(got), got, len(want), want)
		} else if !reflect.DeepEqual(got, want) && len(want) > 0 {
			t.Errorf("seed %d: placed %v, but the longest waiting that can be placed are %v", seed, got, want)
		}
		if len(want) > 0 && len(want) < len(in.people) {
			nonTrivial++
		}
	}
	if nonTrivial < 100 {
		t.Errorf("only %d of the instances place some but not all people: the generator is too easy", nonTrivial)
	}
}

// denseInstance makes up to 8 people and 4 groups who fit each other often, so that people
// compete for places and placing them well takes moving some of them.
func denseInstance(r *rand.Rand) instance {
	in := instance{opt: matching.Options{MinCohort: 100}} // no proposals: only placements matter here
	formats := []string{"house", "digital", "hybrid"}
	for g := range 1 + r.IntN(4) {
		in.groups = append(in.groups, matching.Group{ID: int64(100 + g), Themes: pick(r, []int64{1, 2}, 1+r.IntN(2)),
			Format: formats[r.IntN(3)], Slot: someSlots[r.IntN(2)], Places: r.IntN(3)})
	}
	for i := range 1 + r.IntN(8) {
		p := matching.Person{ID: int64(1 + r.IntN(20)), Theme: 1 + r.Int64N(2), Formats: pick(r, formats, r.IntN(3)),
			Slots: pick(r, someSlots[:2], r.IntN(2)), WaitingSince: day(r.IntN(4))}
		if r.IntN(8) == 0 {
			p.Theme, p.GroupID = 0, int64(100+r.IntN(4))
		}
		if slices.ContainsFunc(in.people, func(q matching.Person) bool { return q.ID == p.ID }) {
			p.ID = int64(100 + i) // IDs are unique; most are random, so ID order is not waiting order
		}
		in.people = append(in.people, p)
	}
	return in
}

// bestPlaced is the best set of people to place (IDs in the order of people, which is waiting
// order): of the largest sets that fit, the lexicographically earliest.
func bestPlaced(people []matching.Person, groups []matching.Group) []int64 {
	var best []int64
	for set := range uint(1) << len(people) {
		if bits.OnesCount(set) < len(best) || !fitsTogether(people, groups, set) {
			continue
		}
		var ids []int64
		for i, p := range people {
			if set&(1<<i) != 0 {
				ids = append(ids, p.ID)
			}
		}
		if len(ids) > len(best) || earlier(people, ids, best) {
			best = ids
		}
	}
	return best
}

// earlier reports whether set a comes before set b (of equal size) in the order of people.
func earlier(people []matching.Person, a, b []int64) bool {
	pos := func(id int64) int {
		return slices.IndexFunc(people, func(p matching.Person) bool { return p.ID == id })
	}
	for k := range a {
		if pa, pb := pos(a[k]), pos(b[k]); pa != pb {
			return pa < pb
		}
	}
	return false
}

// fitsTogether reports whether the people in set can all be placed at once, by trying every
// compatible group for each of them in turn.
func fitsTogether(people []matching.Person, groups []matching.Group, set uint) bool {
	left := make([]int, len(groups))
	for g := range groups {
		left[g] = groups[g].Places
	}
	var try func(i int) bool
	try = func(i int) bool {
		if i == len(people) {
			return true
		}
		if set&(1<<i) == 0 {
			return try(i + 1)
		}
		for g := range groups {
			if left[g] > 0 && matching.Compatible(people[i], groups[g]) {
				left[g]--
				ok := try(i + 1)
				left[g]++
				if ok {
					return true
				}
			}
		}
		return false
	}
	return try(0)
}

// TestCohortAgeSpan checks how a cohort is chosen from one bucket: the narrowest span of
// known age bands, people of unknown age widening none, ties by who waited longest.
func TestCohortAgeSpan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		bands    []string // of people 1, 2, … in waiting order
		max      int
		want     []int64
		min, top string
	}{
		{[]string{"18-25", "18-25", "18-25", "18-25"}, 3, []int64{1, 2, 3}, "18-25", "18-25"},
		{[]string{"67+", "18-25", "67+", "18-25", "18-25", "67+"}, 3, []int64{1, 3, 6}, "67+", "67+"},
		// No band is big enough: the span counts years, so 18 to 26 is narrower than 26 to 36 …
		{[]string{"18-25", "26-35", "26-35", "36-50", "51-66"}, 3, []int64{1, 2, 3}, "18-25", "26-35"},
		// … and 36 to 51 narrower than 18 to 36.
		{[]string{"51-66", "36-50", "36-50", "18-25"}, 3, []int64{1, 2, 3}, "36-50", "51-66"},
		// Unknown ages join any band, here the youngest, which a window sorted by band would miss.
		{[]string{"67+", "18-25", "", "51-66", "18-25", ""}, 4, []int64{2, 3, 5, 6}, "18-25", "18-25"},
		{[]string{"", "", "", ""}, 3, []int64{1, 2, 3}, "", ""},
		// Bands read from the text, whatever set sign-ups offer.
		{[]string{"30-44", "75+", "18-29", "45-59", "30-44", "xx"}, 3, []int64{1, 5, 6}, "30-44", "30-44"},
		{[]string{"18-25", "67+", "36-50"}, 8, []int64{1, 2, 3}, "18-25", "67+"},
	}
	for _, tt := range tests {
		var people []matching.Person
		for i, b := range tt.bands {
			people = append(people, matching.Person{ID: int64(i + 1), Theme: 1, Formats: []string{"house"},
				Slots: []matching.Slot{"4-evening"}, AgeBand: b, WaitingSince: day(i)})
		}
		got := matching.Match(people, nil, matching.Options{MinCohort: 1, MaxCohort: tt.max})
		name := fmt.Sprintf("bands %q, at most %d", tt.bands, tt.max)
		if len(got.Proposals) == 0 {
			t.Errorf("%s: no proposal", name)
			continue
		}
		p := got.Proposals[0]
		if !reflect.DeepEqual(p.People, tt.want) || p.AgeMin != tt.min || p.AgeMax != tt.top {
			t.Errorf("%s: first cohort %v aged %q–%q, want %v aged %q–%q", name, p.People, p.AgeMin, p.AgeMax, tt.want, tt.min, tt.top)
		}
	}
}
