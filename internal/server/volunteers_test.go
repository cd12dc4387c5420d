package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
)

// volunteerFixture is a theme, a group in start-up with that theme since startedAt, and two
// active volunteers: Kari, who has experience of the theme herself, and Ola.
type volunteerFixture struct {
	theme, group int64
	kari, ola    volunteers.Volunteer
}

func (a *testApp) volunteerFixture(t *testing.T, startedAt time.Time) volunteerFixture {
	t.Helper()
	ctx := context.Background()
	var f volunteerFixture
	f.theme = a.fixtures(t).Theme("Angst", func(th *groups.ThemeForm) { th.NameEN = "Anxiety" }).ID
	f.group = a.startupGroup(t, "angst-mandag", "Angst – mandag", startedAt, f.theme)
	store := volunteers.NewStore(a.db)
	var err error
	today := volunteers.Today(time.Now())
	if f.kari, err = store.Create(ctx, volunteers.Form{Name: "Kari Igangsetter", Email: "kari@example.no", Phone: "90000001",
		Active: true, Themes: []int64{f.theme}}, today); err != nil {
		t.Fatal(err)
	}
	if f.ola, err = store.Create(ctx, volunteers.Form{Name: "Ola Hjelper", Active: true}, today); err != nil {
		t.Fatal(err)
	}
	return f
}

// startupGroup adds a group, not published, meeting on Mondays 18:00–19:30, in start-up since
// at, with themes (a theme of its own when none are given).
func (a *testApp) startupGroup(t *testing.T, slug, name string, at time.Time, themes ...int64) int64 {
	t.Helper()
	g := a.fixtures(t).Group(fixture.Named(name), fixture.Form(func(f *groups.Form) { f.Slug = slug }), fixture.Meets(1, "18:00", "19:30"),
		fixture.InThemes(themes...), fixture.Unpublished(), fixture.Status(groups.StatusStartup))
	// Raw SQL: no use case starts a group in the past, and the follow-up counts from the day
	// of the status history's change to start-up.
	if _, err := a.db.Exec(context.Background(), `UPDATE group_status_history SET changed_at = $2 WHERE group_id = $1`, g.ID, at); err != nil {
		t.Fatal(err)
	}
	return g.ID
}

// wantAll fails for every piece of want that body lacks.
func wantAll(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// Staff register a volunteer, are told what is wrong with a bad form, find the volunteer in
// the register by search and filter, and make them inactive. The pages are not cached.
func TestStaffRegisterVolunteers(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	staff := app.client(t).login(p.staff.Email)
	theme := itoa(app.fixtures(t).Theme("Sorg", func(th *groups.ThemeForm) { th.NameEN = "Grief" }).ID)

	res, body := staff.get("/admin/igangsettere")
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(body, "0 igangsettere") {
		t.Fatalf("empty register = %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	res, body = staff.get("/admin/igangsettere/ny")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `value="`+theme+`"`) || !strings.Contains(body, `name="active" value="on" checked`) {
		t.Fatalf("new form = %d, without the themes or active ticked", res.StatusCode)
	}

	tomorrow := time.Now().In(tz.Oslo).AddDate(0, 0, 1).Format(time.DateOnly)
	bad := url.Values{"name": {" "}, "email": {"kari@"}, "phone": {"ring <meg>"}, "trained_on": {tomorrow},
		"notes": {"Liker <kvelder>"}, "availability": {"2-evening"}, "themes": {theme}}
	res, body = staff.post("/admin/igangsettere/ny", bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form = %d", res.StatusCode)
	}
	for _, field := range []string{"name", "email", "phone", "trained_on"} {
		if !strings.Contains(body, `href="#felt-`+field+`"`) || !strings.Contains(body, `id="felt-`+field+`-feil"`) {
			t.Errorf("no error at %s", field)
		}
	}
	wantAll(t, "the bad form", body, `value="kari@"`, `value="ring &lt;meg&gt;"`, ">Liker &lt;kvelder&gt;</textarea>",
		`value="2-evening" checked`, `value="`+theme+`" checked`, "Kursdatoen kan ikke være fram i tid.")
	if n := app.count(t, `SELECT count(*) FROM volunteers`); n != 0 {
		t.Fatalf("%d volunteers stored from a bad form", n)
	}

	good := url.Values{"name": {"Kari Igangsetter"}, "email": {"kari@example.no"}, "phone": {"900 00 001"},
		"trained_on": {"2025-10-01"}, "availability": {"2-evening", "4-morning"}, "themes": {theme}, "active": {"on"}}
	res, _ = staff.post("/admin/igangsettere/ny", good)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/igangsettere/") {
		t.Fatalf("create = %d %s", res.StatusCode, loc)
	}
	res, body = staff.get(loc)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the volunteer's page may be cached")
	}
	wantAll(t, "the new volunteer's page", body, "Igangsetteren er lagret.", `value="+4790000001"`, `value="2025-10-01"`,
		`value="4-morning" checked`, "har ikke hatt noen grupper")

	for _, c := range []struct{ path, want, notWant string }{
		{"/admin/igangsettere", "Kari Igangsetter", ""},
		{"/admin/igangsettere?q=EXAMPLE", "+4790000001", ""},
		{"/admin/igangsettere?q=per", "0 igangsettere", "Kari Igangsetter"},
		{"/admin/igangsettere?vis=inactive", "0 igangsettere", "Kari Igangsetter"},
	} {
		res, body := staff.get(c.path)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, c.want) || c.notWant != "" && strings.Contains(body, c.notWant) {
			t.Errorf("%s = %d; want %q and not %q", c.path, res.StatusCode, c.want, c.notWant)
		}
	}
	wantAll(t, "the register", func() string { _, b := staff.get("/admin/igangsettere"); return b }(),
		"Sorg", "tirsdag kveld, torsdag formiddag", "01.10.2025", "0 grupper")

	good.Del("active")
	res, _ = staff.post(loc, good)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != loc {
		t.Fatalf("update = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body = staff.get("/admin/igangsettere"); strings.Contains(body, "Kari Igangsetter") {
		t.Error("an inactive volunteer is listed among the active")
	}
	if _, body = staff.get("/admin/igangsettere?vis=inactive"); !strings.Contains(body, "Kari Igangsetter") || !strings.Contains(body, "Ikke aktiv") {
		t.Error("the inactive volunteer is not listed as inactive")
	}
	good.Set("name", "")
	if res, body = staff.post(loc, good); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv navnet til igangsetteren.") {
		t.Errorf("bad update = %d", res.StatusCode)
	}
}

// A group's start-up: the theme warning asks for a confirmation, two volunteers fill the
// group, a third is refused; meetings are planned and held; the handover makes the group run
// itself and ends the volunteers' part.
func TestGroupStartUp(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	now := time.Now()
	f := app.volunteerFixture(t, now.AddDate(0, -1, 0))
	staff := app.client(t).login(p.staff.Email)
	page := "/admin/grupper/" + itoa(f.group) + "/oppfolging"

	res, body := staff.get(page)
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("follow-up page = %d", res.StatusCode)
	}
	wantAll(t, "the page", body, "Oppstart og oppfølging: Angst – mandag", "Gruppa har ingen igangsetter nå.",
		"Kari Igangsetter (0 grupper)", "0 møter planlagt, 0 holdt", "Planlegg minst 3 møter", `value="18:00"`)
	if _, body = staff.get("/admin/oppfolging/uten-igangsetter"); !strings.Contains(body, "Angst – mandag") || !strings.Contains(body, "1 gruppe uten igangsetter.") {
		t.Error("the group is not on the list of groups without a volunteer")
	}

	res, body = staff.post(page+"/igangsettere", url.Values{"volunteer": {itoa(f.kari.ID)}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Kari Igangsetter har selv erfaring med Angst") ||
		!strings.Contains(body, `name="confirm" value="1"`) {
		t.Fatalf("shared theme = %d, without the warning", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM group_volunteers`); n != 0 {
		t.Fatal("assigned before the confirmation")
	}
	for _, form := range []url.Values{{"volunteer": {itoa(f.kari.ID)}, "confirm": {"1"}}, {"volunteer": {itoa(f.ola.ID)}}} {
		if res, _ = staff.post(page+"/igangsettere", form); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"#igangsettere" {
			t.Fatalf("assign = %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	}
	_, body = staff.get(page)
	wantAll(t, "the page with two volunteers", body, "Igangsetteren er lagt til gruppa.", "Ola Hjelper", "Gruppa har to igangsettere.")
	third := app.fixtures(t).Volunteer("Per Tredje").ID
	res, body = staff.post(page+"/igangsettere", url.Values{"volunteer": {itoa(third)}, "confirm": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Gruppa har allerede to igangsettere.") {
		t.Errorf("third volunteer = %d", res.StatusCode)
	}
	if _, body = staff.get("/admin/oppfolging/uten-igangsetter"); strings.Contains(body, "Angst – mandag") {
		t.Error("a group with volunteers is listed as without")
	}

	res, body = staff.post(page+"/moter", url.Values{"meeting_date": {""}, "meeting_time": {"18:30"}, "meeting_note": {"I <Bjørkerommet>"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#felt-meeting_date"`) ||
		!strings.Contains(body, `value="18:30"`) || !strings.Contains(body, `value="I &lt;Bjørkerommet&gt;"`) {
		t.Errorf("bad meeting = %d, without the error or the input", res.StatusCode)
	}
	for i := -1; i < 2; i++ {
		day := now.In(tz.Oslo).AddDate(0, 0, 7*i).Format(time.DateOnly)
		if res, _ = staff.post(page+"/moter", url.Values{"meeting_date": {day}, "meeting_time": {"18:00"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("plan meeting = %d", res.StatusCode)
		}
	}
	var past, future int64
	if err := app.db.QueryRow(context.Background(), `SELECT min(id), max(id) FROM startup_meetings`).Scan(&past, &future); err != nil {
		t.Fatal(err)
	}
	staff.post(page+"/moter/holdt", url.Values{"meeting": {itoa(past)}, "held": {"1"}})
	staff.post(page+"/moter/holdt", url.Values{"meeting": {itoa(future)}, "held": {"1"}})
	_, body = staff.get(page)
	wantAll(t, "the page with meetings", body, "Møtet har ikke vært ennå", "3 møter planlagt, 1 holdt")
	if strings.Contains(body, "Planlegg minst 3 møter") {
		t.Error("three meetings are called too few")
	}
	if res, _ = staff.post(page+"/moter/holdt", url.Values{"meeting": {"999999"}, "held": {"1"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown meeting = %d", res.StatusCode)
	}

	tomorrow := now.In(tz.Oslo).AddDate(0, 0, 1).Format(time.DateOnly)
	if res, body = staff.post(page+"/overlevering", url.Values{"handover_on": {tomorrow}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Datoen kan ikke være fram i tid.") || !strings.Contains(body, `value="`+tomorrow+`"`) {
		t.Errorf("handover tomorrow = %d", res.StatusCode)
	}
	today := now.In(tz.Oslo).Format(time.DateOnly)
	if res, _ = staff.post(page+"/overlevering", url.Values{"handover_on": {today}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("handover = %d", res.StatusCode)
	}
	_, body = staff.get(page)
	wantAll(t, "the page after the handover", body, "Gruppa driver seg selv.", "Status nå: Driver seg selv", "Tidligere igangsettere")
	if n := app.count(t, `SELECT count(*) FROM group_volunteers WHERE ended_at IS NULL`); n != 0 {
		t.Errorf("%d volunteers still on the group after the handover", n)
	}
	if n := app.count(t, `SELECT count(*) FROM group_status_history WHERE group_id = $1 AND status = 'selfrunning' AND changed_by = $2`, f.group, p.staff.ID); n != 1 {
		t.Errorf("%d history lines for the handover", n)
	}
}

// Follow-up: the log takes entries (and says what is wrong with a bad one), a next check in
// the past puts the group on the due list, and the check-ins are recorded.
func TestGroupFollowUp(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	now := time.Now()
	f := app.volunteerFixture(t, now.AddDate(0, -4, 0)) // the 3-month check-in is due
	staff := app.client(t).login(p.staff.Email)
	page := "/admin/grupper/" + itoa(f.group) + "/oppfolging"
	day := func(days int) string { return now.In(tz.Oslo).AddDate(0, 0, days).Format(time.DateOnly) }

	_, body := staff.get("/admin/oppfolging")
	wantAll(t, "the due list", body, "1 gruppe skal følges opp.", "Angst – mandag", "Sjekkpunkt etter 3 måneder", "Ingen ennå")

	res, body := staff.post(page+"/logg", url.Values{"happened_on": {day(1)}, "kind": {"brev"}, "note": {"Gikk <fint>"}, "next_check_on": {day(-3)}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad entry = %d", res.StatusCode)
	}
	for _, field := range []string{"happened_on", "kind"} {
		if !strings.Contains(body, `id="felt-`+field+`-feil"`) {
			t.Errorf("no error at %s", field)
		}
	}
	wantAll(t, "the bad entry", body, ">Gikk &lt;fint&gt;</textarea>", `value="`+day(-3)+`"`)
	if n := app.count(t, `SELECT count(*) FROM follow_ups`); n != 0 {
		t.Fatal("a bad entry was stored")
	}
	res, _ = staff.post(page+"/logg", url.Values{"happened_on": {day(-10)}, "kind": {"phone"}, "note": {"Gruppa møtes fast."}, "next_check_on": {day(-1)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"#logg" {
		t.Fatalf("entry = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = staff.get(page)
	wantAll(t, "the log", body, "Oppfølgingen er skrevet i loggen.", "Gruppa møtes fast.", "Telefon", "av Siri Ansatt")
	_, body = staff.get("/admin/oppfolging")
	wantAll(t, "the due list with a next check", body, "Sjekkpunkt etter 3 måneder; Oppfølging")

	res, body = staff.post(page+"/sjekk", url.Values{"checkin_months": {"3"}, "checkin_done_on": {day(0)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Svar om gruppa fortsatt møtes.") {
		t.Errorf("check-in without an answer = %d", res.StatusCode)
	}
	res, body = staff.post(page+"/sjekk", url.Values{"checkin_months": {"12"}, "checkin_done_on": {day(0)}, "checkin_still_meets": {"yes"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Det er for tidlig.") ||
		!strings.Contains(body, `<option value="12" selected>`) {
		t.Errorf("check-in too early = %d", res.StatusCode)
	}
	if res, _ = staff.post(page+"/sjekk", url.Values{"checkin_months": {"3"}, "checkin_done_on": {day(0)}, "checkin_still_meets": {"yes"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("check-in = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM checkins WHERE group_id = $1 AND months = 3 AND still_meets AND done_by = $2`, f.group, p.staff.ID); n != 1 {
		t.Error("the check-in was not recorded")
	}
	_, body = staff.get("/admin/oppfolging")
	if strings.Contains(body, "Sjekkpunkt etter 3") || !strings.Contains(body, "Oppfølging "+volunteersDate(now.AddDate(0, 0, -1))) {
		t.Error("the due list still shows the recorded check-in, or lost the next check")
	}
	staff.post(page+"/logg", url.Values{"happened_on": {day(0)}, "kind": {"visit"}})
	if _, body = staff.get("/admin/oppfolging"); !strings.Contains(body, "0 grupper skal følges opp.") {
		t.Error("a newer entry without a next check leaves the group on the due list")
	}

	res, body = staff.post(page+"/start", url.Values{"started_on": {"31/12/2025"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv datoen slik") {
		t.Errorf("bad start = %d", res.StatusCode)
	}
	if res, _ = staff.post(page+"/start", url.Values{"started_on": {day(-7)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start = %d", res.StatusCode)
	}
	if _, body = staff.get(page); !strings.Contains(body, "Startdatoen er lagret.") || !strings.Contains(body, volunteersDate(now.AddDate(0, 0, -7))) {
		t.Error("the page does not show the new start date")
	}
}

// volunteersDate writes a day in Oslo as the Norwegian pages do.
func volunteersDate(t time.Time) string { return t.In(tz.Oslo).Format("02.01.2006") }
