package signups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/counts"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
)

// LinkTTL is how long a private link works; a new one can be asked for at any time.
const LinkTTL = 30 * 24 * time.Hour

// MaxLinks is how many private links of a person work at once: a new one ends the oldest, so
// a flood of "send me a new link" leaves no trail of working links in a mailbox.
const MaxLinks = 3

// Statuses of a sign-up.
const (
	Waiting   = "waiting"
	Offered   = "offered"
	Member    = "member"
	Withdrawn = "withdrawn"
	Left      = "left"
)

// Participant is a person who signed up.
type Participant struct {
	ID        int64   `json:"-"`
	FirstName string  `json:"first_name"`
	Email     *string `json:"email"`
	Phone     *string `json:"phone"`
	Contact   string  `json:"preferred_contact"` // email, sms or phone (be phoned by staff)
	// SMSStoppedAt is when they answered STOPP or staff stopped SMS to them; nil: SMS may go.
	SMSStoppedAt *time.Time `json:"sms_stopped_at,omitempty"`
	AgeBand      string     `json:"age_band"`
	Lang         string     `json:"language"`
	CreatedAt    time.Time  `json:"created_at"`
	// StaffNote is what staff keep from their calls; it is in the person's own download too.
	StaffNote string `json:"staff_note,omitempty"`
	// ImportedAt: the person came from an imported waiting list; until staff have phoned
	// them and confirmed their consent (ConsentConfirmedAt) nothing automatic reaches them.
	ImportedAt         *time.Time `json:"imported_at,omitempty"`
	ConsentConfirmedAt *time.Time `json:"consent_confirmed_at,omitempty"`
}

// ConsentPending reports whether staff have yet to confirm an imported person's consent.
func (p Participant) ConsentPending() bool { return p.ImportedAt != nil && p.ConsentConfirmedAt == nil }

// Signup is one wish to join a group or interest in a theme.
type Signup struct {
	ID             int64     `json:"id"`
	ParticipantID  int64     `json:"-"`
	GroupID        *int64    `json:"-"`
	GroupName      string    `json:"group,omitempty"`
	GroupSlug      string    `json:"-"`
	ThemeID        *int64    `json:"-"`
	ThemeNameNB    string    `json:"theme,omitempty"`
	ThemeNameEN    string    `json:"-"`
	Formats        []string  `json:"formats"`
	Availability   []string  `json:"availability"`
	Languages      []string  `json:"languages"`
	Source         string    `json:"heard_about_us_from"`
	Note           string    `json:"note"`
	ConsentVersion string    `json:"consent_version"`
	ConsentedAt    time.Time `json:"consented_at"`
	Status         string    `json:"status"`
	WaitingSince   time.Time `json:"waiting_since"`
	// ConsentMethod is how they consented: ConsentForm, or ConsentOral to staff member
	// ConsentBy (their name; "" for the form, or when the account is gone), who signed them up.
	ConsentMethod string `json:"consent_method"`
	ConsentBy     string `json:"-"`
}

// How a sign-up's consent was given: by the person on the public form, or orally to staff who
// read the consent text out and signed them up on their behalf.
const (
	ConsentForm = "form"
	ConsentOral = "oral"
)

// Active reports whether the sign-up still waits or holds a place.
func (s Signup) Active() bool {
	return s.Status == Waiting || s.Status == Offered || s.Status == Member
}

// Target is what a person signs up for: a group, or interest in a theme.
type Target struct {
	GroupID int64
	ThemeID int64
}

// Store reads and changes participants and sign-ups. Each use case (SignUp, SendLink,
// Withdraw, Place, Offer …) is one method that owns its transaction and queues its mail and
// audit line in it.
type Store struct {
	db  postgres.DBTX
	out *mail.Outbox
}

// NewStore returns a Store on db (a pool or a transaction, which its methods then join)
// that queues its mail in out. out may be nil for a store that only reads or purges: those
// send no mail (accepting an offer and placing someone do: the confirmation).
func NewStore(db postgres.DBTX, out *mail.Outbox) *Store { return &Store{db: db, out: out} }

// on is the store on tx, the transaction a use case opened.
func (s *Store) on(tx pgx.Tx) *Store { return &Store{db: tx, out: s.out} }

// count adds one to this year's anonymous figure metric/key. Those figures stay when the
// people behind them are deleted.
func (s *Store) count(ctx context.Context, metric, key string) error {
	return counts.Add(ctx, s.db, counts.Year(time.Now()), metric, key, 1)
}

// ByLink returns the participant a valid private link belongs to.
func (s *Store) ByLink(ctx context.Context, token string) (Participant, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT participant_id FROM participant_links WHERE token_hash = $1 AND expires_at > now()`,
		tokens.Hash(token)).Scan(&id)
	if err != nil {
		return Participant{}, fmt.Errorf("signups: link: %w", postgres.MapError(err))
	}
	return s.Participant(ctx, id)
}

// ByEmail returns the participant with the address.
func (s *Store) ByEmail(ctx context.Context, email string) (Participant, error) {
	var id int64
	if err := s.db.QueryRow(ctx, `SELECT id FROM participants WHERE email = $1`, email).Scan(&id); err != nil {
		return Participant{}, fmt.Errorf("signups: participant: %w", postgres.MapError(err))
	}
	return s.Participant(ctx, id)
}

// Participant returns the participant with id.
func (s *Store) Participant(ctx context.Context, id int64) (Participant, error) {
	var p Participant
	err := s.db.QueryRow(ctx, `SELECT id, first_name, email::text, phone, contact, age_band, lang, created_at, sms_stopped_at,
			staff_note, imported_at, consent_confirmed_at
		FROM participants WHERE id = $1`, id).Scan(&p.ID, &p.FirstName, &p.Email, &p.Phone, &p.Contact, &p.AgeBand, &p.Lang, &p.CreatedAt,
		&p.SMSStoppedAt, &p.StaffNote, &p.ImportedAt, &p.ConsentConfirmedAt)
	if err != nil {
		return p, fmt.Errorf("signups: participant: %w", postgres.MapError(err))
	}
	return p, nil
}

// Signups lists the participant's sign-ups, newest first. A person has a handful.
func (s *Store) Signups(ctx context.Context, participantID int64) ([]Signup, error) {
	rows, err := s.db.Query(ctx, `SELECT s.id, s.participant_id, s.group_id, coalesce(g.name, ''), coalesce(g.slug, ''),
			s.theme_id, coalesce(t.name_nb, ''), coalesce(t.name_en, ''), s.formats, s.availability, s.languages,
			s.source, s.note, s.consent_version, s.consented_at, s.status, s.waiting_since, s.consent_method, coalesce(u.name, '')
		FROM signups s LEFT JOIN groups g ON g.id = s.group_id LEFT JOIN themes t ON t.id = s.theme_id
			LEFT JOIN users u ON u.id = s.consent_by
		WHERE s.participant_id = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT 100`, participantID)
	if err != nil {
		return nil, fmt.Errorf("signups: list: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Signup])
	if err != nil {
		return nil, fmt.Errorf("signups: list: %w", err)
	}
	return list, nil
}

// orEmpty makes a nil list an empty one: the columns are NOT NULL arrays.
func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
func affected(n int64, err error, what string) error {
	if err != nil {
		return fmt.Errorf("signups: %s: %w", what, postgres.MapError(err))
	}
	if n == 0 {
		return fmt.Errorf("signups: %s: %w", what, postgres.ErrNotFound)
	}
	return nil
}
