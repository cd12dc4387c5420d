package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Must show 3: /admin/tilbud lists the open offers with deadline and channel, the
// dashboard's offer counts link to it, and extending and withdrawing work and are audited.
func TestTilbudList(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, groupID := app.catalogueFixture(t)
	ctx := context.Background()
	for _, email := range []string{"forst@example.no", "sist@example.no"} {
		res, _ := app.signUp(t, "/tema/sorg/interesse", url.Values{"first_name": {"Kari"}, "email": {email}, "adult": {"on"}, "consent": {"on"},
			"formats": {"house"}, "availability": {"2-evening"}, "languages": {"nb"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign up = %d", res.StatusCode)
		}
	}
	app.db.Exec(ctx, `UPDATE participants SET first_name = 'Siri', contact = 'sms', phone = '+4791234567' WHERE email = 'sist@example.no'`)
	var first, last int64
	app.db.QueryRow(ctx, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = 'forst@example.no'`).Scan(&first)
	app.db.QueryRow(ctx, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = 'sist@example.no'`).Scan(&last)
	staff := app.client(t).login(p.staff.Email)
	if res, _ := staff.post("/admin/matching/tilbud", url.Values{"frist": {"7"},
		"tilbud": {itoa(first) + ":" + itoa(groupID), itoa(last) + ":" + itoa(groupID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send = %d", res.StatusCode)
	}
	var kari, siri int64
	app.db.QueryRow(ctx, `SELECT id FROM offers WHERE signup_id = $1`, first).Scan(&kari)
	app.db.QueryRow(ctx, `SELECT id FROM offers WHERE signup_id = $1`, last).Scan(&siri)

	_, body := staff.get("/admin")
	for _, want := range []string{`href="/admin/tilbud?tilstand=open"`, `href="/admin/tilbud?tilstand=answered"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	res, body := staff.get("/admin/tilbud?tilstand=open")
	deadline := time.Now().AddDate(0, 0, 7).In(tz.Oslo).Format("02.01.2006")
	for _, want := range []string{">Kari</a>", ">Siri</a>", "Sorggruppe tirsdag", "E-post", "<td>SMS</td>", deadline,
		`action="/admin/tilbud/` + itoa(kari) + `/svar"`,
		`action="/admin/tilbud/` + itoa(kari) + `/frist"`, `action="/admin/tilbud/` + itoa(siri) + `/trekk"`} {
		if res.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the list (%d) lacks %q", res.StatusCode, want)
		}
	}

	past := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
	if res, body := staff.post("/admin/tilbud/"+itoa(kari)+"/frist", url.Values{"frist": {past}, "tilstand": {"open"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Den nye fristen må være etter i dag.") || !strings.Contains(body, `id="frist-`+itoa(kari)+`-feil"`) {
		t.Errorf("a past deadline = %d", res.StatusCode)
	}
	later := time.Now().AddDate(0, 0, 20)
	if res, _ := staff.post("/admin/tilbud/"+itoa(kari)+"/frist", url.Values{"frist": {later.Format(time.DateOnly)}, "tilstand": {"open"}}); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/admin/tilbud?tilstand=open" {
		t.Errorf("extend = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := staff.get("/admin/tilbud?tilstand=open"); !strings.Contains(body, "Tilbudet har fått ny frist.") || !strings.Contains(body, later.Format("02.01.2006")) {
		t.Errorf("the list after extending:\n%s", body)
	}
	if res, _ := staff.post("/admin/tilbud/"+itoa(siri)+"/trekk", url.Values{"tilstand": {"open"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("withdraw = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM signups WHERE id = $1 AND status = 'waiting'`, last); n != 1 {
		t.Errorf("the person does not wait again")
	}
	if _, body := staff.get("/admin/tilbud?tilstand=open"); strings.Contains(body, ">Siri</a>") || !strings.Contains(body, "Tilbudet er trukket tilbake.") {
		t.Errorf("the withdrawn offer is still open:\n%s", body)
	}
	if res, _ := staff.post("/admin/tilbud/"+itoa(siri)+"/trekk", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("withdraw again = %d", res.StatusCode)
	}
	for _, action := range []string{"offer.extended", "offer.withdrawn"} {
		if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_id = $2`, action, p.staff.ID); n != 1 {
			t.Errorf("%s: %d audit lines", action, n)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'personal.viewed' AND entity = 'offers'`); n < 4 {
		t.Errorf("%d views of the list audited", n)
	}
	_, body = app.client(t).login(p.admin.Email).get("/admin/logg")
	if !strings.Contains(body, "Ga tilbud om plass ny frist") || !strings.Contains(body, "Trakk tilbake tilbud om plass") {
		t.Errorf("the audit log page lacks the actions")
	}
}
