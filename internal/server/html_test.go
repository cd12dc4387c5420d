package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
)

// htmlPage is one answer the HTML checker reads: what a visitor asked for, and the status
// they must get.
type htmlPage struct {
	route  string // the router's "GET /pattern" it stands for; "" for an error state only
	who    string // a visitor of the htmlSite
	method string
	path   string
	form   url.Values
	status int // 0: any below 500, and a redirect or an answer that is not HTML is not checked
	// prepare, when set, runs just before the page is asked for: a step of a flow.
	prepare func(t *testing.T, p *htmlPage)
}

// notHTMLRoutes are the GET routes that answer with something else than a page, and what.
var notHTMLRoutes = map[string]string{
	"GET /healthz":                               "plain text for probes",
	"GET /readyz":                                "plain text for probes",
	"GET /static/*":                              "CSS, fonts, images, scripts",
	"GET /api/grupper.json":                      "JSON",
	"GET /api/moter.json":                        "JSON (Meeting Guide)",
	"GET /grupper/{slug}/kalender.ics":           "iCalendar",
	"GET /mine/{token}/data.json":                "JSON",
	"GET /kalender/{token}":                      "iCalendar",
	"GET /arrangement/{token}/kalender.ics":      "iCalendar",
	"GET /mine/{token}/gruppe/{id}/kalender.ics": "iCalendar",
	"GET /admin/rapport/{year}/{table}":          "CSV",
	"GET /admin/rapport":                         "a redirect to the latest year's report",
	"GET /admin/venteliste/eksport.csv":          "CSV",
	"GET /admin/venteliste/eksport.xlsx":         "XLSX",
}

// Must show: every page of the app is valid HTML. Every GET page of the router is rendered
// as the visitor who may see it, with real ids and private links made by the app's own
// flows on the demo data, together with the error states people meet (forms sent back with
// their errors, 403, 404, 405, 500); the Nu Html Checker then reads them all in one run and
// any error fails the test, listed per page. A GET route with no page here (and not in
// notHTMLRoutes) fails too, so a new page cannot skip the check. Each page is also measured
// on a phone (phoneCheck), and each box of it that scrolls sideways must be reachable by
// keyboard with a name (scrollRegionProblems, issue 23).
func TestEveryPageIsValidHTML(t *testing.T) {
	t.Parallel()
	jar := vnuJar(t)
	site := newHTMLSite(t)
	router, ok := site.app.srv.Handler().(chi.Routes)
	if !ok {
		t.Fatal("the handler is not a chi router")
	}
	pages := site.pages(t, router)
	covered := map[string]bool{}
	for _, p := range pages {
		covered[p.route] = true
	}
	for _, route := range routesOf(router) {
		if strings.HasPrefix(route, "GET ") && !covered[route] && notHTMLRoutes[route] == "" {
			t.Errorf("%s: no page in TestEveryPageIsValidHTML: add it to htmlSite.pages (or to notHTMLRoutes)", route)
		}
	}

	phone := newPhoneCheck(t, site)
	dir := t.TempDir()
	if d := os.Getenv("VNU_PAGES"); d != "" { // keep the pages there, to look at them
		dir = d
	}
	var files []string
	label := map[string]string{}
	for i, p := range pages {
		if p.prepare != nil {
			p.prepare(t, &p)
		}
		body, ok := site.fetch(t, p)
		if !ok {
			continue
		}
		name := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(p.path), "-"), "-")
		file := filepath.Join(dir, fmt.Sprintf("%03d-%.60s.html", i, name))
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
		label[file] = fmt.Sprintf("%s %s as %s (%d)", p.method, p.path, p.who, p.status)
		phone.measure(t, label[file], body)
		for _, problem := range scrollRegionProblems(body) {
			t.Errorf("%s: a box that scrolls sideways is out of reach of the keyboard: %s", label[file], problem)
		}
	}
	problems := runVNU(t, jar, files)
	for _, file := range files {
		if msgs := problems[file]; len(msgs) > 0 {
			t.Errorf("%s: %d HTML error(s):\n\t%s", label[file], len(msgs), strings.Join(msgs, "\n\t"))
		}
	}
	if msgs := problems[""]; len(msgs) > 0 {
		t.Errorf("the checker said:\n\t%s", strings.Join(msgs, "\n\t"))
	}
	t.Logf("%d pages checked", len(files))
}

// vnuJar finds vnu.jar (VNU_JAR, or where .ci/ensure-vnu puts it) and Java, or fails.
func vnuJar(t *testing.T) string {
	t.Helper()
	jar := os.Getenv("VNU_JAR")
	if jar == "" {
		jar, _ = filepath.Abs("../../.data/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
	}
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu Html Checker is missing (%v): run .ci/ensure-vnu from the repository root "+
			"(it installs npm vnu-jar into .data/vnu), or set VNU_JAR to a vnu.jar", err)
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Fatal("the Nu Html Checker needs Java 11 or newer: sudo apt-get install default-jre-headless")
	}
	return jar
}

// vnuLine is one message of the checker's gnu format: "file:PATH":LINE.COL-LINE.COL: TYPE: TEXT.
var vnuLine = regexp.MustCompile(`^"file:([^"]+)":(\d+)\.(\d+)(?:-(\d+)\.(\d+))?: (.*)$`)

// runVNU checks files in one run of the checker (a JVM starts slowly) and returns its
// messages per file, each with the piece of the page it is about; messages about no file are
// under "".
func runVNU(t *testing.T, jar string, files []string) map[string][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"-jar", jar, "--errors-only", "--format", "gnu"}, files...)
	cmd := exec.CommandContext(ctx, "java", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("java -jar %s: %v\n%s", jar, err, out.String())
	}
	problems := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" {
			continue
		}
		m := vnuLine.FindStringSubmatch(line)
		if m == nil {
			problems[""] = append(problems[""], line)
			continue
		}
		file := m[1]
		if u, err := url.PathUnescape(file); err == nil {
			file = u
		}
		problems[file] = append(problems[file], m[6]+"\n\t\tat "+m[2]+"."+m[3]+": "+vnuExcerpt(file, m[2], m[3]))
	}
	if err != nil && len(problems) == 0 {
		t.Fatalf("the checker failed without a message: %v", err)
	}
	return problems
}

// vnuExcerpt is the text of file around line and column (both from 1).
func vnuExcerpt(file, line, col string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return "?"
	}
	l, _ := strconv.Atoi(line)
	c, _ := strconv.Atoi(col)
	lines := strings.Split(string(b), "\n")
	if l < 1 || l > len(lines) {
		return "?"
	}
	s := lines[l-1]
	from, to := max(min(c, len(s))-100, 0), min(c+40, len(s))
	return strings.Join(strings.Fields(s[from:to]), " ")
}

// fetch asks for p as its visitor and returns the page, if there is one to check; a wrong
// status or a body that is not HTML fails the test.
func (s *htmlSite) fetch(t *testing.T, p htmlPage) (string, bool) {
	t.Helper()
	c := s.clients[p.who]
	if c == nil {
		t.Fatalf("no visitor %q", p.who)
	}
	var res *http.Response
	var body string
	switch p.method {
	case http.MethodGet:
		res, body = c.get(p.path)
	case http.MethodPost:
		res, body = c.post(p.path, p.form)
	case "error 500":
		w := httptest.NewRecorder()
		s.app.srv.serverError(w, httptest.NewRequest(http.MethodGet, p.path, nil), errors.New("a failure for the HTML check"))
		res, body = w.Result(), w.Body.String()
	default:
		req, _ := http.NewRequest(p.method, s.app.URL+p.path, nil)
		res, body = c.do(req)
	}
	ct := res.Header.Get("Content-Type")
	switch {
	case p.status == 0 && res.StatusCode >= 500:
		t.Errorf("%s %s as %s = %d", p.method, p.path, p.who, res.StatusCode)
		return "", false
	case p.status == 0 && (res.StatusCode >= 300 && res.StatusCode < 400 || !strings.HasPrefix(ct, "text/html")):
		return "", false
	case p.status != 0 && res.StatusCode != p.status:
		t.Errorf("%s %s as %s = %d (to %q), want %d", p.method, p.path, p.who, res.StatusCode, res.Header.Get("Location"), p.status)
	}
	if !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s %s as %s: Content-Type %q, want an HTML page", p.method, p.path, p.who, ct)
	}
	return body, true
}

// htmlPathIDs names the row each {id} of a form's path stands for, by the path before it.
var htmlPathIDs = map[string]string{
	"/admin/tema/": "theme", "/admin/grupper/": "startup", "/admin/rom/": "room", "/admin/bookinger/": "booking",
	"/admin/nokler/": "key", "/admin/apningstider/stengt/": "closure", "/admin/apningstider/unntak/": "exception", "/admin/innstillinger/rom/": "room", "/admin/utadrettet/": "outreach", "/admin/foresporsler/": "clash",
	"/admin/lisenser/": "licence", "/admin/lisenser/foresporsler/": "loanRequest", "/admin/lisenser/lan/": "loan",
	"/admin/organisasjoner/": "org", "/admin/igangsettere/": "volunteer", "/admin/arrangementer/": "event",
	"/admin/deltakere/": "participant", "/admin/medlemskap/": "membership", "/admin/brukere/": "invited", "/admin/tilbud/": "offer",
	"/admin/ringeliste/": "callOffer", "/admin/venteliste/import/": "importBatch", "/arrangementer/": "event", "/mine/{token}/pamelding/": "signup", "/mine/{token}/tilbud/": "offer",
	"/mine/{token}/gruppe/":      "memberGroup",
	"/partner/rom/foresporsler/": "clash", "/partner/lisenser/foresporsler/": "loanRequest", "/partner/lisenser/lan/": "loan",
	"/gruppe/{token}/foresporsler/": "contactRequest",
}

// postSweep sends every form of the router empty, as the visitor who may send it, after the
// GET pages: whatever comes back as a page (the form with its errors, a clash, a notice) is
// checked too. A form whose path the site has no values for fails the test.
func (s *htmlSite) postSweep(t *testing.T, router chi.Routes) []htmlPage {
	var out []htmlPage
	routes := routesOf(router)
	// Deleting goes last: the other forms of a private link still find it.
	slices.SortStableFunc(routes, func(a, b string) int {
		return boolInt(strings.HasSuffix(a, "/slett")) - boolInt(strings.HasSuffix(b, "/slett"))
	})
	for _, route := range routes {
		pattern, ok := strings.CutPrefix(route, "POST ")
		if !ok {
			continue
		}
		path, err := s.fill(pattern)
		if err != nil {
			t.Error(err)
			continue
		}
		who := "stranger"
		switch {
		case strings.HasPrefix(pattern, "/admin/brukere"), strings.HasPrefix(pattern, "/admin/innstillinger"):
			who = "admin"
		case strings.HasPrefix(pattern, "/admin"):
			who = "staff"
		case strings.HasPrefix(pattern, "/partner"):
			who = "partner"
		case strings.HasPrefix(pattern, "/konto"):
			who = "two-factor user"
		}
		out = append(out, htmlPage{who: who, method: http.MethodPost, path: path, form: url.Values{}})
	}
	return out
}

// fill puts the site's rows and links into the parameters of pattern.
func (s *htmlSite) fill(pattern string) (string, error) {
	var missing []string
	path := regexp.MustCompile(`\{[a-z]+\}`).ReplaceAllStringFunc(pattern, func(param string) string {
		before := pattern[:strings.Index(pattern, param)]
		switch param {
		case "{id}":
			if name := htmlPathIDs[before]; s.ids[name] != 0 {
				return itoa(s.ids[name])
			}
		case "{sid}": // a sign-up of the person the {id} before it names
			if s.ids["signup"] != 0 {
				return itoa(s.ids["signup"])
			}
		case "{token}":
			if link := s.tokens[map[string]string{"mine": "mine", "tilbud": "offer", "arrangement": "event", "gruppe": "contact",
				"nytt-passord": "reset", "invitasjon": "invite", "bekreft": "confirm"}[strings.Split(before, "/")[1]]]; link != "" {
				return link[strings.LastIndex(link, "/")+1:]
			}
		case "{slug}":
			if slug := map[string]string{"/grupper/": s.slugs["group"], "/tema/": s.slugs["theme"]}[before]; slug != "" {
				return slug
			}
		case "{year}":
			return s.year
		}
		missing = append(missing, param)
		return param
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("POST %s: the HTML check has no value for %v: give htmlSite one", pattern, missing)
	}
	return path, nil
}
