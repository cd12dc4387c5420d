package matching_test

import (
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/matching"
)

// FuzzMatch checks the invariants of Match on instances decoded from arbitrary bytes.
func FuzzMatch(f *testing.F) {
	f.Add([]byte{0x21, 1, 0x10, 2, 3, 0x3f, 0x0f, 1, 5, 0x21, 0x02, 0})
	f.Add([]byte{0x00, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7})
	f.Add([]byte{0xff, 0xfe, 0xfd, 0xfc, 0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01, 0x00, 0x11, 0x22, 0x33})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := decodeInstance(data)
		checkResult(t, "fuzz", in, matching.Match(in.people, in.groups, in.opt))
	})
}

// decodeInstance reads an instance from data: a byte of options and group count, three bytes
// per group, then four per person, at most 64; bits choose among few themes, formats, slots and languages.
func decodeInstance(data []byte) instance {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	var in instance
	head := next()
	if head&0x80 != 0 {
		in.opt.MinCohort = 1 + int(head>>5&3)
		in.opt.MaxCohort = in.opt.MinCohort + int(head>>3&3)
	}
	for g := range int(head & 7) {
		a, b, c := next(), next(), next()
		themes := []int64{1 + int64(a&3)}
		if a&4 != 0 {
			themes = append(themes, 1+int64(a>>3&3))
		}
		in.groups = append(in.groups, matching.Group{ID: int64(100 + g), Themes: themes, Format: allFormats[b&3],
			Slot: someSlots[b>>2&3], Language: []string{"nb", "en", "", "nb"}[b>>4&3], Places: int(c & 3)})
	}
	for i := 0; len(data) > 0 && i < 64; i++ {
		a, b, c, d := next(), next(), next(), next()
		p := matching.Person{ID: int64(i + 1), Theme: 1 + int64(a&3), Formats: subset(allFormats, b&15),
			Languages: subset([]string{"nb", "en"}, b>>4&3), Slots: subset(someSlots, c&15),
			AgeBand: allBands[int(c>>4)%len(allBands)], WaitingSince: day(int(d & 15))}
		if a&4 != 0 {
			p.Theme, p.GroupID = 0, int64(100+a>>3&7)
		}
		in.people = append(in.people, p)
	}
	return in
}

// subset is the elements of from whose bits are set in mask, nil for none.
func subset[T any](from []T, mask byte) []T {
	var out []T
	for i, x := range from {
		if mask&(1<<i) != 0 {
			out = append(out, x)
		}
	}
	return out
}
