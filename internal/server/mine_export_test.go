package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// myExport is the download as a reader of it sees the parts this test checks.
type myExport struct {
	Participant struct {
		Contact string `json:"preferred_contact"`
	} `json:"participant"`
	Signups []struct {
		Status string `json:"status"`
	} `json:"signups"`
	Offers []struct {
		Group      string     `json:"group"`
		Status     string     `json:"status"`
		MadeAt     time.Time  `json:"made_at"`
		AnsweredAt *time.Time `json:"answered_at"`
	} `json:"offers"`
	EventSignups []struct {
		Event  string    `json:"event"`
		Starts time.Time `json:"starts_at"`
		Status string    `json:"status"`
	} `json:"event_signups"`
	Queued []struct {
		Kind     string    `json:"kind"`
		Channel  string    `json:"channel"`
		QueuedAt time.Time `json:"queued_at"`
	} `json:"queued_messages"`
	Legend map[string]map[string]string `json:"legend"`
}

// The download on the private page holds the person's offers (group, status, when made and
// answered), their event sign-ups (event, date, status) and the messages to them still
// waiting to go (kind, channel, when: never the text), with a legend of every code in it in
// their language.
func TestMyExportHoldsOffersEventsQueuedMailAndALegend(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	_, groupID := app.catalogueFixture(t)
	ctx := context.Background()
	res := app.fixtures(t).SignUp(signups.Target{GroupID: groupID})
	email := app.emailOf(t, res.ParticipantID)
	offer := app.offerTo(t, res.SignupID, groupID)
	if _, err := app.srv.signups().AnswerOffer(ctx, offer.OfferID, signups.Decline); err != nil {
		t.Fatal(err)
	}
	eventID := app.coffeeEvent(t, "Kaffetreff i desember")
	if _, err := app.srv.events().SignUp(ctx, eventID, events.SignupForm{FirstName: "Kari", Email: email, Adult: true, Consent: true},
		"nb", time.Now()); err != nil {
		t.Fatal(err)
	}
	// The confirmation of the sign-up has gone; the offer and the event's mail wait.
	app.db.Exec(ctx, `UPDATE outbox SET sent_at = now(), transport = 'devmailbox' WHERE to_addr = $1 AND kind = 'signup'`, email)
	token, _, err := app.srv.signups().IssueLink(ctx, res.ParticipantID)
	if err != nil {
		t.Fatal(err)
	}
	download := func() (myExport, string) {
		t.Helper()
		r, body := app.client(t).get("/mine/" + token + "/data.json")
		var x myExport
		if err := json.Unmarshal([]byte(body), &x); r.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("export = %d, %v:\n%s", r.StatusCode, err, body)
		}
		return x, body
	}
	x, body := download()
	if len(x.Offers) != 1 || x.Offers[0].Group != "Sorggruppe tirsdag" || x.Offers[0].Status != "declined" ||
		x.Offers[0].MadeAt.IsZero() || x.Offers[0].AnsweredAt == nil {
		t.Errorf("offers %+v", x.Offers)
	}
	if len(x.EventSignups) != 1 || x.EventSignups[0].Event != "Kaffetreff i desember" || x.EventSignups[0].Status != events.Confirmed ||
		x.EventSignups[0].Starts.Before(time.Now()) {
		t.Errorf("event sign-ups %+v", x.EventSignups)
	}
	kinds := map[string]bool{}
	for _, m := range x.Queued {
		kinds[m.Kind] = true
		if m.Channel != "email" || m.QueuedAt.IsZero() {
			t.Errorf("queued message %+v", m)
		}
	}
	if !kinds["offer"] || !kinds["event"] || kinds["signup"] {
		t.Errorf("queued kinds %v; want the offer and the event's mail, not the sent confirmation", kinds)
	}
	if strings.Contains(body, "/tilbud/") || strings.Contains(body, "/arrangement/") || strings.Contains(body, "/mine/") {
		t.Error("the export holds a private link: a message's text")
	}
	want := map[string]map[string]string{
		"participant.preferred_contact": {"email": "E-post"},
		"signups.status":                {"waiting": "Vi samler folk og tar kontakt med deg"},
		"signups.availability":          {"2-evening": "tirsdag kveld"},
		"offers.status":                 {"declined": "Takket nei, venter på en annen"},
		"offers.channel":                {"email": "E-post"},
		"event_signups.status":          {"confirmed": "Du har plass"},
		"queued_messages.kind":          {"offer": "Tilbud om plass", "event": "Arrangement"},
		"queued_messages.channel":       {"email": "E-post"},
	}
	for field, codes := range want {
		for code, label := range codes {
			if got := x.Legend[field][code]; got != label {
				t.Errorf("legend %s %s = %q, want %q", field, code, got, label)
			}
		}
	}
	// Every code in the export is explained, in words rather than a catalogue key.
	for field, codes := range x.Legend {
		for code, label := range codes {
			if label == "" || label == code || strings.Contains(label, ".") && !strings.Contains(label, " ") {
				t.Errorf("legend %s %s = %q", field, code, label)
			}
		}
	}
	app.db.Exec(ctx, `UPDATE participants SET lang = 'en' WHERE id = $1`, res.ParticipantID)
	if x, _ := download(); x.Legend["offers.status"]["declined"] != "Declined, waits for another" ||
		x.Legend["queued_messages.kind"]["offer"] != "Offer of a place" {
		t.Errorf("the legend in English: %v", x.Legend)
	}
}
