package server

import (
	"context"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// Must show 1 (issue 18): three people wait for the same group, each reached their own way:
// Eva by e-mail, Siv (only a mobile number) by SMS, and Per, who asked to be phoned. Staff
// send the offers from matching in one go: Eva gets a mail, Siv an SMS in the dev SMS inbox,
// and Per lands on the call list with no message. Staff phone Per and record his yes; Eva and
// Siv say yes through their links. All three end as members, each is told by their own
// channel, and the private pages of Eva and Siv name the group, its next meetings and the
// address. Every page on the way passes axe-core (browsertest checks each page it opens).
func TestEachPersonIsReachedByTheirChannel(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, groupID := app.catalogueFixture(t)
	ctx := context.Background()

	// Siv signs up in the browser with only her mobile number and chooses SMS.
	siv := browsertest.New(t).NewTab(t)
	siv.Go(t, app.URL+"/grupper/sorggruppe-tirsdag/meld-pa")
	siv.Fill(t, "felt-first_name", "Siv")
	siv.Fill(t, "felt-phone", "912 34 560")
	siv.Press(t, "input[name=contact][value=sms]")
	siv.Press(t, "#felt-adult")
	siv.Press(t, "#felt-consent")
	if got := siv.Click(t, "form.signup button[type=submit]"); !strings.HasSuffix(got.URL, "/takk") {
		t.Fatalf("Siv's sign-up: %s\n%s", got.URL, got.Text)
	}
	// Eva by e-mail, Per asks to be phoned (the form's third choice).
	for _, f := range []struct{ name, email, phone, contact string }{
		{"Eva", "eva@example.org", "", "email"},
		{"Per", "", "+47 912 34 561", "phone"},
	} {
		v := goodSignup(f.email)
		v.Set("first_name", f.name)
		v.Set("phone", f.phone)
		v.Set("contact", f.contact)
		if res, body := app.signUp(t, "/grupper/sorggruppe-tirsdag/meld-pa", v); res.StatusCode != 303 {
			t.Fatalf("%s's sign-up = %d\n%s", f.name, res.StatusCode, body)
		}
	}
	var sivNumber string
	app.db.QueryRow(ctx, `SELECT phone FROM participants WHERE first_name = 'Siv'`).Scan(&sivNumber)
	if sivNumber != "+4791234560" {
		t.Fatalf("Siv's number is stored as %q; want +4791234560", sivNumber)
	}

	// Staff see each one's channel and send the three offers.
	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)
	got := staff.Go(t, app.URL+"/admin/matching")
	for _, want := range []string{"Eva", "Siv", "Per", "E-post", "SMS", "Ring meg"} {
		if !strings.Contains(got.Text, want) {
			t.Fatalf("the matching page lacks %q: %s", want, got.Text)
		}
	}
	got = staff.Click(t, "form[action='/admin/matching/tilbud'] button[type=submit]")
	for _, want := range []string{"1 tilbud er sendt på e-post", "1 tilbud er sendt på SMS", "1 tilbud er satt på ringelista"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("after sending, the page lacks %q: %s", want, got.Text)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM offers WHERE group_id = $1 AND status = 'pending'`, groupID); n != 3 {
		t.Fatalf("%d open offers; want 3", n)
	}
	if n := app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'offer' AND channel = 'email' AND to_addr = 'eva@example.org'`); n != 1 {
		t.Errorf("Eva got %d offer mails; want 1", n)
	}
	if n := app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'offer' AND channel = 'sms' AND to_addr = '+4791234560'`); n != 1 {
		t.Errorf("Siv got %d offer SMS; want 1", n)
	}
	if n := app.count(t, `SELECT count(*) FROM outbox WHERE to_addr = '+4791234561'`); n != 0 {
		t.Errorf("Per, who asked to be phoned, got %d messages; want none", n)
	}

	// The SMS is in the dev SMS inbox, without the group's name or theme.
	got = staff.Go(t, app.URL+"/dev/sms")
	if !strings.Contains(got.Text, "+4791234560") || !strings.Contains(got.Text, "Du har fått tilbud om plass i en gruppe") {
		t.Fatalf("the dev SMS inbox: %s", got.Text)
	}
	for _, secret := range []string{"Sorggruppe", "Sorg og tap"} {
		if strings.Contains(got.Text, secret) {
			t.Errorf("the SMS inbox shows %q", secret)
		}
	}

	// Per is on the call list with his number and the group's time; staff record his yes.
	got = staff.Go(t, app.URL+"/admin/ringeliste")
	for _, want := range []string{"Per", "91 23 45 61", "Sorggruppe tirsdag", "18.00"} {
		if !strings.Contains(got.Text, want) {
			t.Fatalf("the call list lacks %q: %s", want, got.Text)
		}
	}
	perOffer := itoa(int64(app.count(t, `SELECT o.id FROM offers o JOIN signups s ON s.id = o.signup_id
		JOIN participants p ON p.id = s.participant_id WHERE p.first_name = 'Per'`)))
	got = staff.Click(t, "form[action='/admin/ringeliste/"+perOffer+"'] button[value='ja']")
	if !strings.Contains(got.Text, "personen er med i gruppa") {
		t.Fatalf("after Per's yes: %s", got.Text)
	}

	// Eva and Siv answer through the links they got.
	for _, who := range []struct {
		name, addr string
		tab        *browsertest.Tab
	}{{"Eva", "eva@example.org", browsertest.New(t).NewTab(t)}, {"Siv", "+4791234560", siv}} {
		got = who.tab.Go(t, app.URL+app.lastLink(t, who.addr))
		if !strings.Contains(got.Text, "Ja, jeg vil være med") {
			t.Fatalf("%s's offer page: %s", who.name, got.Text)
		}
		if got = who.tab.Click(t, "button[value=accept]"); !strings.Contains(got.Text, "Du er med i gruppa") {
			t.Errorf("after %s's yes: %s", who.name, got.Text)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM memberships WHERE group_id = $1 AND left_at IS NULL`, groupID); n != 3 {
		t.Errorf("%d members; want Eva, Siv and Per", n)
	}

	// Each is told they joined by their channel; Per by SMS to the number he gave, since a
	// confirmation is written, not phoned.
	for addr, channel := range map[string]string{"eva@example.org": "email", "+4791234560": "sms", "+4791234561": "sms"} {
		if n := app.count(t, `SELECT count(*) FROM outbox WHERE kind = 'joined' AND to_addr = $1 AND channel = $2`, addr, channel); n != 1 {
			t.Errorf("%s got %d confirmations by %s; want 1", addr, n, channel)
		}
	}

	// The private page behind each confirmation names the group, the next meetings and the
	// address.
	for _, who := range []struct {
		addr string
		tab  *browsertest.Tab
	}{{"eva@example.org", browsertest.New(t).NewTab(t)}, {"+4791234560", siv}} {
		got = who.tab.Go(t, app.URL+app.lastLink(t, who.addr))
		for _, want := range []string{"Gruppene du er med i", "Sorggruppe tirsdag", "De neste møtene", "tirsdag", "Kirkeveien 61", "Forlat gruppa"} {
			if !strings.Contains(got.Text, want) {
				t.Errorf("%s's private page lacks %q: %s", who.addr, want, got.Text)
			}
		}
	}
}
