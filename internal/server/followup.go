package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The start-up and follow-up of groups: a group's page of volunteers, start-up meetings,
// handover, check-ins and follow-up log, and the lists of groups due for follow-up and of
// groups in start-up without a volunteer.

// followUpDue lists the groups due for follow-up, the longest due first.
func (s *Server) followUpDue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var p pages.FollowUpDuePage
	var err error
	if p.Groups, p.Total, err = volunteers.NewStore(s.db).DueForFollowUp(ctx, volunteers.Today(s.now()), perPage, offset(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Pager = pager(r, p.Total)
	page := s.layout(r, i18n.T(ctx, "followup.due.title"))
	page.NoIndex = true
	s.renderPage(w, r, http.StatusOK, page, pages.FollowUpDue(p))
}

// withoutVolunteer lists the groups in start-up that have no volunteer.
func (s *Server) withoutVolunteer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var p pages.WithoutVolunteerPage
	var err error
	if p.Groups, p.Total, err = volunteers.NewStore(s.db).WithoutVolunteer(ctx, perPage, offset(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Pager = pager(r, p.Total)
	page := s.layout(r, i18n.T(ctx, "followup.without.title"))
	page.NoIndex = true
	s.renderPage(w, r, http.StatusOK, page, pages.WithoutVolunteer(p))
}

func (s *Server) followUpPage(w http.ResponseWriter, r *http.Request) {
	if g, ok := s.groupFromPath(w, r); ok {
		s.renderFollowUp(w, r, http.StatusOK, pages.FollowUpPage{Group: g})
	}
}

// renderFollowUp fills in what the group's page shows besides the forms as typed.
func (s *Server) renderFollowUp(w http.ResponseWriter, r *http.Request, status int, p pages.FollowUpPage) {
	ctx := r.Context()
	p.Today = volunteers.Today(s.now())
	total, err := s.loadFollowUp(r, &p)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// A form posted elsewhere shows the first page; the links lead to the page itself.
	base := string(pages.FollowUpURL(p.Group.ID))
	p.Pager = pager(r, total)
	p.Pager.URL = func(n int) string { return base + "?side=" + strconv.Itoa(n) + "#logg" }
	if p.Meeting.Time == "" && p.Errors.OK() {
		p.Meeting.Time = tz.FormatClock(p.Group.StartsAt)
	}
	page := s.layout(r, i18n.T(ctx, "followup.title", "Name", p.Group.Name))
	page.NoIndex = true
	noStore(w)
	s.renderPage(w, r, status, page, pages.FollowUp(p))
}

// loadFollowUp reads the group's start, volunteers, meetings, check-ins and one page of its
// log into p, and returns the length of the log. It costs the same few queries whatever the
// group's history.
func (s *Server) loadFollowUp(r *http.Request, p *pages.FollowUpPage) (int, error) {
	ctx, store, id := r.Context(), volunteers.NewStore(s.db), p.Group.ID
	var err error
	if p.Start, err = store.Start(ctx, id); err != nil {
		return 0, err
	}
	if p.Assignments, err = store.Assignments(ctx, id); err != nil {
		return 0, err
	}
	if p.Options, err = store.Options(ctx); err != nil {
		return 0, err
	}
	if p.Meetings, err = store.Meetings(ctx, id); err != nil {
		return 0, err
	}
	if p.Checkins, err = store.Checkins(ctx, id, p.Today); err != nil {
		return 0, err
	}
	var total int
	p.Log, total, err = store.FollowUps(ctx, id, perPage, offset(r))
	return total, err
}

// followUpDone ends a form of the group's page: the page again with the problems (422), the
// 404 page for a row that is not the group's, or a flash and back to the section.
func (s *Server) followUpDone(w http.ResponseWriter, r *http.Request, p pages.FollowUpPage, err error, flash, section string) {
	switch {
	case errors.As(err, &p.Errors):
		s.renderFollowUp(w, r, http.StatusUnprocessableEntity, p)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.flash(r, flash)
		http.Redirect(w, r, string(pages.FollowUpURL(p.Group.ID))+"#"+section, http.StatusSeeOther)
	}
}

// followUpForm loads the group and parses the form; handlers return when it reports false.
func (s *Server) followUpForm(w http.ResponseWriter, r *http.Request) (pages.FollowUpPage, bool) {
	g, ok := s.groupFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return pages.FollowUpPage{}, false
	}
	return pages.FollowUpPage{Group: g}, true
}

func (s *Server) setGroupStart(w http.ResponseWriter, r *http.Request) {
	p, ok := s.followUpForm(w, r)
	if !ok {
		return
	}
	p.StartedOn = r.PostFormValue("started_on")
	err := volunteers.NewStore(s.db).SetStartedOn(r.Context(), p.Group.ID, p.StartedOn, volunteers.Today(s.now()))
	s.followUpDone(w, r, p, err, "followup.startedOn.saved", "start")
}

// assignVolunteer gives the group a volunteer. One who shares the group's theme is not given
// until the staff member confirms (confirm=1): the page asks, with 200.
func (s *Server) assignVolunteer(w http.ResponseWriter, r *http.Request) {
	p, ok := s.followUpForm(w, r)
	if !ok {
		return
	}
	p.VolunteerID, _ = strconv.ParseInt(r.PostFormValue("volunteer"), 10, 64)
	res, err := volunteers.NewStore(s.db).Assign(r.Context(), p.Group.ID, p.VolunteerID, r.PostFormValue("confirm") == "1",
		actor(r).ID, s.now())
	if err == nil && !res.Assigned {
		p.Shared = res.Shared
		s.renderFollowUp(w, r, http.StatusOK, p)
		return
	}
	s.followUpDone(w, r, p, err, "followup.assign.done", "igangsettere")
}

func (s *Server) endAssignment(w http.ResponseWriter, r *http.Request) {
	p, ok := s.followUpForm(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PostFormValue("assignment"), 10, 64)
	err := volunteers.NewStore(s.db).EndAssignment(r.Context(), p.Group.ID, id, s.now())
	flash := "followup.assign.ended"
	if errors.Is(err, volunteers.ErrNotActive) {
		err, flash = nil, "followup.assign.endedAlready"
	}
	s.followUpDone(w, r, p, err, flash, "igangsettere")
}

func (s *Server) planStartupMeeting(w http.ResponseWriter, r *http.Request) {
	p, ok := s.followUpForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	p.Meeting = volunteers.MeetingForm{Date: f.Get("meeting_date"), Time: f.Get("meeting_time"), Note: f.Get("meeting_note")}
	_, err := volunteers.NewStore(s.db).PlanMeeting(r.Context(), p.Group.ID, p.Meeting)
	s.followUpDone(w, r, p, err, "followup.meetings.planned", "moter")
}

// markStartupMeeting marks a start-up meeting held (held=1) or not held (held=0).
func (s *Server) markStartupMeeting(w http.ResponseWriter, r *http.Request) {
	p, ok := s.followUpForm(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PostFormValue("meeting"), 10, 64)
	held := r.PostFormValue("held") == "1"
	err := volunteers.NewStore(s.db).SetMeetingHeld(r.Context(), p.Group.ID, id, held, s.now())
	flash := "followup.meetings.saved"
	if errors.Is(err, volunteers.ErrFutureMeeting) {
		err, flash = nil, "followup.meetings.notYet"
	}
	s.followUpDone(w, r, p, err, flash, "moter")
}

func (s *Server) removeStartupMeeting(w http.ResponseWriter, r *http.Request) {
	p, ok := s.followUpForm(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PostFormValue("meeting"), 10, 64)
	err := volunteers.NewStore(s.db).RemoveMeeting(r.Context(), p.Group.ID, id)
	flash := "followup.meetings.removed"
	if errors.Is(err, volunteers.ErrHeldMeeting) {
		err, flash = nil, "followup.meetings.heldStays"
	}
	s.followUpDone(w, r, p, err, flash, "moter")
}

// handOverGroup records the handover; the group runs itself from then on.
func (s *Server) handOverGroup(w http.ResponseWriter, r *http.Request) {
	p, ok := s.followUpForm(w, r)
	if !ok {
		return
	}
	p.HandoverOn = r.PostFormValue("handover_on")
	err := volunteers.NewStore(s.db).Handover(r.Context(), p.Group.ID, p.HandoverOn, actor(r).ID, s.now())
	s.followUpDone(w, r, p, err, "followup.handover.saved", "start")
}

func (s *Server) recordCheckin(w http.ResponseWriter, r *http.Request) {
	p, ok := s.followUpForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	p.Checkin = volunteers.CheckinForm{Months: f.Get("checkin_months"), DoneOn: f.Get("checkin_done_on"), StillMeets: f.Get("checkin_still_meets")}
	err := volunteers.NewStore(s.db).RecordCheckin(r.Context(), p.Group.ID, p.Checkin, actor(r).ID, volunteers.Today(s.now()))
	s.followUpDone(w, r, p, err, "followup.checkin.saved", "sjekk")
}

func (s *Server) addFollowUp(w http.ResponseWriter, r *http.Request) {
	p, ok := s.followUpForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	p.FollowUp = volunteers.FollowUpForm{HappenedOn: f.Get("happened_on"), Kind: f.Get("kind"), Note: f.Get("note"),
		NextCheckOn: f.Get("next_check_on")}
	_, err := volunteers.NewStore(s.db).AddFollowUp(r.Context(), p.Group.ID, p.FollowUp, actor(r).ID, volunteers.Today(s.now()))
	s.followUpDone(w, r, p, err, "followup.log.added", "logg")
}
