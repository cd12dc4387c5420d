package server

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The Meeting Guide API's rules, written from its specification: the README of
// github.com/code4recovery/spec (read at commit 404117a, 2026-03-06), sections "Specification",
// "Field Definitions" and "Meeting Types". checkGuideMeeting returns every rule a meeting
// breaks.

// guideFields are the field names the spec defines; a feed with another name has a typo.
var guideFields = []string{
	"name", "slug", "day", "time", "end_time", "timezone", "formatted_address", "address", "city", "state",
	"postal_code", "country", "region", "sub_region", "regions", "conference_url", "conference_url_notes",
	"conference_phone", "conference_phone_notes", "types", "notes", "location", "location_notes", "latitude",
	"longitude", "approximate", "updated", "group", "group_notes", "venmo", "square", "paypal", "homegroup_online",
	"url", "edit_url", "feedback_emails", "feedback_url", "entity", "entity_email", "entity_location",
	"entity_logo", "entity_phone", "entity_website_url",
	"contact_1_name", "contact_1_email", "contact_1_phone", "contact_2_name", "contact_2_email", "contact_2_phone",
	"contact_3_name", "contact_3_email", "contact_3_phone",
}

// guideTypeCodes are the spec's meeting types (its data/types.json at the same commit), and
// "ONL", which TSML uses for online meetings and the spec leaves free (custom codes are
// ignored by importers; see internal/groups/meetingguide.go).
var guideTypeCodes = strings.Fields(`11 12x12 A ABSI AF AL AL-AN AM AR ASL B BA BE BG BI BRK C CAN CF D DA DB DD DE DR
	EL EN FA FI FF FR G GR H HE HI HR HU IS ITA JA KA KOR L LGBTQ LIT LS LT M MED ML MT N NB NDG NE NL NO O OUT P
	POA POC POL POR PUN RUS S SEN SK SL SM SP ST SV T TC TH TL TR TUR UK W X XB XT Y ONL`)

var (
	guideClock = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`) // "HH:MM", 24-hour
	guideSlug  = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)              // URL-safe, no spaces
)

// checkGuideMeeting checks one meeting of a feed as JSON decodes it.
func checkGuideMeeting(m map[string]any) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	for k := range m {
		if !slices.Contains(guideFields, k) {
			fail("%q is not a field of the spec", k)
		}
	}
	str := func(k string) (string, bool) {
		v, ok := m[k]
		if !ok {
			return "", false
		}
		s, isString := v.(string)
		if !isString {
			fail("%s is %T, want a string", k, v)
		}
		return s, isString
	}
	// Required: name (a string of at most 255 characters) and slug (unique, URL-safe, at most 64).
	if name, ok := str("name"); !ok || name == "" || len([]rune(name)) > 255 {
		fail("name %q: required, 1–255 characters", name)
	}
	switch slug := m["slug"].(type) {
	case string:
		if !guideSlug.MatchString(slug) || len(slug) > 64 {
			fail("slug %q: URL-safe, at most 64 characters", slug)
		}
	case float64: // an integer id is fine too
	default:
		fail("slug %v (%T): required string or integer", slug, slug)
	}
	// Weekly meetings need day (0–6, or an array of them) and time (HH:MM); end_time is HH:MM.
	checkGuideDay(m["day"], fail)
	if t, ok := str("time"); !ok || !guideClock.MatchString(t) {
		fail("time %q: required, HH:MM", t)
	}
	if t, ok := str("end_time"); ok && !guideClock.MatchString(t) {
		fail("end_time %q: HH:MM", t)
	}
	if zone, ok := str("timezone"); ok {
		if _, err := time.LoadLocation(zone); err != nil || zone == "" {
			fail("timezone %q: not in the tz database", zone)
		}
	}
	if u, ok := str("updated"); ok {
		if _, err := time.Parse("2006-01-02 15:04:05", u); err != nil {
			fail("updated %q: YYYY-MM-DD HH:MM:SS", u)
		}
	}
	for _, k := range []string{"url", "conference_url", "edit_url", "feedback_url"} {
		if u, ok := str(k); ok {
			if p, err := url.Parse(u); err != nil || !p.IsAbs() || p.Host == "" {
				fail("%s %q: an absolute URL", k, u)
			}
		}
	}
	if a, ok := str("approximate"); ok && a != "yes" && a != "no" {
		fail("approximate %q: \"yes\" or \"no\"", a)
	}
	// Plain text only: HTML is stripped.
	for _, k := range []string{"name", "notes", "location", "location_notes", "group", "group_notes"} {
		if s, _ := m[k].(string); strings.ContainsAny(s, "<>") {
			fail("%s holds HTML: %q", k, s)
		}
	}
	checkGuideTypes(m["types"], fail)
	checkGuidePlace(m, fail)
	// entity is required when any other entity field is there.
	for k := range m {
		if strings.HasPrefix(k, "entity_") && m["entity"] == nil {
			fail("%s without entity", k)
		}
	}
	return bad
}

func checkGuideDay(v any, fail func(string, ...any)) {
	day := func(x any) bool { f, ok := x.(float64); return ok && f == float64(int(f)) && f >= 0 && f <= 6 }
	switch d := v.(type) {
	case []any:
		for _, x := range d {
			if !day(x) {
				fail("day %v: integers 0–6", d)
			}
		}
	default:
		if !day(d) {
			fail("day %v (%T): required, an integer 0–6", d, d)
		}
	}
}

func checkGuideTypes(v any, fail func(string, ...any)) {
	if v == nil {
		return
	}
	list, ok := v.([]any)
	if !ok {
		fail("types %v: an array", v)
		return
	}
	for _, t := range list {
		if s, ok := t.(string); !ok || !slices.Contains(guideTypeCodes, s) {
			fail("type %v is not a code of the spec", t)
		}
	}
}

// checkGuidePlace: a meeting needs geographic information, formatted_address or the parts;
// an in-person one a specific address, an online one may be approximate; an online meeting
// is active with conference_url or conference_phone.
func checkGuidePlace(m map[string]any, fail func(string, ...any)) {
	types, _ := m["types"].([]any)
	online := slices.Contains(types, any("ONL"))
	formatted, _ := m["formatted_address"].(string)
	street, _ := m["address"].(string)
	city, _ := m["city"].(string)
	if formatted == "" && street == "" && city == "" {
		fail("no geographic information")
	}
	inPerson := !online || street != ""
	if inPerson && formatted == "" && (street == "" || city == "") {
		fail("an in-person meeting without a specific address (address and city, or formatted_address)")
	}
	if online && !inPerson {
		if a, _ := m["approximate"].(string); a != "yes" {
			fail("an online meeting's city-only location is not marked approximate")
		}
	}
	if code, ok := m["postal_code"].(string); ok && code == "" {
		fail("postal_code is empty")
	}
}

// The rules catch what breaks the spec: each broken copy of a good meeting has a problem.
func TestGuideRulesCatchBrokenMeetings(t *testing.T) {
	t.Parallel()
	good := func() map[string]any {
		return map[string]any{"name": "Sunday Serenity", "slug": "sunday-serenity-14", "day": 0.0, "time": "18:00",
			"end_time": "19:30", "timezone": "Europe/Oslo", "types": []any{"O", "NO"}, "address": "Kirkeveien 61",
			"city": "Oslo", "postal_code": "0364", "country": "NO", "updated": "2014-05-31 14:32:23",
			"url": "https://example.org/m/1", "entity": "LINK Oslo", "entity_location": "Oslo"}
	}
	if p := checkGuideMeeting(good()); len(p) != 0 {
		t.Fatalf("a good meeting breaks rules: %v", p)
	}
	for name, edit := range map[string]func(m map[string]any){
		"no name":          func(m map[string]any) { delete(m, "name") },
		"no slug":          func(m map[string]any) { delete(m, "slug") },
		"slug with space":  func(m map[string]any) { m["slug"] = "sunday serenity" },
		"long slug":        func(m map[string]any) { m["slug"] = strings.Repeat("a", 65) },
		"day 7":            func(m map[string]any) { m["day"] = 7.0 },
		"day as string":    func(m map[string]any) { m["day"] = "0" },
		"time 18.00":       func(m map[string]any) { m["time"] = "18.00" },
		"end 24:00":        func(m map[string]any) { m["end_time"] = "24:00" },
		"bad zone":         func(m map[string]any) { m["timezone"] = "Oslo" },
		"unknown type":     func(m map[string]any) { m["types"] = []any{"OPEN"} },
		"updated ISO":      func(m map[string]any) { m["updated"] = "2014-05-31T14:32:23Z" },
		"relative url":     func(m map[string]any) { m["url"] = "/grupper/x" },
		"no address":       func(m map[string]any) { delete(m, "address"); delete(m, "city") },
		"street only":      func(m map[string]any) { delete(m, "city") },
		"typo field":       func(m map[string]any) { m["weekday"] = 1.0 },
		"html notes":       func(m map[string]any) { m["notes"] = "<b>Ring</b>" },
		"entity missing":   func(m map[string]any) { delete(m, "entity") },
		"online not apprx": func(m map[string]any) { delete(m, "address"); m["types"] = []any{"ONL"} },
	} {
		m := good()
		edit(m)
		if len(checkGuideMeeting(m)) == 0 {
			t.Errorf("%s: no rule broken", name)
		}
	}
}
