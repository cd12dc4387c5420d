package server

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// outcome is what a visitor gets from a route.
type outcome string

const (
	allowed   outcome = "allowed"   // the handler answered: 2xx, 3xx elsewhere than the login page, 422
	toLogin   outcome = "login"     // redirected to the login page
	forbidden outcome = "forbidden" // 403
	missing   outcome = "404"       // 404 (an unknown token, say)
)

// The visitors of the matrix, in the order of each row.
var visitors = []string{"anonymous", "partner A", "partner B", "staff", "admin"}

func row(o ...outcome) []outcome { return o }

var (
	everyone  = row(allowed, allowed, allowed, allowed, allowed)
	loggedIn  = row(toLogin, allowed, allowed, allowed, allowed)
	staffOnly = row(toLogin, forbidden, forbidden, allowed, allowed)
	adminOnly = row(toLogin, forbidden, forbidden, forbidden, allowed)
	partners  = row(toLogin, allowed, allowed, forbidden, forbidden)
	// staffMissing: staff pages of one row, asked for with an id that does not exist.
	staffMissing = row(toLogin, forbidden, forbidden, missing, missing)
	// adminMissing: admin pages of one row, asked for with an id that does not exist.
	adminMissing = row(toLogin, forbidden, forbidden, forbidden, missing)
	// partnersMissing: partner actions on a row that is not theirs (or does not exist).
	partnersMissing = row(toLogin, missing, missing, forbidden, forbidden)
	// nobody: a private link that does not exist.
	nobody = row(missing, missing, missing, missing, missing)
)

// matrix says what every route gives every visitor. Every route of the router must be here:
// TestAuthorisationMatrix fails on a route without an entry, so a new route cannot forget
// its guard.
var matrix = map[string][]outcome{
	"GET /":                      everyone,
	"GET /healthz":               everyone,
	"GET /readyz":                everyone,
	"GET /static/*":              row(missing, missing, missing, missing, missing), // only hashed names exist
	"GET /personvern":            everyone,
	"GET /tilgjengelighet":       everyone,
	"GET /kontakt":               everyone,
	"POST /sprak":                everyone,
	"GET /logg-inn":              everyone,
	"POST /logg-inn":             everyone,
	"GET /logg-inn/kode":         row(toLogin, toLogin, toLogin, toLogin, toLogin), // no login half-way
	"POST /logg-inn/kode":        row(toLogin, toLogin, toLogin, toLogin, toLogin),
	"POST /logg-ut":              everyone,
	"GET /glemt-passord":         everyone,
	"POST /glemt-passord":        everyone,
	"GET /nytt-passord/{token}":  row(missing, missing, missing, missing, missing), // unknown token
	"POST /nytt-passord/{token}": row(missing, missing, missing, missing, missing),
	"GET /invitasjon/{token}":    row(missing, missing, missing, missing, missing),
	"POST /invitasjon/{token}":   row(missing, missing, missing, missing, missing),
	"GET /dev/mailbox":           everyone, // development only: not registered in production
	"GET /dev/mailbox/{id}":      row(missing, missing, missing, missing, missing),
	"GET /dev/mailbox/{id}/html": row(missing, missing, missing, missing, missing),
	"GET /dev/sms":               everyone,                                                   // development only: not registered in production
	"POST /sms/inn":              row(forbidden, forbidden, forbidden, forbidden, forbidden), // Twilio's signed webhook

	"GET /grupper":                            everyone,
	"GET /grupper/{slug}":                     row(missing, missing, missing, missing, missing), // no such group
	"GET /tema":                               everyone,
	"GET /tema/{slug}":                        row(missing, missing, missing, missing, missing),
	"GET /api/grupper.json":                   everyone,
	"GET /api/moter.json":                     everyone,
	"GET /grupper/{slug}/kalender.ics":        row(missing, missing, missing, missing, missing), // no such group
	"GET /grupper/{slug}/meld-pa":             row(missing, missing, missing, missing, missing),
	"POST /grupper/{slug}/meld-pa":            row(missing, missing, missing, missing, missing),
	"GET /tema/{slug}/interesse":              row(missing, missing, missing, missing, missing),
	"POST /tema/{slug}/interesse":             row(missing, missing, missing, missing, missing),
	"GET /takk":                               everyone,
	"GET /sjekk-epost":                        everyone,
	"GET /bekreft/{token}":                    nobody,
	"POST /bekreft/{token}":                   nobody,
	"GET /mine":                               everyone,
	"POST /mine":                              everyone,
	"GET /mine/{token}":                       row(missing, missing, missing, missing, missing), // unknown link
	"POST /mine/{token}/pamelding/{id}":       row(missing, missing, missing, missing, missing),
	"GET /mine/{token}/pamelding/{id}/trekk":  row(missing, missing, missing, missing, missing),
	"POST /mine/{token}/pamelding/{id}/trekk": row(missing, missing, missing, missing, missing),
	"GET /mine/{token}/data.json":             row(missing, missing, missing, missing, missing),
	"GET /mine/{token}/slett":                 row(missing, missing, missing, missing, missing),
	"POST /mine/{token}/slett":                row(missing, missing, missing, missing, missing),

	"GET /admin/tema":                        staffOnly,
	"GET /admin/tema/ny":                     staffOnly,
	"POST /admin/tema/ny":                    staffOnly,
	"GET /admin/tema/{id}":                   staffMissing,
	"POST /admin/tema/{id}":                  staffMissing,
	"GET /admin/grupper":                     staffOnly,
	"GET /admin/grupper/ny":                  staffOnly,
	"POST /admin/grupper/ny":                 staffOnly,
	"GET /admin/grupper/{id}":                staffMissing,
	"POST /admin/grupper/{id}":               staffMissing,
	"POST /admin/grupper/{id}/status":        staffMissing,
	"POST /admin/grupper/{id}/publisering":   staffMissing,
	"POST /admin/grupper/{id}/moetelenke":    staffMissing,
	"GET /admin/rom":                         staffOnly,
	"GET /admin/dagsark":                     staffOnly,
	"GET /admin/rom/{id}":                    staffMissing,
	"POST /admin/rom/{id}/kalender":          staffMissing,
	"POST /admin/grupper/{id}/kalender":      staffMissing,
	"GET /kalender/{token}":                  row(missing, missing, missing, missing, missing), // unknown token
	"GET /admin/bookinger/ny":                staffOnly,
	"POST /admin/bookinger/ny":               staffOnly,
	"GET /admin/bookinger/{id}":              staffMissing,
	"POST /admin/bookinger/{id}/avlys":       staffMissing,
	"POST /admin/bookinger/{id}/gjeninnsett": staffMissing,
	"POST /admin/bookinger/{id}/forleng":     staffMissing,
	"GET /admin/nokler":                      staffOnly,
	"GET /admin/nokler/ny":                   staffOnly,
	"POST /admin/nokler/ny":                  staffOnly,
	"GET /admin/nokler/revisjon":             staffOnly,
	"GET /admin/nokler/{id}":                 staffMissing,
	"POST /admin/nokler/{id}/utlan":          staffMissing,
	"POST /admin/nokler/{id}/retur":          staffMissing,
	"POST /admin/nokler/{id}/retur/angre":    staffMissing,
	"GET /admin/venteliste":                  staffOnly,
	// The import and export of the waiting list (issue 19); a batch or person that does not
	// exist is 404.
	"GET /admin/venteliste/eksport.csv":           staffOnly,
	"GET /admin/venteliste/eksport.xlsx":          staffOnly,
	"GET /admin/venteliste/import":                staffOnly,
	"POST /admin/venteliste/import":               staffOnly,
	"GET /admin/venteliste/import/{id}":           staffMissing,
	"POST /admin/venteliste/import/{id}/kolonner": staffMissing,
	"POST /admin/venteliste/import/{id}/importer": staffMissing,
	"GET /admin/venteliste/importerte":            staffOnly,
	"POST /admin/deltakere/{id}/samtykke":         staffMissing,
	"GET /admin/deltakere/ny":                     staffOnly,
	"POST /admin/deltakere/ny":                    staffOnly,
	"GET /admin/deltakere/{id}":                   staffMissing,
	"GET /admin/deltakere/{id}/meld-pa":           staffMissing,
	"POST /admin/deltakere/{id}/meld-pa":          staffMissing,
	"POST /admin/deltakere/{id}/plasser":          staffMissing,
	"POST /admin/deltakere/{id}/slett":            staffMissing,
	"POST /admin/deltakere/{id}/sms":              staffMissing,
	"POST /admin/medlemskap/{id}/slutt":           staffMissing,

	// The desk (issue 19): search and the person's page.
	"GET /admin/sok":                                     staffOnly,
	"POST /admin/deltakere/{id}/kontakt":                 staffMissing,
	"POST /admin/deltakere/{id}/notat":                   staffMissing,
	"POST /admin/deltakere/{id}/pameldinger/{sid}/trekk": staffMissing,

	"GET /konto":           loggedIn,
	"GET /konto/tofaktor":  loggedIn,
	"POST /konto/tofaktor": loggedIn,
	"POST /konto/varsel":   staffOnly,

	"GET /admin/":                                  staffOnly,
	"GET /admin/invitasjon":                        staffOnly,
	"POST /admin/invitasjon":                       staffOnly,
	"GET /admin/brukere":                           adminOnly,
	"GET /admin/brukere/{id}":                      adminOnly,
	"POST /admin/brukere/{id}/rolle":               adminOnly,
	"POST /admin/brukere/{id}/deaktiver":           adminOnly,
	"POST /admin/brukere/{id}/aktiver":             adminOnly,
	"POST /admin/brukere/{id}/tofaktor":            adminOnly,
	"POST /admin/brukere/{id}/invitasjon":          adminOnly,
	"GET /admin/innstillinger/rom":                 adminOnly,
	"GET /admin/innstillinger/rom/ny":              adminOnly,
	"POST /admin/innstillinger/rom/ny":             adminOnly,
	"GET /admin/innstillinger/rom/{id}":            adminMissing,
	"POST /admin/innstillinger/rom/{id}":           adminMissing,
	"GET /admin/innstillinger/rom/{id}/avvikle":    adminMissing,
	"POST /admin/innstillinger/rom/{id}/avvikle":   adminMissing,
	"POST /admin/innstillinger/rom/{id}/ta-i-bruk": adminMissing,
	"GET /admin/innstillinger":                     adminOnly,
	"POST /admin/innstillinger":                    adminOnly,
	"POST /admin/innstillinger/kontakt":            adminOnly,
	"GET /admin/logg":                              adminOnly,

	"GET /partner/":                             partners,
	"GET /partner/rom":                          partners,
	"GET /partner/rom/ny":                       partners,
	"POST /partner/rom/ny":                      partners,
	"GET /partner/rom/foresporsler":             partners,
	"POST /partner/rom/avlys":                   partnersMissing,
	"POST /partner/rom/foresporsler/{id}/trekk": partnersMissing,

	// A group's contact person: the link is the key.
	"GET /gruppe/{token}":                          nobody,
	"GET /gruppe/{token}/ny":                       nobody,
	"POST /gruppe/{token}/ny":                      nobody,
	"GET /gruppe/{token}/foresporsler":             nobody,
	"POST /gruppe/{token}/avlys":                   nobody,
	"POST /gruppe/{token}/foresporsler/{id}/trekk": nobody,
	"GET /gruppe/{token}/moetelenke":               nobody,
	"POST /gruppe/{token}/moetelenke":              nobody,

	"GET /admin/apningstider":                         staffOnly,
	"POST /admin/apningstider":                        staffOnly,
	"POST /admin/apningstider/stengt":                 staffOnly,
	"POST /admin/apningstider/stengt/{id}/slett":      staffMissing,
	"POST /admin/apningstider/unntak":                 staffOnly,
	"POST /admin/apningstider/unntak/{id}/slett":      staffMissing,
	"GET /admin/apningstider/stengt/{id}/avlys":       staffMissing,
	"POST /admin/apningstider/stengt/{id}/avlys":      staffMissing,
	"GET /admin/rom/uke":                              staffOnly,
	"GET /admin/organisasjoner":                       staffOnly,
	"GET /admin/organisasjoner/ny":                    staffOnly,
	"POST /admin/organisasjoner/ny":                   staffOnly,
	"GET /admin/organisasjoner/{id}":                  staffMissing,
	"POST /admin/organisasjoner/{id}":                 staffMissing,
	"GET /admin/lisenser":                             staffOnly,
	"GET /admin/lisenser/ny":                          staffOnly,
	"POST /admin/lisenser/ny":                         staffOnly,
	"GET /admin/lisenser/bruk":                        staffOnly,
	"GET /admin/lisenser/foresporsler":                staffOnly,
	"GET /admin/lisenser/foresporsler/ny":             staffOnly,
	"POST /admin/lisenser/foresporsler/ny":            staffOnly,
	"GET /admin/lisenser/foresporsler/{id}":           staffMissing,
	"POST /admin/lisenser/foresporsler/{id}/godkjenn": staffMissing,
	"POST /admin/lisenser/foresporsler/{id}/avslag":   staffMissing,
	"GET /admin/lisenser/lan":                         staffOnly,
	"POST /admin/lisenser/lan/{id}/retur":             staffMissing,
	"GET /admin/lisenser/{id}":                        staffMissing,
	"POST /admin/lisenser/{id}":                       staffMissing,
	"POST /admin/lisenser/{id}/vis":                   staffMissing,
	"GET /partner/lisenser":                           partners,
	"GET /partner/lisenser/ny":                        partners,
	"POST /partner/lisenser/ny":                       partners,
	"POST /partner/lisenser/foresporsler/{id}/trekk":  partnersMissing,
	"GET /partner/lisenser/lan/{id}":                  partnersMissing,
	"POST /partner/lisenser/lan/{id}/vis":             partnersMissing,
	"GET /admin/matching":                             staffOnly,
	"POST /admin/matching/tilbud":                     staffOnly,
	"GET /admin/tilbud":                               staffOnly,
	"POST /admin/tilbud/{id}/frist":                   staffMissing,
	"POST /admin/tilbud/{id}/trekk":                   staffMissing,
	"POST /admin/tilbud/{id}/svar":                    staffMissing,
	"GET /admin/ringeliste":                           staffOnly,
	"POST /admin/ringeliste/{id}":                     staffMissing,
	"POST /mine/{token}/tilbud/{id}":                  nobody,
	"GET /mine/{token}/gruppe/{id}/kalender.ics":      nobody,
	"GET /mine/{token}/gruppe/{id}/forlat":            nobody,
	"POST /mine/{token}/gruppe/{id}/forlat":           nobody,
	"GET /tilbud/{token}":                             nobody,
	"POST /tilbud/{token}":                            nobody,
	"GET /arrangementer":                              everyone,
	"GET /arrangementer/{id}":                         nobody,
	"GET /arrangementer/{id}/takk":                    nobody,
	"POST /arrangementer/{id}":                        nobody,
	"GET /arrangement/{token}":                        nobody,
	"POST /arrangement/{token}/avmeld":                nobody,
	"POST /arrangement/{token}/ja":                    nobody,
	"GET /arrangement/{token}/kalender.ics":           nobody,
	"GET /admin/arrangementer":                        staffOnly,
	"GET /admin/arrangementer/ny":                     staffOnly,
	"GET /admin/arrangementer/serier":                 staffOnly,
	"GET /admin/arrangementer/serier/ny":              staffOnly,
	"POST /admin/arrangementer/serier/ny":             staffOnly,
	"GET /admin/arrangementer/serier/{id}":            staffMissing,
	"POST /admin/arrangementer/ny":                    staffOnly,
	"GET /admin/arrangementer/{id}":                   staffMissing,
	"POST /admin/arrangementer/{id}":                  staffMissing,
	"POST /admin/arrangementer/{id}/oppmote":          staffMissing,
	"POST /admin/arrangementer/{id}/avlys":            staffMissing,
	"GET /admin/arrangementer/{id}/melding":           staffMissing,
	"POST /admin/arrangementer/{id}/melding":          staffMissing,
	"GET /admin/rapport":                              staffOnly,
	"GET /admin/rapport/{year}":                       staffMissing,
	"GET /admin/rapport/{year}/{table}":               staffMissing,
	"POST /admin/rapport/{year}/innledning":           staffMissing,
	"GET /admin/utadrettet":                           staffOnly,
	"POST /admin/utadrettet":                          staffOnly,
	"POST /admin/utadrettet/{id}/slett":               staffMissing,
	"GET /admin/foresporsler":                         staffOnly,
	"GET /admin/foresporsler/{id}":                    staffMissing,
	"POST /admin/foresporsler/{id}/godkjenn":          staffMissing,
	"POST /admin/foresporsler/{id}/avslag":            staffMissing,
	"GET /admin/grupper/{id}/rom":                     staffMissing,
	"POST /admin/grupper/{id}/kontakt":                staffMissing,
	"POST /admin/grupper/{id}/kontakt/lenke":          staffMissing,
	"POST /admin/grupper/{id}/kontakt/slett":          staffMissing,
	"GET /admin/grupper/{id}/medlemmer":               staffMissing,
	"GET /admin/grupper/{id}/melding":                 staffMissing,
	"POST /admin/grupper/{id}/melding":                staffMissing,
}

// router is the app's chi router, to walk.
func (app *testApp) router(t *testing.T) chi.Routes {
	t.Helper()
	r, ok := app.srv.Handler().(chi.Routes)
	if !ok {
		t.Fatal("the handler is not a chi router")
	}
	return r
}

// routesOf lists every "METHOD pattern" of a router.
func routesOf(r chi.Routes) []string {
	var out []string
	_ = chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+route)
		return nil
	})
	sort.Strings(out)
	return out
}

// notInMatrix returns the routes of r that the matrix has no entry for.
func notInMatrix(r chi.Routes, m map[string][]outcome) []string {
	var out []string
	for _, route := range routesOf(r) {
		if _, ok := m[route]; !ok {
			out = append(out, route)
		}
	}
	return out
}

// The check itself: a router with one route too many is caught.
func TestMatrixCatchesANewRoute(t *testing.T) {
	t.Parallel()
	r := chi.NewRouter()
	r.Get("/", func(http.ResponseWriter, *http.Request) {})
	r.Route("/admin", func(r chi.Router) {
		r.Get("/", func(http.ResponseWriter, *http.Request) {})
		r.Post("/ny-ting", func(http.ResponseWriter, *http.Request) {})
	})
	got := notInMatrix(r, map[string][]outcome{"GET /": everyone, "GET /admin/": staffOnly})
	if !slices.Equal(got, []string{"POST /admin/ny-ting"}) {
		t.Errorf("notInMatrix = %v, want the new route", got)
	}
}

func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	router := app.router(t)
	if gaps := notInMatrix(router, matrix); len(gaps) > 0 {
		t.Fatalf("routes without an entry in the authorisation matrix: %v", gaps)
	}
	clients := []*client{app.client(t), app.client(t).login(p.partnerA.Email), app.client(t).login(p.partnerB.Email),
		app.client(t).login(p.staff.Email), app.client(t).login(p.admin.Email)}
	routes := routesOf(router)
	// Logging out ends the session the other rows need, so it goes last.
	slices.SortStableFunc(routes, func(a, b string) int {
		return boolInt(a == "POST /logg-ut") - boolInt(b == "POST /logg-ut")
	})
	for _, route := range routes {
		method, pattern, _ := strings.Cut(route, " ")
		id := strconv.FormatInt(p.target.ID, 10)
		if !strings.Contains(pattern, "/brukere/") {
			id = "999999" // themes, groups, participants: an id that does not exist
		}
		path := strings.NewReplacer("{id}", id, "{token}", "ukjent-lenke", "{slug}", "finnes-ikke", "*", "ukjent.css").Replace(pattern)
		for i, c := range clients {
			var res *http.Response
			if method == http.MethodGet {
				res, _ = c.get(path)
			} else {
				res, _ = c.post(path, url.Values{})
			}
			if got := outcomeOf(res); got != matrix[route][i] {
				t.Errorf("%s %s as %s: %s (%d %s), want %s", method, path, visitors[i], got, res.StatusCode,
					res.Header.Get("Location"), matrix[route][i])
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func outcomeOf(res *http.Response) outcome {
	switch {
	case res.StatusCode == http.StatusForbidden:
		return forbidden
	case res.StatusCode == http.StatusNotFound:
		return missing
	case res.StatusCode >= 300 && res.StatusCode < 400 && strings.HasPrefix(res.Header.Get("Location"), "/logg-inn"):
		return toLogin
	case res.StatusCode < 500:
		return allowed
	}
	return outcome("server error " + strconv.Itoa(res.StatusCode))
}
