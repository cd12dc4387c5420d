package mail

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/migrations"
)

// A sealed body opens only in its own row, for its own recipient: copied to another row, or
// left in a row whose recipient was changed, it stays closed, and the worker sends neither but
// marks them refused and drops them, while the untouched message goes out.
func TestSealedBodyIsBoundToItsRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	sink := newSink(t)
	c := newClient(t, db, Config{Sender: smtpSender(t, sink.up())})
	kept := enqueue(t, db, c, "kari@example.org")
	copied := enqueue(t, db, c, "ola@example.org")
	redirected := enqueue(t, db, c, "liv@example.org")
	if _, err := db.Exec(ctx, `UPDATE outbox o SET key_id = k.key_id, sealed_body = k.sealed_body
		FROM outbox k WHERE k.id = $1 AND o.id = $2`, kept, copied); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE outbox SET to_addr = 'angriper@example.org' WHERE id = $1`, redirected); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{copied, redirected} {
		if m, err := Get(ctx, db, testSeal, id); err != nil || m.Content != ContentLocked || m.TextBody != "" {
			t.Errorf("outbox %d with a body that is not its own: %v, %+v", id, err, m)
		}
	}
	if m, err := Get(ctx, db, testSeal, kept); err != nil || m.Content != ContentKept || !strings.Contains(m.TextBody, "/invitasjon/abc") {
		t.Fatalf("the message's own body does not open: %v %+v", err, m)
	}

	start(t, c)
	eventually(t, "each message sent or refused", func() bool {
		var waiting int
		err := db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`).Scan(&waiting)
		return err == nil && waiting == 0
	})
	stop(t, c)
	if got := sink.messages(); len(got) != 1 || got[0].to != "kari@example.org" {
		t.Errorf("the sink got %d messages; want only Kari's", len(got))
	}
	var refused int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE id IN ($1, $2) AND failed_at IS NOT NULL
		AND sealed_body IS NULL AND last_error LIKE '%damaged%'`, copied, redirected).Scan(&refused); err != nil || refused != 2 {
		t.Errorf("%d of the two moved bodies refused and dropped (%v)", refused, err)
	}
}

// Every message gets a random Message-ID of its own, which repeats on every attempt.
func TestMessageIDsAreRandomAndKeptAcrossAttempts(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	sender := &failOnce{}
	c := newClient(t, db, Config{Sender: sender})
	completed, cancel := c.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	first, second := enqueue(t, db, c, "kari@example.org"), enqueue(t, db, c, "ola@example.org")
	a, b := messageID(t, db, first), messageID(t, db, second)
	random := regexp.MustCompile(`^<[A-Z2-7]{26}@` + regexp.QuoteMeta(testDomain) + `>$`)
	if a == b || !random.MatchString(a) || !random.MatchString(b) {
		t.Errorf("Message-IDs %s and %s; want two different ones of 128 random bits", a, b)
	}
	start(t, c)
	waitFor(t, completed, first, 1, "delivery after a failed attempt")
	stop(t, c)
	attempts := 0
	for _, id := range sender.ids() {
		switch "<" + id + ">" {
		case a:
			attempts++
		case b:
		default:
			t.Errorf("an attempt was sent with the Message-ID %s", id)
		}
	}
	if attempts != 2 {
		t.Errorf("%d attempts with %s; want the failed one and the delivery", attempts, a)
	}
}

// failOnce refuses the first attempt of each message and takes the second; it notes the
// Message-ID of every attempt.
type failOnce struct {
	mu   sync.Mutex
	seen []string
}

func (f *failOnce) Send(_ context.Context, m Mail, messageID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, messageID)
	for _, id := range f.seen[:len(f.seen)-1] {
		if id == messageID {
			return nil
		}
	}
	return errors.New("try again later")
}

func (f *failOnce) Transport() string { return "smtp" }

func (f *failOnce) ids() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// Mail queued before bodies were sealed keeps its clear bodies, which Get reads; rotate-key's
// Reseal seals them, and the bodies sealed under the old key, under the new one, or, without
// the old key, changes nothing.
func TestResealAfterAKeyChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	oldKey, newKey := []byte("the old SECRET_KEY"), []byte("the new SECRET_KEY")
	old, _ := NewSeal(oldKey)
	rotated, _ := NewSeal(newKey, oldKey)
	fresh, _ := NewSeal(newKey)
	c := newClient(t, db, Config{Sender: NewDevSender(testLogger(t)), Seal: old})
	var sealed int64
	if err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) (err error) {
		sealed, err = NewOutbox(c, nil, old).EnqueueSMS(ctx, tx, SMS{To: "+4791234567", Lang: i18n.NB, Kind: KindSignup, Text: "Se http://x.test/mine/abc"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var legacy int64
	if err := db.QueryRow(ctx, `INSERT INTO outbox (kind, to_addr, lang, subject, text_body, html_body)
		VALUES ('my_link', 'kari@example.org', 'nb', 'Lenken din', 'Se http://x.test/mine/gammel', '<p>gammel</p>') RETURNING id`).Scan(&legacy); err != nil {
		t.Fatal(err)
	}
	if m, err := Get(ctx, db, fresh, legacy); err != nil || m.Content != ContentKept || m.TextBody != "Se http://x.test/mine/gammel" {
		t.Errorf("a clear body from before sealing: %v %+v", err, m)
	}
	if n, err := Reseal(ctx, db, fresh); !errors.Is(err, secrets.ErrUnknownKey) || n != 0 {
		t.Errorf("reseal without the old key = %d, %v; want ErrUnknownKey", n, err)
	}
	if m, _ := Get(ctx, db, fresh, legacy); m.TextBody == "" {
		t.Error("the failed reseal changed the clear row")
	}
	if n, err := Reseal(ctx, db, rotated); err != nil || n != 2 {
		t.Fatalf("reseal = %d, %v; want 2", n, err)
	}
	for id, want := range map[int64]string{sealed: "Se http://x.test/mine/abc", legacy: "Se http://x.test/mine/gammel"} {
		if m, err := Get(ctx, db, fresh, id); err != nil || m.Content != ContentKept || !strings.HasPrefix(m.TextBody, want) {
			t.Errorf("outbox %d under the new key alone: %v %+v", id, err, m)
		}
	}
	var clear int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE text_body IS NOT NULL OR html_body IS NOT NULL`).Scan(&clear); err != nil || clear != 0 {
		t.Errorf("%d rows keep clear bodies after the reseal (%v)", clear, err)
	}
	if n, err := Reseal(ctx, db, rotated); err != nil || n != 0 {
		t.Errorf("a second reseal = %d, %v; want nothing to do", n, err)
	}
}

// Migration 00029 drops the bodies of what was sent or refused, keeps those of what waits (the
// worker still sends them, from the clear columns) with the Message-ID they had, and goes
// down again.
func TestMigrationSealsNothingAndKeepsWhatWaits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	sqlDB := stdlib.OpenDBFromPool(db)
	defer sqlDB.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 28); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO outbox (kind, to_addr, lang, subject, text_body, html_body, sent_at, transport)
		VALUES ('my_link', 'sendt@example.org', 'nb', 'Lenken din', 'http://x.test/mine/a', '<p>a</p>', now(), 'smtp'),
		       ('my_link', 'venter@example.org', 'nb', 'Lenken din', 'http://x.test/mine/b', '<p>b</p>', NULL, NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 29); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(ctx, `SELECT to_addr, message_id = 'outbox.' || id, coalesce(text_body, '') FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for rows.Next() {
		var to, body string
		var keptID bool
		if err := rows.Scan(&to, &keptID, &body); err != nil {
			t.Fatal(err)
		}
		if !keptID {
			t.Errorf("the message to %s lost its Message-ID", to)
		}
		got[to] = body
	}
	if rows.Err() != nil || len(got) != 2 || got["sendt@example.org"] != "" || got["venter@example.org"] != "http://x.test/mine/b" {
		t.Errorf("after the migration: %q (%v)", got, rows.Err())
	}
}
