package signups_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
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
	id := kaffetreff(t, ev, "1")
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

// "Slett alt om meg" leaves the person's address and number nowhere: not in any row of any
// table (every column read as text: participants, event sign-ups, the outbox, and the rest),
// after a sign-up by SMS, a second one, an offer, new links, an event sign-up and the mail
// and SMS they made; and no sign-up, offer or link of theirs is left.
func TestDeleteOwnLeavesNoTraceOfAddressOrNumber(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	out := mailtest.Outbox(t, db)
	s, ev := signups.NewStore(db, out), events.NewStore(db, out)
	const email, phone = "slett.meg@example.test", "+4741000017"
	f := form(email)
	f.Phone, f.Contact = phone, "sms"
	res, err := s.SignUp(ctx, f, signups.Target{GroupID: target.GroupID}, "nb")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignUp(ctx, form(email), signups.Target{ThemeID: target.ThemeID}, "nb"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Offer(ctx, []signups.NewOffer{{SignupID: res.SignupID, GroupID: target.GroupID}}, 7, audit.Actor{Label: "test"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SendLink(ctx, email, "nb"); err != nil {
		t.Fatal(err)
	}
	id := kaffetreff(t, ev, "5")
	if _, err := ev.SignUp(ctx, id, events.SignupForm{FirstName: "Kari", Email: email, Adult: true, Consent: true}, "nb", time.Now()); err != nil {
		t.Fatal(err)
	}
	traces := func() map[string]int {
		t.Helper()
		rows, err := db.Query(ctx, `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
			WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]int{}
		for _, table := range tables {
			var n int
			// #nosec G202 -- the table names come from the catalogue, quoted by quote_ident
			err := db.QueryRow(ctx, `SELECT count(*) FROM `+table+` x WHERE x::text ILIKE '%' || $1 || '%'
				OR x::text LIKE '%' || $2 || '%' OR x::text LIKE '%' || $3 || '%'`, email, phone, phone[3:]).Scan(&n)
			if err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			if n > 0 {
				found[table] = n
			}
		}
		return found
	}
	before := traces()
	for _, table := range []string{"public.participants", "public.event_signups", "public.outbox"} {
		if before[table] == 0 {
			t.Errorf("before deleting, %s holds nothing of the person: the test would prove nothing", table)
		}
	}
	if err := s.DeleteOwn(ctx, res.ParticipantID); err != nil {
		t.Fatal(err)
	}
	if after := traces(); len(after) != 0 {
		t.Errorf("after deleting, rows still hold the address or number: %v", after)
	}
	// Sign-ups, offers and links name the person by id only: none of theirs is left.
	var left int
	if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM signups WHERE participant_id = $1)
		+ (SELECT count(*) FROM offers o JOIN signups s ON s.id = o.signup_id WHERE s.participant_id = $1)
		+ (SELECT count(*) FROM offers WHERE signup_id = $2)
		+ (SELECT count(*) FROM participant_links WHERE participant_id = $1)`, res.ParticipantID, res.SignupID).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d sign-ups, offers or links of theirs left (%v)", left, err)
	}
}

// kaffetreff makes a published digital coffee meetup next week with capacity places.
func kaffetreff(t *testing.T, ev *events.Store, capacity string) int64 {
	t.Helper()
	starts := tz.Midnight(time.Now()).AddDate(0, 0, 7).Add(18 * time.Hour).In(tz.Oslo)
	f := events.Form{Kind: events.Coffee, Title: "Kaffetreff", Date: starts.Format(time.DateOnly), Start: "18:00", End: "19:00",
		Format: events.Digital, MeetingLink: "https://zoom.example/j/1", Capacity: capacity, Published: true}
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	id, _, err := ev.Save(context.Background(), 0, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
