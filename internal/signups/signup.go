package signups

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Result says what SignUp did.
type Result struct {
	ParticipantID int64
	SignupID      int64
	Created       bool // false: the person already had an active sign-up for the same thing
	// Channel is how the confirmation went: mail.ChannelNone when nothing was sent (no new
	// sign-up, or the person asked to be phoned and gave no address).
	Channel mail.Channel
}

// SignUp stores the sign-up f for target, made on a page in lang, and sends the person the
// private link to their sign-ups by their channel (confirmSignup), in one transaction. f is
// validated first, and trimmed and normalised in place so that a form shown again shows what
// was checked; a validate.Errors comes back when it does not hold. The same e-mail address
// finds the same person, and a second sign-up for the same group or theme changes nothing and
// sends no second message: the unique indexes make that hold under concurrency, not a check
// in Go. A second sign-up never overwrites what the person typed the first time, since anyone
// can type an address.
func (s *Store) SignUp(ctx context.Context, f *Form, t Target, lang i18n.Lang) (Result, error) {
	if errs := f.Validate(); !errs.OK() {
		return Result{}, errs
	}
	var res Result
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		st := s.on(tx)
		r, who, err := st.signUp(ctx, *f, t, lang)
		if err == nil && r.Created {
			r.Channel, err = st.confirmSignup(ctx, tx, who)
		}
		res = r
		return err
	})
	return res, err
}

func (s *Store) signUp(ctx context.Context, f Form, t Target, lang i18n.Lang) (Result, reached, error) {
	// Only the e-mail address joins sign-ups into one person: a phone number is not
	// verified, and anyone could type someone else's.
	conflict := `ON CONFLICT (email) WHERE email IS NOT NULL DO UPDATE SET email = p.email`
	if f.Email == "" {
		conflict = ""
	}
	who, err := s.insertParticipant(ctx, f, lang, conflict)
	if err != nil {
		return Result{}, who, err
	}
	r, err := s.addSignup(ctx, who.ID, Wish{Target: t, Source: f.Source, Note: f.Note, Consent: f.Consent, Prefs: f.Prefs}, 0)
	return r, who, err
}

// insertParticipant stores the person of f, with conflict as the statement's ON CONFLICT
// clause (the table is p), and returns them as stored (the person who was there when the
// clause updated); pgx.ErrNoRows when the clause did nothing.
func (s *Store) insertParticipant(ctx context.Context, f Form, lang i18n.Lang, conflict string) (reached, error) {
	var email, phone *string
	if f.Email != "" {
		email = &f.Email
	}
	if f.Phone != "" {
		phone = &f.Phone
	}
	who, err := scanReached(s.db.QueryRow(ctx, `INSERT INTO participants AS p (first_name, email, phone, contact, age_band, lang)
		VALUES ($1, $2, $3, $4, $5, $6) `+conflict+` RETURNING `+recipientColumns,
		f.FirstName, email, phone, f.Contact, f.AgeBand, string(lang)))
	if errors.Is(err, pgx.ErrNoRows) {
		return who, err
	}
	if err != nil {
		return who, fmt.Errorf("signups: participant: %w", postgres.MapError(err))
	}
	return who, nil
}

// addSignup stores the wish w of the participant, its consent given on the form, or orally
// to staff member by (not 0), and counts it for the year. Result.Created is false when they
// already have an active sign-up for the same group or theme.
func (s *Store) addSignup(ctx context.Context, participantID int64, w Wish, by int64) (Result, error) {
	r := Result{ParticipantID: participantID}
	var group, theme, consentBy *int64
	if w.Target.GroupID != 0 {
		group = &w.Target.GroupID
	}
	if w.Target.ThemeID != 0 {
		theme = &w.Target.ThemeID
	}
	method := ConsentForm
	if by != 0 {
		method, consentBy = ConsentOral, &by
	}
	err := s.db.QueryRow(ctx, `INSERT INTO signups (participant_id, group_id, theme_id, formats, availability, languages,
			source, note, consent_version, consent_method, consent_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id`,
		participantID, group, theme, orEmpty(w.Formats), orEmpty(w.Availability), orEmpty(w.Languages), w.Source, w.Note,
		ConsentVersion, method, consentBy).Scan(&r.SignupID)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("signups: sign-up: %w", postgres.MapError(err))
	}
	r.Created = true
	return r, s.count(ctx, "signups", w.Source)
}

// confirmSignup queues, on tx, the confirmation of a new sign-up to the participant, with a
// new private link to "My sign-ups", by their channel (mail.Outbox.Reach): a mail, or a short
// SMS that names neither group nor theme. Someone who asked to be phoned gets the mail when
// they gave an address (the private link is how they see, change and delete what they gave),
// and otherwise nothing: staff phone them when there is a place. It returns the channel used.
func (s *Store) confirmSignup(ctx context.Context, tx pgx.Tx, who reached) (mail.Channel, error) {
	r := who.To
	if r.Contact == ByPhone {
		r.Contact = ByEmail // a written confirmation only by mail: they did not ask for SMS
		r.SMSStopped = true
	}
	if r.Channel() == mail.ChannelNone {
		return mail.ChannelNone, nil
	}
	token, expires, err := s.on(tx).IssueLink(ctx, who.ID)
	if err != nil {
		return mail.ChannelNone, err
	}
	link := s.out.URL("/mine/" + token)
	ch, err := s.out.Reach(ctx, tx, r, signupMail(r.Lang, who.Name, link, expires), signupSMS(r.Lang, who.Name, link))
	if err != nil {
		return mail.ChannelNone, fmt.Errorf("signups: confirm sign-up: %w", err)
	}
	return ch, nil
}

// reached is a participant as the outbox reaches them.
type reached struct {
	ID   int64
	Name string // first name
	To   mail.Recipient
}

// recipient reads the participant as the outbox reaches them.
func recipient(ctx context.Context, db postgres.DBTX, participantID int64) (reached, error) {
	who, err := scanReached(db.QueryRow(ctx, `SELECT `+recipientColumns+` FROM participants p WHERE p.id = $1`, participantID))
	if err != nil {
		return who, fmt.Errorf("signups: recipient: %w", postgres.MapError(err))
	}
	return who, nil
}

// scanReached reads the recipientColumns of a row.
func scanReached(row pgx.Row) (reached, error) {
	var who reached
	var lang string
	if err := row.Scan(&who.ID, &who.Name, &who.To.Email, &who.To.Phone, &who.To.Contact, &who.To.SMSStopped, &lang); err != nil {
		return who, err
	}
	if who.To.Lang = i18n.Lang(lang); who.To.Lang != i18n.EN {
		who.To.Lang = i18n.NB
	}
	return who, nil
}

// SendLink mails a new private link to the participant with the address email, in lang, the
// language of the page it was asked for on. A missing or malformed address is a
// validate.Errors. An unknown address sends nothing and is no error: the answer must not tell
// whether an address is known.
func (s *Store) SendLink(ctx context.Context, email string, lang i18n.Lang) error {
	var errs validate.Errors
	if !errs.RequiredEmail("email", email) {
		return errs
	}
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		st := s.on(tx)
		p, err := st.ByEmail(ctx, email)
		if errors.Is(err, postgres.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return st.mailLink(ctx, tx, p.ID, p.FirstName, email, lang, linkMail)
	})
}

// mailLink issues a new private link for the participant and queues, on tx, the mail that
// build makes of it to the address to.
func (s *Store) mailLink(ctx context.Context, tx pgx.Tx, participantID int64, name, to string, lang i18n.Lang,
	build func(i18n.Lang, string, string, time.Time) mail.Message) error {
	token, expires, err := s.IssueLink(ctx, participantID)
	if err != nil {
		return err
	}
	msg := build(lang, name, s.out.URL("/mine/"+token), expires)
	msg.To = to
	_, err = s.out.Enqueue(ctx, tx, msg)
	return err
}

// IssueLink makes a new private link for the participant and returns its token and when it
// stops working. Only its hash is stored: the token lives in the mail alone. The person's
// older links beyond the newest MaxLinks end with it, in the same statement (which does not
// see its own new row, hence MaxLinks-1 kept).
func (s *Store) IssueLink(ctx context.Context, participantID int64) (string, time.Time, error) {
	token := tokens.New()
	expires := time.Now().Add(LinkTTL)
	_, err := s.db.Exec(ctx, `WITH link AS (
			INSERT INTO participant_links (token_hash, participant_id, expires_at) VALUES ($1, $2, $3))
		DELETE FROM participant_links WHERE participant_id = $2 AND token_hash NOT IN (
			SELECT token_hash FROM participant_links WHERE participant_id = $2 ORDER BY created_at DESC, token_hash LIMIT $4)`,
		tokens.Hash(token), participantID, expires, MaxLinks-1)
	if err != nil {
		return "", expires, fmt.Errorf("signups: link: %w", postgres.MapError(err))
	}
	return token, expires, nil
}
