package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// linkEnded is what the neutral page of a private link that no longer works says.
const linkEnded = "Lenken virker ikke"

// offerTo offers the waiting sign-up a place in the group, as staff do from the matching
// page, and returns the offer with its link's token.
func (a *testApp) offerTo(t *testing.T, signupID, groupID int64) signups.MadeOffer {
	t.Helper()
	made, err := a.srv.signups().Offer(context.Background(), []signups.NewOffer{{SignupID: signupID, GroupID: groupID}}, 7,
		audit.Actor{Label: "test"}, time.Now())
	if err != nil || len(made) != 1 {
		t.Fatalf("offer: %v, %v", made, err)
	}
	return made[0]
}

// coffeeEvent makes a published digital coffee meetup next week, titled title, for 5.
func (a *testApp) coffeeEvent(t *testing.T, title string) int64 {
	t.Helper()
	day := tz.Midnight(time.Now()).AddDate(0, 0, 7)
	f := events.Form{Kind: events.Coffee, Title: title, Date: day.Format(time.DateOnly), Start: "18:00", End: "19:00",
		Format: events.Digital, MeetingLink: "https://zoom.example/j/1", Capacity: "5", Published: true}
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	id, _, err := a.srv.events().Save(context.Background(), 0, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A new private link ends the older ones beyond the newest three: of five links asked for,
// the two oldest (and the one in the sign-up's confirmation) show the kind "link does not
// work" page, the newest three open the page.
func TestOnlyTheNewestThreePrivateLinksWork(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	_, groupID := app.catalogueFixture(t)
	res := app.fixtures(t).SignUp(signups.Target{GroupID: groupID})
	first := app.lastLink(t, app.emailOf(t, res.ParticipantID))
	var links []string
	for range 5 {
		token, _, err := app.srv.signups().IssueLink(context.Background(), res.ParticipantID)
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, "/mine/"+token)
	}
	c := app.client(t)
	for i, link := range append([]string{first}, links...) {
		res, body := c.get(link)
		works := i >= 3
		if works && (res.StatusCode != http.StatusOK || !strings.Contains(body, "Sorggruppe tirsdag")) {
			t.Errorf("link %d of 6 = %d; the newest three must work", i+1, res.StatusCode)
		}
		if !works && (res.StatusCode != http.StatusNotFound || !strings.Contains(body, linkEnded)) {
			t.Errorf("link %d of 6 = %d; want the page saying it no longer works", i+1, res.StatusCode)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM participant_links WHERE participant_id = $1`, res.ParticipantID); n != signups.MaxLinks {
		t.Errorf("%d links stored, want %d", n, signups.MaxLinks)
	}
}

func (a *testApp) emailOf(t *testing.T, participantID int64) string {
	t.Helper()
	var email string
	if err := a.db.QueryRow(context.Background(), `SELECT email FROM participants WHERE id = $1`, participantID).Scan(&email); err != nil {
		t.Fatal(err)
	}
	return email
}

// The link in an offer works until a week after the answer, or after the deadline passed
// unanswered; then its page is neutral: no first name, no group, no theme.
func TestOfferLinkEndsAWeekAfterTheAnswer(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	_, groupID := app.catalogueFixture(t)
	ctx := context.Background()
	c := app.client(t)
	answered := app.fixtures(t).SignUp(signups.Target{GroupID: groupID})
	unanswered := app.fixtures(t).SignUp(signups.Target{GroupID: groupID})
	offer, late := app.offerTo(t, answered.SignupID, groupID), app.offerTo(t, unanswered.SignupID, groupID)
	var name, lateName string
	app.db.QueryRow(ctx, `SELECT first_name FROM participants WHERE id = $1`, answered.ParticipantID).Scan(&name)
	app.db.QueryRow(ctx, `SELECT first_name FROM participants WHERE id = $1`, unanswered.ParticipantID).Scan(&lateName)
	link, lateLink := "/tilbud/"+offer.Token, "/tilbud/"+late.Token
	personal := func(step, link, name string, wantWorks bool) {
		t.Helper()
		res, body := c.get(link)
		shows := strings.Contains(body, name) || strings.Contains(body, "Sorggruppe") || strings.Contains(body, "Sorg og tap")
		if wantWorks && (res.StatusCode != http.StatusOK || !strings.Contains(body, name) || !strings.Contains(body, "Sorggruppe tirsdag")) {
			t.Errorf("%s: %s = %d, want the offer with the name and the group", step, link, res.StatusCode)
		}
		if !wantWorks && (res.StatusCode != http.StatusNotFound || shows || !strings.Contains(body, linkEnded)) {
			t.Errorf("%s: %s = %d, shows the person or group: %v; want the neutral page", step, link, res.StatusCode, shows)
		}
	}
	personal("before the answer", link, name, true)
	if res, _ := c.post(link, url.Values{"svar": {"decline"}}); res.StatusCode != http.StatusOK {
		t.Fatalf("decline = %d", res.StatusCode)
	}
	personal("just after the answer", link, name, true)
	app.db.Exec(ctx, `UPDATE offers SET answered_at = now() - interval '6 days' WHERE id = $1`, offer.OfferID)
	personal("six days after the answer", link, name, true)
	app.db.Exec(ctx, `UPDATE offers SET answered_at = now() - interval '8 days' WHERE id = $1`, offer.OfferID)
	personal("eight days after the answer", link, name, false)
	if res, _ := c.post(link, url.Values{"svar": {"accept"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("answering through an ended link = %d", res.StatusCode)
	}
	// Unanswered, its deadline passed eight days ago (before the expiry job ran).
	personal("before the deadline", lateLink, lateName, true)
	app.db.Exec(ctx, `UPDATE offers SET made_at = now() - interval '15 days', deadline = now() - interval '8 days' WHERE id = $1`, late.OfferID)
	personal("eight days after the deadline", lateLink, lateName, false)
}

// An event's private link, a week after the event, shows the same neutral page: neither the
// person's first name nor the event.
func TestEventLinkEndsWithANeutralPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	ctx := context.Background()
	id := app.coffeeEvent(t, "Kaffetreff for pårørende")
	m, err := app.srv.events().SignUp(ctx, id, events.SignupForm{FirstName: "Ragnhild", Email: "ragnhild@example.test", Adult: true, Consent: true},
		"nb", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := app.client(t)
	link := "/arrangement/" + m.Token
	if res, body := c.get(link); res.StatusCode != http.StatusOK || !strings.Contains(body, "Kaffetreff for pårørende") {
		t.Fatalf("before the event = %d", res.StatusCode)
	}
	app.db.Exec(ctx, `UPDATE events SET starts_at = now() - interval '8 days 1 hour', ends_at = now() - interval '8 days' WHERE id = $1`, id)
	res, body := c.get(link)
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, linkEnded) || strings.Contains(body, "Ragnhild") || strings.Contains(body, "pårørende") {
		t.Errorf("a week after the event = %d; want the neutral page:\n%s", res.StatusCode, body)
	}
}
