package mail

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// Reach picks each person's channel: SMS for those who chose it (or to be phoned) and can get
// one, e-mail otherwise, SMS when there is no address, nothing when nobody can write to them.
func TestReachPicksTheChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	outbox := NewOutbox(newClient(t, db, Config{Sender: NewDevSender(testLogger(t))}), nil, testSeal)
	msg := letter(i18n.NB, "Kari", "https://selvhjelpshuset.test/mine/x")
	for _, c := range []struct {
		name string
		r    Recipient
		want Channel
		to   string
	}{
		{"e-mail person", Recipient{Email: "kari@example.org", Phone: "91234567", Contact: "email"}, ChannelEmail, "kari@example.org"},
		{"SMS person", Recipient{Email: "kari@example.org", Phone: "912 34 567", Contact: "sms"}, ChannelSMS, "+4791234567"},
		{"call-me person with a mobile", Recipient{Phone: "+4791234568", Contact: "phone"}, ChannelSMS, "+4791234568"},
		{"stopped SMS, has e-mail", Recipient{Email: "ola@example.org", Phone: "91234569", Contact: "sms", SMSStopped: true}, ChannelEmail, "ola@example.org"},
		{"phone only, e-mail preferred", Recipient{Phone: "91234570", Contact: "email"}, ChannelSMS, "+4791234570"},
		{"stopped SMS, no e-mail", Recipient{Phone: "91234571", Contact: "sms", SMSStopped: true}, ChannelNone, ""},
		{"unreadable number, no e-mail", Recipient{Phone: "12", Contact: "sms"}, ChannelNone, ""},
	} {
		c.r.Lang = i18n.NB
		var got Channel
		var id int64
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) (err error) {
			got, err = outbox.Reach(ctx, tx, c.r, msg, "Du har fått plass. Se mer: https://selvhjelpshuset.test/mine/x")
			if err == nil && got != ChannelNone {
				err = tx.QueryRow(ctx, `SELECT max(id) FROM outbox`).Scan(&id)
			}
			return err
		})
		if err != nil || got != c.want {
			t.Errorf("%s: channel %q, %v; want %q", c.name, got, err, c.want)
			continue
		}
		if got == ChannelNone {
			continue
		}
		m, err := Get(ctx, db, testSeal, id)
		if err != nil || m.Channel != got || m.To != c.to {
			t.Errorf("%s: stored %+v, %v; want channel %q to %q", c.name, m, err, got, c.to)
		}
		if got == ChannelSMS && (m.Subject != "" || m.HTMLBody != "" || m.ReplyTo != "" ||
			!strings.HasPrefix(m.TextBody, "Du har fått plass.") || !strings.HasSuffix(m.TextBody, "Hilsen LINK Oslo, tlf. 22 00 00 00")) {
			t.Errorf("%s: SMS row %+v", c.name, m)
		}
	}
}

func TestEnqueueSMSRefusesWhatCannotBeSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	outbox := NewOutbox(newClient(t, db, Config{Sender: NewDevSender(testLogger(t))}), nil, testSeal)
	for _, s := range []SMS{
		{To: "abc", Lang: i18n.NB, Kind: KindOffer, Text: "x"},
		{To: "91234567", Lang: "de", Kind: KindOffer, Text: "x"},
		{To: "91234567", Lang: i18n.NB, Kind: KindOffer, Text: "  "},
	} {
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error { _, err := outbox.EnqueueSMS(ctx, tx, s); return err })
		if !errors.Is(err, postgres.ErrInvalid) {
			t.Errorf("EnqueueSMS(%+v) = %v, want ErrInvalid", s, err)
		}
	}
}

// Forget deletes the mail to an address and the SMS to a number, in whatever form the number
// was typed, and nothing else.
func TestForgetTakesMailAndSMS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	outbox := NewOutbox(newClient(t, db, Config{Sender: NewDevSender(testLogger(t))}), nil, testSeal)
	msg := letter(i18n.NB, "Kari", "https://selvhjelpshuset.test/mine/x")
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		for _, r := range []Recipient{
			{Email: "Kari@example.org", Contact: "email"},
			{Phone: "+4791234567", Contact: "sms"},
			{Email: "per@example.org", Contact: "email"},
			{Phone: "91234568", Contact: "sms"},
		} {
			r.Lang = i18n.NB
			if _, err := outbox.Reach(ctx, tx, r, msg, "Hei"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := Forget(ctx, db, "kari@example.org", "912 34 567"); err != nil {
		t.Fatal(err)
	}
	if left := mailtestAll(t, db); strings.Join(left, " ") != "per@example.org +4791234568" {
		t.Errorf("after Forget the outbox holds %q; want per@example.org and +4791234568", left)
	}
	if err := Forget(ctx, db, "", "not a number"); err != nil {
		t.Errorf("forgetting nothing: %v", err)
	}
	if n := len(mailtestAll(t, db)); n != 2 {
		t.Errorf("forgetting nothing deleted mail: %d left", n)
	}
}

func mailtestAll(t *testing.T, db postgres.DBTX) []string {
	t.Helper()
	rows, _ := db.Query(context.Background(), `SELECT to_addr FROM outbox ORDER BY id`)
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return list
}
