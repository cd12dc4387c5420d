package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
)

// Must show: on the demo data, staff run the matcher and send the proposed offers; the
// mailbox holds one offer per person (with an address); one person accepts through the link
// and becomes a member, another declines and waits again with the same waiting time. The
// matching page and the offer page pass axe-core in both states.
func TestMatchingAndOffersInTheBrowser(t *testing.T) {
	t.Parallel()
	app, p := newDemoApp(t)
	ctx := context.Background()
	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)
	// The dashboard says a pool is ready exactly when the matching page proposes a new group
	// (issue 22: it said so of every theme while the page proposed none).
	ready := strings.Contains(staff.Go(t, app.URL+"/admin").Text, "Nok til en ny gruppe")
	got := staff.Go(t, app.URL+"/admin/matching")
	if !strings.Contains(got.Text, "Plasser i grupper som finnes") || !strings.Contains(got.Text, "venter siden") {
		t.Fatalf("the matching page: %s", got.Text)
	}
	if proposes := !strings.Contains(got.Text, "Ingen nye grupper å foreslå nå"); ready != proposes {
		t.Errorf("the dashboard says a pool is ready: %v; the matching page proposes a new group: %v", ready, proposes)
	}
	got = staff.Click(t, "form[action='/admin/matching/tilbud'] button[type=submit]")
	if !strings.Contains(got.Text, "tilbud er sendt på e-post") || strings.Contains(got.Text, "Tilbudene er sendt") {
		t.Fatalf("after sending: %s", got.Text)
	}
	offers := app.count(t, `SELECT count(*) FROM offers`)
	written := app.count(t, `SELECT count(*) FROM offers WHERE channel <> 'phone'`)
	withMail := app.count(t, `SELECT count(*) FROM offers WHERE channel = 'email'`)
	mails := app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'offer' AND channel = 'email'`)
	messages := app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'offer'`)
	recipients := app.count(t, `SELECT count(DISTINCT to_addr) FROM outbox WHERE kind = 'offer'`)
	if offers < 2 || mails != withMail || messages != written || recipients != messages {
		t.Fatalf("%d offers, %d by e-mail, %d written; %d mails, %d messages to %d addresses", offers, withMail, written, mails, messages, recipients)
	}
	var themes []string
	rows, _ := app.db.Query(ctx, `SELECT name_nb FROM themes`)
	for rows.Next() {
		var n string
		rows.Scan(&n)
		themes = append(themes, n)
	}
	rows.Close()
	var bodies []string
	for _, m := range mailtest.All(t, app.db) {
		if m.Kind == "offer" {
			bodies = append(bodies, m.Subject+m.Text)
		}
	}
	for _, b := range bodies {
		for _, th := range themes {
			if strings.Contains(b, th) {
				t.Errorf("an offer mail names the theme %q", th)
			}
		}
	}

	// The offers are on the staff's list; a past deadline is refused next to its field, a
	// later one is saved.
	got = staff.Go(t, app.URL+"/admin/tilbud?tilstand=open")
	if !strings.Contains(got.Text, "Venter på svar") || !strings.Contains(got.Text, "E-post") {
		t.Fatalf("the offers list: %s", got.Text)
	}
	var firstOffer int64
	app.db.QueryRow(ctx, `SELECT min(id) FROM offers WHERE deadline IS NOT NULL`).Scan(&firstOffer)
	field := "frist-" + itoa(firstOffer)
	extend := "form[action='/admin/tilbud/" + itoa(firstOffer) + "/frist'] button[type=submit]"
	staff.SetValue(t, field, "2001-01-01")
	got = staff.Click(t, extend, browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Den nye fristen må være etter i dag.") {
		t.Errorf("a past deadline: %s", got.Text)
	}
	staff.SetValue(t, field, time.Now().AddDate(0, 0, 10).Format(time.DateOnly))
	if got = staff.Click(t, extend); !strings.Contains(got.Text, "Tilbudet har fått ny frist.") {
		t.Errorf("after extending: %s", got.Text)
	}

	// Two people with an offer by e-mail: the first accepts, the second declines.
	var addrs []string
	var signupIDs []int64
	var sinces []time.Time
	rows, _ = app.db.Query(ctx, `SELECT p.email, s.id, s.waiting_since FROM offers o JOIN signups s ON s.id = o.signup_id
		JOIN participants p ON p.id = s.participant_id WHERE o.channel = 'email' ORDER BY o.id LIMIT 2`)
	for rows.Next() {
		var a string
		var id int64
		var since time.Time
		rows.Scan(&a, &id, &since)
		addrs, signupIDs, sinces = append(addrs, a), append(signupIDs, id), append(sinces, since)
	}
	rows.Close()
	person := browsertest.New(t).NewTab(t)
	offerLink := app.lastLink(t, addrs[0]) // accepting sends a confirmation with another link
	got = person.Go(t, app.URL+offerLink)
	if !strings.Contains(got.Text, "Ja, jeg vil være med") || !strings.Contains(got.Text, "Svar innen") {
		t.Fatalf("the offer page: %s", got.Text)
	}
	got = person.Click(t, "button[value=accept]")
	if !strings.Contains(got.Text, "Velkommen! Du er med i gruppa.") {
		t.Errorf("after accepting: %s", got.Text)
	}
	if n := app.count(t, `SELECT count(*) FROM memberships WHERE signup_id = $1 AND left_at IS NULL`, signupIDs[0]); n != 1 {
		t.Errorf("the person who accepted is not a member")
	}
	// The same link again says it is answered, and changes nothing.
	got = person.Go(t, app.URL+offerLink)
	if !strings.Contains(got.Text, "Du har alt sagt ja") || strings.Contains(got.Text, "Ja, jeg vil være med") {
		t.Errorf("the answered offer: %s", got.Text)
	}

	other := browsertest.New(t).NewTab(t)
	other.Go(t, app.URL+app.lastLink(t, addrs[1]))
	got = other.Click(t, "button[value=decline]")
	if !strings.Contains(got.Text, "Du står fortsatt på ventelista med samme plass") {
		t.Errorf("after declining: %s", got.Text)
	}
	var status string
	var since time.Time
	app.db.QueryRow(ctx, `SELECT status, waiting_since FROM signups WHERE id = $1`, signupIDs[1]).Scan(&status, &since)
	if status != "waiting" || !since.Equal(sinces[1]) {
		t.Errorf("after declining: %s since %v, want waiting since %v", status, since, sinces[1])
	}
	other.Go(t, app.URL+"/tilbud/ukjent", browsertest.Status(http.StatusNotFound))
}
