package server

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
)

// secretLink is a digital group's meeting link and passcode: for its members only.
const (
	secretLink     = "https://zoom.example/j/4242?pwd=hemmelig"
	secretPasscode = "passord-4242"
)

// feedGroups are the published groups of the feed tests, by what they show.
type feedGroups struct {
	open, digital, hybrid, partner, paused, gathering, hidden, long groups.Group
}

// feedFixture makes a catalogue with a group of every kind the feeds must handle: an open
// twelve-step meeting in the house, a closed digital group with a meeting link, a hybrid one
// every second week, one at a partner's venue, a paused one, one still gathering people, a
// hidden one and one with a slug longer than the Meeting Guide's 64 characters.
func (a *testApp) feedFixture(t *testing.T) feedGroups {
	t.Helper()
	b := a.fixtures(t)
	th := b.Theme("Rus og avhengighet", func(f *groups.ThemeForm) { f.Slug = "rus" })
	in := fixture.InThemes(th.ID)
	running := fixture.Status(groups.StatusSelfRunning)
	var g feedGroups
	g.open = b.Group(fixture.Named("AA-møte Majorstua"), in, running, fixture.Meets(1, "19:00", "20:00"),
		fixture.Form(func(f *groups.Form) { f.OpenMeeting, f.TwelveStep, f.Capacity = true, true, "30" }))
	g.digital = b.Group(fixture.Named("Angst på nett"), in, running, fixture.Meets(7, "19:00", "20:30"),
		fixture.Form(func(f *groups.Form) { f.Format, f.Platform = groups.FormatDigital, "zoom" }))
	g.hybrid = b.Group(fixture.Named("Pårørendegruppa"), in, fixture.Status(groups.StatusStartup), fixture.Meets(3, "17:30", "19:00"),
		fixture.Form(func(f *groups.Form) { f.Format, f.Platform, f.Frequency = groups.FormatHybrid, "whereby", "biweekly" }))
	g.partner = b.Group(fixture.Named("Kaffe og prat"), in, running, fixture.Meets(4, "13:00", "14:00"),
		fixture.Form(func(f *groups.Form) {
			f.Format, f.Venue, f.Language = groups.FormatPartner, "Fontenehuset Oslo Øst", "en"
		}))
	g.paused = b.Group(fixture.Named("Sommerpause"), in, fixture.Status(groups.StatusPaused), fixture.Meets(5, "10:00", "11:30"))
	g.gathering = b.Group(fixture.Named("Ny gruppe"), in, fixture.Meets(2, "18:00", "19:30"))
	g.hidden = b.Group(fixture.Named("Skjult"), in, running, fixture.Unpublished())
	g.long = b.Group(fixture.Named(strings.Repeat("Langt navn ", 7)+"slutt"), in, running, fixture.Meets(6, "11:00", "12:00"))
	_, err := a.db.Exec(context.Background(), `UPDATE groups SET meeting_link = $2, meeting_passcode = $3 WHERE id = ANY($1)`,
		[]int64{g.digital.ID, g.hybrid.ID}, secretLink, secretPasscode)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Must show: every meeting of the Meeting Guide feed passes the spec's rules (field names,
// required fields, types); an open meeting is "O" and a digital group "C" and "ONL" without
// its link; the groups that do not meet now or are hidden are not listed; the catalogue names
// the feed in its head.
func TestMeetingGuideFeedFollowsTheSpec(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	g := app.feedFixture(t)
	c := app.client(t)
	res, body := c.get("/api/moter.json")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json" ||
		res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("feed = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(body, "[") {
		t.Fatalf("the feed is not a plain array: %.80s", body)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]map[string]any{}
	for _, m := range list {
		for _, problem := range checkGuideMeeting(m) {
			t.Errorf("meeting %v: %s", m["slug"], problem)
		}
		slug, _ := m["slug"].(string)
		if bySlug[slug] != nil {
			t.Errorf("slug %q twice", slug)
		}
		bySlug[slug] = m
	}
	for _, want := range []groups.Group{g.open, g.digital, g.hybrid, g.partner, g.paused} {
		if bySlug[want.Slug] == nil {
			t.Errorf("%s is not in the feed", want.Name)
		}
	}
	if len(list) != 6 {
		t.Errorf("%d meetings, want the 6 groups that meet (not the gathering or hidden one)", len(list))
	}
	for _, slug := range []string{g.gathering.Slug, g.hidden.Slug} {
		if bySlug[slug] != nil {
			t.Errorf("%s is in the feed", slug)
		}
	}
	types := func(slug string) []any { v, _ := bySlug[slug]["types"].([]any); return v }
	open := bySlug[g.open.Slug]
	if ts := types(g.open.Slug); !slices.Contains(ts, any("O")) || slices.Contains(ts, any("C")) {
		t.Errorf("the open meeting's types are %v", ts)
	}
	if open["day"] != 1.0 || open["time"] != "19:00" || open["end_time"] != "20:00" || open["timezone"] != "Europe/Oslo" ||
		open["address"] != "Kirkeveien 61" || open["postal_code"] != "0364" || open["city"] != "Oslo" || open["country"] != "NO" ||
		open["url"] != "http://selvhjelp.test/grupper/"+g.open.Slug {
		t.Errorf("the open meeting: %v", open)
	}
	if ts := types(g.digital.Slug); !slices.Contains(ts, any("C")) || !slices.Contains(ts, any("ONL")) {
		t.Errorf("the digital group's types are %v", ts)
	}
	if d := bySlug[g.digital.Slug]; d["day"] != 0.0 || d["address"] != nil {
		t.Errorf("the digital group on Sundays: %v", d)
	}
	if ts := types(g.paused.Slug); !slices.Contains(ts, any("TC")) {
		t.Errorf("the paused group's types are %v", ts)
	}
	if ts := types(g.partner.Slug); !slices.Contains(ts, any("EN")) {
		t.Errorf("the English group's types are %v", ts)
	}
	if n, _ := bySlug[g.hybrid.Slug]["notes"].(string); !strings.Contains(n, "annenhver uke") ||
		!strings.Contains(n, "/grupper/"+g.hybrid.Slug+"/kalender.ics") {
		t.Errorf("the hybrid group's notes do not say every second week: %q", n)
	}
	if strings.Contains(body, "zoom.example") || strings.Contains(body, secretPasscode) || strings.Contains(body, "conference_url") {
		t.Error("the feed carries a meeting link")
	}
	for _, path := range []string{"/grupper", "/grupper/" + g.open.Slug, "/tema", "/tema/rus"} {
		_, page := c.get(path)
		if !strings.Contains(page, `<link rel="alternate" type="application/json" title="Meetings Feed" href="http://selvhjelp.test/api/moter.json">`) {
			t.Errorf("%s does not name the Meetings Feed in its head", path)
		}
	}
}

// Must show: an open meeting's page says "just come along", shows the address with how to get
// in and its calendar, and has no sign-up form; its sign-up address sends people back to the
// page and stores nothing; the catalogue says "Åpent møte – bare kom".
func TestOpenMeetingNeedsNoSignup(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	g := app.feedFixture(t)
	c := app.client(t)
	page := "/grupper/" + g.open.Slug
	res, body := c.get(page)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("page = %d", res.StatusCode)
	}
	for _, want := range []string{"Bare kom", "Du trenger ikke melde deg på", "Kirkeveien 61, 0364 Oslo, 6. etasje",
		"Ring på porttelefonen ved inngangen", `href="` + page + `/kalender.ics"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	for _, never := range []string{"/meld-pa", "<form method=\"post\"", "Meld deg på", "/interesse"} {
		if strings.Contains(body, never) {
			t.Errorf("the open meeting's page holds %q", never)
		}
	}
	if _, other := c.get("/grupper/" + g.partner.Slug); !strings.Contains(other, "/grupper/"+g.partner.Slug+"/meld-pa") {
		t.Error("a group that takes members has lost its sign-up link")
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var res *http.Response
		if method == http.MethodGet {
			res, _ = c.get(page + "/meld-pa")
		} else {
			res, _ = c.post(page+"/meld-pa", goodSignup("kari@example.test"))
		}
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
			t.Errorf("%s the sign-up = %d to %q, want 303 to the page", method, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if n := app.count(t, `SELECT (SELECT count(*) FROM signups) + (SELECT count(*) FROM form_requests) + (SELECT count(*) FROM outbox)`); n != 0 {
		t.Errorf("%d rows stored by a sign-up for an open meeting", n)
	}
	_, list := c.get("/grupper?tema=rus")
	if n := strings.Count(list, "Åpent møte – bare kom"); n != 1 {
		t.Errorf("the catalogue says %d times that a meeting is open, want once", n)
	}
}
