package events_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// kindOf returns the outbox rows of kind k.
func kindOf(t *testing.T, db *pgxpool.Pool, k mail.Kind) []mailtest.Queued {
	t.Helper()
	var out []mailtest.Queued
	for _, q := range mailtest.All(t, db) {
		if q.Kind == string(k) {
			out = append(out, q)
		}
	}
	return out
}

// A new time or meeting link tells those with a place, once each, with staff's line and a
// new private link, and no subject names the event; a change of the description tells
// nobody; cancelling tells those waiting too, and a second cancel tells nobody again.
func TestEventChangesAndCancelTellThoseSignedUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := store(t)
	id := event(t, s, nextWeek(), 2)
	for i := range 3 {
		if _, err := s.SignUp(ctx, id, person(i), "nb", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	e, _ := s.Get(ctx, id, true)
	f := events.FormOf(e)
	f.Description = "Ny tekst"
	if _, _, err := s.Save(ctx, id, valid(t, f), 0); err != nil {
		t.Fatal(err)
	}
	if n := kindOf(t, db, mail.KindNotice); len(n) != 0 {
		t.Fatalf("a new description told %d", len(n))
	}
	f.Start, f.End, f.Notice = "19:00", "20:00", "Vi starter en time senere."
	if _, _, err := s.Save(ctx, id, valid(t, f), 0); err != nil {
		t.Fatal(err)
	}
	list := kindOf(t, db, mail.KindNotice)
	if len(list) != 2 || list[0].To != "p00@example.test" || list[1].To != "p01@example.test" {
		t.Fatalf("after a new time: %+v", list)
	}
	for _, n := range list {
		if n.Subject != "Et arrangement er endret" || !strings.Contains(n.Text, "har fått ny tid") ||
			!strings.Contains(n.Text, "kl. 19.00") || !strings.Contains(n.Text, "Vi starter en time senere.") ||
			!strings.Contains(n.Text, mailtest.Base.String()+"/arrangement/") {
			t.Errorf("time notice: %+v", n)
		}
	}
	f.MeetingLink, f.Notice = "https://zoom.example/j/456", ""
	if _, _, err := s.Save(ctx, id, valid(t, f), 0); err != nil {
		t.Fatal(err)
	}
	if list = kindOf(t, db, mail.KindNotice); len(list) != 4 || !strings.Contains(list[3].Text, "ny møtelenke") {
		t.Fatalf("after a new link: %+v", list)
	}

	told, err := s.CancelEvent(ctx, id, "Beklager!", audit.Actor{Label: "test"})
	if err != nil || told.Email != 3 {
		t.Fatalf("cancel: %+v %v", told, err)
	}
	list = kindOf(t, db, mail.KindNotice)[4:]
	if len(list) != 3 || list[2].To != "p02@example.test" {
		t.Fatalf("cancel notices: %+v", list)
	}
	for _, n := range list {
		if n.Subject != "Et arrangement er avlyst" || strings.Contains(n.Subject, "kaffetreff") || !strings.Contains(n.Text, "Beklager!") {
			t.Errorf("cancel notice: %+v", n)
		}
	}
	if _, err := s.CancelEvent(ctx, id, "", audit.Actor{Label: "test"}); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("a second cancel: %v", err)
	}
	if n := len(kindOf(t, db, mail.KindNotice)); n != 7 {
		t.Errorf("%d notices after a second cancel, want 7", n)
	}
	if e, _ := s.Get(ctx, id, true); !e.Cancelled || e.Published {
		t.Errorf("cancelled event: %+v", e)
	}
	if _, err := s.Get(ctx, id, false); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("the cancelled event is public: %v", err)
	}
	// It cannot come back: an edit that publishes it again is refused, and nobody can sign up.
	f.Published = true
	var errs validate.Errors
	if _, _, err := s.Save(ctx, id, valid(t, f), 0); !errors.As(err, &errs) || !errs.Has("published") {
		t.Errorf("republishing a cancelled event: %v", err)
	}
	if e, _ := s.Get(ctx, id, true); e.Published {
		t.Error("the cancelled event was published again")
	}
	if _, err := s.SignUp(ctx, id, events.SignupForm{FirstName: "Sen", Email: "sen@example.test"}, "nb", time.Now()); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("a sign-up for a cancelled event: %v", err)
	}
	// A place given up after the cancel is offered to nobody.
	signed, _, _ := s.Signups(ctx, id, 10, 0)
	if offers, err := s.Cancel(ctx, signed[0].ID, time.Now()); err != nil || len(offers) != 0 {
		t.Errorf("a place freed in a cancelled event: %+v %v", offers, err)
	}
}

// Staff's message reaches those chosen: with a place, waiting, or all, with a generic subject
// and an audit line that counts and keeps no text; a bad form sends nothing.
func TestEventMessageReachesTheChosen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := store(t)
	id := event(t, s, nextWeek(), 1)
	for i := range 3 {
		if _, err := s.SignUp(ctx, id, person(i), "nb", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	by := audit.Actor{Label: "test"}
	var errs validate.Errors
	if _, err := s.Message(ctx, id, "alle", mail.MessageForm{Text: " "}, by); !errors.As(err, &errs) || !errs.Has("who") || !errs.Has("text") {
		t.Fatalf("bad form: %v", err)
	}
	if _, err := s.Message(ctx, id, events.WhoWaiting, mail.MessageForm{Text: "Husk å si fra."}, by); err != nil {
		t.Fatal(err)
	}
	list := kindOf(t, db, mail.KindMessage)
	if len(list) != 2 || list[0].To != "p01@example.test" || list[0].Subject != "Melding fra LINK Oslo" || !strings.Contains(list[0].Text, "Husk å si fra.") {
		t.Fatalf("waiting: %+v", list)
	}
	if told, err := s.Message(ctx, id, events.WhoAll, mail.MessageForm{Text: "Til alle."}, by); err != nil || told.Email != 3 {
		t.Fatalf("all: %+v %v", told, err)
	}
	var details string
	if err := db.QueryRow(ctx, `SELECT details::text FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`, audit.MessageSent).Scan(&details); err != nil ||
		strings.Contains(details, "Til alle") || !strings.Contains(details, `"email": 3`) {
		t.Errorf("audit: %s %v", details, err)
	}
}

// valid returns f validated, as Save takes it.
func valid(t *testing.T, f events.Form) events.Form {
	t.Helper()
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	return f
}
