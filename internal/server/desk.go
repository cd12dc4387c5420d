package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// maxQuery bounds the staff search's query; a longer one is cut.
const maxQuery = 100

// search finds participants by name, e-mail or phone (?q=); every search is audited.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len([]rune(q)) > maxQuery {
		q = string([]rune(q)[:maxQuery])
	}
	p := pages.SearchPage{Query: q}
	if q != "" {
		list, total, err := s.signups().Search(r.Context(), q, perPage, offset(r), actor(r))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.Found, p.Total, p.Pager = list, total, pager(r, total)
	}
	page := s.layout(r, i18n.T(r.Context(), "desk.search.title"))
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, http.StatusOK, page, pages.Search(p))
}

// timelineShown reads ?historikk=, how many events of the person's history to show.
func timelineShown(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("historikk"))
	return min(max(n, signups.TimelineStep), signups.MaxTimeline)
}

// renderDesk shows the person's page; keep puts back what a form in error held. The view is
// recorded in the audit log in the same transaction as the reads.
func (s *Server) renderDesk(w http.ResponseWriter, r *http.Request, status int, keep func(*pages.ParticipantPage)) {
	shown := timelineShown(r)
	v, err := s.signups().View(r.Context(), pathID(r), shown, actor(r))
	if errors.Is(err, postgres.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := pages.NewParticipantPage(v)
	p.RetentionMonths, p.TimelineShown = s.cfg.RetentionMonths, shown
	if keep != nil {
		keep(&p)
	}
	page := s.layout(r, p.Participant.FirstName)
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, status, page, pages.Participant(p))
}

// backToPerson sends staff back to the person's page after a change, with its flash.
func (s *Server) backToPerson(w http.ResponseWriter, r *http.Request, flash string) {
	s.flash(r, flash)
	http.Redirect(w, r, "/admin/deltakere/"+strconv.FormatInt(pathID(r), 10), http.StatusSeeOther) // #nosec G710 -- a local path built from a numeric id
}

// deskError answers a failed change on the person's page: the form again (422) for a
// validate.Errors, 404 for an unknown person or sign-up, else a server error. It reports
// whether err was one.
func (s *Server) deskError(w http.ResponseWriter, r *http.Request, err error, keep func(*pages.ParticipantPage, validate.Errors)) bool {
	var errs validate.Errors
	switch {
	case err == nil:
		return false
	case errors.As(err, &errs):
		s.renderDesk(w, r, http.StatusUnprocessableEntity, func(p *pages.ParticipantPage) { p.Errors = errs; keep(p, errs) })
	case errors.Is(err, postgres.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, err)
	}
	return true
}

// updateContact corrects the person's name, contact details, channel and language.
func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := signups.ContactEdit{Lang: r.PostFormValue("lang"), ContactForm: signups.ContactForm{FirstName: r.PostFormValue("first_name"),
		Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"), Contact: r.PostFormValue("contact")}}
	changed, err := s.signups().UpdateContact(r.Context(), pathID(r), &f, actor(r))
	if s.deskError(w, r, err, func(p *pages.ParticipantPage, _ validate.Errors) { p.Contact, p.ContactOpen = f, true }) {
		return
	}
	if !changed {
		s.backToPerson(w, r, "desk.contact.unchanged")
		return
	}
	s.backToPerson(w, r, "desk.contact.saved")
}

// saveStaffNote keeps staff's short note about the person.
func (s *Server) saveStaffNote(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	note := r.PostFormValue("staff_note")
	err := s.signups().SetStaffNote(r.Context(), pathID(r), note, actor(r))
	if s.deskError(w, r, err, func(p *pages.ParticipantPage, _ validate.Errors) { p.Note = note }) {
		return
	}
	s.backToPerson(w, r, "desk.note.saved.flash")
}

// withdrawSignup withdraws one of the person's sign-ups, with its offer, for a reason.
func (s *Server) withdrawSignup(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	sid, _ := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	f := signups.WithdrawForm{Reason: r.PostFormValue("reason"), Text: r.PostFormValue("reason_text")}
	err := s.signups().WithdrawFor(r.Context(), pathID(r), sid, &f, actor(r))
	if errors.Is(err, signups.ErrNotWaiting) {
		var errs validate.Errors
		errs.Add("reason", "desk.withdraw.notWaiting")
		err = errs
	}
	if s.deskError(w, r, err, func(p *pages.ParticipantPage, _ validate.Errors) { p.WithdrawID, p.Withdraw = sid, f }) {
		return
	}
	s.backToPerson(w, r, "desk.withdraw.done")
}
