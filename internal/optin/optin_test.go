package optin_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

func newStore(t *testing.T, db *pgxpool.Pool, limits optin.Limits) *optin.Store {
	t.Helper()
	out := mailtest.OutboxWith(t, db, mailtest.Base, mailtest.Seal,
		func(w *river.Workers) error { return river.AddWorkerSafely(w, &optin.Worker{}) })
	keys, err := optin.NewKeys([]byte("en hemmelighet på minst trettito byte"))
	if err != nil {
		t.Fatal(err)
	}
	return optin.NewStore(db, out, keys, limits)
}

func count(t *testing.T, db *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Many requests at once from one client cannot slip past its count, nor many clients at
// once past an address's cap: the counts are taken under a lock, in PostgreSQL, so several
// instances share them.
func TestLimitsHoldUnderConcurrency(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	store := newStore(t, db, optin.Limits{PerClient: 5, PerAddress: 3})
	ctx := context.Background()
	run := func(n int, req func(i int) optin.Request) (ok, refused int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := store.Submit(ctx, req(i))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, optin.ErrTooMany):
					refused++
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		return ok, refused
	}
	ok, refused := run(20, func(i int) optin.Request {
		return optin.Request{Kind: optin.KindLink, Email: fmt.Sprintf("a%d@example.test", i), Lang: i18n.NB, Client: "192.0.2.1"}
	})
	if ok != 5 || refused != 15 {
		t.Errorf("one client: %d stored and %d refused, want 5 and 15", ok, refused)
	}
	ok, refused = run(12, func(i int) optin.Request {
		return optin.Request{Kind: optin.KindLink, Email: "Samme@Example.test", Lang: i18n.NB, Client: fmt.Sprintf("198.51.100.%d", i)}
	})
	if ok != 12 || refused != 0 {
		t.Errorf("many clients: %d stored and %d refused; none should be refused", ok, refused)
	}
	if n := count(t, db, `SELECT count(*) FROM form_requests WHERE NOT capped AND payload IS NOT NULL`); n != 5+3 {
		t.Errorf("%d requests may mail, want 5 from the one client and the address's cap of 3", n)
	}
	if n := count(t, db, `SELECT count(*) FROM river_job WHERE kind = 'form_request'`); n != 5+3 {
		t.Errorf("%d jobs queued, want one for each request under the cap", n)
	}
}

// The sealed content is bound to its row: copied onto another request it does not open, and
// the job refuses it instead of mailing the other address.
func TestSealedRequestIsBoundToItsRow(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	store := newStore(t, db, optin.DefaultLimits)
	ctx := context.Background()
	for _, email := range []string{"en@example.test", "to@example.test"} {
		if err := store.Submit(ctx, optin.Request{Kind: optin.KindLink, Email: email, Lang: i18n.NB, Client: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
	}
	var first, second int64
	if err := db.QueryRow(ctx, `SELECT min(id), max(id) FROM form_requests`).Scan(&first, &second); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE form_requests SET payload = (SELECT payload FROM form_requests WHERE id = $1) WHERE id = $2`, first, second); err != nil {
		t.Fatal(err)
	}
	if err := store.Work(ctx, second); err == nil {
		t.Error("a request's content copied to another row opened")
	}
	if err := store.Work(ctx, first); err != nil {
		t.Errorf("the request's own row: %v", err)
	}
}

// Purge empties what expired unconfirmed and deletes what the limiter no longer counts.
func TestPurgeEmptiesExpiredRequests(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	store := newStore(t, db, optin.DefaultLimits)
	ctx := context.Background()
	for _, email := range []string{"gammel@example.test", "utlopt@example.test", "fersk@example.test"} {
		if err := store.Submit(ctx, optin.Request{Kind: optin.KindEvent, Email: email, Lang: i18n.NB, Client: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, `UPDATE form_requests SET created_at = now() - interval '3 days' WHERE id = (SELECT min(id) FROM form_requests);
		UPDATE form_requests SET expires_at = now() - interval '1 hour' WHERE id = (SELECT min(id) + 1 FROM form_requests)`); err != nil {
		t.Fatal(err)
	}
	expired, deleted, err := store.Purge(ctx)
	if err != nil || expired != 1 || deleted != 1 {
		t.Fatalf("purge = %d expired, %d deleted, %v; want 1 and 1", expired, deleted, err)
	}
	if n := count(t, db, `SELECT count(*) FROM form_requests WHERE payload IS NOT NULL`); n != 1 {
		t.Errorf("%d requests keep their content, want the fresh one", n)
	}
}
