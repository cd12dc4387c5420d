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
	ID        int64     `json:"-"`
	FirstName string    `json:"first_name"`
	Email     *string   `json:"email"`
	Phone     *string   `json:"phone"`
	Contact   string    `json:"preferred_contact"`
	AgeBand   string    `json:"age_band"`
	Lang      string    `json:"language"`
	CreatedAt time.Time `json:"created_at"`
}

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
}

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
// that queues its mail in out. out may be nil for a store that only reads, purges or answers
// offers: those send no mail.
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
	err := s.db.QueryRow(ctx, `SELECT id, first_name, email::text, phone, contact, age_band, lang, created_at
		FROM participants WHERE id = $1`, id).Scan(&p.ID, &p.FirstName, &p.Email, &p.Phone, &p.Contact, &p.AgeBand, &p.Lang, &p.CreatedAt)
	if err != nil {
		return p, fmt.Errorf("signups: participant: %w", postgres.MapError(err))
	}
	return p, nil
}

// Signups lists the participant's sign-ups, newest first. A person has a handful.
func (s *Store) Signups(ctx context.Context, participantID int64) ([]Signup, error) {
	rows, err := s.db.Query(ctx, `SELECT s.id, s.participant_id, s.group_id, coalesce(g.name, ''), coalesce(g.slug, ''),
			s.theme_id, coalesce(t.name_nb, ''), coalesce(t.name_en, ''), s.formats, s.availability, s.languages,
			s.source, s.note, s.consent_version, s.consented_at, s.status, s.waiting_since
		FROM signups s LEFT JOIN groups g ON g.id = s.group_id LEFT JOIN themes t ON t.id = s.theme_id
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

// UpdatePrefs changes the preferences of one of the participant's own active sign-ups.
func (s *Store) UpdatePrefs(ctx context.Context, participantID, signupID int64, p Prefs) error {
	tag, err := s.db.Exec(ctx, `UPDATE signups SET formats = $3, availability = $4, languages = $5
		WHERE id = $2 AND participant_id = $1 AND status IN ('waiting', 'offered', 'member')`,
		participantID, signupID, orEmpty(p.Formats), orEmpty(p.Availability), orEmpty(p.Languages))
	return affected(tag.RowsAffected(), err, "update")
}

// Withdraw ends one of the participant's own sign-ups; no reason is asked. A membership of
// that group ends with it.
func (s *Store) Withdraw(ctx context.Context, participantID, signupID int64) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error { return s.on(tx).withdraw(ctx, participantID, signupID) })
}

func (s *Store) withdraw(ctx context.Context, participantID, signupID int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE signups SET status = 'withdrawn', status_changed_at = now()
		WHERE id = $2 AND participant_id = $1 AND status IN ('waiting', 'offered', 'member')`, participantID, signupID)
	if err := affected(tag.RowsAffected(), err, "withdraw"); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE memberships SET left_at = now() WHERE signup_id = $1 AND left_at IS NULL`, signupID)
	if err != nil {
		return fmt.Errorf("signups: withdraw: %w", err)
	}
	return s.count(ctx, "withdrawn", "")
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

// Delete removes the participant and everything about them for real: sign-ups, memberships
// and links go with the row. Only an anonymous yearly count remains. It returns the e-mail
// address the person had ("" for none), so the caller can remove mail to it as well.
func (s *Store) Delete(ctx context.Context, participantID int64) (string, error) {
	var email string
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		email, err = s.on(tx).deleteParticipant(ctx, participantID)
		return err
	})
	return email, err
}

func (s *Store) deleteParticipant(ctx context.Context, participantID int64) (string, error) {
	var email *string
	err := s.db.QueryRow(ctx, `DELETE FROM participants WHERE id = $1 RETURNING email::text`, participantID).Scan(&email)
	if err != nil {
		return "", fmt.Errorf("signups: delete: %w", postgres.MapError(err))
	}
	if email == nil {
		return "", s.count(ctx, "deleted_by_request", "")
	}
	return *email, s.count(ctx, "deleted_by_request", "")
}

// Export is everything stored about a participant, for the download on the private page.
type Export struct {
	ExportedAt  time.Time          `json:"exported_at"`
	Participant Participant        `json:"participant"`
	Signups     []Signup           `json:"signups"`
	Memberships []ExportMembership `json:"memberships"`
	Links       []ExportLink       `json:"private_links"`
}

// ExportMembership is a membership in the export.
type ExportMembership struct {
	Group    string     `json:"group"`
	JoinedAt time.Time  `json:"joined_at"`
	LeftAt   *time.Time `json:"left_at"`
}

// ExportLink is a private link in the export: when it was made and when it ends, never the
// token (only its hash is stored).
type ExportLink struct {
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ExportData gathers everything stored about the participant.
func (s *Store) ExportData(ctx context.Context, participantID int64) (Export, error) {
	x := Export{ExportedAt: time.Now().UTC()}
	var err error
	if x.Participant, err = s.Participant(ctx, participantID); err != nil {
		return x, err
	}
	if x.Signups, err = s.Signups(ctx, participantID); err != nil {
		return x, err
	}
	rows, err := s.db.Query(ctx, `SELECT g.name, m.joined_at, m.left_at FROM memberships m JOIN groups g ON g.id = m.group_id
		WHERE m.participant_id = $1 ORDER BY m.joined_at`, participantID)
	if err != nil {
		return x, fmt.Errorf("signups: export: %w", err)
	}
	if x.Memberships, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ExportMembership]); err != nil {
		return x, fmt.Errorf("signups: export: %w", err)
	}
	rows, err = s.db.Query(ctx, `SELECT created_at, expires_at FROM participant_links WHERE participant_id = $1 ORDER BY created_at`, participantID)
	if err != nil {
		return x, fmt.Errorf("signups: export: %w", err)
	}
	if x.Links, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ExportLink]); err != nil {
		return x, fmt.Errorf("signups: export: %w", err)
	}
	return x, nil
}

// Purge deletes sign-ups withdrawn or left more than months ago, and then the participants
// who have nothing left, and returns how many people it removed. The yearly counts stay.
func (s *Store) Purge(ctx context.Context, months int) (int64, error) {
	if _, err := s.db.Exec(ctx, `DELETE FROM signups WHERE status IN ('withdrawn', 'left')
		AND status_changed_at < now() - make_interval(months => $1)`, months); err != nil {
		return 0, fmt.Errorf("signups: purge: %w", err)
	}
	// Mail to a deleted person goes with them (the outbox belongs to the mail package, but a
	// deletion that left the address there would not be one).
	var n int64
	err := s.db.QueryRow(ctx, `WITH gone AS (
			DELETE FROM participants p
			WHERE p.created_at < now() - make_interval(months => $1)
			  AND NOT EXISTS (SELECT 1 FROM signups s WHERE s.participant_id = p.id)
			  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.participant_id = p.id AND m.left_at IS NULL)
			RETURNING p.email),
		mail AS (DELETE FROM outbox WHERE lower(to_addr) IN (SELECT lower(email::text) FROM gone WHERE email IS NOT NULL))
		SELECT count(*) FROM gone`, months).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("signups: purge: %w", err)
	}
	return n, nil
}

// orEmpty makes a nil list an empty one: the columns are NOT NULL arrays.
func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
