package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// The site TestEveryPageIsValidHTML visits: the demo data, the visitors, and the pages each
// of them asks for.

// htmlSite is a test app on the demo data, with the visitors of the pages and one of
// everything that only the app's flows make: private links, an offer, a contact person's
// link, a login half-way through two-factor.
type htmlSite struct {
	app     *testApp
	clients map[string]*client
	ids     map[string]int64
	tokens  map[string]string
	slugs   map[string]string
	year    string
}

// Accounts the site adds to the demo users.
const (
	htmlTwoFactor   = "tofaktor.html@example.no"
	htmlParticipant = "deltaker.html@example.no"
	htmlGuest       = "gjest.html@example.no"
	htmlContact     = "kontakt.html@example.no"
	htmlNetContact  = "nettkontakt.html@example.no"
	htmlInvited     = "invitert.html@example.no"
)

func newHTMLSite(t *testing.T) *htmlSite {
	t.Helper()
	ctx := context.Background()
	app := newTestApp(t, nil)
	app.raiseFormLimits() // every form is sent from one address
	s := &htmlSite{app: app, clients: map[string]*client{}, ids: map[string]int64{}, tokens: map[string]string{}, slugs: map[string]string{}}
	if _, err := demo.Seed(ctx, app.db); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedLicences(ctx, app.db, app.srv.licenceRing, app.srv.outbox, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.NewStore(app.db).Create(ctx, auth.NewUser{Email: htmlTwoFactor, Name: "Tove Tofaktor", Role: auth.Partner,
		OrgID: s.id(t, `SELECT org_id FROM users WHERE email = 'mona@fontenehuset.demo.test'`), Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	// Each visitor twice: in Norwegian, and in English (" (en)").
	visit := func(who, email, password string) {
		for _, lang := range []string{"nb", "en"} {
			c := app.client(t)
			name := who
			if lang == "en" {
				res, body := c.post("/sprak", url.Values{"lang": {"en"}, "next": {"/"}})
				htmlExpect(t, "English", res, body, http.StatusSeeOther)
				name += " (en)"
			}
			if email != "" {
				res, body := c.post("/logg-inn", url.Values{"email": {email}, "password": {password}})
				htmlExpect(t, "login "+email, res, body, http.StatusSeeOther)
			}
			s.clients[name] = c
		}
	}
	visit("anonymous", "", "")
	s.clients["stranger"] = app.client(t)
	visit("partner", "per@angstringen.demo.test", demo.DemoPassword)
	visit("staff", "stine@demo.selvhjelpshuset.test", demo.DemoPassword)
	visit("admin", demo.AdminEmail, demo.DemoPassword)
	visit("two-factor user", htmlTwoFactor, testPassword)

	s.catalogue(t)
	s.signups(t)
	s.rooms(t)
	s.accounts(t)
	s.demoRows(t)
	s.ids["importBatch"] = importBatch(t, s.clients["staff"])
	s.year = strconv.Itoa(time.Now().In(tz.Oslo).Year() - 1)
	return s
}

func htmlExpect(t *testing.T, what string, res *http.Response, body string, want int) {
	t.Helper()
	if res.StatusCode != want {
		if i := strings.Index(body, "<main"); i >= 0 {
			body = body[i:]
		}
		t.Fatalf("%s = %d, want %d (to %q)\n%.3000s", what, res.StatusCode, want, res.Header.Get("Location"), body)
	}
}

func (s *htmlSite) id(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := s.app.db.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return id
}

// catalogue adds a published group of a demo theme with places, and an event.
func (s *htmlSite) catalogue(t *testing.T) {
	staff := s.clients["staff"]
	s.ids["theme"] = s.id(t, `SELECT id FROM themes WHERE slug = 'angst'`)
	s.slugs["theme"] = "angst"
	form := goodGroup(itoa(s.ids["theme"]))
	form.Set("capacity", "30")
	res, body := staff.post("/admin/grupper/ny", form)
	htmlExpect(t, "new group", res, body, http.StatusSeeOther)
	s.ids["group"] = s.id(t, `SELECT id FROM groups WHERE slug = 'aerlig-prat-om-angst'`)
	s.slugs["group"] = "aerlig-prat-om-angst"
	res, body = staff.post("/admin/grupper/"+itoa(s.ids["group"])+"/publisering", url.Values{"published": {"true"}})
	htmlExpect(t, "publish", res, body, http.StatusSeeOther)
	for _, name := range []string{"pastEvent", "event"} {
		res, body = staff.post("/admin/arrangementer/ny", eventForm("20"))
		htmlExpect(t, "new event", res, body, http.StatusSeeOther)
		s.ids[name] = s.id(t, `SELECT max(id) FROM events`)
	}
}

// signups signs a participant up (their private link) and offers them a place (the offer
// link), and signs a guest up for the events (the event link); one event is then moved into
// the past, where staff note who came.
func (s *htmlSite) signups(t *testing.T) {
	anon := s.app.client(t)
	res, body := anon.post("/grupper/"+s.slugs["group"]+"/meld-pa", goodSignup(htmlParticipant))
	htmlExpect(t, "sign-up", res, body, http.StatusSeeOther)
	res, body = s.app.confirmMail(t, htmlParticipant)
	htmlExpect(t, "confirm", res, body, http.StatusSeeOther)
	res, body = anon.post("/tema/"+s.slugs["theme"]+"/interesse", goodSignup("venter.html@example.org"))
	htmlExpect(t, "unconfirmed sign-up", res, body, http.StatusSeeOther)
	s.tokens["confirm"] = s.app.lastLink(t, "venter.html@example.org")
	s.tokens["mine"] = s.app.lastLink(t, htmlParticipant)
	s.ids["signup"] = s.id(t, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = $1`, htmlParticipant)
	res, body = s.clients["staff"].post("/admin/matching/tilbud", url.Values{"frist": {"7"}, "tilbud": {itoa(s.ids["signup"]) + ":" + itoa(s.ids["group"])}})
	htmlExpect(t, "offer", res, body, http.StatusSeeOther)
	s.tokens["offer"] = s.app.lastLink(t, htmlParticipant)
	// A person who asked to be phoned: their offer waits on the call list.
	res, body = s.app.signUp(t, "/grupper/"+s.slugs["group"]+"/meld-pa", goodSignup("ring@example.org"))
	htmlExpect(t, "sign-up to be phoned", res, body, http.StatusSeeOther)
	if _, err := s.app.db.Exec(context.Background(), `UPDATE participants SET phone = '+4791234567', contact = 'phone' WHERE email = 'ring@example.org'`); err != nil {
		t.Fatal(err)
	}
	phoned := s.id(t, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = 'ring@example.org'`)
	res, body = s.clients["staff"].post("/admin/matching/tilbud", url.Values{"frist": {"7"}, "tilbud": {itoa(phoned) + ":" + itoa(s.ids["group"])}})
	htmlExpect(t, "call offer", res, body, http.StatusSeeOther)
	s.ids["callOffer"] = s.id(t, `SELECT id FROM offers WHERE signup_id = $1`, phoned)
	// Staff also place them by hand in a digital demo group with a meeting link: their page
	// shows the group, and its leave page has a group to ask about.
	s.ids["memberGroup"] = s.id(t, `SELECT id FROM groups WHERE slug = 'angst-pa-nett'`)
	res, body = s.clients["staff"].post("/admin/grupper/"+itoa(s.ids["memberGroup"])+"/moetelenke",
		url.Values{"meeting_link": {"https://zoom.example.org/j/123"}, "meeting_passcode": {"4321"}})
	htmlExpect(t, "meeting link", res, body, http.StatusSeeOther)
	participant := s.id(t, `SELECT id FROM participants WHERE email = $1`, htmlParticipant)
	res, body = s.clients["staff"].post("/admin/deltakere/"+itoa(participant)+"/plasser", url.Values{"group": {itoa(s.ids["memberGroup"])}})
	htmlExpect(t, "place by hand", res, body, http.StatusSeeOther)
	for _, name := range []string{"pastEvent", "event"} {
		res, body = s.app.signUp(t, "/arrangementer/"+itoa(s.ids[name]), url.Values{"first_name": {"Gjest"}, "email": {htmlGuest}, "adult": {"on"}, "consent": {"on"}})
		htmlExpect(t, "event sign-up", res, body, http.StatusSeeOther)
	}
	s.tokens["event"] = s.app.lastLink(t, htmlGuest)
	if _, err := s.app.db.Exec(context.Background(), `UPDATE events SET starts_at = starts_at - interval '14 days',
		ends_at = ends_at - interval '14 days' WHERE id = $1`, s.ids["pastEvent"]); err != nil {
		t.Fatal(err)
	}
}

// rooms gives the demo partner meetings in the house (a request of theirs, granted) and a
// demo group with meetings a contact person, who asks for a room through their link.
func (s *htmlSite) rooms(t *testing.T) {
	s.ids["room"] = s.id(t, `SELECT id FROM rooms WHERE name = 'Bjørkerommet'`)
	// The demo partner's own request clashes with every meeting it asks for.
	s.ids["clash"] = s.id(t, `SELECT min(id) FROM booking_requests WHERE status = 'pending' AND org_id IS NOT NULL`)
	day := aFutureTuesday().AddDate(0, 0, 14)
	res, body := s.clients["partner"].post("/partner/rom/ny", url.Values{"title": {"Medlemsmøte"}, "room": {itoa(s.ids["room"])},
		"date": {day.Format(time.DateOnly)}, "start": {"10:00"}, "end": {"10:45"}, "frequency": {"weekly"},
		"until": {day.AddDate(0, 0, 28).Format(time.DateOnly)}})
	htmlExpect(t, "partner's room request", res, body, http.StatusSeeOther)
	res, body = s.clients["staff"].post("/admin/foresporsler/"+itoa(s.id(t, `SELECT max(id) FROM booking_requests`))+"/godkjenn", url.Values{})
	htmlExpect(t, "grant the partner's request", res, body, http.StatusSeeOther)

	s.ids["demoGroup"] = s.id(t, `SELECT id FROM groups WHERE slug = 'aa-mote-majorstua'`)
	group := "/admin/grupper/" + itoa(s.ids["demoGroup"])
	res, body = s.clients["staff"].post(group+"/kontakt", url.Values{"name": {"Kari Kontakt"}, "email": {htmlContact}, "phone": {"+4798765432"}})
	htmlExpect(t, "contact", res, body, http.StatusSeeOther)
	res, body = s.clients["staff"].post(group+"/kontakt/lenke", nil)
	htmlExpect(t, "contact link", res, body, http.StatusSeeOther)
	s.tokens["contact"] = s.app.lastLink(t, htmlContact)
	// The digital group's contact person, who may set its meeting link.
	net := "/admin/grupper/" + itoa(s.ids["memberGroup"])
	res, body = s.clients["staff"].post(net+"/kontakt", url.Values{"name": {"Nina Nett"}, "email": {htmlNetContact}})
	htmlExpect(t, "online group's contact", res, body, http.StatusSeeOther)
	res, body = s.clients["staff"].post(net+"/kontakt/lenke", nil)
	htmlExpect(t, "online group's contact link", res, body, http.StatusSeeOther)
	s.tokens["netContact"] = s.app.lastLink(t, htmlNetContact)
	first := tz.Midnight(time.Now()).AddDate(0, 3, 0).Format(time.DateOnly)
	res, body = s.clients["staff"].post("/admin/apningstider/stengt", url.Values{"first": {first}, "last": {first}, "reason": {"Stengt for maling"}, "confirm": {"1"}})
	htmlExpect(t, "closure", res, body, http.StatusSeeOther)
	res, body = s.clients["staff"].post("/admin/apningstider/unntak", url.Values{"weekday": {"7"}, "opens": {"17:00"}, "closes": {"21:00"},
		"group": {itoa(s.ids["demoGroup"])}, "exception_note": {"Søndagsmøte"}})
	htmlExpect(t, "exception", res, body, http.StatusSeeOther)
	res, body = s.app.client(t).post(s.tokens["contact"]+"/ny", url.Values{"title": {"Ekstra møte"}, "room": {itoa(s.ids["room"])},
		"date": {day.Format(time.DateOnly)}, "start": {"11:00"}, "end": {"11:30"}, "frequency": {"once"}, "message": {"Hei"}})
	htmlExpect(t, "room request", res, body, http.StatusSeeOther)
}

// accounts makes the reset and invitation links, and turns two-factor on for a user whose
// next login then waits for the code.
func (s *htmlSite) accounts(t *testing.T) {
	res, body := s.app.client(t).post("/glemt-passord", url.Values{"email": {"mona@fontenehuset.demo.test"}})
	htmlExpect(t, "forgotten password", res, body, http.StatusOK)
	s.app.workForms(t)
	s.tokens["reset"] = s.app.lastLink(t, "mona@fontenehuset.demo.test")
	res, body = s.clients["admin"].post("/admin/invitasjon", url.Values{"name": {"Inga Invitert"}, "email": {htmlInvited}, "role": {"staff"}})
	htmlExpect(t, "invitation", res, body, http.StatusSeeOther)
	s.tokens["invite"] = s.app.lastLink(t, htmlInvited)
}

// twoFactorSteps turn two-factor on for a user (the page with the recovery codes) and log
// them in again, which stops half-way at the code.
func (s *htmlSite) twoFactorSteps() []htmlPage {
	enable := func(t *testing.T, p *htmlPage) {
		_, body := s.clients[p.who].get("/konto/tofaktor")
		m := secretIn.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no two-factor secret on /konto/tofaktor")
		}
		p.form = url.Values{"code": {code(t, m[1], time.Now())}}
	}
	login := func(t *testing.T, p *htmlPage) {
		c := s.app.client(t)
		res, body := c.post("/logg-inn", url.Values{"email": {htmlTwoFactor}, "password": {testPassword}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/logg-inn/kode" {
			t.Fatalf("login with two-factor = %d to %q\n%.2000s", res.StatusCode, res.Header.Get("Location"), body)
		}
		s.clients["half-way"] = c
	}
	return []htmlPage{
		{who: "two-factor user", method: http.MethodPost, path: "/konto/tofaktor", status: http.StatusOK, prepare: enable},
		{route: "GET /logg-inn/kode", who: "half-way", method: http.MethodGet, path: "/logg-inn/kode", status: http.StatusOK, prepare: login},
		{who: "half-way", method: http.MethodPost, path: "/logg-inn/kode", form: url.Values{"code": {"000000"}}, status: http.StatusUnprocessableEntity},
	}
}

// demoRows picks rows of the demo data with much to show.
func (s *htmlSite) demoRows(t *testing.T) {
	for name, sql := range map[string]string{
		"me":             `SELECT participant_id FROM signups WHERE id = ` + itoa(s.ids["signup"]),
		"startup":        `SELECT min(group_id) FROM startup_meetings`,
		"booking":        `SELECT min(id) FROM bookings WHERE frequency = 'weekly'`,
		"key":            `SELECT min(key_id) FROM key_loans WHERE returned_at IS NULL`,
		"participant":    `SELECT min(participant_id) FROM signups`,
		"user":           `SELECT id FROM users WHERE email = 'per@angstringen.demo.test'`,
		"invited":        `SELECT id FROM users WHERE email = '` + htmlInvited + `'`,
		"membership":     `SELECT min(id) FROM memberships WHERE left_at IS NULL`,
		"offer":          `SELECT id FROM offers WHERE signup_id = ` + itoa(s.ids["signup"]),
		"contactRequest": `SELECT max(id) FROM booking_requests WHERE group_id = ` + itoa(s.ids["demoGroup"]),
		"closure":        `SELECT max(id) FROM closures`,
		"exception":      `SELECT max(id) FROM opening_exceptions`,
		"outreach":       `SELECT min(id) FROM outreach`,
		"org":            `SELECT org_id FROM users WHERE email = 'per@angstringen.demo.test'`,
		"licence":        `SELECT min(licence_id) FROM licence_loans`,
		"loanRequest":    `SELECT min(id) FROM licence_requests WHERE status = 'pending'`,
		"loan":           `SELECT min(id) FROM licence_loans WHERE returned_at IS NULL AND cancelled_at IS NULL`,
		"roomRequest":    `SELECT min(id) FROM booking_requests WHERE status = 'pending'`,
		"volunteer":      `SELECT min(id) FROM volunteers`,
		"mail":           `SELECT max(id) FROM outbox`,
	} {
		s.ids[name] = s.id(t, sql)
	}
}

// htmlPages is the list of pages the checker reads, in the order they are asked for.
type htmlPages []htmlPage

// get adds a GET page that must answer 200, in both languages.
func (l *htmlPages) get(route, who, path string) {
	for _, w := range []string{who, who + " (en)"} {
		*l = append(*l, htmlPage{route: "GET " + route, who: w, method: http.MethodGet, path: path, status: http.StatusOK})
	}
}

// ask adds any other answer: an error page, a form sent back, a page answering a post.
func (l *htmlPages) ask(who, method, path string, form url.Values, status int) {
	*l = append(*l, htmlPage{who: who, method: method, path: path, form: form, status: status})
}

// pages are the pages the checker reads: GET pages first, then the error states and the
// pages answering a post (they change what other pages show), every form sent empty, and
// last the two-factor steps.
func (s *htmlSite) pages(t *testing.T, router chi.Routes) []htmlPage {
	var l htmlPages
	s.publicPages(&l)
	s.staffPages(&l)
	s.errorPages(&l)
	l = append(l, s.postSweep(t, router)...)
	return append(l, s.twoFactorSteps()...)
}

// publicPages are the pages anyone, a participant with a private link, a partner or any
// logged-in user sees.
func (s *htmlSite) publicPages(l *htmlPages) {
	id := func(name string) string { return itoa(s.ids[name]) }
	group, theme := s.slugs["group"], s.slugs["theme"]
	// Public pages, the front page also as each kind of logged-in visitor (the header and
	// menu differ).
	for _, who := range []string{"anonymous", "partner", "staff", "admin"} {
		l.get("/", who, "/")
	}
	l.get("/grupper", "anonymous", "/grupper")
	l.get("/grupper/{slug}", "anonymous", "/grupper/"+group)
	l.get("/logg-inn", "anonymous", "/logg-inn")
	l.get("/personvern", "anonymous", "/personvern")
	l.get("/tilgjengelighet", "anonymous", "/tilgjengelighet")
	l.get("/kontakt", "anonymous", "/kontakt")
	l.get("/logg-inn", "anonymous", "/logg-inn?neste=%2Fadmin")
	l.get("/glemt-passord", "anonymous", "/glemt-passord")
	l.get("/nytt-passord/{token}", "anonymous", s.tokens["reset"])
	l.get("/invitasjon/{token}", "anonymous", s.tokens["invite"])
	l.get("/grupper", "anonymous", "/grupper?tema="+theme+"&format=digital&dag=3")
	l.get("/grupper", "anonymous", "/grupper?q=angst")
	l.get("/grupper", "anonymous", "/grupper?q=finnes-ikke-noe-sted")
	l.get("/grupper/{slug}", "anonymous", "/grupper/aa-mote-majorstua")
	l.get("/tema", "anonymous", "/tema")
	l.get("/tema/{slug}", "anonymous", "/tema/"+theme)
	l.get("/arrangementer", "anonymous", "/arrangementer")
	l.get("/arrangementer/{id}", "anonymous", "/arrangementer/"+id("event"))
	l.get("/arrangementer/{id}/takk", "anonymous", "/arrangementer/"+id("event")+"/takk")
	l.get("/grupper/{slug}/meld-pa", "anonymous", "/grupper/"+group+"/meld-pa")
	l.get("/tema/{slug}/interesse", "anonymous", "/tema/"+theme+"/interesse")
	l.get("/takk", "anonymous", "/takk")
	l.get("/sjekk-epost", "anonymous", "/sjekk-epost")
	l.get("/bekreft/{token}", "anonymous", s.tokens["confirm"])
	l.get("/mine", "anonymous", "/mine")
	l.get("/mine/{token}", "anonymous", s.tokens["mine"])
	l.get("/mine/{token}/slett", "anonymous", s.tokens["mine"]+"/slett")
	l.get("/mine/{token}/pamelding/{id}/trekk", "anonymous", s.tokens["mine"]+"/pamelding/"+itoa(s.ids["signup"])+"/trekk")
	l.get("/tilbud/{token}", "anonymous", s.tokens["offer"])
	l.get("/arrangement/{token}", "anonymous", s.tokens["event"])
	l.get("/gruppe/{token}", "anonymous", s.tokens["contact"])
	l.get("/gruppe/{token}/ny", "anonymous", s.tokens["contact"]+"/ny")
	l.get("/gruppe/{token}/ny", "anonymous", s.tokens["contact"]+"/ny?uke="+aFutureTuesday().Format(time.DateOnly))
	l.get("/gruppe/{token}/foresporsler", "anonymous", s.tokens["contact"]+"/foresporsler")
	l.get("/gruppe/{token}/moetelenke", "anonymous", s.tokens["netContact"]+"/moetelenke")
	l.get("/mine/{token}/gruppe/{id}/forlat", "anonymous", s.tokens["mine"]+"/gruppe/"+id("memberGroup")+"/forlat")
	l.get("/dev/mailbox", "anonymous", "/dev/mailbox")
	l.get("/dev/mailbox/{id}", "anonymous", "/dev/mailbox/"+id("mail"))
	l.get("/dev/mailbox/{id}/html", "anonymous", "/dev/mailbox/"+id("mail")+"/html")
	l.get("/dev/sms", "anonymous", "/dev/sms")

	// Every logged-in user: their account.
	for _, who := range []string{"partner", "staff"} {
		l.get("/konto", who, "/konto")
	}
	l.get("/konto/tofaktor", "two-factor user", "/konto/tofaktor")
	l.get("/konto", "admin", "/konto")

	// Partners.
	l.get("/partner/", "partner", "/partner")
	l.get("/partner/rom", "partner", "/partner/rom")
	l.get("/partner/rom/ny", "partner", "/partner/rom/ny")
	l.get("/partner/rom/ny", "partner", "/partner/rom/ny?uke="+aFutureTuesday().Format(time.DateOnly))
	l.get("/partner/rom/foresporsler", "partner", "/partner/rom/foresporsler")
	l.get("/partner/lisenser", "partner", "/partner/lisenser")
	l.get("/partner/lisenser/ny", "partner", "/partner/lisenser/ny")
	l.get("/partner/lisenser/lan/{id}", "partner", "/partner/lisenser/lan/"+id("loan"))
}

// staffPages are the pages of staff and admins.
func (s *htmlSite) staffPages(l *htmlPages) {
	id := func(name string) string { return itoa(s.ids[name]) }
	today := tz.Midnight(time.Now())
	for _, p := range [][2]string{
		{"/admin/", "/admin"},
		{"/admin/invitasjon", "/admin/invitasjon"},
		{"/admin/tema", "/admin/tema"},
		{"/admin/tema/ny", "/admin/tema/ny"},
		{"/admin/tema/{id}", "/admin/tema/" + id("theme")},
		{"/admin/grupper", "/admin/grupper"},
		{"/admin/grupper", "/admin/grupper?status=startup&q=a"},
		{"/admin/grupper/ny", "/admin/grupper/ny"},
		{"/admin/grupper/{id}", "/admin/grupper/" + id("group")},
		{"/admin/grupper/{id}", "/admin/grupper/" + id("startup")},
		{"/admin/grupper/{id}", "/admin/grupper/" + id("demoGroup")},
		{"/admin/grupper/{id}/medlemmer", "/admin/grupper/" + id("group") + "/medlemmer"},
		{"/admin/grupper/{id}/medlemmer", "/admin/grupper/" + id("demoGroup") + "/medlemmer"},
		{"/admin/grupper/{id}/melding", "/admin/grupper/" + id("demoGroup") + "/melding"},
		{"/admin/arrangementer/{id}/melding", "/admin/arrangementer/" + id("event") + "/melding"},
		{"/admin/grupper/{id}", "/admin/grupper/" + id("memberGroup")},
		{"/admin/grupper/{id}/rom", "/admin/grupper/" + id("group") + "/rom"},
		{"/admin/grupper/{id}/rom", "/admin/grupper/" + id("demoGroup") + "/rom"},
		{"/admin/grupper/{id}/oppfolging", "/admin/grupper/" + id("startup") + "/oppfolging"},
		{"/admin/grupper/{id}/oppfolging", "/admin/grupper/" + id("demoGroup") + "/oppfolging"},
		{"/admin/lisenser", "/admin/lisenser"},
		{"/admin/lisenser/ny", "/admin/lisenser/ny"},
		{"/admin/lisenser/bruk", "/admin/lisenser/bruk"},
		{"/admin/lisenser/foresporsler", "/admin/lisenser/foresporsler"},
		{"/admin/lisenser/foresporsler/ny", "/admin/lisenser/foresporsler/ny"},
		{"/admin/lisenser/foresporsler/{id}", "/admin/lisenser/foresporsler/" + id("loanRequest")},
		{"/admin/lisenser/lan", "/admin/lisenser/lan"},
		{"/admin/lisenser/{id}", "/admin/lisenser/" + id("licence")},
		{"/admin/organisasjoner", "/admin/organisasjoner"},
		{"/admin/organisasjoner/ny", "/admin/organisasjoner/ny"},
		{"/admin/organisasjoner/{id}", "/admin/organisasjoner/" + id("org")},
		{"/admin/rom", "/admin/rom"},
		{"/admin/dagsark", "/admin/dagsark"},
		{"/admin/dagsark", "/admin/dagsark?dato=" + aFutureTuesday().Format(time.DateOnly)},
		{"/admin/rom/{id}", "/admin/rom/" + id("room")},
		{"/admin/rom/uke", "/admin/rom/uke"},
		{"/admin/rom/uke", "/admin/rom/uke?uke=" + aFutureTuesday().Format(time.DateOnly)},
		{"/admin/bookinger/ny", "/admin/bookinger/ny"},
		{"/admin/bookinger/ny", "/admin/bookinger/ny?rom=" + id("room") + "&dato=" + today.AddDate(0, 0, 9).Format(time.DateOnly)},
		{"/admin/bookinger/{id}", "/admin/bookinger/" + id("booking")},
		{"/admin/nokler", "/admin/nokler"},
		{"/admin/nokler/ny", "/admin/nokler/ny"},
		{"/admin/nokler/revisjon", "/admin/nokler/revisjon"},
		{"/admin/nokler/{id}", "/admin/nokler/" + id("key")},
		{"/admin/apningstider", "/admin/apningstider"},
		{"/admin/foresporsler", "/admin/foresporsler"},
		{"/admin/foresporsler/{id}", "/admin/foresporsler/" + id("roomRequest")},
		{"/admin/igangsettere", "/admin/igangsettere"},
		{"/admin/igangsettere/ny", "/admin/igangsettere/ny"},
		{"/admin/igangsettere/{id}", "/admin/igangsettere/" + id("volunteer")},
		{"/admin/oppfolging", "/admin/oppfolging"},
		{"/admin/oppfolging/uten-igangsetter", "/admin/oppfolging/uten-igangsetter"},
		{"/admin/rapport/{year}", "/admin/rapport/" + s.year},
		{"/admin/utadrettet", "/admin/utadrettet"},
		{"/admin/utadrettet", "/admin/utadrettet?ar=" + s.year},
		{"/admin/arrangementer", "/admin/arrangementer"},
		{"/admin/arrangementer/ny", "/admin/arrangementer/ny"},
		{"/admin/arrangementer/serier", "/admin/arrangementer/serier"},
		{"/admin/arrangementer/serier/ny", "/admin/arrangementer/serier/ny"},
		{"/admin/arrangementer/{id}", "/admin/arrangementer/" + id("event")},
		{"/admin/arrangementer/{id}", "/admin/arrangementer/" + id("pastEvent")},
		{"/admin/matching", "/admin/matching"},
		{"/admin/tilbud", "/admin/tilbud"},
		{"/admin/tilbud", "/admin/tilbud?tilstand=open"},
		{"/admin/ringeliste", "/admin/ringeliste"},
		{"/admin/venteliste", "/admin/venteliste"},
		{"/admin/venteliste", "/admin/venteliste?tema=" + id("theme")},
		{"/admin/venteliste/import", "/admin/venteliste/import"},
		{"/admin/venteliste/import/{id}", "/admin/venteliste/import/" + id("importBatch")},
		{"/admin/venteliste/import/{id}", "/admin/venteliste/import/" + id("importBatch") + "?vis=feil"},
		{"/admin/venteliste/importerte", "/admin/venteliste/importerte"},
		{"/admin/deltakere/{id}", "/admin/deltakere/" + id("participant")},
		{"/admin/deltakere/{id}", "/admin/deltakere/" + id("me")},
		{"/admin/sok", "/admin/sok"},
		{"/admin/sok", "/admin/sok?q=a"},
		{"/admin/deltakere/ny", "/admin/deltakere/ny"},
		{"/admin/deltakere/{id}/meld-pa", "/admin/deltakere/" + id("participant") + "/meld-pa"},
	} {
		l.get(p[0], "staff", p[1])
	}
	// Admins.
	l.get("/admin/", "admin", "/admin")
	l.get("/admin/brukere", "admin", "/admin/brukere")
	l.get("/admin/brukere", "admin", "/admin/brukere?q=angstringen&rolle=partner")
	l.get("/admin/brukere/{id}", "admin", "/admin/brukere/"+id("user"))
	l.get("/admin/innstillinger", "admin", "/admin/innstillinger")
	l.get("/admin/logg", "admin", "/admin/logg")
	l.get("/admin/innstillinger/rom", "admin", "/admin/innstillinger/rom")
	l.get("/admin/innstillinger/rom/ny", "admin", "/admin/innstillinger/rom/ny")
	l.get("/admin/innstillinger/rom/{id}", "admin", "/admin/innstillinger/rom/"+id("room"))
	l.get("/admin/innstillinger/rom/{id}/avvikle", "admin", "/admin/innstillinger/rom/"+id("room")+"/avvikle")
}

// errorPages are the error states people meet, forms sent back with their errors, and the
// pages that answer a post.
func (s *htmlSite) errorPages(l *htmlPages) {
	id := func(name string) string { return itoa(s.ids[name]) }
	today := tz.Midnight(time.Now())
	group, theme := s.slugs["group"], s.slugs["theme"]
	l.ask("anonymous", http.MethodGet, "/finnes-ikke", nil, http.StatusNotFound)
	l.ask("anonymous (en)", http.MethodGet, "/finnes-ikke", nil, http.StatusNotFound)
	l.ask("anonymous (en)", http.MethodPost, "/grupper/"+group+"/meld-pa", url.Values{}, http.StatusUnprocessableEntity)
	l.ask("staff (en)", http.MethodPost, "/admin/grupper/ny", url.Values{}, http.StatusUnprocessableEntity)
	l.ask("staff", http.MethodGet, "/admin/grupper/999999", nil, http.StatusNotFound)
	l.ask("anonymous", http.MethodGet, "/mine/ukjent-lenke", nil, http.StatusNotFound)
	l.ask("partner", http.MethodGet, "/admin", nil, http.StatusForbidden)
	l.ask("staff", http.MethodGet, "/admin/brukere", nil, http.StatusForbidden)
	l.ask("anonymous", http.MethodDelete, "/grupper", nil, http.StatusMethodNotAllowed)
	l.ask("anonymous", "error 500", "/grupper", nil, http.StatusInternalServerError)
	l.ask("admin", http.MethodGet, "/admin/logg?fra=igår", nil, http.StatusUnprocessableEntity)

	// Forms sent back with their errors (every form is also sent empty by postSweep below).
	l.ask("anonymous", http.MethodPost, "/logg-inn", url.Values{"email": {"per@angstringen.demo.test"}, "password": {"feil-passord"}}, http.StatusUnprocessableEntity)
	l.ask("anonymous", http.MethodPost, s.tokens["reset"], url.Values{"password": {"kort"}, "confirm": {"annet"}}, http.StatusUnprocessableEntity)
	l.ask("anonymous", http.MethodPost, "/grupper/"+group+"/meld-pa", url.Values{}, http.StatusUnprocessableEntity)
	l.ask("anonymous", http.MethodPost, "/tema/"+theme+"/interesse", url.Values{"email": {"ikke en adresse"}}, http.StatusUnprocessableEntity)
	l.ask("two-factor user", http.MethodPost, "/konto/tofaktor", url.Values{"code": {"000000"}}, http.StatusUnprocessableEntity)
	l.ask("staff", http.MethodPost, "/admin/grupper/ny", url.Values{}, http.StatusUnprocessableEntity)
	l.ask("staff", http.MethodPost, "/admin/tilbud/"+id("offer")+"/frist", url.Values{"frist": {"2001-01-01"}}, http.StatusUnprocessableEntity)
	l.ask("staff", http.MethodPost, "/admin/tilbud/"+id("offer")+"/svar", url.Values{"notat": {"Ringte"}}, http.StatusUnprocessableEntity)
	l.ask("staff", http.MethodPost, "/admin/ringeliste/"+id("callOffer"), url.Values{"svar": {"ikke-svar"}, "notat": {strings.Repeat("x", 501)}}, http.StatusUnprocessableEntity)
	l.ask("admin", http.MethodPost, "/admin/invitasjon", url.Values{"email": {"ikke en adresse"}}, http.StatusUnprocessableEntity)
	l.ask("staff", http.MethodPost, "/admin/venteliste/import/"+id("importBatch")+"/kolonner",
		url.Values{"kolonner": {"5"}, "kol-0": {"name"}, "kol-1": {"name"}}, http.StatusUnprocessableEntity)

	// A request that clashes with bookings, granted: the page lists the clashes (409).
	l.ask("staff", http.MethodPost, "/admin/foresporsler/"+id("clash")+"/godkjenn", url.Values{}, http.StatusConflict)

	// A page with a flash message: a closure added, listed with its delete button.
	closure := url.Values{"first": {today.AddDate(0, 2, 0).Format(time.DateOnly)}, "last": {today.AddDate(0, 2, 1).Format(time.DateOnly)}, "reason": {"Maling"}, "confirm": {"1"}}
	*l = append(*l, htmlPage{who: "staff", method: http.MethodGet, path: "/admin/apningstider", status: http.StatusOK,
		prepare: func(t *testing.T, p *htmlPage) {
			res, body := s.clients["staff"].post("/admin/apningstider/stengt", closure)
			htmlExpect(t, "closure", res, body, http.StatusSeeOther)
		}})

	// A closure laid over a day a group's booking still meets on (as a closure made before the
	// booking leaves it): the confirmation before its meetings are cancelled, also with a note
	// that is too long.
	overMeeting := func(t *testing.T, p *htmlPage) {
		var id int64
		err := s.app.db.QueryRow(context.Background(), `INSERT INTO closures (first_day, last_day, reason)
			SELECT d, d, 'Vannskade' FROM (SELECT (lower(o.during) AT TIME ZONE 'Europe/Oslo')::date AS d
				FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id
				WHERE b.group_id IS NOT NULL AND o.cancelled_at IS NULL AND lower(o.during) > now() + interval '1 day'
				ORDER BY lower(o.during) DESC LIMIT 1) m RETURNING id`).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		p.path = "/admin/apningstider/stengt/" + itoa(id) + "/avlys"
	}
	*l = append(*l, htmlPage{route: "GET /admin/apningstider/stengt/{id}/avlys", who: "staff", method: http.MethodGet, status: http.StatusOK, prepare: overMeeting},
		htmlPage{who: "staff", method: http.MethodPost, status: http.StatusUnprocessableEntity,
			form: url.Values{"note": {strings.Repeat("lang beskjed ", 100)}}, prepare: overMeeting})

	// A series made, and its page: the events it made, in a table.
	*l = append(*l, htmlPage{route: "GET /admin/arrangementer/serier/{id}", who: "staff", method: http.MethodGet, status: http.StatusOK,
		prepare: func(t *testing.T, p *htmlPage) {
			res, body := s.clients["staff"].post("/admin/arrangementer/serier/ny", seriesValues(eventForm("12")))
			htmlExpect(t, "series", res, body, http.StatusSeeOther)
			p.path = res.Header.Get("Location")
		}})
	// A series sent with mistakes.
	l.ask("staff", http.MethodPost, "/admin/arrangementer/serier/ny", url.Values{"rule": {"monthly"}, "until": {""}}, http.StatusUnprocessableEntity)

	// The previews before a closure, a cancellation and a message are sent.
	l.ask("staff", http.MethodPost, "/admin/apningstider/stengt", url.Values{"first": {today.AddDate(0, 1, 0).Format(time.DateOnly)},
		"last": {today.AddDate(0, 1, 6).Format(time.DateOnly)}, "reason": {"Maling"}}, http.StatusOK)
	l.ask("staff", http.MethodPost, "/admin/bookinger/"+id("booking")+"/avlys", url.Values{"from": {today.Format(time.DateOnly)},
		"to": {today.AddDate(1, 0, 0).Format(time.DateOnly)}}, http.StatusOK)
	l.ask("staff", http.MethodPost, "/admin/grupper/"+id("demoGroup")+"/melding", url.Values{"text": {"Husk møtet."}}, http.StatusOK)
	l.ask("staff", http.MethodPost, "/admin/grupper/"+id("demoGroup")+"/melding", url.Values{}, http.StatusUnprocessableEntity)
	l.ask("staff", http.MethodPost, "/admin/arrangementer/"+id("event")+"/melding", url.Values{"who": {"all"}, "text": {"Husk møtet."}}, http.StatusOK)

	// Pages that answer a post.
	l.ask("anonymous", http.MethodPost, "/glemt-passord", url.Values{"email": {"noen@example.no"}}, http.StatusOK)
	l.ask("anonymous", http.MethodPost, "/mine", url.Values{"email": {htmlParticipant}}, http.StatusOK)
	l.ask("staff", http.MethodPost, "/admin/rom/"+id("room")+"/kalender", url.Values{}, http.StatusOK)
	l.ask("staff", http.MethodPost, "/admin/lisenser/"+id("licence")+"/vis", url.Values{}, http.StatusOK)
	l.ask("partner", http.MethodPost, "/partner/lisenser/lan/"+id("loan")+"/vis", url.Values{}, http.StatusOK)
}
