package groups_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

func validForm() groups.Form {
	f := groups.NewForm()
	f.Name, f.Weekday, f.Starts, f.Ends, f.Themes = "Angst tirsdag", 2, "18:00", "19:30", []int64{1}
	return f
}

// Every message a form can give is in the catalogue, in both languages.
func checkMessages(t *testing.T, errs validate.Errors) {
	t.Helper()
	for _, e := range errs {
		for _, l := range i18n.Langs {
			if !slices.Contains(i18n.IDs(l), e.Msg) {
				t.Errorf("%s: message %q of field %s is not in the catalogue", l, e.Msg, e.Field)
			}
		}
	}
}

func TestFormValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*groups.Form)
		field  string // "" when valid
	}{
		{"valid", func(*groups.Form) {}, ""},
		{"no name", func(f *groups.Form) { f.Name = "  " }, "name"},
		{"long name", func(f *groups.Form) { f.Name = strings.Repeat("x", 121) }, "name"},
		{"name of signs only", func(f *groups.Form) { f.Name = "!!!" }, "slug"},
		{"slug of signs only", func(f *groups.Form) { f.Slug = "---" }, "slug"},
		{"unknown kind", func(f *groups.Form) { f.Kind = "party" }, "kind"},
		{"unknown format", func(f *groups.Form) { f.Format = "moon" }, "format"},
		{"unknown platform", func(f *groups.Form) { f.Platform = "skype" }, "platform"},
		{"partner without venue", func(f *groups.Form) { f.Format = groups.FormatPartner }, "venue"},
		{"partner with venue", func(f *groups.Form) { f.Format, f.Venue = groups.FormatPartner, "Tøyen" }, ""},
		{"long venue", func(f *groups.Form) { f.Venue = strings.Repeat("v", 201) }, "venue"},
		{"no weekday", func(f *groups.Form) { f.Weekday = 0 }, "weekday"},
		{"weekday 8", func(f *groups.Form) { f.Weekday = 8 }, "weekday"},
		{"bad start", func(f *groups.Form) { f.Starts = "25:00" }, "starts"},
		{"no end", func(f *groups.Form) { f.Ends = "" }, "ends"},
		{"end before start", func(f *groups.Form) { f.Starts, f.Ends = "19:00", "18:30" }, "ends"},
		{"end at start", func(f *groups.Form) { f.Ends = "18:00" }, "ends"},
		{"dotted time", func(f *groups.Form) { f.Starts, f.Ends = "9.30", "11.00" }, ""},
		{"unknown frequency", func(f *groups.Form) { f.Frequency = "daily" }, "frequency"},
		{"language of three letters", func(f *groups.Form) { f.Language = "nob" }, "language"},
		{"language in capitals", func(f *groups.Form) { f.Language = " EN " }, ""},
		{"capacity 0", func(f *groups.Form) { f.Capacity = "0" }, "capacity"},
		{"capacity 61", func(f *groups.Form) { f.Capacity = "61" }, "capacity"},
		{"capacity 60", func(f *groups.Form) { f.Capacity = "60" }, ""},
		{"capacity words", func(f *groups.Form) { f.Capacity = "åtte" }, "capacity"},
		{"no theme", func(f *groups.Form) { f.Themes = nil }, "themes"},
		{"long description", func(f *groups.Form) { f.DescriptionEN = strings.Repeat("d", 4001) }, "description_en"},
	}
	for _, c := range cases {
		f := validForm()
		c.change(&f)
		errs := f.Validate()
		checkMessages(t, errs)
		switch {
		case c.field == "" && !errs.OK():
			t.Errorf("%s: %v, want valid", c.name, errs)
		case c.field != "" && (len(errs) != 1 || !errs.Has(c.field)):
			t.Errorf("%s: %v, want one error at %s", c.name, errs, c.field)
		}
	}
	f := validForm()
	f.Name, f.Language, f.Starts, f.Themes = "  Ærlig prat  ", "EN", "9.05", []int64{3, 1, 3}
	if errs := f.Validate(); !errs.OK() || f.Name != "Ærlig prat" || f.Slug != "aerlig-prat" || f.Language != "en" ||
		f.Starts != "09:05" || !slices.Equal(f.Themes, []int64{1, 3}) {
		t.Errorf("normalised form = %+v (%v)", f, errs)
	}
}

func TestThemeFormValidation(t *testing.T) {
	t.Parallel()
	f := groups.ThemeForm{NameNB: " Pårørende ", NameEN: "Family and carers"}
	if errs := f.Validate(); !errs.OK() || f.Slug != "parorende" || f.NameNB != "Pårørende" {
		t.Errorf("theme form = %+v, %v", f, errs)
	}
	f = groups.ThemeForm{Slug: "Eget Tema", DescriptionNB: strings.Repeat("x", 2001)}
	errs := f.Validate()
	checkMessages(t, errs)
	if len(errs) != 3 || !errs.Has("name_nb") || !errs.Has("name_en") || !errs.Has("description_nb") || f.Slug != "eget-tema" {
		t.Errorf("bad theme form: %v, slug %q", errs, f.Slug)
	}
}

func TestSlugify(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Ærlig prat på Østkanten":       "aerlig-prat-pa-ostkanten",
		"ÆØÅ æøå":                       "aeoa-aeoa",
		"  Café  Über -- Straße! ":      "cafe-uber-strasse",
		"AA-møte Majorstua":             "aa-mote-majorstua",
		"Tolvtrinn 12 & 13":             "tolvtrinn-12-13",
		"!!!":                           "",
		"":                              "",
		"<script>alert(1)</script>":     "script-alert-1-script",
		strings.Repeat("ab-", 40) + "z": strings.TrimRight(strings.Repeat("ab-", 27), "-"),
	} {
		if got := groups.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{0: groups.Morning, 11*time.Hour + 59*time.Minute: groups.Morning,
		12 * time.Hour: groups.Afternoon, 16*time.Hour + 59*time.Minute: groups.Afternoon, 17 * time.Hour: groups.Evening,
		23 * time.Hour: groups.Evening} {
		if got := groups.DayPartOf(d); got != want {
			t.Errorf("DayPartOf(%v) = %s, want %s", d, got, want)
		}
	}
}

// The places logic on its own: closed, paused, full, open.
func TestPlacesLeft(t *testing.T) {
	t.Parallel()
	cases := []struct {
		g     groups.Group
		left  int
		avail string
	}{
		{groups.Group{Open: true, Status: groups.StatusGathering, Capacity: 8, Members: 3}, 5, groups.Places},
		{groups.Group{Open: true, Status: groups.StatusSelfRunning, Capacity: 8, Members: 8}, 0, groups.Full},
		{groups.Group{Open: true, Status: groups.StatusSelfRunning, Capacity: 4, Members: 6}, 0, groups.Full},
		{groups.Group{Open: false, Status: groups.StatusSelfRunning, Capacity: 8}, 0, groups.NotTaking},
		{groups.Group{Open: true, Status: groups.StatusPaused, Capacity: 8}, 0, groups.NotTaking},
		{groups.Group{Open: true, Status: groups.StatusClosed, Capacity: 8}, 0, groups.NotTaking},
	}
	for _, c := range cases {
		if c.g.PlacesLeft() != c.left || c.g.Availability() != c.avail || c.g.TakesMembers() != (c.left > 0) {
			t.Errorf("%+v: left %d, %s; want %d, %s", c.g, c.g.PlacesLeft(), c.g.Availability(), c.left, c.avail)
		}
	}
}
