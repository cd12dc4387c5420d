package mail_test

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// privateLink finds a private link of the site in a message: its path and token.
var privateLink = regexp.MustCompile(`http://selvhjelp\.test/(mine|nytt-passord|invitasjon|tilbud|gruppe|arrangement|bekreft)/([A-Za-z0-9_-]{20,})`)

// Must show 5 of issue 20. The use cases that send private links queue their messages (a
// sign-up's /mine link by e-mail and by SMS, a password reset, an invitation): no column of
// the outbox and no job's arguments hold a link or its token, in any form. The worker then
// delivers each message once with its link intact, and keeps no body of what it sent.
func TestQueuedMailHoldsNoLinkInClear(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	queuePrivateLinks(t, db)

	links := map[string]string{} // full link → "channel path"
	for _, m := range mailtest.All(t, db) {
		for _, l := range privateLink.FindAllStringSubmatch(m.Text, -1) {
			links[l[0]] = string(m.Channel) + " " + l[1]
		}
	}
	for _, want := range []string{"email mine", "sms mine", "email nytt-passord", "email invitasjon"} {
		if !slices.Contains(slices.Collect(maps.Values(links)), want) {
			t.Fatalf("no %s link among the queued messages: %v", want, links)
		}
	}
	needles := []string{"selvhjelp.test/"} // every link's host and path
	for l := range links {
		needles = append(needles, l, l[strings.LastIndex(l, "/")+1:])
	}
	for _, where := range clearText(t, db, needles) {
		t.Errorf("in clear while queued: %s", where)
	}

	sender, delivered := mail.StartSink(t)
	texts := &smsBox{}
	mail.StartClient(t, db, mail.Config{Sender: sender, SMSSender: texts, Seal: mailtest.Seal})
	mail.Eventually(t, "every message sent", func() bool {
		return count(t, db, `SELECT count(*) FROM outbox WHERE sent_at IS NULL`) == 0
	})
	var got []string // each delivered message's text
	ids := map[string]bool{}
	for _, d := range delivered() {
		got, ids[d.MessageID] = append(got, d.Text), true
	}
	got = append(got, texts.all()...)
	if mails := count(t, db, `SELECT count(*) FROM outbox WHERE channel = 'email'`); len(ids) != mails || len(got) != count(t, db, `SELECT count(*) FROM outbox`) {
		t.Errorf("%d messages with %d Message-IDs delivered for %d e-mails; want each once", len(got), len(ids), mails)
	}
	for l, what := range links {
		if n := countContaining(got, l); n != 1 {
			t.Errorf("the %s link arrived in %d messages, want 1", what, n)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM outbox
		WHERE text_body IS NOT NULL OR html_body IS NOT NULL OR key_id IS NOT NULL OR sealed_body IS NOT NULL`); n != 0 {
		t.Errorf("%d sent messages keep a body", n)
	}
	if where := clearText(t, db, needles); len(where) != 0 {
		t.Errorf("in clear after sending: %v", where)
	}
}

// queuePrivateLinks runs the use cases that mail private links: a sign-up by e-mail and one
// by SMS (each with a /mine link), a password reset and an invitation.
func queuePrivateLinks(t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	out := mailtest.Outbox(t, db)
	group := fixture.New(t, db).Group()
	s := signups.NewStore(db, out)
	prefs := signups.Prefs{Formats: []string{"house"}, Availability: []string{"2-evening"}}
	for _, f := range []signups.Form{
		{FirstName: "Kari", Email: "kari@example.org", Adult: true, Consent: true, Prefs: prefs},
		{FirstName: "Ola", Phone: "912 34 567", Contact: "sms", Adult: true, Consent: true, Prefs: prefs},
	} {
		if _, err := s.SignUp(ctx, &f, signups.Target{GroupID: group.ID}, i18n.NB); err != nil {
			t.Fatalf("sign-up of %s: %v", f.FirstName, err)
		}
	}
	users := auth.NewStore(db)
	by := audit.Actor{Label: "test", IP: "192.0.2.1"}
	if _, err := users.Create(ctx, auth.NewUser{Email: "ansatt@example.org", Name: "Siri", Role: auth.Staff, Password: "en lang og god setning"}); err != nil {
		t.Fatal(err)
	}
	if err := users.AskReset(ctx, out, "ansatt@example.org", by); err != nil {
		t.Fatal(err)
	}
	if _, err := users.Invite(ctx, out, auth.NewUser{Email: "ny@example.org", Name: "Nina", Role: auth.Staff}, auth.Roles, by); err != nil {
		t.Fatal(err)
	}
}

// clearText names each place where a needle stands in clear: any column of the outbox (as
// text, and bytea as raw bytes) and the arguments of any River job.
func clearText(t *testing.T, db *pgxpool.Pool, needles []string) []string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'outbox' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var c [2]string
		return c, r.Scan(&c[0], &c[1])
	})
	if err != nil || len(cols) < 15 {
		t.Fatalf("the outbox's columns: %v %v", cols, err)
	}
	places := map[string]string{"river_job.args": `SELECT count(*) FROM river_job WHERE strpos(args::text, $1) > 0`}
	for _, c := range cols {
		col := pgx.Identifier{c[0]}.Sanitize()
		places["outbox."+c[0]] = fmt.Sprintf(`SELECT count(*) FROM outbox WHERE strpos(%s::text, $1) > 0`, col)
		if c[1] == "bytea" {
			places["outbox."+c[0]] = fmt.Sprintf(`SELECT count(*) FROM outbox WHERE position(convert_to($1, 'UTF8') IN %s) > 0`, col)
		}
	}
	var found []string
	for place, q := range places {
		for _, n := range needles {
			if count(t, db, q, n) > 0 {
				found = append(found, place+" holds "+n)
			}
		}
	}
	return found
}

func count(t *testing.T, db *pgxpool.Pool, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func countContaining(texts []string, s string) int {
	n := 0
	for _, x := range texts {
		if strings.Contains(x, s) {
			n++
		}
	}
	return n
}

// smsBox is an SMS provider that keeps what it is given.
type smsBox struct {
	mu    sync.Mutex
	texts []string
}

func (b *smsBox) SendSMS(_ context.Context, _, text, _ string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.texts = append(b.texts, text)
	return nil
}

func (b *smsBox) Transport() string { return "sms" }

func (b *smsBox) all() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.texts...)
}
