package server

import (
	"errors"
	"net/http"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	p := pages.AccountPage{User: *currentUser(r)}
	if p.User.Role.IsStaff() {
		lang, err := s.accounts().RequestDigest(r.Context(), p.User.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.Digest = lang != ""
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "account.title"), pages.Account(p))
}

// setRequestDigest turns the staff user's daily mail about new requests on (digest=on, in the
// language of the page) or off.
func (s *Server) setRequestDigest(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	var lang i18n.Lang
	if r.PostFormValue("digest") == "on" {
		lang = i18n.LangOf(r.Context())
	}
	if err := s.accounts().SetRequestDigest(r.Context(), currentUser(r).ID, lang); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "account.digest.saved")
	http.Redirect(w, r, "/konto", http.StatusSeeOther)
}

// twoFactorSetupPage starts enrolment, or shows the pending secret again so a QR code already
// scanned keeps working.
func (s *Server) twoFactorSetupPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *currentUser(r)
	if u.TwoFactor() {
		s.flash(r, "twofactor.already")
		http.Redirect(w, r, "/konto", http.StatusSeeOther)
		return
	}
	e, err := s.accounts().Enrol(ctx, s.seal, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store") // the page shows the secret
	s.render(w, r, http.StatusOK, i18n.T(ctx, "twofactor.title"), pages.TwoFactorSetup(e, nil))
}

// twoFactorSetup confirms the code, turns two-factor login on and shows the recovery codes
// once. The response is not cached, and the codes are nowhere else in clear text.
func (s *Server) twoFactorSetup(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	u := *currentUser(r)
	codes, err := s.accounts().ConfirmTwoFactor(ctx, s.seal, u.ID, r.PostFormValue("code"), actor(r), s.now())
	if errors.Is(err, auth.ErrBadCode) {
		e, _, err := s.accounts().CurrentEnrolment(ctx, s.seal, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		var errs validate.Errors
		errs.Add("code", "twofactor.wrong")
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "twofactor.title"), pages.TwoFactorSetup(e, errs))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, i18n.T(ctx, "recovery.title"), pages.RecoveryCodes(codes, landing(u)))
}

// accounts is the store of accounts: logins, passwords, two-factor login, invitations.
func (s *Server) accounts() *auth.Store { return auth.NewStore(s.db) }
