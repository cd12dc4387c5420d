package groups

import (
	"strconv"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// The Meeting Guide feed (/api/moter.json) lists the groups that meet every week in the format
// of the Meeting Guide API (github.com/code4recovery/spec, README), which twelve-step apps and
// sites (Meeting Guide, TSML UI) read. What it carries, and what it leaves out on purpose:
//
//   - one meeting per group and weekly slot: a group has one weekday and time, so its slug is
//     the group's (cut to the spec's 64 characters, with the group's id to stay unique);
//   - only groups that meet now: starting up, running themselves, or paused (then with the
//     type "TC", temporarily closed). A group still gathering people does not meet yet, and
//     a closed one no more;
//   - types: "O" (open) for an open meeting, anyone may come without signing up; "C" (closed)
//     for every other group, whose meetings are for its members; "ONL" for a group meeting
//     online (TSML's code; importers ignore codes they do not know, as the spec allows); the
//     spec's language code ("NO", "EN" …) of the group's language;
//   - no conference_url, ever: a group's meeting link is for its members only (see
//     meeting.go), so an online meeting is found through its url (the group's page) and the
//     centre; apps that need a link to list an online meeting as active will not;
//   - place: the centre's street, postcode and city from its settings, with its floor and how
//     to get in as location_notes (the spec wants the address bare, for geocoding); a partner's
//     venue as written, in formatted_address; a digital group the city only, approximate;
//   - every second week: the spec is for weekly meetings; such a group is listed on its
//     weekday and time with a note saying it meets every second week and where its calendar
//     is, which has the actual dates;
//   - nothing about the people in a group.

// GuideMeeting is one meeting of the Meeting Guide feed, with the spec's field names.
type GuideMeeting struct {
	Name             string   `json:"name"`
	Slug             string   `json:"slug"`
	Day              int      `json:"day"` // 0 is Sunday
	Time             string   `json:"time"`
	EndTime          string   `json:"end_time"`
	Timezone         string   `json:"timezone"`
	Types            []string `json:"types"`
	Location         string   `json:"location,omitempty"`
	LocationNotes    string   `json:"location_notes,omitempty"`
	Address          string   `json:"address,omitempty"`
	City             string   `json:"city,omitempty"`
	PostalCode       string   `json:"postal_code,omitempty"`
	FormattedAddress string   `json:"formatted_address,omitempty"`
	Country          string   `json:"country"`
	Approximate      string   `json:"approximate"` // "yes" or "no"
	Notes            string   `json:"notes,omitempty"`
	Group            string   `json:"group,omitempty"` // the partner organisation that holds it
	Updated          string   `json:"updated"`         // UTC, "YYYY-MM-DD HH:MM:SS"
	URL              string   `json:"url"`
	Entity           string   `json:"entity"`
	EntityLocation   string   `json:"entity_location,omitempty"`
}

// Meeting Guide's type codes the feed uses.
const (
	TypeOpen           = "O"
	TypeClosed         = "C"
	TypeOnline         = "ONL"
	TypeTemporarilyOff = "TC"
)

// guideLanguages are the spec's codes of the languages groups meet in, by ISO 639-1 code.
var guideLanguages = map[string]string{
	"nb": "NO", "nn": "NO", "no": "NO", "en": "EN", "sv": "SV", "da": "DA", "de": "DE", "fr": "FR", "es": "S",
	"pl": "POL", "ru": "RUS", "uk": "UK", "ar": "AR", "fa": "FA", "fi": "FI", "it": "ITA", "pt": "POR", "tr": "TUR",
}

// MaxGuideSlug is the spec's longest slug.
const MaxGuideSlug = 64

// InGuide reports whether the group is listed in the Meeting Guide feed: published, and
// meeting now (or paused for a while).
func InGuide(g Group) bool {
	return g.Published && (g.Status == StatusStartup || g.Status == StatusSelfRunning || g.Status == StatusPaused)
}

// GuideLinks makes the absolute addresses of a group's page and its public calendar.
type GuideLinks func(slug string) (page, calendar string)

// MeetingGuide turns the published groups into the feed's meetings, in list's order; the text
// of notes is in Norwegian, the language of the catalogue's readers.
func MeetingGuide(list []Group, c centre.Contact, links GuideLinks) []GuideMeeting {
	out := make([]GuideMeeting, 0, len(list))
	for _, g := range list {
		if !InGuide(g) {
			continue
		}
		page, cal := links(g.Slug)
		m := GuideMeeting{Name: g.Name, Slug: guideSlug(g), Day: g.Weekday % 7, Time: tz.FormatClock(g.StartsAt),
			EndTime: tz.FormatClock(g.EndsAt), Timezone: tz.Oslo.String(), Types: guideTypes(g), Country: "NO",
			Approximate: "no", Updated: g.Updated.UTC().Format(guideTime), URL: page, Entity: c.Name, EntityLocation: "Oslo"}
		if g.OrgID != nil {
			m.Group = g.OrgName
		}
		switch g.Format {
		case FormatHouse, FormatHybrid:
			m.Location, m.Address, m.PostalCode, m.City = c.Name, c.Street(), c.PostCode(), c.City()
			m.LocationNotes = strings.Join(nonEmpty(strings.TrimSuffix(strings.TrimSpace(c.Floor), ".")+".", c.HowToGetIn), " ")
		case FormatPartner:
			m.Location, m.FormattedAddress = g.Venue, g.Venue
		default: // online only: the city it belongs to, as the spec asks
			m.City, m.Approximate = cityOr(c, "Oslo"), "yes"
		}
		m.Notes = guideNotes(g, cal)
		out = append(out, m)
	}
	return out
}

// guideTime is the spec's form of updated.
const guideTime = "2006-01-02 15:04:05"

func guideSlug(g Group) string {
	if len(g.Slug) <= MaxGuideSlug {
		return g.Slug
	}
	id := "-" + strconv.FormatInt(g.ID, 10)
	return strings.TrimRight(g.Slug[:MaxGuideSlug-len(id)], "-") + id
}

func guideTypes(g Group) []string {
	types := []string{TypeClosed}
	if g.OpenMeeting {
		types[0] = TypeOpen
	}
	if Online(g.Format) {
		types = append(types, TypeOnline)
	}
	if g.Status == StatusPaused {
		types = append(types, TypeTemporarilyOff)
	}
	if code, ok := guideLanguages[g.Language]; ok {
		types = append(types, code)
	}
	return types
}

// guideNotes says what the app cannot: how to join a closed group, that a group meets every
// second week, and the description.
func guideNotes(g Group, calendar string) string {
	var notes []string
	if g.Frequency == "biweekly" {
		notes = append(notes, i18n.Translate(i18n.NB, "feeds.guide.biweekly", "Calendar", calendar))
	}
	if g.OpenMeeting {
		notes = append(notes, i18n.Translate(i18n.NB, "feeds.guide.open"))
	} else {
		notes = append(notes, i18n.Translate(i18n.NB, "feeds.guide.closed"))
	}
	if Online(g.Format) {
		notes = append(notes, i18n.Translate(i18n.NB, "feeds.guide.link"))
	}
	notes = append(notes, strings.TrimSpace(g.DescriptionNB))
	return strings.Join(nonEmpty(notes...), "\n")
}

func nonEmpty(list ...string) []string {
	out := list[:0:0]
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" && s != "." {
			out = append(out, s)
		}
	}
	return out
}

func cityOr(c centre.Contact, fallback string) string {
	if city := c.City(); city != "" {
		return city
	}
	return fallback
}
