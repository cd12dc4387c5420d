package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Staff log outreach work: a bad form is refused with the message at each field and what was
// typed kept; a good one is listed; deleting asks first, and the deletion can be undone from
// the page it lands on; the report of the year counts the log, and the introduction staff
// write is shown first in the report (escaped) and can be removed again.
func TestOutreachLogAndReportIntro(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	staff := app.client(t).login(p.staff.Email)
	if res, body := staff.get("/admin/utadrettet"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Ingen aktiviteter er ført opp ennå.") {
		t.Fatalf("empty log = %d", res.StatusCode)
	}
	tomorrow := tz.Midnight(time.Now()).AddDate(0, 0, 1).Format("02.01.2006")
	res, body := staff.post("/admin/utadrettet", url.Values{"held_on": {tomorrow}, "kind": {"foredrag"}, "audience": {"Studenter <b>"}, "reach": {"mange"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form = %d", res.StatusCode)
	}
	for _, want := range []string{"datoen kan ikke være fram i tid", "Velg hva slags aktivitet", "Skriv et helt tall fra 0 til 100000",
		`value="Studenter &lt;b&gt;"`, `href="#felt-held_on"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	year := time.Now().In(tz.Oslo).Year()
	day := fmt.Sprintf("02.01.%d", year)
	if res, _ := staff.post("/admin/utadrettet", url.Values{"held_on": {day}, "kind": {"contact_meeting"}, "audience": {"Nye deltakere"},
		"reach": {"7"}, "staff": {"Siri"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("log = %d", res.StatusCode)
	}
	_, body = staff.get("/admin/utadrettet")
	if !strings.Contains(body, "Aktiviteten er ført opp.") || !strings.Contains(body, "Kontaktmøte") || !strings.Contains(body, "Nye deltakere") {
		t.Fatalf("the log does not list it:\n%s", body)
	}
	id := app.count(t, `SELECT id FROM outreach`)
	res, body = staff.post("/admin/utadrettet/"+strconv.Itoa(id)+"/slett", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Aktiviteten er slettet.") || app.count(t, `SELECT count(*) FROM outreach`) != 0 {
		t.Fatalf("delete = %d", res.StatusCode)
	}
	undo := url.Values{}
	for _, field := range []string{"held_on", "kind", "audience", "reach", "staff", "note", "angre"} {
		m := regexpValue(body, field)
		if m == "" && field != "note" {
			t.Fatalf("the undo form lacks %s", field)
		}
		undo.Set(field, m)
	}
	if res, _ := staff.post("/admin/utadrettet", undo); res.StatusCode != http.StatusSeeOther ||
		app.count(t, `SELECT count(*) FROM outreach WHERE kind = 'contact_meeting' AND audience = 'Nye deltakere' AND reach = 7 AND staff = 'Siri'`) != 1 {
		t.Fatalf("undo = %d", res.StatusCode)
	}
	if _, body := staff.get("/admin/utadrettet"); !strings.Contains(body, "Aktiviteten er ført opp igjen.") {
		t.Error("the undo says nothing")
	}
	if res, _ := staff.post("/admin/utadrettet/999999/slett", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleting what is gone = %d", res.StatusCode)
	}

	// The report counts it, and shows the introduction.
	reportPath := "/admin/rapport/" + strconv.Itoa(year)
	if _, body := staff.get(reportPath); !strings.Contains(body, "Kontaktmøte") || !strings.Contains(body, "utadrettet arbeid") {
		t.Error("the report does not count the contact meeting")
	}
	if res, body := staff.post(reportPath+"/innledning", url.Values{"intro": {strings.Repeat("x", 4001)}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `href="#felt-intro"`) {
		t.Errorf("a too long introduction = %d", res.StatusCode)
	}
	if res, _ := staff.post(reportPath+"/innledning", url.Values{"intro": {"Et år med <vekst>.\n\nTakk til alle."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("intro = %d", res.StatusCode)
	}
	_, body = staff.get(reportPath)
	if !strings.Contains(body, "<p class=\"ds-paragraph\">Et år med &lt;vekst&gt;.</p>") || !strings.Contains(body, "Takk til alle.") {
		t.Errorf("the report does not show the introduction as paragraphs:\n%s", body)
	}
	staff.post(reportPath+"/innledning", url.Values{"intro": {""}})
	if _, body := staff.get(reportPath); strings.Contains(body, "Takk til alle.") {
		t.Error("an empty introduction did not remove it")
	}
}

// regexpValue reads the value of the hidden input name in body.
func regexpValue(body, name string) string {
	marker := `name="` + name + `" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i+len(marker):]
	return htmlUnescape(rest[:strings.Index(rest, `"`)])
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
}
