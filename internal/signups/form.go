// Package signups holds participants and their sign-ups: the wish to join a group, or
// interest in a theme (the waiting list), and the person's own control of their data through
// a private link. That someone wants a group on a theme is health data: ask for the least,
// show it to few, and delete it when it is no longer needed.
package signups

import (
	"fmt"
	"slices"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/sms"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// ConsentVersion names the consent text the person agreed to; it is stored with the sign-up.
// Change it (and the text in the catalogue, signup.consent.text) together.
const ConsentVersion = "2026-11-1"

// Choices offered on the form. Values are stored; labels live in the catalogue.
var (
	Formats   = []string{"house", "digital", "hybrid"}
	DayParts  = []string{"morning", "afternoon", "evening"}
	Languages = []string{"nb", "en"}
	AgeBands  = []string{"18-29", "30-44", "45-59", "60-74", "75+"}
	Sources   = []string{"friend", "health", "nav", "web", "social", "org", "other"}
	// Contacts are the ways a person may ask to hear from us: by e-mail, by SMS, or to be
	// phoned by staff ("Ring meg").
	Contacts = []string{"email", "sms", "phone"}
)

// Prefs are what a person prefers; they can change them later through the private link.
type Prefs struct {
	Formats      []string // of Formats
	Availability []string // "1-evening": ISO weekday and part of day
	Languages    []string // of Languages
}

// Form is a sign-up as typed.
type Form struct {
	FirstName string
	Email     string
	Phone     string
	Contact   string // of Contacts
	AgeBand   string
	Source    string
	Note      string
	Adult     bool
	Consent   bool
	Prefs
}

// ContactForm is who a person is to us and how to reach them: what the sign-up form asks
// first, and what staff may correct on the person's page.
type ContactForm struct {
	FirstName string
	Email     string
	Phone     string
	Contact   string // of Contacts
}

// validate trims the fields, normalises the phone number and checks them; a choice of SMS or
// a call without a number is kept, with its error.
func (f *ContactForm) validate() validate.Errors {
	var e validate.Errors
	f.FirstName, f.Email = strings.TrimSpace(f.FirstName), strings.TrimSpace(f.Email)
	if e.Required("first_name", f.FirstName, "signup.name.required") {
		e.MaxLength("first_name", f.FirstName, MaxName, "form.tooLong")
	}
	// One message for a missing way to reach them, next to the field it asks for: the phone
	// number for someone who chose SMS or to be phoned, else an address or a number.
	noPhone := strings.TrimSpace(f.Phone) == ""
	switch {
	case noPhone && f.Contact == "sms":
		e.Add("phone", "signup.phone.requiredToSMS")
	case noPhone && f.Contact == "phone":
		e.Add("phone", "signup.phone.requiredToCall")
	case noPhone && f.Email == "":
		e.Add("email", ContactRequired)
	}
	if f.Email != "" && !validate.Email(f.Email) {
		e.Add("email", "form.email.invalid")
	}
	if strings.TrimSpace(f.Phone) != "" {
		// Stored in E.164 form when it is a number an SMS can go to ("(+47) 912 34 567"
		// becomes +4791234567), else as validate.Phone writes it: both pass the table's check.
		if n, err := sms.Normalize(f.Phone); err == nil {
			f.Phone = n
		} else if p, ok := validate.Phone(f.Phone); ok {
			f.Phone = p
		} else {
			e.Add("phone", "signup.phone.invalid")
		}
	} else {
		f.Phone = ""
	}
	if f.Contact != "sms" && f.Contact != "phone" {
		f.Contact = "email"
	}
	if f.Email == "" && f.Phone != "" && f.Contact == "email" {
		f.Contact = "sms"
	}
	return e
}

// ContactRequired is the message when neither an e-mail address nor a phone number is given;
// the form shows it once, above both fields.
const ContactRequired = "signup.contact.required"

// Limits of the free-text fields.
const (
	MaxName = 60
	MaxNote = 500
)

// Validate trims the fields, normalises the phone number and checks everything; messages
// are catalogue ids, next to the field they belong to.
func (f *Form) Validate() validate.Errors {
	c := ContactForm{FirstName: f.FirstName, Email: f.Email, Phone: f.Phone, Contact: f.Contact}
	e := c.validate()
	f.FirstName, f.Email, f.Phone, f.Contact = c.FirstName, c.Email, c.Phone, c.Contact
	f.Note = strings.TrimSpace(f.Note)
	if f.AgeBand != "" && !slices.Contains(AgeBands, f.AgeBand) {
		e.Add("age_band", "signup.ageband.invalid")
	}
	checkWish(&e, &f.Source, &f.Note, &f.Prefs)
	if !f.Adult {
		e.Add("adult", "signup.adult.required")
	}
	if !f.Consent {
		e.Add("consent", "signup.consent.required")
	}
	return e
}

// Wish is one more sign-up for a person already registered, as staff take it on the phone:
// what for, how they can meet, how they heard of us, a note, and whether they agreed to the
// consent text (ConsentVersion) staff read out to them.
type Wish struct {
	Target  Target
	Source  string
	Note    string
	Consent bool
	Prefs
}

// Validate trims and checks the wish as the sign-up form checks the same fields; a missing
// group or theme is a problem of the field "target".
func (w *Wish) Validate() validate.Errors {
	var e validate.Errors
	if w.Target.GroupID == 0 && w.Target.ThemeID == 0 {
		e.Add("target", "behalf.target.required")
	}
	checkWish(&e, &w.Source, &w.Note, &w.Prefs)
	if !w.Consent {
		e.Add("consent", "signup.consent.required")
	}
	return e
}

// checkWish normalises how they heard of us, the note and the preferences, which the sign-up
// form and a wish share.
func checkWish(e *validate.Errors, source, note *string, p *Prefs) {
	*note = strings.TrimSpace(*note)
	if *source != "" && !slices.Contains(Sources, *source) {
		*source = "other"
	}
	e.MaxLength("note", *note, MaxNote, "form.tooLong")
	e.Merge(p.validate())
}

// validate keeps only known choices and asks for at least one format.
func (p *Prefs) validate() validate.Errors {
	var e validate.Errors
	p.Formats = known(p.Formats, Formats)
	p.Languages = known(p.Languages, Languages)
	var avail []string
	for _, a := range p.Availability {
		day, part, ok := strings.Cut(a, "-")
		if ok && len(day) == 1 && day[0] >= '1' && day[0] <= '7' && slices.Contains(DayParts, part) && !slices.Contains(avail, a) {
			avail = append(avail, a)
		}
	}
	p.Availability = avail
	if len(p.Formats) == 0 {
		e.Add("formats", "signup.formats.required")
	}
	if len(p.Languages) == 0 {
		p.Languages = []string{"nb"}
	}
	return e
}

// Validate checks preferences changed on the private page.
func (p *Prefs) Validate() validate.Errors { return p.validate() }

func known(in, allowed []string) []string {
	var out []string
	for _, v := range in {
		if slices.Contains(allowed, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Availability builds the value of one weekday and part of the day.
func Availability(weekday int, part string) string { return fmt.Sprintf("%d-%s", weekday, part) }

// Slots is when someone can come as stored: every day of days (ISO weekdays "1"–"7") at every
// part of parts (of DayParts), joined with slots already written as "day-part" (the old form's
// week grid, still accepted). Days without parts mean any part of those days, and parts
// without days those parts on any day; values it does not know are dropped by Validate.
func Slots(days, parts, slots []string) []string {
	if len(days) > 0 && len(parts) == 0 {
		parts = DayParts
	}
	if len(parts) > 0 && len(days) == 0 {
		days = []string{"1", "2", "3", "4", "5", "6", "7"}
	}
	out := slices.Clone(slots)
	for _, d := range days {
		for _, p := range parts {
			out = append(out, d+"-"+p)
		}
	}
	return out
}

// DaysAndParts reads stored slots back as the form asks them: a day is chosen when any slot
// falls on it, a part of the day when any slot is in it.
func DaysAndParts(slots []string) (days, parts []string) {
	for _, s := range slots {
		d, p, ok := strings.Cut(s, "-")
		if !ok {
			continue
		}
		if !slices.Contains(days, d) {
			days = append(days, d)
		}
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return days, parts
}

// Where answers "where can you meet?": in the house, online, or either. Hybrid groups suit
// both (see matching), so the form does not ask about them.
const (
	WhereHouse   = "house"
	WhereDigital = "digital"
	WhereBoth    = "house,digital"
)

// Wheres lists the answers in the order they are offered.
var Wheres = []string{WhereBoth, WhereHouse, WhereDigital}

// FormatsOf is the formats posted as the answers to "where": each value one format or several
// joined by commas, so the old form's check boxes and the new form's one choice both read.
func FormatsOf(values []string) []string {
	var out []string
	for _, v := range values {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

// WhereOf is the answer to "where" that formats stand for: house or digital alone (with or
// without hybrid groups, which suit both), else both.
func WhereOf(formats []string) string {
	house, digital := slices.Contains(formats, "house"), slices.Contains(formats, "digital")
	switch {
	case house && !digital:
		return WhereHouse
	case digital && !house:
		return WhereDigital
	}
	return WhereBoth
}
