// Package matching matches people waiting for a self-help group to groups that take members,
// and proposes new groups for those still waiting. It is pure: no SQL, no HTTP, no I/O. Its
// results are proposals for staff to review; it never places anyone on its own.
//
// Match works in three steps, each deterministic (it sorts everything it walks through):
//
//  1. Placements. As many people as possible go into existing groups, and among all ways of
//     placing that many, the people who have waited longest win. The sets of people that can
//     be placed together form a transversal matroid, so taking people oldest first and keeping
//     each one for whom an augmenting path exists (moving earlier people between groups, never
//     dropping one) is exact for both aims.
//  2. Proposals. The people still waiting on a theme fall into buckets by theme, format (house
//     or digital), slot and language. The fullest bucket with at least MinCohort people gives a
//     cohort of at most MaxCohort with the narrowest age span, then loses those people from
//     every bucket; again until no bucket is full enough.
//  3. Reasons. Everyone neither placed nor proposed gets one machine reason (see Why).
package matching

import (
	"cmp"
	"slices"
	"time"
)

// Formats of a group, as groups and sign-ups store them.
const (
	House   = "house"
	Digital = "digital"
	Hybrid  = "hybrid" // meets in the house and digitally at once
	Partner = "partner"
)

// DefaultLanguage is the language of a person who named none and of a group with none.
const DefaultLanguage = "nb"

// Person is one waiting sign-up. IDs are unique within one call of Match.
type Person struct {
	ID           int64
	Theme        int64     // the theme they want (0 when they signed up for one group only)
	GroupID      int64     // a sign-up for one specific group: only that group is compatible; 0 otherwise
	Formats      []string  // acceptable formats: House, Digital, Hybrid, Partner; empty = any
	Slots        []Slot    // when they can meet; empty = any time
	Languages    []string  // e.g. "nb", "en"; empty = DefaultLanguage
	AgeBand      string    // "18-25", "26-35", "36-50", "51-66", "67+" (any "N-M" or "N+"), or "" (unknown)
	WaitingSince time.Time // who waited longest comes first; ties by ID
	Declined     []int64   // groups they were offered and declined to wait for another: never proposed again
}

// Group is an existing group that takes members. IDs are unique within one call of Match.
type Group struct {
	ID       int64
	Themes   []int64
	Format   string // House, Digital, Hybrid or Partner
	Slot     Slot   // its weekday and part of day
	Language string // "" = DefaultLanguage
	Places   int    // places left (0 or less = full)
}

// Options tune Match; the zero value gives cohorts of 4 to 8 people.
type Options struct {
	MinCohort int // fewest people to propose a new group for; 0 or less = 4
	MaxCohort int // most people in one proposal; 0 or less = 8, and never below MinCohort
}

// withDefaults fills in the documented defaults.
func (o Options) withDefaults() Options {
	if o.MinCohort <= 0 {
		o.MinCohort = 4
	}
	if o.MaxCohort <= 0 {
		o.MaxCohort = 8
	}
	o.MaxCohort = max(o.MaxCohort, o.MinCohort)
	return o
}

// Placement proposes a place for a person in an existing group.
type Placement struct{ PersonID, GroupID int64 }

// Proposal is a cohort for a new group: people who share its theme, format, slot and language.
type Proposal struct {
	Theme          int64
	Format         string // House or Digital: a new group meets in the house or digitally
	Slot           Slot
	Language       string
	People         []int64 // longest waiting first
	AgeMin, AgeMax string  // youngest and oldest known age band of the cohort ("" when all unknown)
}

// Why is the machine reason someone was left unplaced; the server turns it into words.
type Why string

// Reasons for someone left unplaced. Each person gets the first that applies:
//
//  1. Declined for a sign-up for one specific group that they said no to, waiting for
//     another, and GroupFull for any other sign-up for one specific group;
//  2. CohortFull when a proposal fitting them was made without them;
//  3. GroupFull when an existing group fits them except that it has no place left;
//  4. TooFewOnTheme when fewer than MinCohort people not placed wait for their theme;
//  5. NoCommonTime otherwise.
const (
	TooFewOnTheme Why = "too-few-on-theme" // fewer than MinCohort waiting for the theme, and no group fits
	NoCommonTime  Why = "no-common-time"   // enough on the theme, but no format/slot/language shared with MinCohort others, and no group fits
	GroupFull     Why = "group-full"       // their group, or every group that fits them, has no place left (or takes no members now)
	CohortFull    Why = "cohort-full"      // a proposal for them existed but was already at MaxCohort
	Declined      Why = "declined"         // they said no to the one group they signed up for, and wait for another
)

// Unplaced is someone neither placed nor in a proposal, and why.
type Unplaced struct {
	PersonID int64
	Why      Why
}

// Result is everything Match proposes. Placements are sorted by group, then person; proposals
// are in the order they were made (fullest bucket first); Unplaced is sorted by person.
// Every person given to Match is in exactly one of them.
type Result struct {
	Placements []Placement
	Proposals  []Proposal
	Unplaced   []Unplaced
}

// Match places people into groups where it can, proposes new groups for those it cannot, and
// says why about the rest. Its output depends only on the content of its input, not on the
// order of any slice in it.
func Match(people []Person, groups []Group, opt Options) Result {
	opt = opt.withDefaults()
	ps := slices.Clone(people)
	slices.SortFunc(ps, waitedLonger)
	gs := slices.Clone(groups)
	slices.SortFunc(gs, func(a, b Group) int { return cmp.Compare(a.ID, b.ID) })

	idx := newGroupIndex(gs)
	in := place(ps, gs, idx)
	props, proposed, cohortFull := propose(ps, in, opt)
	return Result{
		Placements: placements(ps, gs, in),
		Proposals:  props,
		Unplaced:   explain(ps, gs, idx, in, proposed, cohortFull, opt),
	}
}

// waitedLonger orders people longest waiting first, ties by ID.
func waitedLonger(a, b Person) int {
	if c := a.WaitingSince.Compare(b.WaitingSince); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// Compatible reports whether p may join g now: g has a place left, p has not declined it, and
// either p signed up for g itself, or g is on p's theme and its format, slot and language are
// among those p accepts. A hybrid group suits people who accept the house or digital meetings.
func Compatible(p Person, g Group) bool {
	return g.Places > 0 && fits(p, g)
}

// fits is Compatible without the places: whether p could join g if it had room.
func fits(p Person, g Group) bool {
	if slices.Contains(p.Declined, g.ID) {
		return false
	}
	if p.GroupID != 0 {
		return g.ID == p.GroupID
	}
	return p.Theme != 0 && slices.Contains(g.Themes, p.Theme) && formatFits(p.Formats, g.Format) &&
		(len(p.Slots) == 0 || slices.Contains(p.Slots, g.Slot)) && languageFits(p.Languages, g.Language)
}

// formatFits reports whether someone accepting formats may join a group of format f.
func formatFits(formats []string, f string) bool {
	if len(formats) == 0 || slices.Contains(formats, f) {
		return true
	}
	return f == Hybrid && (slices.Contains(formats, House) || slices.Contains(formats, Digital))
}

// languageFits reports whether someone speaking languages may join a group held in lang.
func languageFits(languages []string, lang string) bool {
	if lang == "" {
		lang = DefaultLanguage
	}
	if len(languages) == 0 {
		return lang == DefaultLanguage
	}
	return slices.Contains(languages, lang)
}

// NewGroupThemes is the one rule for "enough for a new group": the themes r proposes a new
// group for, sorted, each once. Counting the people waiting on a theme is not enough: some of
// them fit an existing group, and the rest may share no time, format or language. The
// dashboard flags these themes and the matching page lists r's proposals, so that the two
// agree when both come from one Match over the same pool.
func (r Result) NewGroupThemes() []int64 {
	themes := make([]int64, 0, len(r.Proposals))
	for _, p := range r.Proposals {
		themes = append(themes, p.Theme)
	}
	slices.Sort(themes)
	return slices.Compact(themes)
}
