package groups_test

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// slugPattern is the database's check of a slug (groups and themes).
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validSlug reports whether s passes the database's checks of a slug.
func validSlug(s string) bool { return slugPattern.MatchString(s) && len(s) <= groups.MaxSlug }

// A normalised filter holds only choices of the catalogue, and normalising it again changes
// nothing. Its theme is a slug or nothing: a NUL or a broken UTF-8 byte in ?tema= once went
// to PostgreSQL, which refused it, and the public catalogue answered 500.
func FuzzFilterNormalise(f *testing.F) {
	f.Add("sorg-og-tap", "house", 2, "evening", true)
	f.Add("  angst  ", "digital", 0, "morning", false)
	f.Add("\x00", "partner", 8, "night", false)
	f.Add("\xff\xfe", "HOUSE", -1, "", true)
	f.Add("Sorg og tap", "", 7, "afternoon", false)
	f.Add(strings.Repeat("a", 81), "hybrid", 1, "evening", true)
	f.Fuzz(func(t *testing.T, theme, format string, weekday int, part string, free bool) {
		in := groups.Filter{Theme: theme, Format: format, Weekday: weekday, DayPart: part, TakesMembers: free}
		got := in
		got.Normalise()
		again := got
		again.Normalise()
		if again != got {
			t.Errorf("Normalise(%+v) = %+v, again %+v", in, got, again)
		}
		if got.Theme != "" && !validSlug(got.Theme) {
			t.Errorf("Normalise(%+v) keeps the theme %q", in, got.Theme)
		}
		if got.Theme == "" && validSlug(strings.TrimSpace(theme)) {
			t.Errorf("Normalise(%+v) drops the theme %q", in, theme)
		}
		if got.Format != "" && !slices.Contains(groups.Formats, got.Format) || got.Format != format && got.Format != "" {
			t.Errorf("Normalise(%+v) format %q", in, got.Format)
		}
		if got.Weekday < 0 || got.Weekday > 7 || got.Weekday != 0 && got.Weekday != weekday {
			t.Errorf("Normalise(%+v) weekday %d", in, got.Weekday)
		}
		if got.DayPart != "" && !slices.Contains(groups.DayParts, got.DayPart) || got.TakesMembers != free {
			t.Errorf("Normalise(%+v) = %+v", in, got)
		}
	})
}

// Slugify makes a slug the database takes, or nothing when the name has no letter or digit it
// can use; a slug is its own slug; and æ, ø, å become ae, o, a.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Sorg og tap", "Ærlig talt – ØÅ", "ß", "---", "İstanbul", "K", "ǅ", "Å\u030a", "a\u0301b",
		strings.Repeat("ab-", 40), strings.Repeat("æ", 50), "\xff", "x\x00y", "１２３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := groups.Slugify(s)
		if out != "" && !validSlug(out) {
			t.Fatalf("Slugify(%q) = %q, not a slug", s, out)
		}
		if again := groups.Slugify(out); again != out {
			t.Errorf("Slugify(%q) = %q, but Slugify(%q) = %q", s, out, out, again)
		}
		if out == "" && strings.ContainsFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' }) {
			t.Errorf("Slugify(%q) = \"\" though it has an ASCII letter or digit", s)
		}
		if lower := strings.ToLower(s); strings.Contains(lower, "æ") && !strings.Contains(groups.Slugify(lower), "ae") && len(out) < groups.MaxSlug-1 {
			t.Errorf("Slugify(%q) = %q: no ae for æ", s, out)
		}
	})
}

// themes turns fuzz bytes into theme ids, some of them duplicates, zero or negative.
func themes(b []byte) []int64 {
	var out []int64
	for _, c := range b {
		out = append(out, int64(int8(c)))
	}
	return out
}

// A group form that Validate accepts fits the groups table's checks, and validating it again
// changes neither the form nor the verdict.
func FuzzForm(f *testing.F) {
	f.Add("Angst tirsdag", "", "selfhelp", "house", "", "", 2, "18:00", "19:30", "weekly", "nb", "8", int64(0), "", "", []byte{1})
	f.Add("  Sorg  ", "Sorg og tap!", "coffee", "partner", "zoom", " Kafé ", 7, "9.05", "9.5", "biweekly", " EN ", " 60 ", int64(3), "x", "y", []byte{3, 3, 1})
	f.Add("!!!", "", "conversation", "partner", "teams", "  ", 0, "18:00", "17:00", "monthly", "nob", "61", int64(-1), "", "", []byte{})
	f.Add(strings.Repeat("ø", 121), "ø", "selfhelp", "digital", "whereby", "", 8, "24:00", "00:00", "weekly", "K", "+8", int64(1), strings.Repeat("x", 4001), "", []byte{0, 255})
	f.Fuzz(func(t *testing.T, name, slug, kind, format, platform, venue string, weekday int, starts, ends, frequency, language, capacity string,
		org int64, descNB, descEN string, themeIDs []byte) {
		g := groups.Form{Name: name, Slug: slug, Kind: kind, Format: format, Platform: platform, Venue: venue, Weekday: weekday,
			Starts: starts, Ends: ends, Frequency: frequency, Language: language, Capacity: capacity, OrgID: org,
			DescriptionNB: descNB, DescriptionEN: descEN, Themes: themes(themeIDs)}
		errs := g.Validate()
		again := g
		again.Themes = slices.Clone(g.Themes)
		if errs2 := again.Validate(); !reflect.DeepEqual(again, g) || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, g, errs)
		}
		if !errs.OK() {
			return
		}
		checkGroup(t, g)
	})
}

// checkGroup checks an accepted form against the groups table.
func checkGroup(t *testing.T, g groups.Form) {
	t.Helper()
	text := func(field, v string, lo, hi int) {
		if n := utf8.RuneCountInString(v); n < lo || n > hi || strings.TrimSpace(v) != v {
			t.Errorf("%s %q accepted", field, v)
		}
	}
	text("name", g.Name, 1, groups.MaxName)
	text("venue", g.Venue, 0, groups.MaxVenue)
	text("description_nb", g.DescriptionNB, 0, groups.MaxDescription)
	text("description_en", g.DescriptionEN, 0, groups.MaxDescription)
	if !validSlug(g.Slug) {
		t.Errorf("slug %q accepted", g.Slug)
	}
	if !slices.Contains(groups.Kinds, g.Kind) || !slices.Contains(groups.Formats, g.Format) || !slices.Contains(groups.Platforms, g.Platform) ||
		!slices.Contains(groups.Frequencies, g.Frequency) {
		t.Errorf("choices %q %q %q %q accepted", g.Kind, g.Format, g.Platform, g.Frequency)
	}
	if g.Format == groups.FormatPartner && g.Venue == "" {
		t.Error("a partner's group without a venue accepted")
	}
	if g.Weekday < 1 || g.Weekday > 7 {
		t.Errorf("weekday %d accepted", g.Weekday)
	}
	starts, err1 := tz.ParseClock(g.Starts)
	ends, err2 := tz.ParseClock(g.Ends)
	if err1 != nil || err2 != nil || ends <= starts || tz.FormatClock(starts) != g.Starts || tz.FormatClock(ends) != g.Ends {
		t.Errorf("times %q–%q accepted", g.Starts, g.Ends)
	}
	if !regexp.MustCompile(`^[a-z]{2}$`).MatchString(g.Language) {
		t.Errorf("language %q accepted", g.Language)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(g.Capacity)); err != nil || n < groups.MinCapacity || n > groups.MaxCapacity {
		t.Errorf("capacity %q accepted", g.Capacity)
	}
	if len(g.Themes) == 0 || !slices.IsSorted(g.Themes) || len(slices.Compact(slices.Clone(g.Themes))) != len(g.Themes) || g.OrgID < 0 {
		t.Errorf("themes %v, org %d accepted", g.Themes, g.OrgID)
	}
}

// A theme form that Validate accepts fits the themes table (names of 1–80 characters,
// descriptions of at most 2000, a slug), and validating again changes nothing.
func FuzzThemeForm(f *testing.F) {
	f.Add("", "Sorg og tap", "Grief and loss", "", "", false)
	f.Add("Egen slug", "  Angst ", " Anxiety ", "Om angst", "About anxiety", true)
	f.Add("", "!!!", "x", strings.Repeat("y", 2001), "", false)
	f.Add("ø", strings.Repeat("å", 81), "", "", "", true)
	f.Fuzz(func(t *testing.T, slug, nameNB, nameEN, descNB, descEN string, published bool) {
		th := groups.ThemeForm{Slug: slug, NameNB: nameNB, NameEN: nameEN, DescriptionNB: descNB, DescriptionEN: descEN, Published: published}
		errs := th.Validate()
		again := th
		if errs2 := again.Validate(); again != th || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, th, errs)
		}
		if !errs.OK() {
			return
		}
		for _, v := range []struct {
			s      string
			lo, hi int
		}{{th.NameNB, 1, groups.MaxThemeName}, {th.NameEN, 1, groups.MaxThemeName}, {th.DescriptionNB, 0, groups.MaxThemeDesc}, {th.DescriptionEN, 0, groups.MaxThemeDesc}} {
			if n := utf8.RuneCountInString(v.s); n < v.lo || n > v.hi || strings.TrimSpace(v.s) != v.s {
				t.Errorf("%q accepted", v.s)
			}
		}
		if !validSlug(th.Slug) {
			t.Errorf("slug %q accepted", th.Slug)
		}
	})
}
