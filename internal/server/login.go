package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if u := currentUser(r); u != nil {
		http.Redirect(w, r, landing(*u), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "login.title"), pages.Login(pages.LoginForm{Next: safeNext(r.URL.Query().Get("neste"))}))
}

// login checks the address and password. Wrong address and wrong password get the same
// answer. After MaxFailures failures in the window, from one IP or against one account,
// the answer is 429 with Retry-After until the window has moved on.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := pages.LoginForm{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("neste"))}
	u, err := s.accounts().LogIn(ctx, f.Email, r.PostFormValue("password"), clientKey(r), s.device(r), actor(r))
	var locked *auth.LockedOut
	switch {
	case errors.As(err, &f.Errors):
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "login.title"), pages.Login(f))
	case errors.Is(err, auth.ErrBadCredentials):
		f.Errors.Add("email", "login.failed")
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "login.title"), pages.Login(f))
	case errors.As(err, &locked):
		s.tooManyAttempts(w, r, f, locked.Retry)
	case errors.Is(err, auth.ErrCodeNeeded):
		s.askForCode(w, r, u, f.Next)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.completeLogin(w, r, u, f.Next)
	}
}

// askForCode keeps u half-way in, under a new session token, until the code is right.
func (s *Server) askForCode(w http.ResponseWriter, r *http.Request, u auth.User, next string) {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessPendingID, u.ID)
	s.sessions.Put(ctx, sessPendingNext, next)
	http.Redirect(w, r, "/logg-inn/kode", http.StatusSeeOther)
}

// tooManyAttempts answers a locked-out login (recorded in the audit log by the store) with
// 429, when to try again and Retry-After.
func (s *Server) tooManyAttempts(w http.ResponseWriter, r *http.Request, f pages.LoginForm, retry time.Duration) {
	minutes := int(retry.Round(time.Minute) / time.Minute)
	f.Errors.Add("email", "login.locked", "Count", max(minutes, 1))
	w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds()+0.5)))
	s.render(w, r, http.StatusTooManyRequests, i18n.T(r.Context(), "login.title"), pages.Login(f))
}

// completeLogin starts the session of u, whose login the store has recorded, and goes on to
// where the user was heading.
func (s *Server) completeLogin(w http.ResponseWriter, r *http.Request, u auth.User, next string) {
	if err := s.logIn(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.rememberDevice(w, u.Email)
	if next == "/" || next == "" {
		next = landing(u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) twoFactorPage(w http.ResponseWriter, r *http.Request) {
	if s.sessions.GetInt64(r.Context(), sessPendingID) == 0 {
		http.Redirect(w, r, "/logg-inn", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "login.code.title"), pages.TwoFactorCode(nil))
}

// twoFactor checks the second step of a login. Wrong codes count as failed logins, so the
// same throttle protects the six digits.
func (s *Server) twoFactor(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := s.sessions.GetInt64(ctx, sessPendingID)
	if id == 0 {
		http.Redirect(w, r, "/logg-inn", http.StatusSeeOther)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	u, err := s.accounts().LogInWithCode(ctx, s.seal, id, r.PostFormValue("code"), clientKey(r), s.device(r), actor(r), s.now())
	var errs validate.Errors
	var locked *auth.LockedOut
	switch {
	case errors.Is(err, auth.ErrDisabled):
		s.sessions.Remove(ctx, sessPendingID)
		http.Redirect(w, r, "/logg-inn", http.StatusSeeOther)
	case errors.As(err, &errs):
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "login.code.title"), pages.TwoFactorCode(errs))
	case errors.As(err, &locked):
		s.tooManyAttempts(w, r, pages.LoginForm{Email: u.Email}, locked.Retry)
	case errors.Is(err, auth.ErrBadCode):
		errs.Add("code", "login.code.wrong")
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "login.code.title"), pages.TwoFactorCode(errs))
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.completeLogin(w, r, u, safeNext(s.sessions.PopString(ctx, sessPendingNext)))
	}
}

// logout ends the session: the server forgets it and the browser gets a new, empty one.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(r)
	if u != nil {
		if err := s.accounts().LogOut(ctx, u.ID, actor(r)); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	// Destroy removes the session from the store; the flash below starts a new one with a
	// new token. Someone who was not logged in gets no flash, so stores no session: an
	// anonymous POST /logg-ut leaves nothing behind.
	if err := s.sessions.Destroy(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	if u != nil {
		s.flash(r, "logout.done")
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// clientKey is the client IP as a rate-limit key: IPv6 addresses count by their /64, so one
// host cannot pose as many.
func clientKey(r *http.Request) string {
	return httprate.CanonicalizeIP(middleware.GetClientIP(r.Context()))
}

// deviceCookie holds the sealed auth.Device of a browser that has logged in: its login
// attempts to that account are not locked out by failures from elsewhere.
const deviceCookie = "enhet"

// device is the browser's auth.Device, or the zero Device for one that has not logged in.
func (s *Server) device(r *http.Request) auth.Device {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return auth.Device{}
	}
	return auth.OpenDevice(s.deviceSeal, c.Value)
}

// rememberDevice gives the browser a new device cookie for the account with address email. It
// is sent to the login pages only.
func (s *Server) rememberDevice(w http.ResponseWriter, email string) {
	http.SetCookie(w, &http.Cookie{ // #nosec G124 -- HttpOnly and SameSite=Strict; Secure in production (development serves plain http on loopback)
		Name:     deviceCookie,
		Value:    auth.SealDevice(s.deviceSeal, auth.NewDevice(email)),
		Path:     "/logg-inn",
		MaxAge:   180 * 24 * 3600,
		HttpOnly: true,
		Secure:   s.cfg.Production(),
		SameSite: http.SameSiteStrictMode,
	})
}
