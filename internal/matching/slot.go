package matching

import "strconv"

// Slot is a weekday and part of day, as sign-ups store availability: "1-morning" … "7-evening"
// (ISO weekday 1=Monday; parts: morning, afternoon, evening).
type Slot string

// slotsPerWeek is the number of distinct slots: 7 weekdays × 3 parts of day.
const slotsPerWeek = 21

// dayParts are the parts of a day in the order they come.
var dayParts = [...]string{"morning", "afternoon", "evening"}

// Valid reports whether s names a weekday and a part of day.
func (s Slot) Valid() bool {
	_, ok := s.index()
	return ok
}

// index numbers a valid slot 0…20 in the order of the week: Monday morning first.
func (s Slot) index() (int, bool) {
	if len(s) < 3 || s[0] < '1' || s[0] > '7' || s[1] != '-' {
		return 0, false
	}
	for i, part := range dayParts {
		if string(s[2:]) == part {
			return int(s[0]-'1')*len(dayParts) + i, true
		}
	}
	return 0, false
}

// slotAt is the slot numbered i by index.
func slotAt(i int) Slot {
	return Slot(strconv.Itoa(1+i/len(dayParts)) + "-" + dayParts[i%len(dayParts)])
}

// slotMask is the set of valid slots in slots, as bits by index; no slots at all means any.
// Invalid slots are left out: someone who named only those fits no new group.
func slotMask(slots []Slot) uint32 {
	if len(slots) == 0 {
		return 1<<slotsPerWeek - 1
	}
	var m uint32
	for _, s := range slots {
		if i, ok := s.index(); ok {
			m |= 1 << i
		}
	}
	return m
}
