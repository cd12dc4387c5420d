package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
)

// catalogueFixture adds a published theme, Sorg og tap (address sorg, Grief in English), and
// a published group in it, Sorggruppe tirsdag (address sorggruppe-tirsdag), at the house on
// Tuesdays 18:00–19:30 for 8, taking members.
func (a *testApp) catalogueFixture(t *testing.T) (themeID, groupID int64) {
	t.Helper()
	b := a.fixtures(t)
	th := b.Theme("Sorg og tap", func(f *groups.ThemeForm) { f.Slug, f.NameEN = "sorg", "Grief" })
	g := b.Group(fixture.Named("Sorggruppe tirsdag"), fixture.InThemes(th.ID), fixture.Meets(2, "18:00", "19:30"), fixture.Places(8))
	return th.ID, g.ID
}

func goodSignup(email string) url.Values {
	return url.Values{"first_name": {"Kari"}, "email": {email}, "formats": {"house", "digital"},
		"availability": {"2-evening"}, "languages": {"nb"}, "adult": {"on"}, "consent": {"on"}}
}

func (a *testApp) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Must show: bad input gets 422 with messages at the fields, keeps what was typed, stores
// nothing, and every payload comes back escaped.
func TestSignupRefusesBadInputAndKeepsIt(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	app.catalogueFixture(t)
	c := app.client(t)
	if res, body := c.get("/grupper/sorggruppe-tirsdag/meld-pa"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Sorggruppe tirsdag") {
		t.Fatalf("form = %d", res.StatusCode)
	}
	xss := `<script>alert("x")</script>`
	form := url.Values{"first_name": {strings.Repeat("å", 10000)}, "email": {xss}, "phone": {xss}, "note": {xss},
		"age_band": {xss}, "source": {xss}, "formats": {xss}, "availability": {xss}, "languages": {xss}}
	res, body := c.post("/grupper/sorggruppe-tirsdag/meld-pa", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad sign-up = %d", res.StatusCode)
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("a payload came back unescaped")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the typed note is not kept (escaped)")
	}
	for _, field := range []string{"first_name", "email", "phone", "formats", "adult", "consent"} {
		if !strings.Contains(body, `href="#felt-`+field+`"`) || !strings.Contains(body, `id="felt-`+field+`-feil"`) {
			t.Errorf("no error at %s", field)
		}
	}
	if n := app.count(t, `SELECT (SELECT count(*) FROM participants) + (SELECT count(*) FROM outbox)`); n != 0 {
		t.Errorf("%d rows stored from a refused form", n)
	}
	res, body = c.post("/grupper/sorggruppe-tirsdag/meld-pa", url.Values{"first_name": {"Kari"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv inn e-postadressen eller telefonnummeret") {
		t.Errorf("no contact = %d", res.StatusCode)
	}
}

// Must show: twenty sign-ups with the same e-mail for the same group, sent at once, leave
// one sign-up and one e-mail.
func TestConcurrentSignupsLeaveOneSignupAndOneMail(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	app.catalogueFixture(t)
	const path = "/grupper/sorggruppe-tirsdag/meld-pa"
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 20 {
		wg.Go(func() {
			res, _ := app.client(t).post(path, goodSignup("samme@example.no"))
			mu.Lock()
			defer mu.Unlock()
			codes[res.StatusCode]++
		})
	}
	wg.Wait()
	if codes[http.StatusSeeOther] != 10 || codes[http.StatusTooManyRequests] != 10 {
		t.Errorf("answers %v, want the client's 10 and then 429", codes)
	}
	// The address's daily cap: three mails ask to confirm; all three confirmed at once make
	// one sign-up and one mail with the private link.
	links := app.mailLinks(t, "samme@example.no")
	if len(links) != optin.DefaultLimits.PerAddress {
		t.Fatalf("%d confirmation mails, want the daily cap", len(links))
	}
	for _, link := range links {
		wg.Go(func() {
			if res, _ := app.client(t).post(link, nil); res.StatusCode != http.StatusSeeOther {
				t.Errorf("confirm = %d", res.StatusCode)
			}
		})
	}
	wg.Wait()
	if n := app.count(t, `SELECT count(*) FROM signups`); n != 1 {
		t.Errorf("%d sign-ups", n)
	}
	if n := app.count(t, `SELECT count(*) FROM outbox WHERE to_addr = 'samme@example.no' AND kind = 'signup'`); n != 1 {
		t.Errorf("%d e-mails with the private link", n)
	}
	m := mailtest.Last(t, app.db, "samme@example.no")
	subject, text := m.Subject, m.Text
	if m.Kind != "signup" || strings.Contains(subject+text, "Sorg") || strings.Contains(subject+text, "sorg") {
		t.Error("the e-mail names the group or theme")
	}
}

func TestHoneypotStoresNothing(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	app.catalogueFixture(t)
	f := goodSignup("bot@example.no")
	f.Set("nettsted", "http://spam.example")
	res, _ := app.client(t).post("/grupper/sorggruppe-tirsdag/meld-pa", f)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/takk" {
		t.Errorf("honeypot = %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if n := app.count(t, `SELECT count(*) FROM participants`); n != 0 {
		t.Errorf("a bot's sign-up was stored")
	}
}

func TestMySignupsChangeExportWithdrawDelete(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	themeID, _ := app.catalogueFixture(t)
	c := app.client(t)
	if res, _ := app.signUp(t, "/tema/sorg/interesse", goodSignup("kari@example.no")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("interest = %d", res.StatusCode)
	}
	app.signUp(t, "/grupper/sorggruppe-tirsdag/meld-pa", goodSignup("kari@example.no"))
	link := app.lastLink(t, "kari@example.no")
	res, body := c.get(link)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Ønsker en gruppe om Sorg og tap") || !strings.Contains(body, "Sorggruppe tirsdag") {
		t.Fatalf("my page = %d", res.StatusCode)
	}
	if res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(body, `name="robots" content="noindex"`) {
		t.Error("the private page must not be cached or indexed")
	}
	var interest int64
	app.db.QueryRow(context.Background(), `SELECT id FROM signups WHERE theme_id = $1 AND group_id IS NULL`, themeID).Scan(&interest)
	path := link + "/pamelding/" + strconv.FormatInt(interest, 10)
	if res, _ := c.post(path, url.Values{"formats": {"nothing"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("no format = %d", res.StatusCode)
	}
	if res, _ := c.post(path, url.Values{"formats": {"digital"}, "availability": {"5-morning"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("change = %d", res.StatusCode)
	}
	res, body = c.get(link + "/data.json")
	if res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("export Content-Type = %q", res.Header.Get("Content-Type"))
	}
	var x struct {
		Participant struct{ Email string } `json:"participant"`
		Signups     []struct {
			Formats []string `json:"formats"`
		} `json:"signups"`
	}
	if err := json.Unmarshal([]byte(body), &x); err != nil || x.Participant.Email != "kari@example.no" || len(x.Signups) != 2 {
		t.Fatalf("export: %v %s", err, body)
	}
	// Withdrawing asks once, saying what is lost; a post without the answer changes nothing.
	if res, page := c.get(path + "/trekk"); res.StatusCode != http.StatusOK || !strings.Contains(page, "Du mister plassen din i køen") ||
		!strings.Contains(page, `name="confirm" value="1"`) {
		t.Errorf("withdraw confirmation = %d", res.StatusCode)
	}
	if res, page := c.post(path+"/trekk", nil); res.StatusCode != http.StatusOK || !strings.Contains(page, "Ja, meld meg av") {
		t.Errorf("withdraw without confirming = %d, want the confirmation", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM signups WHERE status = 'withdrawn'`); n != 0 {
		t.Fatalf("%d withdrawn before the person confirmed", n)
	}
	if res, _ := c.post(path+"/trekk", url.Values{"confirm": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("withdraw = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM signups WHERE status = 'withdrawn' AND id = `+strconv.FormatInt(interest, 10)); n != 1 {
		t.Errorf("the confirmed withdrawal left %d withdrawn", n)
	}
	if res, _ := c.get(path + "/trekk"); res.StatusCode != http.StatusNotFound {
		t.Errorf("confirming a withdrawn sign-up again = %d, want 404", res.StatusCode)
	}
	if res, _ := c.post(link+"/slett", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("delete = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT (SELECT count(*) FROM participants WHERE email = 'kari@example.no')
		+ (SELECT count(*) FROM outbox WHERE to_addr = 'kari@example.no')`); n != 0 {
		t.Error("the participant or mail to them is still there")
	}
	if res, _ := c.get(link); res.StatusCode != http.StatusNotFound {
		t.Errorf("the link after deletion = %d", res.StatusCode)
	}
}

func TestNewLinkAnswersTheSame(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	app.catalogueFixture(t)
	app.signUp(t, "/grupper/sorggruppe-tirsdag/meld-pa", goodSignup("kari@example.no"))
	_, known := app.client(t).post("/mine", url.Values{"email": {"kari@example.no"}})
	_, unknown := app.client(t).post("/mine", url.Values{"email": {"ukjent@example.no"}})
	if known != unknown {
		t.Error("the answer differs for a known and an unknown address")
	}
	app.workForms(t) // the job looks the address up
	if n := app.count(t, `SELECT count(*) FROM outbox`); n != 3 {
		t.Errorf("%d mails, want the request to confirm, the confirmation and one new link", n)
	}
}

func TestStaffWaitingListAndPlacement(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	themeID, groupID := app.catalogueFixture(t)
	app.signUp(t, "/tema/sorg/interesse", goodSignup("venter@example.no"))
	staff := app.client(t).login(p.staff.Email)
	_, body := staff.get("/admin/venteliste")
	if !strings.Contains(body, "Tema: Sorg og tap") || strings.Contains(body, "venter@example.no") {
		t.Fatal("the overview lists the theme and no personal data")
	}
	_, body = staff.get("/admin/venteliste?tema=" + strconv.FormatInt(themeID, 10))
	var pid int64
	app.db.QueryRow(context.Background(), `SELECT id FROM participants`).Scan(&pid)
	if !strings.Contains(body, "/admin/deltakere/"+strconv.FormatInt(pid, 10)) {
		t.Fatal("the theme's list does not link the participant")
	}
	ppath := "/admin/deltakere/" + strconv.FormatInt(pid, 10)
	if res, body := staff.get(ppath); res.StatusCode != http.StatusOK || !strings.Contains(body, "venter@example.no") {
		t.Fatalf("participant page = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'personal.viewed' AND entity = 'participant' AND entity_id = $1`, strconv.FormatInt(pid, 10)); n != 1 {
		t.Errorf("%d audit entries for one view", n)
	}
	if res, _ := staff.post(ppath+"/plasser", url.Values{"group": {strconv.FormatInt(groupID, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("place = %d", res.StatusCode)
	}
	if res, _ := staff.post(ppath+"/plasser", url.Values{"group": {strconv.FormatInt(groupID, 10)}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("placing twice = %d", res.StatusCode)
	}
	var mid int64
	app.db.QueryRow(context.Background(), `SELECT id FROM memberships`).Scan(&mid)
	if res, body := staff.post("/admin/medlemskap/"+strconv.FormatInt(mid, 10)+"/slutt", nil); res.StatusCode != http.StatusOK ||
		!strings.Contains(body, "sluttet i") || !strings.Contains(body, "plassen blir ledig") {
		t.Errorf("mark left without confirming = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM memberships WHERE left_at IS NOT NULL`); n != 0 {
		t.Fatal("the question ended the membership")
	}
	if res, _ := staff.post("/admin/medlemskap/"+strconv.FormatInt(mid, 10)+"/slutt", url.Values{"confirm": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("mark left = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM signups WHERE status = 'left'`); n != 1 {
		t.Error("the sign-up did not become left")
	}
}

func TestStaffDeleteAPhoneOnlyParticipant(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	app.catalogueFixture(t)
	f := goodSignup("")
	f.Set("phone", "912 34 567")
	app.signUp(t, "/tema/sorg/interesse", f)
	other := goodSignup("")
	other.Set("phone", "91234567")
	other.Set("first_name", "Noen andre")
	app.signUp(t, "/tema/sorg/interesse", other)
	if n := app.count(t, `SELECT count(*) FROM participants WHERE phone = '+4791234567'`); n != 2 {
		t.Errorf("%d participants: an unverified phone number must not join two people", n)
	}
	var pid int64
	app.db.QueryRow(context.Background(), `SELECT min(id) FROM participants`).Scan(&pid)
	staff := app.client(t).login(p.staff.Email)
	path := "/admin/deltakere/" + strconv.FormatInt(pid, 10) + "/slett"
	if res, _ := staff.post(path, nil); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("delete without confirmation = %d", res.StatusCode)
	}
	if res, _ := staff.post(path, url.Values{"confirm": {"on"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM participants WHERE id = $1`, pid); n != 0 {
		t.Error("the participant is still there")
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'participant.deleted'`); n != 1 {
		t.Error("the deletion is not in the audit log")
	}
}

func TestSignupForAFullGroupLeadsToTheTheme(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	_, groupID := app.catalogueFixture(t)
	app.db.Exec(context.Background(), `UPDATE groups SET open = false WHERE id = $1`, groupID)
	res, _ := app.client(t).post("/grupper/sorggruppe-tirsdag/meld-pa", goodSignup("kari@example.no"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tema/sorg/interesse" {
		t.Errorf("sign-up for a closed group = %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if n := app.count(t, `SELECT count(*) FROM signups`); n != 0 {
		t.Error("a sign-up for a closed group was stored")
	}
}

// The form asks when someone can come as days and parts of the day, stored as every day at
// every part, unless they sign up for a group, whose fixed time is stored instead; old
// "day-part" values are still read.
func TestSignupAsksDaysAndPartsUnlessTheGroupsTimeAnswers(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	app.catalogueFixture(t)
	c := app.client(t)
	if _, body := c.get("/grupper/sorggruppe-tirsdag/meld-pa"); strings.Contains(body, `name="days"`) || strings.Contains(body, `name="availability"`) {
		t.Error("the form for a group asks when they can come")
	}
	if _, body := c.get("/tema/sorg/interesse"); !strings.Contains(body, `name="days"`) || !strings.Contains(body, `name="parts"`) {
		t.Error("the interest form does not ask days and parts of the day")
	}
	post := func(path, phone string, extra url.Values) string {
		t.Helper()
		v := url.Values{"first_name": {"Kari"}, "phone": {phone}, "formats": {"house"}, "adult": {"on"}, "consent": {"on"}}
		for k, vs := range extra {
			v[k] = vs
		}
		if res, body := c.post(path, v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s = %d\n%s", path, res.StatusCode, body)
		}
		var got string
		if err := app.db.QueryRow(context.Background(), `SELECT array_to_string(s.availability, ' ') FROM signups s
			JOIN participants p ON p.id = s.participant_id WHERE p.phone = $1`, phone).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := post("/grupper/sorggruppe-tirsdag/meld-pa", "+4791234501", nil); got != "2-evening" {
		t.Errorf("a sign-up for the group on Tuesday evenings stored %q", got)
	}
	got := post("/tema/sorg/interesse", "+4791234502", url.Values{"days": {"1", "3"}, "parts": {"evening"}, "availability": {"5-morning"}})
	if got != "5-morning 1-evening 3-evening" {
		t.Errorf("days 1 and 3 in the evening and an old 5-morning stored %q", got)
	}
}
