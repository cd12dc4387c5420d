package server

import (
	"context"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/demo"
)

// The dashboard shows the demo's day, waiting list and what waits for action, each number a
// link to the list behind it.
func TestDashboard(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	if _, err := demo.Seed(context.Background(), app.db); err != nil {
		t.Fatal(err)
	}
	_, body := app.client(t).login(p.staff.Email).get("/admin")
	for _, want := range []string{
		`<a class="ds-link" href="/admin/foresporsler"><strong>2</strong> forespørsler om rom</a>`,
		`href="/admin/nokler?vis=overdue"><strong>1</strong> nøkkel som skulle vært levert</a>`, // one, not "1 nøkler"
		`href="/admin/oppfolging"><strong>`,
		"Venteliste per tema", "Median ventetid", `href="/admin/venteliste?tema=`, "I dag i huset",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
}
