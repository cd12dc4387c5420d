package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/web/components"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// stylesheets are the CSS files every page loads, in cascade order.
var stylesheets = []string{
	"vendor/designsystemet/theme.css",
	"vendor/designsystemet/designsystemet.css",
	"css/fonts.css",
	"css/app.css",
}

type navLink struct{ label, href string }

// navigation lists the main menu: catalogue id of the label and the path.
var navigation = []navLink{
	{"nav.home", "/"},
	{"nav.catalogue", "/grupper"},
	{"nav.topics", "/tema"},
	{"nav.events", "/arrangementer"},
	{"nav.privacy", "/personvern"},
}

// roleNavigation adds the pages of each role to the menu.
var roleNavigation = map[auth.Role][]navLink{
	auth.Staff: {{"nav.admin", "/admin"}, {"nav.groups", "/admin/grupper"}, {"nav.themes", "/admin/tema"},
		{"nav.waiting", "/admin/venteliste"}, {"nav.matching", "/admin/matching"}, {"offers.nav", "/admin/tilbud"}, {"calls.nav", "/admin/ringeliste"}, {"nav.adminEvents", "/admin/arrangementer"}, {"volunteers.nav", "/admin/igangsettere"}, {"followup.nav", "/admin/oppfolging"}, {"nav.report", "/admin/rapport"}, {"nav.rooms", "/admin/rom"}, {"nav.daysheet", "/admin/dagsark"}, {"nav.keys", "/admin/nokler"}, {"nav.orgs", "/admin/organisasjoner"}, {"nav.licences", "/admin/lisenser"}},
	auth.Admin: {{"nav.admin", "/admin"}, {"nav.groups", "/admin/grupper"}, {"nav.themes", "/admin/tema"},
		{"nav.waiting", "/admin/venteliste"}, {"nav.matching", "/admin/matching"}, {"offers.nav", "/admin/tilbud"}, {"calls.nav", "/admin/ringeliste"}, {"nav.adminEvents", "/admin/arrangementer"}, {"volunteers.nav", "/admin/igangsettere"}, {"followup.nav", "/admin/oppfolging"}, {"nav.report", "/admin/rapport"}, {"nav.rooms", "/admin/rom"}, {"nav.daysheet", "/admin/dagsark"}, {"nav.keys", "/admin/nokler"}, {"nav.orgs", "/admin/organisasjoner"}, {"nav.licences", "/admin/lisenser"}, {"nav.users", "/admin/brukere"}, {"nav.audit", "/admin/logg"}},
	auth.Partner: {{"nav.partner", "/partner"}, {"nav.partnerRooms", "/partner/rom"}, {"nav.partnerLicences", "/partner/lisenser"}},
}

// layout builds the data the layout needs for one request.
func (s *Server) layout(r *http.Request, title string) components.Page {
	ctx := r.Context()
	p := s.basePage(r, title)
	links := navigation
	if u := currentUser(r); u != nil {
		links = append(links[:len(links):len(links)], roleNavigation[u.Role]...)
		p.UserName = u.Name
	}
	for _, n := range links {
		p.Nav = append(p.Nav, components.NavItem{Href: n.href, Label: i18n.T(ctx, n.label), Current: n.href == r.URL.Path})
	}
	if s.sessions.Exists(ctx, sessFlash) {
		p.Flash = i18n.T(ctx, s.sessions.PopString(ctx, sessFlash))
	}
	if s.sessions.Exists(ctx, sessFlashText) {
		p.Flash = s.sessions.PopString(ctx, sessFlashText)
	}
	p.Centre = s.footerContact(r)
	return p
}

// footerContact is the centre's contact details for the footer. A failure to read them
// costs the page its phone and e-mail, not the page: the footer falls back to the address.
func (s *Server) footerContact(r *http.Request) centre.Contact {
	c, err := s.centreContact(r.Context())
	if err != nil {
		s.log.Warn("footer: centre contact", "error", err)
	}
	return c
}

// basePage is the part of the layout data that needs neither the session nor the database,
// so error pages can use it while the database is down.
func (s *Server) basePage(r *http.Request, title string) components.Page {
	p := components.Page{Title: title, Path: r.URL.RequestURI(), Icon: s.assets.URL("img/favicon.svg")}
	for _, css := range stylesheets {
		p.Stylesheets = append(p.Stylesheets, s.assets.URL(css))
	}
	return p
}

// render writes body inside the layout with status. The page is rendered into a buffer first,
// so a failure halfway gives the error page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, title string, body templ.Component) {
	s.renderPage(w, r, status, s.layout(r, title), body)
}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, p components.Page, body templ.Component) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := components.Layout(p, body).Render(r.Context(), buf); err != nil {
		s.log.Error("render", "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// absURL makes an absolute link to a path on this site, for what is read off the site: the
// open data feed, a calendar address to copy.
func (s *Server) absURL(path string) string {
	u := *s.cfg.BaseURL
	ref, err := url.Parse(path)
	if err != nil {
		return u.String()
	}
	return u.ResolveReference(ref).String()
}
