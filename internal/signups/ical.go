package signups

import (
	"io"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// WriteICal writes the member's calendar file of group g: its meetings as RFC 5545 events at
// their local time in Europe/Oslo (with the zone's definition), each with a UID that stays the
// same when the file is fetched again, so a calendar updates instead of doubling; cancelled
// meetings have STATUS:CANCELLED. The title is neutral ("Gruppemøte"), as a calendar shows it
// on a lock screen; the place is the address or venue, and a group meeting online has its
// link in URL and DESCRIPTION with the passcode. Only a member can fetch it.
func WriteICal(w io.Writer, g MemberGroup, lang i18n.Lang, host string, now time.Time) error {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//LINK Oslo//Selvhjelpshuset//NB")
	addOslo(cal)
	var desc []string
	if g.Link != "" {
		desc = append(desc, i18n.Translate(lang, "mine.ics.link", "Link", g.Link))
		if g.Passcode != "" {
			desc = append(desc, i18n.Translate(lang, "mine.ics.passcode", "Passcode", g.Passcode))
		}
	}
	if g.AtHouse() && g.HowToGetIn != "" {
		desc = append(desc, g.HowToGetIn)
	}
	for _, m := range g.Meetings {
		uid := "group-" + strconv.FormatInt(g.GroupID, 10) + "-" + m.Start.UTC().Format("20060102T150405Z") + "@" + host
		ev := cal.AddEvent(uid)
		ev.SetDtStampTime(now)
		ev.SetProperty(ics.ComponentPropertyDtStart, m.Start.In(tz.Oslo).Format("20060102T150405"), ics.WithTZID(tz.Oslo.String()))
		ev.SetProperty(ics.ComponentPropertyDtEnd, m.End.In(tz.Oslo).Format("20060102T150405"), ics.WithTZID(tz.Oslo.String()))
		ev.SetSummary(i18n.Translate(lang, "mine.ics.summary"))
		place := g.Place()
		if place != "" && m.Room != "" {
			place += ", " + m.Room
		}
		if place == "" {
			place = g.Link
		}
		if place != "" {
			ev.SetLocation(rooms.ICalText(place))
		}
		if g.Link != "" {
			ev.SetURL(g.Link)
		}
		if len(desc) > 0 {
			ev.SetDescription(rooms.ICalText(strings.Join(desc, "\n")))
		}
		if m.Cancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

// addOslo adds the definition of Europe/Oslo that TZID refers to, as RFC 5545 asks: central
// European time, and summer time from the last Sunday of March to the last Sunday of October.
func addOslo(cal *ics.Calendar) {
	zone := cal.AddTimezone(tz.Oslo.String())
	std := zone.AddStandard()
	std.SetProperty(ics.ComponentPropertyDtStart, "19701025T030000")
	std.SetProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	std.SetProperty(ics.ComponentProperty("TZOFFSETFROM"), "+0200")
	std.SetProperty(ics.ComponentProperty("TZOFFSETTO"), "+0100")
	std.SetProperty(ics.ComponentProperty("TZNAME"), "CET")
	day := &ics.Daylight{}
	day.SetProperty(ics.ComponentPropertyDtStart, "19700329T020000")
	day.SetProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	day.SetProperty(ics.ComponentProperty("TZOFFSETFROM"), "+0100")
	day.SetProperty(ics.ComponentProperty("TZOFFSETTO"), "+0200")
	day.SetProperty(ics.ComponentProperty("TZNAME"), "CEST")
	zone.Components = append(zone.Components, day)
}
