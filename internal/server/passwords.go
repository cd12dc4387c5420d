package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

func (s *Server) forgotPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "forgot.title"), pages.ForgotPassword("", nil, false))
}

// forgot sends a reset link when the address belongs to an active account, and answers the
// same either way, so the page tells no one which addresses have accounts.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	email := strings.TrimSpace(r.PostFormValue("email"))
	var errs validate.Errors
	if !errs.RequiredEmail("email", email) {
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "forgot.title"), pages.ForgotPassword(email, errs, false))
		return
	}
	// A job looks the account up and mails the link: the answer and its time are the same
	// for every address, and the shared limiter counts this form with the others.
	if !s.submitForm(w, r, optin.Request{Kind: optin.KindReset, Email: email}) {
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(ctx, "forgot.title"), pages.ForgotPassword("", nil, true))
}

// linkPurpose maps the two kinds of one-time link pages to their purpose and path.
func linkPurpose(r *http.Request) (auth.Purpose, string) {
	if strings.HasPrefix(r.URL.Path, "/invitasjon/") {
		return auth.Invitation, "/invitasjon/"
	}
	return auth.Reset, "/nytt-passord/"
}

// setPasswordPage shows the form behind an invitation or reset link, or a kind page saying
// the link no longer works.
func (s *Server) setPasswordPage(w http.ResponseWriter, r *http.Request) {
	purpose, prefix := linkPurpose(r)
	token := r.PathValue("token")
	u, err := auth.NewStore(s.db).CheckLink(r.Context(), token, purpose)
	if errors.Is(err, postgres.ErrNotFound) {
		s.render(w, r, http.StatusNotFound, i18n.T(r.Context(), "link.expired.title"), pages.LinkExpired())
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderSetPassword(w, r, http.StatusOK, pages.SetPasswordForm{Invitation: purpose == auth.Invitation,
		Name: u.Name, Email: u.Email, Action: prefix + token})
}

func (s *Server) renderSetPassword(w http.ResponseWriter, r *http.Request, status int, f pages.SetPasswordForm) {
	title := i18n.T(r.Context(), "setpw.reset.title")
	if f.Invitation {
		title = i18n.T(r.Context(), "setpw.invitation.short")
	}
	s.render(w, r, status, title, pages.SetPassword(f))
}

// setPassword uses the link, sets the password and logs the user in, in one transaction:
// of two tabs racing with one link, exactly one succeeds.
func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	purpose, prefix := linkPurpose(r)
	token := r.PathValue("token")
	f := pages.SetPasswordForm{Invitation: purpose == auth.Invitation, Action: prefix + token}
	pw := auth.NewPassword{Password: r.PostFormValue("password"), Confirm: r.PostFormValue("confirm")}
	u, err := s.accounts().SetPasswordByLink(ctx, token, purpose, pw, actor(r))
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		s.render(w, r, http.StatusNotFound, i18n.T(ctx, "link.expired.title"), pages.LinkExpired())
	case errors.As(err, &f.Errors):
		f.Name, f.Email = u.Name, u.Email
		s.renderSetPassword(w, r, http.StatusUnprocessableEntity, f)
	case err != nil:
		s.serverError(w, r, err)
	case u.TwoFactor():
		s.flash(r, "setpw.done")
		http.Redirect(w, r, "/logg-inn", http.StatusSeeOther)
	default:
		s.flash(r, "setpw.done")
		s.completeLogin(w, r, u, "")
	}
}
