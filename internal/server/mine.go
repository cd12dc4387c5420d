package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The private pages of a participant. The token in the URL is the only key: pages behind it
// are never cached and never indexed, and the access log records the route pattern only.

// byLink finds the participant of the link in the URL; an unknown or expired link gets a
// kind 404 page offering a new link.
func (s *Server) byLink(w http.ResponseWriter, r *http.Request) (signups.Participant, bool) {
	w.Header().Set("Cache-Control", "no-store")
	p, err := s.signups().ByLink(r.Context(), r.PathValue("token"))
	if errors.Is(err, postgres.ErrNotFound) {
		s.render(w, r, http.StatusNotFound, i18n.T(r.Context(), "mine.expired.title"), pages.MyLinkExpired())
		return p, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return p, false
	}
	return p, true
}

func (s *Server) mySignups(w http.ResponseWriter, r *http.Request) {
	p, ok := s.byLink(w, r)
	if !ok {
		return
	}
	page := pages.MyPage{Token: r.PathValue("token"), Participant: p}
	page.Editing, _ = strconv.ParseInt(r.URL.Query().Get("endre"), 10, 64)
	s.renderMine(w, r, http.StatusOK, page)
}

func (s *Server) renderMine(w http.ResponseWriter, r *http.Request, status int, page pages.MyPage) {
	list, err := s.signups().Signups(r.Context(), page.Participant.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	page.Signups = list
	if page.Offers, err = s.signups().PendingOffers(r.Context(), page.Participant.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if page.Groups, err = s.signups().MemberGroups(r.Context(), page.Participant.ID, s.now()); err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, su := range list {
		if su.ID == page.Editing && page.Errors.OK() {
			page.Prefs = signups.Prefs{Formats: su.Formats, Availability: su.Availability, Languages: su.Languages}
		}
	}
	p := s.layout(r, i18n.T(r.Context(), "mine.title"))
	p.NoIndex = true
	s.renderPage(w, r, status, p, pages.MySignups(page))
}

func (s *Server) myUpdateSignup(w http.ResponseWriter, r *http.Request) {
	p, ok := s.byLink(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	prefs := parsePrefs(r)
	err := s.signups().UpdatePrefs(r.Context(), p.ID, pathID(r), &prefs)
	var errs validate.Errors
	if errors.As(err, &errs) {
		s.renderMine(w, r, http.StatusUnprocessableEntity, pages.MyPage{Token: r.PathValue("token"), Participant: p,
			Editing: pathID(r), Prefs: prefs, Errors: errs})
		return
	}
	s.myChange(w, r, err, "mine.saved")
}

// myWithdrawPage asks once before withdrawing a sign-up, saying what is lost.
func (s *Server) myWithdrawPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.byLink(w, r)
	if !ok {
		return
	}
	list, err := s.signups().Signups(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, su := range list {
		if su.ID == pathID(r) && su.Active() {
			page := s.layout(r, i18n.T(r.Context(), "mine.title"))
			page.NoIndex = true
			s.renderPage(w, r, http.StatusOK, page, pages.MyWithdrawConfirm(pages.MyPage{Token: r.PathValue("token"), Participant: p}, su))
			return
		}
	}
	s.notFound(w, r)
}

// myWithdraw withdraws the sign-up once the person has confirmed it on myWithdrawPage; a
// post without the confirmation (a page from before it was asked) is shown that page.
func (s *Server) myWithdraw(w http.ResponseWriter, r *http.Request) {
	p, ok := s.byLink(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if r.PostFormValue("confirm") != "1" {
		s.myWithdrawPage(w, r)
		return
	}
	s.myChange(w, r, s.signups().Withdraw(r.Context(), p.ID, pathID(r)), "mine.withdrawn")
}

func (s *Server) myChange(w http.ResponseWriter, r *http.Request, err error, flash string) {
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		s.notFound(w, r)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.flash(r, flash)
		http.Redirect(w, r, "/mine/"+r.PathValue("token"), http.StatusSeeOther) // #nosec G710 -- a local path; the token is one path segment the store just found
	}
}

// myData downloads everything stored about the person as JSON.
func (s *Server) myData(w http.ResponseWriter, r *http.Request) {
	p, ok := s.byLink(w, r)
	if !ok {
		return
	}
	x, err := s.signups().ExportData(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mine-opplysninger.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(x)
}

func (s *Server) myDeletePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.byLink(w, r); ok {
		s.render(w, r, http.StatusOK, i18n.T(r.Context(), "mine.delete.title"), pages.MyDeleteConfirm(r.PathValue("token")))
	}
}

// myDelete removes the person and everything about them, for real.
func (s *Server) myDelete(w http.ResponseWriter, r *http.Request) {
	p, ok := s.byLink(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if err := s.signups().DeleteOwn(r.Context(), p.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	// Requests from the open forms in the person's address go too (they hold it only sealed,
	// and would end within a day anyway).
	if p.Email != nil {
		if err := s.forms().Forget(r.Context(), *p.Email); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "mine.deleted.title"), pages.MyDeleted())
}
