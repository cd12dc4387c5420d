package matching_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/matching"
)

var (
	allFormats = []string{"house", "digital", "hybrid", "partner"}
	allBands   = []string{"", "18-25", "26-35", "36-50", "51-66", "67+"}
	someSlots  = []matching.Slot{"1-morning", "1-evening", "3-afternoon", "5-evening"}
)

// instance is one input to Match.
type instance struct {
	people []matching.Person
	groups []matching.Group
	opt    matching.Options
}

// randomInstance makes a small, dense instance: few themes, slots and days of waiting, so
// that people compete for places, share buckets and tie on waiting time.
func randomInstance(r *rand.Rand, maxPeople, maxGroups, maxPlaces int) instance {
	var in instance
	for g := range r.IntN(maxGroups + 1) {
		in.groups = append(in.groups, matching.Group{ID: int64(100 + g), Themes: pick(r, []int64{1, 2, 3}, 1+r.IntN(2)),
			Format: allFormats[r.IntN(4)], Slot: someSlots[r.IntN(len(someSlots))],
			Language: []string{"nb", "nb", "en", ""}[r.IntN(4)], Places: r.IntN(maxPlaces + 1)})
	}
	for i := range r.IntN(maxPeople + 1) {
		p := matching.Person{ID: int64(i + 1), Theme: 1 + r.Int64N(3), AgeBand: allBands[r.IntN(len(allBands))],
			Formats: pick(r, allFormats, r.IntN(3)), Slots: pick(r, someSlots, r.IntN(3)),
			Languages: pick(r, []string{"nb", "en"}, r.IntN(3)), WaitingSince: day(r.IntN(10))}
		if r.IntN(6) == 0 {
			p.Theme, p.GroupID = 0, int64(100+r.IntN(maxGroups+2)) // sometimes a group that is not there
		}
		if r.IntN(3) == 0 { // declined offers, sometimes of a group that is not there
			for range 1 + r.IntN(3) {
				p.Declined = append(p.Declined, int64(100+r.IntN(maxGroups+2)))
			}
		}
		in.people = append(in.people, p)
	}
	if r.IntN(2) == 0 {
		in.opt.MinCohort = 1 + r.IntN(4)
		in.opt.MaxCohort = in.opt.MinCohort + r.IntN(4)
	}
	return in
}

// pick is n distinct elements of from in random order (nil for none).
func pick[T any](r *rand.Rand, from []T, n int) []T {
	var out []T
	for _, i := range r.Perm(len(from))[:min(n, len(from))] {
		out = append(out, from[i])
	}
	return out
}

// shuffled is in with every slice in it, outer and inner, in another order.
func shuffled(r *rand.Rand, in instance) instance {
	out := instance{opt: in.opt}
	for _, i := range r.Perm(len(in.people)) {
		p := in.people[i]
		p.Formats, p.Slots, p.Languages = pick(r, p.Formats, len(p.Formats)), pick(r, p.Slots, len(p.Slots)), pick(r, p.Languages, len(p.Languages))
		p.Declined = pick(r, p.Declined, len(p.Declined))
		out.people = append(out.people, p)
	}
	for _, i := range r.Perm(len(in.groups)) {
		g := in.groups[i]
		g.Themes = pick(r, g.Themes, len(g.Themes))
		out.groups = append(out.groups, g)
	}
	return out
}

func TestMatchProperties(t *testing.T) {
	t.Parallel()
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 1))
		in := randomInstance(r, 60, 12, 3)
		res := matching.Match(in.people, in.groups, in.opt)
		checkResult(t, fmt.Sprintf("seed %d", seed), in, res)
		if again := matching.Match(in.people, in.groups, in.opt); !reflect.DeepEqual(res, again) {
			t.Errorf("seed %d: a second run gave another result", seed)
		}
		s := shuffled(r, in)
		if other := matching.Match(s.people, s.groups, s.opt); !reflect.DeepEqual(res, other) {
			t.Errorf("seed %d: shuffled input gave another result:\n%+v\nwant\n%+v", seed, other, res)
		}
	}
}

// checkResult checks every invariant of Match's result for in.
func checkResult(t *testing.T, name string, in instance, res matching.Result) {
	t.Helper()
	minC := cmp.Or(in.opt.MinCohort, 4)
	maxC := max(cmp.Or(in.opt.MaxCohort, 8), minC)
	people := map[int64]matching.Person{}
	for _, p := range in.people {
		people[p.ID] = p
	}
	groups := map[int64]matching.Group{}
	for _, g := range in.groups {
		groups[g.ID] = g
	}
	seen := map[int64]string{}
	once := func(id int64, where string) {
		if _, ok := people[id]; !ok {
			t.Errorf("%s: %s names person %d, who is not in the input", name, where, id)
		} else if before, dup := seen[id]; dup {
			t.Errorf("%s: person %d is in %s and in %s", name, id, before, where)
		}
		seen[id] = where
	}
	placed := map[int64]int{}
	for _, pl := range res.Placements {
		once(pl.PersonID, "a placement")
		placed[pl.GroupID]++
		if slices.Contains(people[pl.PersonID].Declined, pl.GroupID) {
			t.Errorf("%s: placement %+v places a person into a group they declined", name, pl)
		}
		if g, ok := groups[pl.GroupID]; !ok || !matching.Compatible(people[pl.PersonID], g) {
			t.Errorf("%s: placement %+v is not compatible", name, pl)
		} else if placed[g.ID] > g.Places {
			t.Errorf("%s: group %d has %d places and got %d people", name, g.ID, g.Places, placed[g.ID])
		}
	}
	checkSorted(t, name, res)
	for _, prop := range res.Proposals {
		if n := len(prop.People); n < minC || n > maxC {
			t.Errorf("%s: proposal %+v has %d people, want %d to %d", name, prop, n, minC, maxC)
		}
		for _, id := range prop.People {
			once(id, "a proposal")
			if !fitsProposal(people[id], prop) {
				t.Errorf("%s: person %+v does not fit proposal %+v", name, people[id], prop)
			}
		}
		checkCohort(t, name, prop, people)
	}
	for _, u := range res.Unplaced {
		once(u.PersonID, "unplaced")
	}
	if len(seen) != len(people) {
		t.Errorf("%s: %d of %d people are in the result", name, len(seen), len(people))
	}
	checkLeftover(t, name, in, res, placed, minC)
	checkReasons(t, name, in, res, minC, maxC)
}

// fitsProposal reports whether p may join the new group prop describes.
func fitsProposal(p matching.Person, prop matching.Proposal) bool {
	langs := p.Languages
	if len(langs) == 0 {
		langs = []string{"nb"}
	}
	return p.GroupID == 0 && p.Theme == prop.Theme && (prop.Format == "house" || prop.Format == "digital") &&
		(len(p.Formats) == 0 || slices.Contains(p.Formats, prop.Format) || slices.Contains(p.Formats, "hybrid")) &&
		(len(p.Slots) == 0 || slices.Contains(p.Slots, prop.Slot)) && prop.Slot.Valid() && slices.Contains(langs, prop.Language)
}

// checkSorted checks that placements go by group then person, and the unplaced by person.
func checkSorted(t *testing.T, name string, res matching.Result) {
	t.Helper()
	if !slices.IsSortedFunc(res.Placements, func(a, b matching.Placement) int {
		return cmp.Or(cmp.Compare(a.GroupID, b.GroupID), cmp.Compare(a.PersonID, b.PersonID))
	}) {
		t.Errorf("%s: placements not sorted: %v", name, res.Placements)
	}
	if !slices.IsSortedFunc(res.Unplaced, func(a, b matching.Unplaced) int { return cmp.Compare(a.PersonID, b.PersonID) }) {
		t.Errorf("%s: unplaced not sorted: %v", name, res.Unplaced)
	}
}

// checkCohort checks that a proposal lists its people longest waiting first and names the
// youngest and oldest age band among them.
func checkCohort(t *testing.T, name string, prop matching.Proposal, people map[int64]matching.Person) {
	t.Helper()
	minAge, maxAge := "", ""
	for k, id := range prop.People {
		p := people[id]
		if k > 0 {
			if q := people[prop.People[k-1]]; cmp.Or(q.WaitingSince.Compare(p.WaitingSince), cmp.Compare(q.ID, p.ID)) > 0 {
				t.Errorf("%s: proposal %v is not longest waiting first", name, prop.People)
			}
		}
		if a := bandAge(p.AgeBand); a >= 0 {
			if minAge == "" || a < bandAge(minAge) {
				minAge = p.AgeBand
			}
			if a > bandAge(maxAge) {
				maxAge = p.AgeBand
			}
		}
	}
	if prop.AgeMin != minAge || prop.AgeMax != maxAge {
		t.Errorf("%s: proposal %v has ages %q–%q, want %q–%q", name, prop.People, prop.AgeMin, prop.AgeMax, minAge, maxAge)
	}
}

// bandAge is the youngest age of a band, -1 when unknown.
func bandAge(band string) int {
	n, err := strconv.Atoi(strings.TrimRight(strings.Split(band, "-")[0], "+"))
	if err != nil {
		return -1
	}
	return n
}

// checkLeftover checks that nothing obvious was left undone: no unplaced person fits a group
// with a place still free, and no MinCohort unplaced people share a theme, new format, slot
// and language.
func checkLeftover(t *testing.T, name string, in instance, res matching.Result, placed map[int64]int, minC int) {
	t.Helper()
	unplaced := map[int64]bool{}
	for _, u := range res.Unplaced {
		unplaced[u.PersonID] = true
	}
	buckets := map[string]int{}
	for _, p := range in.people {
		if !unplaced[p.ID] {
			continue
		}
		for _, g := range in.groups {
			if matching.Compatible(p, g) && placed[g.ID] < g.Places {
				t.Errorf("%s: person %d is unplaced but group %d fits and has a free place", name, p.ID, g.ID)
			}
		}
		for _, prop := range everyProposal(p) {
			buckets[fmt.Sprint(prop.Theme, prop.Format, prop.Slot, prop.Language)]++
		}
	}
	for key, n := range buckets {
		if n >= minC {
			t.Errorf("%s: %d unplaced people share %s, and MinCohort is %d", name, n, key, minC)
		}
	}
}

// everyProposal lists the new groups person p could join (with no people).
func everyProposal(p matching.Person) []matching.Proposal {
	var out []matching.Proposal
	for _, f := range []string{"house", "digital"} {
		for d := 1; d <= 7; d++ {
			for _, part := range []string{"morning", "afternoon", "evening"} {
				for _, l := range []string{"nb", "en"} {
					prop := matching.Proposal{Theme: p.Theme, Format: f, Slot: matching.Slot(fmt.Sprintf("%d-%s", d, part)), Language: l}
					if fitsProposal(p, prop) {
						out = append(out, prop)
					}
				}
			}
		}
	}
	return out
}

// checkReasons checks each unplaced person's reason against its documented meaning.
func checkReasons(t *testing.T, name string, in instance, res matching.Result, minC, maxC int) {
	t.Helper()
	isPlaced := map[int64]bool{}
	for _, pl := range res.Placements {
		isPlaced[pl.PersonID] = true
	}
	onTheme := map[int64]int{}
	for _, p := range in.people {
		if !isPlaced[p.ID] && p.GroupID == 0 {
			onTheme[p.Theme]++
		}
	}
	people := map[int64]matching.Person{}
	for _, p := range in.people {
		people[p.ID] = p
	}
	for _, u := range res.Unplaced {
		p := people[u.PersonID]
		fullFit := slices.ContainsFunc(in.groups, func(g matching.Group) bool {
			g.Places = 1 // whether it fits, full or not
			return matching.Compatible(p, g)
		})
		cohortFull := slices.ContainsFunc(res.Proposals, func(prop matching.Proposal) bool {
			return len(prop.People) == maxC && fitsProposal(p, prop)
		})
		var ok bool
		switch u.Why {
		case matching.Declined:
			ok = p.GroupID != 0 && slices.Contains(p.Declined, p.GroupID)
		case matching.GroupFull:
			ok = p.GroupID != 0 && !slices.Contains(p.Declined, p.GroupID) || p.GroupID == 0 && fullFit && !cohortFull
		case matching.CohortFull:
			ok = p.GroupID == 0 && cohortFull
		case matching.TooFewOnTheme:
			ok = p.GroupID == 0 && !fullFit && !cohortFull && onTheme[p.Theme] < minC
		case matching.NoCommonTime:
			ok = p.GroupID == 0 && !fullFit && !cohortFull && onTheme[p.Theme] >= minC
		}
		if !ok {
			t.Errorf("%s: person %+v is unplaced for %q, which does not hold", name, p, u.Why)
		}
	}
}
