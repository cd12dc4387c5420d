package server

import (
	"cmp"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// signupRateLimit lets one client IP send each kind of sign-up form or link request at most
// 20 times in ten minutes (chi builds a group's middleware once per route, so each route
// counts on its own); reading pages is not limited. (The count is per app instance.)
func (s *Server) signupRateLimit(next http.Handler) http.Handler {
	limited := httprate.LimitBy(20, 10*time.Minute,
		func(r *http.Request) (string, error) {
			return httprate.CanonicalizeIP(middleware.GetClientIP(r.Context())), nil
		},
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) { s.renderError(w, r, http.StatusTooManyRequests) }),
	)(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		limited.ServeHTTP(w, r)
	})
}

// signupTarget finds the published group or theme named in the URL; it answers 404 itself.
func (s *Server) signupTarget(w http.ResponseWriter, r *http.Request) (pages.SignupPage, signups.Target, bool) {
	ctx := r.Context()
	store := groups.NewStore(s.db)
	slug := r.PathValue("slug")
	p := pages.SignupPage{Months: s.cfg.RetentionMonths}
	var t signups.Target
	var err error
	if strings.HasPrefix(r.URL.Path, "/grupper/") {
		var g groups.Group
		if g, err = s.publishedGroup(ctx, slug); err == nil {
			if g.OpenMeeting {
				// Drop-in: nothing to sign up for; its page says "just come along".
				http.Redirect(w, r, "/grupper/"+g.Slug, http.StatusSeeOther)
				return p, t, false
			}
			if !g.TakesMembers() {
				// Full, closed or paused: the way in is interest in the group's theme.
				target := "/grupper"
				if len(g.Themes) > 0 {
					target = "/tema/" + g.Themes[0].Slug + "/interesse"
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
				return p, t, false
			}
			p.GroupName, p.Action, t.GroupID = g.Name, "/grupper/"+g.Slug+"/meld-pa", g.ID
			p.GroupSlot = signups.Availability(g.Weekday, groups.DayPartOf(g.StartsAt))
			if len(g.Themes) > 0 {
				t.ThemeID = g.Themes[0].ID
			}
		}
	} else {
		var th groups.Theme
		if th, err = store.PublishedTheme(ctx, slug); err == nil {
			p.ThemeName, p.Action, t.ThemeID = th.Name(i18n.LangOf(ctx)), "/tema/"+th.Slug+"/interesse", th.ID
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return p, t, false
	}
	return p, t, true
}

func (s *Server) signupPage(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.signupTarget(w, r)
	if !ok {
		return
	}
	p.Form.Formats = signups.Formats
	p.Form.Languages = []string{string(i18n.LangOf(r.Context()))}
	s.renderSignup(w, r, http.StatusOK, p)
}

// renderSignup shows the sign-up form for a group, or the interest form for a theme, with the
// meta description of the one it is.
func (s *Server) renderSignup(w http.ResponseWriter, r *http.Request, status int, p pages.SignupPage) {
	page := s.layout(r, i18n.T(r.Context(), "signup.title"))
	page.Description = i18n.T(r.Context(), "meta.interest")
	if p.GroupName != "" {
		page.Description = i18n.T(r.Context(), "meta.signup")
	}
	s.renderPage(w, r, status, page, pages.Signup(p))
}

// parseSignup reads the form as typed.
func parseSignup(r *http.Request) signups.Form {
	f := r.PostForm
	return signups.Form{FirstName: f.Get("first_name"), Email: f.Get("email"), Phone: f.Get("phone"), Contact: f.Get("contact"),
		AgeBand: f.Get("age_band"), Source: f.Get("source"), Note: f.Get("note"), Adult: f.Get("adult") == "on",
		Consent: f.Get("consent") == "on", Prefs: parsePrefs(r)}
}

func parsePrefs(r *http.Request) signups.Prefs {
	f := r.PostForm
	return signups.Prefs{Formats: signups.FormatsOf(f["formats"]), Availability: signups.Slots(f["days"], f["parts"], f["availability"]),
		Languages: f["languages"]}
}

// signups is the participants' store, queueing its mail in the server's outbox.
func (s *Server) signups() *signups.Store { return signups.NewStore(s.db, s.outbox) }

// signup stores a sign-up, which mails the private link. A filled honeypot gets the
// thank-you page and nothing is stored.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	p, t, ok := s.signupTarget(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	if r.PostFormValue("nettsted") != "" {
		http.Redirect(w, r, "/takk", http.StatusSeeOther)
		return
	}
	p.Form = parseSignup(r)
	if p.GroupSlot != "" && len(p.Form.Availability) == 0 {
		p.Form.Availability = []string{p.GroupSlot} // the group's fixed time answers when they can come
	}
	if p.Errors = p.Form.Validate(); !p.Errors.OK() {
		s.renderSignup(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if p.Form.Email != "" {
		// Stored as a request until the mailbox's owner confirms: the same work for every address.
		if s.submitForm(w, r, optin.Request{Kind: optin.KindSignup, Email: p.Form.Email, Signup: &p.Form, Target: t,
			Title: cmp.Or(p.GroupName, p.ThemeName)}) {
			http.Redirect(w, r, "/sjekk-epost", http.StatusSeeOther)
		}
		return
	}
	// A phone number only: stored at once, as staff confirm it when they phone.
	if _, err := s.signups().SignUp(ctx, &p.Form, t, i18n.LangOf(ctx)); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/takk", http.StatusSeeOther)
}

func (s *Server) signupThanks(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "thanks.title"), pages.SignupThanks())
}

func (s *Server) myLinkPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "mine.request.title"), pages.MyLinkRequest("", nil, false))
}

// myLinkRequest sends a new private link when the address is known, and says the same
// either way.
func (s *Server) myLinkRequest(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	email := strings.TrimSpace(r.PostFormValue("email"))
	var errs validate.Errors
	if !errs.RequiredEmail("email", email) {
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "mine.request.title"), pages.MyLinkRequest(email, errs, false))
		return
	}
	// A job looks the address up and mails a link to a participant's: the answer, and its
	// time, are the same for every address.
	if !s.submitForm(w, r, optin.Request{Kind: optin.KindLink, Email: email}) {
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(ctx, "mine.request.title"), pages.MyLinkRequest("", nil, true))
}
