package server

import (
	"net/http"

	"github.com/a-h/templ"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/web/components"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// Catalogue pages: the public catalogue, group and theme pages, and the open data feed. The
// staff's pages for themes and groups are in admin_groups.go.

// catalogue lists published groups, filtered by the GET parameters tema, format, dag, tid and
// ledig, so that any result page can be shared as a link.
func (s *Server) catalogue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := pages.Catalogue{Query: pages.CatalogueQueryOf(r.URL.Query())}
	themes, err := s.publishedThemes(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	list, total, err := s.publishedGroups(ctx, c.Query.Filter(), perPage, offset(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	c.Themes, c.Groups, c.Pager = themes, list, pager(r, total)
	s.renderCatalogue(w, r, i18n.T(ctx, "catalogue.title"), "", pages.CataloguePage(c))
}

// group shows one published group; an unknown or hidden one is not found. A group meeting in
// the house shows the centre's address and how to get in (from the footer's memo) and its next
// meeting with the room's floor and access.
func (s *Server) group(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	g, err := s.publishedGroup(ctx, r.PathValue("slug"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := pages.GroupView{Group: g, Calendar: groupCalendarPath(g.Slug)}
	if groups.AtHouse(g.Format) {
		v.Centre = s.footerContact(r)
		if v.Closed, err = s.closedPeriods(ctx, g.Weekday); err != nil {
			s.serverError(w, r, err)
			return
		}
		next, ok, err := s.nextGroupMeeting(ctx, g.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if ok {
			v.Next = &next
		}
	}
	description := g.DescriptionNB
	if i18n.LangOf(ctx) == i18n.EN {
		description = g.DescriptionEN // a Norwegian one would not match the page's language
	}
	s.renderCatalogue(w, r, g.Name, metaDescription(description, i18n.T(ctx, "meta.group")), pages.GroupPage(v), components.Alternate{Type: "text/calendar",
		Title: i18n.T(ctx, "feeds.alternate.calendar", "Group", g.Name), Href: s.absURL(v.Calendar)})
}

// renderCatalogue renders a page of the catalogue, which names the Meeting Guide feed in its
// head as the spec asks (a fully qualified URL, title "Meetings Feed"), and any other feeds.
// A description, when given, is the page's meta description.
func (s *Server) renderCatalogue(w http.ResponseWriter, r *http.Request, title, description string, body templ.Component, feeds ...components.Alternate) {
	p := s.layout(r, title)
	if description != "" {
		p.Description = description
	}
	p.Alternates = append([]components.Alternate{{Type: "application/json", Title: "Meetings Feed",
		Href: s.absURL(meetingGuidePath)}}, feeds...)
	s.renderPage(w, r, http.StatusOK, p, body)
}

func (s *Server) themesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	list, err := s.publishedThemes(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderCatalogue(w, r, i18n.T(ctx, "catalogue.themes.title"), "", pages.ThemesPage(list))
}

// theme shows a published theme with a page of its groups.
func (s *Server) theme(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	store := groups.NewStore(s.db)
	t, err := store.PublishedTheme(ctx, r.PathValue("slug"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	list, total, err := s.publishedGroups(ctx, groups.Filter{Theme: t.Slug}, perPage, offset(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := pages.ThemeView{Theme: t, Groups: list, Pager: pager(r, total)}
	description := t.DescriptionNB
	if i18n.LangOf(ctx) == i18n.EN {
		description = t.DescriptionEN
	}
	s.renderCatalogue(w, r, t.Name(i18n.LangOf(ctx)), metaDescription(description, i18n.T(ctx, "meta.theme")), pages.ThemePage(v))
}

// feedGroup is a group in the open data feed. It holds what the public pages show, and
// nothing about the people in a group: not even how many they are.
type feedGroup struct {
	Slug            string      `json:"slug"`
	Name            string      `json:"name"`
	Kind            string      `json:"kind"`
	Format          string      `json:"format"`
	Platform        string      `json:"platform,omitempty"`
	Venue           string      `json:"venue,omitempty"` // a partner's venue only
	Weekday         int         `json:"weekday"`         // ISO: 1 is Monday
	Start           string      `json:"start"`           // local time in Europe/Oslo
	End             string      `json:"end"`
	Frequency       string      `json:"frequency"`
	Language        string      `json:"language"`
	Status          string      `json:"status"`
	Open            bool        `json:"open"`
	PlacesAvailable bool        `json:"placesAvailable"`
	Themes          []feedTheme `json:"themes"`
	Organiser       string      `json:"organiser"`
	URL             string      `json:"url"`
}

type feedTheme struct {
	Slug string            `json:"slug"`
	Name map[string]string `json:"name"` // by language code
}

type feed struct {
	TimeZone string      `json:"timeZone"`
	Groups   []feedGroup `json:"groups"`
}

// groupsJSON is the open data feed of every published group, for other services to show the
// catalogue. Anyone may read it from anywhere, and caches may keep it for five minutes.
func (s *Server) groupsJSON(w http.ResponseWriter, r *http.Request) {
	list, err := groups.NewStore(s.db).Feed(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := feed{TimeZone: "Europe/Oslo", Groups: make([]feedGroup, 0, len(list))}
	for _, g := range list {
		f := feedGroup{Slug: g.Slug, Name: g.Name, Kind: g.Kind, Format: g.Format, Platform: g.Platform, Weekday: g.Weekday,
			Start: tz.FormatClock(g.StartsAt), End: tz.FormatClock(g.EndsAt), Frequency: g.Frequency,
			Language: g.Language, Status: g.Status, Open: g.Open, PlacesAvailable: g.TakesMembers(),
			Themes: make([]feedTheme, 0, len(g.Themes)), Organiser: pages.Organiser(i18n.WithLang(r.Context(), i18n.NB), g),
			URL: s.absURL("/grupper/" + g.Slug)}
		if g.Format == groups.FormatPartner {
			f.Venue = g.Venue
		}
		for _, t := range g.Themes {
			f.Themes = append(f.Themes, feedTheme{Slug: t.Slug, Name: map[string]string{"nb": t.NameNB, "en": t.NameEN}})
		}
		out.Groups = append(out.Groups, f)
	}
	s.writeOpenJSON(w, r, out)
}
