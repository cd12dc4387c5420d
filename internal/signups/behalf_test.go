package signups_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// caller is a caller's form as staff fill it in: Kari, with the oral consent given.
func caller(email, phone, contact string, t signups.Target) *signups.CallerForm {
	return &signups.CallerForm{Lang: "nb", Target: t, Form: signups.Form{FirstName: "Kari", Email: email, Phone: phone, Contact: contact,
		Adult: true, Consent: true, Prefs: signups.Prefs{Formats: []string{"digital"}, Availability: []string{"3-morning"}}}}
}

// outboxRows are the messages queued to addr, as "channel kind".
func outboxRows(t *testing.T, db *pgxpool.Pool, addr string) []string {
	t.Helper()
	var out []string
	rows, err := db.Query(context.Background(), `SELECT channel || ' ' || kind FROM outbox WHERE to_addr = $1 ORDER BY id`, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// staffMember is a staff account with its audit actor.
func staffMember(t *testing.T, db *pgxpool.Pool) (auth.User, audit.Actor) {
	t.Helper()
	u := fixture.New(t, db).User("Siri Ansatt", auth.Staff, 0)
	return u, audit.Actor{ID: u.ID, Label: u.Email}
}

// Staff sign up three callers, one per channel: each gets the public form's confirmation by
// the channel they chose (a mail, an SMS naming no group, nothing for "Ring meg" without an
// address); each sign-up records the oral consent, its version and who took it; each is
// audited on the person without contact data.
func TestSignUpCallerConfirmsByTheirChannel(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	user, by := staffMember(t, db)
	group := signups.Target{GroupID: target.GroupID}
	cases := []struct {
		form    *signups.CallerForm
		addr    string
		channel mail.Channel
		rows    []string
	}{
		{caller("kari@example.org", "", "email", group), "kari@example.org", mail.ChannelEmail, []string{"email signup"}},
		{caller("", "48 12 34 56", "sms", group), "+4748123456", mail.ChannelSMS, []string{"sms signup"}},
		{caller("", "+4700000101", "phone", group), "+4700000101", mail.ChannelNone, nil},
	}
	for _, c := range cases {
		res, err := s.SignUpCaller(ctx, c.form, by)
		if err != nil || !res.Created || res.Channel != c.channel {
			t.Fatalf("%s: %+v %v", c.addr, res, err)
		}
		if got := outboxRows(t, db, c.addr); strings.Join(got, ",") != strings.Join(c.rows, ",") {
			t.Errorf("%s: queued %v; want %v", c.addr, got, c.rows)
		}
		list, err := s.Signups(ctx, res.ParticipantID)
		if err != nil || len(list) != 1 {
			t.Fatalf("%s: sign-ups %+v %v", c.addr, list, err)
		}
		got := list[0]
		if got.ConsentMethod != signups.ConsentOral || got.ConsentBy != user.Name || got.ConsentVersion != signups.ConsentVersion ||
			got.ThemeID == nil || *got.ThemeID != target.ThemeID || got.Status != signups.Waiting {
			t.Errorf("%s: the sign-up %+v", c.addr, got)
		}
		var details string
		db.QueryRow(ctx, `SELECT details::text FROM audit_log WHERE action = $1 AND entity = 'participant' AND entity_id = $2 AND actor_id = $3`,
			audit.SignedUpByStaff, itoa(res.ParticipantID), user.ID).Scan(&details)
		if !strings.Contains(details, `"confirmation": "`+string(c.channel)+`"`) || strings.Contains(details, "example.org") ||
			strings.Contains(details, "123456") {
			t.Errorf("%s: the audit line %q", c.addr, details)
		}
	}
	sms := mailtest.All(t, db)[1]
	if !strings.Contains(sms.Text, "Hei Kari!") || !strings.Contains(sms.Text, mailtest.Base.String()+"/mine/") ||
		strings.Contains(sms.Text, "Tirsdagsgruppa") || strings.Contains(sms.Text, "Angst") {
		t.Errorf("the SMS: %q", sms.Text)
	}
	// A sign-up on the public form keeps 'form' as its consent.
	res, err := s.SignUp(ctx, form("per@example.org"), group, i18n.NB)
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Signups(ctx, res.ParticipantID); list[0].ConsentMethod != signups.ConsentForm || list[0].ConsentBy != "" {
		t.Errorf("a sign-up on the form: %+v", list[0])
	}
}

// A caller already registered (the same address, or the same number without one, however it
// is written) is not made twice: ErrExists names them and nothing is stored or sent, until
// staff add the sign-up to them. A second sign-up for the same thing is refused at the target.
func TestSignUpCallerFindsThePersonWhoExists(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	_, by := staffMember(t, db)
	byMail, err := s.SignUp(ctx, form("kari@example.org"), signups.Target{ThemeID: target.ThemeID}, i18n.NB)
	if err != nil {
		t.Fatal(err)
	}
	byPhone, err := s.SignUpCaller(ctx, caller("", "+4748123456", "sms", signups.Target{ThemeID: target.ThemeID}), by)
	if err != nil {
		t.Fatal(err)
	}
	before := len(mailtest.All(t, db))
	group := signups.Target{GroupID: target.GroupID}
	for _, c := range []struct {
		form *signups.CallerForm
		want int64
	}{
		{caller("KARI@example.org", "", "email", group), byMail.ParticipantID},
		{caller("", "48 12 34 56", "phone", group), byPhone.ParticipantID},
		{caller("", "0047 48123456", "sms", group), byPhone.ParticipantID},
	} {
		res, err := s.SignUpCaller(ctx, c.form, by)
		if !errors.Is(err, signups.ErrExists) || res.ParticipantID != c.want {
			t.Fatalf("%s%s: %+v %v; want ErrExists with %d", c.form.Email, c.form.Phone, res, err, c.want)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM participants`); n != 2 {
		t.Errorf("%d participants; want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM signups`); n != 2 {
		t.Errorf("%d sign-ups; want 2", n)
	}
	if after := len(mailtest.All(t, db)); after != before {
		t.Errorf("%d messages queued for people who exist", after-before)
	}
	// Staff add it to them: the sign-up is theirs, their name is kept.
	f := caller("", "48 12 34 56", "phone", group)
	f.FirstName, f.AddToExisting = "Karianne", true
	res, err := s.SignUpCaller(ctx, f, by)
	if err != nil || res.ParticipantID != byPhone.ParticipantID || !res.Created {
		t.Fatalf("added to the person: %+v %v", res, err)
	}
	if p, _ := s.Participant(ctx, res.ParticipantID); p.FirstName != "Kari" || p.Contact != "sms" {
		t.Errorf("the person was changed: %+v", p)
	}
	if got := outboxRows(t, db, "+4748123456"); len(got) != 2 || got[1] != "sms signup" {
		t.Errorf("messages to the number: %v", got)
	}
	// The same again is refused at the target, and stores nothing.
	var errs validate.Errors
	if _, err := s.SignUpCaller(ctx, f, by); !errors.As(err, &errs) || !errs.Has("target") {
		t.Errorf("a second sign-up for the same group: %v", err)
	}
}

// The form is checked as the public form is, plus the group or theme and the oral consent,
// each next to its field, with nothing stored; a group that is closed is refused.
func TestSignUpCallerValidates(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	_, by := staffMember(t, db)
	f := caller("", "", "phone", signups.Target{})
	f.Consent, f.FirstName, f.Lang = false, " ", "de"
	var errs validate.Errors
	_, err := s.SignUpCaller(ctx, f, by)
	if !errors.As(err, &errs) {
		t.Fatalf("an empty form: %v", err)
	}
	for field, msg := range map[string]string{"target": "behalf.target.required", "consent": "behalf.consent.required",
		"first_name": "behalf.name.required", "phone": "behalf.phone.requiredToCall"} {
		if e, ok := errs.Get(field); !ok || e.Msg != msg {
			t.Errorf("%s: %+v; want %s", field, e, msg)
		}
	}
	if f.Lang != "nb" {
		t.Errorf("an unknown language is kept: %q", f.Lang)
	}
	closed := fixture.New(t, db).Group(fixture.Named("Avsluttet"), fixture.InThemes(target.ThemeID))
	if _, err := db.Exec(ctx, `UPDATE groups SET status = 'closed' WHERE id = $1`, closed.ID); err != nil {
		t.Fatal(err)
	}
	errs = nil
	if _, err := s.SignUpCaller(ctx, caller("kari@example.org", "", "email", signups.Target{GroupID: closed.ID}), by); !errors.As(err, &errs) ||
		!errs.Has("target") {
		t.Errorf("a closed group: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM participants`) + count(t, db, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("%d rows stored by forms that did not hold", n)
	}
}

// SignUpExisting adds a sign-up to a known person with the oral consent and confirms it by
// their channel; without consent, or for a person who is gone, nothing happens. NewWish
// prefills the latest sign-up's preferences and audits the view.
func TestSignUpExisting(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	user, by := staffMember(t, db)
	first, err := s.SignUpCaller(ctx, caller("", "+4700000102", "sms", signups.Target{ThemeID: target.ThemeID}), by)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.NewWish(ctx, first.ParticipantID, by)
	if err != nil || d.Participant.FirstName != "Kari" || strings.Join(d.Wish.Formats, ",") != "digital" ||
		strings.Join(d.Wish.Availability, ",") != "3-morning" {
		t.Fatalf("the draft: %+v %v", d, err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2`, audit.PersonalDataViewed,
		itoa(first.ParticipantID)); n != 1 {
		t.Errorf("%d audit lines of the view; want 1", n)
	}
	w := d.Wish
	w.Target = signups.Target{GroupID: target.GroupID}
	var errs validate.Errors
	if _, err := s.SignUpExisting(ctx, first.ParticipantID, &w, by); !errors.As(err, &errs) || !errs.Has("consent") {
		t.Fatalf("without consent: %v", err)
	}
	if _, err := s.SignUpExisting(ctx, first.ParticipantID+1000, &signups.Wish{Target: w.Target, Consent: true,
		Prefs: w.Prefs}, by); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("a person who is gone: %v", err)
	}
	w.Consent = true
	res, err := s.SignUpExisting(ctx, first.ParticipantID, &w, by)
	if err != nil || !res.Created || res.Channel != mail.ChannelSMS || res.ParticipantID != first.ParticipantID {
		t.Fatalf("sign up existing: %+v %v", res, err)
	}
	list, _ := s.Signups(ctx, first.ParticipantID)
	if len(list) != 2 || list[0].GroupID == nil || *list[0].GroupID != target.GroupID || list[0].ConsentBy != user.Name {
		t.Errorf("the sign-ups: %+v", list)
	}
	if got := outboxRows(t, db, "+4700000102"); len(got) != 2 {
		t.Errorf("messages: %v; want two confirmations", got)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2`, audit.SignedUpByStaff,
		itoa(first.ParticipantID)); n != 2 {
		t.Errorf("%d audit lines of staff sign-ups; want 2", n)
	}
}

func count(t *testing.T, db *pgxpool.Pool, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
