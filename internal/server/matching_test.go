package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
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
		res, _ := app.signUp(t, "/tema/sorg/interesse", url.Values{"first_name": {"Kari"}, "email": {email}, "adult": {"on"}, "consent": {"on"},
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

// Issue 18: someone who answers "Nei takk, vent på en annen" is never proposed the group they
// declined again; the next run may propose another group that fits them.
func TestMatchingNeverProposesADeclinedGroupAgain(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	themeID, declined := app.catalogueFixture(t)
	other := app.fixtures(t).Group(fixture.Named("Sorggruppe tirsdag to"), fixture.InThemes(themeID)).ID
	ctx := context.Background()
	visitor := app.client(t)
	if res, _ := app.signUp(t, "/tema/sorg/interesse", goodSignup("venter@example.no")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign up = %d", res.StatusCode)
	}
	var signup, participant int64
	app.db.QueryRow(ctx, `SELECT id, participant_id FROM signups`).Scan(&signup, &participant)
	proposes := func(groupID int64) string { return `value="` + itoa(signup) + ":" + itoa(groupID) + `"` }
	staff := app.client(t).login(p.staff.Email)
	if _, body := staff.get("/admin/matching"); !strings.Contains(body, proposes(declined)) {
		t.Fatalf("the first run does not propose the first group:\n%s", body)
	}
	if res, _ := staff.post("/admin/matching/tilbud", url.Values{"frist": {"7"}, "tilbud": {itoa(signup) + ":" + itoa(declined)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send = %d", res.StatusCode)
	}
	var offerID int64
	app.db.QueryRow(ctx, `SELECT id FROM offers`).Scan(&offerID)
	token, _, err := signups.NewStore(app.db, nil).IssueLink(ctx, participant)
	if err != nil {
		t.Fatal(err)
	}
	if _, body := visitor.get("/mine/" + token); !strings.Contains(body, "Nei takk, vent på en annen") {
		t.Fatalf("my page offers no way to wait for another:\n%s", body)
	}
	if res, body := visitor.post("/mine/"+token+"/tilbud/"+itoa(offerID), url.Values{"svar": {"decline"}}); res.StatusCode != http.StatusOK ||
		!strings.Contains(body, "Du står fortsatt på ventelista") {
		t.Fatalf("decline = %d:\n%s", res.StatusCode, body)
	}
	_, body := staff.get("/admin/matching")
	if strings.Contains(body, proposes(declined)) {
		t.Errorf("the declined group is proposed again:\n%s", body)
	}
	if !strings.Contains(body, proposes(other)) {
		t.Errorf("the other group that fits is not proposed:\n%s", body)
	}
}
