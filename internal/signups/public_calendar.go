package signups

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// The public calendar of a published group (/grupper/{slug}/kalender.ics), for anyone to
// subscribe to: the same next meetings a member's calendar file holds (its booked meetings in
// the house, else the dates of its schedule, with meetings on a closed day or cancelled marked
// STATUS:CANCELLED, not left out), named after the group, with the full address. It never
// carries a meeting link or passcode: groups.Group has none (see groups/meeting.go), and only
// a member's own file (ical.go) reads them.

// PublicMeetings returns the next n meetings of the published group g from now, as its
// members' calendar has them.
func (s *Store) PublicMeetings(ctx context.Context, g groups.Group, now time.Time, n int) ([]Meeting, error) {
	var started pgtype.Date
	if err := s.db.QueryRow(ctx, `SELECT started_on FROM groups WHERE id = $1`, g.ID).Scan(&started); err != nil {
		return nil, fmt.Errorf("signups: public meetings: %w", err)
	}
	mg := MemberGroup{GroupID: g.ID, Format: g.Format, Weekday: g.Weekday, StartsAt: g.StartsAt, EndsAt: g.EndsAt,
		Frequency: g.Frequency, status: g.Status}
	if started.Valid {
		d := time.Date(started.Time.Year(), started.Time.Month(), started.Time.Day(), 0, 0, 0, 0, tz.Oslo)
		mg.startedOn = &d
	}
	return s.nextMeetings(ctx, mg, now, n)
}

// PublicCalendar is what a group's public calendar needs besides its meetings.
type PublicCalendar struct {
	Group   groups.Group
	Centre  centre.Contact // for the address of a group meeting in the house
	PageURL string         // the group's public page
	Host    string         // for the events' UIDs
}

// revisionEpoch is where SEQUENCE counts from.
var revisionEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Sequence is an event's SEQUENCE (RFC 5545 3.8.7.4): it must grow when the organiser changes
// the event. A meeting from a group's schedule changes when the group does, so it counts the
// seconds from 2020 to the group's last change (groups.updated_at, set by every change of its
// fields, status or publication), one more once the meeting is cancelled. A change of time
// gives new meetings with new UIDs instead. (Removing a closure takes the one back: the one
// change that does not bump it; calendars then keep the meeting as cancelled until the group
// next changes.)
func Sequence(updated time.Time, cancelled bool) int {
	n := int(updated.Sub(revisionEpoch) / time.Second)
	if cancelled {
		n++
	}
	return max(n, 0)
}

// WritePublicICal writes the public calendar of c.Group with its meetings, in lang.
func WritePublicICal(w io.Writer, c PublicCalendar, meetings []Meeting, lang i18n.Lang, now time.Time) error {
	g := c.Group
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//LINK Oslo//Selvhjelpshuset//NB")
	cal.SetName(rooms.ICalText(g.Name))
	cal.SetXWRCalName(rooms.ICalText(g.Name))
	cal.SetRefreshInterval("PT6H")
	addOslo(cal)
	var desc []string
	if g.OpenMeeting {
		desc = append(desc, i18n.Translate(lang, "feeds.calendar.dropin"))
	}
	if groups.Online(g.Format) {
		desc = append(desc, i18n.Translate(lang, "feeds.calendar.digital"))
	}
	desc = append(desc, c.PageURL)
	for _, m := range meetings {
		uid := "public-group-" + strconv.FormatInt(g.ID, 10) + "-" + m.Start.UTC().Format("20060102T150405Z") + "@" + c.Host
		ev := cal.AddEvent(uid)
		ev.SetDtStampTime(now)
		ev.SetProperty(ics.ComponentPropertyDtStart, m.Start.In(tz.Oslo).Format("20060102T150405"), ics.WithTZID(tz.Oslo.String()))
		ev.SetProperty(ics.ComponentPropertyDtEnd, m.End.In(tz.Oslo).Format("20060102T150405"), ics.WithTZID(tz.Oslo.String()))
		ev.SetSummary(rooms.ICalText(g.Name))
		ev.SetLocation(rooms.ICalText(publicPlace(c, m, lang)))
		ev.SetURL(c.PageURL)
		ev.SetDescription(rooms.ICalText(strings.Join(desc, "\n")))
		ev.SetSequence(Sequence(g.Updated, m.Cancelled))
		if m.Cancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

// publicPlace is where a meeting is, in full: the house's address with postcode, city, floor
// and room; a partner's venue; or "online" with the platform, never the link.
func publicPlace(c PublicCalendar, m Meeting, lang i18n.Lang) string {
	g := c.Group
	switch g.Format {
	case groups.FormatHouse, groups.FormatHybrid:
		place := c.Centre.VisitingAddress()
		if m.Room != "" {
			place += ", " + m.Room
		}
		if g.Format == groups.FormatHybrid {
			place += " / " + onlineText(g, lang)
		}
		return place
	case groups.FormatPartner:
		return g.Venue
	}
	return onlineText(g, lang)
}

func onlineText(g groups.Group, lang i18n.Lang) string {
	text := i18n.Translate(lang, "feeds.calendar.online")
	if g.Platform != "" {
		text += " (" + i18n.Translate(lang, "catalogue.platform."+g.Platform) + ")"
	}
	return text
}
