package mail

import (
	"context"
	"net/url"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// cutAfterSend delivers through Sender, then ends every database session of the worker's
// pool the first time: a database restart between the SMTP server's 250 and the worker's
// commit.
type cutAfterSend struct {
	Sender
	admin *pgxpool.Pool
	app   string
	once  sync.Once
	err   error
}

func (c *cutAfterSend) Send(ctx context.Context, m Mail, messageID string) error {
	err := c.Sender.Send(ctx, m, messageID)
	c.once.Do(func() {
		_, c.err = c.admin.Exec(ctx, `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
			WHERE application_name = $1 AND datname = current_database()`, c.app)
	})
	return err
}

// The database goes away after the SMTP server took the message and before the worker marked
// it sent: the worker marks it once the database answers again, and the retry that would send
// it a second time never comes.
func TestDatabaseLostAfterDeliverySendsOnce(t *testing.T) {
	ctx := context.Background()
	u, err := url.Parse(pgtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	const app = "mail_cut_after_send"
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	db, err := pgxpool.New(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	q.Del("application_name")
	u.RawQuery = q.Encode()
	admin, err := pgxpool.New(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)

	sink := newSink(t)
	sender := &cutAfterSend{Sender: smtpSender(t, sink.up()), admin: admin, app: app}
	c := newClient(t, db, Config{Sender: sender})
	completed, cancel := c.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	start(t, c)
	id := enqueue(t, db, c, "kari@example.org")
	waitFor(t, completed, id, 1, "delivery")
	stop(t, c)
	if sender.err != nil {
		t.Fatalf("ending the worker's sessions: %v", sender.err)
	}
	if got := sink.messageIDs(); len(got) != 1 || got[messageID(t, db, id)] != 1 {
		t.Errorf("sink got %v; want the message once", got)
	}
	if r := readRow(t, admin, id); !r.sent || r.attempts != 1 || r.jobState != "completed" {
		t.Errorf("after delivery: %+v; want sent after one attempt", r)
	}
}
