package matching

import (
	"cmp"
	"math"
	"slices"
)

// newFormats are the formats of a proposed group, in key order.
var newFormats = [...]string{House, Digital}

// pool is the people who may start a new group, in buckets: one bucket per theme, new
// format, slot and language, holding everyone who fits that combination. People and buckets
// are indices; people are in waiting order, so every bucket lists its people in that order.
type pool struct {
	ps      []Person
	themes  []int64  // the themes present, sorted
	langs   []string // the languages present, sorted
	key     []uint64 // per bucket: theme, format, slot, language packed so that keys sort in that order
	members [][]int32
	count   []int32 // per bucket: people in it not yet proposed
	start   []int32 // person i is in buckets of[start[i]:start[i+1]]
	of      []int32
	taken   []bool // per person: in a proposal
}

// propose makes proposals from the people not placed (in[i] < 0) who wait on a theme. It
// returns them, and per person whether they are in one and whether they were left out of one
// that fitted them.
func propose(ps []Person, in []int32, opt Options) (props []Proposal, proposed, cohortFull []bool) {
	pl := newPool(ps, in)
	cohortFull = make([]bool, len(ps))
	h := bucketHeap{key: pl.key}
	for b, c := range pl.count {
		if int(c) >= opt.MinCohort {
			h.push(heapEntry{count: c, bucket: int32(b)})
		}
	}
	for len(h.entries) > 0 {
		e := h.pop()
		c := pl.count[e.bucket]
		if int(c) < opt.MinCohort {
			continue
		}
		if c != e.count { // people left since it was queued: queue it again as it is now
			h.push(heapEntry{count: c, bucket: e.bucket})
			continue
		}
		members := pl.remaining(e.bucket)
		chosen := chooseCohort(ps, members, opt.MaxCohort)
		for _, m := range members {
			cohortFull[m] = true // undone below for the chosen
		}
		for _, m := range chosen {
			cohortFull[m] = false
			pl.take(m)
		}
		props = append(props, pl.proposal(e.bucket, chosen))
		if int(pl.count[e.bucket]) >= opt.MinCohort {
			h.push(heapEntry{count: pl.count[e.bucket], bucket: e.bucket})
		}
	}
	return props, pl.taken, cohortFull
}

// newPool puts each person not placed, waiting on a theme, into every bucket they fit.
func newPool(ps []Person, in []int32) *pool {
	pl := &pool{ps: ps, start: make([]int32, len(ps)+1), taken: make([]bool, len(ps))}
	waiting := func(i int) bool { return in[i] < 0 && ps[i].GroupID == 0 && ps[i].Theme != 0 }
	themeIdx, langIdx := map[int64]int{}, map[string]int{}
	for i, p := range ps {
		if waiting(i) {
			themeIdx[p.Theme] = 0
			for _, l := range personLanguages(p) {
				langIdx[l] = 0
			}
		}
	}
	pl.themes, pl.langs = sortedKeys(themeIdx), sortedKeys(langIdx)
	bucketOf := map[uint64]int32{}
	var langs []int
	for i, p := range ps {
		pl.start[i] = index32(len(pl.of))
		if !waiting(i) {
			continue
		}
		langs = langs[:0]
		for _, l := range personLanguages(p) {
			if !slices.Contains(langs, langIdx[l]) {
				langs = append(langs, langIdx[l])
			}
		}
		// #nosec G115 -- sortedKeys numbers the themes from 0, never negative
		pl.add(index32(i), uint64(themeIdx[p.Theme]), newFormatMask(p.Formats), slotMask(p.Slots), langs, bucketOf)
	}
	pl.start[len(ps)] = index32(len(pl.of))
	return pl
}

// add puts person i, waiting on the theme numbered t, into the buckets of every new format,
// slot and language (numbered) they accept, making the buckets that are not there yet.
func (pl *pool) add(i int32, t, formats uint64, slots uint32, langs []int, bucketOf map[uint64]int32) {
	nLang := uint64(len(pl.langs))
	for f := range uint64(len(newFormats)) {
		for s := range uint64(slotsPerWeek) {
			if formats&(1<<f) == 0 || slots&(1<<s) == 0 {
				continue
			}
			for _, l := range langs {
				k := ((t*uint64(len(newFormats))+f)*slotsPerWeek+s)*nLang + uint64(l) // #nosec G115 -- l is a language number from sortedKeys, never negative
				b, ok := bucketOf[k]
				if !ok {
					b = index32(len(pl.key))
					bucketOf[k] = b
					pl.key, pl.members, pl.count = append(pl.key, k), append(pl.members, nil), append(pl.count, 0)
				}
				pl.members[b] = append(pl.members[b], i)
				pl.count[b]++
				pl.of = append(pl.of, b)
			}
		}
	}
}

// personLanguages are the languages p speaks: DefaultLanguage when they named none.
func personLanguages(p Person) []string {
	if len(p.Languages) == 0 {
		return []string{DefaultLanguage}
	}
	return p.Languages
}

// newFormatMask is the set of new formats (bits by index in newFormats) someone accepting
// formats would join: accepting hybrid meetings means accepting both; none named means any.
func newFormatMask(formats []string) uint64 {
	if len(formats) == 0 {
		return 1<<len(newFormats) - 1
	}
	var m uint64
	for _, f := range formats {
		switch f {
		case House:
			m |= 1
		case Digital:
			m |= 2
		case Hybrid:
			m |= 3
		}
	}
	return m
}

// index32 is the length or index n as an int32: the matcher keeps its indices in int32 to
// halve their memory. Past 2³¹ entries it stops rather than wrap around; that many would
// take tens of gigabytes, so it does not happen with any real waiting list.
func index32(n int) int32 {
	if n < 0 || n > math.MaxInt32 {
		panic("matching: more entries than an int32 index can hold")
	}
	return int32(n)
}

// sortedKeys numbers the keys of m in sorted order, in m, and returns them sorted.
func sortedKeys[K cmp.Ordered](m map[K]int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		m[k] = i
	}
	return keys
}

// remaining drops the people already proposed from bucket b and returns the rest.
func (pl *pool) remaining(b int32) []int32 {
	pl.members[b] = slices.DeleteFunc(pl.members[b], func(i int32) bool { return pl.taken[i] })
	return pl.members[b]
}

// take puts person i into a proposal, out of all their buckets.
func (pl *pool) take(i int32) {
	pl.taken[i] = true
	for _, b := range pl.of[pl.start[i]:pl.start[i+1]] {
		pl.count[b]--
	}
}

// proposal describes the cohort chosen, in waiting order, from bucket b.
func (pl *pool) proposal(b int32, chosen []int32) Proposal {
	k, nLang := pl.key[b], uint64(len(pl.langs))
	l, k := k%nLang, k/nLang
	s, k := k%slotsPerWeek, k/slotsPerWeek
	f, t := k%uint64(len(newFormats)), k/uint64(len(newFormats))
	p := Proposal{Theme: pl.themes[t], Format: newFormats[f], Slot: slotAt(int(s)), Language: pl.langs[l]}
	for _, i := range chosen {
		p.People = append(p.People, pl.ps[i].ID)
	}
	p.AgeMin, p.AgeMax = ageRange(pl.ps, chosen)
	return p
}

// heapEntry is a bucket queued with the count it had then.
type heapEntry struct{ count, bucket int32 }

// bucketHeap queues buckets fullest first, ties by key. Counts only fall, so an entry's count
// is never below its bucket's; one whose count is still right is the true fullest.
type bucketHeap struct {
	entries []heapEntry
	key     []uint64
}

// before orders entries in the heap.
func (h *bucketHeap) before(a, b heapEntry) bool {
	if a.count != b.count {
		return a.count > b.count
	}
	return h.key[a.bucket] < h.key[b.bucket]
}

// push adds e.
func (h *bucketHeap) push(e heapEntry) {
	h.entries = append(h.entries, e)
	for i := len(h.entries) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.before(h.entries[i], h.entries[parent]) {
			break
		}
		h.entries[i], h.entries[parent] = h.entries[parent], h.entries[i]
		i = parent
	}
}

// pop removes and returns the first entry.
func (h *bucketHeap) pop() heapEntry {
	top, n := h.entries[0], len(h.entries)-1
	h.entries[0] = h.entries[n]
	h.entries = h.entries[:n]
	for i := 0; ; {
		first, l, r := i, 2*i+1, 2*i+2
		if l < n && h.before(h.entries[l], h.entries[first]) {
			first = l
		}
		if r < n && h.before(h.entries[r], h.entries[first]) {
			first = r
		}
		if first == i {
			return top
		}
		h.entries[i], h.entries[first] = h.entries[first], h.entries[i]
		i = first
	}
}
