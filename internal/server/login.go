package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
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
	password := r.PostFormValue("password")
	f.Errors.Required("email", f.Email, validate.EmailRequired)
	f.Errors.Required("password", password, "login.password.required")
	if !f.Errors.OK() {
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "login.title"), pages.Login(f))
		return
	}
	users := auth.NewStore(s.db)
	keys := auth.ThrottleKeys(clientKey(r), f.Email)
	if len(f.Email) > maxEmail {
		// No account has such an address: the failure counts against the IP alone, so the
		// throttle table never holds more than an address's worth of what was typed.
		keys = keys[:1]
	}
	locked, retry, err := users.Locked(ctx, keys)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if locked {
		s.tooManyAttempts(w, r, f, retry)
		return
	}
	u, err := users.Authenticate(ctx, f.Email, password)
	if errors.Is(err, auth.ErrBadCredentials) {
		if err := users.RecordFailure(ctx, keys); err != nil {
			s.serverError(w, r, err)
			return
		}
		f.Errors.Add("email", "login.failed")
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "login.title"), pages.Login(f))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if u.TwoFactor() {
		if err := s.sessions.RenewToken(ctx); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.sessions.Put(ctx, sessPendingID, u.ID)
		s.sessions.Put(ctx, sessPendingNext, f.Next)
		http.Redirect(w, r, "/logg-inn/kode", http.StatusSeeOther)
		return
	}
	s.completeLogin(w, r, u, f.Next, false)
}

// maxEmail is the longest e-mail address there is (RFC 5321), and the longest of any account.
const maxEmail = 254

func (s *Server) tooManyAttempts(w http.ResponseWriter, r *http.Request, f pages.LoginForm, retry time.Duration) {
	ctx := r.Context()
	// The typed address may be anyone's: the log keeps a digest that matches an account's
	// address, never the address itself.
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(f.Email))))
	err := audit.Record(ctx, s.db, actor(r), audit.Entry{Action: audit.LoginLocked, Entity: "user",
		Details: map[string]any{"email_sha256": hex.EncodeToString(sum[:8])}})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	minutes := int(retry.Round(time.Minute) / time.Minute)
	f.Errors.Add("email", "login.locked", "Count", max(minutes, 1))
	w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds()+0.5)))
	s.render(w, r, http.StatusTooManyRequests, i18n.T(ctx, "login.title"), pages.Login(f))
}

// completeLogin starts the session, records the login in the same transaction as the last
// login time, and goes on to where the user was heading.
func (s *Server) completeLogin(w http.ResponseWriter, r *http.Request, u auth.User, next string, recovery bool) {
	ctx := r.Context()
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		// The account's failure count ends only with a complete login: clearing it after the
		// password alone would let someone who knows it guess two-factor codes without end.
		users := auth.NewStore(tx)
		if err := users.ClearFailures(ctx, u.Email); err != nil {
			return err
		}
		if err := users.RecordLogin(ctx, u.ID); err != nil {
			return err
		}
		a := actor(r)
		a.ID, a.Label = u.ID, u.Email
		e := audit.Entry{Action: audit.Login, Entity: "user", EntityID: u.ID}
		if recovery {
			e.Action = audit.RecoveryCodeUsed
		}
		return audit.Record(ctx, tx, a, e)
	})
	if err == nil {
		err = s.logIn(r, u)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
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
	users := auth.NewStore(s.db)
	u, err := users.Get(ctx, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if u.Disabled {
		s.sessions.Remove(ctx, sessPendingID)
		http.Redirect(w, r, "/logg-inn", http.StatusSeeOther)
		return
	}
	keys := auth.ThrottleKeys(clientKey(r), u.Email)
	var errs validate.Errors
	code := r.PostFormValue("code")
	if !errs.Required("code", code, "login.code.required") {
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "login.code.title"), pages.TwoFactorCode(errs))
		return
	}
	if locked, retry, err := users.Locked(ctx, keys); err != nil || locked {
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.tooManyAttempts(w, r, pages.LoginForm{Email: u.Email}, retry)
		return
	}
	recovery, err := users.VerifyTwoFactor(ctx, s.seal, u.ID, code, s.now())
	if errors.Is(err, auth.ErrBadCode) {
		if err := users.RecordFailure(ctx, keys); err != nil {
			s.serverError(w, r, err)
			return
		}
		errs.Add("code", "login.code.wrong")
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "login.code.title"), pages.TwoFactorCode(errs))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.completeLogin(w, r, u, safeNext(s.sessions.PopString(ctx, sessPendingNext)), recovery)
}

// logout ends the session: the server forgets it and the browser gets a new, empty one.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if u := currentUser(r); u != nil {
		if err := audit.Record(ctx, s.db, actor(r), audit.Entry{Action: audit.Logout, Entity: "user", EntityID: u.ID}); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	// Destroy removes the session from the store; the flash below starts a new one with a
	// new token.
	if err := s.sessions.Destroy(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "logout.done")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// clientKey is the client IP as a rate-limit key: IPv6 addresses count by their /64, so one
// host cannot pose as many.
func clientKey(r *http.Request) string {
	return httprate.CanonicalizeIP(middleware.GetClientIP(r.Context()))
}
