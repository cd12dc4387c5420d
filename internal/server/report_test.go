package server

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/counts"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
)

// The report page passes axe-core (charts with role="img", title and description, the same
// figures as tables) and each table downloads as CSV that parses.
func TestReportPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, app.db); err != nil {
		t.Fatal(err)
	}
	year := strconv.Itoa(time.Now().Year())
	if err := counts.Add(ctx, app.db, time.Now().Year(), "signups", "friend", 12); err != nil {
		t.Fatal(err)
	}
	staff := app.client(t).login(p.staff.Email)
	if res, _ := staff.get("/admin/rapport"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/rapport/"+strconv.Itoa(time.Now().Year()-1) {
		t.Errorf("/admin/rapport = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := staff.get("/admin/rapport/" + year + "/kilder.csv")
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, bom)))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || err != nil || len(recs) < 2 {
		t.Errorf("csv = %d %q %v", res.StatusCode, recs, err)
	}
	if res, _ := staff.get("/admin/rapport/" + year + "/finnes-ikke.csv"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown table = %d", res.StatusCode)
	}
	// Each report links to the year before, and to the year after only once it has begun: a
	// report of a year to come is not found.
	next := strconv.Itoa(time.Now().Year() + 1)
	if _, page := staff.get("/admin/rapport/" + year); strings.Contains(page, `href="/admin/rapport/`+next+`"`) ||
		!strings.Contains(page, `href="/admin/rapport/`+strconv.Itoa(time.Now().Year()-1)+`"`) {
		t.Errorf("this year's report links to next year's, or not to last year's")
	}
	if _, page := staff.get("/admin/rapport/" + strconv.Itoa(time.Now().Year()-1)); !strings.Contains(page, `href="/admin/rapport/`+year+`"`) {
		t.Errorf("last year's report does not link to this year's")
	}
	if res, _ := staff.get("/admin/rapport/" + next); res.StatusCode != http.StatusNotFound {
		t.Errorf("next year's report = %d", res.StatusCode)
	}
	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, p.staff.Email)
	got := tab.Go(t, app.URL+"/admin/rapport/"+year)
	if !strings.Contains(got.Text, "Årsmelding "+year) || !strings.Contains(got.Text, "Hvor hørte de om oss?") {
		t.Errorf("the report: %s", got.Text)
	}
	// Must show: printed (Chromium print-to-PDF on A4, the print stylesheet), no table is cut off.
	printed := tab.Print(t)
	if !strings.HasPrefix(string(printed.PDF), "%PDF") || len(printed.CutOff) != 0 {
		t.Errorf("printed: %d bytes of PDF, cut off: %q", len(printed.PDF), printed.CutOff)
	}
}
