package volunteers

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Limits of the text fields, as the database checks them.
const (
	MaxName  = 120
	MaxNotes = 2000
)

// Form is a volunteer as staff type them. Validate trims it and reports what is wrong, field
// by field.
type Form struct {
	Name         string
	Email        string
	Phone        string // normalised to +<digits> by Validate
	TrainedOn    string // yyyy-mm-dd; "" when not trained yet
	Availability []string
	Notes        string
	Active       bool
	Themes       []int64

	trainedOn *time.Time
}

// NewForm is the form for a new volunteer: active.
func NewForm() Form { return Form{Active: true} }

// FormOf is the form filled in with v, for editing.
func FormOf(v Volunteer) Form {
	f := Form{Name: v.Name, Email: v.Email, Phone: v.Phone, Availability: v.Availability, Notes: v.Notes, Active: v.Active}
	if v.TrainedOn != nil {
		f.TrainedOn = v.TrainedOn.Format(time.DateOnly)
	}
	for _, t := range v.Themes {
		f.Themes = append(f.Themes, t.ID)
	}
	return f
}

// Validate checks every field against today (see Today); messages are catalogue ids.
func (f *Form) Validate(today time.Time) validate.Errors {
	var e validate.Errors
	f.Name, f.Email, f.Phone = strings.TrimSpace(f.Name), strings.TrimSpace(f.Email), strings.TrimSpace(f.Phone)
	f.TrainedOn, f.Notes = strings.TrimSpace(f.TrainedOn), strings.TrimSpace(f.Notes)
	if e.Required("name", f.Name, "volunteers.name.required") {
		e.MaxLength("name", f.Name, MaxName, "form.tooLong")
	}
	if f.Email != "" && !validate.Email(f.Email) {
		e.Add("email", validate.EmailInvalid)
	}
	if f.Phone != "" {
		if p, ok := validate.Phone(f.Phone); ok {
			f.Phone = p
		} else {
			e.Add("phone", "volunteers.phone.invalid")
		}
	}
	f.trainedOn = nil
	if f.TrainedOn != "" {
		d, err := tz.ParseDay(f.TrainedOn)
		ok := err == nil
		switch {
		case !ok:
			e.Add("trained_on", "form.date.invalid")
		case d.After(today):
			e.Add("trained_on", "volunteers.trainedOn.future")
		default:
			f.trainedOn = &d
		}
	}
	f.Availability = Slots(f.Availability)
	e.MaxLength("notes", f.Notes, MaxNotes, "form.tooLong")
	f.Themes = slices.Compact(slices.Sorted(slices.Values(f.Themes)))
	f.Themes = slices.DeleteFunc(f.Themes, func(id int64) bool { return id <= 0 })
	return e
}

// args are the values of the volunteers columns in the order Create and Update name them.
func (f *Form) args() []any {
	return []any{f.Name, nullable(f.Email), nullable(f.Phone), f.trainedOn, f.Availability, f.Notes, f.Active}
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Slot is the value of one weekday (ISO, 1 is Monday) and part of the day, as sign-ups
// write availability: "1-evening".
func Slot(weekday int, part string) string { return fmt.Sprintf("%d-%s", weekday, part) }

// Slots keeps the known slots of in, once each, in the order of the week.
func Slots(in []string) []string {
	out := []string{}
	for d := 1; d <= 7; d++ {
		for _, p := range groups.DayParts {
			if s := Slot(d, p); slices.Contains(in, s) {
				out = append(out, s)
			}
		}
	}
	return out
}
