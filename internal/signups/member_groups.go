package signups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// What a member is told about their group: its name (on the private page only), when and
// where it meets or its meeting link, and the next meetings. The confirmation of a new
// member, the private page and its calendar file all read it here.

// Meeting is one meeting of a member's group.
type Meeting struct {
	Start, End time.Time
	Room       string // the room in the house, when it is booked
	Cancelled  bool   // cancelled, or on a day the house is closed
}

// MemberGroup is a group the participant is a member of, as they see it.
type MemberGroup struct {
	MembershipID int64
	SignupID     *int64
	GroupID      int64
	Name         string
	Format       string
	Platform     string
	Weekday      int           // ISO: 1 is Monday
	StartsAt     time.Duration // since local midnight
	EndsAt       time.Duration
	Frequency    string
	Venue        string // a partner's venue
	Address      string // the house's visiting address with floor, for groups meeting there
	HowToGetIn   string
	Link         string // the meeting link of a group that meets online
	Passcode     string
	JoinedAt     time.Time
	Meetings     []Meeting // the next ones, soonest first

	startedOn *time.Time
	status    string
}

// AtHouse reports whether the group meets at the house.
func (g MemberGroup) AtHouse() bool {
	return groups.AtHouse(g.Format)
}

// Online reports whether the group meets online.
func (g MemberGroup) Online() bool { return groups.Online(g.Format) }

// Place is where the group meets in person: the house's address with floor, a partner's
// venue, or "" for a group that meets only online.
func (g MemberGroup) Place() string {
	switch {
	case g.AtHouse():
		return g.Address
	case g.Format == groups.FormatPartner:
		return g.Venue
	}
	return ""
}

// Next returns the next meeting that is not cancelled.
func (g MemberGroup) Next() (Meeting, bool) {
	for _, m := range g.Meetings {
		if !m.Cancelled {
			return m, true
		}
	}
	return Meeting{}, false
}

// MeetingsShown is how many of the next meetings the private page lists.
const MeetingsShown = 6

// CalendarMeetings is how many meetings the calendar file holds: about half a year.
const CalendarMeetings = 26

const memberGroupSelect = `SELECT m.id, m.signup_id, g.id, g.name, g.format, g.platform, g.weekday, g.starts_at, g.ends_at,
		g.frequency, g.venue, g.meeting_link, g.meeting_passcode, m.joined_at, g.started_on, g.status
	FROM memberships m JOIN groups g ON g.id = m.group_id
	WHERE m.participant_id = $1 AND m.left_at IS NULL`

func scanMemberGroup(row pgx.Row) (MemberGroup, error) {
	var g MemberGroup
	var starts, ends pgtype.Time
	var started pgtype.Date
	err := row.Scan(&g.MembershipID, &g.SignupID, &g.GroupID, &g.Name, &g.Format, &g.Platform, &g.Weekday, &starts, &ends,
		&g.Frequency, &g.Venue, &g.Link, &g.Passcode, &g.JoinedAt, &started, &g.status)
	g.StartsAt = time.Duration(starts.Microseconds) * time.Microsecond
	g.EndsAt = time.Duration(ends.Microseconds) * time.Microsecond
	if started.Valid {
		d := time.Date(started.Time.Year(), started.Time.Month(), started.Time.Day(), 0, 0, 0, 0, tz.Oslo)
		g.startedOn = &d
	}
	if !g.Online() {
		g.Link, g.Passcode = "", ""
	}
	return g, err
}

// MemberGroups lists the groups the participant is a member of now, each with its next
// MeetingsShown meetings from now.
func (s *Store) MemberGroups(ctx context.Context, participantID int64, now time.Time) ([]MemberGroup, error) {
	rows, err := s.db.Query(ctx, memberGroupSelect+` ORDER BY m.joined_at, m.id LIMIT 20`, participantID)
	if err != nil {
		return nil, fmt.Errorf("signups: member groups: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (MemberGroup, error) { return scanMemberGroup(r) })
	if err != nil {
		return nil, fmt.Errorf("signups: member groups: %w", err)
	}
	for i := range list {
		if err := s.fillPlace(ctx, &list[i], now, MeetingsShown); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// MemberGroup returns the group groupID of which the participant is a member now, with its
// next n meetings from now; anyone else gets ErrNotFound.
func (s *Store) MemberGroup(ctx context.Context, participantID, groupID int64, now time.Time, n int) (MemberGroup, error) {
	g, err := scanMemberGroup(s.db.QueryRow(ctx, memberGroupSelect+` AND m.group_id = $2`, participantID, groupID))
	if err != nil {
		return g, fmt.Errorf("signups: member group: %w", postgres.MapError(err))
	}
	return g, s.fillPlace(ctx, &g, now, n)
}

// fillPlace adds the house's address to a group meeting there, and its next n meetings.
func (s *Store) fillPlace(ctx context.Context, g *MemberGroup, now time.Time, n int) error {
	if g.AtHouse() {
		c, err := centre.Read(ctx, s.db)
		if err != nil {
			return fmt.Errorf("signups: member group: %w", err)
		}
		g.Address, g.HowToGetIn = c.VisitingAddress(), c.HowToGetIn
	}
	var err error
	g.Meetings, err = s.nextMeetings(ctx, *g, now, n)
	return err
}

// nextMeetings returns the group's next n meetings from now: its booked meetings in the house
// when it has any (cancelled ones marked), else the dates its schedule gives, those on a day
// the house is closed marked as cancelled for a group that meets there. A paused or closed
// group has none.
func (s *Store) nextMeetings(ctx context.Context, g MemberGroup, now time.Time, n int) ([]Meeting, error) {
	if g.status == groups.StatusPaused || g.status == groups.StatusClosed || n <= 0 {
		return nil, nil
	}
	rs := rooms.NewStore(s.db, nil)
	booked, err := rs.GroupMeetings(ctx, g.GroupID, now, n)
	if err != nil {
		return nil, err
	}
	if len(booked) > 0 {
		out := make([]Meeting, len(booked))
		for i, b := range booked {
			out[i] = Meeting{Start: b.Start, End: b.End, Room: b.Room, Cancelled: b.Cancelled}
		}
		return out, nil
	}
	out := scheduled(g, now, n)
	if !g.AtHouse() || len(out) == 0 {
		return out, nil
	}
	closures, _, err := rs.Closures(ctx, now, 100, 0)
	if err != nil {
		return nil, err
	}
	for i, m := range out {
		day := tz.Midnight(m.Start)
		if _, holiday := rooms.HolidayOn(m.Start); holiday {
			out[i].Cancelled = true
		}
		for _, c := range closures {
			if !day.Before(c.First) && !day.After(c.Last) {
				out[i].Cancelled = true
			}
		}
	}
	return out, nil
}

// scheduled returns the next n meetings from now that the group's weekday, times and
// frequency give, in Oslo time (across changes to and from summer time). A group meeting
// every second week counts its weeks from the day it started, or else from its next meeting.
// A group starting on a later day has no meetings before it starts, and a paused or closed
// one none at all: a new member is never told of a meeting that will not be. (A group still
// gathering people with no start date meets at the time the catalogue gives.)
func scheduled(g MemberGroup, now time.Time, n int) []Meeting {
	switch {
	case g.status == groups.StatusPaused || g.status == groups.StatusClosed:
		return nil
	case g.startedOn != nil && g.startedOn.After(now):
		now = *g.startedOn
	}
	day := tz.Midnight(now)
	clock := func(d time.Time, off time.Duration) time.Time {
		h, m := int(off/time.Hour), int(off%time.Hour/time.Minute)
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, tz.Oslo)
	}
	for tz.Weekday(day) != g.Weekday || !clock(day, g.EndsAt).After(now) {
		day = day.AddDate(0, 0, 1)
	}
	step := 7
	if g.Frequency == "biweekly" {
		step = 14
		if g.startedOn != nil {
			weeks := int(day.Sub(*g.startedOn).Hours()/24+0.5) / 7
			if weeks%2 != 0 {
				day = day.AddDate(0, 0, 7)
			}
		}
	}
	out := make([]Meeting, 0, n)
	for range n {
		out = append(out, Meeting{Start: clock(day, g.StartsAt), End: clock(day, g.EndsAt)})
		day = day.AddDate(0, 0, step)
	}
	return out
}
