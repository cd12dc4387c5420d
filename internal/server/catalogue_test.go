package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// catalogue is a catalogue in a test's database: two published themes, one hidden, and the
// groups the test adds.
type catalogue struct {
	app                 *testApp
	s                   *groups.Store
	angst, sorg, skjult groups.Theme
}

func (a *testApp) newCatalogue(t *testing.T) *catalogue {
	t.Helper()
	c := &catalogue{app: a, s: groups.NewStore(a.db)}
	mk := func(nb, en string, published bool) groups.Theme {
		th, err := c.s.CreateTheme(context.Background(), groups.ThemeForm{NameNB: nb, NameEN: en, Published: published,
			DescriptionNB: "Om " + nb + ".", DescriptionEN: "About " + en + "."})
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	c.angst, c.sorg, c.skjult = mk("Angst og uro", "Anxiety", true), mk("Sorg og tap", "Grief", true), mk("Skjult tema", "Hidden", false)
	return c
}

// add creates a published group meeting on Tuesdays 18.00–19.30 at the house, on anxiety.
func (c *catalogue) add(t *testing.T, name string, change func(*groups.Form)) groups.Group {
	t.Helper()
	f := groups.NewForm()
	f.Name, f.Weekday, f.Starts, f.Ends, f.Themes = name, 2, "18:00", "19:30", []int64{c.angst.ID}
	if change != nil {
		change(&f)
	}
	g, err := c.s.Create(context.Background(), f, 0)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	if err := c.s.SetPublished(context.Background(), g.ID, true); err != nil {
		t.Fatal(err)
	}
	return g
}

// fill gives the group n members named Ragnhild, with addresses at ragnhild.test and phone
// numbers starting +479: each signs up for the group and staff place them in it.
func (c *catalogue) fill(t *testing.T, g groups.Group, n int) {
	t.Helper()
	for i := range n {
		r := c.app.fixtures(t).SignUp(signups.Target{GroupID: g.ID}, func(f *signups.Form) {
			f.FirstName, f.Email, f.Phone = "Ragnhild", fmt.Sprintf("r%d-%d@ragnhild.test", g.ID, i), fmt.Sprintf("+479%07d", g.ID*10+int64(i))
		})
		if err := c.app.srv.signups().Place(context.Background(), r.ParticipantID, g.ID, audit.Actor{Label: "test"}); err != nil {
			t.Fatal(err)
		}
	}
}

var nextLink = regexp.MustCompile(`href="([^"]*)" rel="next"`)

func TestCatalogueFiltersAndPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	cat := app.newCatalogue(t)
	for i := range 27 {
		cat.add(t, fmt.Sprintf("Angstgruppe %02d", i), nil)
	}
	cat.add(t, "Sorggruppe mandag", func(f *groups.Form) { f.Themes, f.Weekday = []int64{cat.sorg.ID}, 1 })
	c := app.client(t)

	res, body := c.get("/grupper")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Vi fant 28 grupper.") || !strings.Contains(body, "116 123") {
		t.Fatalf("GET /grupper = %d", res.StatusCode)
	}
	_, body = c.get("/grupper?tema=sorg-og-tap")
	if !strings.Contains(body, "Vi fant 1 gruppe.") || !strings.Contains(body, "Sorggruppe mandag") || strings.Contains(body, "Angstgruppe") {
		t.Errorf("?tema=sorg-og-tap does not narrow to the grief group")
	}
	if !strings.Contains(body, `<option value="sorg-og-tap" selected>`) {
		t.Error("the chosen theme is not kept in the filter form")
	}

	_, body = c.get("/grupper?tema=angst-og-uro&dag=2&tid=kveld&format=huset")
	m := nextLink.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "Vi fant 27 grupper.") {
		t.Fatal("27 matching groups give no link to a second page")
	}
	next, _ := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	want := url.Values{"tema": {"angst-og-uro"}, "dag": {"2"}, "tid": {"kveld"}, "format": {"huset"}, "side": {"2"}}
	if next.Path != "/grupper" || next.Query().Encode() != want.Encode() {
		t.Errorf("next page link %q does not keep the filters", m[1])
	}
	_, body = c.get(next.String())
	if !strings.Contains(body, "Angstgruppe 25") || !strings.Contains(body, "Angstgruppe 26") || strings.Contains(body, "Angstgruppe 24") {
		t.Error("the second page does not hold the last two groups")
	}

	_, body = c.get("/grupper?tema=sorg-og-tap&dag=7")
	if !strings.Contains(body, "Ingen grupper passer") || !strings.Contains(body, `href="/tema/sorg-og-tap/interesse"`) {
		t.Error("the empty result does not point to interest in the theme")
	}
	_, body = c.get("/grupper?dag=7")
	if !strings.Contains(body, `href="/tema"`) {
		t.Error("the empty result without a theme does not point to the themes")
	}
	c.http.Jar.SetCookies(mustURL(app.URL), []*http.Cookie{{Name: "lang", Value: "en"}})
	if _, body = c.get("/grupper"); !strings.Contains(body, "We found 28 groups.") || !strings.Contains(body, "Tuesdays, 18:00–19:30") {
		t.Error("the catalogue is not in English")
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// Only groups with a place left, and places said in words, never in numbers of people.
func TestCataloguePlaces(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	cat := app.newCatalogue(t)
	open := cat.add(t, "Åpen gruppe", func(f *groups.Form) { f.Capacity = "3" })
	cat.fill(t, open, 2)
	full := cat.add(t, "Full gruppe", func(f *groups.Form) { f.Capacity = "2"; f.Frequency = "biweekly" })
	cat.fill(t, full, 2)
	c := app.client(t)
	_, body := c.get("/grupper?ledig=1")
	if !strings.Contains(body, "Åpen gruppe") || strings.Contains(body, "Full gruppe") {
		t.Error("ledig=1 does not leave out the full group")
	}
	res, body := c.get("/grupper/" + open.Slug)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Ledige plasser") || !strings.Contains(body, "Tirsdager kl. 18.00–19.30") ||
		!strings.Contains(body, `href="/grupper/`+open.Slug+`/meld-pa"`) {
		t.Errorf("open group page = %d", res.StatusCode)
	}
	res, body = c.get("/grupper/" + full.Slug)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Fullt") || strings.Contains(body, "/meld-pa") ||
		!strings.Contains(body, `href="/tema/angst-og-uro/interesse"`) || !strings.Contains(body, "Annenhver tirsdag kl. 18.00–19.30") {
		t.Errorf("full group page = %d", res.StatusCode)
	}
	for _, path := range []string{"/grupper", "/grupper/" + open.Slug, "/grupper/" + full.Slug, "/api/grupper.json"} {
		_, body := c.get(path)
		for _, leak := range []string{"Ragnhild", "ragnhild.test", "+479", "2 av 3", "2 av 2"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s shows %q: no person and no count of people on public pages", path, leak)
			}
		}
	}
}

func TestGroupAndThemePages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	cat := app.newCatalogue(t)
	g := cat.add(t, "Sorg på nett", func(f *groups.Form) {
		f.Format, f.Platform, f.Language, f.Themes = groups.FormatDigital, "zoom", "en", []int64{cat.sorg.ID, cat.skjult.ID}
		f.DescriptionNB = "Vi møtes på Zoom."
	})
	hidden := cat.add(t, "Upublisert", nil)
	if err := cat.s.SetPublished(context.Background(), hidden.ID, false); err != nil {
		t.Fatal(err)
	}
	c := app.client(t)
	_, body := c.get("/grupper/" + g.Slug)
	for _, want := range []string{"Sorg på nett", "Vi møtes på Zoom.", "Digitalt på Zoom", "Engelsk", "LINK Oslo", `href="/tema/sorg-og-tap"`} {
		if !strings.Contains(body, want) {
			t.Errorf("group page lacks %q", want)
		}
	}
	if strings.Contains(body, "Skjult tema") {
		t.Error("a hidden theme shows on the group page")
	}
	for _, path := range []string{"/grupper/" + hidden.Slug, "/grupper/finnes-ikke", "/tema/" + cat.skjult.Slug, "/tema/finnes-ikke"} {
		if res, _ := c.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, res.StatusCode)
		}
	}
	_, body = c.get("/tema")
	if !strings.Contains(body, `href="/tema/angst-og-uro"`) || !strings.Contains(body, "Om Sorg og tap.") || strings.Contains(body, "Skjult tema") {
		t.Error("the theme list does not show exactly the published themes with their description")
	}
	_, body = c.get("/tema/sorg-og-tap")
	if !strings.Contains(body, "Sorg på nett") || strings.Contains(body, "Upublisert") ||
		!strings.Contains(body, `href="/tema/sorg-og-tap/interesse"`) || !strings.Contains(body, ">Meld interesse</a>") {
		t.Error("the theme page lacks its group or the way to register interest")
	}
	_, body = c.get("/")
	if !strings.Contains(body, `href="/tema/sorg-og-tap"`) || !strings.Contains(body, `action="/grupper"`) || strings.Contains(body, "Skjult tema") {
		t.Error("the home page does not lead to the themes and the catalogue")
	}
	// The cards about coffee meetups and intro meetings lead to the events (issue 22).
	for _, want := range []string{`<a class="ds-link" href="/arrangementer">Se kaffetreff og andre arrangementer</a>`,
		`<a class="ds-link" href="/arrangementer">Se når neste introduksjonsmøte er</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the home page lacks %s", want)
		}
	}
}

func TestNamesAreEscaped(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	cat := app.newCatalogue(t)
	g := cat.add(t, `<script>alert("x")</script> Gruppe`, func(f *groups.Form) {
		f.Format, f.Venue = groups.FormatPartner, `<img src=x onerror=alert(1)>`
	})
	c := app.client(t)
	for _, path := range []string{"/grupper", "/grupper/" + g.Slug, "/tema/angst-og-uro"} {
		_, body := c.get(path)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s shows a name unescaped", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Gruppe") {
			t.Errorf("%s does not show the name escaped", path)
		}
	}
}

func TestGroupsFeed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	cat := app.newCatalogue(t)
	partner := cat.add(t, "Hos partner", func(f *groups.Form) { f.Format, f.Venue = groups.FormatPartner, "Foreningens lokaler" })
	full := cat.add(t, "Full", func(f *groups.Form) { f.Capacity = "1"; f.Venue = "Ikke her" })
	cat.fill(t, full, 1)
	hidden := cat.add(t, "Skjult", nil)
	if err := cat.s.SetPublished(context.Background(), hidden.ID, false); err != nil {
		t.Fatal(err)
	}
	res, body := app.client(t).get("/api/grupper.json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("feed = %d", res.StatusCode)
	}
	for k, want := range map[string]string{"Content-Type": "application/json", "Access-Control-Allow-Origin": "*",
		"Cache-Control": "public, max-age=300"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	var feed struct {
		TimeZone string           `json:"timeZone"`
		Groups   []map[string]any `json:"groups"`
	}
	if err := json.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatal(err)
	}
	if len(feed.Groups) != 2 || feed.Groups[0]["name"] != "Full" || feed.Groups[1]["name"] != "Hos partner" || feed.TimeZone != "Europe/Oslo" {
		t.Fatalf("feed = %s", body)
	}
	allowed := []string{"slug", "name", "kind", "format", "platform", "venue", "weekday", "start", "end", "frequency",
		"language", "status", "open", "placesAvailable", "themes", "organiser", "url"}
	for _, g := range feed.Groups {
		for k := range g {
			if !slices.Contains(allowed, k) {
				t.Errorf("feed group has field %q", k)
			}
		}
	}
	f, p := feed.Groups[0], feed.Groups[1]
	if f["placesAvailable"] != false || p["placesAvailable"] != true || f["venue"] != nil || p["venue"] != "Foreningens lokaler" {
		t.Errorf("places or venue wrong: %v / %v", f, p)
	}
	if p["start"] != "18:00" || p["end"] != "19:30" || p["weekday"] != 2.0 || p["organiser"] != "LINK Oslo" ||
		p["url"] != "http://selvhjelp.test/grupper/"+partner.Slug {
		t.Errorf("partner group = %v", p)
	}
	themes, _ := p["themes"].([]any)
	if len(themes) != 1 || !strings.Contains(fmt.Sprint(themes[0]), "angst-og-uro") || !strings.Contains(fmt.Sprint(themes[0]), "Anxiety") {
		t.Errorf("themes = %v", themes)
	}
	for _, leak := range []string{"@", "email", "phone", "members", "capacity", "Ragnhild"} {
		if strings.Contains(body, leak) {
			t.Errorf("the feed contains %q", leak)
		}
	}
}

// Every id the catalogue builds from a value (weekday, kind, format …) is in both languages.
func TestCatalogueMessagesExist(t *testing.T) {
	t.Parallel()
	var ids []string
	for d := 1; d <= 7; d++ {
		ids = append(ids, fmt.Sprintf("catalogue.weekday.%d", d), fmt.Sprintf("catalogue.weekdays.%d", d))
	}
	for _, k := range groups.Kinds {
		ids = append(ids, "catalogue.kind."+k)
	}
	for _, f := range groups.Formats {
		ids = append(ids, "catalogue.format."+f, "catalogue.where."+f)
	}
	for _, p := range groups.Platforms[1:] {
		ids = append(ids, "catalogue.platform."+p)
	}
	for _, s := range groups.Statuses {
		ids = append(ids, "groups.status."+s)
	}
	for _, p := range groups.DayParts {
		ids = append(ids, "catalogue.daypart."+p)
	}
	for _, f := range groups.Frequencies {
		ids = append(ids, "groups.frequency."+f)
	}
	for _, a := range []string{groups.Places, groups.Full, groups.NotTaking} {
		ids = append(ids, "catalogue.places."+a)
	}
	for _, l := range i18n.Langs {
		for _, id := range ids {
			if !slices.Contains(i18n.IDs(l), id) {
				t.Errorf("%s: %q is missing", l, id)
			}
		}
	}
}

// The groups a newcomer can join come first, in name order; the full and closed ones follow
// under their own heading, across pages too. Each filter in use is a tag linking to the list
// without it.
func TestCatalogueWelcomingFirstAndFilterTags(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	cat := app.newCatalogue(t)
	full := cat.add(t, "Ab full gruppe", func(f *groups.Form) { f.Capacity = "1" })
	cat.fill(t, full, 1)
	cat.add(t, "Bb gruppe med plass", nil)
	cat.add(t, "Cc lukket gruppe", func(f *groups.Form) { f.Open = false })
	cat.add(t, "Dd åpent møte", func(f *groups.Form) { f.OpenMeeting = true })
	c := app.client(t)

	_, body := c.get("/grupper")
	order := []string{"Bb gruppe med plass", "Dd åpent møte", "Fulle grupper og grupper som ikke tar imot nye nå", "Ab full gruppe", "Cc lukket gruppe"}
	at := -1
	for _, s := range order {
		i := strings.Index(body, s)
		if i <= at {
			t.Fatalf("/grupper does not list %q after %v in this order", s, order)
		}
		at = i
	}
	if strings.Contains(body, "active-filters") {
		t.Error("/grupper without filters shows filter tags")
	}

	_, body = c.get("/grupper?tema=angst-og-uro&dag=2&ledig=1")
	for _, href := range []string{`href="/grupper?dag=2&amp;ledig=1"`, `href="/grupper?ledig=1&amp;tema=angst-og-uro"`, `href="/grupper?dag=2&amp;tema=angst-og-uro"`} {
		if !strings.Contains(body, href) {
			t.Errorf("the filter tags lack a link %s", href)
		}
	}
	if strings.Contains(body, "Fulle grupper og grupper") {
		t.Error("ledig=1 still shows the heading of full groups")
	}
	_, body = c.get("/grupper?tid=kveld")
	if !strings.Contains(body, `<a class="filter-tag" href="/grupper"><span>Kveld (fra kl. 17.00)</span>`) || !strings.Contains(body, `(fjern filteret)`) {
		t.Error("the only filter's tag does not lead to the whole list")
	}
}
