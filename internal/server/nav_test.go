package server

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// The staff menu marks the group of every staff page, also of pages that are not in it (a
// person's page belongs to the participants), and the link of the page itself.
func TestRoleNavMarksTheCurrentGroup(t *testing.T) {
	t.Parallel()
	ctx := i18n.WithLang(context.Background(), i18n.NB)
	for _, c := range []struct {
		role              auth.Role
		path, group, link string // link "" when the page has no link of its own
	}{
		{auth.Staff, "/admin", "Oversikt", ""},
		{auth.Staff, "/admin/venteliste", "Deltakere", "Venteliste"},
		{auth.Staff, "/admin/venteliste/import", "Deltakere", "Importer"},
		{auth.Staff, "/admin/deltakere/12", "Deltakere", ""},
		{auth.Staff, "/admin/tema/3", "Grupper", ""},
		{auth.Staff, "/admin/arrangementer", "Grupper", "Intromøter og treff"},
		{auth.Staff, "/admin/bookinger/ny", "Huset", ""},
		{auth.Staff, "/admin/nokler", "Huset", "Nøkler"},
		{auth.Staff, "/admin/lisenser/foresporsler", "Samarbeid", ""},
		{auth.Staff, "/admin/rapport/2025", "Rapport", ""},
		{auth.Admin, "/admin/logg", "Administrasjon", "Logg"},
		{auth.Partner, "/partner/rom", "Rom", ""},
		{auth.Staff, "/konto", "", ""},
	} {
		nav := roleNav(ctx, c.role, c.path)
		var groups, links []string
		for _, g := range nav.Groups {
			if g.Current {
				groups = append(groups, g.Label)
			}
			for _, l := range g.Links {
				if l.Current {
					links = append(links, l.Label)
				}
			}
		}
		if strings.Join(groups, ",") != c.group || strings.Join(links, ",") != c.link {
			t.Errorf("%s %s: current groups %q, current links %q; want group %q, link %q", c.role, c.path, groups, links, c.group, c.link)
		}
	}
}

// Each role's menu holds only pages the role may open: the authorisation matrix says so for
// every link. (So the menu shows admins' pages to admins only, partners' pages to partners
// only.)
func TestRoleNavLinksAreAllowed(t *testing.T) {
	t.Parallel()
	visitor := map[auth.Role]int{auth.Partner: 1, auth.Staff: 3, auth.Admin: 4}
	for role, groups := range roleNavigation {
		for _, g := range groups {
			hrefs := []string{g.href}
			for _, l := range g.links {
				hrefs = append(hrefs, l.href)
			}
			for _, href := range hrefs {
				row, ok := matrix["GET "+href]
				if !ok {
					row, ok = matrix["GET "+href+"/"]
				}
				switch {
				case !ok:
					t.Errorf("%s menu: %s is no route of the authorisation matrix", role, href)
				case row[visitor[role]] != allowed:
					t.Errorf("%s menu: %s gives %s to the role", role, href, row[visitor[role]])
				}
			}
		}
	}
}

var (
	navBlock    = regexp.MustCompile(`(?s)<nav class="site-nav" aria-label="Hovedmeny">.*?</nav>`)
	roleBlock   = regexp.MustCompile(`(?s)<nav class="role-nav" aria-label="([^"]*)">(.*?)</nav>`)
	groupLabels = regexp.MustCompile(`<a class="role-menu__label" href="[^"]*"(?: aria-current="[^"]*")?>([^<]*)</a>`)
)

// The public menu is the same for everyone; staff get their own menu apart from it, grouped
// by task, with the current group and page marked, "Arrangementer" once; admins get the
// admin pages too; anonymous visitors get no second menu.
func TestStaffNavigationHTML(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	header := func(body string) string { head, _, _ := strings.Cut(body, "<main"); return head }

	_, body := app.client(t).get("/")
	public := navBlock.FindString(body)
	for _, want := range []string{`href="/" aria-current="page">Forside`, `href="/grupper">Grupper`, `href="/tema">Tema`, `href="/arrangementer">Arrangementer`, `href="/personvern">Personvern`} {
		if !strings.Contains(public, want) {
			t.Errorf("the public menu lacks %s: %s", want, public)
		}
	}
	if strings.Contains(body, "role-nav") {
		t.Error("an anonymous visitor gets a staff menu")
	}

	_, body = app.client(t).login(p.staff.Email).get("/admin/nokler")
	head := header(body)
	if got := navBlock.FindString(head); strings.Contains(got, "/admin") {
		t.Errorf("the public menu holds staff pages: %s", got)
	}
	m := roleBlock.FindStringSubmatch(head)
	if m == nil || m[1] != "Personale" {
		t.Fatalf("no staff menu labelled Personale: %s", head)
	}
	staff := m[2]
	var labels []string
	for _, g := range groupLabels.FindAllStringSubmatch(staff, -1) {
		labels = append(labels, g[1])
	}
	if got := strings.Join(labels, ","); got != "Oversikt,Deltakere,Grupper,Huset,Samarbeid,Rapport" {
		t.Errorf("staff menu groups: %s", got)
	}
	for _, want := range []string{
		`<summary class="role-menu__toggle">Meny</summary>`,
		`<li class="role-menu__group role-menu__group--current"><a class="role-menu__label" href="/admin/rom" aria-current="true">Huset</a>`,
		`<a href="/admin/nokler" aria-current="page">Nøkler</a>`,
		`<a href="/admin/dagsark">Dagsark</a>`, `<a href="/admin/apningstider">Åpningstider</a>`,
		`<a href="/admin/ringeliste">Ringeliste</a>`, `<a href="/admin/sok">Søk</a>`, `<a href="/admin/deltakere/ny">Ny innringer</a>`,
		`<a href="/admin/venteliste/import">Importer</a>`, `<a href="/admin/foresporsler">Romforespørsler</a>`,
	} {
		if !strings.Contains(staff, want) {
			t.Errorf("the staff menu lacks %s", want)
		}
	}
	if n := strings.Count(head, "aria-current="); n != 2 {
		t.Errorf("%d marks of the current page and group in the header, want 2 (Huset, Nøkler)", n)
	}
	if n := strings.Count(head, ">Arrangementer<"); n != 1 {
		t.Errorf(`"Arrangementer" is in the menus %d times`, n)
	}
	for _, adminOnly := range []string{"/admin/brukere", "/admin/logg", "/admin/innstillinger", "Administrasjon"} {
		if strings.Contains(staff, adminOnly) {
			t.Errorf("staff see %s", adminOnly)
		}
	}

	_, body = app.client(t).login(p.admin.Email).get("/admin/innstillinger")
	m = roleBlock.FindStringSubmatch(header(body))
	if m == nil {
		t.Fatal("no admin menu")
	}
	for _, want := range []string{`href="/admin/brukere" aria-current="true">Administrasjon</a>`, `<a href="/admin/brukere">Brukere</a>`,
		`<a href="/admin/logg">Logg</a>`, `<a href="/admin/innstillinger" aria-current="page">Innstillinger</a>`} {
		if !strings.Contains(m[2], want) {
			t.Errorf("the admin menu lacks %s", want)
		}
	}

	_, body = app.client(t).login(p.partnerA.Email).get("/partner/lisenser")
	m = roleBlock.FindStringSubmatch(header(body))
	if m == nil || m[1] != "Organisasjonen" || !strings.Contains(m[2], `href="/partner/lisenser" aria-current="page">Lisenser</a>`) ||
		strings.Contains(m[2], "/admin") {
		t.Errorf("the partner's menu: %v", m)
	}
}
