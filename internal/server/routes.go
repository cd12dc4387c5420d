package server

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
)

// routes is the one place where every route and its guard are declared, so that who may do
// what can be reviewed on one screen. The authorisation matrix test walks this router: a
// route added here without an entry there fails the tests.
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

	r.Group(func(r chi.Router) {
		r.Use(middleware.Timeout(30 * time.Second))
		r.Use(s.limitBody(1 << 20))
		r.Use(s.sessions.LoadAndSave)
		r.Use(s.authenticate)

		// Public: anyone.
		r.Get("/", s.home)
		r.Get("/personvern", s.privacy)
		r.Post("/sprak", s.setLanguage)
		r.Get("/logg-inn", s.loginPage)
		r.Post("/logg-inn", s.login)
		r.Get("/logg-inn/kode", s.twoFactorPage)
		r.Post("/logg-inn/kode", s.twoFactor)
		r.Post("/logg-ut", s.logout)
		r.Get("/glemt-passord", s.forgotPage)
		r.Post("/glemt-passord", s.forgot)
		r.Get("/nytt-passord/{token}", s.setPasswordPage)
		r.Post("/nytt-passord/{token}", s.setPassword)
		r.Get("/invitasjon/{token}", s.setPasswordPage)
		r.Post("/invitasjon/{token}", s.setPassword)
		if !s.cfg.Production() {
			r.Get("/dev/mailbox", s.devMailbox)
			r.Get("/dev/mailbox/{id}", s.devMailboxMessage)
			r.Get("/dev/mailbox/{id}/html", s.devMailboxHTML)
		}

		// Any logged-in user: their own account.
		r.Group(func(r chi.Router) {
			r.Use(s.requireLogin)
			r.Get("/konto", s.account)
			r.Get("/konto/tofaktor", s.twoFactorSetupPage)
			r.Post("/konto/tofaktor", s.twoFactorSetup)
		})

		// Staff and admins.
		r.Route("/admin", func(r chi.Router) {
			r.Use(s.requireLogin, s.requireRole(auth.Staff, auth.Admin), s.requireTwoFactor)
			r.Get("/", s.adminHome)
			r.Get("/invitasjon", s.invitePage)
			r.Post("/invitasjon", s.invite)

			// Admins only: users, settings and the audit log.
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.Admin))
				r.Get("/brukere", s.users)
				r.Get("/brukere/{id}", s.user)
				r.Post("/brukere/{id}/rolle", s.userAction(audit.UserRoleChanged, "users.role.saved", changeRole))
				r.Post("/brukere/{id}/deaktiver", s.userAction(audit.UserDisabled, "users.disabled", setDisabled(true)))
				r.Post("/brukere/{id}/aktiver", s.userAction(audit.UserEnabled, "users.enabled", setDisabled(false)))
				r.Post("/brukere/{id}/tofaktor", s.userAction(audit.TwoFactorReset, "users.twofactor.wasReset", resetTwoFactor))
				r.Post("/brukere/{id}/invitasjon", s.userAction(audit.UserInvited, "invite.sent", s.resendInvitation))
				r.Get("/innstillinger", s.settingsPage)
				r.Post("/innstillinger", s.settings)
				r.Get("/logg", s.auditLog)
			})
		})

		// Partner organisations: every query is scoped to the user's own organisation.
		r.Route("/partner", func(r chi.Router) {
			r.Use(s.requireLogin, s.requireRole(auth.Partner))
			r.Get("/", s.partnerHome)
		})
	})
	return r
}
