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
}

// SignUp stores the sign-up f for target, made on a page in lang, and mails the person the
// private link to their sign-ups, in one transaction. f is validated first, and trimmed and
// normalised in place so that a form shown again shows what was checked; a validate.Errors
// comes back when it does not hold. The same e-mail address finds the same person, and a
// second sign-up for the same group or theme changes nothing and sends no second mail: the
// unique indexes make that hold under concurrency, not a check in Go. A second sign-up never
// overwrites what the person typed the first time, since anyone can type an address. Someone
// who gave only a phone number gets no mail.
func (s *Store) SignUp(ctx context.Context, f *Form, t Target, lang i18n.Lang) (Result, error) {
	if errs := f.Validate(); !errs.OK() {
		return Result{}, errs
	}
	var r Result
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		st := s.on(tx)
		var err error
		if r, err = st.signUp(ctx, *f, t, lang); err != nil || !r.Created || f.Email == "" {
			return err
		}
		return st.mailLink(ctx, tx, r.ParticipantID, f.FirstName, f.Email, lang, signupMail)
	})
	return r, err
}

func (s *Store) signUp(ctx context.Context, f Form, t Target, lang i18n.Lang) (Result, error) {
	var r Result
	var email, phone *string
	if f.Email != "" {
		email = &f.Email
	}
	if f.Phone != "" {
		phone = &f.Phone
	}
	// Only the e-mail address joins sign-ups into one person: a phone number is not
	// verified, and anyone could type someone else's.
	conflict := `ON CONFLICT (email) WHERE email IS NOT NULL DO UPDATE SET email = participants.email`
	if email == nil {
		conflict = ""
	}
	err := s.db.QueryRow(ctx, `INSERT INTO participants (first_name, email, phone, contact, age_band, lang)
		VALUES ($1, $2, $3, $4, $5, $6) `+conflict+` RETURNING id`,
		f.FirstName, email, phone, f.Contact, f.AgeBand, string(lang)).Scan(&r.ParticipantID)
	if err != nil {
		return r, fmt.Errorf("signups: participant: %w", postgres.MapError(err))
	}
	var group, theme *int64
	if t.GroupID != 0 {
		group = &t.GroupID
	}
	if t.ThemeID != 0 {
		theme = &t.ThemeID
	}
	err = s.db.QueryRow(ctx, `INSERT INTO signups (participant_id, group_id, theme_id, formats, availability, languages,
			source, note, consent_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id`,
		r.ParticipantID, group, theme, orEmpty(f.Formats), orEmpty(f.Availability), orEmpty(f.Languages), f.Source, f.Note,
		ConsentVersion).Scan(&r.SignupID)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("signups: sign-up: %w", postgres.MapError(err))
	}
	r.Created = true
	return r, s.count(ctx, "signups", f.Source)
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
// stops working. Only its hash is stored: the token lives in the mail alone.
func (s *Store) IssueLink(ctx context.Context, participantID int64) (string, time.Time, error) {
	token := tokens.New()
	expires := time.Now().Add(LinkTTL)
	_, err := s.db.Exec(ctx, `INSERT INTO participant_links (token_hash, participant_id, expires_at) VALUES ($1, $2, $3)`,
		tokens.Hash(token), participantID, expires)
	if err != nil {
		return "", expires, fmt.Errorf("signups: link: %w", postgres.MapError(err))
	}
	return token, expires, nil
}
