// Package optin takes the requests of the open forms that mail an address someone typed: a
// sign-up for a group or theme, an event sign-up, a new link to "My sign-ups" and a password
// reset. Anyone can type anyone's address, so:
//
//   - nothing about the address is stored in participants, sign-ups or event sign-ups until the
//     owner of the mailbox confirms (double opt-in): the form waits, sealed, for a day;
//   - every such form does the same work whoever the address belongs to — validate, store a
//     request row, queue — and a job looks the address up for a link or a reset, so neither
//     the answer nor its time tells whether an address is known;
//   - one limiter, in PostgreSQL so every instance shares it, counts a client's requests
//     across all these forms and caps the mails one address gets from them in a day.
package optin

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
)

// Kind is what a request asks for.
type Kind string

// The kinds of request.
const (
	KindSignup Kind = "signup" // a sign-up for a group, or interest in a theme, with an address
	KindEvent  Kind = "event"  // an event sign-up
	KindLink   Kind = "link"   // a new link to "My sign-ups"
	KindReset  Kind = "reset"  // a password reset link
)

// confirms reports whether a request of kind k waits for its owner's confirmation; the others
// are worked by the job at once (it sends only to a known address).
func (k Kind) confirms() bool { return k == KindSignup || k == KindEvent }

// Limits are the limiter's numbers.
type Limits struct {
	// PerClient is how many requests one client (an IPv4 address, or an IPv6 /64) may make
	// in an hour, all the forms together; more are refused with 429.
	PerClient int
	// PerAddress is how many mails the open forms send to one address in a day, whoever
	// asks; more requests are answered as usual but send nothing.
	PerAddress int
}

// DefaultLimits: ten requests an hour is more than a person needs (sign up for two groups,
// an event, a lost link, twice over), and three mails a day to an address is enough for its
// owner and too few to bomb them with.
var DefaultLimits = Limits{PerClient: 10, PerAddress: 3}

// TTL is how long a confirmation link works: the form's content is deleted after it.
const TTL = 24 * time.Hour

// keep is how long a request row stays after it was made: the limiter counts a day back.
const keep = 48 * time.Hour

// Errors of the store.
var (
	// ErrTooMany: the client has made PerClient requests in the last hour.
	ErrTooMany = errors.New("optin: too many requests from this client")
	// ErrGone: the confirmation link is unknown, or expired (its content is deleted).
	ErrGone = errors.New("optin: the confirmation link is unknown or has expired")
	// ErrDone: the request was confirmed already (a second click, another tab).
	ErrDone = errors.New("optin: the request is confirmed already")
)

// Keys seal the requests' content and key the hashes of addresses and clients; both derive
// from SECRET_KEY.
type Keys struct {
	ring *secrets.Keyring
	mac  []byte
}

// NewKeys derives the keys from the app secret (and the secrets it replaced, so requests
// sealed just before a rotation still open).
func NewKeys(secret []byte, previous ...[]byte) (Keys, error) {
	ring, err := secrets.NewKeyring("form requests", secret, previous...)
	if err != nil {
		return Keys{}, err
	}
	mac, err := hkdf.Key(sha256.New, secret, nil, "selvhjelpshus form request hashes", 32)
	if err != nil {
		return Keys{}, fmt.Errorf("optin: derive: %w", err)
	}
	return Keys{ring: ring, mac: mac}, nil
}

// hash is the keyed hash of value in domain: the same value gives the same hash, and nobody
// without the key can test an address against it.
func (k Keys) hash(domain, value string) []byte {
	h := hmac.New(sha256.New, k.mac)
	h.Write([]byte(domain + "\x00" + value))
	return h.Sum(nil)
}

// Request is what an open form asked for. It is sealed while it waits.
type Request struct {
	Kind  Kind
	Email string
	Lang  i18n.Lang
	// Client is the rate-limit key of whoever sent the form (an IP, or an IPv6 /64); only a
	// keyed hash of it is stored. IP is the client's address for the audit log of a reset.
	Client string `json:"-"`
	IP     string `json:",omitempty"`
	// Title names what is asked for (the group, theme or event) on the confirmation page.
	Title string `json:",omitempty"`
	// Signup is the sign-up form and its target, for KindSignup.
	Signup *signups.Form  `json:",omitempty"`
	Target signups.Target `json:",omitzero"`
	// Event is the event sign-up form and its event, for KindEvent.
	Event   *events.SignupForm `json:",omitempty"`
	EventID int64              `json:",omitempty"`
}

// FirstName is the name typed on the form, for the confirmation page.
func (r Request) FirstName() string {
	switch {
	case r.Signup != nil:
		return r.Signup.FirstName
	case r.Event != nil:
		return r.Event.FirstName
	}
	return ""
}

// Store keeps the requests.
type Store struct {
	db     postgres.DBTX
	out    *mail.Outbox
	keys   Keys
	limits Limits
}

// NewStore returns the store on db, mailing through out, with the limits (zero fields take
// DefaultLimits').
func NewStore(db postgres.DBTX, out *mail.Outbox, keys Keys, limits Limits) *Store {
	if limits.PerClient <= 0 {
		limits.PerClient = DefaultLimits.PerClient
	}
	if limits.PerAddress <= 0 {
		limits.PerAddress = DefaultLimits.PerAddress
	}
	return &Store{db: db, out: out, keys: keys, limits: limits}
}

// lockNamespace is the first key of the advisory locks that serialise one client's requests
// and one address's.
const lockNamespace = 7320

// Submit stores the request r, whose form the caller has validated, and queues its mail: the
// confirmation link of a sign-up, or the job that sends a link or a reset to a known address.
// The work is the same whatever the address: it is never looked up here. It returns
// ErrTooMany when the client has used up its requests; over the address's daily cap the
// request is stored (it counts) and nothing is sent, with no error, since the answer must not
// differ.
func (s *Store) Submit(ctx context.Context, r Request) error {
	r.Email = strings.TrimSpace(r.Email)
	client, address := s.keys.hash("client", r.Client), s.keys.hash("address", strings.ToLower(r.Email))
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		// Client first, then address, in every transaction: no two can wait on each other.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2), pg_advisory_xact_lock($1 + 1, $3)`,
			lockNamespace, lockKey(client), lockKey(address)); err != nil {
			return fmt.Errorf("optin: lock: %w", err)
		}
		var byClient, toAddress int
		err := tx.QueryRow(ctx, `SELECT
				count(*) FILTER (WHERE client_hash = $1 AND created_at > now() - interval '1 hour'),
				count(*) FILTER (WHERE address_hash = $2 AND NOT capped AND created_at > now() - interval '1 day')
			FROM form_requests
			WHERE (client_hash = $1 AND created_at > now() - interval '1 hour')
			   OR (address_hash = $2 AND created_at > now() - interval '1 day')`, client, address).Scan(&byClient, &toAddress)
		if err != nil {
			return fmt.Errorf("optin: count: %w", err)
		}
		if byClient >= s.limits.PerClient {
			return ErrTooMany
		}
		capped := toAddress >= s.limits.PerAddress
		var id int64
		if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('form_requests', 'id'))`).Scan(&id); err != nil {
			return fmt.Errorf("optin: id: %w", err)
		}
		var keyID *string
		var sealed []byte
		if !capped {
			plain, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("optin: %w", err)
			}
			k, b := s.keys.ring.Seal(plain, sealContext(id))
			keyID, sealed = &k, b
		}
		var token string
		var tokenHash []byte
		if r.Kind.confirms() {
			token = tokens.New()
			tokenHash = tokens.Hash(token)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO form_requests (id, kind, client_hash, address_hash, key_id, payload, token_hash, capped, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9::interval)`,
			id, r.Kind, client, address, keyID, sealed, tokenHash, capped, TTL); err != nil {
			return fmt.Errorf("optin: store: %w", postgres.MapError(err))
		}
		switch {
		case capped:
			return nil
		case r.Kind.confirms():
			m := confirmMail(r.Lang, r.Kind, s.out.URL("/bekreft/"+token), time.Now().Add(TTL))
			m.To = r.Email
			_, err = s.out.Enqueue(ctx, tx, m)
			return err
		default:
			return s.out.Queue(ctx, tx, WorkArgs{ID: id})
		}
	})
}

func lockKey(hash []byte) int32 { return int32(binary.BigEndian.Uint32(hash)) } // #nosec G115 -- a hash's bits, any value will do

func sealContext(id int64) string { return fmt.Sprintf("form request %d", id) }

// open reads the sealed content of request id.
func (s *Store) open(id int64, keyID string, sealed []byte) (Request, error) {
	var r Request
	plain, err := s.keys.ring.Open(keyID, sealed, sealContext(id))
	if err != nil {
		return r, fmt.Errorf("optin: open request %d: %w", id, err)
	}
	if err := json.Unmarshal(plain, &r); err != nil {
		return r, fmt.Errorf("optin: request %d: %w", id, err)
	}
	return r, nil
}

// pending locks (with lock) and opens the request behind a confirmation link.
func (s *Store) pending(ctx context.Context, db postgres.DBTX, token string, lock bool) (int64, Request, error) {
	q := `SELECT id, coalesce(key_id, ''), payload, done_at IS NOT NULL, expires_at <= now() FROM form_requests WHERE token_hash = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	var id int64
	var keyID string
	var sealed []byte
	var done, expired bool
	err := db.QueryRow(ctx, q, tokens.Hash(token)).Scan(&id, &keyID, &sealed, &done, &expired)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, Request{}, ErrGone
	case err != nil:
		return 0, Request{}, fmt.Errorf("optin: confirmation: %w", err)
	case done:
		return id, Request{}, ErrDone
	case expired || sealed == nil:
		return id, Request{}, ErrGone
	}
	r, err := s.open(id, keyID, sealed)
	return id, r, err
}

// Pending returns what the confirmation link token asks the owner to confirm: ErrGone for an
// unknown or expired link, ErrDone for one confirmed already.
func (s *Store) Pending(ctx context.Context, token string) (Request, error) {
	_, r, err := s.pending(ctx, s.db, token, false)
	return r, err
}

// Confirmed is what a confirmation did.
type Confirmed struct {
	Request
	Signup signups.Result // KindSignup
	Made   events.Made    // KindEvent: the sign-up and its private link's token
}

// Confirm does what the request behind the link token asked — stores the participant and the
// sign-up (which mails the private link to "My sign-ups"), or the event sign-up (which takes
// a place or a spot on the waiting list now, and mails its link) — and deletes the form's
// content, in one transaction: of two tabs confirming at once, one does it and the other
// gets ErrDone. An event that has begun is events.ErrEnded and leaves the request as it was.
func (s *Store) Confirm(ctx context.Context, token string, now time.Time) (Confirmed, error) {
	var c Confirmed
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		id, r, err := s.pending(ctx, tx, token, true)
		if err != nil {
			return err
		}
		c.Request = r
		switch {
		case r.Kind == KindSignup && r.Signup != nil:
			c.Signup, err = signups.NewStore(tx, s.out).SignUp(ctx, r.Signup, r.Target, r.Lang)
		case r.Kind == KindEvent && r.Event != nil:
			c.Made, err = events.NewStore(tx, s.out).SignUp(ctx, r.EventID, *r.Event, string(r.Lang), now)
		default:
			err = fmt.Errorf("optin: request %d of kind %q cannot be confirmed", id, r.Kind)
		}
		if err != nil {
			return err
		}
		return done(ctx, tx, id)
	})
	return c, err
}

// done marks request id done and deletes its content.
func done(ctx context.Context, tx pgx.Tx, id int64) error {
	if _, err := tx.Exec(ctx, `UPDATE form_requests SET done_at = now(), payload = NULL, key_id = NULL WHERE id = $1`, id); err != nil {
		return fmt.Errorf("optin: done: %w", err)
	}
	return nil
}

// Forget deletes every request from the address email: a person who deletes their data leaves
// no request behind (the limiter forgets it too).
func (s *Store) Forget(ctx context.Context, email string) error {
	address := s.keys.hash("address", strings.ToLower(strings.TrimSpace(email)))
	if _, err := s.db.Exec(ctx, `DELETE FROM form_requests WHERE address_hash = $1`, address); err != nil {
		return fmt.Errorf("optin: forget: %w", err)
	}
	return nil
}

// confirmMail asks the owner of the address to confirm a request made in its name. It names
// neither the person (anyone can type a name) nor the group, theme or event: the page behind
// the link does.
func confirmMail(lang i18n.Lang, kind Kind, link string, expires time.Time) mail.Message {
	what := "mail.confirm.signup"
	if kind == KindEvent {
		what = "mail.confirm.event"
	}
	return mail.Message{
		Lang:       lang,
		Kind:       mail.KindConfirm,
		Subject:    i18n.Translate(lang, "mail.confirm.subject"),
		Greeting:   i18n.Translate(lang, "mail.confirm.greeting"),
		Paragraphs: []string{i18n.Translate(lang, what), i18n.Translate(lang, "mail.confirm.click")},
		Action:     mail.Action{Label: i18n.Translate(lang, "mail.confirm.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.confirm.expires", "Expires", mail.FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.confirm.unexpected"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}
