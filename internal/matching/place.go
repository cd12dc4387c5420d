package matching

import (
	"cmp"
	"slices"
)

// groupIndex finds groups (indices into the groups sorted by ID) by ID and by theme.
type groupIndex struct {
	byID    map[int64]int32
	byTheme map[int64][]int32 // in ID order, each group once
}

// newGroupIndex indexes gs, which are sorted by ID; of two groups with one ID the first counts.
func newGroupIndex(gs []Group) groupIndex {
	x := groupIndex{byID: make(map[int64]int32, len(gs)), byTheme: make(map[int64][]int32)}
	for i, g := range gs {
		if _, dup := x.byID[g.ID]; dup {
			continue
		}
		x.byID[g.ID] = int32(i)
		for _, t := range g.Themes {
			if list := x.byTheme[t]; len(list) == 0 || list[len(list)-1] != int32(i) {
				x.byTheme[t] = append(list, int32(i))
			}
		}
	}
	return x
}

// candidates are the groups that may fit p: its own group, or the groups on its theme.
func (x groupIndex) candidates(p Person) []int32 {
	if p.GroupID != 0 {
		if g, ok := x.byID[p.GroupID]; ok {
			return []int32{g}
		}
		return nil
	}
	return x.byTheme[p.Theme]
}

// placer grows a placement of people into groups one person at a time along augmenting paths.
// People and groups are indices into the sorted slices given to place.
type placer struct {
	places  []int     // per group
	members [][]int32 // per group: the people placed in it
	in      []int32   // per person: their group, or -1
	start   []int32   // person i may join the groups adj[start[i]:start[i+1]]
	adj     []int32

	// dead groups are full, and so are all groups their members could move to: a search
	// that failed proves this, and no later placement can change it, so no later search
	// need enter them again. This keeps a long queue of unplaceable people cheap.
	dead  []bool
	seen  []uint32 // per group: the search that last reached it
	epoch uint32
	from  []int32 // per group reached: the group the search came from, or -1 at the start
	moved []int32 // per group reached: the person who would move into it from there
	queue []int32
}

// place assigns people (sorted longest waiting first) to groups (sorted by ID): the most
// people possible, and of those, the lexicographically earliest set in waiting order. It
// returns each person's group, or -1.
//
// Greedy over a matroid picks the lexicographically earliest basis, and the people that can
// be placed together are the independent sets of a transversal matroid; a basis is a maximum
// placement. Keeping each person for whom an augmenting path exists is exactly that greedy.
func place(ps []Person, gs []Group, idx groupIndex) []int32 {
	pl := newPlacer(ps, gs, idx)
	for i := range ps {
		pl.augment(int32(i))
	}
	return pl.in
}

// newPlacer lists the groups compatible with each person, in group order.
func newPlacer(ps []Person, gs []Group, idx groupIndex) *placer {
	pl := &placer{
		places:  make([]int, len(gs)),
		members: make([][]int32, len(gs)),
		in:      make([]int32, len(ps)),
		start:   make([]int32, len(ps)+1),
		dead:    make([]bool, len(gs)),
		seen:    make([]uint32, len(gs)),
		from:    make([]int32, len(gs)),
		moved:   make([]int32, len(gs)),
	}
	for g := range gs {
		pl.places[g] = max(gs[g].Places, 0)
	}
	for i, p := range ps {
		pl.in[i] = -1
		pl.start[i] = index32(len(pl.adj))
		for _, g := range idx.candidates(p) {
			if Compatible(p, gs[g]) {
				pl.adj = append(pl.adj, g)
			}
		}
	}
	pl.start[len(ps)] = index32(len(pl.adj))
	return pl
}

// groupsOf are the groups person i may join.
func (pl *placer) groupsOf(i int32) []int32 { return pl.adj[pl.start[i]:pl.start[i+1]] }

// augment places person i if a path exists that ends in a group with a free place, moving
// people already placed along it; breadth first, groups and members in a fixed order.
func (pl *placer) augment(i int32) bool {
	pl.epoch++
	pl.queue = pl.queue[:0]
	for _, g := range pl.groupsOf(i) {
		if pl.reach(g, -1, -1) {
			pl.shift(i, g)
			return true
		}
	}
	for head := 0; head < len(pl.queue); head++ {
		g := pl.queue[head]
		for _, q := range pl.members[g] {
			for _, h := range pl.groupsOf(q) {
				if pl.reach(h, g, q) {
					pl.shift(i, h)
					return true
				}
			}
		}
	}
	for _, g := range pl.queue {
		pl.dead[g] = true
	}
	return false
}

// reach records that the search reached group g from group from by moving person q, and
// reports whether g has a free place; a full group is queued to search further from.
func (pl *placer) reach(g, from, q int32) bool {
	if pl.dead[g] || pl.seen[g] == pl.epoch {
		return false
	}
	pl.seen[g], pl.from[g], pl.moved[g] = pl.epoch, from, q
	if len(pl.members[g]) < pl.places[g] {
		return true
	}
	pl.queue = append(pl.queue, g)
	return false
}

// shift walks the path back from group g, which has a free place: each person on it moves
// one group on, and person i takes the first group.
func (pl *placer) shift(i, g int32) {
	for pl.from[g] >= 0 {
		q, from := pl.moved[g], pl.from[g]
		pl.leave(q, from)
		pl.join(q, g)
		g = from
	}
	pl.join(i, g)
}

// join places person q in group g.
func (pl *placer) join(q, g int32) {
	pl.members[g] = append(pl.members[g], q)
	pl.in[q] = g
}

// leave takes person q out of group g.
func (pl *placer) leave(q, g int32) {
	m := pl.members[g]
	k := slices.Index(m, q)
	m[k] = m[len(m)-1]
	pl.members[g] = m[:len(m)-1]
	pl.in[q] = -1
}

// placements lists who goes where, by group, then person.
func placements(ps []Person, gs []Group, in []int32) []Placement {
	var out []Placement
	for i, g := range in {
		if g >= 0 {
			out = append(out, Placement{PersonID: ps[i].ID, GroupID: gs[g].ID})
		}
	}
	slices.SortFunc(out, func(a, b Placement) int {
		return cmp.Or(cmp.Compare(a.GroupID, b.GroupID), cmp.Compare(a.PersonID, b.PersonID))
	})
	return out
}
