package signups_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// personOf returns the participant of sign-up id.
func personOf(t *testing.T, db *pgxpool.Pool, id int64) int64 {
	t.Helper()
	var p int64
	if err := db.QueryRow(context.Background(), `SELECT participant_id FROM signups WHERE id = $1`, id).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Staff find people by part of the name or address, blind to case and accents, and by a
// phone number written any way; every search is in the log with its number of hits and
// without the query.
func TestSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	ase := signUpBy(t, db, target, "Åse Nørby", "aase@example.org", "+4748123456", "email", false)
	jose := signUpBy(t, db, target, "José", "jose@example.org", "", "email", false)
	kari := signUpBy(t, db, target, "Kari", "", "+4791234567", "sms", false)
	names := map[int64]string{personOf(t, db, ase): "Åse Nørby", personOf(t, db, jose): "José", personOf(t, db, kari): "Kari"}
	cases := []struct {
		q    string
		want []string
	}{
		{"ase", []string{"Åse Nørby"}},
		{"ÅSE", []string{"Åse Nørby"}},
		{"nor", []string{"Åse Nørby"}},
		{"jose", []string{"José"}},
		{"JOSÉ", []string{"José"}},
		{"example.org", []string{"José", "Åse Nørby"}},
		{"se example", []string{"José", "Åse Nørby"}},
		{"48 12 34 56", []string{"Åse Nørby"}},
		{"+47 48123456", []string{"Åse Nørby"}},
		{"0047 48 12 34 56", []string{"Åse Nørby"}},
		{"4812", []string{"Åse Nørby"}},
		{"912 34 567", []string{"Kari"}},
		{"xyz", nil},
		{"%", nil},
		{"a_e", nil},
	}
	for _, c := range cases {
		found, total, err := s.Search(ctx, c.q, 25, 0, staff)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		var got []string
		for _, f := range found {
			got = append(got, names[f.ID])
			if (f.Email != "" && !strings.Contains(f.Email, "…@")) || (f.Phone != "" && !strings.HasPrefix(f.Phone, "… ")) {
				t.Errorf("%q: the contact is shown whole: %s %s", c.q, f.Email, f.Phone)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) || total != len(c.want) {
			t.Errorf("search %q: %v (%d), want %v", c.q, got, total, c.want)
		}
	}
	var lines, leaks int
	if err := db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE details::text LIKE '%48%' OR details::text LIKE '%jose%')
		FROM audit_log WHERE action = $1`, audit.ParticipantSearched).Scan(&lines, &leaks); err != nil {
		t.Fatal(err)
	}
	if lines != len(cases) || leaks != 0 {
		t.Errorf("%d search lines (want %d), %d holding the query", lines, len(cases), leaks)
	}
	var hits float64
	if err := db.QueryRow(ctx, `SELECT (details->>'hits')::float FROM audit_log WHERE action = $1 ORDER BY id LIMIT 1`,
		audit.ParticipantSearched).Scan(&hits); err != nil || hits != 1 {
		t.Errorf("the first search's hits: %v %v", hits, err)
	}
}

// Staff correct a person's contact details: checked as on the sign-up form, an address
// another person has is refused next to the field, and the old values stay in the history.
// The messages sent before stay on the person's page after the address changed.
func TestUpdateContact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	kari := personOf(t, db, signUpBy(t, db, target, "Kari", "kari@example.org", "", "email", false))
	personOf(t, db, signUpBy(t, db, target, "Ola", "ola@example.org", "", "email", false))
	edit := func(email, phone, contact string) *signups.ContactEdit {
		return &signups.ContactEdit{ContactForm: signups.ContactForm{FirstName: " Kari ", Email: email, Phone: phone, Contact: contact}, Lang: "nb"}
	}
	for _, c := range []struct {
		name  string
		f     *signups.ContactEdit
		field string
		msg   string
	}{
		{"bad address", edit("kari@", "", "email"), "email", "form.email.invalid"},
		{"SMS without a number", edit("kari@example.org", "", "sms"), "phone", "signup.phone.requiredToSMS"},
		{"no way to reach", edit("", "", "email"), "email", "signup.contact.required"},
		{"bad language", &signups.ContactEdit{ContactForm: signups.ContactForm{FirstName: "Kari", Email: "kari@example.org"}, Lang: "de"}, "lang", "desk.contact.lang.invalid"},
		{"another person's address", edit("OLA@example.org", "", "email"), "email", "desk.contact.emailTaken"},
	} {
		_, err := s.UpdateContact(ctx, kari, c.f, staff)
		var errs validate.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("%s: %v", c.name, err)
		}
		if e, ok := errs.Get(c.field); !ok || e.Msg != c.msg {
			t.Errorf("%s: %v, want %s on %s", c.name, errs, c.msg, c.field)
		}
	}
	changed, err := s.UpdateContact(ctx, kari, edit("kari.nordmann@example.org", "48 12 34 56", "sms"), staff)
	if err != nil || !changed {
		t.Fatalf("change: %v %v", changed, err)
	}
	p, err := s.Participant(ctx, kari)
	if err != nil || p.FirstName != "Kari" || *p.Email != "kari.nordmann@example.org" || *p.Phone != "+4748123456" || p.Contact != "sms" {
		t.Fatalf("after the change: %+v %v", p, err)
	}
	if changed, err := s.UpdateContact(ctx, kari, edit("kari.nordmann@example.org", "+4748123456", "sms"), staff); err != nil || changed {
		t.Errorf("the same again: %v %v", changed, err)
	}
	var from, to string
	if err := db.QueryRow(ctx, `SELECT details->'from'->>'email', details->'to'->>'phone' FROM audit_log
		WHERE action = $1 AND entity = 'participant' AND entity_id = $2::bigint::text`, audit.ContactChanged, kari).Scan(&from, &to); err != nil ||
		from != "kari@example.org" || to != "+4748123456" {
		t.Errorf("the audit line: %q %q %v", from, to, err)
	}
	v, err := s.View(ctx, kari, signups.TimelineStep, staff)
	if err != nil || len(v.Messages) != 1 || v.Messages[0].Kind != "signup" || v.Messages[0].TextBody != "" {
		t.Fatalf("the messages after the change: %+v %v", v.Messages, err)
	}
	if len(v.Timeline) == 0 || v.Timeline[0].What != audit.ContactChanged || v.Timeline[0].Actor != staff.Label {
		t.Errorf("the newest event: %+v", v.Timeline)
	}
}

// Staff withdraw one of a person's two sign-ups, the one with an open offer: the offer goes
// with it, the other sign-up still waits, and the reason is in the log. Nothing else can be
// withdrawn that way.
func TestWithdrawOneOfTwo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	byTheme, err := s.SignUp(ctx, form("kari@example.org"), signups.Target{ThemeID: target.ThemeID}, "nb")
	if err != nil {
		t.Fatal(err)
	}
	byGroup, err := s.SignUp(ctx, form("kari@example.org"), signups.Target{GroupID: target.GroupID}, "nb")
	if err != nil || byGroup.ParticipantID != byTheme.ParticipantID {
		t.Fatal(byGroup, err)
	}
	made := offer(t, s, byGroup.SignupID, target.GroupID)
	kari := byTheme.ParticipantID

	var errs validate.Errors
	if err := s.WithdrawFor(ctx, kari, byGroup.SignupID, &signups.WithdrawForm{Reason: "because"}, staff); !errors.As(err, &errs) || !errs.Has("reason") {
		t.Errorf("no reason: %v", err)
	}
	other := personOf(t, db, signUpBy(t, db, target, "Ola", "ola@example.org", "", "email", false))
	if err := s.WithdrawFor(ctx, other, byGroup.SignupID, &signups.WithdrawForm{Reason: "asked"}, staff); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("another person's sign-up: %v", err)
	}
	if err := s.WithdrawFor(ctx, kari, byGroup.SignupID, &signups.WithdrawForm{Reason: "asked", Text: " Ringte i dag "}, staff); err != nil {
		t.Fatal(err)
	}
	var groupStatus, themeStatus, offerStatus string
	if err := db.QueryRow(ctx, `SELECT (SELECT status FROM signups WHERE id = $1), (SELECT status FROM signups WHERE id = $2),
		(SELECT status FROM offers WHERE id = $3)`, byGroup.SignupID, byTheme.SignupID, made.OfferID).Scan(&groupStatus, &themeStatus, &offerStatus); err != nil {
		t.Fatal(err)
	}
	if groupStatus != signups.Withdrawn || themeStatus != signups.Waiting || offerStatus != signups.OfferWithdrawn {
		t.Errorf("after withdrawing: group %s, theme %s, offer %s", groupStatus, themeStatus, offerStatus)
	}
	var reason, text string
	var offerID int64
	if err := db.QueryRow(ctx, `SELECT details->>'reason', details->>'text', (details->>'offer_id')::bigint FROM audit_log WHERE action = $1`,
		audit.SignupWithdrawnByStaff).Scan(&reason, &text, &offerID); err != nil || reason != "asked" || text != "Ringte i dag" || offerID != made.OfferID {
		t.Errorf("the audit line: %q %q %d %v", reason, text, offerID, err)
	}
	if err := s.WithdrawFor(ctx, kari, byGroup.SignupID, &signups.WithdrawForm{Reason: "asked"}, staff); !errors.Is(err, signups.ErrNotWaiting) {
		t.Errorf("withdrawing twice: %v", err)
	}
}

// Staff's note is kept with the person, checked for length, and logged without its text.
func TestStaffNote(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	kari := personOf(t, db, signUpBy(t, db, target, "Kari", "kari@example.org", "", "email", false))
	var errs validate.Errors
	if err := s.SetStaffNote(ctx, kari, strings.Repeat("x", signups.MaxStaffNote+1), staff); !errors.As(err, &errs) || !errs.Has("staff_note") {
		t.Errorf("a long note: %v", err)
	}
	if err := s.SetStaffNote(ctx, kari, "  Vil bli ringt etter kl. 16  ", staff); err != nil {
		t.Fatal(err)
	}
	if err := s.SetStaffNote(ctx, kari+100, "x", staff); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("an unknown person: %v", err)
	}
	p, err := s.Participant(ctx, kari)
	if err != nil || p.StaffNote != "Vil bli ringt etter kl. 16" {
		t.Fatalf("the note: %q %v", p.StaffNote, err)
	}
	var lines, leaks int
	if err := db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE details::text LIKE '%ringt%') FROM audit_log WHERE action = $1`,
		audit.StaffNoteChanged).Scan(&lines, &leaks); err != nil || lines != 1 || leaks != 0 {
		t.Errorf("note lines %d, with the text %d, %v", lines, leaks, err)
	}
}

// The history is newest first, capped, and says when there is more.
func TestTimelineOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	res, err := s.SignUp(ctx, form("kari@example.org"), signups.Target{ThemeID: target.ThemeID}, "nb")
	if err != nil {
		t.Fatal(err)
	}
	offer(t, s, res.SignupID, target.GroupID)
	if err := s.SetStaffNote(ctx, res.ParticipantID, "Ringer tilbake", staff); err != nil {
		t.Fatal(err)
	}
	if err := s.WithdrawFor(ctx, res.ParticipantID, res.SignupID, &signups.WithdrawForm{Reason: "asked"}, staff); err != nil {
		t.Fatal(err)
	}
	events, more, err := s.Timeline(ctx, res.ParticipantID, signups.MaxTimeline)
	if err != nil || more {
		t.Fatal(more, err)
	}
	var whats []string
	for i, e := range events {
		whats = append(whats, e.What)
		if i > 0 && e.At.After(events[i-1].At) {
			t.Errorf("event %d (%s) is newer than the one before", i, e.What)
		}
	}
	for _, want := range []string{"signup.created", "message.queued", audit.OfferMade, "offer.made", "offer.withdrawn",
		audit.StaffNoteChanged, audit.SignupWithdrawnByStaff} {
		if !slices.Contains(whats, want) {
			t.Errorf("the history lacks %s: %v", want, whats)
		}
	}
	if whats[0] != audit.SignupWithdrawnByStaff && whats[0] != "offer.withdrawn" {
		t.Errorf("the newest is %s", whats[0])
	}
	if slices.Contains(whats, audit.PersonalDataViewed) {
		t.Error("views are in the history")
	}
	two, more, err := s.Timeline(ctx, res.ParticipantID, 2)
	if err != nil || len(two) != 2 || !more || two[0].At != events[0].At {
		t.Errorf("capped at two: %v %v %v", two, more, err)
	}
}
