package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// meetingGuidePath is the Meeting Guide feed's address; the catalogue's pages link to it with
// <link rel="alternate" title="Meetings Feed">, as the spec asks.
const meetingGuidePath = "/api/moter.json"

// meetingGuideJSON is the catalogue's weekly meetings in the Meeting Guide API format: a plain
// array, for twelve-step apps and sites (see internal/groups/meetingguide.go for what it holds
// and leaves out). /api/grupper.json stays as it is for the partners who read it. Anyone may
// read it from anywhere, and caches may keep it for five minutes.
func (s *Server) meetingGuideJSON(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	list, err := groups.NewStore(s.db).Feed(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	c, err := s.centreContact(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.writeOpenJSON(w, r, groups.MeetingGuide(list, c, func(slug string) (string, string) {
		return s.absURL(groupPathOf(slug)), s.absURL(groupCalendarPath(slug))
	}))
}

// writeOpenJSON writes v as an open data feed: anyone may read it from anywhere, and caches
// may keep it for five minutes.
func (s *Server) writeOpenJSON(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// groupPathOf is the public page of the group with slug.
func groupPathOf(slug string) string { return "/grupper/" + slug }

// groupCalendarPath is the public calendar of the group with slug.
func groupCalendarPath(slug string) string { return "/grupper/" + slug + "/kalender.ics" }

// groupCalendar is the public iCal feed of a published group: its next meetings, for anyone
// to subscribe to, never with the meeting link (see signups.WritePublicICal). An unknown or
// hidden group is not found.
func (s *Server) groupCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	g, err := s.publishedGroup(ctx, r.PathValue("slug"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	b, err := s.groupICal(ctx, g, s.now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(b) // #nosec G705 -- an iCalendar body sent as text/calendar with nosniff, never as HTML
}

// scheduleFeed is the secret feed of a group with no meetings booked in the house (a digital
// group, one at a partner's venue): the meetings its schedule gives, as its public calendar
// has them, so the feed is never empty. Like every feed but a member's, it has no link.
func (s *Server) scheduleFeed(ctx context.Context, id int64, now time.Time) ([]byte, error) {
	g, err := groups.NewStore(s.db).Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.groupICal(ctx, g, now)
}

// groupICal is the calendar of group g's next meetings from now, without a link.
func (s *Server) groupICal(ctx context.Context, g groups.Group, now time.Time) ([]byte, error) {
	c, err := s.centreContact(ctx)
	if err != nil {
		return nil, err
	}
	meetings, err := s.signups().PublicMeetings(ctx, g, now, signups.CalendarMeetings)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	cal := signups.PublicCalendar{Group: g, Centre: c, PageURL: s.absURL(groupPathOf(g.Slug)), Host: s.cfg.BaseURL.Hostname()}
	err = signups.WritePublicICal(&b, cal, meetings, i18n.LangOf(ctx), now)
	return b.Bytes(), err
}
