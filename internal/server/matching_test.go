package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// The matching page proposes the longest waiting for the free places; sending an offer
// mails it without the theme; the person answers on "My sign-ups" too, and a second answer is
// refused with a clear message and changes nothing.
func TestOffersFromTheMatchingPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, groupID := app.catalogueFixture(t)
	ctx := context.Background()
	visitor := app.client(t)
	for _, email := range []string{"forst@example.no", "sist@example.no"} {
		res, _ := visitor.post("/tema/sorg/interesse", url.Values{"first_name": {"Kari"}, "email": {email}, "adult": {"on"}, "consent": {"on"},
			"formats": {"house"}, "availability": {"2-evening"}, "languages": {"nb"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign up = %d", res.StatusCode)
		}
	}
	app.db.Exec(ctx, `UPDATE signups SET waiting_since = now() - interval '90 days' WHERE participant_id = (SELECT id FROM participants WHERE email = 'forst@example.no')`)
	app.db.Exec(ctx, `UPDATE groups SET capacity = 1 WHERE id = $1`, groupID)
	staff := app.client(t).login(p.staff.Email)
	_, body := staff.get("/admin/matching")
	var first, last int64
	app.db.QueryRow(ctx, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = 'forst@example.no'`).Scan(&first)
	app.db.QueryRow(ctx, `SELECT s.id FROM signups s JOIN participants p ON p.id = s.participant_id WHERE p.email = 'sist@example.no'`).Scan(&last)
	if !strings.Contains(body, `value="`+itoa(first)+":"+itoa(groupID)+`"`) || strings.Contains(body, `value="`+itoa(last)+":") {
		t.Fatalf("the one place is not proposed to the longest waiting:\n%s", body)
	}
	if res, body := staff.post("/admin/matching/tilbud", url.Values{"frist": {"0"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "mellom 1 og 30") || !strings.Contains(body, "Kryss av for minst én person.") {
		t.Errorf("send nothing = %d", res.StatusCode)
	}
	if res, _ := staff.post("/admin/matching/tilbud", url.Values{"frist": {"7"}, "tilbud": {itoa(first) + ":" + itoa(groupID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send = %d", res.StatusCode)
	}
	subject, text := app.lastMail(t, "forst@example.no")
	if subject != "Vi har en plass til deg" || strings.Contains(subject+text, "Sorg") || !strings.Contains(text, "/tilbud/") {
		t.Errorf("offer mail %q:\n%s", subject, text)
	}
	// The private page shows the offer and takes the answer.
	var offerID int64
	app.db.QueryRow(ctx, `SELECT id FROM offers`).Scan(&offerID)
	var participant int64
	app.db.QueryRow(ctx, `SELECT participant_id FROM signups WHERE id = $1`, first).Scan(&participant)
	token, _, err := signups.NewStore(app.db, nil).IssueLink(ctx, participant)
	if err != nil {
		t.Fatal(err)
	}
	_, body = visitor.get("/mine/" + token)
	if !strings.Contains(body, "Tilbud til deg: Sorggruppe tirsdag") {
		t.Fatalf("my page lacks the offer:\n%s", body)
	}
	answer := "/mine/" + token + "/tilbud/" + itoa(offerID)
	if res, body := visitor.post(answer, url.Values{"svar": {"accept"}}); res.StatusCode != http.StatusOK || !strings.Contains(body, "Velkommen!") {
		t.Fatalf("accept = %d", res.StatusCode)
	}
	if res, body := visitor.post(answer, url.Values{"svar": {"decline"}}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "Du har alt sagt ja") {
		t.Errorf("answer again = %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM memberships WHERE group_id = $1 AND left_at IS NULL`, groupID); n != 1 {
		t.Errorf("%d members", n)
	}
	// A proposal's "create group" opens the form filled in, with the rooms free at that time.
	app.room(t, "Lindehjørnet")
	_, body = staff.get("/admin/grupper/ny?tema=1&format=house&dag=3&del=evening&sprak=nb&plasser=6")
	for _, want := range []string{`value="18:00"`, `value="19:30"`, "Ledige rom på denne tiden de neste åtte ukene: Lindehjørnet"} {
		if !strings.Contains(body, want) {
			t.Errorf("the prefilled group form lacks %q", want)
		}
	}
	// Someone else's private link cannot answer this offer.
	var otherParticipant int64
	app.db.QueryRow(ctx, `SELECT participant_id FROM signups WHERE id = $1`, last).Scan(&otherParticipant)
	otherToken, _, _ := signups.NewStore(app.db, nil).IssueLink(ctx, otherParticipant)
	if res, _ := visitor.post("/mine/"+otherToken+"/tilbud/"+itoa(offerID), url.Values{"svar": {"accept"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another person answers = %d", res.StatusCode)
	}
}
