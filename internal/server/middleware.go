package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// contentSecurityPolicy allows nothing inline and nothing from other origins. Designsystemet
// uses data: URIs for a few icons, hence img-src data:.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.cfg.Production() {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// accessLog writes one line per request. It logs the route pattern, not the raw path, so that
// private-link tokens in URLs never reach the log.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := chi.RouteContext(r.Context()).RoutePattern()
		if route == "" {
			route = "(unmatched)"
		}
		s.log.LogAttrs(r.Context(), levelFor(ww.Status()), "request",
			slog.String("id", middleware.GetReqID(r.Context())),
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", ww.Status()),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)),
		)
	})
}

// recoverPanic turns a panic in a handler into the friendly 500 page and a log line with the
// stack. http.ErrAbortHandler is re-raised, as net/http expects.
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "id", middleware.GetReqID(r.Context()), "panic", fmt.Sprint(v),
				"stack", string(debug.Stack()))
			if r.Header.Get("Connection") != "Upgrade" {
				s.renderError(w, r, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// levelFor logs server errors as errors and everything else as information: a 404 or a
// refused form is not a fault of the app.
func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// limitBody caps request bodies; a larger form fails to parse and gets a 413 from the handler.
// The upload of a waiting list to import may be larger (importBodyLimit).
func (s *Server) limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := n
			if r.Method == http.MethodPost && r.URL.Path == importPath {
				limit = importBodyLimit
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}

// crossOriginProtection refuses unsafe requests (POST, PUT, DELETE …) that a browser marks as
// coming from another site, with the friendly 403 page. Together with SameSite=Lax cookies
// this is the protection against cross-site request forgery.
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	// Twilio's incoming-SMS webhook is a server's request, authenticated by its signature.
	cop.AddInsecureBypassPattern("POST " + smsWebhookPath)
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden)
	}))
	return cop.Handler(next)
}

// refuseBadURL answers a path or query that no page of ours can mean — bytes that are not
// UTF-8, NUL or other control characters — before a handler hands it to PostgreSQL, which
// refuses NUL and invalid UTF-8 with an error (a 500). A bad path names no page (404); a bad
// query is a bad request (400).
func (s *Server) refuseBadURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !plainText(r.URL.Path, false) {
			s.notFound(w, r)
			return
		}
		for k, values := range r.URL.Query() {
			if !plainText(k, false) || slices.ContainsFunc(values, func(v string) bool { return !plainText(v, false) }) {
				s.renderError(w, r, http.StatusBadRequest)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// langCookie remembers a visitor's choice of language; it holds nothing else.
const langCookie = "lang"

// language puts the visitor's language in the request context: the one they chose, else
// Norwegian bokmål.
func (s *Server) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := i18n.NB
		if c, err := r.Cookie(langCookie); err == nil {
			l, _ = i18n.Parse(c.Value)
		}
		next.ServeHTTP(w, r.WithContext(i18n.WithLang(r.Context(), l)))
	})
}

// safeNext returns a local path to go back to after a form, refusing anything that could lead
// off the site ("//evil.example", "https://…", "/\\evil").
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) >= 0 {
		return "/"
	}
	return next
}

// headAsGet answers HEAD wherever GET is answered (uptime monitors ask with HEAD): the app
// registers no HEAD route, so a HEAD request is routed as GET, and the HTTP server drops the
// body. chi's middleware.GetHead does the same only where a look-ahead finds no HEAD route,
// and finds one at the root of a mounted router ("/admin/").
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rctx := chi.RouteContext(r.Context()); r.Method == http.MethodHead && rctx != nil {
			rctx.RouteMethod = http.MethodGet
		}
		next.ServeHTTP(w, r)
	})
}
