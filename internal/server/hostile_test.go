package server

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// sweepWorld is a test app filled with the demo data and with one of everything the app makes
// through its own flows: a group, a sign-up and its private link, an offer, an event sign-up,
// a contact person's link, a calendar feed, reset and invitation links, partner A's room and
// licence requests and loan. The sweeps put its real ids and tokens in the paths.
type sweepWorld struct {
	app *testApp
	p   people
	// Logged-in visitors. konto is a partner whose own account pages are swept; pending has
	// given the password of a two-factor account and waits for the code.
	staff, admin, partnerA, partnerB, konto, pending *client
	ids                                              map[string]int64
	tokens                                           map[string]string
	themeSlug, groupSlug, year, table, asset         string
	// Personal data and secrets the world was made with, for the log and storage checks.
	secrets []string
	// The two-factor account's secret and recovery codes.
	totpSecret string
	recovery   []string
}

// The addresses of the people the world makes.
const (
	worldParticipant = "deltaker.hostil@example.no"
	worldEventGuest  = "gjest.hostil@example.no"
	worldPending     = "venter.hostil@example.no"
	worldContact     = "kontakt.hostil@example.no"
	worldReset       = "glemt.hostil@example.no"
	worldInvited     = "invitert.hostil@example.no"
	worldTwoFactor   = "tofaktor.hostil@example.no"
	worldKonto       = "konto.hostil@example.no"
)

var (
	feedLinkIn   = regexp.MustCompile(`http://selvhjelp\.test/kalender/([A-Za-z0-9_-]+)\.ics`)
	reportLinkIn = regexp.MustCompile(`/admin/rapport/\d{4}/([a-z0-9-]+)\.csv`)
)

// rotatingIP sends each request from a client address of its own (the world's app trusts one
// proxy), so that the per-IP limits do not stop a test that is not about them.
type rotatingIP struct{}

var lastIP atomic.Uint32

func (rotatingIP) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("X-Forwarded-For") == "" {
		n := lastIP.Add(1)
		r = r.Clone(r.Context())
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
	}
	return http.DefaultTransport.RoundTrip(r)
}

// browser is a new visitor of the world.
func (w *sweepWorld) browser(t *testing.T) *client {
	c := w.app.client(t)
	c.http.Transport = rotatingIP{}
	return c
}

// login is a browser logged in as email.
func (w *sweepWorld) login(t *testing.T, email string) *client { return w.browser(t).login(email) }

func newWorld(t *testing.T) *sweepWorld {
	t.Helper()
	app := newTestApp(t, map[string]string{"TRUSTED_PROXIES": "1"})
	ctx := context.Background()
	w := &sweepWorld{app: app, p: app.people(t), ids: map[string]int64{}, tokens: map[string]string{}}
	if _, err := demo.Seed(ctx, app.db); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedLicences(ctx, app.db, app.srv.licenceRing, app.srv.outbox, time.Now()); err != nil {
		t.Fatal(err)
	}
	users := auth.NewStore(app.db)
	for _, email := range []string{worldReset, worldTwoFactor, worldKonto} {
		if _, err := users.Create(ctx, auth.NewUser{Email: email, Name: "Hostil Bruker", Role: auth.Partner, OrgID: w.p.orgB.ID, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
	}
	w.staff = w.login(t, w.p.staff.Email)
	w.admin = w.login(t, w.p.admin.Email)
	w.partnerA = w.login(t, w.p.partnerA.Email)
	w.partnerB = w.login(t, w.p.partnerB.Email)
	w.konto = w.login(t, worldKonto)
	w.secrets = []string{worldParticipant, "+4791234567", "Hemmelig-notat-om-meg", "Kari Hostil", testPassword}

	w.catalogue(t)
	w.signups(t)
	w.rooms(t)
	w.licences(t)
	w.accounts(t)
	w.demoIDs(t)
	w.asset = app.srv.assets.URL("css/app.css")
	w.year = strconv.Itoa(time.Now().Year() - 1)
	if _, body := w.staff.get("/admin/rapport/" + w.year); reportLinkIn.MatchString(body) {
		w.table = reportLinkIn.FindStringSubmatch(body)[1]
	} else {
		t.Fatal("the report page links to no table")
	}
	return w
}

// mustStatus fails the test unless res has status want.
func mustStatus(t *testing.T, what string, res *http.Response, body string, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s = %d, want %d (to %q)\n%.2000s", what, res.StatusCode, want, res.Header.Get("Location"), body)
	}
}

func (w *sweepWorld) id(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := w.app.db.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return id
}

// catalogue makes a published group of a demo theme, and an event.
func (w *sweepWorld) catalogue(t *testing.T) {
	var themeID int64
	if err := w.app.db.QueryRow(context.Background(), `SELECT id, slug FROM themes WHERE published ORDER BY id LIMIT 1`).Scan(&themeID, &w.themeSlug); err != nil {
		t.Fatal(err)
	}
	w.ids["theme"] = themeID
	form := goodGroup(itoa(themeID))
	form.Set("name", "Hostil testgruppe")
	form.Set("capacity", "30")
	form.Set("format", "hybrid") // in the house and online: its contact person may set the meeting link
	res, body := w.staff.post("/admin/grupper/ny", form)
	mustStatus(t, "create group", res, body, http.StatusSeeOther)
	w.ids["group"] = w.id(t, `SELECT id FROM groups WHERE name = 'Hostil testgruppe'`)
	form.Set("name", "Hostil nettgruppe")
	form.Set("slug", "hostil-nettgruppe")
	form.Set("format", "digital")
	res, body = w.staff.post("/admin/grupper/ny", form)
	mustStatus(t, "create digital group", res, body, http.StatusSeeOther)
	w.ids["memberGroup"] = w.id(t, `SELECT id FROM groups WHERE name = 'Hostil nettgruppe'`)
	res, body = w.staff.post("/admin/grupper/"+itoa(w.ids["memberGroup"])+"/moetelenke", url.Values{"meeting_link": {"https://zoom.example.org/j/1"}})
	mustStatus(t, "meeting link", res, body, http.StatusSeeOther)
	res, body = w.staff.post("/admin/grupper/"+itoa(w.ids["group"])+"/publisering", url.Values{"published": {"true"}})
	mustStatus(t, "publish group", res, body, http.StatusSeeOther)
	w.groupSlug = "hostil-testgruppe"

	res, body = w.staff.post("/admin/arrangementer/ny", eventForm("50"))
	mustStatus(t, "create event", res, body, http.StatusSeeOther)
	w.ids["event"] = w.id(t, `SELECT id FROM events WHERE title = 'Digitalt kaffetreff' ORDER BY id DESC LIMIT 1`)
	series := seriesValues(eventForm("20"))
	series.Set("title", "Intromøte")
	res, body = w.staff.post("/admin/arrangementer/serier/ny", series)
	mustStatus(t, "create series", res, body, http.StatusSeeOther)
	w.ids["series"] = w.id(t, `SELECT max(id) FROM event_series`)
}

// signups signs a participant up (the private link), offers them a place (the offer link),
// signs a guest up for the event (the event link).
func (w *sweepWorld) signups(t *testing.T) {
	anon := w.browser(t)
	form := goodSignup(worldParticipant)
	form.Set("first_name", "Kari Hostil")
	form.Set("phone", "+4791234567")
	form.Set("note", "Hemmelig-notat-om-meg")
	res, body := anon.post("/grupper/"+w.groupSlug+"/meld-pa", form)
	mustStatus(t, "sign up", res, body, http.StatusSeeOther)
	res, body = w.app.confirmMail(t, worldParticipant)
	mustStatus(t, "confirm the sign-up", res, body, http.StatusSeeOther)
	w.tokens["mine"] = strings.TrimPrefix(w.app.lastLink(t, worldParticipant), "/mine/")
	w.ids["signup"] = w.id(t, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = $1`, worldParticipant)
	res, body = w.staff.post("/admin/matching/tilbud", url.Values{"frist": {"7"}, "tilbud": {itoa(w.ids["signup"]) + ":" + itoa(w.ids["group"])}})
	mustStatus(t, "send offer", res, body, http.StatusSeeOther)
	w.tokens["offer"] = strings.TrimPrefix(w.app.lastLink(t, worldParticipant), "/tilbud/")
	w.ids["offer"] = w.id(t, `SELECT id FROM offers WHERE signup_id = $1`, w.ids["signup"])
	participant := w.id(t, `SELECT id FROM participants WHERE email = $1`, worldParticipant)
	res, body = w.staff.post("/admin/deltakere/"+itoa(participant)+"/plasser", url.Values{"group": {itoa(w.ids["memberGroup"])}})
	mustStatus(t, "place by hand", res, body, http.StatusSeeOther)

	res, body = anon.post("/arrangementer/"+itoa(w.ids["event"]), url.Values{"first_name": {"Gjest"}, "email": {worldEventGuest}, "adult": {"on"}, "consent": {"on"}})
	mustStatus(t, "event sign-up", res, body, http.StatusSeeOther)
	res, body = w.app.confirmMail(t, worldEventGuest)
	mustStatus(t, "confirm the event sign-up", res, body, http.StatusSeeOther)
	w.tokens["event"] = strings.TrimPrefix(w.app.lastLink(t, worldEventGuest), "/arrangement/")
	// A sign-up nobody has confirmed yet: its link is the confirmation page's.
	res, body = anon.post("/grupper/"+w.groupSlug+"/meld-pa", goodSignup(worldPending))
	mustStatus(t, "unconfirmed sign-up", res, body, http.StatusSeeOther)
	w.tokens["confirm"] = strings.TrimPrefix(w.app.lastLink(t, worldPending), "/bekreft/")
}

// rooms gives the group a contact person with a link and a room request, partner A a room
// request, and makes a calendar feed and a closure.
func (w *sweepWorld) rooms(t *testing.T) {
	group := "/admin/grupper/" + itoa(w.ids["group"])
	res, body := w.staff.post(group+"/kontakt", url.Values{"name": {"Kontakt Hostil"}, "email": {worldContact}, "phone": {"+4798765432"}})
	mustStatus(t, "contact", res, body, http.StatusSeeOther)
	res, body = w.staff.post(group+"/kontakt/lenke", nil)
	mustStatus(t, "contact link", res, body, http.StatusSeeOther)
	w.tokens["contact"] = strings.TrimPrefix(w.app.lastLink(t, worldContact), "/gruppe/")
	w.ids["room"] = w.id(t, `SELECT id FROM rooms WHERE bookable ORDER BY id LIMIT 1`)
	day := aFutureTuesday().AddDate(0, 0, 14).Format(time.DateOnly)
	request := url.Values{"title": {"Hostilt møte"}, "room": {itoa(w.ids["room"])}, "date": {day}, "start": {"07:00"}, "end": {"07:30"},
		"frequency": {"once"}, "message": {"Hei"}}
	res, body = w.browser(t).post("/gruppe/"+w.tokens["contact"]+"/ny", request)
	mustStatus(t, "contact's room request", res, body, http.StatusSeeOther)
	w.ids["contactRequest"] = w.id(t, `SELECT max(id) FROM booking_requests WHERE group_id = $1`, w.ids["group"])
	res, body = w.partnerA.post("/partner/rom/ny", request)
	mustStatus(t, "partner's room request", res, body, http.StatusSeeOther)
	w.ids["partnerRoomRequest"] = w.id(t, `SELECT max(id) FROM booking_requests WHERE org_id = $1`, w.p.orgA.ID)

	res, body = w.staff.post("/admin/rom/"+itoa(w.ids["room"])+"/kalender", nil)
	mustStatus(t, "rotate feed", res, body, http.StatusOK)
	m := feedLinkIn.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no feed link on the page")
	}
	w.tokens["feed"] = m[1]

	first := tz.Midnight(time.Now()).AddDate(0, 2, 0).Format(time.DateOnly)
	res, body = w.staff.post("/admin/apningstider/stengt", url.Values{"first": {first}, "last": {first}, "reason": {"Stengt for maling"}, "confirm": {"1"}})
	mustStatus(t, "closure", res, body, http.StatusSeeOther)
	w.ids["closure"] = w.id(t, `SELECT max(id) FROM closures`)
	res, body = w.staff.post("/admin/apningstider/unntak", url.Values{"weekday": {"7"}, "opens": {"17:00"}, "closes": {"21:00"},
		"group": {itoa(w.ids["group"])}, "exception_note": {"Søndagsmøte"}})
	mustStatus(t, "exception", res, body, http.StatusSeeOther)
	w.ids["exception"] = w.id(t, `SELECT max(id) FROM opening_exceptions`)
	res, body = w.staff.post("/admin/utadrettet", url.Values{"held_on": {tz.Midnight(time.Now()).Format(time.DateOnly)}, "kind": {"stand"},
		"audience": {"Studenter"}, "reach": {"40"}})
	mustStatus(t, "outreach", res, body, http.StatusSeeOther)
	w.ids["outreach"] = w.id(t, `SELECT max(id) FROM outreach`)
}

// licences gives partner A a pending licence request and a loan running now.
func (w *sweepWorld) licences(t *testing.T) {
	today := tz.Midnight(time.Now())
	form := loanRequestForm(today, today.AddDate(0, 1, 0), "8")
	res, body := w.partnerA.post("/partner/lisenser/ny", form)
	mustStatus(t, "loan request", res, body, http.StatusSeeOther)
	lend := w.id(t, `SELECT max(id) FROM licence_requests WHERE org_id = $1`, w.p.orgA.ID)
	res, body = w.partnerA.post("/partner/lisenser/ny", form)
	mustStatus(t, "second loan request", res, body, http.StatusSeeOther)
	w.ids["partnerLoanRequest"] = w.id(t, `SELECT max(id) FROM licence_requests WHERE org_id = $1`, w.p.orgA.ID)
	rows, err := w.app.db.Query(context.Background(), `SELECT id FROM licences WHERE provider = 'zoom' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	licenceIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	// Lend the first licence free for the whole period.
	for _, id := range licenceIDs {
		if res, _ := w.staff.post("/admin/lisenser/foresporsler/"+itoa(lend)+"/godkjenn", url.Values{"licence": {itoa(id)}}); res.StatusCode == http.StatusSeeOther {
			break
		}
	}
	w.ids["partnerLoan"] = w.id(t, `SELECT id FROM licence_loans WHERE request_id = $1`, lend)
}

// accounts makes the reset and invitation links and a login waiting for its second factor.
func (w *sweepWorld) accounts(t *testing.T) {
	res, body := w.browser(t).post("/glemt-passord", url.Values{"email": {worldReset}})
	mustStatus(t, "forgotten password", res, body, http.StatusOK)
	w.app.workForms(t)
	w.tokens["reset"] = strings.TrimPrefix(w.app.lastLink(t, worldReset), "/nytt-passord/")
	res, body = w.staff.post("/admin/invitasjon", url.Values{"name": {"Invitert Hostil"}, "email": {worldInvited}, "role": {"partner"},
		"org": {itoa(w.p.orgB.ID)}})
	mustStatus(t, "invite", res, body, http.StatusSeeOther)
	w.tokens["invite"] = strings.TrimPrefix(w.app.lastLink(t, worldInvited), "/invitasjon/")

	c := w.login(t, worldTwoFactor)
	_, body = c.get("/konto/tofaktor")
	m := secretIn.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no two-factor secret on the page")
	}
	res, body = c.post("/konto/tofaktor", url.Values{"code": {code(t, m[1], time.Now())}})
	mustStatus(t, "enable two-factor", res, body, http.StatusOK)
	w.totpSecret = m[1]
	for _, r := range recoveryIn.FindAllStringSubmatch(body, -1) {
		w.recovery = append(w.recovery, r[1])
	}
	if len(w.recovery) == 0 {
		t.Fatal("no recovery codes on the page")
	}
	w.pending = w.browser(t)
	res, body = w.pending.post("/logg-inn", url.Values{"email": {worldTwoFactor}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/logg-inn/kode" {
		t.Fatalf("two-factor login = %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	w.secrets = append(append(w.secrets, m[1]), w.recovery...)
}

// demoIDs picks rows of the demo data for the pages that need no particular one.
func (w *sweepWorld) demoIDs(t *testing.T) {
	w.ids["booking"] = w.id(t, `SELECT min(id) FROM bookings`)
	w.ids["key"] = w.id(t, `SELECT min(id) FROM keys`)
	w.ids["membership"] = w.id(t, `SELECT min(id) FROM memberships WHERE left_at IS NULL`)
	w.ids["participant"] = w.id(t, `SELECT participant_id FROM memberships WHERE id = $1`, w.ids["membership"])
	w.ids["user"] = w.p.target.ID
	w.ids["org"] = w.p.orgB.ID
	w.ids["licence"] = w.id(t, `SELECT min(id) FROM licences`)
	w.ids["loanRequest"] = w.id(t, `SELECT min(id) FROM licence_requests WHERE org_id <> $1 AND status = 'pending'`, w.p.orgA.ID)
	w.ids["loan"] = w.id(t, `SELECT min(id) FROM licence_loans WHERE org_id <> $1`, w.p.orgA.ID)
	w.ids["roomRequest"] = w.id(t, `SELECT min(id) FROM booking_requests WHERE status = 'pending' AND id NOT IN ($1, $2)`,
		w.ids["contactRequest"], w.ids["partnerRoomRequest"])
	w.ids["volunteer"] = w.id(t, `SELECT min(id) FROM volunteers`)
	w.ids["mail"] = w.id(t, `SELECT min(id) FROM outbox`)
	w.ids["importBatch"] = importBatch(t, w.staff)
}

// pathIDs names the row of the world each {id} stands for, by the part of the pattern before it.
var pathIDs = map[string]string{
	"/admin/tema/":                    "theme",
	"/admin/grupper/":                 "group",
	"/admin/rom/":                     "room",
	"/admin/bookinger/":               "booking",
	"/admin/nokler/":                  "key",
	"/admin/deltakere/":               "participant",
	"/admin/venteliste/import/":       "importBatch",
	"/admin/tilbud/":                  "offer",
	"/admin/ringeliste/":              "offer",
	"/admin/medlemskap/":              "membership",
	"/admin/brukere/":                 "user",
	"/admin/apningstider/stengt/":     "closure",
	"/admin/apningstider/unntak/":     "exception",
	"/admin/innstillinger/rom/":       "room",
	"/admin/utadrettet/":              "outreach",
	"/admin/organisasjoner/":          "org",
	"/admin/lisenser/foresporsler/":   "loanRequest",
	"/admin/lisenser/lan/":            "loan",
	"/admin/lisenser/":                "licence",
	"/admin/foresporsler/":            "roomRequest",
	"/admin/arrangementer/serier/":    "series",
	"/admin/arrangementer/":           "event",
	"/admin/igangsettere/":            "volunteer",
	"/arrangementer/":                 "event",
	"/dev/mailbox/":                   "mail",
	"/mine/{token}/pamelding/":        "signup",
	"/mine/{token}/tilbud/":           "offer",
	"/mine/{token}/gruppe/":           "memberGroup",
	"/partner/lisenser/foresporsler/": "partnerLoanRequest",
	"/partner/lisenser/lan/":          "partnerLoan",
	"/partner/rom/foresporsler/":      "partnerRoomRequest",
	"/gruppe/{token}/foresporsler/":   "contactRequest",
}

// pathTokens names the private link each {token} stands for, by the first part of the path.
var pathTokens = map[string]string{
	"mine": "mine", "tilbud": "offer", "arrangement": "event", "gruppe": "contact", "kalender": "feed",
	"nytt-passord": "reset", "invitasjon": "invite", "bekreft": "confirm",
}

var pathParam = regexp.MustCompile(`\{[a-z]+\}|\*$`)

// pathFor puts the world's real values into the parameters of pattern; a parameter the world
// has no value for is an error, so a new route cannot slip past the sweeps unnoticed.
// hostile, when not nil, replaces the parameter at index hostileAt (already escaped).
func (w *sweepWorld) pathFor(pattern string, hostileAt int, hostile *string) (string, error) {
	var err error
	i := -1
	out := pathParam.ReplaceAllStringFunc(pattern, func(p string) string {
		i++
		if hostile != nil && i == hostileAt {
			return *hostile
		}
		loc := strings.Index(pattern, p)
		before := pattern[:loc]
		switch p {
		case "{id}":
			if name, ok := pathIDs[before]; ok && w.ids[name] != 0 {
				return itoa(w.ids[name])
			}
		case "{sid}": // a sign-up of the person the {id} before it names
			if w.ids["signup"] != 0 {
				return itoa(w.ids["signup"])
			}
		case "{token}":
			if name, ok := pathTokens[strings.Split(before, "/")[1]]; ok && w.tokens[name] != "" {
				return w.tokens[name]
			}
		case "{slug}":
			switch before {
			case "/grupper/":
				return w.groupSlug
			case "/tema/":
				return w.themeSlug
			}
		case "{year}":
			return w.year
		case "{table}":
			return w.table + ".csv"
		case "*":
			if before == "/static/" {
				return strings.TrimPrefix(w.asset, "/static/")
			}
		}
		err = fmt.Errorf("no real value for %s in %s: give the world one", p, pattern)
		return p
	})
	return out, err
}

// paramsOf counts the parameters of pattern.
func paramsOf(pattern string) int { return len(pathParam.FindAllString(pattern, -1)) }

// visitorFor is who may use a route: the sweeps send hostile input as the visitor the
// handler runs for, not one the guard turns away. Anonymous visitors get a fresh browser.
func (w *sweepWorld) visitorFor(t *testing.T, pattern string) *client {
	switch {
	case strings.HasPrefix(pattern, "/admin/brukere"), strings.HasPrefix(pattern, "/admin/innstillinger"), strings.HasPrefix(pattern, "/admin/logg"):
		return w.admin
	case strings.HasPrefix(pattern, "/admin"), pattern == "/konto/varsel":
		return w.staff
	case strings.HasPrefix(pattern, "/partner"):
		return w.partnerA
	case strings.HasPrefix(pattern, "/konto"):
		return w.konto
	case strings.HasPrefix(pattern, "/logg-inn/kode"):
		return w.pending
	}
	return w.browser(t)
}

// Field lists shared by several routes.
var (
	signupFields  = []string{"first_name", "email", "phone", "contact", "age_band", "source", "note", "adult", "consent", "formats", "availability", "days", "parts", "languages", "nettsted"}
	themeFields   = []string{"slug", "name_nb", "name_en", "description_nb", "description_en", "published"}
	groupFields   = []string{"name", "slug", "kind", "format", "platform", "venue", "weekday", "starts", "ends", "frequency", "language", "capacity", "open", "twelve_step", "open_meeting", "org", "description_nb", "description_en", "themes"}
	licenceFields = []string{"provider", "label", "max_participants", "max_minutes", "account_login", "secret", "status", "funding", "notes"}
	loanFields    = []string{"provider", "first", "last", "purpose", "participants", "meeting_minutes", "contact_name", "contact_email", "contact_phone"}
	orgFields     = []string{"name", "kind", "network_member", "agreement_signed", "agreement_expires", "contact_name", "contact_email", "contact_phone", "notes"}
	roomReqFields = []string{"title", "date", "start", "end", "frequency", "until", "message", "room"}
	eventFields   = []string{"kind", "title", "description", "date", "start", "end", "format", "meeting_link", "capacity", "published", "override", "room", "notice", "capacity_ok"}
	roomFields    = []string{"name", "floor", "capacity", "facilities", "bookable"}
	volFields     = []string{"name", "email", "phone", "trained_on", "availability", "notes", "active", "themes"}
	hoursFields   = func() []string {
		var f []string
		for d := 1; d <= 7; d++ {
			f = append(f, "open-"+strconv.Itoa(d), "opens-"+strconv.Itoa(d), "closes-"+strconv.Itoa(d))
		}
		return f
	}()
)

// postFields lists, for every POST route, each form field its handler reads (an empty list:
// it reads none). A POST route missing here fails TestHostileInputEverywhere, and so does a
// form on a page of the app that posts a field not listed for its route.
var postFields = map[string][]string{
	"POST /sprak":           {"lang", "next"},
	"POST /logg-inn":        {"email", "password", "neste"},
	"POST /logg-inn/kode":   {"code"},
	"POST /logg-ut":         {},
	"POST /glemt-passord":   {"email"},
	"POST /bekreft/{token}": {},
	// Twilio's webhook: unsigned hostile input is refused before it is read.
	"POST /sms/inn": {"From", "To", "Body", "MessageSid", "AccountSid"},
	// username is the account's address for password managers; the handler ignores it.
	"POST /nytt-passord/{token}":                   {"password", "confirm", "username"},
	"POST /invitasjon/{token}":                     {"password", "confirm", "username"},
	"POST /grupper/{slug}/meld-pa":                 signupFields,
	"POST /tema/{slug}/interesse":                  signupFields,
	"POST /mine":                                   {"email"},
	"POST /mine/{token}/pamelding/{id}":            {"formats", "availability", "days", "parts", "languages"},
	"POST /mine/{token}/pamelding/{id}/trekk":      {"confirm"},
	"POST /mine/{token}/slett":                     {},
	"POST /mine/{token}/tilbud/{id}":               {"svar"},
	"POST /mine/{token}/gruppe/{id}/forlat":        {},
	"POST /gruppe/{token}/moetelenke":              {"meeting_link", "meeting_passcode"},
	"POST /tilbud/{token}":                         {"svar"},
	"POST /arrangementer/{id}":                     {"first_name", "email", "adult", "consent"},
	"POST /arrangement/{token}/avmeld":             {},
	"POST /arrangement/{token}/ja":                 {},
	"POST /gruppe/{token}/ny":                      roomReqFields,
	"POST /gruppe/{token}/avlys":                   {"occurrence"},
	"POST /gruppe/{token}/foresporsler/{id}/trekk": {},
	"POST /konto/tofaktor":                         {"code"},
	"POST /konto/varsel":                           {"digest"},

	"POST /admin/invitasjon":                                 {"org", "email", "name", "role"},
	"POST /admin/tema/ny":                                    themeFields,
	"POST /admin/tema/{id}":                                  themeFields,
	"POST /admin/grupper/ny":                                 groupFields,
	"POST /admin/grupper/{id}":                               groupFields,
	"POST /admin/grupper/{id}/status":                        {"status", "note"},
	"POST /admin/grupper/{id}/publisering":                   {"published"},
	"POST /admin/grupper/{id}/moetelenke":                    {"meeting_link", "meeting_passcode"},
	"POST /admin/lisenser/ny":                                licenceFields,
	"POST /admin/lisenser/{id}":                              licenceFields,
	"POST /admin/lisenser/foresporsler/ny":                   append(slices.Clone(loanFields), "group"),
	"POST /admin/lisenser/foresporsler/{id}/godkjenn":        {"reason", "licence"},
	"POST /admin/lisenser/foresporsler/{id}/avslag":          {"reason", "licence"},
	"POST /admin/lisenser/lan/{id}/retur":                    {"confirm"},
	"POST /admin/lisenser/{id}/vis":                          {"password"},
	"POST /admin/organisasjoner/ny":                          orgFields,
	"POST /admin/organisasjoner/{id}":                        orgFields,
	"POST /admin/rom/{id}/kalender":                          {},
	"POST /admin/grupper/{id}/kalender":                      {},
	"POST /admin/bookinger/ny":                               {"title", "holder", "date", "start", "end", "frequency", "until", "count", "override", "room", "group", "org", "skip", "expected", "capacity_ok"},
	"POST /admin/bookinger/{id}/avlys":                       {"rest", "reason", "occurrence", "from", "to", "note", "confirm"},
	"POST /admin/bookinger/{id}/gjeninnsett":                 {"occurrence"},
	"POST /admin/bookinger/{id}/forleng":                     {"until", "skip"},
	"POST /admin/nokler/ny":                                  {"label", "kind", "note", "rooms"},
	"POST /admin/nokler/{id}/utlan":                          {"holder_name", "holder_phone", "due", "group", "agreement"},
	"POST /admin/nokler/{id}/retur":                          {},
	"POST /admin/nokler/{id}/retur/angre":                    {},
	"POST /admin/apningstider":                               hoursFields,
	"POST /admin/apningstider/stengt":                        {"first", "last", "reason", "note", "confirm"},
	"POST /admin/apningstider/stengt/{id}/slett":             {},
	"POST /admin/apningstider/unntak":                        {"weekday", "opens", "closes", "room", "group", "exception_note"},
	"POST /admin/apningstider/unntak/{id}/slett":             {},
	"POST /admin/apningstider/stengt/{id}/avlys":             {"note"},
	"POST /admin/utadrettet":                                 {"held_on", "kind", "audience", "reach", "staff", "note", "angre"},
	"POST /admin/utadrettet/{id}/slett":                      {},
	"POST /admin/rapport/{year}/innledning":                  {"intro"},
	"POST /admin/foresporsler/{id}/godkjenn":                 {"override", "reason", "skip", "room", "start", "end"},
	"POST /admin/foresporsler/{id}/avslag":                   {"override", "reason", "skip"},
	"POST /admin/grupper/{id}/kontakt":                       {"name", "email", "phone"},
	"POST /admin/grupper/{id}/kontakt/lenke":                 {},
	"POST /admin/grupper/{id}/kontakt/slett":                 {},
	"POST /admin/igangsettere/ny":                            volFields,
	"POST /admin/igangsettere/{id}":                          volFields,
	"POST /admin/grupper/{id}/oppfolging/start":              {"started_on"},
	"POST /admin/grupper/{id}/oppfolging/igangsettere":       {"volunteer", "confirm"},
	"POST /admin/grupper/{id}/oppfolging/igangsettere/slutt": {"assignment"},
	"POST /admin/grupper/{id}/oppfolging/moter":              {"meeting_date", "meeting_time", "meeting_note"},
	"POST /admin/grupper/{id}/oppfolging/moter/holdt":        {"meeting", "held"},
	"POST /admin/grupper/{id}/oppfolging/moter/slett":        {"meeting"},
	"POST /admin/grupper/{id}/oppfolging/overlevering":       {"handover_on"},
	"POST /admin/grupper/{id}/oppfolging/sjekk":              {"checkin_months", "checkin_done_on", "checkin_still_meets"},
	"POST /admin/grupper/{id}/oppfolging/logg":               {"happened_on", "kind", "note", "next_check_on"},
	"POST /admin/arrangementer/ny":                           eventFields,
	"POST /admin/arrangementer/serier/ny":                    append(slices.Clone(eventFields), "rule", "ordinal", "weekday", "until", "skip"),
	"POST /admin/arrangementer/{id}":                         eventFields,
	"POST /admin/arrangementer/{id}/oppmote":                 {"vist", "kom"},
	"POST /admin/arrangementer/{id}/melding":                 {"who", "text", "confirm"},
	"POST /admin/arrangementer/{id}/avlys":                   {"note", "confirm"},
	"POST /admin/grupper/{id}/melding":                       {"text", "confirm"},
	"POST /admin/matching/tilbud":                            {"frist", "tilbud"},
	"POST /admin/tilbud/{id}/frist":                          {"frist", "tilstand"},
	"POST /admin/tilbud/{id}/trekk":                          {"tilstand"},
	"POST /admin/tilbud/{id}/svar":                           {"svar", "notat", "tilstand"},
	"POST /admin/ringeliste/{id}":                            {"svar", "notat"},
	"POST /admin/deltakere/ny": {"target", "first_name", "email", "phone", "contact", "lang", "age_band", "formats", "availability", "days", "parts",
		"languages", "source", "note", "adult", "consent", "existing"},
	"POST /admin/deltakere/{id}/meld-pa":                 {"target", "formats", "availability", "days", "parts", "languages", "source", "note", "consent"},
	"POST /admin/deltakere/{id}/plasser":                 {"group"},
	"POST /admin/deltakere/{id}/slett":                   {"confirm"},
	"POST /admin/deltakere/{id}/sms":                     {"sms", "sms_confirm"},
	"POST /admin/deltakere/{id}/kontakt":                 {"first_name", "email", "phone", "contact", "lang"},
	"POST /admin/deltakere/{id}/notat":                   {"staff_note"},
	"POST /admin/deltakere/{id}/pameldinger/{sid}/trekk": {"reason", "reason_text"},
	"POST /admin/medlemskap/{id}/slutt":                  {"confirm"},
	"POST /admin/brukere/{id}/rolle":                     {"role", "org"},
	"POST /admin/brukere/{id}/deaktiver":                 {"role"},
	"POST /admin/brukere/{id}/aktiver":                   {"role"},
	"POST /admin/brukere/{id}/tofaktor":                  {"role"},
	"POST /admin/brukere/{id}/invitasjon":                {"role"},
	"POST /admin/innstillinger":                          {"require_two_factor"},
	"POST /admin/innstillinger/kontakt":                  {"name", "phone", "email", "address", "floor", "how_to_get_in", "phone_hours"},
	"POST /admin/innstillinger/rom/ny":                   roomFields,
	"POST /admin/innstillinger/rom/{id}":                 roomFields,
	"POST /admin/innstillinger/rom/{id}/avvikle":         {"confirm"},
	"POST /admin/innstillinger/rom/{id}/ta-i-bruk":       {},
	"POST /admin/deltakere/{id}/samtykke":                {"tilbake"},
	"POST /admin/venteliste/import":                      {"fil"},
	"POST /admin/venteliste/import/{id}/kolonner":        {"kolonner", "kol-0", "kol-1", "kol-2", "kol-3", "kol-4"},
	"POST /admin/venteliste/import/{id}/importer":        {},

	"POST /partner/rom/ny":                           roomReqFields,
	"POST /partner/rom/avlys":                        {"occurrence"},
	"POST /partner/rom/foresporsler/{id}/trekk":      {},
	"POST /partner/lisenser/ny":                      loanFields,
	"POST /partner/lisenser/foresporsler/{id}/trekk": {},
	"POST /partner/lisenser/lan/{id}/vis":            {"password"},
}

// queryNames are the query parameters any page reads; each GET route gets all of them.
var queryNames = []string{"side", "q", "status", "vis", "rolle", "tema", "gruppe", "format", "dag", "del", "sprak",
	"plasser", "org", "rom", "uke", "dato", "hoppet", "ar", "fra", "til", "aktor", "handling", "objekt", "leverandor",
	"endre", "neste", "nettverk", "ledig", "tid"}

// validForms are forms their handler accepts, for the routes that store what is typed: the
// sweep changes one field at a time, so that the hostile value gets as far as the database.
func (w *sweepWorld) validForms() map[string]url.Values {
	today := tz.Midnight(time.Now())
	day := func(months int) string { return today.AddDate(0, months, 3).Format(time.DateOnly) }
	signup := goodSignup("ny.deltaker@example.no")
	signup.Set("phone", "+4791234500")
	signup.Set("note", "En merknad")
	signup.Set("source", "venn")
	group := goodGroup(itoa(w.ids["theme"]))
	roomReq := url.Values{"title": {"Møte"}, "room": {itoa(w.ids["room"])}, "date": {day(3)}, "start": {"06:00"}, "end": {"06:30"},
		"frequency": {"once"}, "message": {"Hei"}}
	licence := licenceForm("Hostil lisens", "10", "hemmelig-passord")
	loan := loanRequestForm(today.AddDate(0, 2, 0), today.AddDate(0, 3, 0), "8")
	staffLoan := loanRequestForm(today.AddDate(0, 2, 0), today.AddDate(0, 3, 0), "8")
	staffLoan.Set("group", itoa(w.ids["group"]))
	org := url.Values{"name": {"Hostil forening"}, "kind": {"voluntary"}, "contact_name": {"Kontakt"}, "contact_email": {"post@forening.test"},
		"contact_phone": {"+4722334455"}, "notes": {"Notat"}}
	vol := url.Values{"name": {"Ida Igangsetter"}, "email": {"ida@example.no"}, "phone": {"+4790011223"}, "trained_on": {today.AddDate(0, -1, 0).Format(time.DateOnly)},
		"notes": {"Notat"}, "active": {"on"}}
	event := eventForm("20")
	return map[string]url.Values{
		"POST /sprak":                                   {"lang": {"en"}, "next": {"/grupper"}},
		"POST /logg-inn":                                {"email": {"ingen.konto@example.no"}, "password": {"feil-passord-her"}},
		"POST /glemt-passord":                           {"email": {"ingen.konto@example.no"}},
		"POST /mine":                                    {"email": {"ingen.deltaker@example.no"}},
		"POST /grupper/{slug}/meld-pa":                  signup,
		"POST /tema/{slug}/interesse":                   signup,
		"POST /arrangementer/{id}":                      {"first_name": {"Gjest"}, "email": {"ny.gjest@example.no"}, "adult": {"on"}, "consent": {"on"}},
		"POST /gruppe/{token}/ny":                       roomReq,
		"POST /partner/rom/ny":                          roomReq,
		"POST /partner/lisenser/ny":                     loan,
		"POST /admin/lisenser/foresporsler/ny":          staffLoan,
		"POST /admin/invitasjon":                        {"name": {"Ny Bruker"}, "email": {"ny.bruker@example.no"}, "role": {"partner"}, "org": {itoa(w.p.orgB.ID)}},
		"POST /admin/utadrettet":                        {"held_on": {day(-3)}, "kind": {"talk"}, "audience": {"Fastleger"}, "reach": {"12"}, "staff": {"Siri"}, "note": {"Notat"}},
		"POST /admin/rapport/{year}/innledning":         {"intro": {"Et godt år."}},
		"POST /admin/tema/ny":                           {"name_nb": {"Hostilt tema"}, "name_en": {"Hostile theme"}, "description_nb": {"Om temaet"}, "published": {"on"}},
		"POST /admin/tema/{id}":                         {"name_nb": {"Angst"}, "name_en": {"Anxiety"}, "description_nb": {"Om temaet"}, "published": {"on"}},
		"POST /admin/grupper/ny":                        group,
		"POST /admin/grupper/{id}":                      group,
		"POST /admin/grupper/{id}/status":               {"status": {"gathering"}, "note": {"Et notat"}},
		"POST /admin/lisenser/ny":                       licence,
		"POST /admin/lisenser/{id}":                     licenceForm("Hostil lisens endret", "10", ""),
		"POST /admin/lisenser/foresporsler/{id}/avslag": {"reason": {"Ingen ledige"}},
		"POST /admin/organisasjoner/ny":                 org,
		"POST /admin/organisasjoner/{id}":               org,
		"POST /admin/bookinger/ny": {"room": {itoa(w.ids["room"])}, "title": {"Kurs"}, "holder": {"internal"}, "date": {day(4)},
			"start": {"06:00"}, "end": {"06:30"}, "frequency": {"once"}, "override": {"Tidlig kurs"}},
		"POST /admin/bookinger/{id}/avlys":          {"from": {day(5)}, "to": {day(5)}, "reason": {"Maling"}, "note": {"Beklager"}, "confirm": {"1"}},
		"POST /admin/bookinger/{id}/forleng":        {"until": {day(6)}},
		"POST /admin/nokler/ny":                     {"label": {"Hostil nøkkel"}, "kind": {"key"}, "note": {"Notat"}, "rooms": {itoa(w.ids["room"])}},
		"POST /admin/nokler/{id}/utlan":             {"holder_name": {"Nils Nøkkel"}, "holder_phone": {"+4791112223"}, "due": {day(1)}, "group": {itoa(w.ids["group"])}},
		"POST /admin/apningstider/stengt":           {"first": {day(7)}, "last": {day(7)}, "reason": {"Dugnad"}, "note": {"Beklager"}, "confirm": {"1"}},
		"POST /admin/apningstider/unntak":           {"weekday": {"6"}, "opens": {"18:00"}, "closes": {"21:00"}, "room": {itoa(w.ids["room"])}},
		"POST /admin/grupper/{id}/melding":          {"text": {"Husk møtet."}, "confirm": {"1"}},
		"POST /admin/arrangementer/{id}/melding":    {"who": {"all"}, "text": {"Husk møtet."}, "confirm": {"1"}},
		"POST /admin/foresporsler/{id}/avslag":      {"reason": {"Opptatt"}},
		"POST /admin/grupper/{id}/kontakt":          {"name": {"Kontakt Hostil"}, "email": {worldContact}, "phone": {"+4798765432"}},
		"POST /admin/igangsettere/ny":               vol,
		"POST /admin/igangsettere/{id}":             vol,
		"POST /admin/grupper/{id}/oppfolging/moter": {"meeting_date": {day(1)}, "meeting_time": {"18:00"}, "meeting_note": {"Notat"}},
		"POST /admin/grupper/{id}/oppfolging/logg":  {"happened_on": {today.Format(time.DateOnly)}, "kind": {"phone"}, "note": {"Ringte"}},
		"POST /admin/arrangementer/ny":              event,
		"POST /admin/arrangementer/serier/ny":       seriesValues(event),
		"POST /admin/innstillinger/rom/ny":          {"name": {"Hostilt rom"}, "floor": {"6"}, "capacity": {"8"}, "facilities": {"screen"}, "bookable": {"on"}},
		"POST /admin/arrangementer/{id}":            event,
	}
}

// seriesValues is a valid monthly series of the event's fields, from its date two months on.
func seriesValues(event url.Values) url.Values {
	v := url.Values{}
	for k, vs := range event {
		v[k] = slices.Clone(vs)
	}
	first, _ := tz.ParseDate(event.Get("date"))
	v.Set("rule", "monthly")
	v.Set("ordinal", "1")
	v.Set("weekday", "2")
	v.Set("until", first.AddDate(0, 2, 0).Format(time.DateOnly))
	return v
}

// Hostile values. PostgreSQL holds neither invalid UTF-8 nor NUL, so a handler that lets them
// through to a query answers 500: the sweep finds those by the status.
const (
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `"><img src=x onerror=alert(1)>`
	xssURL    = `javascript:alert(1)`
)

var (
	longValue = strings.Repeat("hostile-long-", 100_000/13+1)[:100_000]
	// longMark is longer than any field's limit: a column holding it stored too much.
	longMark = strings.Repeat("hostile-long-", 400)

	hostileValues = []string{
		`' OR '1'='1' --`, `1; DROP TABLE users; --`,
		xssScript, xssAttr, xssURL,
		"\xff\xfe\xc3\x28", "a\x00b", "\x01\x02\x1b[2J\x7f", "ett\r\nX-Injected: 1",
		"abc", "99999999999999999999999999", "9223372036854775808", "3000000000", "-1", "0", "1e308",
		"99999-99-99", "2026-02-30", "9999-12-31", "25:61", "", "   ", "ÆØÅ 👍🏽 \u202e\u200b", "//evil.example/",
	}
	// storedValues are the values the field-by-field sweep sends in forms that store input.
	storedValues = []string{xssScript, xssAttr, xssURL, "\xff\xfe", "a\x00b", "a\x01b", "ÆØÅ 👍🏽 \u202e"}
	// pathValues are put in place of each path parameter.
	pathValues = []string{"abc", "-1", "0", "99999999999999999999999", "1.5", xssScript, xssAttr, "\xff\xfe", "a\x00b", "..",
		"%2e%2e%2f", strings.Repeat("x", 10_000), "1 OR 1=1"}
	jsURLAttr  = regexp.MustCompile(`(?i)\b(?:href|src|action|formaction|data|poster)\s*=\s*["']?\s*javascript:`)
	formTag    = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	attrAction = regexp.MustCompile(`(?i)\baction="([^"]*)"`)
	attrMethod = regexp.MustCompile(`(?i)\bmethod="([^"]*)"`)
	fieldName  = regexp.MustCompile(`(?i)<(?:input|select|textarea|button)\b[^>]*\bname="([^"]*)"`)
)

// uniqueFields must differ between the forms of one route that should each be stored.
var uniqueFields = map[string]bool{"name": true, "label": true, "name_nb": true, "email": true, "title": true}

// vary makes the n-th copy of a valid form unique: names and addresses get a number, dates move
// on by n days, so that a second save is not refused as a duplicate or a double booking.
func vary(form url.Values, n int, except string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = slices.Clone(v)
		if k == except || len(v) != 1 {
			continue
		}
		switch {
		case k == "email":
			out.Set(k, "n"+strconv.Itoa(n)+"."+v[0])
		case uniqueFields[k]:
			out.Set(k, v[0]+" "+strconv.Itoa(n))
		case k == "date" || k == "first" || k == "last" || k == "meeting_date":
			if d, err := time.Parse(time.DateOnly, v[0]); err == nil {
				out.Set(k, d.AddDate(0, 0, n%60).Format(time.DateOnly))
			}
		}
	}
	return out
}

// sweep sends requests and keeps count of what went wrong.
type sweep struct {
	t         *testing.T
	w         *sweepWorld
	n         int // forms made so far, to make each valid form unique
	jobs      []sweepJob
	mu        sync.Mutex // guards what follows
	ip        int
	sent      int
	errors    int // 5xx
	unescaped int
	problems  map[string]string   // first example of each kind of problem, by route and kind
	forms     map[string][]string // fields of the forms on the app's pages, by POST route
}

// sweepJob is one request of the sweep; after, when set, looks at the answer.
type sweepJob struct {
	c                            *client
	route, method, target, ctype string
	what                         string
	body                         []byte
	after                        func(*http.Response)
}

// add queues a request; run sends the queue, a few at a time.
func (s *sweep) add(j sweepJob) { s.jobs = append(s.jobs, j) }

func (s *sweep) run() {
	jobs := make(chan sweepJob)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if res, _ := s.send(j.c, j.route, j.method, j.target, j.body, j.ctype, j.what); res != nil && j.after != nil {
					j.after(res)
				}
			}
		}()
	}
	for _, j := range s.jobs {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	s.jobs = s.jobs[:0]
}

func newSweep(t *testing.T, w *sweepWorld) *sweep {
	return &sweep{t: t, w: w, problems: map[string]string{}, forms: map[string][]string{}}
}

func (s *sweep) problem(route, kind, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := route + " " + kind
	if _, ok := s.problems[key]; !ok {
		if len(detail) > 300 {
			detail = detail[:300] + "…"
		}
		s.problems[key] = detail
	}
}

// send makes one request as c from a client IP of its own (the app trusts one proxy), so that
// the per-IP limits do not stop the sweep, and checks the answer.
func (s *sweep) send(c *client, route, method, target string, body []byte, ctype, what string) (*http.Response, string) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, s.w.app.URL+target, rd)
	if err != nil {
		s.problem(route, "bad request in the test", err.Error())
		return nil, ""
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	// Compression is not what the sweep tests, and a page that repeats a long parameter in
	// its links is megabytes to squeeze.
	req.Header.Set("Accept-Encoding", "identity")
	if method != http.MethodGet {
		req.Header.Set("Origin", s.w.app.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	s.mu.Lock()
	s.ip++
	s.sent++
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", s.ip>>16&255, s.ip>>8&255, s.ip&255))
	s.mu.Unlock()
	res, err := c.http.Do(req)
	if err != nil {
		s.problem(route, "no answer", what+": "+err.Error())
		return nil, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	s.check(route, what, res, string(b))
	return res, string(b)
}

func (s *sweep) count(n *int) {
	s.mu.Lock()
	*n++
	s.mu.Unlock()
}

// check finds a 5xx, a payload that came back unescaped, and a redirect off the site.
func (s *sweep) check(route, what string, res *http.Response, body string) {
	if res.StatusCode >= 500 {
		s.count(&s.errors)
		s.problem(route, fmt.Sprintf("answers %d", res.StatusCode), what)
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		for _, raw := range []string{xssScript, `<img src=x onerror=alert(1)>`} {
			if strings.Contains(body, raw) {
				s.count(&s.unescaped)
				s.problem(route, "unescaped "+raw, what)
			}
		}
		if jsURLAttr.MatchString(body) {
			s.count(&s.unescaped)
			s.problem(route, "a javascript: URL in an attribute", what)
		}
	}
	if loc := res.Header.Get("Location"); loc != "" {
		u, err := url.Parse(loc)
		if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") ||
			strings.ContainsAny(loc, "\r\n") {
			s.problem(route, "redirect off the site", what+" → "+loc)
		}
	}
}

func encodeForm(v url.Values) []byte { return []byte(v.Encode()) }

const formURLEncoded = "application/x-www-form-urlencoded"

// collectForms remembers the fields of the post forms on a page, by the route they post to.
func (s *sweep) collectForms(body string, posts []string) {
	for _, m := range formTag.FindAllStringSubmatch(body, -1) {
		meth := attrMethod.FindStringSubmatch(m[1])
		act := attrAction.FindStringSubmatch(m[1])
		if meth == nil || !strings.EqualFold(meth[1], "post") || act == nil {
			continue
		}
		action := html.UnescapeString(act[1])
		if u, err := url.Parse(action); err == nil {
			action = u.Path
		}
		route := routeOf(posts, action)
		if route == "" {
			s.problem("POST "+action, "form posts to no route", action)
			continue
		}
		for _, f := range fieldName.FindAllStringSubmatch(m[2], -1) {
			if !slices.Contains(s.forms[route], f[1]) {
				s.forms[route] = append(s.forms[route], f[1])
			}
		}
	}
}

// routeOf finds the POST route whose pattern matches path; of several, the one with the most
// literal segments ("/admin/grupper/ny" rather than "/admin/grupper/{id}").
func routeOf(posts []string, path string) string {
	best, bestLiteral := "", -1
	got := strings.Split(strings.TrimSuffix(path, "/"), "/")
	for _, r := range posts {
		want := strings.Split(strings.TrimSuffix(strings.TrimPrefix(r, "POST "), "/"), "/")
		if len(want) != len(got) {
			continue
		}
		literal := 0
		for i := range want {
			switch {
			case strings.HasPrefix(want[i], "{") && got[i] != "":
			case want[i] == got[i]:
				literal++
			default:
				literal = -1
			}
			if literal < 0 {
				break
			}
		}
		if literal > bestLiteral {
			best, bestLiteral = r, literal
		}
	}
	return best
}

// describe names a value in a report.
func describe(v string) string {
	if len(v) > 40 {
		return fmt.Sprintf("%q… (%d bytes)", v[:40], len(v))
	}
	return fmt.Sprintf("%q", v)
}

const multipartBody = "--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n" + xssScript + "\r\n--XyZ--\r\n"

// route sends everything hostile to one route, as the visitor who may use it.
func (s *sweep) route(route string, posts []string, valid map[string]url.Values) {
	method, pattern, _ := strings.Cut(route, " ")
	path, err := s.w.pathFor(pattern, -1, nil)
	if err != nil {
		s.t.Error(err)
		return
	}
	c := s.w.visitorFor(s.t, pattern)
	if method == http.MethodGet {
		s.get(c, route, path, posts)
	} else {
		s.post(c, route, path, valid[route])
	}
	s.paths(c, route, method, pattern, valid[route])
}

func (s *sweep) get(c *client, route, path string, posts []string) {
	res, body := s.send(c, route, http.MethodGet, path, nil, "", "the page itself")
	if res != nil && res.StatusCode >= 400 {
		s.t.Errorf("%s: the page itself (%s) = %d: the world should hold a row it shows", route, path, res.StatusCode)
	}
	s.collectForms(body, posts)
	get := func(query, what string) {
		s.add(sweepJob{c: c, route: route, method: http.MethodGet, target: path + "?" + query, what: what})
	}
	for _, v := range hostileValues {
		q := url.Values{}
		for _, n := range queryNames {
			q.Set(n, v)
		}
		get(q.Encode(), "every parameter "+describe(v))
	}
	// The real server takes 64 KiB of headers (NewHTTPServer), the test server 1 MiB: every
	// parameter at 30 000 characters, and the two that reach a query at 100 000.
	q := url.Values{}
	for _, n := range queryNames {
		q.Set(n, longValue[:30_000])
	}
	get(q.Encode(), "every parameter of 30 000 characters")
	get("side="+longValue+"&q="+longValue, "side and q of 100 000 characters")
	dup := url.Values{}
	for _, n := range queryNames {
		dup[n] = []string{"1", xssScript}
	}
	get(dup.Encode(), "every parameter twice")
	get("side=%ff%00&q=%zz&&=&;&tema", "broken escapes")
	s.run()
}

func (s *sweep) post(c *client, route, path string, valid url.Values) {
	fields, ok := postFields[route]
	if !ok {
		s.t.Errorf("%s has no entry in postFields: list the fields its handler reads", route)
	}
	base := func(except string) url.Values {
		s.n++
		if valid == nil {
			return url.Values{}
		}
		return vary(valid, s.n, except)
	}
	post := func(body []byte, ctype, what string, after func(*http.Response)) {
		s.add(sweepJob{c: c, route: route, method: http.MethodPost, target: path, body: body, ctype: ctype, what: what, after: after})
	}
	for _, v := range hostileValues {
		f := url.Values{}
		for _, n := range fields {
			f.Set(n, v)
		}
		post(encodeForm(f), formURLEncoded, "every field "+describe(v), nil)
	}
	for _, n := range fields {
		f := base(n)
		f.Set(n, longValue)
		post(encodeForm(f), formURLEncoded, n+" of 100 000 characters", nil)
	}
	if valid != nil {
		for _, n := range fields {
			for _, v := range storedValues {
				f := base(n)
				f.Set(n, v)
				post(encodeForm(f), formURLEncoded, "a valid form with "+n+" = "+describe(v), nil)
			}
			f := base(n)
			f.Del(n)
			post(encodeForm(f), formURLEncoded, "a valid form without "+n, nil)
		}
	}
	for _, last := range []bool{false, true} {
		f := base("")
		for _, n := range fields {
			good := f.Get(n)
			if good == "" {
				good = "1"
			}
			f[n] = []string{good, xssScript}
			if last {
				f[n] = []string{xssScript, good}
			}
		}
		post(encodeForm(f), formURLEncoded, "every field twice", nil)
	}
	post(nil, "", "no body", nil)
	huge := append([]byte("x="), bytes.Repeat([]byte("a"), 1<<20+100<<10)...)
	post(huge, formURLEncoded, "a body of 1.1 MiB", func(res *http.Response) {
		if res.StatusCode < 300 {
			s.problem(route, "takes a body over 1 MiB", strconv.Itoa(res.StatusCode))
		}
	})
	post([]byte(`{"email":"`+xssScript+`"}`), "application/json", "a JSON body", nil)
	post([]byte(multipartBody), "multipart/form-data; boundary=XyZ", "a multipart body", nil)
	post([]byte("a=%zz&b=%ff%00&&=&;&email"), formURLEncoded, "broken escapes", nil)
	s.run()
}

// paths puts each hostile value in place of each path parameter in turn. None of them names
// a row, so the answer must be a refusal: 4xx.
func (s *sweep) paths(c *client, route, method, pattern string, valid url.Values) {
	for i := range paramsOf(pattern) {
		for _, v := range pathValues {
			esc := url.PathEscape(v)
			path, err := s.w.pathFor(pattern, i, &esc)
			if err != nil {
				continue
			}
			var body []byte
			ctype := ""
			if method == http.MethodPost {
				body, ctype = encodeForm(valid), formURLEncoded
			}
			what := fmt.Sprintf("path parameter %d = %s", i+1, describe(v))
			s.add(sweepJob{c: c, route: route, method: method, target: path, body: body, ctype: ctype, what: what, after: func(res *http.Response) {
				if res.StatusCode < 400 {
					s.problem(route, fmt.Sprintf("takes a path parameter that names nothing (%d)", res.StatusCode), what)
				}
			}})
		}
	}
	s.run()
}

// destructive routes end what other routes need (a link, a session, a row), so they go last.
var destructive = map[string]bool{
	"POST /logg-ut": true, "POST /mine/{token}/slett": true, "POST /mine/{token}/pamelding/{id}/trekk": true,
	"POST /mine/{token}/gruppe/{id}/forlat": true,
	"POST /arrangement/{token}/avmeld":      true, "POST /gruppe/{token}/foresporsler/{id}/trekk": true,
	"POST /partner/rom/foresporsler/{id}/trekk": true, "POST /partner/lisenser/foresporsler/{id}/trekk": true,
	"POST /admin/deltakere/{id}/slett": true, "POST /admin/apningstider/stengt/{id}/slett": true,
	"POST /admin/utadrettet/{id}/slett":          true,
	"POST /admin/innstillinger/rom/{id}/avvikle": true,
	"POST /admin/grupper/{id}/kontakt/slett":     true, "POST /admin/grupper/{id}/kontakt/lenke": true,
	"POST /admin/rom/{id}/kalender": true, "POST /admin/grupper/{id}/kalender": true, "POST /admin/lisenser/lan/{id}/retur": true,
	"POST /admin/medlemskap/{id}/slutt": true, "POST /admin/deltakere/{id}/pameldinger/{sid}/trekk": true,
	"POST /admin/venteliste/import/{id}/importer": true, "POST /bekreft/{token}": true,
}

// sweepOrder runs the public and private-link pages first, then the partner's, then staff's;
// within each, pages before forms; the destructive routes last.
func sweepOrder(routes []string) []string {
	rank := func(r string) int {
		method, pattern, _ := strings.Cut(r, " ")
		n := 0
		switch {
		case destructive[r]:
			return 10
		case strings.HasPrefix(pattern, "/admin"):
			n = 4
		case strings.HasPrefix(pattern, "/partner"), strings.HasPrefix(pattern, "/konto"), strings.HasPrefix(pattern, "/logg-inn/kode"):
			n = 2
		}
		if method != http.MethodGet {
			n++
		}
		return n
	}
	out := slices.Clone(routes)
	slices.SortStableFunc(out, func(a, b string) int { return rank(a) - rank(b) })
	return out
}

// checkStored looks through every text column of the database for a value stored past any
// field's limit and for control characters. (PostgreSQL refuses invalid UTF-8 and NUL itself:
// a handler that lets them through answers 500, which the sweep counts.)
func (s *sweep) checkStored() {
	ctx := context.Background()
	rows, err := s.w.app.db.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'sessions'
		  AND (data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY') OR udt_name = 'citext')
		ORDER BY 1, 2`)
	if err != nil {
		s.t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			s.t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	reached := map[string]bool{}
	for _, c := range cols {
		col := pgx.Identifier{c[1]}.Sanitize() + "::text"
		q := fmt.Sprintf(`SELECT count(*) FILTER (WHERE strpos(%[2]s, $1) > 0), count(*) FILTER (WHERE %[2]s ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]'),
				count(*) FILTER (WHERE strpos(%[2]s, $2) > 0)
			FROM %[1]s`, pgx.Identifier{c[0]}.Sanitize(), col)
		var long, control, script int
		if err := s.w.app.db.QueryRow(ctx, q, longMark, xssScript).Scan(&long, &control, &script); err != nil {
			s.t.Errorf("%s.%s: %v", c[0], c[1], err)
			continue
		}
		if long > 0 {
			s.problem("table "+c[0], "stores the 100 000 characters", fmt.Sprintf("%s.%s: %d rows", c[0], c[1], long))
		}
		if control > 0 {
			s.problem("table "+c[0], "stores control characters", fmt.Sprintf("%s.%s: %d rows", c[0], c[1], control))
		}
		if script > 0 {
			reached[c[0]] = true
		}
	}
	s.checkMail(reached)
	// The script payload is harmless text once escaped; where it was stored shows the forms
	// took hostile values all the way to the database, so the checks above had rows to see.
	s.t.Logf("hostile values stored (escaped on the way out) in: %v", slices.Sorted(maps.Keys(reached)))
	if len(reached) < 10 {
		s.t.Errorf("the hostile values reached only %d tables: the valid forms no longer pass", len(reached))
	}
}

// checkMail makes checkStored's checks on the outbox's bodies, which are sealed in the
// database: opened, no body holds the long value or control characters, and no HTML body the
// payload unescaped. A text body with the payload marks the outbox as reached.
func (s *sweep) checkMail(reached map[string]bool) {
	var long, control, unescaped int
	for _, m := range mailtest.All(s.t, s.w.app.db) {
		body := m.Text + m.HTML
		if strings.Contains(body, longMark) {
			long++
		}
		if strings.ContainsFunc(body, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f }) {
			control++
		}
		if strings.Contains(m.HTML, xssScript) || strings.Contains(m.HTML, "<img src=x onerror") {
			unescaped++
		}
		if strings.Contains(m.Text, xssScript) {
			reached["outbox"] = true
		}
	}
	if long > 0 {
		s.problem("table outbox", "stores the 100 000 characters", fmt.Sprintf("%d mails", long))
	}
	if control > 0 {
		s.problem("table outbox", "stores control characters", fmt.Sprintf("%d mails", control))
	}
	if unescaped > 0 {
		s.problem("table outbox", "a mail's HTML holds a payload unescaped", fmt.Sprintf("%d mails", unescaped))
	}
}

// stillServes checks that the app answers normally after the sweep.
func (s *sweep) stillServes() {
	a := s.w.app
	c := a.client(s.t)
	for _, path := range []string{"/", "/healthz", "/readyz", "/grupper", "/tema", "/arrangementer", "/api/grupper.json", "/api/moter.json"} {
		if res, _ := c.get(path); res.StatusCode != http.StatusOK {
			s.t.Errorf("after the sweep GET %s = %d", path, res.StatusCode)
		}
	}
	staff := a.client(s.t).login(s.w.p.staff.Email)
	for _, path := range []string{"/admin", "/admin/grupper", "/admin/venteliste", "/admin/tema", "/admin/organisasjoner"} {
		if res, _ := staff.get(path); res.StatusCode != http.StatusOK {
			s.t.Errorf("after the sweep GET %s as staff = %d", path, res.StatusCode)
		}
	}
	if res, _ := s.w.admin.get("/admin/logg"); res.StatusCode != http.StatusOK {
		s.t.Errorf("after the sweep the audit log = %d", res.StatusCode)
	}
	if res, _ := s.w.partnerA.get("/partner"); res.StatusCode != http.StatusOK {
		s.t.Errorf("after the sweep partner A's page = %d", res.StatusCode)
	}
	if strings.Contains(a.logs.String(), "panic") {
		s.t.Error("the log holds a panic")
	}
	if s.errors > 0 {
		seen := map[string]bool{}
		for _, line := range strings.Split(a.logs.String(), "\n") {
			if i := strings.Index(line, "error="); strings.Contains(line, "level=ERROR") && i > 0 && !seen[line[i:]] && len(seen) < 30 {
				seen[line[i:]] = true
				s.t.Logf("log: %.400s", line)
			}
		}
	}
}

// Every form field and query parameter of every route, as the visitor who may use it, with
// real ids and links in the path: SQL, script, 100 000 characters, invalid UTF-8, NUL and
// control characters, wrong types, impossible dates, missing and doubled fields, a body over
// the limit. Nothing answers 5xx, no payload comes back unescaped, nothing is stored past a
// field's limit, and the app serves normally afterwards.
func TestHostileInputEverywhere(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	router, ok := w.app.srv.Handler().(chi.Routes)
	if !ok {
		t.Fatal("the handler is not a chi router")
	}
	routes := routesOf(router)
	var posts []string
	for _, r := range routes {
		if strings.HasPrefix(r, "POST ") {
			posts = append(posts, r)
		}
	}
	for r := range postFields {
		if !slices.Contains(posts, r) {
			t.Errorf("postFields lists %s, which is not a route", r)
		}
	}
	s := newSweep(t, w)
	valid := w.validForms()
	for r := range valid {
		if _, ok := postFields[r]; !ok {
			t.Errorf("validForms lists %s, which postFields does not", r)
		}
	}
	for _, route := range sweepOrder(routes) {
		s.route(route, posts, valid)
	}
	for route, fields := range s.forms {
		for _, f := range fields {
			if !slices.Contains(postFields[route], f) {
				t.Errorf("a form posts %q to %s, which postFields does not list", f, route)
			}
		}
	}
	s.checkStored()
	s.stillServes()
	keys := slices.Sorted(maps.Keys(s.problems))
	for _, k := range keys {
		t.Errorf("%s: %s", k, s.problems[k])
	}
	t.Logf("hostile sweep: %d requests over %d routes; %d answered 5xx, %d showed a payload unescaped, %d kinds of problem",
		s.sent, len(routes), s.errors, s.unescaped, len(s.problems))
}

// The sweep's checks find what they look for, and pass what is escaped.
func TestHostileSweepChecksWork(t *testing.T) {
	t.Parallel()
	s := newSweep(t, nil)
	answer := func(status int, ctype, location string) *http.Response {
		res := &http.Response{StatusCode: status, Header: http.Header{}}
		res.Header.Set("Content-Type", ctype)
		if location != "" {
			res.Header.Set("Location", location)
		}
		return res
	}
	page := "text/html; charset=utf-8"
	s.check("raw script", "", answer(200, page, ""), "<p><script>alert(1)</script></p>")
	s.check("attribute broken out of", "", answer(422, page, ""), `<input value=""><img src=x onerror=alert(1)>">`)
	s.check("script URL", "", answer(200, page, ""), `<a href="javascript:alert(1)">x</a>`)
	s.check("escaped", "", answer(200, page, ""), `<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`+
		`<input value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"><input value="javascript:alert(1)">`)
	s.check("not a page", "", answer(200, "application/json", ""), `{"a":"<script>alert(1)</script>"}`)
	s.check("redirect off the site", "", answer(303, "", "//evil.example/"), "")
	s.check("redirect home", "", answer(303, "", "/grupper?side=2"), "")
	s.check("server error", "", answer(500, page, ""), "")
	if s.unescaped != 3 || s.errors != 1 {
		t.Errorf("unescaped %d, 5xx %d; want 3 and 1", s.unescaped, s.errors)
	}
	want := []string{"attribute broken out of unescaped <img src=x onerror=alert(1)>", "raw script unescaped <script>alert(1)</script>",
		"redirect off the site redirect off the site", "script URL a javascript: URL in an attribute", "server error answers 500"}
	if got := slices.Sorted(maps.Keys(s.problems)); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
	if got := routeOf([]string{"POST /admin/grupper/{id}", "POST /admin/grupper/ny"}, "/admin/grupper/ny"); got != "POST /admin/grupper/ny" {
		t.Errorf("routeOf = %q", got)
	}
}
