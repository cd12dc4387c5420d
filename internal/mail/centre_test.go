package mail

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// Must show (issue 18): every mail ends with the centre's phone and e-mail as the settings
// hold them when it is queued; a mail people may answer has the centre's address as its
// Reply-To, and an invitation (whose link is a key) has none.
func TestEnqueueNamesTheCentre(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	outbox := NewOutbox(newClient(t, db, Config{Sender: NewDevSender(testLogger(t))}), nil, testSeal)
	// auth owns the settings and imports mail: the test writes the row itself.
	if _, err := db.Exec(ctx, `UPDATE settings SET contact_phone = '+4723456789', contact_email = 'hei@linkoslo.example'`); err != nil {
		t.Fatal(err)
	}
	invitation := letter(i18n.NB, "Ola", "https://selvhjelpshuset.test/invitasjon/x")
	invitation.To = "ola@example.org"
	answer := invitation
	answer.Kind = KindRoomAnswer
	ids := map[Kind]int64{}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		for _, m := range []Message{invitation, answer} {
			id, err := outbox.Enqueue(ctx, tx, m)
			if err != nil {
				return err
			}
			ids[m.Kind] = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for kind, wantReply := range map[Kind]string{KindInvitation: "", KindRoomAnswer: "hei@linkoslo.example"} {
		m, err := Get(ctx, db, testSeal, ids[kind])
		if err != nil {
			t.Fatal(err)
		}
		if m.ReplyTo != wantReply {
			t.Errorf("%s: Reply-To %q, want %q", kind, m.ReplyTo, wantReply)
		}
		for _, body := range []string{m.TextBody, m.HTMLBody} {
			if !strings.Contains(body, "23 45 67 89") || !strings.Contains(body, "hei@linkoslo.example") {
				t.Errorf("%s: body lacks the centre's phone or e-mail:\n%s", kind, body)
			}
		}
	}
}
