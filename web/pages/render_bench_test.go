package pages_test

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/web/components"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// benchThemes are twelve published themes, as in the catalogue's filter.
func benchThemes() []groups.Theme {
	names := []string{"Angst og uro", "Depresjon", "Ensomhet", "Sorg og tap", "Pårørende", "Rus og avhengighet",
		"Stress og utbrenthet", "Spiseforstyrrelser", "Kronisk sykdom", "Traumer", "Samlivsbrudd", "Ny i Norge"}
	list := make([]groups.Theme, len(names))
	for i, n := range names {
		list[i] = groups.Theme{ID: int64(i + 1), Slug: "tema-" + strconv.Itoa(i+1), NameNB: n, NameEN: "Theme " + strconv.Itoa(i+1),
			DescriptionNB: "For deg som kjenner deg igjen i " + n + ".", Published: true}
	}
	return list
}

// benchGroup is the i-th of a varied catalogue: every kind, format, day and time, some full,
// some run by a partner, some in English, with two themes each.
func benchGroup(i int, themes []groups.Theme) groups.Group {
	formats := []string{groups.FormatHouse, groups.FormatDigital, groups.FormatHybrid, groups.FormatPartner}
	g := groups.Group{
		ID: int64(i + 1), Slug: "gruppe-" + strconv.Itoa(i+1), Name: "Samtalegruppe nummer " + strconv.Itoa(i+1),
		Kind: groups.Kinds[i%len(groups.Kinds)], Format: formats[i%len(formats)], Platform: groups.Platforms[i%len(groups.Platforms)],
		Weekday: 1 + i%7, StartsAt: time.Duration(9+i%12) * time.Hour, EndsAt: time.Duration(10+i%12)*time.Hour + 30*time.Minute,
		Frequency: groups.Frequencies[i%2], Language: []string{"nb", "en"}[i%5/4], Capacity: 8, Open: i%7 != 0,
		Status: groups.Statuses[i%3], TwelveStep: i%9 == 0, Members: i % 9, Published: true,
		DescriptionNB: "En trygg gruppe der vi deler erfaringer og støtter hverandre. Vi møtes fast og tar imot nye når det er plass.",
		Themes:        []groups.Theme{themes[i%len(themes)], themes[(i+5)%len(themes)]},
	}
	if g.Format == groups.FormatPartner {
		org := int64(1 + i%3)
		g.OrgID, g.OrgName, g.Venue = &org, "Foreningen "+strconv.Itoa(i%3), "Storgata "+strconv.Itoa(i)
	}
	return g
}

// benchLayout is the layout data of a public page, as render.go builds it.
func benchLayout(title, path string) components.Page {
	p := components.Page{Title: title, Path: path, Icon: "/static/img/favicon.0123456789.svg",
		Stylesheets: []string{"/static/vendor/designsystemet/theme.0123456789.css", "/static/vendor/designsystemet/designsystemet.0123456789.css",
			"/static/css/fonts.0123456789.css", "/static/css/app.0123456789.css"}}
	for _, n := range []struct{ label, href string }{{"Hjem", "/"}, {"Grupper", "/grupper"}, {"Tema", "/tema"},
		{"Arrangementer", "/arrangementer"}, {"Personvern", "/personvern"}} {
		p.Nav = append(p.Nav, components.NavItem{Label: n.label, Href: n.href, Current: n.href == path})
	}
	return p
}

// benchRender renders c once to check that it holds want, then measures rendering it.
func benchRender(b *testing.B, c templ.Component, want string) {
	b.Helper()
	ctx := i18n.WithLang(context.Background(), i18n.NB)
	var out strings.Builder
	if err := c.Render(ctx, &out); err != nil {
		b.Fatal(err)
	}
	if !strings.Contains(out.String(), want) {
		b.Fatalf("the page lacks %q", want)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderCatalogue renders the catalogue with 50 groups and the filter filled in, to
// io.Discard: the page alone, and inside the layout as the server sends it.
func BenchmarkRenderCatalogue(b *testing.B) {
	themes := benchThemes()
	c := pages.Catalogue{Themes: themes, Query: pages.CatalogueQuery{Theme: "tema-4", Day: "3", Format: "huset"},
		Pager: components.Pager{Page: 2, PerPage: 50, Total: 400, URL: func(n int) string { return "/grupper?side=" + strconv.Itoa(n) }}}
	for i := range 50 {
		c.Groups = append(c.Groups, benchGroup(i, themes))
	}
	page := pages.CataloguePage(c)
	last := c.Groups[len(c.Groups)-1].Name
	b.Run("page", func(b *testing.B) { benchRender(b, page, last) })
	b.Run("layout", func(b *testing.B) {
		benchRender(b, components.Layout(benchLayout("Finn en gruppe", "/grupper"), page), last)
	})
}

// BenchmarkRenderGroup renders one group's page, alone and inside the layout.
func BenchmarkRenderGroup(b *testing.B) {
	g := benchGroup(3, benchThemes())
	page := pages.GroupPage(pages.GroupView{Group: g, Calendar: "/grupper/" + g.Slug + "/kalender.ics"})
	b.Run("page", func(b *testing.B) { benchRender(b, page, g.Name) })
	b.Run("layout", func(b *testing.B) {
		benchRender(b, components.Layout(benchLayout(g.Name, "/grupper/"+g.Slug), page), g.Name)
	})
}
