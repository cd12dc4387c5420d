package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// A member's group behind their private link: its calendar file, and leaving it. Another
// person's group, or one they have left, is not found.

// myGroup finds the participant of the link and their group {id} with its next n meetings;
// otherwise it answers the request itself and returns false.
func (s *Server) myGroup(w http.ResponseWriter, r *http.Request, n int) (signups.MemberGroup, bool) {
	p, ok := s.byLink(w, r)
	if !ok {
		return signups.MemberGroup{}, false
	}
	g, err := s.signups().MemberGroup(r.Context(), p.ID, pathID(r), s.now(), n)
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		s.notFound(w, r)
		return g, false
	case err != nil:
		s.serverError(w, r, err)
		return g, false
	}
	return g, true
}

// myGroupICS is the calendar file of the member's group (RFC 5545): about half a year of
// meetings at their Oslo time, cancelled ones marked, the meeting link in it for a group that
// meets online, since only the member can fetch it.
func (s *Server) myGroupICS(w http.ResponseWriter, r *http.Request) {
	g, ok := s.myGroup(w, r, signups.CalendarMeetings)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="gruppemoter.ics"`)
	if err := signups.WriteICal(w, g, i18n.LangOf(r.Context()), s.cfg.BaseURL.Hostname(), s.now()); err != nil {
		s.log.Error("group calendar", "error", err)
	}
}

// myLeavePage asks once more before the member leaves the group.
func (s *Server) myLeavePage(w http.ResponseWriter, r *http.Request) {
	if g, ok := s.myGroup(w, r, 0); ok {
		s.renderMy(w, r, http.StatusOK, i18n.T(r.Context(), "mine.leave.title"), pages.MyLeaveConfirm(r.PathValue("token"), g))
	}
}

// myLeave ends the membership and says kindly what happens now.
func (s *Server) myLeave(w http.ResponseWriter, r *http.Request) {
	p, ok := s.byLink(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	err := s.signups().LeaveGroup(r.Context(), p.ID, pathID(r))
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		s.notFound(w, r)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.renderMy(w, r, http.StatusOK, i18n.T(r.Context(), "mine.left.title"), pages.MyLeft(r.PathValue("token")))
	}
}

// renderMy renders a page behind the private link: never indexed.
func (s *Server) renderMy(w http.ResponseWriter, r *http.Request, status int, title string, body templ.Component) {
	p := s.layout(r, title)
	p.NoIndex = true
	s.renderPage(w, r, status, p, body)
}

// The meeting link of a group that meets online: staff set it on the group's page, the
// contact person behind their private link. The store checks it and writes the audit line.

func parseMeetingLink(r *http.Request) groups.MeetingLink {
	return groups.MeetingLink{Link: r.PostFormValue("meeting_link"), Passcode: r.PostFormValue("meeting_passcode")}
}

// setGroupMeetingLink saves the link for staff; a problem shows the group's page again with
// the input and the message next to the field.
func (s *Server) setGroupMeetingLink(w http.ResponseWriter, r *http.Request) {
	g, ok := s.groupFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := pages.GroupFormPage{Group: g, Form: groups.FormOf(g), Link: parseMeetingLink(r)}
	err := groups.NewStore(s.db).SetMeetingLink(r.Context(), g.ID, &p.Link, actor(r))
	if errors.As(err, &p.LinkErrors) {
		s.renderGroup(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "groups.meetinglink.saved")
	http.Redirect(w, r, "/admin/grupper/"+strconv.FormatInt(g.ID, 10), http.StatusSeeOther)
}

// contactMeetingLink finds the contact person of a group that meets online; otherwise it
// answers the request itself.
func (s *Server) contactMeetingLink(w http.ResponseWriter, r *http.Request) (requester, bool) {
	q, ok := s.contactRequester(w, r)
	if ok && !q.pages.Online {
		s.notFound(w, r)
		return q, false
	}
	return q, ok
}

func (s *Server) contactMeetingLinkPage(w http.ResponseWriter, r *http.Request) {
	q, ok := s.contactMeetingLink(w, r)
	if !ok {
		return
	}
	m, err := groups.NewStore(s.db).MeetingLink(r.Context(), q.who.GroupID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderRequester(w, r, http.StatusOK, q, i18n.T(r.Context(), "groups.meetinglink.title"),
		pages.ContactMeetingLink(pages.ContactMeetingLinkPage{RequesterPages: q.pages, Link: m}))
}

// setContactMeetingLink saves the link for the group's contact person, audited as them.
func (s *Server) setContactMeetingLink(w http.ResponseWriter, r *http.Request) {
	q, ok := s.contactMeetingLink(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := pages.ContactMeetingLinkPage{RequesterPages: q.pages, Link: parseMeetingLink(r)}
	by := audit.Actor{Label: "group contact", IP: actor(r).IP}
	err := groups.NewStore(s.db).SetMeetingLink(r.Context(), q.who.GroupID, &p.Link, by)
	if errors.As(err, &p.Errors) {
		s.renderRequester(w, r, http.StatusUnprocessableEntity, q, i18n.T(r.Context(), "groups.meetinglink.title"), pages.ContactMeetingLink(p))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "groups.meetinglink.saved")
	http.Redirect(w, r, q.pages.Base+"/moetelenke", http.StatusSeeOther) // #nosec G710 -- a local path; the token is one path segment the store just found
}
