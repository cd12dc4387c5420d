package matching

import (
	"slices"
	"strconv"
	"strings"
)

// ageFrom is the youngest age in an age band: 26 for "26-35", 67 for "67+". It reports false
// for "" and anything else it cannot read, which counts as unknown. Reading the band rather
// than looking it up keeps matching right for any set of bands sign-ups may offer.
func ageFrom(band string) (int, bool) {
	digits := band
	if i := strings.IndexAny(band, "-+"); i > 0 {
		digits = band[:i]
	}
	if digits == "" || digits[0] < '0' || digits[0] > '9' {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	return n, err == nil
}

// chooseCohort chooses up to size people from members (in waiting order) for a new group: the
// ones whose known age bands span the fewest years (from the youngest age of the youngest band
// to that of the oldest), and of those the lexicographically earliest in waiting order. People
// of unknown age widen no span. It returns them in waiting order.
//
// Only the span of bands counts, so it is enough to try each range of bands present: the best
// cohort within a range is its size longest waiting people (unknown age included), and the
// best range is the narrowest with enough people, ties by that cohort.
func chooseCohort(ps []Person, members []int32, size int) []int32 {
	k := min(size, len(members))
	ages := make([]int, len(members)) // -1 = unknown
	var known []int
	for j, i := range members {
		ages[j] = -1
		if a, ok := ageFrom(ps[i].AgeBand); ok {
			ages[j] = a
			known = append(known, a)
		}
	}
	slices.Sort(known)
	known = slices.Compact(known)
	if len(known) == 0 {
		return slices.Clone(members[:k])
	}
	var best []int32
	bestSpan := 0
	for lo, young := range known {
		for _, old := range known[lo:] {
			if best != nil && old-young > bestSpan {
				break
			}
			c := firstWithin(members, ages, young, old, k)
			if len(c) < k {
				continue
			}
			if best == nil || old-young < bestSpan || slices.Compare(c, best) < 0 {
				best, bestSpan = c, old-young
			}
		}
	}
	return best
}

// firstWithin is the first k members (fewer if there are not so many) whose age is unknown or
// within [young, old].
func firstWithin(members []int32, ages []int, young, old, k int) []int32 {
	c := make([]int32, 0, k)
	for j, i := range members {
		if len(c) == k {
			break
		}
		if a := ages[j]; a < 0 || (a >= young && a <= old) {
			c = append(c, i)
		}
	}
	return c
}

// ageRange is the youngest and the oldest known age band of the people chosen.
func ageRange(ps []Person, chosen []int32) (youngest, oldest string) {
	lo, hi := -1, -1
	for _, i := range chosen {
		a, ok := ageFrom(ps[i].AgeBand)
		if !ok {
			continue
		}
		if lo < 0 || a < lo {
			lo, youngest = a, ps[i].AgeBand
		}
		if a > hi {
			hi, oldest = a, ps[i].AgeBand
		}
	}
	return youngest, oldest
}
