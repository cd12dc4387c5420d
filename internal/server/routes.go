package server

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// routes is the one place where every route and its guard are declared, so that who may do
// what can be reviewed on one screen.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(middleware.ClientIPFromRemoteAddr)
	r.Use(s.accessLog)
	r.Use(s.recoverPanic)
	r.Use(s.securityHeaders)
	// Before routing, so a cross-site POST to any path, known or not, is refused alike.
	r.Use(s.crossOriginProtection)
	r.Use(s.language)
	r.Use(middleware.Compress(5, "text/html", "text/css", "text/plain", "text/javascript",
		"application/javascript", "application/json", "image/svg+xml", "text/calendar", "text/csv"))
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)

	// Probes and static files: no session, no language, no body.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/static/*", s.static)

	// Pages.
	r.Group(func(r chi.Router) {
		r.Use(middleware.Timeout(30 * time.Second))
		r.Use(s.limitBody(1 << 20))
		r.Use(s.sessions.LoadAndSave)

		r.Get("/", s.home)
		r.Get("/personvern", s.privacy)
		r.Post("/sprak", s.setLanguage)
	})
	return r
}
