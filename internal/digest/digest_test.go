package digest_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/digest"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// The digest goes once a day, from 07:00, only to the staff who asked for it, in the language
// they chose, listing the requests that arrived since their last with links to them, naming
// no group; with nothing new nobody gets one.
func TestDigestOncePerDayToThoseWhoAsked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	out := mailtest.Outbox(t, db)
	fx := fixture.New(t, db)
	accounts := auth.NewStore(db)
	nb, en, quiet := fx.User("Nora", auth.Staff, 0), fx.User("Ella", auth.Admin, 0), fx.User("Stille", auth.Staff, 0)
	org := fx.Org("Foreningen Alfa")
	partner := fx.User("Per", auth.Partner, org.ID)
	db.Exec(ctx, `UPDATE users SET password_hash = 'x'`)
	for u, lang := range map[int64]i18n.Lang{nb.ID: i18n.NB, en.ID: i18n.EN} {
		if err := accounts.SetRequestDigest(ctx, u, lang); err != nil {
			t.Fatal(err)
		}
	}
	if err := accounts.SetRequestDigest(ctx, partner.ID, i18n.NB); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("a partner asks for staff's digest: %v", err)
	}
	room := fx.Room("Bjørk", 10).ID
	grp := fx.Group(fixture.Named("sorg-tirsdag"), fixture.Form(func(f *groups.Form) { f.Name = "Sorggruppe tirsdag" })).ID
	store := rooms.NewStore(db, nil)
	day := tz.Midnight(time.Now()).AddDate(0, 0, 1) // tomorrow, local midnight
	at := func(days, hour int) time.Time { return day.AddDate(0, 0, days).Add(time.Duration(hour) * time.Hour) }
	ask := func(who rooms.Requester, created time.Time) int64 {
		t.Helper()
		id, err := store.RequestSlot(ctx, who, room, "Møte", rooms.Series{First: day.AddDate(0, 0, 14), Start: 18 * time.Hour, End: 19 * time.Hour, Frequency: rooms.Once}, "")
		if err != nil {
			t.Fatal(err)
		}
		db.Exec(ctx, `UPDATE booking_requests SET created_at = $2 WHERE id = $1`, id, created)
		return id
	}
	fromOrg := ask(rooms.Requester{OrgID: org.ID, ReplyTo: "a@example.test", Lang: "nb"}, at(0, 5))
	fromGroup := ask(rooms.Requester{GroupID: grp, ReplyTo: "k@example.test", Lang: "nb"}, at(0, 6))
	var loan int64
	db.QueryRow(ctx, `INSERT INTO licence_requests (org_id, provider, period, purpose, participants, contact_name, contact_email, created_at)
		VALUES ($1, 'zoom', tstzrange($2, $3), 'Samtalegruppe', 8, 'Per', 'per@example.test', $4) RETURNING id`,
		org.ID, day.AddDate(0, 0, 20), day.AddDate(0, 0, 27), at(0, 6)).Scan(&loan)
	send := func(now time.Time, want int) {
		t.Helper()
		if n, err := digest.Send(ctx, db, out, now); err != nil || n != want {
			t.Fatalf("send at %v: %d sent, %v; want %d", now, n, err, want)
		}
	}

	send(at(0, 6), 0) // before seven
	send(at(0, 8), 2)
	m := mailtest.Last(t, db, nb.Email)
	if m.Subject != "3 nye forespørsler venter på svar" || m.Kind != "request_digest" {
		t.Errorf("the Norwegian digest: %q %s", m.Subject, m.Kind)
	}
	for _, want := range []string{"/admin/foresporsler/" + itoa(fromOrg), "/admin/foresporsler/" + itoa(fromGroup),
		"/admin/lisenser/foresporsler/" + itoa(loan), "Foreningen Alfa ber om rom Bjørk", "kontaktpersonen for en gruppe", "Zoom"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the digest lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "Sorggruppe") {
		t.Error("the digest names a group")
	}
	if m := mailtest.Last(t, db, en.Email); m.Subject != "3 new requests are waiting for an answer" {
		t.Errorf("the English digest: %q", m.Subject)
	}
	for _, u := range []auth.User{quiet, partner} {
		if n := to(t, db, u.Email); n != 0 {
			t.Errorf("%s got %d digests without asking", u.Name, n)
		}
	}

	// Later the same day a new request arrives: no second digest today.
	later := ask(rooms.Requester{OrgID: org.ID, ReplyTo: "a@example.test", Lang: "nb"}, at(0, 12))
	send(at(0, 15), 0)
	// The next morning lists only what is new since yesterday's.
	send(at(1, 7), 2)
	m = mailtest.Last(t, db, nb.Email)
	if m.Subject != "1 ny forespørsel venter på svar" || !strings.Contains(m.Text, "/admin/foresporsler/"+itoa(later)) ||
		strings.Contains(m.Text, "/admin/foresporsler/"+itoa(fromOrg)) {
		t.Errorf("the second digest %q:\n%s", m.Subject, m.Text)
	}
	// Nothing new: nothing sent, and the day after still nothing.
	send(at(2, 9), 0)
	// One who turns it off gets none.
	if err := accounts.SetRequestDigest(ctx, en.ID, ""); err != nil {
		t.Fatal(err)
	}
	ask(rooms.Requester{OrgID: org.ID, ReplyTo: "a@example.test", Lang: "nb"}, at(2, 12))
	send(at(3, 8), 1)
	if n := to(t, db, en.Email); n != 2 {
		t.Errorf("%d digests to one who turned it off, want the 2 from before", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// to counts the messages queued to the address.
func to(t *testing.T, db *pgxpool.Pool, address string) int {
	t.Helper()
	n := 0
	for _, m := range mailtest.All(t, db) {
		if m.To == address {
			n++
		}
	}
	return n
}
