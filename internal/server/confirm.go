package server

import (
	"errors"
	"net/http"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// forms is the store of the open forms' requests (double opt-in and the shared limiter),
// queueing its mail in the server's outbox.
func (s *Server) forms() *optin.Store {
	return optin.NewStore(s.db, s.outbox, s.formKeys, s.formLimits)
}

// submitForm stores the request r of an open form, keyed by the client's IP (its /64), and
// says whether the caller may go on: too many requests from the client answer 429 here.
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request, req optin.Request) bool {
	req.Client, req.IP, req.Lang = clientKey(r), actor(r).IP, i18n.LangOf(r.Context())
	err := s.forms().Submit(r.Context(), req)
	switch {
	case errors.Is(err, optin.ErrTooMany):
		s.renderError(w, r, http.StatusTooManyRequests)
		return false
	case err != nil:
		s.serverError(w, r, err)
		return false
	}
	return true
}

// checkMail answers a sign-up with an e-mail address.
func (s *Server) checkMail(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "confirm.check.title"), pages.CheckMail())
}

// confirmPage shows what a confirmation link asks its owner to confirm. Opening it changes
// nothing: mail scanners open links.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	req, err := s.forms().Pending(r.Context(), r.PathValue("token"))
	if s.confirmGone(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "confirm.title"), pages.Confirm(pages.ConfirmPage{
		Action: "/bekreft/" + r.PathValue("token"), Event: req.Kind == optin.KindEvent, FirstName: req.FirstName(), Title: req.Title}))
}

// confirm does what the link asked: a sign-up lands on the thank-you page (the private link
// is on its way by mail), an event sign-up on its own private page.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) { // no fields, but a body over the limit is refused like everywhere
		return
	}
	c, err := s.forms().Confirm(r.Context(), r.PathValue("token"), s.now())
	if errors.Is(err, events.ErrEnded) {
		s.render(w, r, http.StatusConflict, i18n.T(r.Context(), "events.ended"), pages.ConfirmGone(false))
		return
	}
	if s.confirmGone(w, r, err) {
		return
	}
	if c.Kind == optin.KindEvent {
		http.Redirect(w, r, "/arrangement/"+c.Made.Token, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/takk", http.StatusSeeOther)
}

// confirmGone answers a link that no longer works, was used, or failed; it reports whether
// it answered.
func (s *Server) confirmGone(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, optin.ErrDone):
		s.render(w, r, http.StatusOK, i18n.T(r.Context(), "confirm.done.title"), pages.ConfirmGone(true))
	case errors.Is(err, optin.ErrGone):
		s.render(w, r, http.StatusNotFound, i18n.T(r.Context(), "confirm.gone.title"), pages.ConfirmGone(false))
	default:
		s.serverError(w, r, err)
	}
	return true
}
