package mail

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
)

// Seal keeps the outbox's message bodies sealed at rest: a body holds working private links
// (/mine/, /tilbud/, /nytt-passord/ …), which neither the database nor a backup may give away.
// Each body is sealed with AES-256-GCM under a key derived from SECRET_KEY, bound to its row's
// Message-ID, channel and recipient (migration 00029).
type Seal struct {
	ring *secrets.Keyring
}

// NewSeal derives the outbox's keys from the app secret (SECRET_KEY) and the secrets it
// replaced (SECRET_KEY_PREVIOUS), so messages sealed before a rotation still open.
func NewSeal(secret []byte, previous ...[]byte) (*Seal, error) {
	ring, err := secrets.NewKeyring("outbox", secret, previous...)
	if err != nil {
		return nil, err
	}
	return &Seal{ring: ring}, nil
}

// body is what a row's sealed_body holds: an e-mail's text and HTML, or an SMS's text.
type body struct {
	Text string `json:"text"`
	HTML string `json:"html,omitempty"`
}

// newMessageID makes the random left-hand side of a message's Message-ID: 128 bits in base32.
func newMessageID() string { return rand.Text() }

// sealContext binds a sealed body to its row and its recipient: copied to another row, or left
// in a row whose recipient was changed, it does not open.
func sealContext(messageID string, ch Channel, to string) string {
	return "outbox " + messageID + " " + string(ch) + " " + to
}

func (s *Seal) seal(b body, messageID string, ch Channel, to string) (keyID string, sealed []byte, err error) {
	if s == nil {
		return "", nil, errors.New("mail: no seal for the outbox (mail.NewSeal)")
	}
	plain, err := json.Marshal(b)
	if err != nil {
		return "", nil, fmt.Errorf("mail: seal: %w", err)
	}
	keyID, sealed = s.ring.Seal(plain, sealContext(messageID, ch, to))
	return keyID, sealed, nil
}

// open fills m's bodies from its row: the sealed body when there is one, else the clear bodies
// of a message queued before bodies were sealed (already in m). An error wraps
// secrets.ErrUnknownKey or secrets.ErrDamaged.
func (s *Seal) open(m *Mail, r sealedRow) error {
	if r.SealedBody == nil {
		return nil
	}
	if s == nil {
		return fmt.Errorf("mail: open %d: %w", m.ID, secrets.ErrUnknownKey)
	}
	plain, err := s.ring.Open(*r.KeyID, r.SealedBody, sealContext(m.MessageID, m.Channel, m.To))
	if err != nil {
		return fmt.Errorf("mail: open %d: %w", m.ID, err)
	}
	var b body
	if err := json.Unmarshal(plain, &b); err != nil {
		return fmt.Errorf("mail: open %d: %w", m.ID, secrets.ErrDamaged)
	}
	m.TextBody, m.HTMLBody = b.Text, b.HTML
	return nil
}

// sealedRow is an outbox row as read: the message with its clear columns, and its sealed body.
type sealedRow struct {
	Mail
	KeyID      *string `db:"key_id"`
	SealedBody []byte  `db:"sealed_body"`
}

// readMails reads the rows of a query over selectMail's columns and opens each body with s. A
// body that does not open is left empty and marked (Mail.Content); with strict it is an error
// instead.
func readMails(rows pgx.Rows, s *Seal, strict bool) ([]Mail, error) {
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[sealedRow])
	if err != nil {
		return nil, postgres.MapError(err)
	}
	mails := make([]Mail, len(list))
	for i, r := range list {
		m := r.Mail
		switch err := s.open(&m, r); {
		case err != nil && strict:
			return nil, err
		case err != nil:
			m.Content = ContentLocked
		case m.TextBody != "" || m.HTMLBody != "":
			m.Content = ContentKept
		default:
			m.Content = ContentGone
		}
		mails[i] = m
	}
	return mails, nil
}

// Reseal seals every body in the outbox under s's current key: those sealed under an earlier
// key (after SECRET_KEY was replaced) and the clear bodies of messages queued before bodies
// were sealed. `selvhjelpshus rotate-key` runs it. It returns how many rows changed; all change
// in one transaction, or none do. A body sealed under a key s does not hold gives an error
// wrapping secrets.ErrUnknownKey.
func Reseal(ctx context.Context, db postgres.DBTX, s *Seal) (int, error) {
	n := 0
	err := postgres.InTx(ctx, db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, selectMail+`
			WHERE key_id <> $1 OR coalesce(text_body, '') <> '' OR coalesce(html_body, '') <> ''
			ORDER BY id FOR UPDATE`, s.ring.Current())
		if err != nil {
			return err
		}
		list, err := readMails(rows, s, true)
		if err != nil {
			return err
		}
		for _, m := range list {
			keyID, sealed, err := s.seal(body{Text: m.TextBody, HTML: m.HTMLBody}, m.MessageID, m.Channel, m.To)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE outbox SET key_id = $2, sealed_body = $3, text_body = NULL, html_body = NULL
				WHERE id = $1`, m.ID, keyID, sealed); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("mail: reseal: %w", err)
	}
	return n, nil
}
