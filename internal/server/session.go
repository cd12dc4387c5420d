package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Session keys. The session holds a user id and flash messages only (and, between the
// password and the code of a two-factor login, the id of the user half-way in).
const (
	sessUserID      = "uid"
	sessEpoch       = "epoch"
	sessPendingID   = "pending_uid"
	sessPendingNext = "pending_next"
	sessFlash       = "flash"
	sessFlashText   = "flash_text"
	sessAuthAt      = "auth_at" // Unix seconds of the last password check, for reveals
	sessSeen        = "seen"    // Unix seconds of the last request, to a minute
)

// A login ends after idleTimeout without a request. The time of the last request is saved
// at most every touchEvery, so that reading pages does not write the session each time.
const (
	idleTimeout = 30 * time.Minute
	touchEvery  = time.Minute
)

type userKey struct{}

// currentUser returns the logged-in user, or nil.
func currentUser(r *http.Request) *auth.User {
	u, _ := r.Context().Value(userKey{}).(*auth.User)
	return u
}

// authenticate loads the logged-in user for each request. A session whose user has been
// disabled, or whose epoch is older than the user's (password changed, role changed,
// disabled), is ended here: that is how disabling a user ends all their sessions at once.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := s.sessions.GetInt64(ctx, sessUserID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.accounts().Get(ctx, id)
		if err != nil && !errors.Is(err, postgres.ErrNotFound) {
			s.serverError(w, r, err)
			return
		}
		now := s.wallClock().Unix()
		seen := s.sessions.GetInt64(ctx, sessSeen)
		idle := seen != 0 && now-seen > int64(idleTimeout/time.Second)
		if err != nil || idle || u.Disabled || u.SessionEpoch != s.sessions.GetInt(ctx, sessEpoch) {
			if err := s.sessions.Destroy(ctx); err != nil {
				s.serverError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if now-seen >= int64(touchEvery/time.Second) {
			s.sessions.Put(ctx, sessSeen, now)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, userKey{}, &u)))
	})
}

// requireLogin sends anonymous visitors to the login page, remembering where they were going.
func (s *Server) requireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r) == nil {
			target := "/logg-inn"
			if r.Method == http.MethodGet {
				target += "?neste=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireRole answers 403 to a logged-in user without one of roles. Use after requireLogin.
func (s *Server) requireRole(roles ...auth.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u := currentUser(r); u == nil || !slices.Contains(roles, u.Role) {
				s.renderError(w, r, http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// twoFactorRequired sends staff without a second factor to set one up, when admins require it.
func (s *Server) twoFactorRequired(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		if u != nil && u.Role.IsStaff() && !u.TwoFactor() {
			on, err := s.requireTwoFactor(r.Context())
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			if on {
				s.flash(r, "account.twofactor.required")
				http.Redirect(w, r, "/konto/tofaktor", http.StatusSeeOther)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// logIn starts a fresh session for u: a new token (against session fixation), the user id
// and the epoch that later requests are checked against.
func (s *Server) logIn(r *http.Request, u auth.User) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Remove(ctx, sessPendingID)
	s.sessions.Put(ctx, sessUserID, u.ID)
	s.sessions.Put(ctx, sessEpoch, u.SessionEpoch)
	s.sessions.Put(ctx, sessAuthAt, s.now().Unix())
	s.sessions.Put(ctx, sessSeen, s.wallClock().Unix())
	return nil
}

// actor is who does what in this request, for the audit log.
func actor(r *http.Request) audit.Actor {
	a := audit.Actor{IP: middleware.GetClientIP(r.Context())}
	if u := currentUser(r); u != nil {
		a.ID, a.Label = u.ID, u.Email
	}
	return a
}

// flash keeps a message (a catalogue id) for the next page the visitor sees.
func (s *Server) flash(r *http.Request, id string) {
	s.sessions.Put(r.Context(), sessFlash, id)
}

// flashText keeps a message already put into words (with counts in it) for the next page.
func (s *Server) flashText(r *http.Request, text string) {
	s.sessions.Put(r.Context(), sessFlashText, text)
}

// landing is where a user goes after logging in, by role.
func landing(u auth.User) string {
	if u.Role == auth.Partner {
		return "/partner"
	}
	return "/admin"
}

// noStorePrivate keeps every page for a logged-in user and every private-link page (a route
// with a {token}) out of every cache: they show names, contact details and links that are
// keys. A handler that knows better (a public JSON feed, a calendar feed) sets its own.
func noStorePrivate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r) != nil || strings.Contains(chi.RouteContext(r.Context()).RoutePattern(), "{token}") {
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
