package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// Staff sign up a caller on their behalf (issue 19): a new person, or one more sign-up for a
// person already registered, with the consent they gave orally.

// newCallerPage is the form for a new caller, with the public form's defaults.
func (s *Server) newCallerPage(w http.ResponseWriter, r *http.Request) {
	var p pages.CallerPage
	p.Form.Lang, p.Form.Formats, p.Form.Languages = string(i18n.NB), signups.Formats, []string{string(i18n.NB)}
	s.renderCaller(w, r, http.StatusOK, p)
}

func (s *Server) renderCaller(w http.ResponseWriter, r *http.Request, status int, p pages.CallerPage) {
	var err error
	if p.Choices, err = s.signups().TargetChoices(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Months = s.cfg.RetentionMonths
	s.renderStaffForm(w, r, status, i18n.T(r.Context(), "behalf.new.title"), pages.NewCaller(p))
}

// renderStaffForm renders a form with personal data in it: not indexed, not stored.
func (s *Server) renderStaffForm(w http.ResponseWriter, r *http.Request, status int, title string, body templ.Component) {
	page := s.layout(r, title)
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, status, page, body)
}

// signUpCaller registers the caller and their sign-up. A person already registered is not
// made twice: the form comes back (nothing lost) with a link to them and a button that adds
// the sign-up to them.
func (s *Server) signUpCaller(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := pages.CallerPage{Form: signups.CallerForm{Form: parseSignup(r), Lang: r.PostFormValue("lang"),
		Target: signups.ParseTarget(r.PostFormValue("target")), AddToExisting: r.PostFormValue("existing") == "add"}}
	res, err := s.signups().SignUpCaller(r.Context(), &p.Form, actor(r))
	switch {
	case errors.As(err, &p.Errors):
		s.renderCaller(w, r, http.StatusUnprocessableEntity, p)
		return
	case errors.Is(err, signups.ErrExists):
		p.Existing = res.ParticipantID
		s.renderCaller(w, r, http.StatusConflict, p)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.signedUp(w, r, res)
}

// signedUp says how the confirmation went and shows the person.
func (s *Server) signedUp(w http.ResponseWriter, r *http.Request, res signups.Result) {
	switch res.Channel {
	case mail.ChannelEmail:
		s.flash(r, "behalf.done.email")
	case mail.ChannelSMS:
		s.flash(r, "behalf.done.sms")
	default:
		s.flash(r, "behalf.done.none")
	}
	http.Redirect(w, r, "/admin/deltakere/"+strconv.FormatInt(res.ParticipantID, 10), http.StatusSeeOther)
}

// addSignupPage is the form for one more sign-up of a known person, prefilled with the
// preferences of their latest one; the view is audited.
func (s *Server) addSignupPage(w http.ResponseWriter, r *http.Request) {
	s.renderAddSignup(w, r, http.StatusOK, nil)
}

func (s *Server) renderAddSignup(w http.ResponseWriter, r *http.Request, status int, p *pages.AddSignupPage) {
	ctx := r.Context()
	d, err := s.signups().NewWish(ctx, pathID(r), actor(r))
	if err != nil { // a person who is not there is 404
		s.serverError(w, r, err)
		return
	}
	if p == nil {
		p = &pages.AddSignupPage{Wish: d.Wish}
	}
	p.Participant = d.Participant
	if p.Choices, err = s.signups().TargetChoices(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Months = s.cfg.RetentionMonths
	s.renderStaffForm(w, r, status, i18n.T(ctx, "behalf.add.title", "Name", d.Participant.FirstName), pages.AddSignup(*p))
}

// addSignup stores one more sign-up for a known person.
func (s *Server) addSignup(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	p := pages.AddSignupPage{Wish: signups.Wish{Target: signups.ParseTarget(f.Get("target")), Source: f.Get("source"),
		Note: f.Get("note"), Consent: f.Get("consent") == "on", Prefs: parsePrefs(r)}}
	res, err := s.signups().SignUpExisting(r.Context(), pathID(r), &p.Wish, actor(r))
	switch {
	case errors.As(err, &p.Errors):
		s.renderAddSignup(w, r, http.StatusUnprocessableEntity, &p)
		return
	case err != nil: // a person who is not there is 404
		s.serverError(w, r, err)
		return
	}
	s.signedUp(w, r, res)
}
