package keys

import (
	"slices"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Limits of the text fields, as the database checks them.
const (
	MaxLabel  = 60
	MaxNote   = 300
	MaxHolder = 120
)

// Form is a new key as staff type it. Validate trims it and reports what is wrong, field by
// field.
type Form struct {
	Label string
	Kind  string
	Note  string
	Rooms []int64 // the rooms it opens
}

// Validate checks every field; messages are catalogue ids.
func (f *Form) Validate() validate.Errors {
	var e validate.Errors
	f.Label, f.Note = strings.TrimSpace(f.Label), strings.TrimSpace(f.Note)
	if e.Required("label", f.Label, "keys.label.required") {
		e.MaxLength("label", f.Label, MaxLabel, "form.tooLong")
	}
	if !slices.Contains(Kinds, f.Kind) {
		e.Add("kind", "keys.kind.required")
	}
	e.MaxLength("note", f.Note, MaxNote, "form.tooLong")
	f.Rooms = slices.Compact(slices.Sorted(slices.Values(f.Rooms)))
	f.Rooms = slices.DeleteFunc(f.Rooms, func(id int64) bool { return id <= 0 })
	if len(f.Rooms) == 0 {
		e.Add("rooms", "keys.rooms.required")
	}
	return e
}

// LoanForm is a hand-out as staff type it: who gets the key, for which group and standing
// agreement, and when it is due back.
type LoanForm struct {
	HolderName  string
	HolderPhone string // normalised to +<digits> by Validate
	GroupID     int64  // 0: none
	BookingID   int64  // 0: none
	Due         string // yyyy-mm-dd or dd.mm.yyyy; "" when no date is agreed

	due *time.Time
}

// Validate checks every field against today, the date in Oslo (see Today); messages are
// catalogue ids.
func (f *LoanForm) Validate(today time.Time) validate.Errors {
	var e validate.Errors
	f.HolderName, f.HolderPhone, f.Due = strings.TrimSpace(f.HolderName), strings.TrimSpace(f.HolderPhone), strings.TrimSpace(f.Due)
	if e.Required("holder_name", f.HolderName, "keys.holder.required") {
		e.MaxLength("holder_name", f.HolderName, MaxHolder, "form.tooLong")
	}
	if f.HolderPhone != "" {
		if p, ok := validate.Phone(f.HolderPhone); ok {
			f.HolderPhone = p
		} else {
			e.Add("holder_phone", "keys.phone.invalid")
		}
	}
	if f.GroupID < 0 {
		e.Add("group", "keys.group.invalid")
	}
	if f.BookingID < 0 {
		e.Add("agreement", "keys.agreement.invalid")
	}
	f.due = nil
	if f.Due != "" {
		d, err := tz.ParseDay(f.Due)
		ok := err == nil
		switch {
		case !ok:
			e.Add("due", "form.date.invalid")
		case d.Before(today):
			e.Add("due", "keys.due.past")
		default:
			f.due, f.Due = &d, d.Format(time.DateOnly)
		}
	}
	return e
}

// DueField is Due as the form's date field shows it again after a problem: a date field
// shows only yyyy-mm-dd, so a date written another way (31.12.2026) is shown that way, and
// what is no date at all (only possible by editing the request) is cleared. It reads the
// date by the same rules as Validate.
func (f LoanForm) DueField() string {
	d, err := tz.ParseDay(f.Due)
	if err != nil {
		return ""
	}
	return d.Format(time.DateOnly)
}

// optional is id as a nullable column value: nil for 0.
func optional(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
