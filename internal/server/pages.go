package server

import (
	"net/http"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// home leads into the catalogue by theme, so it lists the published themes.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	themes, err := s.publishedThemes(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(ctx, "home.title.short"), pages.Home(themes))
}

// accessibility is the accessibility statement (tilgjengelighetserklæring).
func (s *Server) accessibility(w http.ResponseWriter, r *http.Request) {
	c, err := s.centreContact(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "a11y.title"), pages.Accessibility(c))
}

func (s *Server) privacy(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "privacy.title"), pages.Privacy())
}

// setLanguage stores the visitor's language choice in a cookie and sends them back to the
// page they were on.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	l, _ := i18n.Parse(r.PostFormValue("lang"))
	http.SetCookie(w, &http.Cookie{ // #nosec G124 -- HttpOnly and SameSite=Lax; Secure in production (development serves plain http on loopback)
		Name:     langCookie,
		Value:    string(l),
		Path:     "/",
		MaxAge:   365 * 24 * 3600,
		HttpOnly: true,
		Secure:   s.cfg.Production(),
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther) // #nosec G710 -- safeNext allows only a local path
}
