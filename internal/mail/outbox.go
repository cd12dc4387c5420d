package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/sms"
)

// Outbox puts messages in the outbox table and queues the job that sends each one. Feature
// stores that send mail hold one: a use case enqueues its mail in its own transaction.
type Outbox struct {
	client *river.Client[pgx.Tx] // nil: the client running the current job
	base   *url.URL
	seal   *Seal
}

// NewOutbox returns an Outbox that queues its jobs through client, makes links to the site
// at base (BASE_URL) and stores each body sealed with seal (the workers' Config.Seal opens
// them). The client need not be started: inserting works without it, and any started
// instance sends. A nil client means the River client that runs the job in whose context
// Enqueue is called, for the workers that a client is built with. A nil seal makes Enqueue
// fail: a body is never stored in clear.
func NewOutbox(client *river.Client[pgx.Tx], base *url.URL, seal *Seal) *Outbox {
	if base == nil {
		base = &url.URL{Scheme: "http", Host: "localhost"}
	}
	return &Outbox{client: client, base: base, seal: seal}
}

// Seal is the seal the outbox's bodies are stored with: Get and List open them with it.
func (o *Outbox) Seal() *Seal {
	if o == nil {
		return nil
	}
	return o.seal
}

// ErrNoOutbox is returned by Enqueue on a nil Outbox: a store built without one (for reads
// or a job that sends nothing) was asked to mail.
var ErrNoOutbox = errors.New("mail: no outbox to queue the mail in")

// URL makes the absolute link a mail carries from a path on the site. A nil Outbox, which
// cannot queue the mail anyway, leaves the path as it is.
func (o *Outbox) URL(path string) string {
	if o == nil {
		return path
	}
	ref, err := url.Parse(path)
	if err != nil {
		return o.base.String()
	}
	return o.base.ResolveReference(ref).String()
}

// Enqueue renders m, stores it with its bodies sealed (Seal) and a random Message-ID, and
// queues its sending, all on tx: the mail exists if and only if the change it tells about
// commits. It returns the outbox id. The footer names the
// centre's contact details as the settings on tx hold them (one small query: the mail shows
// what was true when it was written), and a mail people may answer (Kind.Answerable) gets
// the centre's e-mail address as its Reply-To, never anyone else's. A missing or malformed
// recipient, language or subject gives an error wrapping postgres.ErrInvalid; a nil Outbox
// gives ErrNoOutbox.
func (o *Outbox) Enqueue(ctx context.Context, tx pgx.Tx, m Message) (int64, error) {
	if o == nil {
		return 0, ErrNoOutbox
	}
	if err := m.check(); err != nil {
		return 0, err
	}
	client, err := o.riverClient(ctx)
	if err != nil {
		return 0, err
	}
	c, err := centre.Read(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("mail: enqueue: %w", err)
	}
	m.Centre = c
	var replyTo *string
	if m.Kind.Answerable() {
		replyTo = &c.Email
	}
	r, err := Render(m)
	if err != nil {
		return 0, err
	}
	messageID := newMessageID()
	keyID, sealed, err := o.seal.seal(body{Text: r.Text, HTML: r.HTML}, messageID, ChannelEmail, m.To)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO outbox (kind, to_addr, lang, subject, reply_to, message_id, key_id, sealed_body)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING id`, m.Kind, m.To, m.Lang, r.Subject, replyTo, messageID, keyID, sealed).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("mail: enqueue: %w", postgres.MapError(err))
	}
	if _, err := client.InsertTx(ctx, tx, SendArgs{OutboxID: id}, nil); err != nil {
		return 0, fmt.Errorf("mail: enqueue job: %w", err)
	}
	return id, nil
}

// check refuses a message that cannot be sent, before anything is written.
func (m Message) check() error {
	a, err := netmail.ParseAddress(m.To)
	switch {
	case err != nil || a.Name != "" || a.Address != m.To:
		return fmt.Errorf("mail: %w: recipient %q is not a plain e-mail address", postgres.ErrInvalid, m.To)
	case m.Lang != i18n.NB && m.Lang != i18n.EN:
		return fmt.Errorf("mail: %w: language %q", postgres.ErrInvalid, m.Lang)
	case m.Kind == "" || m.Subject == "":
		return fmt.Errorf("mail: %w: a message needs a kind and a subject", postgres.ErrInvalid)
	}
	return nil
}

// Mail is a message as stored in the outbox, sent or waiting, its bodies opened.
type Mail struct {
	ID        int64     `db:"id"`
	MessageID string    `db:"message_id"` // left of the @ in its Message-ID: random, the same on every attempt
	Channel   Channel   `db:"channel"`    // e-mail or SMS; an SMS has no subject or HTML body
	Kind      Kind      `db:"kind"`
	To        string    `db:"to_addr"`
	ReplyTo   string    `db:"reply_to"` // the centre's address, or "" for mail nobody should answer
	Lang      i18n.Lang `db:"lang"`
	Subject   string    `db:"subject"`
	TextBody  string    `db:"text_body"`
	HTMLBody  string    `db:"html_body"`
	// Content says whether the bodies could be read; "" where they were not read (List's
	// e-mails, OfPerson).
	Content   Content    `db:"-"`
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`   // nil while waiting
	Transport string     `db:"transport"` // "smtp", "devmailbox", "sms" or "devsms" once sent, else ""
	Attempts  int        `db:"attempts"`
	LastError string     `db:"last_error"` // of the latest failed attempt; "" after success
	FailedAt  *time.Time `db:"failed_at"`  // the provider refused it for good (an SMS's 4xx answer)
}

// Content says what became of a message's bodies.
type Content string

// The states of a message's bodies.
const (
	ContentKept   Content = "kept"   // in TextBody and HTMLBody
	ContentGone   Content = "gone"   // emptied once sent (or refused for good): the links are no longer kept
	ContentLocked Content = "locked" // sealed under a key this server does not hold (SECRET_KEY changed), or damaged
)

// Sent reports whether the message has been handed over.
func (m Mail) Sent() bool { return m.SentAt != nil }

// MaxPerPage caps List's page size.
const MaxPerPage = 100

// List returns one page of the outbox's messages of channel ch, newest first, and how many
// there are in all, opening bodies with seal. page counts from 1; perPage is capped at
// MaxPerPage. A mail's bodies are left empty: a list shows who got what and when, and Get
// gives the rest; an SMS keeps its text, which is short and is the whole message (empty once
// sent through the provider). Each channel's list reads an index of its own
// (outbox_created_idx, outbox_sms_idx).
func List(ctx context.Context, db postgres.DBTX, seal *Seal, ch Channel, page, perPage int) ([]Mail, int, error) {
	page, perPage = max(page, 1), min(max(perPage, 1), MaxPerPage)
	// The channel is written into the query, not passed as a parameter: a generic plan for
	// "channel = $1" could not use the partial index outbox_sms_idx.
	where := "channel = 'email'"
	switch ch {
	case ChannelEmail:
	case ChannelSMS:
		where = "channel = 'sms'"
	default:
		return nil, 0, fmt.Errorf("mail: list: %w: channel %q", postgres.ErrInvalid, ch)
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE `+where).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("mail: list: %w", err)
	}
	rows, err := db.Query(ctx, `
		SELECT id, message_id, channel, kind, to_addr, coalesce(reply_to, '') AS reply_to, lang, subject,
		       CASE WHEN channel = 'sms' THEN coalesce(text_body, '') ELSE '' END AS text_body, '' AS html_body,
		       CASE WHEN channel = 'sms' THEN key_id END AS key_id,
		       CASE WHEN channel = 'sms' THEN sealed_body END AS sealed_body,
		       created_at, sent_at, coalesce(transport, '') AS transport, attempts,
		       coalesce(last_error, '') AS last_error, failed_at
		FROM outbox
		WHERE `+where+`
		ORDER BY created_at DESC, id DESC
		LIMIT $1 OFFSET $2`, perPage, (page-1)*perPage)
	if err != nil {
		return nil, 0, fmt.Errorf("mail: list: %w", err)
	}
	list, err := readMails(rows, seal, false)
	if err != nil {
		return nil, 0, fmt.Errorf("mail: list: %w", err)
	}
	if ch == ChannelEmail {
		for i := range list {
			list[i].Content = "" // not read
		}
	}
	return list, total, nil
}

// Get returns one message with its bodies opened with seal, or an error wrapping
// postgres.ErrNotFound. A sent message's bodies are gone, and one sealed under a key seal
// does not hold stays closed: Mail.Content says which.
func Get(ctx context.Context, db postgres.DBTX, seal *Seal, id int64) (Mail, error) {
	rows, err := db.Query(ctx, selectMail+` WHERE id = $1`, id)
	if err != nil {
		return Mail{}, fmt.Errorf("mail: get %d: %w", id, err)
	}
	list, err := readMails(rows, seal, false)
	switch {
	case err != nil:
		return Mail{}, fmt.Errorf("mail: get %d: %w", id, err)
	case len(list) == 0:
		return Mail{}, fmt.Errorf("mail: get %d: %w", id, postgres.ErrNotFound)
	}
	return list[0], nil
}

// selectMail reads the columns of sealedRow.
const selectMail = `
	SELECT id, message_id, channel, kind, to_addr, coalesce(reply_to, '') AS reply_to, lang, subject,
	       coalesce(text_body, '') AS text_body, coalesce(html_body, '') AS html_body, key_id, sealed_body,
	       created_at, sent_at, coalesce(transport, '') AS transport, attempts,
	       coalesce(last_error, '') AS last_error, failed_at
	FROM outbox`

// Forget deletes every message to email (an address) and every SMS to phone (in any form
// sms.Normalize reads), sent or not: a person who deletes their data leaves no mail behind.
// Either may be "". A job whose message is gone is cancelled when it runs.
func Forget(ctx context.Context, db postgres.DBTX, email, phone string) error {
	number, err := sms.Normalize(phone)
	if err != nil {
		number = ""
	}
	if _, err := db.Exec(ctx, `
		DELETE FROM outbox
		WHERE (channel = 'email' AND $1 <> '' AND lower(to_addr) = lower($1))
		   OR (channel = 'sms' AND $2 <> '' AND lower(to_addr) = lower($2))`, email, number); err != nil {
		return fmt.Errorf("mail: forget: %w", err)
	}
	return nil
}
