package signups

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/sms"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Staff sign up a caller on their behalf: someone who phones or comes by, and gives their
// consent orally after staff have read them the consent text. It is the public form's sign-up
// (the same checks, the same duplicate rules, the same confirmation by the person's channel),
// with the consent recorded as oral, given to the staff member who took it.

// ErrExists is what SignUpCaller answers when the person is already registered: with the same
// e-mail address, or, when no address is given, the same phone number of someone without
// one. Result.ParticipantID names them; staff add the sign-up to them instead.
var ErrExists = errors.New("signups: the person is already registered")

// CallerForm is a new person staff sign up: the public form (Consent is the oral consent
// they gave to the text staff read out), the language of their messages, and what for.
type CallerForm struct {
	Form
	Lang   string // of Languages
	Target Target
	// AddToExisting adds the sign-up to the person who is already registered (ErrExists)
	// rather than stopping: staff have checked it is the same person.
	AddToExisting bool
}

// Validate checks the form as the public form is checked, and the group or theme; the
// messages speak to staff about the person.
func (f *CallerForm) Validate() validate.Errors {
	var e validate.Errors
	if f.Target.GroupID == 0 && f.Target.ThemeID == 0 {
		e.Add("target", "behalf.target.required")
	}
	e.Merge(forStaff(f.Form.Validate()))
	if !slices.Contains(Languages, f.Lang) {
		f.Lang = string(i18n.NB)
	}
	return e
}

// staffWording are the public form's messages, which speak to the person ("your name"),
// and the same said to staff about the person.
var staffWording = map[string]string{
	"signup.name.required":        "behalf.name.required",
	"signup.contact.required":     "behalf.contact.required",
	"signup.phone.requiredToCall": "behalf.phone.requiredToCall",
	"signup.phone.requiredToSMS":  "behalf.phone.requiredToSMS",
	"signup.formats.required":     "behalf.formats.required",
	"signup.adult.required":       "behalf.adult.required",
	"signup.consent.required":     "behalf.consent.required",
}

// forStaff words errs for staff.
func forStaff(errs validate.Errors) validate.Errors {
	out := make(validate.Errors, len(errs))
	for i, e := range errs {
		if m, ok := staffWording[e.Msg]; ok {
			e.Msg = m
		}
		out[i] = e
	}
	return out
}

// SignUpCaller registers the person of f and their sign-up, for staff member by, who took
// their consent orally, in one transaction: it sends the confirmation with their private
// link by their channel as the public form does (confirmSignup) and writes the audit line.
// f is validated and normalised in place; a validate.Errors comes back when it does not
// hold, also for a group or theme that is gone ("target"). When the person is already
// registered it returns ErrExists with their id, and stores nothing, unless
// f.AddToExisting: then the sign-up is theirs, and what is stored about them is kept.
func (s *Store) SignUpCaller(ctx context.Context, f *CallerForm, by audit.Actor) (Result, error) {
	if errs := f.Validate(); !errs.OK() {
		return Result{}, errs
	}
	var r Result
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		st := s.on(tx)
		t, err := st.resolveTarget(ctx, f.Target)
		if err != nil {
			return err
		}
		id, err := st.existing(ctx, f.Email, f.Phone)
		if err == nil && !f.AddToExisting {
			r.ParticipantID = id
			return ErrExists
		}
		var who reached
		switch {
		case err == nil:
			who, err = recipient(ctx, tx, id)
		case errors.Is(err, postgres.ErrNotFound):
			// ON CONFLICT DO NOTHING: someone registered the same address a moment ago.
			if who, err = st.insertParticipant(ctx, f.Form, i18n.Lang(f.Lang), `ON CONFLICT DO NOTHING`); errors.Is(err, pgx.ErrNoRows) {
				r.ParticipantID, _ = st.existing(ctx, f.Email, f.Phone)
				return ErrExists
			}
		}
		if err != nil {
			return err
		}
		w := Wish{Target: t, Source: f.Source, Note: f.Note, Consent: f.Consent, Prefs: f.Prefs}
		r, err = st.signUpByStaff(ctx, tx, who, w, by)
		return err
	})
	return r, err
}

// SignUpExisting adds the sign-up w to the participant, for staff member by, who took their
// consent orally, in one transaction with its confirmation by their channel and its audit
// line. w is validated and normalised in place (a validate.Errors when it does not hold, also
// when the person already has an active sign-up for the same group or theme: "target"). A
// missing participant is ErrNotFound.
func (s *Store) SignUpExisting(ctx context.Context, participantID int64, w *Wish, by audit.Actor) (Result, error) {
	if errs := forStaff(w.Validate()); !errs.OK() {
		return Result{}, errs
	}
	var r Result
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		who, err := recipient(ctx, tx, participantID)
		if err != nil {
			return err
		}
		st := s.on(tx)
		t, err := st.resolveTarget(ctx, w.Target)
		if err != nil {
			return err
		}
		w.Target = t
		r, err = st.signUpByStaff(ctx, tx, who, *w, by)
		return err
	})
	return r, err
}

// signUpByStaff stores the wish of the participant with the oral consent given to by, sends
// the confirmation and writes the audit line, on tx.
func (s *Store) signUpByStaff(ctx context.Context, tx pgx.Tx, who reached, w Wish, by audit.Actor) (Result, error) {
	participantID := who.ID
	r, err := s.addSignup(ctx, participantID, w, by.ID)
	if err != nil {
		return r, err
	}
	if !r.Created {
		var e validate.Errors
		e.Add("target", "behalf.target.already")
		return r, e
	}
	if r.Channel, err = s.confirmSignup(ctx, tx, who); err != nil {
		return r, err
	}
	return r, audit.Record(ctx, tx, by, audit.Entry{Action: audit.SignedUpByStaff, Entity: "participant", EntityID: participantID,
		Details: map[string]any{"signup_id": r.SignupID, "group_id": w.Target.GroupID, "theme_id": w.Target.ThemeID,
			"consent": ConsentOral, "confirmation": string(r.Channel)}})
}

// resolveTarget checks that the group (not closed, not an open meeting: nobody signs up for
// one) or theme of t exists, and gives a group's
// sign-up its theme, as the public form does: the first by name, published ones first. One
// that is gone is a validate.Errors on "target".
func (s *Store) resolveTarget(ctx context.Context, t Target) (Target, error) {
	var err error
	if t.GroupID != 0 {
		var theme *int64
		err = s.db.QueryRow(ctx, `SELECT g.id, (SELECT gt.theme_id FROM group_themes gt JOIN themes th ON th.id = gt.theme_id
				WHERE gt.group_id = g.id ORDER BY NOT th.published, th.name_nb COLLATE "nb-NO-x-icu", th.id LIMIT 1)
			FROM groups g WHERE g.id = $1 AND g.status <> 'closed' AND NOT g.open_meeting`, t.GroupID).Scan(&t.GroupID, &theme)
		t.ThemeID = 0
		if theme != nil {
			t.ThemeID = *theme
		}
	} else {
		err = s.db.QueryRow(ctx, `SELECT id FROM themes WHERE id = $1`, t.ThemeID).Scan(&t.ThemeID)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		var e validate.Errors
		e.Add("target", "behalf.target.gone")
		return t, e
	}
	if err != nil {
		return t, fmt.Errorf("signups: target: %w", err)
	}
	return t, nil
}

// existing finds the participant a new sign-up with email and phone belongs to, by the rules
// of the unique indexes: the same address, or without one, the same number (in any form
// sms.Normalize reads) of someone who has no address. None is ErrNotFound.
func (s *Store) existing(ctx context.Context, email, phone string) (int64, error) {
	var id int64
	if email != "" {
		err := s.db.QueryRow(ctx, `SELECT id FROM participants WHERE email = $1`, email).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("signups: existing: %w", postgres.MapError(err))
		}
		return id, nil
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	if len(digits) < 8 {
		return 0, fmt.Errorf("signups: existing: %w", postgres.ErrNotFound)
	}
	want, _ := sms.Normalize(phone)
	// Numbers stored before they were normalised are found by their last eight digits.
	rows, err := s.db.Query(ctx, `SELECT id, phone FROM participants
		WHERE email IS NULL AND phone IS NOT NULL AND right(regexp_replace(phone, '[^0-9]', '', 'g'), 8) = $1
		ORDER BY id LIMIT 20`, digits[len(digits)-8:])
	if err != nil {
		return 0, fmt.Errorf("signups: existing: %w", err)
	}
	var stored string
	_, err = pgx.ForEachRow(rows, []any{&id, &stored}, func() error {
		if n, err := sms.Normalize(stored); stored == phone || (err == nil && n == want) {
			return errFound
		}
		return nil
	})
	if errors.Is(err, errFound) {
		return id, nil
	}
	if err != nil {
		return 0, fmt.Errorf("signups: existing: %w", err)
	}
	return 0, fmt.Errorf("signups: existing: %w", postgres.ErrNotFound)
}

// errFound stops the scan of existing at the first match.
var errFound = errors.New("found")

// TargetChoice is a group or theme staff may sign a person up for.
type TargetChoice struct {
	Target Target
	Name   string
}

// TargetChoices lists the groups that are not closed (nor open meetings) and then the published themes, each by
// name: what staff choose from. The centre has a few dozen of each.
func (s *Store) TargetChoices(ctx context.Context) ([]TargetChoice, error) {
	rows, err := s.db.Query(ctx, `(SELECT id, 0::bigint, name FROM groups WHERE status <> 'closed' AND NOT open_meeting
			ORDER BY name COLLATE "nb-NO-x-icu", id LIMIT 500)
		UNION ALL
		(SELECT 0::bigint, id, name_nb FROM themes WHERE published ORDER BY name_nb COLLATE "nb-NO-x-icu", id LIMIT 500)`)
	if err != nil {
		return nil, fmt.Errorf("signups: target choices: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TargetChoice, error) {
		var c TargetChoice
		err := r.Scan(&c.Target.GroupID, &c.Target.ThemeID, &c.Name)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("signups: target choices: %w", err)
	}
	return list, nil
}

// Key names the target in a form: "gruppe-ID" or "tema-ID"; ParseTarget reads it back.
func (t Target) Key() string {
	if t.GroupID != 0 {
		return "gruppe-" + strconv.FormatInt(t.GroupID, 10)
	}
	if t.ThemeID != 0 {
		return "tema-" + strconv.FormatInt(t.ThemeID, 10)
	}
	return ""
}

// ParseTarget reads a Target.Key; anything else is the zero Target.
func ParseTarget(key string) Target {
	kind, n, _ := strings.Cut(key, "-")
	id, err := strconv.ParseInt(n, 10, 64)
	switch {
	case err != nil || id <= 0:
		return Target{}
	case kind == "gruppe":
		return Target{GroupID: id}
	case kind == "tema":
		return Target{ThemeID: id}
	}
	return Target{}
}

// Draft is what staff see when they add a sign-up for a known person: their first name and
// a wish prefilled with the preferences of their latest sign-up.
type Draft struct {
	Participant Participant
	Wish        Wish
}

// NewWish returns the participant with a wish prefilled from their latest sign-up (or the
// defaults of the public form: every format, their language), for staff member by, and
// records in the audit log, with the reads, that by saw their personal data.
func (s *Store) NewWish(ctx context.Context, participantID int64, by audit.Actor) (Draft, error) {
	var d Draft
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		st := s.on(tx)
		var err error
		if d.Participant, err = st.Participant(ctx, participantID); err != nil {
			return err
		}
		d.Wish.Formats, d.Wish.Languages = Formats, []string{d.Participant.Lang}
		err = tx.QueryRow(ctx, `SELECT formats, availability, languages FROM signups WHERE participant_id = $1
			ORDER BY created_at DESC, id DESC LIMIT 1`, participantID).Scan(&d.Wish.Formats, &d.Wish.Availability, &d.Wish.Languages)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("signups: new wish: %w", err)
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.PersonalDataViewed, Entity: "participant", EntityID: participantID})
	})
	return d, err
}
