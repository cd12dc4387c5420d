package mail

import (
	"bytes"
	netmail "net/mail"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// What the tests of package mail_test borrow from the package's own tests: they queue mail
// through feature stores, which import this package, so they cannot live in it.

// Delivered is a message the SMTP sink took, decoded.
type Delivered struct {
	To, MessageID, Text, HTML string
}

// StartSink starts an SMTP sink on 127.0.0.1 for the rest of the test, and returns a sender to
// it and a function listing what it took.
func StartSink(t *testing.T) (*SMTPSender, func() []Delivered) {
	t.Helper()
	s := newSink(t)
	addr := s.up()
	return smtpSender(t, addr), func() []Delivered {
		var list []Delivered
		for _, m := range s.messages() {
			msg, err := netmail.ReadMessage(bytes.NewReader(m.data))
			if err != nil {
				t.Fatal(err)
			}
			parts := alternatives(t, msg)
			list = append(list, Delivered{To: m.to, MessageID: msg.Header.Get("Message-Id"),
				Text: parts["text/plain"], HTML: parts["text/html"]})
		}
		return list
	}
}

// StartClient starts a client as the package's tests build one (quick retries, the test
// domain), which stops when the test ends.
func StartClient(t *testing.T, pool *pgxpool.Pool, cfg Config) { start(t, newClient(t, pool, cfg)) }

// Eventually polls cond until it holds, for at most patience.
func Eventually(t *testing.T, what string, cond func() bool) { eventually(t, what, cond) }
