package matching

import (
	"cmp"
	"slices"
)

// explain gives everyone neither placed nor proposed a reason, by the rule documented with
// the reasons, and sorts them by person.
func explain(ps []Person, gs []Group, idx groupIndex, in []int32, proposed, cohortFull []bool, opt Options) []Unplaced {
	onTheme := map[int64]int{} // people not placed per theme, proposed or not
	for i, p := range ps {
		if in[i] < 0 && p.GroupID == 0 {
			onTheme[p.Theme]++
		}
	}
	var out []Unplaced
	for i, p := range ps {
		if in[i] >= 0 || proposed[i] {
			continue
		}
		out = append(out, Unplaced{PersonID: p.ID, Why: why(p, gs, idx, cohortFull[i], onTheme[p.Theme], opt)})
	}
	slices.SortFunc(out, func(a, b Unplaced) int { return cmp.Compare(a.PersonID, b.PersonID) })
	return out
}

// why is the reason person p, who waits on the theme with onTheme people not placed, was
// neither placed nor proposed.
func why(p Person, gs []Group, idx groupIndex, cohortFull bool, onTheme int, opt Options) Why {
	switch {
	case p.GroupID != 0 && slices.Contains(p.Declined, p.GroupID):
		return Declined
	case p.GroupID != 0:
		return GroupFull
	case cohortFull:
		return CohortFull
	case slices.ContainsFunc(idx.candidates(p), func(g int32) bool { return fits(p, gs[g]) }):
		return GroupFull
	case p.Theme == 0 || onTheme < opt.MinCohort:
		return TooFewOnTheme
	default:
		return NoCommonTime
	}
}
