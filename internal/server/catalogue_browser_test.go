package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
)

// The public catalogue pages pass axe-core, have an empty console and fit a 320 px phone, in
// both languages, and the filter form works without JavaScript.
func TestCatalogueInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	cat := app.newCatalogue(t)
	g := cat.add(t, "Angst og uro – tirsdag kveld", func(f *groups.Form) {
		f.Themes, f.DescriptionNB = []int64{cat.angst.ID, cat.sorg.ID}, "En trygg gruppe for deg som kjenner på uro."
	})
	full := cat.add(t, "Kaffetreff på nett med et veldig langt navn som må brytes pent på en liten telefon", func(f *groups.Form) {
		f.Kind, f.Format, f.Platform, f.Capacity, f.Language = groups.KindCoffee, groups.FormatDigital, "whereby", "1", "en"
	})
	cat.fill(t, full, 1)
	cat.add(t, "Samtalegruppe hos partner", func(f *groups.Form) {
		f.Kind, f.Format, f.Venue, f.Weekday, f.Starts, f.Ends = groups.KindConversation, groups.FormatPartner, "Foreningens lokaler, Tøyen", 4, "10:00", "11:30"
	})
	open := cat.add(t, "Åpent tolvtrinnsmøte", func(f *groups.Form) { f.OpenMeeting, f.TwelveStep, f.Weekday = true, true, 1 })
	b := browsertest.New(t)
	pages := []struct{ path, contains string }{
		{"/", "Finn en gruppe"},
		{"/grupper", "Vi fant 4 grupper."},
		{"/grupper/" + open.Slug, "Slik kommer du inn"},
		{"/grupper?tema=angst-og-uro&dag=2&tid=kveld&ledig=1", "Vi fant 1 gruppe."},
		{"/grupper?dag=7", "Ingen grupper passer"},
		{"/grupper/" + g.Slug, "Meld deg på"},
		{"/grupper/" + full.Slug, "Fullt"},
		{"/tema", "Sorg og tap"},
		{"/tema/angst-og-uro", "Meld interesse"},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			got := b.Visit(t, app.URL+p.path)
			if !strings.Contains(got.Text, p.contains) || !strings.Contains(got.Text, "116 123") {
				t.Errorf("page text lacks %q or the help lines", p.contains)
			}
		})
	}

	tab := b.NewTab(t)
	tab.Go(t, app.URL+"/grupper?tema=sorg-og-tap&tid=kveld")
	if n := tab.Eval(t, `String(document.querySelectorAll(".active-filters a").length)`); n != "2" {
		t.Errorf("%s filter tags for two filters", n)
	}
	tab.Press(t, ".filter-box summary") // the filter is folded away until asked for
	tab.Settle(t)
	got := tab.Click(t, "form.catalogue-filter button[type=submit]")
	u, _ := url.Parse(got.URL)
	if q := u.Query(); q.Get("tema") != "sorg-og-tap" || q.Get("tid") != "kveld" || !strings.Contains(got.Text, "Vi fant 1 gruppe.") {
		t.Errorf("the filter form led to %s", got.URL)
	}
	// The language switch comes back to the same page, filters and all.
	got = tab.Click(t, ".lang-switch button")
	if got.Lang != "en" || !strings.Contains(got.Text, "We found 1 group.") {
		t.Errorf("after switching language: %s %q", got.Lang, got.Text)
	}
	for _, path := range []string{"/grupper/" + full.Slug, "/tema/sorg-og-tap", "/"} {
		if got := tab.Go(t, app.URL+path); got.Lang != "en" {
			t.Errorf("%s in English has lang %q", path, got.Lang)
		}
	}
	b.Visit(t, app.URL+"/grupper/finnes-ikke", browsertest.Status(http.StatusNotFound))
}

// The staff pages for themes and groups, including forms in their error state, pass the same
// checks.
func TestStaffCataloguePagesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	cat := app.newCatalogue(t)
	g := cat.add(t, "Sorggruppe onsdag", func(f *groups.Form) { f.Themes = []int64{cat.sorg.ID} })
	if err := cat.s.SetStatus(t.Context(), g.ID, groups.StatusStartup, p.staff.ID, "Igangsetter er på plass."); err != nil {
		t.Fatal(err)
	}
	group := "/admin/grupper/" + strconv.FormatInt(g.ID, 10)

	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, p.staff.Email)
	for _, path := range []string{"/admin/grupper", "/admin/grupper?q=sorg&status=startup", group, "/admin/tema",
		"/admin/tema/ny", "/admin/tema/" + strconv.FormatInt(cat.angst.ID, 10)} {
		tab.Go(t, app.URL+path)
	}
	tab.Go(t, app.URL+"/admin/grupper/ny")
	tab.Fill(t, "felt-name", "Ny gruppe")
	got := tab.Click(t, "form[action='/admin/grupper/ny'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Noe må rettes") || !strings.Contains(got.Text, "Velg minst ett tema.") {
		t.Errorf("group form errors: %s", got.Text)
	}
	tab.Go(t, app.URL+group)
	tab.Fill(t, "felt-capacity", "100")
	got = tab.Click(t, "form[action='"+group+"'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv et tall fra 1 til 60.") {
		t.Errorf("edit form errors: %s", got.Text)
	}
	tab.Go(t, app.URL+"/admin/tema/ny")
	got = tab.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv inn navnet.") {
		t.Errorf("theme form errors: %s", got.Text)
	}
	tab.Go(t, app.URL+group)
	got = tab.Click(t, "form[action='"+group+"/publisering'] button")
	if !strings.Contains(got.Text, "Gruppa er skjult fra katalogen.") {
		t.Errorf("after hiding: %s", got.Text)
	}
}
