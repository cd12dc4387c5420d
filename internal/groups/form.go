package groups

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Limits of the text fields, as the database checks them.
const (
	MaxName        = 120
	MaxSlug        = 80
	MaxVenue       = 200
	MaxDescription = 4000
	MaxThemeName   = 80
	MaxThemeDesc   = 2000
	MaxNote        = 1000
	MinCapacity    = 1
	MaxCapacity    = 60
)

// Form is a group as staff type it. Validate trims it, fills in what it derives (the slug
// from the name) and reports what is wrong, field by field.
type Form struct {
	Name          string
	Slug          string // made from the name when empty
	Kind          string
	Format        string
	Platform      string
	Venue         string
	Weekday       int
	Starts        string // "HH:MM", local time in Oslo
	Ends          string
	Frequency     string
	Language      string
	Capacity      string // as typed, so a wrong value is shown back as it was
	Open          bool
	TwelveStep    bool
	OpenMeeting   bool  // drop-in, no sign-up: see Group.OpenMeeting
	OrgID         int64 // 0: LINK Oslo organises it
	DescriptionNB string
	DescriptionEN string
	Themes        []int64

	starts, ends time.Duration
	capacity     int
}

// FormOf returns the form that edits g.
func FormOf(g Group) Form {
	f := Form{Name: g.Name, Slug: g.Slug, Kind: g.Kind, Format: g.Format, Platform: g.Platform, Venue: g.Venue,
		Weekday: g.Weekday, Starts: tz.FormatClock(g.StartsAt), Ends: tz.FormatClock(g.EndsAt), Frequency: g.Frequency,
		Language: g.Language, Capacity: strconv.Itoa(g.Capacity), Open: g.Open, TwelveStep: g.TwelveStep,
		OpenMeeting:   g.OpenMeeting,
		DescriptionNB: g.DescriptionNB, DescriptionEN: g.DescriptionEN}
	if g.OrgID != nil {
		f.OrgID = *g.OrgID
	}
	for _, t := range g.Themes {
		f.Themes = append(f.Themes, t.ID)
	}
	return f
}

// NewForm is the form for a new group, with the usual choices made.
func NewForm() Form {
	return Form{Kind: KindSelfHelp, Format: FormatHouse, Frequency: "weekly", Language: "nb", Capacity: "8", Open: true}
}

var language = regexp.MustCompile(`^[a-z]{2}$`)

// Validate checks every field; messages are catalogue ids.
func (f *Form) Validate() validate.Errors {
	var e validate.Errors
	f.Name, f.Venue = strings.TrimSpace(f.Name), strings.TrimSpace(f.Venue)
	f.DescriptionNB, f.DescriptionEN = strings.TrimSpace(f.DescriptionNB), strings.TrimSpace(f.DescriptionEN)
	f.Language = strings.ToLower(strings.TrimSpace(f.Language))
	if e.Required("name", f.Name, "groups.name.required") {
		e.MaxLength("name", f.Name, MaxName, "form.tooLong")
	}
	f.Slug = checkSlug(&e, f.Slug, f.Name)
	if !slices.Contains(Kinds, f.Kind) {
		e.Add("kind", "groups.kind.required")
	}
	if !slices.Contains(Formats, f.Format) {
		e.Add("format", "groups.format.required")
	}
	if !slices.Contains(Platforms, f.Platform) {
		e.Add("platform", "groups.platform.invalid")
	}
	if f.Format == FormatPartner && f.Venue == "" {
		e.Add("venue", "groups.venue.required")
	}
	e.MaxLength("venue", f.Venue, MaxVenue, "form.tooLong")
	if f.Weekday < 1 || f.Weekday > 7 {
		e.Add("weekday", "groups.weekday.required")
	}
	f.checkTimes(&e)
	if !slices.Contains(Frequencies, f.Frequency) {
		e.Add("frequency", "groups.frequency.required")
	}
	if !language.MatchString(f.Language) {
		e.Add("language", "groups.language.invalid")
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.Capacity))
	if err != nil || n < MinCapacity || n > MaxCapacity {
		e.Add("capacity", "groups.capacity.invalid", "Min", MinCapacity, "Max", MaxCapacity)
	}
	f.capacity = n
	if f.OrgID < 0 {
		e.Add("org", "groups.org.invalid")
	}
	e.MaxLength("description_nb", f.DescriptionNB, MaxDescription, "form.tooLong")
	e.MaxLength("description_en", f.DescriptionEN, MaxDescription, "form.tooLong")
	f.Themes = slices.Compact(slices.Sorted(slices.Values(f.Themes)))
	if len(f.Themes) == 0 {
		e.Add("themes", "groups.themes.required")
	}
	return e
}

func (f *Form) checkTimes(e *validate.Errors) {
	var okStart, okEnd bool
	if f.starts, okStart = parseClock(f.Starts); !okStart {
		e.Add("starts", "groups.time.invalid")
	}
	if f.ends, okEnd = parseClock(f.Ends); !okEnd {
		e.Add("ends", "groups.time.invalid")
	}
	if okStart && okEnd && f.ends <= f.starts {
		e.Add("ends", "groups.ends.beforeStart")
	}
	if okStart {
		f.Starts = tz.FormatClock(f.starts)
	}
	if okEnd {
		f.Ends = tz.FormatClock(f.ends)
	}
}

// checkSlug returns slug made into a valid address part, or one made from name when slug is
// empty, and adds an error when neither gives one.
func checkSlug(e *validate.Errors, slug, name string) string {
	in := strings.TrimSpace(slug)
	if in == "" {
		in = name
	}
	out := Slugify(in)
	if out == "" && (strings.TrimSpace(slug) != "" || strings.TrimSpace(name) != "") {
		e.Add("slug", "groups.slug.invalid")
		// Keep what was typed next to the message; "" would make the slug from the name on
		// the next try and pass without the visitor seeing why.
		return strings.TrimSpace(slug)
	}
	return out
}

// Slugify makes the readable part of an address from a name: lower case ASCII letters and
// digits joined by single hyphens, æ as ae, ø as o, å as a, other accents dropped, at most
// MaxSlug characters. It returns "" when nothing usable is left.
func Slugify(s string) string {
	s = strings.NewReplacer("æ", "ae", "Æ", "ae", "ø", "o", "Ø", "o", "å", "a", "Å", "a", "ß", "ss").Replace(s)
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// an accent split off its letter: é became e and ´
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	out := b.String()
	if len(out) > MaxSlug {
		out = strings.TrimRight(out[:MaxSlug], "-")
	}
	return out
}

// ThemeForm is a theme as staff type it.
type ThemeForm struct {
	Slug          string // made from the Norwegian name when empty
	NameNB        string
	NameEN        string
	DescriptionNB string
	DescriptionEN string
	Published     bool
}

// ThemeFormOf returns the form that edits t.
func ThemeFormOf(t Theme) ThemeForm {
	return ThemeForm{Slug: t.Slug, NameNB: t.NameNB, NameEN: t.NameEN, DescriptionNB: t.DescriptionNB,
		DescriptionEN: t.DescriptionEN, Published: t.Published}
}

// Validate checks every field; messages are catalogue ids.
func (f *ThemeForm) Validate() validate.Errors {
	var e validate.Errors
	f.NameNB, f.NameEN = strings.TrimSpace(f.NameNB), strings.TrimSpace(f.NameEN)
	f.DescriptionNB, f.DescriptionEN = strings.TrimSpace(f.DescriptionNB), strings.TrimSpace(f.DescriptionEN)
	if e.Required("name_nb", f.NameNB, "themes.name.required") {
		e.MaxLength("name_nb", f.NameNB, MaxThemeName, "form.tooLong")
	}
	if e.Required("name_en", f.NameEN, "themes.name.required") {
		e.MaxLength("name_en", f.NameEN, MaxThemeName, "form.tooLong")
	}
	f.Slug = checkSlug(&e, f.Slug, f.NameNB)
	e.MaxLength("description_nb", f.DescriptionNB, MaxThemeDesc, "form.tooLong")
	e.MaxLength("description_en", f.DescriptionEN, MaxThemeDesc, "form.tooLong")
	return e
}

// parseClock is tz.ParseClock as a form check reads it.
func parseClock(s string) (time.Duration, bool) {
	d, err := tz.ParseClock(s)
	return d, err == nil
}
