package signups_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// "Slett alt om meg" deletes the person's event sign-ups too, under their address: the place
// they held goes to the first one waiting, and no mail to them is left in the outbox.
func TestDeleteOwnForgetsEventSignups(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	out := mailtest.Outbox(t, db)
	s, ev := signups.NewStore(db, out), events.NewStore(db, out)
	res, err := s.SignUp(ctx, form("kari@example.no"), signups.Target{GroupID: target.GroupID}, "nb")
	if err != nil {
		t.Fatal(err)
	}
	starts := tz.Midnight(time.Now()).AddDate(0, 0, 7).Add(18 * time.Hour).In(tz.Oslo)
	f := events.Form{Kind: events.Coffee, Title: "Kaffetreff", Date: starts.Format(time.DateOnly), Start: "18:00", End: "19:00",
		Format: events.Digital, MeetingLink: "https://zoom.example/j/1", Capacity: "1", Published: true}
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	id, _, err := ev.Save(ctx, 0, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"kari@example.no", "Kari@Example.no", "per@example.no"} {
		// Kari twice: once more with her address in other case, as on another day.
		_, err := ev.SignUp(ctx, id, events.SignupForm{FirstName: "X", Email: email, Adult: true, Consent: true}, "nb", time.Now())
		if err != nil && email != "Kari@Example.no" {
			t.Fatal(err)
		}
	}
	if err := s.DeleteOwn(ctx, res.ParticipantID); err != nil {
		t.Fatal(err)
	}
	var left, perConfirmedOrOffered int
	if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM event_signups WHERE email = 'kari@example.no'),
		(SELECT count(*) FROM event_signups WHERE email = 'per@example.no' AND status IN ('offered', 'confirmed'))`).
		Scan(&left, &perConfirmedOrOffered); err != nil {
		t.Fatal(err)
	}
	if left != 0 || perConfirmedOrOffered != 1 {
		t.Errorf("after deleting: %d event sign-ups of hers left, %d places for the one waiting; want 0 and 1", left, perConfirmedOrOffered)
	}
	for _, m := range mailtest.All(t, db) {
		if m.To == "kari@example.no" {
			t.Errorf("a mail to her is left: %s", fmt.Sprint(m.Kind))
		}
	}
}
