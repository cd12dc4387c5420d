package server

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

// fonts are the web fonts nearly every page uses (the latin subset of Inter at the weights
// of body text, labels and headings). They are preloaded so that they arrive before the first
// paint: fonts.css shows them with font-display: optional, and a font that misses the first
// paint is not swapped in later, so the page never shifts.
var fonts = []string{
	"vendor/inter/inter-latin-400-normal.woff2",
	"vendor/inter/inter-latin-500-normal.woff2",
	"vendor/inter/inter-latin-600-normal.woff2",
}

type navLink struct{ label, href string }

// navigation lists the public menu: catalogue id of the label and the path.
var navigation = []navLink{
	{"nav.home", "/"},
	{"nav.catalogue", "/grupper"},
	{"nav.topics", "/tema"},
	{"nav.events", "/arrangementer"},
	{"nav.privacy", "/personvern"},
}

// navGroup is one task of a role's menu: a label, where the label leads (its first page),
// the pages, and the other paths that belong to the task (a person's page belongs to
// "people"), so the group is marked on them too.
type navGroup struct {
	label, href string
	links       []navLink
	also        []string
}

// Staff pages, grouped by task. Pending links (built on other branches of issue 19, may
// 404 until they are merged): /admin/sok, /admin/deltakere/ny, /admin/venteliste/import.
var (
	navOverview = navGroup{label: "nav.admin", href: "/admin"}
	navPeople   = navGroup{label: "nav.group.people", href: "/admin/venteliste", links: []navLink{
		{"nav.waiting", "/admin/venteliste"}, {"nav.matching", "/admin/matching"}, {"offers.nav", "/admin/tilbud"},
		{"calls.nav", "/admin/ringeliste"}, {"nav.search", "/admin/sok"}, {"nav.newCaller", "/admin/deltakere/ny"},
		{"nav.import", "/admin/venteliste/import"},
	}, also: []string{"/admin/deltakere", "/admin/medlemskap"}}
	navGroups = navGroup{label: "nav.group.groups", href: "/admin/grupper", links: []navLink{
		{"nav.staff.groups", "/admin/grupper"}, {"nav.staff.themes", "/admin/tema"}, {"volunteers.nav", "/admin/igangsettere"},
		{"followup.nav", "/admin/oppfolging"}, {"nav.adminEvents", "/admin/arrangementer"},
	}}
	navHouse = navGroup{label: "nav.group.house", href: "/admin/rom", links: []navLink{
		{"nav.rooms", "/admin/rom"}, {"nav.daysheet", "/admin/dagsark"}, {"nav.keys", "/admin/nokler"},
		{"nav.hours", "/admin/apningstider"},
	}, also: []string{"/admin/bookinger"}}
	navPartners = navGroup{label: "nav.group.partners", href: "/admin/organisasjoner", links: []navLink{
		{"nav.orgs", "/admin/organisasjoner"}, {"nav.licences", "/admin/lisenser"}, {"nav.roomRequests", "/admin/foresporsler"},
	}}
	navReport = navGroup{label: "nav.group.report", href: "/admin/rapport", links: []navLink{
		{"nav.report.annual", "/admin/rapport"}, {"outreach.nav", "/admin/utadrettet"},
	}}
	navAdmin = navGroup{label: "nav.group.admin", href: "/admin/brukere", links: []navLink{
		{"nav.users", "/admin/brukere"}, {"nav.audit", "/admin/logg"}, {"nav.settings", "/admin/innstillinger"},
		{"rooms.admin.nav", "/admin/innstillinger/rom"},
	}}
)

// roleNavigation is each role's own menu, apart from the public one. Admins see the staff
// menu and the admin-only pages; what a role sees matches what routes.go lets it open.
var roleNavigation = map[auth.Role][]navGroup{
	auth.Staff: {navOverview, navPeople, navGroups, navHouse, navPartners, navReport},
	auth.Admin: {navOverview, navPeople, navGroups, navHouse, navPartners, navReport, navAdmin},
	auth.Partner: {{label: "nav.partner", href: "/partner"}, {label: "nav.partnerRooms", href: "/partner/rom"},
		{label: "nav.partnerLicences", href: "/partner/lisenser"}},
}

// roleNavLabel names each role's menu for screen readers.
var roleNavLabel = map[auth.Role]string{auth.Staff: "nav.staffMenu", auth.Admin: "nav.staffMenu", auth.Partner: "nav.partnerMenu"}

// under tells whether path is prefix itself or a page below it.
func under(path, prefix string) bool {
	return path == prefix || prefix != "/" && strings.HasPrefix(path, prefix+"/")
}

// roleNav builds the role's menu for path: the group path belongs to is marked current, and
// so is the link to the page itself. A group's label leads to its first page; the label of
// a group without links is that page's only link.
func roleNav(ctx context.Context, role auth.Role, path string) *components.RoleNav {
	groups, ok := roleNavigation[role]
	if !ok {
		return nil
	}
	nav := &components.RoleNav{Label: i18n.T(ctx, roleNavLabel[role])}
	for _, g := range groups {
		ng := components.NavGroup{Label: i18n.T(ctx, g.label), Href: g.href, Current: path == g.href, Here: path == g.href}
		for _, l := range g.links {
			ng.Links = append(ng.Links, components.NavItem{Href: l.href, Label: i18n.T(ctx, l.label), Current: path == l.href})
			ng.Current = ng.Current || under(path, l.href)
		}
		for _, prefix := range g.also {
			ng.Current = ng.Current || under(path, prefix)
		}
		nav.Groups = append(nav.Groups, ng)
	}
	return nav
}

// pageDescriptions are the catalogue ids of the meta descriptions of the public pages that
// have a fixed path; a group's, a theme's and an event's page describe themselves.
var pageDescriptions = map[string]string{
	"/": "meta.home", "/grupper": "meta.catalogue", "/tema": "meta.themes", "/arrangementer": "meta.events",
	"/kontakt": "meta.contact", "/personvern": "meta.privacy", "/tilgjengelighet": "meta.a11y",
	"/mine": "meta.mine", "/takk": "meta.thanks", "/sjekk-epost": "meta.checkEmail",
}

// metaLength is about what a search engine shows of a meta description.
const metaLength = 155

// metaDescription is text shortened for a meta description: cut at a word before metaLength
// characters, with an ellipsis; fallback when text is empty.
func metaDescription(text, fallback string) string {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return fallback
	}
	runes := []rune(text)
	if len(runes) <= metaLength {
		return text
	}
	cut := string(runes[:metaLength])
	if i := strings.LastIndex(cut, " "); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:–-") + "…"
}

// layout builds the data the layout needs for one request.
func (s *Server) layout(r *http.Request, title string) components.Page {
	ctx := r.Context()
	p := s.basePage(r, title)
	if id, ok := pageDescriptions[r.URL.Path]; ok {
		p.Description = i18n.T(ctx, id)
	}
	addMenus(r, &p)
	if s.sessions.Exists(ctx, sessFlash) {
		p.Flash = i18n.T(ctx, s.sessions.PopString(ctx, sessFlash))
	}
	if s.sessions.Exists(ctx, sessFlashText) {
		p.Flash = s.sessions.PopString(ctx, sessFlashText)
	}
	p.Centre = s.footerContact(r)
	return p
}

// addMenus gives p the public menu and, for a logged-in user, the role's menu and name.
// It needs neither the session nor the database (the user was read into the request's
// context), so error pages have the menus too.
func addMenus(r *http.Request, p *components.Page) {
	ctx := r.Context()
	if u := currentUser(r); u != nil {
		p.RoleNav = roleNav(ctx, u.Role, r.URL.Path)
		p.UserName = u.Name
	}
	for _, n := range navigation {
		p.Nav = append(p.Nav, components.NavItem{Href: n.href, Label: i18n.T(ctx, n.label), Current: n.href == r.URL.Path})
	}
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
	for _, font := range fonts {
		p.Fonts = append(p.Fonts, s.assets.URL(font))
	}
	return p
}

// render writes body inside the layout with status. The page is rendered into a buffer first,
// so a failure halfway gives the error page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, title string, body templ.Component) {
	s.renderPage(w, r, status, s.layout(r, title), body)
}

// renderPage writes body inside the layout p with status. A form answered with 422 has
// errors to correct, so its title starts with "Feil: " (WCAG 3.3.1): the title is the first
// thing a screen reader reads of the new page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, p components.Page, body templ.Component) {
	if status == http.StatusUnprocessableEntity {
		p.Title = i18n.T(r.Context(), "form.error.title", "Title", p.Title)
	}
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
