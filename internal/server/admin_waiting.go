package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// waitingList shows every queue, or the people of one (?tema=ID or ?gruppe=ID): names beside
// a group or theme, so that view is audited.
func (s *Server) waitingList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	store := s.signups()
	t := signups.Target{GroupID: queryID(r, "gruppe"), ThemeID: queryID(r, "tema")}
	if t.GroupID == 0 && t.ThemeID == 0 {
		queues, err := store.Queues(ctx)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		unconfirmed, err := store.CountUnconfirmed(ctx)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, i18n.T(ctx, "waiting.title"), pages.WaitingOverview(queues, unconfirmed))
		return
	}
	waiters, total, err := store.WaitingList(ctx, t, perPage, offset(r), actor(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	name, err := store.TargetName(ctx, t)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	title, filter := i18n.T(ctx, "waiting.theme", "Name", name), "tema="+strconv.FormatInt(t.ThemeID, 10)
	if t.GroupID != 0 {
		title, filter = i18n.T(ctx, "waiting.group", "Name", name), "gruppe="+strconv.FormatInt(t.GroupID, 10)
	}
	s.render(w, r, http.StatusOK, title, pages.WaitingList(title, filter, waiters, pager(r, total)))
}

// participant shows one participant to staff: the desk (desk.go).
func (s *Server) participant(w http.ResponseWriter, r *http.Request) {
	s.renderParticipant(w, r, http.StatusOK, nil)
}

func (s *Server) renderParticipant(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors) {
	s.renderDesk(w, r, status, func(p *pages.ParticipantPage) { p.Errors = errs })
}

// placeParticipant makes the participant a member of the chosen group.
func (s *Server) placeParticipant(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	id := pathID(r)
	groupID, _ := strconv.ParseInt(r.PostFormValue("group"), 10, 64)
	err := s.signups().Place(ctx, id, groupID, actor(r))
	var errs validate.Errors
	switch {
	case errors.As(err, &errs):
	case errors.Is(err, signups.ErrFull):
		errs.Add("group", "participant.place.full")
	case errors.Is(err, postgres.ErrConflict):
		errs.Add("group", "participant.place.already")
	case errors.Is(err, postgres.ErrNotFound), errors.Is(err, postgres.ErrInvalid):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if !errs.OK() {
		s.renderParticipant(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	s.flash(r, "participant.placed")
	http.Redirect(w, r, "/admin/deltakere/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// markLeft ends a membership.
func (s *Server) markLeft(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	if r.PostFormValue("confirm") != "1" {
		// Asked once: the member is no longer counted in the group, and the place is free.
		m, err := s.signups().MembershipOf(ctx, pathID(r))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if m.LeftAt != nil {
			http.Redirect(w, r, "/admin/deltakere/"+strconv.FormatInt(m.ParticipantID, 10), http.StatusSeeOther)
			return
		}
		title := i18n.T(ctx, "participant.left.confirm.title", "Name", m.FirstName, "Group", m.GroupName)
		s.render(w, r, http.StatusOK, title, pages.ConfirmActionPage(pages.ConfirmAction{
			Title: title, Lines: []string{i18n.T(ctx, "participant.left.confirm.place", "Name", m.FirstName), i18n.T(ctx, "participant.left.confirm.told")},
			Action: "/admin/medlemskap/" + strconv.FormatInt(m.ID, 10) + "/slutt", Submit: i18n.T(ctx, "participant.left.confirm.submit"),
			Back: "/admin/deltakere/" + strconv.FormatInt(m.ParticipantID, 10), Danger: true,
		}))
		return
	}
	participantID, err := s.signups().MarkLeft(ctx, pathID(r), actor(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "participant.leftDone")
	http.Redirect(w, r, "/admin/deltakere/"+strconv.FormatInt(participantID, 10), http.StatusSeeOther)
}

// deleteParticipant deletes a participant at their request (someone who gave only a phone
// number has no private link), with the mail to them, and records who did it.
func (s *Server) deleteParticipant(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	id := pathID(r)
	if r.PostFormValue("confirm") != "on" {
		var errs validate.Errors
		errs.Add("confirm", "participant.delete.confirmRequired")
		s.renderParticipant(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	if err := s.signups().Delete(ctx, id, actor(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "participant.deleted")
	http.Redirect(w, r, "/admin/venteliste", http.StatusSeeOther)
}
