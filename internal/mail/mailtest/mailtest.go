// Package mailtest gives tests of feature stores an outbox on their test database: mail is
// queued in the outbox table as in production, and no worker runs, so a test reads what was
// queued (All) instead of waiting for a delivery.
package mailtest

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// Base is the site address of the links in test mail.
var Base = &url.URL{Scheme: "http", Host: "selvhjelp.test"}

// Outbox returns an outbox that queues on db, with links to Base; its River client is never
// started.
func Outbox(t testing.TB, db *pgxpool.Pool) *mail.Outbox {
	t.Helper()
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := mail.NewClient(db, mail.Config{Sender: mail.NewDevSender(discard), Domain: Base.Host, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	return mail.NewOutbox(c, Base)
}

// Queued is one queued message as a test reads it.
type Queued struct {
	ID      int64
	Kind    string
	To      string
	Subject string
	Text    string
}

// All returns every message in the outbox, oldest first.
func All(t testing.TB, db *pgxpool.Pool) []Queued {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT id, kind, to_addr, subject, text_body FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Queued, error) {
		var q Queued
		return q, r.Scan(&q.ID, &q.Kind, &q.To, &q.Subject, &q.Text)
	})
	if err != nil {
		t.Fatal(err)
	}
	return list
}
