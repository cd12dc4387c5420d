package mail

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/sms"
)

// Channel is how a message reaches its reader: an outbox row is an e-mail or an SMS.
type Channel string

// The channels of the outbox. ChannelNone is what Reach returns for a person nobody can write
// to (no e-mail address, and no SMS: they asked to be phoned without a number, or answered
// STOPP): staff must phone them.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	ChannelNone  Channel = ""
)

// SMS is one text message before it is queued. Like a mail it never names a participant's
// theme or group topic: a text is read on a lock screen.
type SMS struct {
	To   string // a phone number in any form sms.Normalize reads
	Lang i18n.Lang
	Kind Kind
	Text string // without the signature, which EnqueueSMS adds
}

// SMSSender hands one SMS to a provider. internal/sms implements it for the provider's HTTPS
// API; in development a DevSMSSender keeps the text for the dev SMS inbox.
type SMSSender interface {
	// SendSMS delivers text to the E.164 number to; ref is the outbox id, the same on every
	// attempt. It returns nil only once the provider has taken the message. An error wrapping
	// sms.ErrRejected is final (the provider refused the request itself: a 4xx answer) and is
	// never retried; any other error is retried with backoff.
	SendSMS(ctx context.Context, to, text, ref string) error
	// Transport names the transport in the outbox: "sms" or "devsms".
	Transport() string
}

// EnqueueSMS stores s with the centre's signature, sealed, and queues its sending, all on tx,
// like Enqueue does for mail. It returns the outbox id. A number sms.Normalize cannot read, an
// empty text or an unknown language gives an error wrapping postgres.ErrInvalid.
func (o *Outbox) EnqueueSMS(ctx context.Context, tx pgx.Tx, s SMS) (int64, error) {
	if o == nil {
		return 0, ErrNoOutbox
	}
	to, err := sms.Normalize(s.To)
	switch {
	case err != nil:
		return 0, fmt.Errorf("mail: %w: SMS recipient is not a phone number", postgres.ErrInvalid)
	case s.Lang != i18n.NB && s.Lang != i18n.EN:
		return 0, fmt.Errorf("mail: %w: language %q", postgres.ErrInvalid, s.Lang)
	case s.Kind == "" || strings.TrimSpace(s.Text) == "":
		return 0, fmt.Errorf("mail: %w: an SMS needs a kind and a text", postgres.ErrInvalid)
	}
	client, err := o.riverClient(ctx)
	if err != nil {
		return 0, err
	}
	c, err := centre.Read(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("mail: enqueue SMS: %w", err)
	}
	text := strings.TrimSpace(s.Text) + "\n" + i18n.Translate(s.Lang, "sms.signature",
		"Name", c.ShortName(), "Phone", c.PhoneDisplay())
	messageID := newMessageID()
	keyID, sealed, err := o.seal.seal(body{Text: text}, messageID, ChannelSMS, to)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO outbox (channel, kind, to_addr, lang, subject, message_id, key_id, sealed_body)
		VALUES ('sms', $1, $2, $3, '', $4, $5, $6)
		RETURNING id`, s.Kind, to, s.Lang, messageID, keyID, sealed).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("mail: enqueue SMS: %w", postgres.MapError(err))
	}
	if _, err := client.InsertTx(ctx, tx, SendArgs{OutboxID: id}, nil); err != nil {
		return 0, fmt.Errorf("mail: enqueue SMS job: %w", err)
	}
	return id, nil
}

// Recipient is a person as the outbox reaches them: their addresses and the channel they
// chose ("email", "sms" or "phone": be phoned by staff).
type Recipient struct {
	Email      string
	Phone      string
	Contact    string
	SMSStopped bool // they answered STOPP or staff removed them from SMS
	Lang       i18n.Lang
}

// CanSMS reports whether an SMS may go to r.
func (r Recipient) CanSMS() bool {
	if r.Phone == "" || r.SMSStopped {
		return false
	}
	_, err := sms.Normalize(r.Phone)
	return err == nil
}

// Channel is the channel a written message to r takes: SMS for those who chose SMS or to be
// phoned and can get one, else e-mail when they have an address, else SMS when they can get
// one, else ChannelNone.
func (r Recipient) Channel() Channel {
	switch {
	case r.Contact != "email" && r.CanSMS():
		return ChannelSMS
	case r.Email != "":
		return ChannelEmail
	case r.CanSMS():
		return ChannelSMS
	}
	return ChannelNone
}

// Reach queues one message to r by r.Channel(): m (with To and Lang set from r) as an e-mail,
// or text as an SMS. It returns the channel used; ChannelNone, with no error, means nothing
// was queued and staff must phone.
func (o *Outbox) Reach(ctx context.Context, tx pgx.Tx, r Recipient, m Message, text string) (Channel, error) {
	ch := r.Channel()
	var err error
	switch ch {
	case ChannelEmail:
		m.To, m.Lang = r.Email, r.Lang
		_, err = o.Enqueue(ctx, tx, m)
	case ChannelSMS:
		_, err = o.EnqueueSMS(ctx, tx, SMS{To: r.Phone, Lang: r.Lang, Kind: m.Kind, Text: text})
	}
	if err != nil {
		return ChannelNone, err
	}
	return ch, nil
}

// riverClient is the client jobs are inserted through: the Outbox's own, or the one running
// the current job.
func (o *Outbox) riverClient(ctx context.Context) (*river.Client[pgx.Tx], error) {
	if o.client != nil {
		return o.client, nil
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return nil, fmt.Errorf("mail: enqueue outside a job needs a client: %w", err)
	}
	return client, nil
}
