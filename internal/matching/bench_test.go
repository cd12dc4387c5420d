package matching_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/matching"
)

// realistic makes a waiting list of n people and m groups that looks like the house's: about
// 30 themes, some more wanted than others; most people accept one to three formats and name
// two to six slots (three in ten name none); mostly Norwegian; one in ten signed up for one
// group; groups have 0 to 3 places left; people have waited up to two years.
func realistic(seed uint64, n, m int) instance {
	r := rand.New(rand.NewPCG(seed, 42))
	const themes = 30
	theme := func() int64 { return 1 + int64(r.IntN(themes)*r.IntN(themes)/themes) } // low IDs wanted more
	slot := func() matching.Slot {
		parts := []string{"morning", "afternoon", "evening", "evening"}
		return matching.Slot(string(rune('1'+r.IntN(7))) + "-" + parts[r.IntN(len(parts))])
	}
	formats := []string{"house", "house", "digital", "hybrid", "partner"}
	var in instance
	for g := range m {
		grp := matching.Group{ID: int64(g + 1), Themes: []int64{theme()}, Format: formats[r.IntN(len(formats))],
			Slot: slot(), Language: "nb", Places: r.IntN(4)}
		if r.IntN(4) == 0 {
			grp.Themes = append(grp.Themes, theme())
		}
		if r.IntN(10) == 0 {
			grp.Language = "en"
		}
		in.groups = append(in.groups, grp)
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		p := matching.Person{ID: int64(i + 1), Theme: theme(), AgeBand: allBands[r.IntN(len(allBands))],
			WaitingSince: now.Add(-time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))}
		if r.IntN(10) == 0 {
			p.Theme, p.GroupID = 0, 1+r.Int64N(int64(m))
		}
		for range 1 + r.IntN(3) {
			p.Formats = append(p.Formats, formats[r.IntN(len(formats))])
		}
		if r.IntN(10) >= 3 {
			for range 2 + r.IntN(5) {
				p.Slots = append(p.Slots, slot())
			}
		}
		switch r.IntN(20) {
		case 0:
			p.Languages = []string{"en"}
		case 1, 2:
			p.Languages = []string{"nb", "en"}
		default:
			p.Languages = []string{"nb"}
		}
		in.people = append(in.people, p)
	}
	return in
}

func BenchmarkMatch10kPeople1kGroups(b *testing.B) { benchmarkMatch(b, 10_000, 1_000) }

func BenchmarkMatch1kPeople100Groups(b *testing.B) { benchmarkMatch(b, 1_000, 100) }

// benchmarkMatch measures Match on a realistic instance of n people and m groups.
func benchmarkMatch(b *testing.B, n, m int) { benchmarkInstance(b, realistic(1, n, m)) }

// benchmarkInstance measures Match on in, and reports how many it placed and proposed, so a
// faster run that does less shows.
func benchmarkInstance(b *testing.B, in instance) {
	var res matching.Result
	b.ReportAllocs()
	for b.Loop() {
		res = matching.Match(in.people, in.groups, in.opt)
	}
	proposed := 0
	for _, p := range res.Proposals {
		proposed += len(p.People)
	}
	b.ReportMetric(float64(len(res.Placements)), "placed")
	b.ReportMetric(float64(proposed), "proposed")
	b.ReportMetric(float64(len(res.Proposals)), "proposals")
}

// BenchmarkMatch10kAnyTime is the heaviest case of 10k×1k: nobody limits formats or slots, so
// everyone fits every group on their theme and 42 buckets per language.
func BenchmarkMatch10kAnyTime(b *testing.B) {
	in := realistic(1, 10_000, 1_000)
	for i := range in.people {
		in.people[i].Formats, in.people[i].Slots = nil, nil
	}
	benchmarkInstance(b, in)
}
