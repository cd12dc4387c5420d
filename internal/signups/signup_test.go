package signups_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// linkIn returns the token of the link to path in the latest mail to to, and fails the test
// when there is none.
func linkIn(t *testing.T, db *pgxpool.Pool, to, path string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(mailtest.Base.String()+path) + `([A-Za-z0-9_-]+)`)
	mails := mailtest.All(t, db)
	for i := len(mails) - 1; i >= 0; i-- {
		if mails[i].To == to {
			if m := re.FindStringSubmatch(mails[i].Text); m != nil {
				return m[1]
			}
		}
	}
	t.Fatalf("no mail to %s with a link to %s: %+v", to, path, mails)
	return ""
}

// A sign-up with an address mails the private link, in the language of the page, without
// naming the group; one with a phone number only gets it by SMS; a second one for the same
// group sends nothing. A form that does not hold stores nothing.
func TestSignUpMailsThePrivateLink(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	res, err := s.SignUp(ctx, form("kari@example.no"), signups.Target{GroupID: target.GroupID}, i18n.EN)
	if err != nil || !res.Created {
		t.Fatalf("sign-up: %+v %v", res, err)
	}
	p, err := s.ByLink(ctx, linkIn(t, db, "kari@example.no", "/mine/"))
	if err != nil || p.ID != res.ParticipantID || p.Lang != "en" {
		t.Fatalf("the mailed link: %+v %v", p, err)
	}
	again := form("kari@example.no")
	if res, err := s.SignUp(ctx, again, signups.Target{GroupID: target.GroupID}, i18n.EN); err != nil || res.Created {
		t.Fatalf("second sign-up: %+v %v", res, err)
	}
	phone := form("per@example.no")
	phone.Email, phone.Phone = "", "912 34 567"
	if _, err := s.SignUp(ctx, phone, signups.Target{GroupID: target.GroupID}, i18n.NB); err != nil {
		t.Fatal(err)
	}
	mails := mailtest.All(t, db)
	if len(mails) != 2 || mails[0].Kind != "signup" || mails[0].Subject != i18n.Translate(i18n.EN, "mail.signup.subject") {
		t.Fatalf("mails: %+v", mails)
	}
	if sms := mails[1]; sms.Kind != "signup" || sms.To != "+4791234567" || sms.Subject != "" || strings.Contains(sms.Text, "Tirsdagsgruppa") {
		t.Errorf("the SMS to the phone number only: %+v", sms)
	}
	if strings.Contains(mails[0].Subject+mails[0].Text, "Tirsdagsgruppa") {
		t.Errorf("the mail names the group:\n%s", mails[0].Text)
	}
	bad := form("kari@example.no")
	bad.FirstName, bad.Email = "  ", " nei "
	var errs validate.Errors
	if _, err := s.SignUp(ctx, bad, signups.Target{ThemeID: target.ThemeID}, i18n.NB); !errors.As(err, &errs) ||
		!errs.Has("first_name") || !errs.Has("email") {
		t.Fatalf("an invalid form: %v", err)
	}
	if bad.Email != "nei" {
		t.Errorf("the form shown again is not the one checked: %q", bad.Email)
	}
	var n int
	db.QueryRow(ctx, `SELECT count(*) FROM signups`).Scan(&n)
	if n != 2 {
		t.Errorf("%d sign-ups stored, want 2", n)
	}
}

// A new link goes to a known address only, and the answer is the same for an unknown one.
func TestSendLink(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	res, _ := s.SignUp(ctx, form("kari@example.no"), signups.Target{ThemeID: target.ThemeID}, i18n.NB)
	if err := s.SendLink(ctx, "ukjent@example.no", i18n.NB); err != nil {
		t.Fatalf("unknown address: %v", err)
	}
	var errs validate.Errors
	if err := s.SendLink(ctx, "ikke en adresse", i18n.NB); !errors.As(err, &errs) || !errs.Has("email") {
		t.Errorf("a malformed address: %v", err)
	}
	if err := s.SendLink(ctx, "kari@example.no", i18n.EN); err != nil {
		t.Fatal(err)
	}
	mails := mailtest.All(t, db)
	if len(mails) != 2 || mails[1].Kind != "my_link" || mails[1].Subject != i18n.Translate(i18n.EN, "mail.mylink.subject") {
		t.Fatalf("mails: %+v", mails)
	}
	if p, err := s.ByLink(ctx, linkIn(t, db, "kari@example.no", "/mine/")); err != nil || p.ID != res.ParticipantID {
		t.Errorf("the new link: %+v %v", p, err)
	}
}
